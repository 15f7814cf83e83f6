"""Place a free-text address on the district's grid map.

An address naming a housing estate (小区) or a grid number lands on a grid;
one naming only a community or one of its roads lands on that community's
first grid and is marked approximate; an address inside the district that
names nothing known stays unresolved for staff to place. An address in
another city or district is refused: the organisation cannot serve it.

Matching is by name only, longest name first; house numbers are not used, so
two estates on the same road are told apart only by their names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from tools import district
from tools.errors import ToolInputError

Precision = Literal["grid", "community", "unresolved"]

# Well-known places that are certainly not in this district.
_OTHER_PLACES = (
    "北京|上海|天津|重庆|广州|深圳|杭州|南京|苏州|武汉|成都|西安|长沙|郑州|"
    "合肥|南昌|福州|厦门|济南|青岛|沈阳|大连|哈尔滨|长春|昆明|贵阳|南宁|海口|"
    "太原|石家庄|兰州|西宁|银川|呼和浩特|乌鲁木齐|拉萨|宁波|无锡|温州|佛山|东莞|"
    "香港|澳门|台北|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|"
    "河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|"
    "西藏|宁夏|新疆"
)
# "北京市…", "浙江省…", or an address that starts with the place itself; but
# "北京路" is a road name found in many cities, this district included.
_ELSEWHERE = re.compile(
    rf"({_OTHER_PLACES})(?:省|市|自治区)|^({_OTHER_PLACES})(?![东西南北中]?(?:路|街|大道|巷))"
)
_CITY_DISTRICT = re.compile(r"([\u4e00-\u9fff]{2,4}?)市([\u4e00-\u9fff]{2,3}?)[区县]")
# Words with 市 that are shops, not cities ("华润超市旁").
_MARKET_WORDS = re.compile(r"超市|菜市场?|集市|市场|市民")
_GRID_NUMBER = re.compile(r"第?([0-9一二三四五六七])网格")
_CN_DIGITS = {c: i + 1 for i, c in enumerate("一二三四五六七")}


@dataclass(frozen=True)
class Placement:
    """Where an address was placed and how sure the placement is."""

    precision: Precision
    grid_code: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    matched: str = ""

    @property
    def label(self) -> str:
        """A short Chinese description for residents and staff."""
        if self.precision == "unresolved":
            return "暂未定位到网格，工作人员会人工确认"
        grid = district.grid_by_code(self.grid_code or "")
        name = grid.name if grid else ""
        if self.precision == "community":
            return f"已定位到{name[: name.find('社区') + 2]}（网格待确认）"
        return f"已定位到{name}"


@cache
def _names() -> list[tuple[str, str, str]]:
    """(name, kind, code) for every known place, longest name first."""
    rows: list[tuple[str, str, str]] = []
    for street in district.streets():
        rows.append((street.name, "street", street.code))
        rows.append((street.arterial, "street", street.code))
    for community in district.communities():
        rows.append((community.name, "community", community.code))
        rows.extend((road, "community", community.code) for road in community.roads)
        rows.extend((g.estate, "grid", g.code) for g in community.grids)
    return sorted(rows, key=lambda row: -len(row[0]))


def _refuse_elsewhere(text: str) -> None:
    """Raise if the address is plainly outside 江州市滨江区."""
    outside = "不在服务范围内：本平台只服务江州市滨江区的居民。"
    text = _MARKET_WORDS.sub("", text)
    match = _CITY_DISTRICT.search(text)
    if match and (match.group(1) != "江州" or match.group(2) != "滨江"):
        raise ToolInputError(f"地址“{match.group(0)}”{outside}")
    other = _ELSEWHERE.search(text)
    if other:
        place = other.group(1) or other.group(2)
        raise ToolInputError(f"地址在{place}，{outside}")


def _grid_in(community_code: str, text: str) -> str | None:
    """An explicit grid number inside a community ("第3网格"), if any."""
    match = _GRID_NUMBER.search(text)
    if not match:
        return None
    raw = match.group(1)
    number = _CN_DIGITS.get(raw) or int(raw)
    grid = district.grid_by_code(f"{community_code}-{number:02d}")
    return grid.code if grid else None


def resolve(address: str) -> Placement:
    """Place ``address``; raise ToolInputError if it is outside the district."""
    text = re.sub(r"\s+", "", address or "")
    if len(text) < 2:
        raise ToolInputError("请提供详细地址，例如“柳湾路柳湾花园3栋2单元”。")
    _refuse_elsewhere(text)

    for name, kind, code in _names():
        if name not in text:
            continue
        if kind == "grid":
            grid = district.grid_by_code(code)
            assert grid is not None
            return _placement("grid", grid.code, name)
        if kind == "community":
            explicit = _grid_in(code, text)
            if explicit:
                return _placement("grid", explicit, name)
            community = district.community_by_code(code)
            assert community is not None
            return _placement("community", community.grids[0].code, name)
        # A street or arterial road alone does not say which community.
        return Placement("unresolved", street_code=code, matched=name)
    return Placement("unresolved")


def _placement(precision: Precision, grid_code: str, matched: str) -> Placement:
    grid = district.grid_by_code(grid_code)
    assert grid is not None
    community = district.community_by_code(grid.community_code)
    assert community is not None
    return Placement(
        precision, grid.code, community.code, community.street_code, matched
    )

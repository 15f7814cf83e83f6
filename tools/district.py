"""The demo district: 江州市滨江区, a fictional district of a fictional city.

Seven streets (街道), thirty-five communities (社区) and 217 grids (网格). Each
grid holds one named housing estate (小区), and each community has two roads,
so that the gazetteer can place a free-text address. Coordinates sit inside
one plausible box (about 31.03-31.17 N, 118.30-118.46 E); no real place is
described. Everything here is pure data: deterministic, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

CITY = "江州市"
DISTRICT = "滨江区"
GRID_COUNT = 217

# Street code, name, centre (lat, lng), arterial road, community short names.
_STREETS: tuple[tuple[str, str, float, float, str, str], ...] = (
    ("JB", "江滨街道", 31.112, 118.352, "滨江大道", "沿江 江畔 临江 观澜 滨苑"),
    ("WJ", "望江街道", 31.138, 118.371, "望江大道", "望江门 江月 听涛 远帆 渔港"),
    ("LW", "柳湾街道", 31.094, 118.318, "柳湾大道", "柳湾 柳荫 新柳 湾头 杨柳岸"),
    ("JS", "金沙街道", 31.071, 118.356, "金沙大道", "金沙 沙洲 金桥 金鼎 银湖"),
    ("CX", "长兴街道", 31.118, 118.402, "长兴大道", "长兴 兴业 兴华 长乐 永安"),
    ("DL", "东岚街道", 31.087, 118.431, "东岚大道", "东岚 岚山 东湖 青岚 翠屏"),
    ("BL", "白鹭洲街道", 31.151, 118.425, "白鹭大道", "白鹭 鹭洲 芦汀 洲头 汀兰"),
)

# One side road per community, in community order.
_ROAD_STEMS = tuple(
    "梧桐银杏香樟紫荆玉兰海棠桂花石榴枫林松涛竹溪杏林梅园兰亭荷塘芙蓉丹桂青枫"
    "白杨柳岸樱花槐荫桃源菱湖芦花茶山栖霞凤鸣龙泉鹤翔燕归鹭飞锦绣康宁安和"[i : i + 2]
    for i in range(0, 70, 2)
)

_ESTATE_SUFFIXES = ("花园", "新村", "家园", "公寓", "名苑", "小区", "雅居")

# Offsets (degrees) of the five communities around their street's centre.
_COMMUNITY_OFFSETS = (
    (0.0, 0.0),
    (0.011, 0.007),
    (-0.009, 0.010),
    (0.006, -0.012),
    (-0.010, -0.008),
)


@dataclass(frozen=True)
class StreetSpec:
    code: str
    name: str
    lat: float
    lng: float
    arterial: str


@dataclass(frozen=True)
class GridSpec:
    code: str
    name: str
    community_code: str
    number: int
    estate: str
    lat: float
    lng: float


@dataclass(frozen=True)
class CommunitySpec:
    code: str
    name: str
    short: str
    street_code: str
    lat: float
    lng: float
    roads: tuple[str, ...]
    grids: tuple[GridSpec, ...]


def _grid_counts() -> list[int]:
    # 35 communities: the first seven have 7 grids, the rest 6 (7*7+28*6=217).
    return [7 if i < 7 else 6 for i in range(35)]


def _grids_for(code: str, short: str, lat: float, lng: float, n: int) -> list[GridSpec]:
    grids = []
    for k in range(n):
        # Grids sit on a small ring around the community centre.
        ring = ((k % 3) - 1) * 0.0021, ((k // 3) - 1) * 0.0024
        grids.append(
            GridSpec(
                code=f"{code}-{k + 1:02d}",
                name=f"{short}社区第{k + 1}网格",
                community_code=code,
                number=k + 1,
                estate=f"{short}{_ESTATE_SUFFIXES[k]}",
                lat=round(lat + ring[0], 6),
                lng=round(lng + ring[1], 6),
            )
        )
    return grids


@cache
def streets() -> tuple[StreetSpec, ...]:
    """The district's streets, in a fixed order."""
    return tuple(StreetSpec(s[0], s[1], s[2], s[3], s[4]) for s in _STREETS)


@cache
def communities() -> tuple[CommunitySpec, ...]:
    """The district's communities with their roads and grids."""
    counts = _grid_counts()
    result = []
    index = 0
    for s_code, _name, s_lat, s_lng, _arterial, shorts in _STREETS:
        for j, short in enumerate(shorts.split()):
            code = f"{s_code}{j + 1:02d}"
            lat = round(s_lat + _COMMUNITY_OFFSETS[j][0], 6)
            lng = round(s_lng + _COMMUNITY_OFFSETS[j][1], 6)
            side = _ROAD_STEMS[index] + ("路" if index % 2 == 0 else "街")
            grids = _grids_for(code, short, lat, lng, counts[index])
            result.append(
                CommunitySpec(
                    code=code,
                    name=f"{short}社区",
                    short=short,
                    street_code=s_code,
                    lat=lat,
                    lng=lng,
                    roads=(f"{short}路", side),
                    grids=tuple(grids),
                )
            )
            index += 1
    return tuple(result)


@cache
def grids() -> tuple[GridSpec, ...]:
    """All 217 grids, community by community."""
    return tuple(g for c in communities() for g in c.grids)


def street_of(community: CommunitySpec) -> StreetSpec:
    """The street a community belongs to."""
    return next(s for s in streets() if s.code == community.street_code)


def community_by_code(code: str) -> CommunitySpec | None:
    """A community by its code (``JB01``), or None."""
    return next((c for c in communities() if c.code == code.upper()), None)


def grid_by_code(code: str) -> GridSpec | None:
    """A grid by its code (``JB01-03``), or None."""
    return next((g for g in grids() if g.code == code.upper()), None)


def full_address(grid: GridSpec, building: int, unit: int, room: int) -> str:
    """A postal-style address inside ``grid``'s estate."""
    community = community_by_code(grid.community_code)
    assert community is not None
    road = community.roads[grid.number % 2]
    number = 10 + grid.number * 12
    return (
        f"{CITY}{DISTRICT}{road}{number}号{grid.estate}{building}栋{unit}单元{room}室"
    )

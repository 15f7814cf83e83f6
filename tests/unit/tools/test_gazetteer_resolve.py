"""Placing free-text addresses on the district's grids."""

from __future__ import annotations

import pytest

from tools import district
from tools.errors import ToolInputError
from tools.gazetteer import resolve


def test_estate_name_places_the_address_on_its_grid() -> None:
    placement = resolve("江州市滨江区沿江路82号沿江小区3栋2单元502室")

    assert placement.precision == "grid"
    assert placement.grid_code == "JB01-06"
    assert placement.community_code == "JB01"
    assert placement.label == "已定位到沿江社区第6网格"


def test_community_with_grid_number_places_on_that_grid() -> None:
    placement = resolve("柳荫社区第三网格5栋")

    assert (placement.precision, placement.grid_code) == ("grid", "LW02-03")


def test_road_alone_places_on_the_community_approximately() -> None:
    placement = resolve("梧桐路12号")

    assert placement.precision == "community"
    assert placement.community_code == "JB01"
    assert "网格待确认" in placement.label


def test_every_estate_of_the_district_resolves_to_its_own_grid() -> None:
    for grid in district.grids():
        assert resolve(f"{grid.estate}2栋").grid_code == grid.code


def test_unknown_address_in_the_district_stays_unresolved_for_staff() -> None:
    placement = resolve("江州市滨江区某某路1号")

    assert placement.precision == "unresolved"
    assert placement.grid_code is None
    assert "工作人员" in placement.label


@pytest.mark.parametrize(
    "address",
    [
        "杭州市西湖区文三路100号",
        "上海市浦东新区世纪大道1号",
        "北京朝阳区",
        "浙江省宁波市",
    ],
)
def test_address_in_another_city_is_refused(address: str) -> None:
    with pytest.raises(ToolInputError, match="只服务江州市滨江区"):
        resolve(address)


def test_address_in_another_district_of_the_city_is_refused() -> None:
    with pytest.raises(ToolInputError, match="江州市鼓楼区"):
        resolve("江州市鼓楼区中山路8号")


@pytest.mark.parametrize("address", ["北京路12号", "华润超市旁边的楼", "菜市场对面"])
def test_local_roads_and_shops_named_like_cities_are_not_refused(address: str) -> None:
    assert resolve(address).precision == "unresolved"


def test_empty_address_asks_for_details() -> None:
    with pytest.raises(ToolInputError, match="详细地址"):
        resolve("  ")

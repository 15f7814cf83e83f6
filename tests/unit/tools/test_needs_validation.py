"""Validation of what a resident types into a need."""

from __future__ import annotations

import pytest

from tools import taxonomy
from tools.errors import ToolInputError
from tools.needs.validation import (
    clean_description,
    near_identical,
    normalise_phone,
    preferred_slot,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0553-1234567", "05531234567"),
    ],
)
def test_phone_numbers_are_normalised(raw: str, stored: str) -> None:
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "23812345678", "电话号码", "1381234567", ""])
def test_a_phone_that_is_not_a_phone_is_refused_with_an_example(raw: str) -> None:
    with pytest.raises(ToolInputError, match="11 位手机号"):
        normalise_phone(raw)


def test_unknown_category_is_refused_and_the_choices_are_listed() -> None:
    with pytest.raises(ToolInputError) as caught:
        taxonomy.category("遛狗")

    assert "遛狗" in str(caught.value)
    assert "助浴" in str(caught.value) and "其他" in str(caught.value)


def test_bathing_help_needs_two_volunteers_with_one_of_the_elders_gender() -> None:
    spec = taxonomy.category("助浴")

    assert spec.volunteers_needed == 2
    assert spec.same_gender_required
    assert spec.project_code == "bath"


def test_every_category_belongs_to_a_flagship_project() -> None:
    codes = {code for code, _, _ in taxonomy.PROJECTS}

    assert set(taxonomy.CATEGORY_NAMES) == set(taxonomy.CATEGORIES)
    assert all(spec.project_code in codes for spec in taxonomy.CATEGORIES.values())


def test_urgency_labels_map_to_stored_codes() -> None:
    assert taxonomy.urgency_code("紧急") == "urgent"
    with pytest.raises(ToolInputError, match="紧急程度"):
        taxonomy.urgency_code("十万火急")


def test_punctuation_and_spacing_do_not_make_a_need_different() -> None:
    assert near_identical("我母亲需要助浴", "我母亲，需要 助浴！")
    assert not near_identical("我母亲需要助浴", "家里水管坏了需要修")


def test_too_short_description_asks_for_details() -> None:
    with pytest.raises(ToolInputError, match="具体"):
        clean_description("帮忙")


def test_preferred_time_is_read_as_a_weekly_slot() -> None:
    assert preferred_slot("周三上午") == ("wed", "am")
    assert preferred_slot("星期日晚上") == ("sun", "eve")
    assert preferred_slot("尽快") is None

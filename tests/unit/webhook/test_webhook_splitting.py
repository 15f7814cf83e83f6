"""Splitting answers for WeChat's 2048-byte text limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webhook.splitting import WECHAT_TEXT_LIMIT, split_text, take_within, utf8_len


def test_short_answer_stays_whole():
    assert split_text("您好，助浴服务每周三上午开放预约。") == [
        "您好，助浴服务每周三上午开放预约。"
    ]


def test_long_chinese_answer_breaks_after_a_sentence_and_fits_the_limit():
    sentence = "志愿者需提前一天确认服务时间并与家属沟通。"
    parts = split_text(sentence * 200)

    assert len(parts) > 1
    assert all(utf8_len(p) <= WECHAT_TEXT_LIMIT for p in parts)
    assert all(p.endswith("。") for p in parts)
    assert "".join(parts) == sentence * 200


def test_line_breaks_are_preferred_over_sentence_ends():
    text = ("第一行内容。" * 100 + "\n") * 3
    parts = split_text(text, 1000)
    assert all(not p.startswith("\n") for p in parts)
    assert all(utf8_len(p) <= 1000 for p in parts)


@given(st.text(min_size=1, max_size=3000))
def test_no_part_is_over_the_limit_and_nothing_but_blanks_is_lost(text):
    parts = split_text(text, 200)

    assert all(utf8_len(part) <= 200 for part in parts)
    # Only whitespace at the cut points may go; every character stays whole.
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_take_within_counts_separators_and_always_takes_one():
    assert take_within(["a" * 10, "b" * 10], 21) == 1
    assert take_within(["a" * 10, "b" * 10], 22) == 2
    assert take_within(["a" * 100], 10) == 1

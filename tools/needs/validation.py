"""Checks and normalisations applied to a need before it is stored."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from difflib import SequenceMatcher

from tools.errors import ToolInputError

MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
LANDLINE_RE = re.compile(r"^(0\d{2,3})(\d{7,8})$")
MIN_DESCRIPTION = 4
MAX_DESCRIPTION = 500
# Two descriptions this similar (0..1) from one resident count as one need.
NEAR_IDENTICAL = 0.85

_DAYS = {"一": "mon", "二": "tue", "三": "wed", "四": "thu", "五": "fri"}
_DAYS |= {"六": "sat", "日": "sun", "天": "sun"}
_SLOTS: tuple[tuple[str, str], ...] = (
    ("上午", "am"),
    ("早上", "am"),
    ("中午", "pm"),
    ("下午", "pm"),
    ("晚上", "eve"),
    ("傍晚", "eve"),
)


def normalise_phone(raw: str) -> str:
    """A mainland mobile (11 digits) or landline (area code + number)."""
    compact = re.sub(r"[\s\-()（）]", "", raw or "")
    mobile = MOBILE_RE.match(compact)
    if mobile:
        return mobile.group(1)
    if LANDLINE_RE.match(compact):
        return compact
    raise ToolInputError(
        "联系电话格式不正确：请填写 11 位手机号（如 13812345678）"
        "或带区号的固定电话（如 0553-1234567）。"
    )


def clean_description(text: str) -> str:
    """The description trimmed; too short or too long is refused."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip())
    if len(cleaned) < MIN_DESCRIPTION:
        raise ToolInputError("请把需求描述得具体一些，例如需要什么帮助、给谁。")
    if len(cleaned) > MAX_DESCRIPTION:
        raise ToolInputError(f"需求描述请控制在 {MAX_DESCRIPTION} 字以内。")
    return cleaned


def comparable(text: str) -> str:
    """The text reduced to what matters for duplicate detection."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def fingerprint(resident_id: int, category: str, description: str) -> str:
    """A stable hash of who asked for what."""
    key = f"{resident_id}|{category}|{comparable(description)}"
    return hashlib.sha256(key.encode()).hexdigest()


def near_identical(a: str, b: str) -> bool:
    """Whether two descriptions say the same thing."""
    left, right = comparable(a), comparable(b)
    if left == right:
        return True
    return SequenceMatcher(None, left, right).ratio() >= NEAR_IDENTICAL


def preferred_slot(text: str | None) -> tuple[str, str] | None:
    """("wed", "am") from text such as "周三上午", or None if not stated."""
    if not text:
        return None
    day = re.search(r"(?:周|星期|礼拜)([一二三四五六日天])", text)
    slot = next((code for word, code in _SLOTS if word in text), None)
    if day is None or slot is None:
        return None
    return _DAYS[day.group(1)], slot

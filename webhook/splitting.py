"""Splitting long answers into parts that fit WeChat's byte limit.

A passive reply and a customer-service text message each carry at most about
2048 UTF-8 bytes. Parts break after a line end or a sentence end when one
lies in the second half of the part, otherwise after the last whole
character that fits; a character is never cut. A Markdown table or list that
straddles a break is split with it.
"""

from __future__ import annotations

WECHAT_TEXT_LIMIT = 2048
_SENTENCE_ENDS = "。！？；!?;…"


def utf8_len(text: str) -> int:
    """The number of bytes ``text`` takes in UTF-8."""
    return len(text.encode("utf-8"))


def _fit(text: str, limit: int) -> int:
    """The number of leading characters whose UTF-8 size is within ``limit``."""
    size = 0
    for index, char in enumerate(text):
        size += utf8_len(char)
        if size > limit:
            return index
    return len(text)


def _break_at(window: str) -> int:
    """Where to cut ``window``: after a line end, else a sentence end."""
    floor = len(window) // 2
    cut = window.rfind("\n")
    if cut >= floor:
        return cut + 1
    best = max(window.rfind(mark) for mark in _SENTENCE_ENDS)
    if best >= floor:
        return best + 1
    return len(window)


def split_text(text: str, limit: int = WECHAT_TEXT_LIMIT) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` UTF-8 bytes each."""
    if limit < 4:
        raise ValueError("limit must hold at least one character")
    parts: list[str] = []
    rest = text.strip()
    while utf8_len(rest) > limit:
        window = rest[: _fit(rest, limit)]
        cut = _break_at(window)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def take_within(parts: list[str], limit: int, separator: str = "\n\n") -> int:
    """How many leading ``parts`` fit together in ``limit`` bytes (at least 1)."""
    total = 0
    for count, part in enumerate(parts):
        total += utf8_len(part) + (utf8_len(separator) if count else 0)
        if total > limit:
            return max(count, 1)
    return len(parts)

"""Figures the model wrote must come from a tool result or a cited passage.

A small model asked about hours happily invents "您已累计服务 36 小时". Any
hour figure in model-written text that appears in none of this turn's sources
is removed together with its sentence, and the user is pointed to the
ledger lookup instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant import prompts

_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:小时|钟头|工时)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?\n]?")


def _numbers(sources: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for text in sources:
        for number in _NUMBER.findall(text):
            found.add(number)
            # "12.0" in a ledger result backs "12" in a reply, and back.
            found.add(str(float(number)).removesuffix(".0"))
    return found


def ungrounded_hours(text: str, sources: Iterable[str]) -> list[str]:
    """Hour figures in ``text`` that none of ``sources`` contains."""
    known = _numbers(sources)
    return [
        m.group(1)
        for m in _HOURS.finditer(text)
        if m.group(1) not in known
        and str(float(m.group(1))).removesuffix(".0") not in known
    ]


def enforce_hours(text: str, sources: Iterable[str]) -> str:
    """Drop sentences with ungrounded hour figures; say where figures come from."""
    sources = list(sources)
    if not ungrounded_hours(text, sources):
        return text
    kept = [
        sentence
        for sentence in _SENTENCE.findall(text)
        if sentence and not ungrounded_hours(sentence, sources)
    ]
    body = "".join(kept).strip()
    note = prompts.message("hours_unverified")
    return f"{body}\n{note}" if body else note

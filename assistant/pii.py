"""Phones and ID numbers are masked before the model sees a message.

The masked form (``138****5678``) is what the model reads and copies into
tool arguments; the original is kept in the conversation state and put back
only inside the arguments of a tool call, just before the tool runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tools.privacy import ID_RE, PHONE_RE, mask_id_number

# What a masked value looks like after the model copied it, stars and all
# (a model sometimes drops or adds a star).
_MASKED_PHONE = re.compile(r"(1[3-9]\d)\*{2,6}(\d{4})")
_MASKED_ID = re.compile(r"(\d{3})\*{6,16}([\dXx]{2})")


@dataclass(frozen=True)
class Masked:
    """A message with its personal numbers masked, and the originals."""

    text: str
    originals: dict[str, str]


def _phone_key(head: str, tail: str) -> str:
    return f"{head}****{tail}"


def _id_key(head: str, tail: str) -> str:
    return f"{head}*ID*{tail.upper()}"


def mask_message(text: str) -> Masked:
    """Mask phones and ID numbers; remember each original by its masked key."""
    originals: dict[str, str] = {}

    def hide_id(match: re.Match[str]) -> str:
        value = match.group(0)
        originals[_id_key(value[:3], value[-2:])] = value.upper()
        return mask_id_number(value.upper())

    def hide_phone(match: re.Match[str]) -> str:
        digits = match.group(1) + match.group(2) + match.group(3)
        originals[_phone_key(match.group(1), match.group(3))] = digits
        return _phone_key(match.group(1), match.group(3))

    # ID numbers first: an ID contains runs of digits that look like a phone.
    masked = ID_RE.sub(hide_id, text)
    masked = PHONE_RE.sub(hide_phone, masked)
    return Masked(masked, originals)


def restore(value: Any, originals: dict[str, str]) -> Any:
    """Put the original numbers back into tool arguments (str, list or dict)."""
    if isinstance(value, str):
        value = _MASKED_ID.sub(
            lambda m: originals.get(_id_key(m.group(1), m.group(2)), m.group(0)),
            value,
        )
        return _MASKED_PHONE.sub(
            lambda m: originals.get(_phone_key(m.group(1), m.group(2)), m.group(0)),
            value,
        )
    if isinstance(value, dict):
        return {key: restore(item, originals) for key, item in value.items()}
    if isinstance(value, list):
        return [restore(item, originals) for item in value]
    return value

"""The active volunteers as column arrays.

Matching scores every volunteer with numpy operations over these columns
instead of a Python loop per volunteer; ``tools.matching.loader`` fills them
from the database and caches them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS = ("am", "pm", "eve")
# Skill and certification names map to bits of one 64-bit word each.
MAX_TAGS = 63


def slot_bit(day: str, slot: str) -> int:
    """The availability bit of one weekday and time of day."""
    return 1 << (DAYS.index(day) * len(SLOTS) + SLOTS.index(slot))


def availability_mask(availability: dict[str, Any] | None) -> int:
    """Pack {"mon": ["am", "pm"], ...} into 21 bits; unknown names are ignored."""
    mask = 0
    for day, slots in (availability or {}).items():
        if day in DAYS and isinstance(slots, list):
            for slot in slots:
                if slot in SLOTS:
                    mask |= slot_bit(day, slot)
    return mask


@dataclass
class Pool:
    """Column arrays of volunteers, one row per volunteer."""

    ids: np.ndarray
    codes: list[str]
    names: list[str]
    grid: np.ndarray
    community: np.ndarray
    street: np.ndarray
    lat: np.ndarray  # radians
    lng: np.ndarray  # radians
    male: np.ndarray
    birth_year: np.ndarray
    party: np.ndarray
    skills: np.ndarray  # uint64 bit set, see skill_bits
    certs: np.ndarray
    availability: np.ndarray  # 21-bit set, see slot_bit
    load: np.ndarray  # open assignments
    recent_minutes: np.ndarray  # served in the last few weeks
    completed: np.ndarray
    dropped: np.ndarray
    rating_sum: np.ndarray
    rating_count: np.ndarray
    skill_bits: dict[str, int] = field(default_factory=dict)
    cert_bits: dict[str, int] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)
    # Derived once: cos(lat) for distances, the volunteer-only score part.
    cos_lat: np.ndarray = field(init=False)
    static: np.ndarray | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.ids.size > 1 and np.any(np.diff(self.ids) <= 0):
            raise ValueError("pool ids must be strictly increasing")
        self.cos_lat = np.cos(self.lat)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def mask_of(self, names: tuple[str, ...], bits: dict[str, int]) -> int:
        """The bit set of ``names``; names no volunteer holds add nothing."""
        mask = 0
        for name in names:
            if name in bits:
                mask |= 1 << bits[name]
        return mask

    def row_of(self, volunteer_id: int) -> int | None:
        at = int(np.searchsorted(self.ids, volunteer_id))
        return at if at < self.ids.size and self.ids[at] == volunteer_id else None


def tag_bits(rows: list[list[str]]) -> dict[str, int]:
    """Bit positions for every tag in ``rows``, most frequent first."""
    counts: dict[str, int] = {}
    for tags in rows:
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
    ordered = sorted(counts, key=lambda t: (-counts[t], t))
    if len(ordered) > MAX_TAGS:
        log.warning("matching: %s tags, only %s used", len(ordered), MAX_TAGS)
    return {tag: i for i, tag in enumerate(ordered[:MAX_TAGS])}


def pack_tags(rows: list[list[str]], bits: dict[str, int]) -> np.ndarray:
    packed = np.zeros(len(rows), dtype=np.uint64)
    for i, tags in enumerate(rows):
        word = 0
        for tag in tags:
            if tag in bits:
                word |= 1 << bits[tag]
        packed[i] = word
    return packed

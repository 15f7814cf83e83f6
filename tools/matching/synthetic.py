"""Synthetic volunteer pools for the matching benchmark and evaluation.

Volunteers are spread over ``grids`` neighbourhood grids (five grids to a
community, six communities to a street) around a city centre, with skills,
certifications and weekly availability drawn at roughly the demo's rates.
"""

from __future__ import annotations

import numpy as np

from tools.matching.pool import DAYS, SLOTS, Pool

CENTRE = (30.27, 120.15)
GRIDS_PER_COMMUNITY = 5
COMMUNITIES_PER_STREET = 6
SKILLS = (
    ("助餐", 0.22), ("陪诊", 0.16), ("家政", 0.14), ("代购", 0.20),
    ("维修", 0.08), ("水电", 0.05), ("心愿", 0.12), ("垃圾分类", 0.30),
    ("课业辅导", 0.14), ("心理陪伴", 0.08), ("手工", 0.10), ("助浴", 0.07),
    ("理发", 0.03), ("法律咨询", 0.02), ("护理", 0.04),
)  # fmt: skip
CERTS = (
    ("急救", 0.15), ("护理", 0.07), ("养老护理员", 0.03), ("教师", 0.07),
    ("心理咨询", 0.03), ("理发", 0.035), ("法律职业资格", 0.015),
)  # fmt: skip


def grid_centres(grids: int, seed: int = 1) -> np.ndarray:
    """(lat, lng) in degrees of each grid, communities clustered together."""
    rng = np.random.default_rng(seed)
    communities = -(-grids // GRIDS_PER_COMMUNITY)
    hubs = rng.normal(CENTRE, 0.03, size=(communities, 2))
    community = np.arange(grids) // GRIDS_PER_COMMUNITY
    return hubs[community] + rng.normal(0, 0.004, size=(grids, 2))


def _bits(
    rng: np.random.Generator, n: int, rates: tuple[tuple[str, float], ...]
) -> tuple[np.ndarray, dict[str, int]]:
    words = np.zeros(n, dtype=np.uint64)
    for bit, (_, rate) in enumerate(rates):
        held = rng.random(n) < rate
        words[held] |= np.uint64(1 << bit)
    return words, {name: bit for bit, (name, _) in enumerate(rates)}


def synthetic_pool(n: int, *, grids: int = 217, seed: int = 7) -> Pool:
    """A pool of ``n`` made-up volunteers (ids 1..n)."""
    rng = np.random.default_rng(seed)
    centres = grid_centres(grids, seed)
    grid = rng.integers(0, grids, n)
    community = grid // GRIDS_PER_COMMUNITY
    place = centres[grid] + rng.normal(0, 0.003, size=(n, 2))
    skills, skill_bits = _bits(rng, n, SKILLS)
    certs, cert_bits = _bits(rng, n, CERTS)
    slots = len(DAYS) * len(SLOTS)
    free = rng.random((n, slots)) < 0.35
    availability = (free * (1 << np.arange(slots))).sum(axis=1).astype(np.int64)
    done = rng.poisson(6, n).astype(np.float64)
    ratings = rng.poisson(3, n).astype(np.float64)
    return Pool(
        ids=np.arange(1, n + 1, dtype=np.int64),
        codes=[f"V{i:07d}" for i in range(1, n + 1)],
        names=[f"志愿者{i}" for i in range(1, n + 1)],
        grid=grid.astype(np.int64) + 1,
        community=community.astype(np.int64) + 1,
        street=(community // COMMUNITIES_PER_STREET).astype(np.int64) + 1,
        lat=np.radians(place[:, 0]),
        lng=np.radians(place[:, 1]),
        male=rng.random(n) < 0.45,
        birth_year=rng.integers(1950, 2007, n).astype(np.int32),
        party=rng.random(n) < 0.28,
        skills=skills,
        certs=certs,
        availability=availability,
        load=rng.poisson(0.4, n).astype(np.float64),
        recent_minutes=rng.poisson(1.5, n) * 60.0,
        completed=done,
        dropped=rng.poisson(0.5, n).astype(np.float64),
        rating_sum=ratings * rng.uniform(3.8, 5.0, n),
        rating_count=ratings,
        skill_bits=skill_bits,
        cert_bits=cert_bits,
    )

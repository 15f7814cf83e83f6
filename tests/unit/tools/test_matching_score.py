"""The vectorised ranking agrees with scoring each volunteer one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tools.matching import MatchQuery, match_query, rank
from tools.matching import score as s
from tools.matching.pool import Pool, availability_mask, slot_bit
from tools.matching.synthetic import synthetic_pool


def one_by_one(pool: Pool, q: MatchQuery, row: int) -> float | None:
    """The score of one volunteer written out plainly, or None if not eligible."""
    vid = int(pool.ids[row])
    skills = {n for n, b in pool.skill_bits.items() if int(pool.skills[row]) >> b & 1}
    certs = {n for n, b in pool.cert_bits.items() if int(pool.certs[row]) >> b & 1}
    has_cert = bool(certs & set(q.certifications))
    qualified = bool(skills & set(q.skills)) or has_cert
    if q.year - int(pool.birth_year[row]) < q.min_age or vid in q.exclude:
        return None
    if (q.skills or q.certifications) and not qualified:
        return None

    total = s.SKILL if qualified and (q.skills or q.certifications) else 0.0
    total += s.CERTIFICATION if has_cert else 0.0
    if pool.grid[row] == q.grid_id:
        total += s.SAME_GRID
    elif pool.community[row] == q.community_id:
        total += s.SAME_COMMUNITY
    elif pool.street[row] == q.street_id:
        total += s.SAME_STREET
    assert q.lat is not None and q.lng is not None and q.slot is not None
    lat1, lng1 = math.radians(q.lat), math.radians(q.lng)
    lat2, lng2 = float(pool.lat[row]), float(pool.lng[row])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    total += s.NEAR * math.exp(-km / s.NEAR_KM)
    free = int(pool.availability[row]) & slot_bit(*q.slot)
    total += s.AVAILABLE if free else s.UNAVAILABLE
    total += s.PER_OPEN_TASK * min(float(pool.load[row]), s.MAX_OPEN_TASKS)
    total += max(s.PER_RECENT_HOUR * float(pool.recent_minutes[row]) / 60, -10.0)
    done, dropped = float(pool.completed[row]), float(pool.dropped[row])
    stars = (float(pool.rating_sum[row]) + 9) / (float(pool.rating_count[row]) + 2)
    total += s.COMPLETION * (done + 1.6) / (done + dropped + 2) + s.PER_STAR * (
        stars - 4
    )
    total += s.CONTACT if vid == q.contact_volunteer_id else 0.0
    same = (pool.male[row]) == (q.beneficiary_gender == "M")
    total += s.SAME_GENDER if q.same_gender_required and same else 0.0
    return total


@pytest.mark.parametrize("category", ["助浴", "陪诊", "课业辅导", "其他"])
def test_vectorised_scores_match_a_plain_loop(category: str) -> None:
    pool = synthetic_pool(600, grids=20, seed=5)
    q = MatchQuery.for_category(
        category, grid_id=3, community_id=1, street_id=1, lat=30.27, lng=120.15,
        slot=("wed", "pm"), beneficiary_gender="F", contact_volunteer_id=17,
        year=2025, exclude=(5, 9),
    )  # fmt: skip

    plain = {int(pool.ids[r]): one_by_one(pool, q, r) for r in range(len(pool))}
    eligible = {vid: t for vid, t in plain.items() if t is not None}
    expected = sorted(eligible, key=lambda v: (-eligible[v], v))[:8]
    ranking = rank(pool, q, k=8)

    assert ranking.eligible == len(eligible)
    assert [int(pool.ids[r]) for r in ranking.rows[:8]] == expected
    for row, total in zip(ranking.rows, ranking.totals, strict=True):
        assert total == pytest.approx(eligible[int(pool.ids[row])])
        parts = sum(float(ranking.factors[n][list(ranking.rows).index(row)])
                    for n in s.FACTORS)  # fmt: skip
        assert parts == pytest.approx(total)


def test_equal_scores_rank_the_smaller_id_first() -> None:
    pool = synthetic_pool(50, grids=1, seed=2)
    for column in ("load", "recent_minutes", "completed", "dropped", "rating_sum"):
        getattr(pool, column)[:] = 0
    pool.rating_count[:] = 0
    pool.lat[:] = pool.lat[0]
    pool.lng[:] = pool.lng[0]
    pool.birth_year[:] = 1980
    q = MatchQuery.for_category("其他", year=2025)

    result = match_query(pool, q, k=5)

    assert [c.volunteer_id for c in result.candidates] == [1, 2, 3, 4, 5]


def test_availability_is_packed_per_weekday_and_time_of_day() -> None:
    mask = availability_mask({"mon": ["am"], "sun": ["eve", "noon"], "xyz": ["am"]})

    assert mask == slot_bit("mon", "am") | slot_bit("sun", "eve")
    assert not mask & slot_bit("mon", "pm")


def test_a_pool_with_unsorted_ids_is_refused() -> None:
    pool = synthetic_pool(3)
    fields = {k: v for k, v in pool.__dict__.items() if k not in ("cos_lat", "static")}
    with pytest.raises(ValueError):
        type(pool)(**(fields | {"ids": np.array([3, 1, 2])}))

"""Vectorised scoring: every factor is one numpy expression over the pool.

A volunteer's score is the sum of the factors' contributions, so each
contribution can be shown to staff as the reason for the rank. Volunteers
without the category's skills or certifications, younger than its minimum
age, or already on the need are not ranked at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

from tools.matching.pool import Pool, slot_bit
from tools.matching.query import MatchQuery

# Points per factor. The household's own contact (包联) outweighs the rest so
# that, when qualified, they come first.
SKILL = 30.0
CERTIFICATION = 5.0
SAME_GRID, SAME_COMMUNITY, SAME_STREET = 20.0, 12.0, 6.0
NEAR = 10.0  # times exp(-km / NEAR_KM) where coordinates are known
NEAR_KM = 2.0
AVAILABLE, UNAVAILABLE = 15.0, -15.0
PER_OPEN_TASK, MAX_OPEN_TASKS = -6.0, 4
PER_RECENT_HOUR, MAX_RECENT_PENALTY = -0.5, -10.0
COMPLETION = 10.0  # times the smoothed completion rate
PER_STAR = 4.0  # times (smoothed mean rating - 4)
CONTACT = 100.0
SAME_GENDER = 8.0

Index: TypeAlias = np.ndarray | slice

FACTORS = (
    "skill",
    "certification",
    "distance",
    "availability",
    "load",
    "recent_hours",
    "reliability",
    "contact",
    "gender",
)


@dataclass
class Ranking:
    """Ranked pool rows with each factor's contribution."""

    rows: np.ndarray  # pool row indices, best first
    totals: np.ndarray
    factors: dict[str, np.ndarray]
    distance_km: np.ndarray  # NaN where unknown
    eligible: int
    team: list[int]  # pool rows of the recommended team
    team_complete: bool


def eligible_rows(pool: Pool, q: MatchQuery) -> np.ndarray:
    """Rows qualified for the need: skill or certification, age, not on it."""
    ok = (q.year - pool.birth_year) >= q.min_age
    if q.skills or q.certifications:
        skills = np.uint64(pool.mask_of(q.skills, pool.skill_bits))
        certs = np.uint64(pool.mask_of(q.certifications, pool.cert_bits))
        ok &= ((pool.skills & skills) != 0) | ((pool.certs & certs) != 0)
    if q.exclude:
        ok &= ~np.isin(pool.ids, np.asarray(q.exclude, dtype=np.int64))
    return np.flatnonzero(ok)


def haversine_km(lat: float, lng: float, pool: Pool, idx: Index) -> np.ndarray:
    """Great-circle distances in km from (lat, lng) in degrees to pool rows."""
    lat0, lng0 = math.radians(lat), math.radians(lng)
    half_dlat = pool.lat[idx] - lat0
    half_dlat *= 0.5
    np.sin(half_dlat, out=half_dlat)
    half_dlat *= half_dlat
    half_dlng = pool.lng[idx] - lng0
    half_dlng *= 0.5
    np.sin(half_dlng, out=half_dlng)
    half_dlng *= half_dlng
    half_dlng *= pool.cos_lat[idx]
    half_dlng *= math.cos(lat0)
    half_dlat += half_dlng
    np.minimum(half_dlat, 1.0, out=half_dlat)
    np.sqrt(half_dlat, out=half_dlat)
    np.arcsin(half_dlat, out=half_dlat)
    half_dlat *= 2 * 6371.0
    return half_dlat


def _distance(pool: Pool, q: MatchQuery, idx: Index, n: int) -> tuple[np.ndarray, ...]:
    tier = np.zeros(n)
    if q.street_id is not None:
        tier[pool.street[idx] == q.street_id] = SAME_STREET
    if q.community_id is not None:
        tier[pool.community[idx] == q.community_id] = SAME_COMMUNITY
    if q.grid_id is not None:
        tier[pool.grid[idx] == q.grid_id] = SAME_GRID
    if q.lat is None or q.lng is None:
        return tier, np.full(n, np.nan)
    km = haversine_km(q.lat, q.lng, pool, idx)
    near = -km
    near /= NEAR_KM
    np.exp(near, out=near)
    near *= NEAR
    tier += near
    return tier, km


def _query_factors(
    pool: Pool, q: MatchQuery, idx: Index, n: int
) -> dict[str, np.ndarray]:
    """The need-dependent factors for rows ``idx``; factors that are zero for
    every row are left out."""
    f: dict[str, np.ndarray] = {}
    # A listed skill or certification qualifies equally; a certification
    # adds a small bonus, so that a certified volunteer far away does not
    # outrank a qualified neighbour.
    certified = None
    if q.certifications:
        certs = np.uint64(pool.mask_of(q.certifications, pool.cert_bits))
        certified = (pool.certs[idx] & certs) != 0
        f["certification"] = certified * CERTIFICATION
    if q.skills or q.certifications:
        skills = np.uint64(pool.mask_of(q.skills, pool.skill_bits))
        qualified = (pool.skills[idx] & skills) != 0
        if certified is not None:
            qualified |= certified
        f["skill"] = qualified * SKILL
    f["distance"], _ = _distance(pool, q, idx, n)
    if q.slot is not None:
        free = (pool.availability[idx] & slot_bit(*q.slot)) != 0
        f["availability"] = np.where(free, AVAILABLE, UNAVAILABLE)
    if q.contact_volunteer_id is not None:
        ids = pool.ids[idx]
        at = int(np.searchsorted(ids, q.contact_volunteer_id))
        if at < n and ids[at] == q.contact_volunteer_id:
            f["contact"] = np.zeros(n)
            f["contact"][at] = CONTACT
    if q.same_gender_required and q.beneficiary_gender in ("M", "F"):
        same = pool.male[idx] == (q.beneficiary_gender == "M")
        f["gender"] = same * SAME_GENDER
    return f


def static_factors(pool: Pool, rows: Index) -> dict[str, np.ndarray]:
    """The factors that depend only on the volunteer: workload and record."""
    f = {"load": PER_OPEN_TASK * np.minimum(pool.load[rows], MAX_OPEN_TASKS)}
    recent = PER_RECENT_HOUR * pool.recent_minutes[rows] / 60.0
    f["recent_hours"] = np.maximum(recent, MAX_RECENT_PENALTY)

    # Smoothed so that a newcomer starts near the organisation's norm.
    done, dropped = pool.completed[rows], pool.dropped[rows]
    rate = (done + 1.6) / (done + dropped + 2.0)
    stars = (pool.rating_sum[rows] + 9.0) / (pool.rating_count[rows] + 2.0)
    f["reliability"] = COMPLETION * rate + PER_STAR * (stars - 4.0)
    return f


def static_total(pool: Pool) -> np.ndarray:
    """The static factors summed, computed once per pool."""
    if pool.static is None:
        parts = static_factors(pool, slice(None)).values()
        pool.static = np.sum(np.vstack(list(parts)), axis=0)
    return pool.static


def _top(totals: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` best totals, best first, ties by smaller id."""
    if totals.size > k:
        part = np.argpartition(-totals, k - 1)[:k]
    else:
        part = np.arange(totals.size)
    order = np.lexsort((ids[part], -totals[part]))
    return part[order]


def rank(pool: Pool, q: MatchQuery, k: int = 5) -> Ranking:
    """Score the eligible volunteers and keep the best ``k`` (and the team)."""
    rows = eligible_rows(pool, q)
    n = int(rows.size)
    # Slicing instead of gathering saves a copy of every column when all rank.
    idx: Index = slice(None) if n == len(pool) else rows
    factors = _query_factors(pool, q, idx, n)
    totals = static_total(pool)[idx]
    if isinstance(idx, slice):
        totals = totals.copy()
    for values in factors.values():
        totals += values
    ids = pool.ids[idx]

    best = _top(totals, ids, max(k, q.volunteers_needed))
    team, complete = _team(pool, q, idx, totals, ids, best)
    extra = [p for p in team if p not in best]
    keep = np.concatenate([best[:k], np.asarray(extra, dtype=np.int64)])
    keep = keep[np.lexsort((ids[keep], -totals[keep]))]

    kept = rows[keep]
    static = static_factors(pool, kept)
    shown = {}
    for name in FACTORS:
        if name in factors:
            shown[name] = factors[name][keep]
        else:
            shown[name] = static.get(name, np.zeros(keep.size))
    _, km = _distance(pool, q, kept, kept.size)
    return Ranking(
        rows=kept,
        totals=totals[keep],
        factors=shown,
        distance_km=km,
        eligible=n,
        team=[int(rows[p]) for p in team],
        team_complete=complete,
    )


def _team(
    pool: Pool,
    q: MatchQuery,
    idx: Index,
    totals: np.ndarray,
    ids: np.ndarray,
    best: np.ndarray,
) -> tuple[list[int], bool]:
    """Positions (in ``rows``) of the recommended team, honouring gender rules."""
    team: list[int] = []
    if q.same_gender_required and q.beneficiary_gender in ("M", "F"):
        same = np.flatnonzero(pool.male[idx] == (q.beneficiary_gender == "M"))
        if same.size == 0:
            return [int(p) for p in best[: q.volunteers_needed]], False
        team.append(int(same[_top(totals[same], ids[same], 1)[0]]))
    for position in best:
        if len(team) >= q.volunteers_needed:
            break
        if int(position) not in team:
            team.append(int(position))
    return team, len(team) >= q.volunteers_needed

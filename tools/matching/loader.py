"""Filling the volunteer pool from the database, with a per-engine cache.

The cache is dropped when a transaction that changed assignments commits
(``invalidate_on_commit``) and otherwise after ``TTL_SECONDS``, so changes
made by another process show up within that time.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from tools.db import Assignment, Community, Feedback, Grid, ServiceRecord, Volunteer
from tools.matching.pool import Pool, availability_mask, pack_tags, tag_bits

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0
RECENT_DAYS = 30
OPEN_STATUSES = ("offered", "accepted", "assigned", "in_service")
DROPPED_STATUSES = ("declined", "withdrawn", "no_show")

_cache: weakref.WeakKeyDictionary[Engine, Pool] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _per_volunteer(session: Session, query: Any) -> dict[int, Any]:
    return {row[0]: row[1:] for row in session.execute(query)}


def load_pool(session: Session, now: datetime | None = None) -> Pool:
    """Read every active volunteer and their workload into a new pool."""
    began = time.perf_counter()
    vols = session.execute(
        select(
            Volunteer.id, Volunteer.code, Volunteer.name, Volunteer.gender,
            Volunteer.birth_year, Volunteer.party_member, Volunteer.skills,
            Volunteer.certifications, Volunteer.grid_id, Volunteer.lat,
            Volunteer.lng, Volunteer.availability,
        )
        .where(Volunteer.status == "active")
        .order_by(Volunteer.id)
    ).all()  # fmt: skip
    places = {
        grid: (community, street)
        for grid, community, street in session.execute(
            select(Grid.id, Grid.community_id, Community.street_id).join(Community)
        )
    }
    workload = _workload(session, now or datetime.now(UTC))

    pool = _columns(vols, places, workload)
    ms = (time.perf_counter() - began) * 1000
    log.info("matching: loaded %s volunteers in %.0f ms", len(pool), ms)
    return pool


def _columns(
    vols: Sequence[Any],
    places: dict[int, tuple[int, int]],
    workload: dict[int, tuple[float, ...]],
) -> Pool:
    """Turn volunteer rows into the pool's column arrays."""
    skills = [list(v.skills or []) for v in vols]
    certs = [list(v.certifications or []) for v in vols]
    skill_bits, cert_bits = tag_bits(skills), tag_bits(certs)
    place = [places.get(v.grid_id, (-1, -1)) for v in vols]
    # Columns: open tasks, recent minutes, completed, dropped, rating sum, count.
    work = np.array(
        [workload.get(v.id, (0.0,) * 6) for v in vols], dtype=np.float64
    ).reshape(-1, 6)

    def column(values: list[Any], dtype: Any) -> np.ndarray:
        return np.array(values, dtype=dtype)

    return Pool(
        ids=column([v.id for v in vols], np.int64),
        codes=[v.code for v in vols],
        names=[v.name for v in vols],
        grid=column([v.grid_id for v in vols], np.int64),
        community=column([p[0] for p in place], np.int64),
        street=column([p[1] for p in place], np.int64),
        lat=np.radians(column([v.lat for v in vols], np.float64)),
        lng=np.radians(column([v.lng for v in vols], np.float64)),
        male=column([v.gender == "M" for v in vols], bool),
        birth_year=column([v.birth_year for v in vols], np.int32),
        party=column([v.party_member for v in vols], bool),
        skills=pack_tags(skills, skill_bits),
        certs=pack_tags(certs, cert_bits),
        availability=column(
            [availability_mask(v.availability) for v in vols], np.int64
        ),
        load=work[:, 0],
        recent_minutes=work[:, 1],
        completed=work[:, 2],
        dropped=work[:, 3],
        rating_sum=work[:, 4],
        rating_count=work[:, 5],
        skill_bits=skill_bits,
        cert_bits=cert_bits,
    )


def _workload(session: Session, now: datetime) -> dict[int, tuple[float, ...]]:
    """Per volunteer: open tasks, recent minutes, completed, dropped, ratings."""
    status_counts = session.execute(
        select(Assignment.volunteer_id, Assignment.status, func.count()).group_by(
            Assignment.volunteer_id, Assignment.status
        )
    )
    recent = _per_volunteer(
        session,
        select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes))
        .where(ServiceRecord.started_at >= now - timedelta(days=RECENT_DAYS))
        .group_by(ServiceRecord.volunteer_id),
    )
    ratings = _per_volunteer(
        session,
        select(
            Assignment.volunteer_id,
            func.sum(Feedback.satisfaction),
            func.count(Feedback.id),
        )
        .join(Feedback, Feedback.need_id == Assignment.need_id)
        .where(Assignment.status == "completed")
        .group_by(Assignment.volunteer_id),
    )

    counts: dict[int, list[float]] = {}
    for volunteer, status, n in status_counts:
        row = counts.setdefault(volunteer, [0.0, 0.0, 0.0, 0.0])
        if status in OPEN_STATUSES:
            row[0] += n
        elif status == "completed":
            row[2] += n
        elif status in DROPPED_STATUSES:
            row[3] += n
    result: dict[int, tuple[float, ...]] = {}
    for volunteer in set(counts) | set(recent) | set(ratings):
        load, _, done, dropped = counts.get(volunteer, [0.0] * 4)
        minutes = float((recent.get(volunteer) or (0,))[0] or 0)
        total, n = ratings.get(volunteer, (0, 0))
        result[volunteer] = (load, minutes, done, dropped, float(total or 0), n)
    return result


def cached_pool(session: Session) -> Pool:
    """The pool for the session's database, rebuilt when stale."""
    engine = session.get_bind().engine
    with _lock:
        pool = _cache.get(engine)
        if pool is not None and time.monotonic() - pool.built_at < TTL_SECONDS:
            return pool
    pool = load_pool(session)
    with _lock:
        _cache[engine] = pool
    return pool


def invalidate(engine: Engine | None = None) -> None:
    """Forget the cached pool of ``engine`` (or of every engine)."""
    with _lock:
        if engine is None:
            _cache.clear()
        else:
            _cache.pop(engine, None)


def invalidate_on_commit(session: Session) -> None:
    """Drop the cached pool once this session's transaction commits."""
    engine = session.get_bind().engine
    event.listen(session, "after_commit", lambda _s: invalidate(engine), once=True)

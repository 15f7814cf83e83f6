"""Which ledger entries a certificate counts, and their digest."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.db import LedgerEntry, Project
from tools.ledger.accounts import EARN, owned_by, parse_volunteer_account
from tools.ledger.queries import CST


@dataclass(frozen=True)
class Counted:
    """Service minutes in a period, per project, and what they were made of."""

    minutes: int
    entries: int
    digest: str
    last_seq: int
    by_project: dict[str, tuple[int, int]]  # project name -> (services, minutes)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC bounds of the China-time days ``start`` to ``end`` inclusive."""
    since = datetime.combine(start, time(), CST).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(), CST).astimezone(UTC)
    return since, until


def count_service(
    session: Session, volunteer_id: int, start: date, end: date, upto: int
) -> Counted:
    """Earned entries of the volunteer dated in the period, up to seq ``upto``."""
    since, until = period_bounds(start, end)
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        select(LedgerEntry.seq, LedgerEntry.to_account, LedgerEntry.minutes,
               LedgerEntry.hash)
        .where(
            LedgerEntry.kind == EARN,
            owned_by(LedgerEntry.to_account, volunteer_id, dialect),
            LedgerEntry.at >= since,
            LedgerEntry.at < until,
            LedgerEntry.seq <= upto,
        )
        .order_by(LedgerEntry.seq)
    ).all()  # fmt: skip

    names = {
        code: name for code, name in session.execute(select(Project.code, Project.name))
    }
    digest = hashlib.sha256()
    per_project: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, account, minutes, entry_hash in rows:
        digest.update(entry_hash.encode() + b"\n")
        parsed = parse_volunteer_account(account)
        code = parsed.project_code if parsed else ""
        tally = per_project[names.get(code, code)]
        tally[0] += 1
        tally[1] += minutes
    return Counted(
        minutes=sum(r[2] for r in rows),
        entries=len(rows),
        digest=digest.hexdigest(),
        last_seq=upto,
        by_project={k: (v[0], v[1]) for k, v in sorted(per_project.items())},
    )


def content_text(counted: Counted) -> str:
    """``助老助浴 3 次共 4.5 小时；时间银行 2 次共 3 小时``"""
    parts = [
        f"{name} {services} 次共 {round(minutes / 60, 1):g} 小时"
        for name, (services, minutes) in counted.by_project.items()
    ]
    return "；".join(parts)

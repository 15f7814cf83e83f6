"""Two writers appending at once keep the chain linear."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger
from tools.db import session_scope
from tools.ledger.verify import verify_chain

AT = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
ROUNDS = 15


def writer(sessions: sessionmaker[Session], volunteer: int, errors: list[str]) -> None:
    transfer = ledger.Transfer(
        kind=ledger.EARN,
        from_account=ledger.project_account("green"),
        to_account=ledger.volunteer_account(volunteer, "green"),
        minutes=30,
        at=AT,
    )
    try:
        for _ in range(ROUNDS):
            with session_scope(sessions) as session:
                ledger.append(session, [transfer, transfer])
    except Exception as exc:  # reported by the test thread below
        errors.append(repr(exc))


def test_two_threads_appending_leave_one_valid_chain(
    sessions: sessionmaker[Session], db_engine: Engine
) -> None:
    errors: list[str] = []
    threads = [
        threading.Thread(target=writer, args=(sessions, v, errors)) for v in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    report = verify_chain(db_engine)
    assert report.ok, report.describe()
    assert (report.entries, report.head_seq) == (4 * ROUNDS, 4 * ROUNDS)

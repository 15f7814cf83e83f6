"""Appending transfers to the hash-chained ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger
from tools.db import LedgerEntry, session_scope
from tools.errors import ToolInputError

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ALICE = ledger.volunteer_account(1, "bath")


def earn(minutes: int, account: str = ALICE, at: datetime = AT) -> ledger.Transfer:
    return ledger.Transfer(
        kind=ledger.EARN,
        from_account=ledger.project_account("bath"),
        to_account=account,
        minutes=minutes,
        at=at,
    )


def spend(minutes: int, account: str = ALICE) -> ledger.Transfer:
    return ledger.Transfer(
        kind=ledger.EXCHANGE,
        from_account=account,
        to_account=ledger.BANK,
        minutes=minutes,
        at=AT + timedelta(days=1),
    )


def count(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)) or 0


def test_appended_entries_link_each_to_the_previous_hash(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        first = ledger.append(session, [earn(60), earn(30)])
    with session_scope(sessions) as session:
        second = ledger.append(session, [spend(45)])

    entries = [*first, *second]
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == ledger.GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert len({e.hash for e in entries}) == 3


def test_spending_more_than_the_balance_is_refused_and_writes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        ledger.append(session, [earn(60)])

    with (
        pytest.raises(ToolInputError, match="余额不足"),
        session_scope(sessions) as session,
    ):
        ledger.append(session, [spend(30), spend(31)])

    assert count(sessions) == 1


@pytest.mark.parametrize("minutes", [0, -30])
def test_zero_or_negative_minutes_are_refused(
    sessions: sessionmaker[Session], minutes: int
) -> None:
    with (
        pytest.raises(ToolInputError, match="大于零"),
        session_scope(sessions) as session,
    ):
        ledger.append(session, [earn(minutes)])
    assert count(sessions) == 0


def test_an_earning_longer_than_a_day_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    with (
        pytest.raises(ToolInputError, match="24小时"),
        session_scope(sessions) as session,
    ):
        ledger.append(session, [earn(60), earn(25 * 60)])
    assert count(sessions) == 0

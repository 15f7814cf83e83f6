"""Who may read hours, what the time bank allows, and the vanguard inputs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from small_org import (
    SmallOrg,
    add_need,
    add_volunteer,
    build_small_org,
    volunteer_actor,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger
from tools.actors import Actor
from tools.db import Assignment, Feedback, LedgerEntry, session_scope
from tools.errors import PermissionDenied, ToolInputError

IN_2025 = datetime(2025, 6, 4, 2, 0, tzinfo=UTC)
IN_2024 = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)  # 2025-01-01 01:00 in China


@pytest.fixture
def org(sessions: sessionmaker[Session]) -> SmallOrg:
    with session_scope(sessions) as session:
        return build_small_org(session)


def earn(
    volunteer_id: int, project: str, minutes: int, at: datetime
) -> ledger.Transfer:
    return ledger.Transfer(
        kind=ledger.EARN,
        from_account=ledger.project_account(project),
        to_account=ledger.volunteer_account(volunteer_id, project),
        minutes=minutes,
        at=at,
    )


@pytest.fixture
def pair(sessions: sessionmaker[Session], org: SmallOrg) -> tuple[Actor, Actor]:
    """Two volunteers; the first earned 3 h in bath and 2 h in green in 2025."""
    with session_scope(sessions) as session:
        a = add_volunteer(session, org, "A", party_member=True)
        b = add_volunteer(session, org, "B")
        ledger.append(
            session,
            [
                earn(a.id, "bath", 180, IN_2025),
                earn(a.id, "green", 120, IN_2024),
                earn(b.id, "green", 60, IN_2025),
            ],
        )
        return volunteer_actor(a), volunteer_actor(b)


def entries(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)) or 0


def test_a_volunteer_reads_their_own_hours(
    sessions: sessionmaker[Session], pair: tuple[Actor, Actor]
) -> None:
    a, _ = pair
    with session_scope(sessions) as session:
        summary = ledger.hours_summary(session, a, a.volunteer_id or 0, year=2025)

    assert summary.balance == 300
    assert summary.balance_by_project == {"bath": 180, "green": 120}
    # 2024-12-31 17:00 UTC is already New Year's Day in China.
    assert summary.earned_in_year == 300
    assert summary.earned_total == 300


def test_a_volunteer_cannot_read_another_volunteers_hours(
    sessions: sessionmaker[Session], pair: tuple[Actor, Actor]
) -> None:
    a, b = pair
    with session_scope(sessions) as session:
        with pytest.raises(PermissionDenied, match="只能查看本人"):
            ledger.hours_summary(session, a, b.volunteer_id or 0)
        with pytest.raises(PermissionDenied):
            ledger.last_entries(session, a, b.volunteer_id or 0)


def test_residents_read_no_hours_and_staff_read_anyones(
    sessions: sessionmaker[Session], org: SmallOrg, pair: tuple[Actor, Actor]
) -> None:
    _, b = pair
    with session_scope(sessions) as session:
        with pytest.raises(PermissionDenied):
            ledger.hours_summary(session, org.elder, b.volunteer_id or 0)
        summary = ledger.hours_summary(session, org.staff, b.volunteer_id or 0)
    assert summary.balance == 60


def test_exchanging_more_than_the_balance_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], pair: tuple[Actor, Actor]
) -> None:
    a, _ = pair
    with (
        pytest.raises(ToolInputError, match="余额不足"),
        session_scope(sessions) as session,
    ):
        ledger.exchange_hours(session, a, a.volunteer_id or 0, "bath", 181, "助餐")
    assert entries(sessions) == 3


def test_exchange_and_move_are_zero_sum_and_show_in_the_last_entries(
    sessions: sessionmaker[Session], pair: tuple[Actor, Actor]
) -> None:
    a, _ = pair
    vid = a.volunteer_id or 0
    with session_scope(sessions) as session:
        ledger.exchange_hours(session, a, vid, "bath", 60, "理发")
        ledger.move_hours(session, a, vid, "green", "bath", 120)
    with session_scope(sessions) as session:
        summary = ledger.hours_summary(session, a, vid, year=2025)
        latest = ledger.last_entries(session, a, vid, limit=2)
        totals = session.execute(
            select(func.sum(LedgerEntry.minutes)).where(
                LedgerEntry.to_account == "bank"
            )
        ).scalar_one()

    assert summary.balance == 240
    assert summary.balance_by_project == {"bath": 240}
    assert summary.earned_in_year == 300  # spending does not undo earning
    assert totals == 60
    assert [(e.kind, e.minutes) for e in latest] == [("move", 0), ("exchange", -60)]
    assert latest[0].project_code == "green→bath"


def test_moving_a_negative_amount_is_refused(
    sessions: sessionmaker[Session], pair: tuple[Actor, Actor]
) -> None:
    a, _ = pair
    with (
        pytest.raises(ToolInputError, match="大于零"),
        session_scope(sessions) as session,
    ):
        ledger.move_hours(session, a, a.volunteer_id or 0, "green", "bath", -60)
    assert entries(sessions) == 3


@pytest.mark.parametrize("hours", [-1, 0, float("nan")])
def test_an_hours_figure_that_is_not_positive_is_refused(hours: float) -> None:
    with pytest.raises(ToolInputError):
        ledger.minutes_from_hours(hours)


def test_vanguard_inputs_compare_hours_and_satisfaction_with_the_standards(
    sessions: sessionmaker[Session], org: SmallOrg, pair: tuple[Actor, Actor]
) -> None:
    a, _ = pair
    vid = a.volunteer_id or 0
    with session_scope(sessions) as session:
        for i, stars in enumerate((5, 4)):
            need = add_need(session, org, "助餐", code=f"R{i}", status="rated")
            session.add(
                Assignment(need_id=need.id, volunteer_id=vid, status="completed")
            )
            session.add(
                Feedback(
                    need_id=need.id,
                    resident_id=org.elder_id,
                    satisfaction=stars,
                    created_at=IN_2025,
                )
            )
    with session_scope(sessions) as session:
        inputs = ledger.vanguard_inputs(session, a, vid, year=2025)

    assert inputs.party_member and inputs.hours == 5.0
    assert not inputs.meets_hours  # 5 of 200 hours
    assert (inputs.ratings, inputs.satisfaction) == (2, 90.0)
    assert inputs.meets_satisfaction  # 90 against 85


def test_one_volunteers_balance_never_includes_a_longer_ids_accounts(
    sessions: sessionmaker[Session],
) -> None:
    with session_scope(sessions) as session:
        ledger.append(
            session,
            [
                earn(4, "bath", 30, IN_2025),
                earn(42, "bath", 600, IN_2025),
                earn(40, "green", 700, IN_2025),
                earn(5, "green", 800, IN_2025),
            ],
        )
    with session_scope(sessions) as session:
        assert ledger.balances_by_project(session, 4) == {"bath": 30}
        assert ledger.balances_by_project(session, 42) == {"bath": 600}

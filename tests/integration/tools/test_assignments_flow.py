"""From assignment to confirmed hours in the ledger."""

from __future__ import annotations

import threading
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

from tools import assignments
from tools.actors import Actor
from tools.db import Assignment, LedgerEntry, Need, ServiceRecord, session_scope
from tools.errors import PermissionDenied, ToolInputError
from tools.ledger import hours_summary

DONE_AT = datetime(2025, 6, 4, 4, 0, tzinfo=UTC)  # 12:00 in China
LATE_AT = datetime(2025, 6, 4, 15, 0, tzinfo=UTC)  # 23:00 in China


@pytest.fixture
def org(sessions: sessionmaker[Session]) -> SmallOrg:
    with session_scope(sessions) as session:
        return build_small_org(session)


def count(sessions: sessionmaker[Session], model: type) -> int:
    with session_scope(sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def status_of(sessions: sessionmaker[Session], need_id: int) -> str:
    with session_scope(sessions) as session:
        need = session.get(Need, need_id)
        assert need is not None
        return need.status


def setup_need(sessions: sessionmaker[Session], org: SmallOrg) -> tuple[int, Actor]:
    with session_scope(sessions) as session:
        volunteer = add_volunteer(session, org, "A", skills=["助餐"])
        need = add_need(session, org, "助餐")
        return need.id, volunteer_actor(volunteer)


def test_assigning_the_same_volunteer_twice_is_refused(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])

    with (
        pytest.raises(ToolInputError, match="不能重复指派"),
        session_scope(sessions) as session,
    ):
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])

    assert count(sessions, Assignment) == 1
    assert status_of(sessions, need_id) == "matched"


def test_only_staff_assign(sessions: sessionmaker[Session], org: SmallOrg) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with pytest.raises(PermissionDenied), session_scope(sessions) as session:
        assignments.assign(session, volunteer, need_id, [volunteer.volunteer_id or 0])
    assert count(sessions, Assignment) == 0


def test_a_volunteer_accepts_an_offered_task_and_the_need_is_matched(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.offer(session, org.staff, need_id, [volunteer.volunteer_id or 0])
    assert status_of(sessions, need_id) == "approved"

    with session_scope(sessions) as session:
        row = assignments.accept(session, volunteer, need_id)

    assert row.status == "accepted"
    assert status_of(sessions, need_id) == "matched"


def test_a_volunteers_report_earns_hours_only_once_the_resident_confirms(
    sessions: sessionmaker[Session], org: SmallOrg, db_engine: object
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])
    with session_scope(sessions) as session:
        assignments.complete_service(session, volunteer, need_id, 90, at=DONE_AT)
    assert status_of(sessions, need_id) == "completed"
    assert count(sessions, LedgerEntry) == 0

    with session_scope(sessions) as session:
        (record,) = assignments.confirm_service(session, org.elder, need_id)
    assert (record.minutes, record.confirmed_by_role) == (90, "resident")

    with session_scope(sessions) as session:
        summary = hours_summary(
            session, volunteer, volunteer.volunteer_id or 0, year=2025
        )
    assert summary.balance == 90
    assert summary.earned_in_year_by_project == {"timebank": 90}


def test_completion_by_staff_confirms_at_once(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])
        assignments.complete_service(session, org.staff, need_id, 60, at=DONE_AT)

    assert count(sessions, ServiceRecord) == 1
    assert count(sessions, LedgerEntry) == 1


def test_another_resident_cannot_confirm_the_service(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])
        assignments.complete_service(session, volunteer, need_id, 60, at=DONE_AT)

    stranger = Actor(role="resident", resident_id=org.elder_id + 100)
    with pytest.raises(PermissionDenied), session_scope(sessions) as session:
        assignments.confirm_service(session, stranger, need_id)
    assert count(sessions, ServiceRecord) == 0


@pytest.mark.parametrize(
    ("minutes", "message"), [(-30, "不能为负数"), (0, "大于零"), (25 * 60, "24小时")]
)
def test_a_negative_or_absurd_duration_is_refused_and_nothing_changes(
    sessions: sessionmaker[Session], org: SmallOrg, minutes: int, message: str
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    with session_scope(sessions) as session:
        assignments.assign(session, org.staff, need_id, [volunteer.volunteer_id or 0])

    with (
        pytest.raises(ToolInputError, match=message),
        session_scope(sessions) as session,
    ):
        assignments.complete_service(session, org.staff, need_id, minutes)

    assert status_of(sessions, need_id) == "matched"
    assert count(sessions, ServiceRecord) == 0


def test_more_than_24_hours_in_one_day_is_refused_and_nothing_is_half_written(
    sessions: sessionmaker[Session], org: SmallOrg, db_engine: object
) -> None:
    with session_scope(sessions) as session:
        volunteer = add_volunteer(session, org, "A", skills=["助餐"])
        first = add_need(session, org, "助餐", code="N1")
        second = add_need(session, org, "助餐", code="N2")
        for need in (first, second):
            assignments.assign(session, org.staff, need.id, [volunteer.id])
    with session_scope(sessions) as session:
        assignments.complete_service(session, org.staff, first.id, 600, at=LATE_AT)

    with (
        pytest.raises(ToolInputError, match="超过24小时"),
        session_scope(sessions) as session,
    ):
        assignments.complete_service(session, org.staff, second.id, 900, at=LATE_AT)

    assert count(sessions, ServiceRecord) == 1
    assert count(sessions, LedgerEntry) == 1
    assert status_of(sessions, second.id) == "matched"


def test_two_staff_assigning_the_same_volunteer_at_once_leave_one_assignment(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    need_id, volunteer = setup_need(sessions, org)
    outcomes: list[str] = []
    gate = threading.Barrier(2)

    def place() -> None:
        gate.wait()
        try:
            with session_scope(sessions) as session:
                assignments.assign(
                    session, org.staff, need_id, [volunteer.volunteer_id or 0]
                )
            outcomes.append("assigned")
        except ToolInputError:  # includes finding the need already matched
            outcomes.append("refused")

    threads = [threading.Thread(target=place) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["assigned", "refused"]
    assert count(sessions, Assignment) == 1

"""Submitting needs and moving them through the workflow, on a real database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import needs
from tools.actors import Actor
from tools.db import Assignment, Grid, Need, NeedEvent, session_scope
from tools.errors import InvalidTransition, NotFound, PermissionDenied, ToolInputError

BATH = {
    "category": "助浴",
    "description": "我母亲行动不便，想请志愿者上门帮忙洗澡",
    "address": "江州市滨江区柳湾路柳湾花园3栋2单元",
    "contact_phone": "138 1234 5678",
    "preferred_time": "周三上午",
    "beneficiary_gender": "F",
}


def submit(sessions: sessionmaker[Session], actor: Actor, **changes: object) -> Need:
    with session_scope(sessions) as session:
        return needs.submit_need(session, actor, **{**BATH, **changes}).need


def count(sessions: sessionmaker[Session], model: type) -> int:
    with session_scope(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_submitted_need_is_placed_on_its_grid_with_a_masked_summary(
    district: sessionmaker[Session], alice: Actor
) -> None:
    need = submit(district, alice)

    with session_scope(district) as session:
        grid = session.get(Grid, need.grid_id)
        summary = needs.need_summary(need)
    assert grid is not None and grid.code == "LW01-01"
    assert need.address_precision == "grid"
    assert need.contact_phone == "13812345678"
    assert "138****5678" in summary
    assert "13812345678" not in summary
    assert need.status == "submitted"


def test_same_need_within_a_day_returns_the_existing_need(
    district: sessionmaker[Session], alice: Actor
) -> None:
    first = submit(district, alice)
    with session_scope(district) as session:
        again = needs.submit_need(
            session,
            alice,
            **{**BATH, "description": "我母亲行动不便，想请志愿者上门帮忙洗澡！"},
        )

    assert again.duplicate
    assert again.need.id == first.id
    assert count(district, Need) == 1


def test_same_text_after_a_day_or_in_another_category_is_a_new_need(
    district: sessionmaker[Session], alice: Actor
) -> None:
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    submit(district, alice, now=start)
    submit(district, alice, now=start + timedelta(hours=25))
    submit(district, alice, category="家政清洁", now=start + timedelta(hours=26))

    assert count(district, Need) == 3


def test_bad_input_is_refused_and_nothing_is_written(
    district: sessionmaker[Session], alice: Actor
) -> None:
    cases = [
        ({"category": "遛狗"}, "服务类别"),
        ({"address": "杭州市西湖区文三路1号"}, "江州市滨江区"),
        ({"contact_phone": "12345"}, "联系电话"),
    ]
    for changes, message in cases:
        with pytest.raises(ToolInputError, match=message):
            submit(district, alice, **changes)

    assert count(district, Need) == 0
    assert count(district, NeedEvent) == 0


def test_a_resident_cannot_read_another_residents_need(
    district: sessionmaker[Session], alice: Actor, bob: Actor
) -> None:
    need = submit(district, alice)

    with session_scope(district) as session, pytest.raises(NotFound, match="找不到"):
        needs.get_need(session, bob, need.code)
    with session_scope(district) as session:
        assert needs.my_needs(session, bob) == []
        assert [n.id for n in needs.my_needs(session, alice)] == [need.id]


def test_full_workflow_writes_one_event_per_change(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    need = submit(district, alice)
    with session_scope(district) as session:
        needs.approve(session, staff, need.code)
        live = needs.get_need(session, staff, need.code)
        for status in ("matched", "in_service", "completed"):
            needs.transition(session, live, status, staff)
        needs.close(session, staff, need.code)

    with session_scope(district) as session:
        moves = [
            (e.from_status, e.to_status) for e in needs.history(session, alice, need.id)
        ]
    assert moves == [
        (None, "submitted"),
        ("submitted", "approved"),
        ("approved", "matched"),
        ("matched", "in_service"),
        ("in_service", "completed"),
        ("completed", "closed"),
    ]


def test_illegal_transition_is_refused_in_chinese_and_writes_nothing(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    need = submit(district, alice)

    with session_scope(district) as session:
        live = needs.get_need(session, staff, need.code)
        with pytest.raises(InvalidTransition, match="待审核.*不能变为.*服务已完成"):
            needs.transition(session, live, "completed", staff)

    assert count(district, NeedEvent) == 1
    with session_scope(district) as session:
        assert needs.get_need(session, staff, need.code).status == "submitted"


def test_a_resident_cannot_approve_their_own_need(
    district: sessionmaker[Session], alice: Actor
) -> None:
    need = submit(district, alice)

    with session_scope(district) as session, pytest.raises(PermissionDenied):
        live = needs.get_need(session, alice, need.code)
        needs.transition(session, live, "approved", alice)


def test_staff_must_give_a_reason_to_reject(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    need = submit(district, alice)

    with (
        session_scope(district) as session,
        pytest.raises(ToolInputError, match="原因"),
    ):
        needs.reject(session, staff, need.code, "  ")
    with session_scope(district) as session:
        rejected = needs.reject(session, staff, need.code, "不在服务范围")
        events = needs.history(session, alice, need.code)
    assert rejected.status == "rejected"
    assert events[-1].reason == "不在服务范围"


def test_resident_cancels_before_service_but_not_during_it(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    early = submit(district, alice)
    late = submit(
        district, alice, category="维修", description="家里水龙头漏水需要维修"
    )
    with session_scope(district) as session:
        assert needs.cancel(session, alice, early.code).status == "cancelled"
        needs.approve(session, staff, late.code)
        live = needs.get_need(session, staff, late.code)
        needs.transition(session, live, "matched", staff)
        needs.transition(session, live, "in_service", staff)

    with (
        session_scope(district) as session,
        pytest.raises(InvalidTransition, match="服务中"),
    ):
        needs.cancel(session, alice, late.code)


def test_two_concurrent_submissions_of_one_need_create_one_row(
    district: sessionmaker[Session], alice: Actor
) -> None:
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            with session_scope(district) as session:
                result = needs.submit_need(session, alice, **BATH)
                results.append((result.need.id, result.duplicate))
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert count(district, Need) == 1
    assert sorted(dup for _, dup in results) == [False, True]
    assert len({need_id for need_id, _ in results}) == 1


def matched_need(
    sessions: sessionmaker[Session], owner: Actor, staff: Actor, volunteer_id: int
) -> Need:
    need = submit(sessions, owner)
    with session_scope(sessions) as session:
        needs.approve(session, staff, need.code)
        session.add(
            Assignment(need_id=need.id, volunteer_id=volunteer_id, status="accepted")
        )
        live = needs.get_need(session, staff, need.code)
        needs.transition(session, live, "matched", staff)
    return need


def test_only_the_assigned_volunteer_may_start_the_service(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = matched_need(district, alice, staff, volunteer_id)
    assigned = Actor(role="volunteer", resident_id=99, volunteer_id=volunteer_id)
    stranger = Actor(role="volunteer", resident_id=98, volunteer_id=volunteer_id + 1)

    with session_scope(district) as session, pytest.raises(NotFound):
        needs.get_need(session, stranger, need.code)
    with session_scope(district) as session, pytest.raises(PermissionDenied):
        live = needs.get_need(session, staff, need.code)
        needs.transition(session, live, "in_service", stranger)
    with session_scope(district) as session:
        live = needs.get_need(session, assigned, need.code)
        event = needs.transition(session, live, "in_service", assigned)
    assert (event.actor_role, event.actor_id) == ("volunteer", volunteer_id)


def test_cancelling_a_matched_need_withdraws_its_assignments(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = matched_need(district, alice, staff, volunteer_id)

    with session_scope(district) as session:
        needs.cancel(session, alice, need.code, "老人住院了")
    with session_scope(district) as session:
        status = session.scalar(
            select(Assignment.status).where(Assignment.need_id == need.id)
        )
    assert status == "withdrawn"


def test_two_staff_approving_at_once_make_one_move(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    need = submit(district, alice)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        with session_scope(district) as session:
            live = needs.get_need(session, staff, need.code)
            barrier.wait(timeout=10)
            try:
                needs.transition(session, live, "approved", staff)
                outcomes.append("moved")
            except InvalidTransition:
                outcomes.append("refused")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["moved", "refused"]
    assert count(district, NeedEvent) == 2

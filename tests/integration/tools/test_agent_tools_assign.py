"""Assigning and accepting tasks through the agent's tools."""

from __future__ import annotations

from langchain_core.tools import BaseTool
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tools import assignments, needs
from tools.actors import Actor
from tools.agent_tools import build_tools
from tools.db import Assignment, Need, session_scope

REQUEST = {
    "category": "维修",
    "description": "家里水龙头漏水需要维修",
    "address": "银湖社区银湖花园1栋",
    "contact_phone": "13912345678",
    "preferred_time": "周六上午",
}


def tool(sessions: sessionmaker[Session], actor: Actor, name: str) -> BaseTool:
    return next(t for t in build_tools(sessions, actor) if t.name == name)


def approved(sessions: sessionmaker[Session], owner: Actor, staff: Actor) -> Need:
    with session_scope(sessions) as session:
        need = needs.submit_need(session, owner, **REQUEST).need
        needs.approve(session, staff, need.code)
        return need


def test_staff_assign_a_volunteer_once_and_the_need_is_matched(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = approved(district, alice, staff)
    assign = tool(district, staff, "assign_volunteer")

    first = assign.invoke({"need_code": need.code, "volunteer_id": volunteer_id})
    twice = assign.invoke({"need_code": need.code, "volunteer_id": volunteer_id})

    assert first.startswith(f"已把需求 {need.code} 指派给志愿者 测试志愿者")
    assert "已匹配志愿者" in first
    assert twice.startswith("未能完成") and "不能重复指派" in twice
    with session_scope(district) as session:
        rows = session.scalars(select(Assignment).where(Assignment.need_id == need.id))
        assert [r.status for r in rows] == ["assigned"]


def test_a_resident_cannot_assign(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = approved(district, alice, staff)

    answer = tool(district, alice, "assign_volunteer").invoke(
        {"need_code": need.code, "volunteer_id": volunteer_id}
    )

    assert answer.startswith("无权操作")


def test_volunteer_accepts_an_offered_task(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = approved(district, alice, staff)
    with session_scope(district) as session:
        assignments.offer(session, staff, need.id, [volunteer_id])
    volunteer = Actor(role="volunteer", resident_id=99, volunteer_id=volunteer_id)

    answer = tool(district, volunteer, "accept_task").invoke({"need_code": need.code})

    assert answer.startswith(f"已接受需求 {need.code}（维修）")
    assert "周六上午" in answer
    with session_scope(district) as session:
        assert needs.get_need(session, staff, need.code).status == "matched"


def test_a_volunteer_without_an_offer_cannot_accept(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = approved(district, alice, staff)
    volunteer = Actor(role="volunteer", resident_id=99, volunteer_id=volunteer_id)

    answer = tool(district, volunteer, "accept_task").invoke({"need_code": need.code})

    assert answer.startswith("未找到")


def test_volunteer_accepts_by_assignment_number_but_not_anothers(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    need = approved(district, alice, staff)
    with session_scope(district) as session:
        (offered,) = assignments.offer(session, staff, need.id, [volunteer_id])
        number = offered.id
    me = Actor(role="volunteer", resident_id=99, volunteer_id=volunteer_id)
    other = Actor(role="volunteer", resident_id=98, volunteer_id=volunteer_id + 1)

    refused = tool(district, other, "accept_task").invoke({"assignment_id": number})
    accepted = tool(district, me, "accept_task").invoke({"assignment_id": number})
    empty = tool(district, me, "accept_task").invoke({})

    assert refused.startswith("未找到")
    assert accepted.startswith(f"已接受需求 {need.code}")
    assert empty.startswith("参数不正确")

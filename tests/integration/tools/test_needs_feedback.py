"""Residents rate completed services."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tools import feedback, needs
from tools.actors import Actor
from tools.db import session_scope
from tools.errors import InvalidTransition, NotFound, ToolInputError

REPAIR = {
    "category": "维修",
    "description": "家里水龙头漏水需要维修",
    "address": "银湖社区银湖花园1栋",
    "contact_phone": "13912345678",
}


def completed_need(sessions: sessionmaker[Session], owner: Actor, staff: Actor) -> str:
    with session_scope(sessions) as session:
        need = needs.submit_need(session, owner, **REPAIR).need
        needs.approve(session, staff, need.code)
        for status in ("matched", "in_service", "completed"):
            needs.transition(session, need, status, staff)
        return need.code


def test_owner_rates_a_completed_need_and_it_becomes_rated(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    code = completed_need(district, alice, staff)

    with session_scope(district) as session:
        row = feedback.rate(session, alice, code, 5, "师傅很细心")
        need = needs.get_need(session, alice, code)
    assert row.satisfaction == 5
    assert need.status == "rated"


def test_rating_outside_one_to_five_is_refused(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    code = completed_need(district, alice, staff)

    with (
        session_scope(district) as session,
        pytest.raises(ToolInputError, match="1 到 5"),
    ):
        feedback.rate(session, alice, code, 6)


def test_another_resident_cannot_rate_the_need(
    district: sessionmaker[Session], alice: Actor, bob: Actor, staff: Actor
) -> None:
    code = completed_need(district, alice, staff)

    with session_scope(district) as session, pytest.raises(NotFound):
        feedback.rate(session, bob, code, 1)


def test_need_not_yet_completed_cannot_be_rated(
    district: sessionmaker[Session], alice: Actor
) -> None:
    with session_scope(district) as session:
        code = needs.submit_need(session, alice, **REPAIR).need.code

    with (
        session_scope(district) as session,
        pytest.raises(InvalidTransition, match="完成后"),
    ):
        feedback.rate(session, alice, code, 4)

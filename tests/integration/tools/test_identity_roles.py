"""Openids to actors, staff sign-in and volunteer binding codes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import identity
from tools.actors import Actor
from tools.db import BindingCode, Resident, session_scope
from tools.errors import PermissionDenied, ToolInputError


def test_first_message_creates_one_resident_per_openid(
    district: sessionmaker[Session],
) -> None:
    with session_scope(district) as session:
        first = identity.resolve_actor(session, "openid-new")
        again = identity.resolve_actor(session, "openid-new")
        residents = session.scalar(select(func.count(Resident.id)))

    assert first.role == "resident"
    assert first.resident_id == again.resident_id
    assert residents == 1


def test_staff_sign_in_checks_the_hashed_password(
    district: sessionmaker[Session],
) -> None:
    with session_scope(district) as session:
        account = identity.create_staff(session, "admin", "管理员", "a-long-password")
        assert account.password_hash.startswith("$2")
        assert "a-long-password" not in account.password_hash
        actor = identity.verify_staff(session, "admin", "a-long-password")
        assert actor.role == "staff" and actor.staff_id == account.id
        with pytest.raises(PermissionDenied, match="用户名或密码不正确"):
            identity.verify_staff(session, "admin", "wrong-password")
        with pytest.raises(PermissionDenied, match="用户名或密码不正确"):
            identity.verify_staff(session, "nobody", "a-long-password")


def test_short_staff_password_is_refused(district: sessionmaker[Session]) -> None:
    with session_scope(district) as session, pytest.raises(ToolInputError, match="10"):
        identity.create_staff(session, "admin", "管理员", "short")


def test_binding_code_makes_a_resident_a_volunteer_once(
    district: sessionmaker[Session],
    alice: Actor,
    bob: Actor,
    staff: Actor,
    volunteer_id: int,
) -> None:
    with session_scope(district) as session:
        code = identity.issue_binding_code(session, staff, volunteer_id)
        stored = session.scalars(select(BindingCode.code_hash)).all()
    assert len(code) == identity.CODE_LENGTH
    assert code not in stored  # only the hash is kept

    with session_scope(district) as session:
        bound = identity.redeem_binding_code(session, alice, code.lower())
    assert (bound.role, bound.volunteer_id) == ("volunteer", volunteer_id)
    with session_scope(district) as session:
        assert identity.resolve_actor(session, "openid-alice").role == "volunteer"
        with pytest.raises(ToolInputError, match="无效、已使用或已过期"):
            identity.redeem_binding_code(session, bob, code)


def test_expired_binding_code_is_refused(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    issued = datetime(2024, 5, 1, tzinfo=UTC)
    with session_scope(district) as session:
        code = identity.issue_binding_code(session, staff, volunteer_id, now=issued)

    later = issued + identity.CODE_TTL + timedelta(minutes=1)
    with (
        session_scope(district) as session,
        pytest.raises(ToolInputError, match="过期"),
    ):
        identity.redeem_binding_code(session, alice, code, now=later)


def test_only_staff_issue_binding_codes(
    district: sessionmaker[Session], alice: Actor, volunteer_id: int
) -> None:
    with session_scope(district) as session, pytest.raises(PermissionDenied):
        identity.issue_binding_code(session, alice, volunteer_id)


def test_resident_sets_grid_from_a_community_or_grid_code(
    district: sessionmaker[Session], alice: Actor
) -> None:
    with session_scope(district) as session:
        assert identity.set_resident_grid(session, alice, "jb01-03").code == "JB01-03"
        assert identity.set_resident_grid(session, alice, "LW02").code == "LW02-01"
        with pytest.raises(ToolInputError, match="没有编号"):
            identity.set_resident_grid(session, alice, "XX99")
        identity.set_resident_location(session, alice, 31.1, 118.35)
        resident = session.get(Resident, alice.resident_id)
        assert resident is not None and resident.lat == 31.1


def test_two_residents_racing_with_one_code_bind_only_one(
    district: sessionmaker[Session],
    alice: Actor,
    bob: Actor,
    staff: Actor,
    volunteer_id: int,
) -> None:
    with session_scope(district) as session:
        code = identity.issue_binding_code(session, staff, volunteer_id)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(actor: Actor) -> None:
        barrier.wait(timeout=10)
        try:
            with session_scope(district) as session:
                identity.redeem_binding_code(session, actor, code)
            outcomes.append("bound")
        except ToolInputError:
            outcomes.append("refused")

    threads = [threading.Thread(target=worker, args=(a,)) for a in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["bound", "refused"]
    with session_scope(district) as session:
        roles = {
            identity.resolve_actor(session, o).role
            for o in ("openid-alice", "openid-bob")
        }
    assert roles == {"volunteer", "resident"}

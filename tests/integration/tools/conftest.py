"""Fixtures for the domain services: a district on a real database, actors."""

from __future__ import annotations

import random

import bcrypt
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tools import identity
from tools.actors import Actor
from tools.db import Grid, StaffAccount, Volunteer, session_scope
from tools.demo.org import seed_org

STAFF_PASSWORD = "staff-password-for-tests"
# Hashed once with few rounds; sign-in itself is tested in test_identity_*.
STAFF_HASH = bcrypt.hashpw(STAFF_PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def district(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions on a database holding the demo district and its projects."""
    with session_scope(sessions) as session:
        seed_org(session, random.Random(7))
    return sessions


def resident_actor(sessions: sessionmaker[Session], openid: str) -> Actor:
    with session_scope(sessions) as session:
        return identity.resolve_actor(session, openid)


@pytest.fixture
def alice(district: sessionmaker[Session]) -> Actor:
    return resident_actor(district, "openid-alice")


@pytest.fixture
def bob(district: sessionmaker[Session]) -> Actor:
    return resident_actor(district, "openid-bob")


@pytest.fixture
def staff(district: sessionmaker[Session]) -> Actor:
    with session_scope(district) as session:
        account = StaffAccount(
            username="worker", display_name="社工小王", password_hash=STAFF_HASH
        )
        session.add(account)
        session.flush()
        return Actor(role="staff", staff_id=account.id)


@pytest.fixture
def volunteer_id(district: sessionmaker[Session]) -> int:
    """One unbound volunteer on the first grid."""
    with session_scope(district) as session:
        grid_id = session.scalar(select(Grid.id).order_by(Grid.id).limit(1))
        assert grid_id is not None
        volunteer = Volunteer(
            code="V99999",
            name="测试志愿者",
            gender="F",
            birth_year=1980,
            phone="13900001111",
            grid_id=grid_id,
            lat=31.1,
            lng=118.4,
        )
        session.add(volunteer)
        session.flush()
        return volunteer.id

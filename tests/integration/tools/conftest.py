"""Fixtures for the domain services: a district on a real database, actors."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest
from pg_schema import postgres_url_or_skip, private_schema_url
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tools import identity
from tools.actors import Actor
from tools.db import (
    Grid,
    StaffAccount,
    Volunteer,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from tools.demo import seed
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


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    """A private PostgreSQL schema shared by one test module."""
    with private_schema_url(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sessionmaker[Session]]:
    """A small demo seeded once per database for a module; tests only read it."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("seeded") / "demo.db"
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_module_url")
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    seed(sessions, progress=False, scale=0.05, admin_password="seeded-admin-pw")
    yield sessions
    engine.dispose()

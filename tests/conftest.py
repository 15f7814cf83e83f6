"""Fixtures shared by every test package.

Databases: ``db_url`` runs a test on a fresh SQLite file and, when
``WEIAI_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it), on PostgreSQL in a
schema of its own that is dropped afterwards. ``redis_url`` works the same
way with ``WEIAI_TEST_REDIS_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_schema import PG_ENV, postgres_url_or_skip, private_schema_url
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from assistant.settings import Settings
from tools.db import make_engine, make_session_factory, upgrade

# Nothing in the test suite may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REDIS_ENV = "WEIAI_TEST_REDIS_URL"


@pytest.fixture(autouse=True)
def _no_weiai_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own WEIAI_* settings and .env out of every test."""
    for name in list(os.environ):
        if name.startswith("WEIAI_") and name not in (PG_ENV, REDIS_ENV):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WEIAI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setitem(Settings.model_config, "env_file", None)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"Redis test skipped: set {REDIS_ENV} (.ci/run sets it)")
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, private schema."""
    with private_schema_url(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)

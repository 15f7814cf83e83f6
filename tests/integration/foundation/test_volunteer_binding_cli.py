"""Staff issue a binding code from the command line; a volunteer redeems it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.cli import app
from tools import identity
from tools.db import (
    Volunteer,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from tools.demo import seed
from tools.errors import NotFound


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("WEIAI_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    seed(make_session_factory(engine), progress=False, scale=0.02)
    engine.dispose()
    return url


def test_issued_code_binds_a_wechat_user_to_the_volunteer(demo_db: str) -> None:
    sessions = make_session_factory(make_engine(demo_db))
    with session_scope(sessions) as session:
        volunteer = session.scalars(select(Volunteer).order_by(Volunteer.id)).first()
        assert volunteer is not None
        code, volunteer_id = volunteer.code, volunteer.id

    result = CliRunner().invoke(app, ["volunteer", "bind-code", code])
    assert result.exit_code == 0, result.output
    match = re.search(r"绑定 (\S+)」", result.output)
    assert match is not None

    with session_scope(sessions) as session:
        resident = identity.resolve_actor(session, "wx-new-volunteer")
        bound = identity.redeem_binding_code(session, resident, match.group(1))
    assert bound.role == "volunteer"
    assert bound.volunteer_id == volunteer_id


def test_unknown_volunteer_code_is_refused(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["volunteer", "bind-code", "V99999999"])
    assert isinstance(result.exception, NotFound)
    assert "V99999999" in str(result.exception)

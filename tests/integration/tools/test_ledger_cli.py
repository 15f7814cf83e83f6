"""``weiai ledger ...`` and ``weiai eval matching`` as staff run them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from small_org import add_volunteer, build_small_org
from sqlalchemy import text
from typer.testing import CliRunner

import assistant.cli  # noqa: F401  (registers every command)
from assistant.cli.app import app
from assistant.settings import load_settings
from tools import ledger
from tools.db import make_engine, make_session_factory, session_scope, upgrade
from tools.errors import NotFound


@pytest.fixture
def database() -> str:
    """The CLI's own database (in the test's data dir) with one volunteer."""
    settings = load_settings()
    settings.ensure_data_dir()
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        org = build_small_org(session)
        v = add_volunteer(
            session, org, "V00042", name="陈晓", id_number="110101198001011234"
        )
        ledger.append(
            session,
            [
                ledger.Transfer(
                    kind=ledger.EARN,
                    from_account=ledger.project_account("bath"),
                    to_account=ledger.volunteer_account(v.id, "bath"),
                    minutes=150,
                    at=datetime(2025, 4, 2, 2, tzinfo=UTC),
                    memo="助浴服务",
                )
            ],
        )
    engine.dispose()
    return settings.resolved_database_url


def test_verify_reports_an_intact_ledger_then_the_altered_entry(database: str) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["ledger", "verify"])

    engine = make_engine(database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET minutes = 15000"))
    engine.dispose()
    broken = runner.invoke(app, ["ledger", "verify"])

    assert ok.exit_code == 0 and "账本完整" in ok.output
    assert broken.exit_code == 1 and "序号 1 的记录被篡改" in broken.output


def test_balance_shows_hours_per_project(database: str) -> None:
    result = CliRunner().invoke(app, ["ledger", "balance", "V00042", "--year", "2025"])

    assert result.exit_code == 0, result.output
    assert "余额：2.5 小时" in result.output
    assert "助老助浴：2.5 小时" in result.output


def test_an_unknown_volunteer_code_is_reported(database: str) -> None:
    result = CliRunner().invoke(app, ["ledger", "balance", "V99999"])
    assert isinstance(result.exception, NotFound)


def test_a_certificate_is_issued_as_pdf_and_verified(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEIAI_ORG_NAME", "滨江区微爱志愿服务中心")
    runner = CliRunner()
    out = tmp_path / "证明.pdf"
    issued = runner.invoke(
        app,
        ["ledger", "certificate", "issue", "V00042", "--from", "2025-01-01",
         "--to", "2025-12-31", "--out", str(out)],
    )  # fmt: skip
    assert issued.exit_code == 0, issued.output
    serial = issued.output.split("已出具证明 ")[1].split("：")[0]

    checked = runner.invoke(app, ["ledger", "certificate", "verify", serial])

    page = PdfReader(out).pages[0].extract_text()
    assert "陈晓" in page
    assert "滨江区微爱志愿服务中心" in page
    assert checked.exit_code == 0 and "核验通过" in checked.output


def test_a_malformed_date_is_refused(database: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["ledger", "certificate", "issue", "V00042", "--from", "2025/01/01",
         "--to", "2025-12-31", "--out", str(tmp_path / "x.pdf")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_eval_matching_meets_its_target() -> None:
    result = CliRunner().invoke(app, ["eval", "matching", "--needs", "120"])

    assert result.exit_code == 0, result.output
    assert "前三命中率" in result.output

"""Statements run on the driver store exactly what SQLAlchemy would store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pg_schema import postgres_url_or_skip, private_schema_url
from sqlalchemy import Engine, bindparam, insert, select, update

from tools.db import make_engine, upgrade
from tools.db.messaging import InboundMessage, OutboxMessage
from webhook import inbox
from webhook.driver import DriverStatement

MSG: Any = InboundMessage.__table__
MOMENT = datetime(2026, 3, 5, 8, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'driver.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with private_schema_url(postgres_url_or_skip()) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def _values(key: str) -> dict[str, Any]:
    return {
        "dedup_key": key,
        "openid": "oDriver",
        "account": "gh",
        "kind": "ask",
        "text": "带引号的'文本\"与换行\n",
        "status": "running",
        "deliveries": 1,
        "lease_until": MOMENT + timedelta(seconds=30),
        "created_at": MOMENT,
        "updated_at": MOMENT,
    }


def test_driver_insert_reads_back_like_a_sqlalchemy_insert(engine):
    names = list(_values("x"))
    stmt = DriverStatement(
        insert(MSG).values({n: bindparam(n) for n in names}).returning(MSG.c.id)
    )
    with engine.begin() as conn:
        driven = stmt.execute(conn, _values("driver")).fetchone()[0]
        plain = conn.execute(insert(MSG).returning(MSG.c.id), _values("core")).scalar()

    with engine.connect() as conn:
        rows = {
            r.id: r
            for r in conn.execute(select(MSG).where(MSG.c.id.in_([driven, plain])))
        }
    columns = [c.name for c in MSG.columns if c.name not in ("id", "dedup_key")]
    assert [getattr(rows[driven], c) for c in columns] == [
        getattr(rows[plain], c) for c in columns
    ]
    assert rows[driven].created_at.replace(tzinfo=UTC) == MOMENT


def test_driver_statement_is_part_of_the_callers_transaction(engine):
    with engine.begin() as conn:
        row, _ = inbox.record(conn, _new("kept"), "worker", 30)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        inbox.record(conn, _new("rolled-back"), "worker", 30)
        inbox.answer_directly(conn, row, "答", subscription=True)
        raise RuntimeError("abort the batch")

    with engine.connect() as conn:
        assert inbox.find(conn, "rolled-back") is None
        kept = inbox.find(conn, "kept")
    assert kept is not None and kept.reply_text is None


def test_direct_answer_is_taken_once(engine):
    with engine.begin() as conn:
        row, _ = inbox.record(conn, _new("once"), "worker", 30)
        first = inbox.answer_directly(conn, row, "答一", subscription=False)
        second = inbox.answer_directly(conn, row, "答二", subscription=False)
    assert first is not None and first.reply_text == "答一"
    assert second is None
    with engine.connect() as conn:
        stored = inbox.get(conn, row.id)
    assert (stored.status, stored.route) == ("delivered", "passive")
    assert stored.answer == "答一"


def test_columns_with_python_defaults_must_be_given(engine):
    # OutboxMessage.next_attempt_at has a Python-side default, which only
    # SQLAlchemy's execution layer would fill in.
    table: Any = OutboxMessage.__table__
    stmt = DriverStatement(
        insert(table).values(openid=bindparam("who"), text=bindparam("what"))
    )
    with engine.begin() as conn, pytest.raises(ValueError, match="next_attempt_at"):
        stmt.execute(conn, {"who": "o", "what": "t"})


def test_dialect_specific_statements_are_built_per_dialect(engine):
    built: list[str] = []

    def build(dialect_name: str) -> Any:
        built.append(dialect_name)
        return (
            update(MSG)
            .where(MSG.c.id == bindparam("row"))
            .values(deliveries=5, updated_at=bindparam("now"))
        )

    stmt = DriverStatement(build)
    with engine.begin() as conn:
        row, _ = inbox.record(conn, _new("built"), "worker", 30)
        for _ in range(3):
            assert stmt.execute(conn, {"row": row.id, "now": MOMENT}).rowcount == 1
    assert built == [engine.dialect.name]


def _new(key: str) -> inbox.NewMessage:
    return inbox.NewMessage(key, "oDriver", "gh", "ask", "问题")

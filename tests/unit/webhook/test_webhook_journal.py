"""Group commit: batched transactions that fail only their own callers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.exc import OperationalError

from tools.db import make_engine, upgrade
from tools.db.messaging import InboundMessage
from tools.errors import StorageError
from webhook import inbox
from webhook.journal import Journal


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / 'journal.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _question(key: str, openid: str = "oJournal") -> inbox.NewMessage:
    return inbox.NewMessage(
        dedup_key=key, openid=openid, account="gh", kind="ask", text="问题"
    )


def _record(new: inbox.NewMessage) -> Any:
    return lambda conn: inbox.record(conn, new, "worker-a", 30.0)


def _stored_keys(engine: Engine) -> list[str]:
    # A second engine: only what was committed is visible to it.
    other = make_engine(str(engine.url))
    with other.connect() as conn:
        keys = list(conn.scalars(select(InboundMessage.dedup_key)))
    other.dispose()
    return keys


async def _with_journal(engine: Engine, work: Any) -> Any:
    journal = Journal(engine)
    journal.start()
    try:
        return await work(journal)
    finally:
        await journal.aclose()


def test_every_acknowledged_write_is_committed_and_writes_share_transactions(engine):
    async def work(journal: Journal) -> Any:
        runs = [journal.run(_record(_question(f"msg:{i}"))) for i in range(200)]
        return await asyncio.gather(*runs), journal.batches

    results, batches = asyncio.run(_with_journal(engine, work))

    assert all(first for _, first in results)
    assert len({row.id for row, _ in results}) == 200
    assert sorted(_stored_keys(engine)) == sorted(f"msg:{i}" for i in range(200))
    assert batches < 50


def test_repeat_deliveries_in_one_batch_store_one_message(engine):
    async def work(journal: Journal) -> Any:
        new = _question("msg:same")
        return await asyncio.gather(*(journal.run(_record(new)) for _ in range(3)))

    results = asyncio.run(_with_journal(engine, work))

    assert [first for _, first in results].count(True) == 1
    assert len({row.id for row, _ in results}) == 1
    with engine.connect() as conn:
        deliveries = conn.scalar(select(func.max(InboundMessage.deliveries)))
    assert deliveries == 3
    assert _stored_keys(engine) == ["msg:same"]


def test_a_failing_operation_fails_only_its_caller(engine):
    def broken(conn: Connection) -> None:
        inbox.record(conn, _question("msg:broken"), "worker-a", 30.0)
        raise ValueError("bad operation")

    async def work(journal: Journal) -> list[Any]:
        runs = [journal.run(_record(_question(f"msg:{i}"))) for i in range(5)]
        runs.insert(2, journal.run(broken))
        return await asyncio.gather(*runs, return_exceptions=True)

    results = asyncio.run(_with_journal(engine, work))

    assert isinstance(results[2], ValueError)
    assert all(isinstance(r, tuple) for i, r in enumerate(results) if i != 2)
    # The broken operation's own write was rolled back with it.
    assert sorted(_stored_keys(engine)) == [f"msg:{i}" for i in range(5)]


def test_a_failed_commit_fails_its_callers_with_a_storage_error(engine):
    failing = [True]

    def refuse(conn: Any) -> None:
        if failing[0]:
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(engine, "commit", refuse)

    async def work(journal: Journal) -> Any:
        runs = [journal.run(_record(_question(f"msg:lost{i}"))) for i in range(4)]
        lost = await asyncio.gather(*runs, return_exceptions=True)
        failing[0] = False
        kept = await journal.run(_record(_question("msg:kept")))
        return lost, kept

    lost, kept = asyncio.run(_with_journal(engine, work))

    assert all(isinstance(r, StorageError) for r in lost)
    assert "disk I/O error" not in str(lost[0])
    assert kept[1] is True
    assert _stored_keys(engine) == ["msg:kept"]


def test_closing_finishes_the_operations_already_queued(engine):
    async def work() -> list[Any]:
        journal = Journal(engine)
        journal.start()
        runs = [
            asyncio.ensure_future(journal.run(_record(_question(f"msg:{i}"))))
            for i in range(20)
        ]
        await asyncio.sleep(0)
        await journal.aclose()
        return await asyncio.gather(*runs, return_exceptions=True)

    results = asyncio.run(work())

    assert all(isinstance(r, tuple) for r in results)
    assert len(_stored_keys(engine)) == 20


def test_a_stopped_journal_refuses_new_work_with_a_clear_error(engine):
    async def work() -> None:
        journal = Journal(engine)
        journal.start()
        await journal.aclose()
        await journal.run(_record(_question("msg:late")))

    with pytest.raises(StorageError, match="已停止"):
        asyncio.run(work())

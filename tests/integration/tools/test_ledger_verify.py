"""The hash chain names the first entry that was altered, inserted or deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger
from tools.db import LedgerEntry, session_scope
from tools.ledger.verify import verify_chain

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def chain(sessions: sessionmaker[Session], db_engine: Engine) -> Engine:
    """Five earnings of 10..50 minutes, appended in two transactions."""
    transfers = [
        ledger.Transfer(
            kind=ledger.EARN,
            from_account=ledger.project_account("bath"),
            to_account=ledger.volunteer_account(7, "bath"),
            minutes=10 * i,
            at=AT + timedelta(hours=i),
            memo=f"第{i}次助浴",
        )
        for i in range(1, 6)
    ]
    with session_scope(sessions) as session:
        ledger.append(session, transfers[:2])
    with session_scope(sessions) as session:
        ledger.append(session, transfers[2:])
    return db_engine


def run(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def hash_of(engine: Engine, seq: int) -> str:
    with engine.connect() as conn:
        sql = text("SELECT hash FROM ledger_entries WHERE seq = :s")
        return str(conn.execute(sql, {"s": seq}).scalar_one())


def shift_up_from(engine: Engine, seq: int) -> None:
    # Two steps, so that no intermediate row collides on the primary key.
    run(engine, "UPDATE ledger_entries SET seq = seq + 1000 WHERE seq >= :s", s=seq)
    run(engine, "UPDATE ledger_entries SET seq = seq - 999 WHERE seq >= 1000")


def insert_forged(engine: Engine, seq: int, prev: str) -> None:
    at = AT + timedelta(minutes=1)
    fields = {
        "at": at,
        "kind": "earn",
        "from_account": "project:bath",
        "to_account": "volunteer:9:bath",
        "minutes": 600,
        "memo": "",
    }
    forged = ledger.entry_hash(prev, service_record_id=None, project_id=None, **fields)
    with engine.begin() as conn:
        conn.execute(
            insert(LedgerEntry).values(seq=seq, prev_hash=prev, hash=forged, **fields)
        )


def test_an_untouched_chain_verifies_and_reports_its_head(chain: Engine) -> None:
    report = verify_chain(chain)

    assert report.ok
    assert (report.entries, report.head_seq) == (5, 5)
    assert report.head_hash == hash_of(chain, 5)
    assert "完整" in report.describe()


def test_an_edited_entry_is_named_as_altered(chain: Engine) -> None:
    run(chain, "UPDATE ledger_entries SET minutes = 600 WHERE seq = 3")

    report = verify_chain(chain)

    assert (report.problem, report.seq, report.entries) == ("altered", 3, 2)
    assert "序号 3 的记录被篡改" in report.describe()


def test_an_edit_that_also_rehashes_the_entry_breaks_the_next_link(
    chain: Engine,
) -> None:
    prev = hash_of(chain, 2)
    fake = ledger.entry_hash(
        prev,
        AT + timedelta(hours=3),
        "earn",
        "project:bath",
        "volunteer:7:bath",
        600,
        None,
        None,
        "第3次助浴",
    )
    run(
        chain,
        "UPDATE ledger_entries SET minutes = 600, hash = :h WHERE seq = 3",
        h=fake,
    )

    report = verify_chain(chain)

    assert not report.ok
    assert report.seq in (3, 4)


def test_a_forged_entry_linked_into_the_middle_is_named_as_inserted(
    chain: Engine,
) -> None:
    shift_up_from(chain, 3)
    insert_forged(chain, 3, prev=hash_of(chain, 2))

    report = verify_chain(chain)

    assert (report.problem, report.seq) == ("inserted", 3)
    assert "序号 3 的记录被插入" in report.describe()


def test_a_forged_entry_with_a_bad_link_is_named_as_inserted(chain: Engine) -> None:
    shift_up_from(chain, 3)
    insert_forged(chain, 3, prev="f" * 64)

    report = verify_chain(chain)

    assert (report.problem, report.seq) == ("inserted", 3)


def test_a_deleted_entry_is_named_by_the_entry_after_the_gap(chain: Engine) -> None:
    run(chain, "DELETE FROM ledger_entries WHERE seq = 3")

    report = verify_chain(chain)

    assert (report.problem, report.seq, report.entries) == ("deleted", 4, 2)
    assert "序号 4 之前的记录被删除" in report.describe()


def test_deleting_the_first_entry_is_detected(chain: Engine) -> None:
    run(chain, "DELETE FROM ledger_entries WHERE seq = 1")

    report = verify_chain(chain)

    assert (report.problem, report.seq) == ("deleted", 2)


def test_verification_can_stop_at_a_given_entry(chain: Engine) -> None:
    run(chain, "UPDATE ledger_entries SET minutes = 600 WHERE seq = 5")

    assert verify_chain(chain, upto=4).ok
    assert not verify_chain(chain).ok

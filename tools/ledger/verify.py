"""Recomputing the ledger's hash chain to find the first tampered entry.

An entry whose own hash does not match its content was altered. An entry
whose link to its predecessor is broken was inserted (when the entry after it
links past it) or follows a deletion. Deleting entries from the very end of
the chain leaves a valid, shorter chain: compare ``head_seq``/``head_hash``
with a value written down earlier to catch that.

Verification runs in one process: about two thirds of its time goes to
fetching rows from the driver, and worker processes (each re-importing the
application) cost more than they saved on a two-CPU machine.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Engine

from tools.ledger.chain import GENESIS, stamp

log = logging.getLogger(__name__)

Problem = Literal["altered", "inserted", "deleted"]
PROBLEM_LABELS = {"altered": "被篡改", "inserted": "被插入", "deleted": "被删除"}
# prev_hash is left out on purpose: see verify_chain.
COLUMNS = (
    "seq, {at}, kind, from_account, to_account, minutes, project_id, "
    "service_record_id, memo, hash"
)
# PostgreSQL renders the timestamp in the canonical form itself, which is
# several times faster than building and formatting datetime objects.
PG_STAMP = "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"


def _columns(conn: Connection) -> str:
    at = PG_STAMP if conn.dialect.name == "postgresql" else "at"
    return COLUMNS.format(at=at)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one verification run."""

    entries: int
    head_seq: int
    head_hash: str
    problem: Problem | None = None
    seq: int | None = None  # the entry the problem is found at

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        """One line in Chinese for staff."""
        if self.problem is None:
            return (
                f"时间银行账本完整：共 {self.entries} 笔，"
                f"最后一笔序号 {self.head_seq}，哈希 {self.head_hash}。"
            )
        where = f"序号 {self.seq} 的记录"
        if self.problem == "deleted":
            where = f"序号 {self.seq} 之前的记录"
        return (
            f"时间银行账本校验失败：{where}{PROBLEM_LABELS[self.problem]}"
            f"（之前的 {self.entries} 笔完好）。请暂停出具证明并联系管理员。"
        )


def _batches(conn: Connection, sql: str, batch: int) -> Iterator[list[Any]]:
    """Rows of ``sql`` in batches, straight from the driver (no Row objects)."""
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        # A server-side cursor keeps a million rows out of client memory.
        cursor = raw.cursor(name="weiai_ledger_verify")
        cursor.itersize = batch
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _hash_row(prev: str, row: Any) -> str:
    """The hash an entry must carry if it follows an entry hashed ``prev``."""
    _, at, kind, src, dst, minutes, project, record, memo, _ = row
    at = at if at.__class__ is str else stamp(at)
    project = "" if project is None else project
    record = "" if record is None else record
    content = (
        f"{prev}\x1f{at}\x1f{kind}\x1f{src}\x1f{dst}\x1f{minutes}"
        f"\x1f{project}\x1f{record}\x1f{memo}"
    )
    return hashlib.sha256(content.encode()).hexdigest()


def verify_chain(
    bind: Engine | Connection, *, batch: int = 20_000, upto: int | None = None
) -> ChainReport:
    """Walk the chain (up to seq ``upto``) and report the first break."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return verify_chain(conn, batch=batch, upto=upto)

    where = "" if upto is None else f" WHERE seq <= {int(upto)}"
    sql = f"SELECT {_columns(bind)} FROM ledger_entries{where} ORDER BY seq"
    count, last_seq, last_hash = 0, 0, GENESIS
    hash_row = _hash_row
    for rows in _batches(bind, sql, batch):
        for row in rows:
            # Hashing with the previous entry's hash checks the entry's content
            # and its link at once; the stored prev_hash is read only on failure.
            if hash_row(last_hash, row) != row[9]:
                problem, seq = _diagnose(bind, row[0])
                return ChainReport(count, last_seq, last_hash, problem, seq)
            last_hash, last_seq = row[9], row[0]
            count += 1

    log.info("ledger verified: %s entries, head %s", count, last_seq)
    return ChainReport(count, last_seq, last_hash)


def _diagnose(conn: Connection, seq: int) -> tuple[Problem, int]:
    """Why entry ``seq`` failed: its content, or its link to the one before."""
    where = f"WHERE seq = {int(seq)}"
    sql = f"SELECT prev_hash, {_columns(conn)} FROM ledger_entries {where}"
    stored_prev, *row = conn.exec_driver_sql(sql).one()
    if _hash_row(stored_prev, row) != row[9]:
        return "altered", seq
    return _classify(conn, seq)


def _classify(conn: Connection, seq: int) -> tuple[Problem, int]:
    """Entry ``seq`` does not link to the one before it: inserted or deleted?"""
    before = _links(conn, f"seq < {int(seq)} ORDER BY seq DESC LIMIT 2")
    after = _links(conn, f"seq > {int(seq)} ORDER BY seq LIMIT 1")
    (prev_of_suspect,) = _links(conn, f"seq = {int(seq)}") or [("", "", 0)]
    hash_before = before[0][1] if before else GENESIS
    hash_two_before = before[1][1] if len(before) > 1 else GENESIS

    # The suspect links past its predecessor: the predecessor was added.
    if before and prev_of_suspect[0] == hash_two_before:
        return "inserted", before[0][2]
    # The next entry links past the suspect: the suspect was added.
    if after and after[0][0] == hash_before:
        return "inserted", seq
    return "deleted", seq


def _links(conn: Connection, condition: str) -> list[tuple[str, str, int]]:
    sql = f"SELECT prev_hash, hash, seq FROM ledger_entries WHERE {condition}"
    return [(r[0], r[1], r[2]) for r in conn.exec_driver_sql(sql)]

"""Appending to the hash-chained ledger.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the
entry's own canonical content, so changing, inserting or deleting an entry
breaks the chain at that point. ``seq`` is only the storage position: it is
not hashed, because the links alone fix the order.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, or_, select, text
from sqlalchemy.orm import Session

from tools.db.ledger import LedgerEntry
from tools.errors import ToolInputError
from tools.ledger.accounts import EARN, KINDS, is_account_key, parse_volunteer_account

log = logging.getLogger(__name__)

GENESIS = "0" * 64
MAX_EARN_MINUTES = 24 * 60
SEP = "\x1f"
# Arbitrary constant naming the ledger's PostgreSQL advisory lock.
PG_LOCK_KEY = 7_324_001


@dataclass(frozen=True)
class Transfer:
    """One zero-sum movement of minutes from one account to another."""

    kind: str
    from_account: str
    to_account: str
    minutes: int
    at: datetime
    project_id: int | None = None
    service_record_id: int | None = None
    memo: str = ""


def stamp(at: datetime | str) -> str:
    """The canonical UTC text of a timestamp, as SQLite stores it."""
    if isinstance(at, str):
        # SQLite hands back the text SQLAlchemy wrote, already in this form.
        return at
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M:%S.%f}"


def entry_hash(
    prev_hash: str,
    at: datetime | str,
    kind: str,
    from_account: str,
    to_account: str,
    minutes: int,
    project_id: int | None,
    service_record_id: int | None,
    memo: str,
) -> str:
    """SHA-256 of the previous hash and an entry's canonical content."""
    content = SEP.join(
        (
            prev_hash,
            stamp(at),
            kind,
            from_account,
            to_account,
            str(minutes),
            "" if project_id is None else str(project_id),
            "" if service_record_id is None else str(service_record_id),
            memo,
        )
    )
    return hashlib.sha256(content.encode()).hexdigest()


def lock_chain(session: Session) -> None:
    """Serialise appenders until the session's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
        return

    # SQLite: a write statement (even one touching no row) takes the database
    # write lock, so no other appender can read the head until we commit.
    session.execute(text("DELETE FROM ledger_entries WHERE seq < 0"))


def chain_head(session: Session) -> tuple[int, str]:
    """The last entry's seq and hash, or (0, GENESIS) for an empty ledger."""
    row = session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (row[0], row[1])


def append(session: Session, transfers: Sequence[Transfer]) -> list[LedgerEntry]:
    """Chain and insert ``transfers`` in order; refuse the batch if any is bad.

    This is the internal write path: it checks the transfers themselves (kind,
    accounts, minutes, no volunteer account below zero) but not who asks.
    The caller's transaction holds the chain lock until it commits.
    """
    if not transfers:
        return []
    for transfer in transfers:
        _check(transfer)

    lock_chain(session)
    _check_balances(session, transfers)
    seq, prev = chain_head(session)
    rows = _chained_rows(transfers, seq, prev)

    session.execute(insert(LedgerEntry), rows)
    first, last = rows[0]["seq"], rows[-1]["seq"]
    log.info("ledger: appended %s entries (seq %s-%s)", len(rows), first, last)
    return list(
        session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.seq.between(first, last))
            .order_by(LedgerEntry.seq)
        )
    )


def _chained_rows(
    transfers: Sequence[Transfer], seq: int, prev: str
) -> list[dict[str, object]]:
    """Insertable rows for ``transfers``, numbered and hashed after the head."""
    rows: list[dict[str, object]] = []
    for t in transfers:
        seq += 1
        at = t.at.astimezone(UTC) if t.at.tzinfo else t.at.replace(tzinfo=UTC)
        memo = _clean_memo(t.memo)
        fields = {
            "at": at,
            "kind": t.kind,
            "from_account": t.from_account,
            "to_account": t.to_account,
            "minutes": t.minutes,
            "project_id": t.project_id,
            "service_record_id": t.service_record_id,
            "memo": memo,
        }
        digest = entry_hash(
            prev,
            at,
            t.kind,
            t.from_account,
            t.to_account,
            t.minutes,
            t.project_id,
            t.service_record_id,
            memo,
        )
        rows.append({"seq": seq, **fields, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


def _check(t: Transfer) -> None:
    if t.kind not in KINDS:
        raise ToolInputError(f"未知的时长变动类型“{t.kind}”。")
    for key in (t.from_account, t.to_account):
        if not is_account_key(key):
            raise ToolInputError(f"账户“{key}”格式不正确。")
    if t.from_account == t.to_account:
        raise ToolInputError("转出和转入不能是同一个账户。")
    if isinstance(t.minutes, bool) or not isinstance(t.minutes, int):
        raise ToolInputError("服务时长必须以整数分钟记录。")
    if t.minutes <= 0:
        raise ToolInputError("服务时长必须大于零，不能为负数或零。")
    if t.kind == EARN and t.minutes > MAX_EARN_MINUTES:
        raise ToolInputError("一次服务记录的时长不能超过24小时，请核对后重新填写。")


def _clean_memo(memo: str) -> str:
    # The unit separator delimits the hashed fields, so it may not appear.
    return "".join(ch for ch in memo if ch >= " ")[:200]


def _check_balances(session: Session, transfers: Sequence[Transfer]) -> None:
    """Refuse a batch that would take any volunteer account below zero."""
    debited = {
        t.from_account
        for t in transfers
        if parse_volunteer_account(t.from_account) is not None
    }
    if not debited:
        return
    balances = _balances(session, debited)
    for t in transfers:
        balances[t.to_account] = balances.get(t.to_account, 0) + t.minutes
        left = balances.get(t.from_account, 0) - t.minutes
        if t.from_account in debited and left < 0:
            have = balances.get(t.from_account, 0)
            raise ToolInputError(
                f"时长余额不足：账户余额 {_hours(have)} 小时，"
                f"本次需要 {_hours(t.minutes)} 小时。"
            )
        balances[t.from_account] = left


def _balances(session: Session, accounts: set[str]) -> dict[str, int]:
    rows = session.execute(
        select(
            LedgerEntry.from_account,
            LedgerEntry.to_account,
            func.sum(LedgerEntry.minutes),
        )
        .where(
            or_(
                LedgerEntry.from_account.in_(accounts),
                LedgerEntry.to_account.in_(accounts),
            )
        )
        .group_by(LedgerEntry.from_account, LedgerEntry.to_account)
    )
    balances = dict.fromkeys(accounts, 0)
    for source, target, minutes in rows:
        if source in balances:
            balances[source] -= int(minutes)
        if target in balances:
            balances[target] += int(minutes)
    return balances


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")

"""Stored inbound messages and pending answers (synchronous database work).

Each function takes a connection inside a transaction that the caller (the
group-commit ``Journal``) opens and commits, so several of them share one
commit. State changes that two deliveries or two workers may race on are
compare-and-set updates, so exactly one of them wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from tools.db.base import utcnow
from tools.db.messaging import InboundMessage, PendingAnswer
from webhook.driver import DriverStatement
from webhook.splitting import take_within

Sessions = sessionmaker[Session]
UNFINISHED = ("queued", "running")
MSG = cast(Table, InboundMessage.__table__)
PENDING = cast(Table, PendingAnswer.__table__)
FIELDS = ("id", "openid", "kind", "text", "status", "route", "deliveries")
COLUMNS = [MSG.c[name] for name in (*FIELDS, "answer", "reply_text")]


@dataclass(frozen=True)
class Inbound:
    """A snapshot of one stored message, as the webhook reads it."""

    id: int
    openid: str
    kind: str
    text: str
    status: str
    route: str | None
    deliveries: int
    answer: str | None
    reply_text: str | None


@dataclass(frozen=True)
class NewMessage:
    """What the endpoint knows about a message before storing it.

    ``reply`` set means the message is answered on the spot (rate limit).
    """

    dedup_key: str
    openid: str
    account: str
    kind: str
    text: str = ""
    reply: str | None = None


def _snapshot(row: Any) -> Inbound:
    return Inbound(**row._mapping)


def upsert(dialect_name: str, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both supported databases."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table)


_PREPARED: dict[tuple[str, str], Any] = {}


def prepared(conn: Connection, name: str, build: Callable[[Connection], Any]) -> Any:
    """A statement built once per database kind and reused.

    Statements on the hot path take their values as bound parameters, so
    that SQLAlchemy neither rebuilds them nor recomputes their cache key.
    """
    key = (conn.dialect.name, name)
    stmt = _PREPARED.get(key)
    if stmt is None:
        stmt = _PREPARED[key] = build(conn)
    return stmt


NEW_FIELDS = (
    "dedup_key",
    "openid",
    "account",
    "kind",
    "text",
    "status",
    "answer",
    "reply_text",
    "owner",
    "lease_until",
    "deliveries",
    "created_at",
    "updated_at",
)


def _insert_message(dialect_name: str) -> Any:
    return (
        upsert(dialect_name, MSG)
        .values({name: bindparam(name) for name in NEW_FIELDS})
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(MSG.c.id)
    )


def _insert_pending(conn: Connection) -> Any:
    names = ("inbound_id", "openid", "seq", "text", "created_at")
    return (
        upsert(conn.dialect.name, PENDING)
        .values({name: bindparam(name) for name in names})
        .on_conflict_do_nothing(index_elements=["inbound_id", "seq"])
    )


INSERT_MESSAGE = DriverStatement(_insert_message)
REPEAT = (
    update(MSG)
    .where(MSG.c.dedup_key == bindparam("key"))
    .values(deliveries=MSG.c.deliveries + 1, updated_at=bindparam("now"))
    .returning(*COLUMNS)
)
ANSWERED = (
    update(MSG)
    .where(MSG.c.id == bindparam("row_id"))
    .values(
        status="delivered",
        answer=bindparam("answer"),
        answered_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
)
# The answer of a question whose delivery is still waiting, taken as that
# delivery's passive reply in the same statement that stores it. A
# subscription account does so only when the user has no earlier answer
# waiting to be collected (that one goes first); a service account only when
# no delivery chose the outbox meanwhile.
_DIRECT = {
    "status": "delivered",
    "route": "passive",
    "answer": bindparam("answer_text"),
    "reply_text": bindparam("answer_text"),
    "answered_at": bindparam("now"),
    "updated_at": bindparam("now"),
}
DIRECT_SUBSCRIPTION = DriverStatement(
    update(MSG)
    .where(
        MSG.c.id == bindparam("row_id"),
        MSG.c.reply_text.is_(None),
        ~exists().where(
            PENDING.c.openid == bindparam("user_openid"),
            PENDING.c.delivered_at.is_(None),
        ),
    )
    .values(_DIRECT)
)
DIRECT_SERVICE = DriverStatement(
    update(MSG)
    .where(
        MSG.c.id == bindparam("row_id"),
        MSG.c.status == "running",
        MSG.c.route.is_(None),
    )
    .values(_DIRECT)
)
REPLY = (
    update(MSG)
    .where(MSG.c.id == bindparam("row_id"))
    .values(reply_text=bindparam("reply"), updated_at=bindparam("now"))
)
OPEN_PARTS = (
    select(PENDING.c.id, PENDING.c.text)
    .where(PENDING.c.openid == bindparam("openid"), PENDING.c.delivered_at.is_(None))
    .order_by(PENDING.c.inbound_id, PENDING.c.seq)
)
TAKE_PARTS = (
    update(PENDING)
    .where(
        PENDING.c.id.in_(bindparam("ids", expanding=True)),
        PENDING.c.delivered_at.is_(None),
    )
    .values(delivered_at=bindparam("now"))
    .returning(PENDING.c.id)
)


def record(
    conn: Connection, new: NewMessage, owner: str, lease: float
) -> tuple[Inbound, bool]:
    """Store ``new`` once; a repeat delivery counts up and returns the first.

    A question is stored already claimed by ``owner`` for running, so that
    no second transaction is needed to start it.
    """
    now = utcnow()
    status = "running" if new.kind == "ask" and new.reply is None else "delivered"
    values = {
        "dedup_key": new.dedup_key,
        "openid": new.openid,
        "account": new.account,
        "kind": new.kind,
        "text": new.text,
        "status": status,
        "answer": new.reply,
        "reply_text": new.reply,
        "owner": owner,
        "lease_until": now + timedelta(seconds=lease),
        "deliveries": 1,
        "created_at": now,
        "updated_at": now,
    }
    inserted = INSERT_MESSAGE.execute(conn, values).fetchone()
    if inserted is not None:
        stored_id = int(inserted[0])
        row = Inbound(
            id=stored_id,
            openid=new.openid,
            kind=new.kind,
            text=new.text,
            status=status,
            route=None,
            deliveries=1,
            answer=new.reply,
            reply_text=new.reply,
        )
        return row, True

    first = conn.execute(REPEAT, {"key": new.dedup_key, "now": now}).one()
    return _snapshot(first), False


def find(conn: Connection, dedup_key: str) -> Inbound | None:
    row = conn.execute(select(*COLUMNS).where(MSG.c.dedup_key == dedup_key)).first()
    return _snapshot(row) if row is not None else None


def count_delivery(conn: Connection, inbound_id: int) -> Inbound:
    """Count one more delivery of a message found through the shared key store."""
    row = conn.execute(
        update(MSG)
        .where(MSG.c.id == inbound_id)
        .values(deliveries=MSG.c.deliveries + 1, updated_at=utcnow())
        .returning(*COLUMNS)
    ).one()
    return _snapshot(row)


def get(conn: Connection, inbound_id: int) -> Inbound:
    return _snapshot(conn.execute(select(*COLUMNS).where(MSG.c.id == inbound_id)).one())


def _cas(conn: Connection, inbound_id: int, where: dict, values: dict) -> bool:
    stmt = update(MSG).where(MSG.c.id == inbound_id)
    for name, expected in where.items():
        column = MSG.c[name]
        stmt = stmt.where(column.is_(None) if expected is None else column == expected)
    result = conn.execute(stmt.values(updated_at=utcnow(), **values))
    return bool(result.rowcount == 1)


def start_run(conn: Connection, inbound_id: int, owner: str, lease: float) -> bool:
    """Claim a queued message for running; False if another run has it."""
    until = utcnow() + timedelta(seconds=lease)
    return _cas(
        conn,
        inbound_id,
        {"status": "queued", "owner": owner},
        {"status": "running", "lease_until": until},
    )


def store_answer(conn: Connection, inbound_id: int, answer: str) -> Inbound:
    """Keep the answer of a running message; the message as it now stands."""
    _cas(
        conn,
        inbound_id,
        {"status": "running"},
        {"status": "answered", "answer": answer, "answered_at": utcnow()},
    )
    return get(conn, inbound_id)


def set_route(conn: Connection, inbound_id: int, route: str) -> bool:
    """Decide once how the answer leaves; False if already decided."""
    return _cas(conn, inbound_id, {"route": None}, {"route": route})


def change_route(conn: Connection, inbound_id: int, old: str, new: str) -> bool:
    """Move a decided route to another, if it is still ``old``."""
    return _cas(conn, inbound_id, {"route": old}, {"route": new})


def claim_passive(conn: Connection, inbound_id: int, reply: str) -> bool:
    """Take the answer as this delivery's passive reply, if nobody decided yet."""
    return _cas(
        conn,
        inbound_id,
        {"route": None},
        {"route": "passive", "reply_text": reply, "status": "delivered"},
    )


def remember_reply(conn: Connection, inbound_id: int, reply: str) -> None:
    """Keep the passive reply sent, so that a retried delivery gets it again."""
    conn.execute(REPLY, {"row_id": inbound_id, "reply": reply, "now": utcnow()})


def close(conn: Connection, inbound_id: int, reply: str) -> None:
    """Finish a message answered on the spot, keeping the reply for retries."""
    conn.execute(
        update(MSG)
        .where(MSG.c.id == inbound_id)
        .values(status="delivered", answer=reply, reply_text=reply, updated_at=utcnow())
    )


def add_pending(
    conn: Connection, row: Inbound, answer: str, parts: list[str]
) -> Inbound:
    """Store an answer as parts for the user's next passive reply (idempotent)."""
    now = utcnow()
    rows = [
        {
            "inbound_id": row.id,
            "openid": row.openid,
            "seq": seq,
            "text": text,
            "created_at": now,
        }
        for seq, text in enumerate(parts)
    ]
    if rows:
        conn.execute(prepared(conn, "insert_pending", _insert_pending), rows)
    conn.execute(ANSWERED, {"row_id": row.id, "answer": answer, "now": now})
    return replace(row, status="delivered", answer=answer)


def answer_directly(
    conn: Connection, row: Inbound, answer: str, *, subscription: bool
) -> Inbound | None:
    """Keep ``answer`` as the passive reply of its waiting delivery, if allowed.

    None when another answer or route came first; the caller then takes the
    account's usual path.
    """
    values: dict[str, Any] = {"row_id": row.id, "answer_text": answer}
    values["now"] = utcnow()
    if subscription:
        stmt, values["user_openid"] = DIRECT_SUBSCRIPTION, row.openid
    else:
        stmt = DIRECT_SERVICE
    if stmt.execute(conn, values).rowcount != 1:
        return None
    return replace(
        row, status="delivered", route="passive", answer=answer, reply_text=answer
    )


def has_pending(conn: Connection, openid: str) -> bool:
    """Whether the user has answer parts waiting to be collected."""
    found = conn.execute(
        select(PENDING.c.id)
        .where(PENDING.c.openid == openid, PENDING.c.delivered_at.is_(None))
        .limit(1)
    ).first()
    return found is not None


Compose = Callable[[list[str], bool], str | None]


def take_reply(
    conn: Connection, openid: str, inbound_id: int, limit: int, compose: Compose
) -> str | None:
    """Collect the user's oldest pending parts within ``limit`` bytes as a reply.

    ``compose(parts, more)`` makes the reply text (None: no reply yet), which
    is kept on the message for retries in the same transaction. A part that
    another delivery took meanwhile is left to that delivery.
    """
    rows = conn.execute(OPEN_PARTS, {"openid": openid}).all()
    parts: list[str] = []
    more = False
    if rows:
        count = take_within([r.text for r in rows], limit)
        ids = [r.id for r in rows[:count]]
        taken = set(conn.execute(TAKE_PARTS, {"ids": ids, "now": utcnow()}).scalars())
        parts = [r.text for r in rows[:count] if r.id in taken]
        more = count < len(rows)
    reply = compose(parts, more)
    if reply is not None:
        remember_reply(conn, inbound_id, reply)
    return reply


def has_unfinished(conn: Connection, openid: str, before_id: int | None = None) -> bool:
    """Whether the user has a question still running or an answer uncollected."""
    stmt = select(func.count(MSG.c.id)).where(
        MSG.c.openid == openid,
        MSG.c.kind == "ask",
        MSG.c.status.in_((*UNFINISHED, "answered")),
    )
    if before_id is not None:
        stmt = stmt.where(MSG.c.id < before_id)
    running = conn.scalar(stmt) or 0
    pending = conn.scalar(
        select(func.count(PENDING.c.id)).where(
            PENDING.c.openid == openid, PENDING.c.delivered_at.is_(None)
        )
    )
    return bool(running or pending)


def refresh_leases(conn: Connection, owner: str, lease: float) -> None:
    """Extend the lease of every unfinished message this worker holds."""
    conn.execute(
        update(MSG)
        .where(MSG.c.owner == owner, MSG.c.status.in_(UNFINISHED))
        .values(lease_until=utcnow() + timedelta(seconds=lease))
    )


def reclaim_expired(conn: Connection, owner: str, lease: float) -> list[Inbound]:
    """Take over messages whose worker stopped renewing its lease."""
    now = utcnow()
    taken = conn.execute(
        update(MSG)
        .where(MSG.c.status.in_(UNFINISHED), MSG.c.lease_until < now)
        .values(
            status="queued",
            owner=owner,
            lease_until=now + timedelta(seconds=lease),
            updated_at=now,
        )
        .returning(*COLUMNS)
    ).all()
    return sorted((_snapshot(r) for r in taken), key=lambda r: r.id)


def unrouted_answers(conn: Connection, older_than: float) -> list[Inbound]:
    """Answers that no delivery took as a passive reply in time."""
    cutoff = utcnow() - timedelta(seconds=older_than)
    rows = conn.execute(
        select(*COLUMNS).where(
            MSG.c.status == "answered",
            MSG.c.route.is_(None),
            MSG.c.answered_at < cutoff,
        )
    ).all()
    return [_snapshot(r) for r in rows]


def prune(conn: Connection, older_than: timedelta) -> int:
    """Delete finished messages and collected answers older than ``older_than``."""
    cutoff: datetime = utcnow() - older_than
    conn.execute(
        delete(PENDING).where(
            PENDING.c.delivered_at.is_not(None), PENDING.c.delivered_at < cutoff
        )
    )
    result = conn.execute(
        delete(MSG).where(MSG.c.status == "delivered", MSG.c.created_at < cutoff)
    )
    return int(result.rowcount)

"""Stored inbound messages and pending answers (synchronous database work).

Each function is one short transaction; the async callers run them in a
thread. State changes that two deliveries or two workers may race on are
compare-and-set updates, so exactly one of them wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tools.db.base import utcnow
from tools.db.messaging import InboundMessage, PendingAnswer
from webhook.splitting import take_within

Sessions = sessionmaker[Session]
UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class NewMessage:
    """What the endpoint knows about a message before storing it."""

    dedup_key: str
    openid: str
    account: str
    kind: str
    text: str = ""
    answer: str | None = None


def record(
    sessions: Sessions, new: NewMessage, owner: str, lease: float
) -> tuple[InboundMessage, bool]:
    """Store ``new`` once; a repeat delivery counts up and returns the first."""
    now = utcnow()
    done = new.kind != "ask"
    row = InboundMessage(
        dedup_key=new.dedup_key,
        openid=new.openid,
        account=new.account,
        kind=new.kind,
        text=new.text,
        status="delivered" if done else "queued",
        answer=new.answer,
        owner=owner,
        lease_until=now + timedelta(seconds=lease),
    )
    try:
        with sessions.begin() as session:
            session.add(row)
        return row, True
    except IntegrityError:
        pass

    with sessions.begin() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.dedup_key == new.dedup_key)
            .values(deliveries=InboundMessage.deliveries + 1)
        )
        first = session.scalar(
            select(InboundMessage).where(InboundMessage.dedup_key == new.dedup_key)
        )
    assert first is not None
    return first, False


def find(sessions: Sessions, dedup_key: str) -> InboundMessage | None:
    with sessions() as session:
        return session.scalar(
            select(InboundMessage).where(InboundMessage.dedup_key == dedup_key)
        )


def count_delivery(sessions: Sessions, inbound_id: int) -> InboundMessage:
    """Count one more delivery of a message found through the shared key store."""
    with sessions.begin() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == inbound_id)
            .values(deliveries=InboundMessage.deliveries + 1)
        )
        row = session.get(InboundMessage, inbound_id)
    assert row is not None
    return row


def get(sessions: Sessions, inbound_id: int) -> InboundMessage:
    with sessions() as session:
        row = session.get(InboundMessage, inbound_id)
    assert row is not None
    return row


def _cas(sessions: Sessions, inbound_id: int, where: dict, values: dict) -> bool:
    with sessions.begin() as session:
        stmt = update(InboundMessage).where(InboundMessage.id == inbound_id)
        for name, expected in where.items():
            column = getattr(InboundMessage, name)
            stmt = stmt.where(
                column.is_(None) if expected is None else column == expected
            )
        return session.execute(stmt.values(**values)).rowcount == 1  # type: ignore[attr-defined]


def start_run(sessions: Sessions, inbound_id: int, owner: str, lease: float) -> bool:
    """Claim a queued message for running; False if another run has it."""
    until = utcnow() + timedelta(seconds=lease)
    return _cas(
        sessions,
        inbound_id,
        {"status": "queued", "owner": owner},
        {"status": "running", "lease_until": until},
    )


def store_answer(sessions: Sessions, inbound_id: int, answer: str) -> None:
    _cas(
        sessions,
        inbound_id,
        {"status": "running"},
        {"status": "answered", "answer": answer, "answered_at": utcnow()},
    )


def set_route(sessions: Sessions, inbound_id: int, route: str) -> bool:
    """Decide once how the answer leaves; False if already decided."""
    return _cas(sessions, inbound_id, {"route": None}, {"route": route})


def remember_reply(sessions: Sessions, inbound_id: int, reply: str) -> None:
    """Keep the passive reply sent, so that a retried delivery gets it again."""
    with sessions.begin() as session:
        row = session.get(InboundMessage, inbound_id)
        assert row is not None
        row.reply_text = reply
        if row.status == "answered" and row.route == "passive":
            row.status = "delivered"


def close(sessions: Sessions, inbound_id: int, reply: str) -> None:
    """Finish a message answered on the spot, keeping the reply for retries."""
    with sessions.begin() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == inbound_id)
            .values(status="delivered", answer=reply, reply_text=reply)
        )


def add_pending(
    sessions: Sessions, row: InboundMessage, answer: str, parts: list[str]
) -> None:
    """Store an answer as parts for the user's next passive reply (idempotent)."""
    try:
        with sessions.begin() as session:
            for seq, text in enumerate(parts):
                session.add(
                    PendingAnswer(
                        inbound_id=row.id, openid=row.openid, seq=seq, text=text
                    )
                )
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == row.id)
                .values(status="delivered", answer=answer, answered_at=utcnow())
            )
    except IntegrityError:
        return


def has_pending(sessions: Sessions, openid: str) -> bool:
    """Whether the user has answer parts waiting to be collected."""
    with sessions() as session:
        found = session.scalar(
            select(PendingAnswer.id)
            .where(PendingAnswer.openid == openid, PendingAnswer.delivered_at.is_(None))
            .limit(1)
        )
    return found is not None


def drain_pending(
    sessions: Sessions, openid: str, limit: int
) -> tuple[list[str], bool]:
    """Take the user's oldest pending parts that fit in ``limit`` bytes."""
    for _ in range(5):
        with sessions.begin() as session:
            rows = session.scalars(
                select(PendingAnswer)
                .where(
                    PendingAnswer.openid == openid,
                    PendingAnswer.delivered_at.is_(None),
                )
                .order_by(PendingAnswer.inbound_id, PendingAnswer.seq)
            ).all()
            if not rows:
                return [], False
            count = take_within([r.text for r in rows], limit)
            chosen = [r.id for r in rows[:count]]
            taken = session.execute(
                update(PendingAnswer)
                .where(
                    PendingAnswer.id.in_(chosen), PendingAnswer.delivered_at.is_(None)
                )
                .values(delivered_at=utcnow())
            ).rowcount  # type: ignore[attr-defined]
            if taken == len(chosen):
                return [r.text for r in rows[:count]], count < len(rows)
            session.rollback()
    return [], True


def has_unfinished(
    sessions: Sessions, openid: str, before_id: int | None = None
) -> bool:
    """Whether the user has a question still running or an answer uncollected."""
    with sessions() as session:
        stmt = select(func.count(InboundMessage.id)).where(
            InboundMessage.openid == openid,
            InboundMessage.kind == "ask",
            InboundMessage.status.in_((*UNFINISHED, "answered")),
        )
        if before_id is not None:
            stmt = stmt.where(InboundMessage.id < before_id)
        running = session.scalar(stmt) or 0
        pending = session.scalar(
            select(func.count(PendingAnswer.id)).where(
                PendingAnswer.openid == openid, PendingAnswer.delivered_at.is_(None)
            )
        )
    return bool(running or pending)


def refresh_leases(sessions: Sessions, owner: str, lease: float) -> None:
    """Extend the lease of every unfinished message this worker holds."""
    with sessions.begin() as session:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.owner == owner, InboundMessage.status.in_(UNFINISHED))
            .values(lease_until=utcnow() + timedelta(seconds=lease))
        )


def reclaim_expired(sessions: Sessions, owner: str, lease: float) -> list[int]:
    """Take over messages whose worker stopped renewing its lease."""
    now = utcnow()
    with sessions.begin() as session:
        ids = session.scalars(
            select(InboundMessage.id)
            .where(
                InboundMessage.status.in_(UNFINISHED),
                InboundMessage.lease_until < now,
            )
            .order_by(InboundMessage.id)
        ).all()
        taken = []
        for inbound_id in ids:
            result = session.execute(
                update(InboundMessage)
                .where(
                    InboundMessage.id == inbound_id,
                    InboundMessage.status.in_(UNFINISHED),
                    InboundMessage.lease_until < now,
                )
                .values(
                    status="queued",
                    owner=owner,
                    lease_until=now + timedelta(seconds=lease),
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                taken.append(inbound_id)
    return taken


def unrouted_answers(sessions: Sessions, older_than: float) -> list[InboundMessage]:
    """Answers that no delivery took as a passive reply in time."""
    cutoff = utcnow() - timedelta(seconds=older_than)
    with sessions() as session:
        return list(
            session.scalars(
                select(InboundMessage).where(
                    InboundMessage.status == "answered",
                    InboundMessage.route.is_(None),
                    InboundMessage.answered_at < cutoff,
                )
            )
        )


def prune(sessions: Sessions, older_than: timedelta) -> int:
    """Delete finished messages and collected answers older than ``older_than``."""
    cutoff: datetime = utcnow() - older_than
    with sessions.begin() as session:
        session.execute(
            delete(PendingAnswer).where(
                PendingAnswer.delivered_at.is_not(None),
                PendingAnswer.delivered_at < cutoff,
            )
        )
        result = session.execute(
            delete(InboundMessage).where(
                InboundMessage.status == "delivered",
                InboundMessage.created_at < cutoff,
            )
        )
    return int(result.rowcount)  # type: ignore[attr-defined]

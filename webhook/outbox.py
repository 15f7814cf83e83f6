"""The durable outbox of customer-service messages (service accounts).

Rows are sent oldest first, one user's rows strictly in order, with retries
and exponential backoff. WeChat allows about five customer-service messages
per user message within 48 hours: a row beyond that (or refused with 45015 /
45047) is held and released by the user's next message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import requests
from sqlalchemy import Connection, Table, bindparam, select, update
from wechatpy.exceptions import WeChatClientException

from tools.db.base import utcnow
from tools.db.messaging import MessageQuota, OutboxMessage
from webhook.driver import DriverStatement
from webhook.inbox import Sessions, upsert
from webhook.runner import openid_tag

log = logging.getLogger(__name__)

Sender = Callable[[str, str], object]
OUTSIDE_WINDOW, OVER_QUOTA = 45015, 45047
OPEN = ("pending", "sending", "held")
OUTBOX = cast(Table, OutboxMessage.__table__)
QUOTA = cast(Table, MessageQuota.__table__)


@dataclass(frozen=True)
class OutboxPolicy:
    """Retry and quota limits; the defaults follow WeChat's published rules."""

    max_attempts: int = 8
    backoff_base: float = 2.0
    backoff_cap: float = 300.0
    quota: int = 5
    window: timedelta = timedelta(hours=48)
    lease: float = 60.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def enqueue(
    conn: Connection, inbound_id: int, openid: str, parts: list[str], first_seq: int
) -> None:
    """Add an answer's parts to the outbox once (repeats are ignored)."""
    if not parts:
        return
    now = utcnow()
    rows = [
        {
            "inbound_id": inbound_id,
            "openid": openid,
            "seq": first_seq + offset,
            "text": text,
            "next_attempt_at": now,
            "created_at": now,
        }
        for offset, text in enumerate(parts)
    ]
    conn.execute(
        upsert(conn.dialect.name, OUTBOX)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["inbound_id", "seq"])
    )


def _open_quota(dialect_name: str) -> Any:
    now = bindparam("now", type_=QUOTA.c.last_inbound_at.type)
    return (
        upsert(dialect_name, QUOTA)
        .values(openid=bindparam("user"), last_inbound_at=now, sent_since_inbound=0)
        .on_conflict_do_update(
            index_elements=["openid"],
            set_={"last_inbound_at": now, "sent_since_inbound": 0},
        )
    )


# Run on every user message, so straight on the driver (see webhook.driver).
OPEN_QUOTA = DriverStatement(_open_quota)
RELEASE_HELD = DriverStatement(
    update(OUTBOX)
    .where(OUTBOX.c.openid == bindparam("user"), OUTBOX.c.status == "held")
    .values(status="pending", next_attempt_at=bindparam("now"))
)


def note_user_message(conn: Connection, openid: str) -> None:
    """A new user message opens a fresh quota and releases held rows."""
    values = {"user": openid, "now": utcnow()}
    OPEN_QUOTA.execute(conn, values)
    RELEASE_HELD.execute(conn, values)


def _claim_due(sessions: Sessions, lease: float) -> list[OutboxMessage]:
    """Claim the first open row of each user, when it is due."""
    now = utcnow()
    with sessions.begin() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.lease_until < now)
            .values(status="pending")
        )
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status.in_(OPEN))
            .order_by(OutboxMessage.id)
            .limit(500)
        ).all()
        heads: dict[str, OutboxMessage] = {}
        for row in rows:
            heads.setdefault(row.openid, row)
        claimed = []
        for row in heads.values():
            if row.status != "pending" or _aware(row.next_attempt_at) > now:
                continue
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == "pending")
                .values(status="sending", lease_until=now + timedelta(seconds=lease))
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row)
    return claimed


def _quota_allows(sessions: Sessions, openid: str, policy: OutboxPolicy) -> bool:
    with sessions() as session:
        quota = session.get(MessageQuota, openid)
    if quota is None:
        return True
    fresh = utcnow() - _aware(quota.last_inbound_at) < policy.window
    return fresh and quota.sent_since_inbound < policy.quota


def _finish(sessions: Sessions, row_id: int, **values: object) -> None:
    with sessions.begin() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
        )


def _record_sent(sessions: Sessions, row: OutboxMessage) -> None:
    with sessions.begin() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="sent", sent_at=utcnow(), attempts=row.attempts + 1)
        )
        session.execute(
            update(MessageQuota)
            .where(MessageQuota.openid == row.openid)
            .values(sent_since_inbound=MessageQuota.sent_since_inbound + 1)
        )


class OutboxWorker:
    """Sends due outbox rows through ``sender(openid, text)`` until stopped."""

    def __init__(
        self,
        sessions: Sessions,
        sender: Sender,
        *,
        policy: OutboxPolicy | None = None,
        poll: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.policy = policy or OutboxPolicy()
        self.poll = poll
        self._wake = asyncio.Event()
        # Calls to WeChat get their own threads so that a slow API never
        # holds up the database work in the default executor.
        self._http = ThreadPoolExecutor(max_workers=4, thread_name_prefix="weiai-api")

    def wake(self) -> None:
        """Look for due rows now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                sent = await self.drain_once()
            except Exception as exc:  # keep the loop alive through outages
                log.warning("outbox round failed: %s", type(exc).__name__)
                sent = 0
            if sent:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)

    async def drain_once(self) -> int:
        """Send every row due now; the number of rows handled."""
        rows = await asyncio.to_thread(_claim_due, self.sessions, self.policy.lease)
        await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _deliver(self, row: OutboxMessage) -> None:
        allowed = await asyncio.to_thread(
            _quota_allows, self.sessions, row.openid, self.policy
        )
        if not allowed:
            await asyncio.to_thread(_finish, self.sessions, row.id, status="held")
            log.info(
                "outbox held id=%s user=%s (quota)", row.id, openid_tag(row.openid)
            )
            return
        try:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._http, self.sender, row.openid, row.text)
        except WeChatClientException as exc:
            await self._failed(row, exc.errcode, f"errcode {exc.errcode}")
            return
        except (requests.RequestException, OSError) as exc:
            await self._failed(row, None, type(exc).__name__)
            return
        await asyncio.to_thread(_record_sent, self.sessions, row)
        log.info("outbox sent id=%s user=%s", row.id, openid_tag(row.openid))

    async def _failed(self, row: OutboxMessage, code: int | None, why: str) -> None:
        if code in (OUTSIDE_WINDOW, OVER_QUOTA):
            await asyncio.to_thread(
                _finish, self.sessions, row.id, status="held", last_error=why
            )
            log.info("outbox held id=%s: %s", row.id, why)
            return
        attempts = row.attempts + 1
        if attempts >= self.policy.max_attempts:
            await asyncio.to_thread(
                _finish,
                self.sessions,
                row.id,
                status="failed",
                attempts=attempts,
                last_error=why,
            )
            log.error(
                "outbox gave up id=%s after %s attempts: %s", row.id, attempts, why
            )
            return
        delay = min(self.policy.backoff_base**attempts, self.policy.backoff_cap)
        await asyncio.to_thread(
            _finish,
            self.sessions,
            row.id,
            status="pending",
            attempts=attempts,
            last_error=why,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )
        log.warning("outbox retry id=%s in %.0fs: %s", row.id, delay, why)

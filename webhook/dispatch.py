"""One WeChat delivery, from parsed message to the decision what to send.

The message is stored (or found, for a repeat delivery) before anything else
happens; only the first delivery runs side effects or starts the assistant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from sqlalchemy import Connection

from webhook import inbox, intake, outbox, texts
from webhook.guards import DatabaseKeys, KeyStore, MemoryRateLimit
from webhook.inbox import Inbound
from webhook.journal import Journal
from webhook.runner import Runner, openid_tag
from webhook.strategy import Decision, Strategy

log = logging.getLogger(__name__)


class Dispatcher:
    """Turns a delivery into a stored message and a reply decision."""

    def __init__(
        self,
        journal: Journal,
        sessions: inbox.Sessions,
        *,
        keys: KeyStore,
        limiter: Any,
        runner: Runner,
        strategy: Strategy,
        service_account: bool,
        owner: str,
        lease: float,
    ) -> None:
        self.journal = journal
        self.sessions = sessions
        self.keys = keys
        self.limiter = limiter
        self.runner = runner
        self.strategy = strategy
        self.service_account = service_account
        self.owner = owner
        self.lease = lease

    async def handle(self, message: Any, arrived: float) -> Decision:
        """Store, de-duplicate and answer one delivery of ``message``."""
        plan = intake.classify(message)
        kind = await self._refine(plan, message.source)
        # The rate limit is counted before storing, so that the verdict is
        # stored with the message in its one transaction; a repeat delivery
        # gives its count back below.
        counted = kind in ("ask", "fetch")
        allowed = await self._allow(message.source) if counted else True
        new = inbox.NewMessage(
            dedup_key=plan.dedup_key,
            openid=message.source,
            account=str(message.target or ""),
            kind=kind,
            text=plan.text,
            reply=None if allowed else texts.RATE_LIMITED,
        )
        row, first = await self._record(new, quota=counted and allowed)
        if counted and not first:
            await self._refund(message.source)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "wechat %s msg=%s user=%s kind=%s delivery=%s",
                message.type,
                row.id,
                openid_tag(row.openid),
                row.kind,
                row.deliveries,
            )
        work = (
            self._first_delivery(row, message, arrived)
            if first
            else self._repeat_delivery(row, arrived)
        )
        # WeChat's 5 s are not negotiable: past the deadline, stop waiting on
        # a busy database and let the stored message take the slow path.
        budget = arrived + self.strategy.deadline - time.monotonic()
        try:
            # asyncio.timeout, unlike wait_for, wraps no extra task per request.
            async with asyncio.timeout(max(budget, 0.05)):
                return await work
        except TimeoutError:
            log.warning("reply deadline passed msg=%s", row.id)
            return self.strategy.fallback(row)

    async def _refine(self, plan: intake.Intake, openid: str) -> str:
        # 「继续」 collects a pending answer instead of asking a new question.
        if plan.kind == "ask" and plan.text in texts.CONTINUE_WORDS:
            busy = await self.journal.run(lambda c: inbox.has_unfinished(c, openid))
            if busy:
                return "fetch"
        return plan.kind

    async def _allow(self, openid: str) -> bool:
        if isinstance(self.limiter, MemoryRateLimit):
            return self.limiter.allow(openid)
        return bool(await asyncio.to_thread(self.limiter.allow, openid))

    async def _refund(self, openid: str) -> None:
        if isinstance(self.limiter, MemoryRateLimit):
            self.limiter.refund(openid)
        else:
            await asyncio.to_thread(self.limiter.refund, openid)

    async def _record(
        self, new: inbox.NewMessage, *, quota: bool
    ) -> tuple[Inbound, bool]:
        claimed = (
            True
            if isinstance(self.keys, DatabaseKeys)
            else await asyncio.to_thread(self.keys.claim, new.dedup_key)
        )
        if not claimed:
            found = await self._find_shared(new.dedup_key)
            if found is not None:
                found_id = found.id
                row = await self.journal.run(
                    lambda c: inbox.count_delivery(c, found_id)
                )
                return row, False
        owner, lease = self.owner, self.lease
        note_quota = quota and self.service_account

        def store(conn: Connection) -> tuple[Inbound, bool]:
            # One transaction: the message (its unique key is the retry
            # guard) and, on a service account, the user's fresh quota.
            row, first = inbox.record(conn, new, owner, lease)
            if first and note_quota:
                outbox.note_user_message(conn, new.openid)
            return row, first

        return await self.journal.run(store)

    async def _find_shared(self, key: str) -> Inbound | None:
        # Another worker claimed the key and is about to store the row.
        for _ in range(20):
            found = await self.journal.run(lambda c: inbox.find(c, key))
            if found is not None:
                return found
            await asyncio.sleep(0.05)
        return None

    async def _first_delivery(
        self, row: Inbound, message: Any, arrived: float
    ) -> Decision:
        if row.reply_text is not None:
            log.info("rate limited msg=%s user=%s", row.id, openid_tag(row.openid))
            return Decision(text=row.reply_text)
        if row.kind == "done":
            reply = await asyncio.to_thread(intake.react, self.sessions, message)
            text = reply or ""
            await self.journal.run(lambda c: inbox.close(c, row.id, text))
            return Decision(text=reply)
        if row.kind == "ask":
            self.runner.submit(row, claimed=True)
        return await self.strategy.decide(row, arrived)

    async def _repeat_delivery(self, row: Inbound, arrived: float) -> Decision:
        if row.kind != "done":
            return await self.strategy.decide(row, arrived)
        # The first delivery may still be running its side effects.
        until = arrived + self.strategy.deadline
        row_id = row.id
        while row.reply_text is None and time.monotonic() < until:
            await asyncio.sleep(0.1)
            row = await self.journal.run(lambda c: inbox.get(c, row_id))
        return Decision(text=row.reply_text or None)

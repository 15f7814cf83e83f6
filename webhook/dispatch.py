"""One WeChat delivery, from parsed message to the decision what to send.

The message is stored (or found, for a repeat delivery) before anything else
happens; only the first delivery runs side effects or starts the assistant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from tools.db.messaging import InboundMessage
from webhook import inbox, intake, outbox, texts
from webhook.guards import DatabaseKeys, KeyStore, MemoryRateLimit
from webhook.runner import Runner, openid_tag
from webhook.strategy import Decision, Strategy

log = logging.getLogger(__name__)


class Dispatcher:
    """Turns a delivery into a stored message and a reply decision."""

    def __init__(
        self,
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
        new = inbox.NewMessage(
            dedup_key=plan.dedup_key,
            openid=message.source,
            account=str(message.target or ""),
            kind=kind,
            text=plan.text,
        )
        row, first = await self._record(new)
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
            return await asyncio.wait_for(work, max(budget, 0.05))
        except TimeoutError:
            log.warning("reply deadline passed msg=%s", row.id)
            return self.strategy.fallback(row)

    async def _refine(self, plan: intake.Intake, openid: str) -> str:
        # 「继续」 collects a pending answer instead of asking a new question.
        if plan.kind == "ask" and plan.text in texts.CONTINUE_WORDS:
            busy = await asyncio.to_thread(inbox.has_unfinished, self.sessions, openid)
            if busy:
                return "fetch"
        return plan.kind

    async def _record(self, new: inbox.NewMessage) -> tuple[InboundMessage, bool]:
        claimed = (
            True
            if isinstance(self.keys, DatabaseKeys)
            else await asyncio.to_thread(self.keys.claim, new.dedup_key)
        )
        if not claimed:
            found = await self._find_shared(new.dedup_key)
            if found is not None:
                row = await asyncio.to_thread(
                    inbox.count_delivery, self.sessions, found.id
                )
                return row, False
        return await asyncio.to_thread(
            inbox.record, self.sessions, new, self.owner, self.lease
        )

    async def _find_shared(self, key: str) -> InboundMessage | None:
        # Another worker claimed the key and is about to store the row.
        for _ in range(20):
            found = await asyncio.to_thread(inbox.find, self.sessions, key)
            if found is not None:
                return found
            await asyncio.sleep(0.05)
        return None

    async def _first_delivery(
        self, row: InboundMessage, message: Any, arrived: float
    ) -> Decision:
        if row.kind in ("ask", "fetch"):
            allowed = (
                self.limiter.allow(row.openid)
                if isinstance(self.limiter, MemoryRateLimit)
                else await asyncio.to_thread(self.limiter.allow, row.openid)
            )
            if not allowed:
                log.info("rate limited msg=%s user=%s", row.id, openid_tag(row.openid))
                await asyncio.to_thread(
                    inbox.close, self.sessions, row.id, texts.RATE_LIMITED
                )
                return Decision(text=texts.RATE_LIMITED)
            if self.service_account:
                await asyncio.to_thread(
                    outbox.note_user_message, self.sessions, row.openid
                )
        if row.kind == "done":
            reply = await asyncio.to_thread(intake.react, self.sessions, message)
            await asyncio.to_thread(inbox.close, self.sessions, row.id, reply or "")
            return Decision(text=reply)
        if row.kind == "ask":
            self.runner.submit(row)
        return await self.strategy.decide(row, arrived)

    async def _repeat_delivery(self, row: InboundMessage, arrived: float) -> Decision:
        if row.kind != "done":
            return await self.strategy.decide(row, arrived)
        # The first delivery may still be running its side effects.
        until = arrived + self.strategy.deadline
        while row.reply_text is None and time.monotonic() < until:
            await asyncio.sleep(0.1)
            row = await asyncio.to_thread(inbox.get, self.sessions, row.id)
        return Decision(text=row.reply_text or None)

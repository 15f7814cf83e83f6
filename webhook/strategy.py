"""How an answer reaches the user, by account type.

WeChat waits 5 s for each delivery and delivers a message up to three times.
An answer ready within the reply deadline (4.5 s) goes back as the passive
reply on both account types. After that:

* service account: reply ``success`` at once and send the answer through the
  customer-service outbox when it is ready;
* subscription account (no customer-service permission): let the first two
  deliveries lapse so WeChat tries again, tell the user at the third to send
  「继续」, and keep the answer; their next message collects it first.

An answer that arrives while its delivery still waits is stored already
taken as that delivery's reply, in one statement, instead of being stored
and then claimed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from webhook import inbox, outbox, texts
from webhook.inbox import Inbound
from webhook.journal import Journal
from webhook.runner import Runner
from webhook.splitting import WECHAT_TEXT_LIMIT, split_text, utf8_len

log = logging.getLogger(__name__)
# WeChat gives up on a delivery after 5 s; lapse a little after that.
WECHAT_TIMEOUT = 5.0
LAPSE_MARGIN = 0.1
LAST_DELIVERY = 3
# Time kept between the end of waiting and the reply deadline, for the
# database work of deciding.
DECISION_ROOM = 0.3
# Room kept in each passive reply for a one-line note after the answer.
NOTE_ROOM = max(utf8_len(texts.MORE_TO_COME), utf8_len(texts.NEW_QUESTION_QUEUED)) + 1
PART_LIMIT = WECHAT_TEXT_LIMIT - NOTE_ROOM


@dataclass(frozen=True)
class Decision:
    """A passive reply text, ``success`` (text None), or a lapse."""

    text: str | None = None
    lapse_until: float | None = None


SUCCESS = Decision()


class Strategy:
    """Common parts: waiting for an answer and remembering what was sent."""

    subscription = False  # no customer-service messages

    def __init__(self, journal: Journal, runner: Runner, deadline: float) -> None:
        self.journal = journal
        self.runner = runner
        self.deadline = deadline
        # Message id -> monotonic time its waiting delivery stops waiting.
        self._waiting: dict[int, float] = {}
        self._rescues: set[asyncio.Task[None]] = set()

    async def on_answer(self, row: Inbound, answer: str) -> Inbound:
        raise NotImplementedError

    async def decide(self, row: Inbound, arrived: float) -> Decision:
        raise NotImplementedError

    def fallback(self, row: Inbound) -> Decision:
        """What to answer when the deadline passed before a decision."""
        return SUCCESS

    def _rescue_later(self, inbound_id: int) -> None:
        """After a lapsed decision, recover an answer taken as a lost reply.

        The deadline may pass while the write that took the answer as this
        delivery's passive reply is still on its way to the database; the
        delivery then answers without it. The journal runs operations in
        order, so a rescue queued now sees that write.
        """
        task = asyncio.create_task(self._guarded_rescue(inbound_id))
        self._rescues.add(task)
        task.add_done_callback(self._rescues.discard)

    async def _guarded_rescue(self, inbound_id: int) -> None:
        try:
            await self._rescue(inbound_id)
        except Exception as exc:  # the lease and orphan rounds still apply
            log.warning("rescue failed msg=%s: %s", inbound_id, type(exc).__name__)

    async def _rescue(self, inbound_id: int) -> None:
        raise NotImplementedError

    def _wait_until(self, arrived: float) -> float:
        return arrived + self.deadline - min(DECISION_ROOM, self.deadline / 3)

    def _awaited(self, row: Inbound) -> bool:
        """Whether a delivery of ``row`` is waiting and still has time."""
        return time.monotonic() < self._waiting.get(row.id, 0.0)

    async def _wait_answered(self, row: Inbound, until: float) -> Inbound:
        self._waiting[row.id] = until
        try:
            return await self.runner.wait_answered(row.id, until)
        finally:
            if self._waiting.get(row.id) == until:
                del self._waiting[row.id]

    async def _store_answer(
        self,
        row: Inbound,
        answer: str,
        parts: list[str],
        otherwise: Callable[[Connection], Inbound],
    ) -> Inbound:
        """A one-part answer as its waiting delivery's reply, else ``otherwise``."""
        direct = len(parts) == 1 and self._awaited(row)
        subscription = self.subscription

        def store(conn: Connection) -> Inbound:
            if direct:
                taken = inbox.answer_directly(
                    conn, row, answer, subscription=subscription
                )
                if taken is not None:
                    return taken
            return otherwise(conn)

        return await self.journal.run(store)

    async def _get(self, inbound_id: int) -> Inbound:
        return await self.journal.run(lambda c: inbox.get(c, inbound_id))

    async def _reply(self, row: Inbound, text: str) -> Decision:
        await self.journal.run(lambda c: inbox.remember_reply(c, row.id, text))
        return Decision(text=text)


class ServiceStrategy(Strategy):
    """Passive reply in time, else the customer-service outbox."""

    def __init__(
        self, journal: Journal, runner: Runner, deadline: float, wake: object
    ) -> None:
        super().__init__(journal, runner, deadline)
        self.wake = wake

    async def on_answer(self, row: Inbound, answer: str) -> Inbound:
        parts = split_text(answer)

        def store(conn: Connection) -> Inbound:
            # The answer and, if the outbox was already chosen, its parts
            # are kept in one transaction.
            fresh = inbox.store_answer(conn, row.id, answer)
            if fresh.route == "outbox":
                outbox.enqueue(conn, row.id, row.openid, parts, 0)
            return fresh

        fresh = await self._store_answer(row, answer, parts, store)
        if fresh.route == "outbox":
            self._wake()
        return fresh

    def _wake(self) -> None:
        if callable(self.wake):
            self.wake()

    async def send_later(self, row: Inbound, parts: list[str], first: int) -> None:
        if not parts:
            return
        await self.journal.run(
            lambda c: outbox.enqueue(c, row.id, row.openid, parts, first)
        )
        self._wake()

    async def decide(self, row: Inbound, arrived: float) -> Decision:
        if row.reply_text is not None:
            return Decision(text=row.reply_text)
        if row.route == "outbox":
            return SUCCESS

        row = await self._wait_answered(row, self._wait_until(arrived))
        if row.reply_text is not None:
            return Decision(text=row.reply_text)
        if row.answer is not None:
            parts = split_text(row.answer)
            if await self._passive(row, parts):
                return Decision(text=parts[0])
        if await self._route(row, "outbox"):
            fresh = await self._get(row.id)
            if fresh.answer is not None:
                await self.send_later(fresh, split_text(fresh.answer), 0)
            return SUCCESS

        # Another delivery decided first.
        fresh = await self._get(row.id)
        return Decision(text=fresh.reply_text) if fresh.reply_text else SUCCESS

    async def _passive(self, row: Inbound, parts: list[str]) -> bool:
        """Send the first part now and the rest through the outbox, at once."""

        def claim(conn: Connection) -> bool:
            if not inbox.claim_passive(conn, row.id, parts[0]):
                return False
            outbox.enqueue(conn, row.id, row.openid, parts[1:], 1)
            return True

        claimed = await self.journal.run(claim)
        if claimed and len(parts) > 1:
            self._wake()
        return claimed

    async def _route(self, row: Inbound, route: str) -> bool:
        return await self.journal.run(lambda c: inbox.set_route(c, row.id, route))

    def fallback(self, row: Inbound) -> Decision:
        # ``success`` ends WeChat's retries, so a reply taken meanwhile would
        # never reach the user: send it through the outbox instead.
        self._rescue_later(row.id)
        return SUCCESS

    async def _rescue(self, inbound_id: int) -> None:
        def reroute(conn: Connection) -> bool:
            fresh = inbox.get(conn, inbound_id)
            if fresh.route != "passive" or fresh.answer is None:
                return False
            if not inbox.change_route(conn, inbound_id, "passive", "outbox"):
                return False
            outbox.enqueue(conn, inbound_id, fresh.openid, split_text(fresh.answer), 0)
            return True

        if await self.journal.run(reroute):
            self._wake()

    async def resend_orphans(self, older_than: float) -> None:
        """Answers no delivery took in time (the worker died): send them."""
        rows = await self.journal.run(lambda c: inbox.unrouted_answers(c, older_than))
        for row in rows:
            if await self._route(row, "outbox") and row.answer is not None:
                await self.send_later(row, split_text(row.answer), 0)


class SubscriptionStrategy(Strategy):
    """Passive replies only; late answers wait for the user's next message."""

    subscription = True

    def __init__(
        self,
        journal: Journal,
        runner: Runner,
        deadline: float,
        wechat_timeout: float = WECHAT_TIMEOUT,
    ) -> None:
        super().__init__(journal, runner, deadline)
        self.wechat_timeout = wechat_timeout

    async def on_answer(self, row: Inbound, answer: str) -> Inbound:
        parts = split_text(answer, PART_LIMIT)
        return await self._store_answer(
            row, answer, parts, lambda c: inbox.add_pending(c, row, answer, parts)
        )

    async def decide(self, row: Inbound, arrived: float) -> Decision:
        if row.reply_text is not None:
            return Decision(text=row.reply_text)
        until = self._wait_until(arrived)
        if row.kind == "ask":
            row = await self._wait_answered(row, until)
            if row.reply_text is not None:
                return Decision(text=row.reply_text)
            own_ready = row.status == "delivered"
        else:
            own_ready = True
            await self._wait_pending(row.openid, until)

        reply = await self._take(row, own_ready)
        if reply is not None:
            return Decision(text=reply)

        if row.kind == "fetch" and not await self._unfinished(row.openid):
            return await self._reply(row, texts.NOTHING_PENDING)
        fresh = await self._get(row.id)
        if fresh.reply_text is not None:  # answered directly, just too late
            return Decision(text=fresh.reply_text)
        if fresh.deliveries >= LAST_DELIVERY:
            word = (
                texts.STILL_WORKING if row.kind == "ask" else texts.STILL_WORKING_AGAIN
            )
            return await self._reply(row, word)
        lapse = self.wechat_timeout * (1 + LAPSE_MARGIN)
        return Decision(lapse_until=arrived + lapse)

    def fallback(self, row: Inbound) -> Decision:
        # The answer stays pending; a lapse lets WeChat deliver again (and the
        # next delivery finds any reply taken meanwhile), and at the last
        # delivery the user is told to collect it.
        if row.deliveries >= LAST_DELIVERY:
            self._rescue_later(row.id)
            return Decision(text=texts.STILL_WORKING)
        return Decision(lapse_until=time.monotonic() + self.wechat_timeout)

    async def _rescue(self, inbound_id: int) -> None:
        # An answer taken as this last delivery's reply goes back to pending,
        # for the 「继续」 the user was just asked to send.
        def restore(conn: Connection) -> None:
            fresh = inbox.get(conn, inbound_id)
            if fresh.route != "passive" or fresh.answer is None:
                return
            if inbox.change_route(conn, inbound_id, "passive", "pending"):
                parts = split_text(fresh.answer, PART_LIMIT)
                inbox.add_pending(conn, fresh, fresh.answer, parts)

        await self.journal.run(restore)

    async def _take(self, row: Inbound, own_ready: bool) -> str | None:
        """Collect pending parts as the reply and keep it, in one transaction."""

        def compose(parts: list[str], more: bool) -> str | None:
            if not parts:
                return None
            note = texts.MORE_TO_COME if more else ""
            if not own_ready:
                note = note or texts.NEW_QUESTION_QUEUED
            return "\n\n".join(parts) + ("\n" + note if note else "")

        return await self.journal.run(
            lambda c: inbox.take_reply(c, row.openid, row.id, PART_LIMIT, compose)
        )

    async def _unfinished(self, openid: str) -> bool:
        return await self.journal.run(lambda c: inbox.has_unfinished(c, openid))

    async def _wait_pending(self, openid: str, until: float) -> None:
        while time.monotonic() < until:
            if await self.journal.run(lambda c: inbox.has_pending(c, openid)):
                return
            await asyncio.sleep(0.2)

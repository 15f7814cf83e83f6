"""How an answer reaches the user, by account type.

WeChat waits 5 s for each delivery and delivers a message up to three times.
An answer ready within the reply deadline (4.5 s) goes back as the passive
reply on both account types. After that:

* service account: reply ``success`` at once and send the answer through the
  customer-service outbox when it is ready;
* subscription account (no customer-service permission): let the first two
  deliveries lapse so WeChat tries again, tell the user at the third to send
  「继续」, and keep the answer; their next message collects it first.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from tools.db.messaging import InboundMessage
from webhook import inbox, outbox, texts
from webhook.runner import Runner
from webhook.splitting import WECHAT_TEXT_LIMIT, split_text, utf8_len

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

    def __init__(
        self, sessions: inbox.Sessions, runner: Runner, deadline: float
    ) -> None:
        self.sessions = sessions
        self.runner = runner
        self.deadline = deadline

    async def on_answer(self, row: InboundMessage, answer: str) -> None:
        raise NotImplementedError

    async def decide(self, row: InboundMessage, arrived: float) -> Decision:
        raise NotImplementedError

    def fallback(self, row: InboundMessage) -> Decision:
        """What to answer when the deadline passed before a decision."""
        return SUCCESS

    def _wait_until(self, arrived: float) -> float:
        return arrived + self.deadline - min(DECISION_ROOM, self.deadline / 3)

    async def _reply(self, row: InboundMessage, text: str) -> Decision:
        await asyncio.to_thread(inbox.remember_reply, self.sessions, row.id, text)
        return Decision(text=text)


class ServiceStrategy(Strategy):
    """Passive reply in time, else the customer-service outbox."""

    def __init__(
        self, sessions: inbox.Sessions, runner: Runner, deadline: float, wake: object
    ) -> None:
        super().__init__(sessions, runner, deadline)
        self.wake = wake

    async def on_answer(self, row: InboundMessage, answer: str) -> None:
        await asyncio.to_thread(inbox.store_answer, self.sessions, row.id, answer)
        fresh = await asyncio.to_thread(inbox.get, self.sessions, row.id)
        if fresh.route == "outbox":
            await self.send_later(fresh, split_text(answer), 0)

    async def send_later(
        self, row: InboundMessage, parts: list[str], first: int
    ) -> None:
        if not parts:
            return
        await asyncio.to_thread(
            outbox.enqueue, self.sessions, row.id, row.openid, parts, first
        )
        if callable(self.wake):
            self.wake()

    async def decide(self, row: InboundMessage, arrived: float) -> Decision:
        if row.reply_text is not None:
            return Decision(text=row.reply_text)
        if row.route == "outbox":
            return SUCCESS

        row = await self.runner.wait_answered(row.id, self._wait_until(arrived))
        if row.answer is not None and await self._route(row, "passive"):
            parts = split_text(row.answer)
            await self.send_later(row, parts[1:], 1)
            return await self._reply(row, parts[0])
        if await self._route(row, "outbox"):
            fresh = await asyncio.to_thread(inbox.get, self.sessions, row.id)
            if fresh.answer is not None:
                await self.send_later(fresh, split_text(fresh.answer), 0)
            return SUCCESS

        # Another delivery decided first.
        fresh = await asyncio.to_thread(inbox.get, self.sessions, row.id)
        return Decision(text=fresh.reply_text) if fresh.reply_text else SUCCESS

    async def _route(self, row: InboundMessage, route: str) -> bool:
        return await asyncio.to_thread(inbox.set_route, self.sessions, row.id, route)

    async def resend_orphans(self, older_than: float) -> None:
        """Answers no delivery took in time (the worker died): send them."""
        rows = await asyncio.to_thread(
            inbox.unrouted_answers, self.sessions, older_than
        )
        for row in rows:
            if await self._route(row, "outbox") and row.answer is not None:
                await self.send_later(row, split_text(row.answer), 0)


class SubscriptionStrategy(Strategy):
    """Passive replies only; late answers wait for the user's next message."""

    def __init__(
        self,
        sessions: inbox.Sessions,
        runner: Runner,
        deadline: float,
        wechat_timeout: float = WECHAT_TIMEOUT,
    ) -> None:
        super().__init__(sessions, runner, deadline)
        self.wechat_timeout = wechat_timeout

    async def on_answer(self, row: InboundMessage, answer: str) -> None:
        parts = split_text(answer, PART_LIMIT)
        await asyncio.to_thread(inbox.add_pending, self.sessions, row, answer, parts)

    async def decide(self, row: InboundMessage, arrived: float) -> Decision:
        if row.reply_text is not None:
            return Decision(text=row.reply_text)
        until = self._wait_until(arrived)
        if row.kind == "ask":
            row = await self.runner.wait_answered(row.id, until)
            own_ready = row.status == "delivered"
        else:
            own_ready = True
            await self._wait_pending(row.openid, until)

        parts, more = await self._take(row.openid)
        if parts:
            note = texts.MORE_TO_COME if more else ""
            if not own_ready:
                note = note or texts.NEW_QUESTION_QUEUED
            return await self._reply(
                row, "\n\n".join(parts) + ("\n" + note if note else "")
            )

        if row.kind == "fetch" and not await self._unfinished(row.openid):
            return await self._reply(row, texts.NOTHING_PENDING)
        fresh = await asyncio.to_thread(inbox.get, self.sessions, row.id)
        if fresh.deliveries >= LAST_DELIVERY:
            word = (
                texts.STILL_WORKING if row.kind == "ask" else texts.STILL_WORKING_AGAIN
            )
            return await self._reply(row, word)
        lapse = self.wechat_timeout * (1 + LAPSE_MARGIN)
        return Decision(lapse_until=arrived + lapse)

    def fallback(self, row: InboundMessage) -> Decision:
        # The answer stays pending; a lapse lets WeChat deliver again, and
        # at the last delivery the user is told to collect it.
        if row.deliveries >= LAST_DELIVERY:
            return Decision(text=texts.STILL_WORKING)
        return Decision(lapse_until=time.monotonic() + self.wechat_timeout)

    async def _take(self, openid: str) -> tuple[list[str], bool]:
        return await asyncio.to_thread(
            inbox.drain_pending, self.sessions, openid, PART_LIMIT
        )

    async def _unfinished(self, openid: str) -> bool:
        return await asyncio.to_thread(inbox.has_unfinished, self.sessions, openid)

    async def _wait_pending(self, openid: str, until: float) -> None:
        while time.monotonic() < until:
            if await asyncio.to_thread(inbox.has_pending, self.sessions, openid):
                return
            await asyncio.sleep(0.2)

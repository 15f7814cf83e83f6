"""Running stored questions through the assistant, one user at a time.

Each user's questions run in arrival order, so a second question never
overtakes or swallows the first. A worker holds a lease on every message it
has taken and renews it while alive; messages whose lease ran out (their
worker crashed) are taken over and run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection

from webhook import inbox
from webhook.agent import AssistantLike, User, render_reply
from webhook.inbox import Inbound
from webhook.journal import Journal
from webhook.texts import ASSISTANT_FAILED

log = logging.getLogger(__name__)

AnswerHook = Callable[[Inbound, str], Awaitable[Inbound]]
DONE = ("answered", "delivered")
# How long a finished run's answer stays in memory for late deliveries.
KEEP_DONE = 60.0


def openid_tag(openid: str) -> str:
    """A short stable hash of an openid for log lines."""
    return hashlib.sha256(openid.encode()).hexdigest()[:10]


class Runner:
    """Per-user queues of questions for the assistant, with leases."""

    def __init__(
        self,
        journal: Journal,
        assistant: AssistantLike,
        *,
        owner: str,
        on_answer: AnswerHook,
        lease: float = 30.0,
        run_timeout: float = 300.0,
    ) -> None:
        self.journal = journal
        self.assistant = assistant
        self.owner = owner
        self.on_answer = on_answer
        self.lease = lease
        self.run_timeout = run_timeout
        self._queues: dict[str, deque[tuple[Inbound, bool]]] = {}
        self._consumers: dict[str, asyncio.Task[None]] = {}
        self._done: dict[int, asyncio.Event] = {}
        self._results: dict[int, Inbound] = {}
        # (monotonic time, message id) of finished runs, oldest first.
        self._finished: deque[tuple[float, int]] = deque()

    def submit(self, row: Inbound, *, claimed: bool = False) -> None:
        """Queue a stored question behind the same user's earlier ones.

        ``claimed`` says the row was stored already running for this worker;
        otherwise the run first takes it over with a compare-and-set.
        """
        self._done.setdefault(row.id, asyncio.Event())
        self._queues.setdefault(row.openid, deque()).append((row, claimed))
        if row.openid not in self._consumers:
            task = asyncio.create_task(self._consume(row.openid))
            self._consumers[row.openid] = task

    async def _consume(self, openid: str) -> None:
        queue = self._queues[openid]
        try:
            while queue:
                await self._run(*queue.popleft())
        finally:
            self._consumers.pop(openid, None)
            if not queue:
                self._queues.pop(openid, None)

    async def _run(self, row: Inbound, claimed: bool) -> None:
        if not claimed:
            owner, lease = self.owner, self.lease
            taken = await self.journal.run(
                lambda c: inbox.start_run(c, row.id, owner, lease)
            )
            if not taken:
                return
        started = time.monotonic()
        answer = await self._ask(row)
        self._results[row.id] = await self.on_answer(row, answer)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "answered msg=%s user=%s in %.1fs",
                row.id,
                openid_tag(row.openid),
                time.monotonic() - started,
            )
        self._done.setdefault(row.id, asyncio.Event()).set()
        # Deliveries still waiting have been woken; later ones read the row.
        now = time.monotonic()
        self._finished.append((now, row.id))
        self._forget(now - KEEP_DONE)

    def _forget(self, before: float) -> None:
        finished = self._finished
        while finished and finished[0][0] < before:
            inbound_id = finished.popleft()[1]
            self._done.pop(inbound_id, None)
            self._results.pop(inbound_id, None)

    async def _ask(self, row: Inbound) -> str:
        user = User(openid=row.openid, channel="wechat")
        try:
            # asyncio.timeout, unlike wait_for, starts no extra task per run.
            async with asyncio.timeout(self.run_timeout):
                reply = await self.assistant.respond(user, row.text)
            return render_reply(reply) or ASSISTANT_FAILED
        except Exception as exc:  # the user still gets an answer, never the error
            log.warning("assistant failed msg=%s: %s", row.id, type(exc).__name__)
            return ASSISTANT_FAILED

    async def wait_answered(self, inbound_id: int, until: float) -> Inbound:
        """The message once answered, or as it stands at monotonic ``until``."""
        event = self._done.get(inbound_id)
        if event is not None:
            # Run here: wake on the event instead of polling the database.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(until - time.monotonic(), 0)):
                    await event.wait()
            known = self._results.get(inbound_id)
            if known is not None:
                return known
            return await self.journal.run(lambda c: inbox.get(c, inbound_id))
        while True:
            row = await self.journal.run(lambda c: inbox.get(c, inbound_id))
            remaining = until - time.monotonic()
            if row.status in DONE or remaining <= 0:
                return row
            await asyncio.sleep(min(0.2, remaining))

    async def keep_leases(self, interval: float) -> None:
        """Renew leases and take over abandoned messages, until cancelled."""
        while True:
            await self.tick()
            await asyncio.sleep(interval)

    async def tick(self) -> None:
        """One round of lease renewal and takeover."""
        owner, lease = self.owner, self.lease

        def renew(conn: Connection) -> list[Inbound]:
            inbox.refresh_leases(conn, owner, lease)
            return inbox.reclaim_expired(conn, owner, lease)

        try:
            taken = await self.journal.run(renew)
        except Exception as exc:  # a database hiccup must not stop the loop
            log.warning("lease round failed: %s", type(exc).__name__)
            return
        for row in taken:
            if row.kind == "ask":
                log.info("resuming msg=%s user=%s", row.id, openid_tag(row.openid))
                self.submit(row)

    async def aclose(self) -> None:
        """Stop the consumers; their messages stay stored and resume later."""
        await cancel_and_wait(list(self._consumers.values()), "answer run")


async def cancel_and_wait(
    tasks: list[asyncio.Task[None]], what: str, timeout: float = 5.0
) -> None:
    """Cancel ``tasks`` and wait for them, but never longer than ``timeout``.

    A shutdown must finish even if some task ignores its cancellation; what
    it leaves unfinished is stored and resumes on the next start.
    """
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    if pending:
        log.warning("shutdown: %s %s task(s) did not stop in time", len(pending), what)

"""A bounded queue in front of the chat model.

The embedded model answers one request at a time; letting a crowd of
requests pile up behind it only turns every answer into a timeout. The gate
admits ``concurrency`` requests at once, lets ``max_waiting`` more wait, and
refuses the rest at once with a polite "busy" error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from tools.errors import ModelUnavailable

BUSY = "当前咨询人数较多，请稍后再试。"


class ModelGate:
    """Admission control plus the back-end's on-demand start hook."""

    def __init__(
        self,
        concurrency: int,
        max_waiting: int,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._capacity = concurrency + max_waiting
        self._inside = 0
        self._prepare = prepare
        self._ready = prepare is None
        self._ready_lock = asyncio.Lock()

    @property
    def load(self) -> int:
        """Requests running or waiting now."""
        return self._inside

    async def _ensure_ready(self) -> None:
        if self._ready or self._prepare is None:
            return
        async with self._ready_lock:
            if not self._ready:
                # Starting a server blocks for seconds: keep the loop free.
                await asyncio.to_thread(self._prepare)
                self._ready = True

    def mark_unready(self) -> None:
        """Ask for the start hook again, e.g. after a connection error."""
        if self._prepare is not None:
            self._ready = False

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one model slot for the duration of the block."""
        if self._inside >= self._capacity:
            raise ModelUnavailable(BUSY)
        self._inside += 1
        try:
            await self._ensure_ready()
            async with self._slots:
                yield
        finally:
            self._inside -= 1

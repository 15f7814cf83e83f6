"""Group commit: many requests' short database operations, one transaction.

Each caller hands over an operation (a function of a SQLAlchemy connection)
and awaits its own future. One writer task collects whatever has queued up
while the previous batch ran, runs those operations in a single transaction
in a worker thread, and resolves the futures only after the commit: a caller
that has its result knows its write is on disk. The database therefore sees
one commit per batch instead of one per request, and the event loop hands
work to a thread once per batch instead of once per statement.

If an operation raises, the batch is rolled back and every operation in it
runs again in a transaction of its own, so the failure reaches only its own
caller. If a commit fails, each caller of that batch gets a StorageError.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from tools.errors import StorageError

log = logging.getLogger(__name__)
T = TypeVar("T")
Operation = Callable[[Connection], Any]
MAX_BATCH = 500


@dataclass
class _Item:
    op: Operation
    future: asyncio.Future[Any]


@dataclass(frozen=True)
class _Outcome:
    value: Any = None
    error: BaseException | None = None


class Journal:
    """Runs database operations in batched transactions, one batch at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        executor: Executor | None = None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.engine = engine
        self.executor = executor
        self.max_batch = max_batch
        self.batches = 0
        self._busy = False
        self._queue: asyncio.Queue[_Item] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the writer task on the running loop."""
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._write_loop())

    async def run(self, op: Callable[[Connection], T]) -> T:
        """Run ``op`` in the next batch; its result once the batch committed."""
        if self._queue is None or self._task is None or self._task.done():
            raise StorageError("数据库写入队列未启动或已停止。")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Item(op, future))
        return await future

    async def _write_loop(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            ops = [item.op for item in batch]
            self._busy = True
            try:
                outcomes = await loop.run_in_executor(self.executor, self._commit, ops)
            except BaseException as exc:
                # Cancelled mid-batch: the batch's fate is unknown to its
                # callers, who must not take it as written.
                _settle(batch, [_Outcome(error=_lost(exc))] * len(batch))
                raise
            finally:
                self._busy = False
            self.batches += 1
            _settle(batch, outcomes)

    def _commit(self, ops: list[Operation]) -> list[_Outcome]:
        """Worker thread: the whole batch at once, else each op on its own."""
        try:
            with self.engine.begin() as conn:
                values = [op(conn) for op in ops]
            return [_Outcome(value=v) for v in values]
        except Exception as exc:
            if len(ops) == 1:
                return [_Outcome(error=_storage(exc))]
            log.warning(
                "batch of %s failed (%s); retrying one by one",
                len(ops),
                type(exc).__name__,
            )
        return [self._commit_one(op) for op in ops]

    def _commit_one(self, op: Operation) -> _Outcome:
        try:
            with self.engine.begin() as conn:
                return _Outcome(value=op(conn))
        except Exception as exc:
            return _Outcome(error=_storage(exc))

    async def aclose(self, drain: float = 10.0) -> None:
        """Finish the operations already queued (for up to ``drain`` s), then stop."""
        if self._queue is None or self._task is None:
            return
        until = asyncio.get_running_loop().time() + drain
        while (self._busy or not self._queue.empty()) and not self._task.done():
            if asyncio.get_running_loop().time() > until:
                log.warning("shutdown: database writes still queued; giving up")
                break
            await asyncio.sleep(0.01)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if not item.future.done():
                item.future.set_exception(StorageError("数据库写入队列已停止。"))


def _storage(exc: Exception) -> BaseException:
    # Errors of the operation's own logic (WeiaiError and the like) pass
    # through; database failures become a StorageError naming only the type,
    # since driver messages quote the statement and its parameters.
    if isinstance(exc, StorageError) or not _is_database_error(exc):
        return exc
    error = StorageError(f"数据库写入失败（{type(exc).__name__}），请稍后重试。")
    error.__cause__ = exc
    return error


def _is_database_error(exc: Exception) -> bool:
    return isinstance(exc, SQLAlchemyError | OSError)


def _lost(exc: BaseException) -> BaseException:
    if isinstance(exc, asyncio.CancelledError):
        return StorageError("数据库写入队列已停止，本次写入结果未知。")
    return exc


def _settle(batch: list[_Item], outcomes: list[_Outcome]) -> None:
    for item, outcome in zip(batch, outcomes, strict=True):
        if item.future.done():  # the caller gave up waiting
            continue
        if outcome.error is not None:
            item.future.set_exception(outcome.error)
        else:
            item.future.set_result(outcome.value)

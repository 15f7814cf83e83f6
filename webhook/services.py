"""The long-lived objects of one app process and their background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from assistant.runtime import Runtime
from assistant.settings import Settings
from webhook import inbox
from webhook.agent import AssistantLike
from webhook.dispatch import Dispatcher
from webhook.guards import (
    DatabaseKeys,
    KeyStore,
    MemoryRateLimit,
    RedisKeys,
    RedisRateLimit,
)
from webhook.inbox import Inbound
from webhook.journal import Journal
from webhook.outbox import OutboxWorker
from webhook.protocol import WeChatCodec
from webhook.runner import Runner, cancel_and_wait
from webhook.strategy import ServiceStrategy, Strategy, SubscriptionStrategy
from webhook.wechat_api import DatabaseStorage, SharedTokenClient

log = logging.getLogger(__name__)


@dataclass
class Tunables:
    """Timings that tests shorten; the defaults suit production."""

    lease: float = 30.0
    lease_tick: float = 5.0
    outbox_poll: float = 1.0
    orphan_after: float = 15.0
    run_timeout: float = 300.0
    wechat_timeout: float = 5.0
    clock: Callable[[], float] = field(default=time.time)


class Services:
    """Everything the routes need, built from the settings."""

    def __init__(
        self,
        settings: Settings,
        runtime: Runtime,
        assistant: AssistantLike,
        tunables: Tunables,
    ) -> None:
        self.settings = settings
        self.runtime = runtime
        self.assistant = assistant
        self.tunables = tunables
        self.owner = secrets.token_hex(8)
        self.redis = _redis(settings.redis_url)
        self.codec = WeChatCodec(
            settings.wechat_token.get_secret_value(),
            aes_key=settings.wechat_aes_key.get_secret_value(),
            app_id=settings.wechat_app_id,
            window=settings.wechat_timestamp_window,
            clock=tunables.clock,
        )
        self.client = self._client()
        sessions = runtime.sessions
        self.journal = Journal(runtime.engine)
        self.runner = Runner(
            self.journal,
            assistant,
            owner=self.owner,
            on_answer=self._on_answer,
            lease=tunables.lease,
            run_timeout=tunables.run_timeout,
        )
        self.outbox: OutboxWorker | None = None
        self.strategy: Strategy
        if settings.wechat_account_type == "service":
            self.outbox = OutboxWorker(sessions, self._send, poll=tunables.outbox_poll)
            self.strategy = ServiceStrategy(
                self.journal,
                self.runner,
                settings.wechat_reply_deadline,
                self.outbox.wake,
            )
        else:
            self.strategy = SubscriptionStrategy(
                self.journal,
                self.runner,
                settings.wechat_reply_deadline,
                tunables.wechat_timeout,
            )
        self.dispatcher = Dispatcher(
            self.journal,
            sessions,
            keys=self._keys(),
            limiter=self._limiter(),
            runner=self.runner,
            strategy=self.strategy,
            service_account=self.outbox is not None,
            owner=self.owner,
            lease=tunables.lease,
        )
        self._tasks: list[asyncio.Task[None]] = []

    def _keys(self) -> KeyStore:
        return RedisKeys(self.redis) if self.redis is not None else DatabaseKeys()

    def _limiter(self) -> Any:
        per_minute = self.settings.rate_limit_per_minute
        if self.redis is not None:
            return RedisRateLimit(self.redis, per_minute)
        return MemoryRateLimit(per_minute)

    def _client(self) -> SharedTokenClient | None:
        s = self.settings
        secret = s.wechat_app_secret.get_secret_value()
        if not (s.wechat_app_id and secret):
            return None
        if self.redis is not None:
            from wechatpy.session.redisstorage import RedisStorage

            storage: Any = RedisStorage(self.redis, prefix="weiai:wechat")
        else:
            storage = DatabaseStorage(self.runtime.sessions)
        return SharedTokenClient(
            s.wechat_app_id, secret, storage=storage, base_url=s.wechat_api_base_url
        )

    async def _on_answer(self, row: Inbound, answer: str) -> Inbound:
        return await self.strategy.on_answer(row, answer)

    def _send(self, openid: str, text: str) -> object:
        if self.client is None:
            raise OSError("WEIAI_WECHAT_APP_ID / WEIAI_WECHAT_APP_SECRET not set")
        return self.client.message.send_text(openid, text)

    async def start(self) -> None:
        """Resume unfinished work and start the background loops."""
        if self.outbox is not None and self.client is None:
            log.warning(
                "service account without app id/secret: answers later than the "
                "reply deadline stay in the outbox"
            )
        self.journal.start()
        self._spawn(self.runner.keep_leases(self.tunables.lease_tick))
        if self.outbox is not None:
            self._spawn(self.outbox.run())
            self._spawn(self._orphans())
        self._spawn(self._prune())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._tasks.append(asyncio.create_task(coro))

    async def _orphans(self) -> None:
        assert isinstance(self.strategy, ServiceStrategy)
        while True:
            await asyncio.sleep(self.tunables.lease_tick)
            with contextlib.suppress(Exception):
                await self.strategy.resend_orphans(self.tunables.orphan_after)

    async def _prune(self) -> None:
        while True:
            with contextlib.suppress(Exception):
                await self.journal.run(lambda c: inbox.prune(c, timedelta(days=7)))
            await asyncio.sleep(3600)

    async def stop(self) -> None:
        """Stop the loops and the runs; stored messages resume on next start."""
        await cancel_and_wait(self._tasks, "background loop")
        await self.runner.aclose()
        await self.journal.aclose()
        await self.assistant.aclose()


def _redis(url: str | None) -> Any:
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url)

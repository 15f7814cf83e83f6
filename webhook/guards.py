"""Retry de-duplication keys and the per-user rate limit.

Without Redis the unique ``dedup_key`` of ``inbound_messages`` is the key
store, and the rate limit counts in process memory (so with several workers
each allows the full rate). With Redis both are shared by every worker.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Protocol

DEDUP_TTL = 3 * 24 * 3600


class KeyStore(Protocol):
    def claim(self, key: str) -> bool:
        """True for the first delivery of ``key``, False for a repeat."""
        ...


class DatabaseKeys:
    """Lets the unique index on inbound_messages decide."""

    def claim(self, key: str) -> bool:
        return True


class RedisKeys:
    """``SET NX`` on a key that outlives WeChat's retries by far."""

    def __init__(self, client: Any, prefix: str = "weiai:dedup:") -> None:
        self.client = client
        self.prefix = prefix

    def claim(self, key: str) -> bool:
        return bool(self.client.set(self.prefix + key, "1", nx=True, ex=DEDUP_TTL))


class MemoryRateLimit:
    """A sliding one-minute window per user, in this process."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}

    def allow(self, user: str) -> bool:
        now = self.clock()
        seen = self._seen.setdefault(user, deque())
        while seen and now - seen[0] >= 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        if len(self._seen) > 50_000:
            self._forget_idle(now)
        return True

    def refund(self, user: str) -> None:
        """Give back the latest count (it was a repeat delivery)."""
        seen = self._seen.get(user)
        if seen:
            seen.pop()

    def _forget_idle(self, now: float) -> None:
        for user in [u for u, s in self._seen.items() if not s or now - s[-1] >= 60]:
            del self._seen[user]


class RedisRateLimit:
    """A fixed one-minute window per user, shared through Redis."""

    def __init__(
        self, client: Any, per_minute: int, prefix: str = "weiai:rate:"
    ) -> None:
        self.client = client
        self.per_minute = per_minute
        self.prefix = prefix

    def allow(self, user: str) -> bool:
        key = f"{self.prefix}{user}:{int(time.time() // 60)}"
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count, _ = pipe.execute()
        return int(count) <= self.per_minute

    def refund(self, user: str) -> None:
        """Give back the latest count (it was a repeat delivery)."""
        self.client.decr(f"{self.prefix}{user}:{int(time.time() // 60)}")

"""The WeChat API client with one access_token shared by every worker.

WeChat allows one live access_token per account: fetching a new one retires
the old after a short overlap. The token therefore lives in the database (or
Redis), is refreshed five minutes before it expires, and is refreshed on
errors 40001/42001 only if no other worker has replaced it already.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from wechatpy import WeChatClient
from wechatpy.session import SessionStorage

from tools.db.base import utcnow
from tools.db.messaging import AccessTokenCache
from webhook.inbox import Sessions

REFRESH_EARLY = 300


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)


class DatabaseStorage(SessionStorage):
    """wechatpy session storage in the ``access_token_cache`` table."""

    def __init__(self, sessions: Sessions, prefix: str = "wechatpy") -> None:
        self.sessions = sessions
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def get(self, key: str, default: Any = None) -> Any:
        with self.sessions() as session:
            row = session.get(AccessTokenCache, self._key(key))
        if row is None:
            return default
        expires = _aware(row.expires_at)
        if expires is not None and expires <= utcnow():
            return default
        return json.loads(row.value)

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        expires = utcnow() + timedelta(seconds=ttl) if ttl else None
        with self.sessions.begin() as session:
            row = session.get(AccessTokenCache, self._key(key))
            if row is None:
                row = AccessTokenCache(key=self._key(key), value="")
                session.add(row)
            row.value = json.dumps(value)
            row.expires_at = expires

    def delete(self, key: str) -> None:
        with self.sessions.begin() as session:
            session.execute(
                delete(AccessTokenCache).where(AccessTokenCache.key == self._key(key))
            )


class SharedTokenClient(WeChatClient):
    """A WeChatClient whose token cache is shared and whose base URL is set."""

    def __init__(
        self,
        app_id: str,
        secret: str,
        *,
        storage: SessionStorage,
        base_url: str,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(app_id, secret, session=storage, timeout=timeout)
        self.API_BASE_URL = base_url if base_url.endswith("/") else base_url + "/"
        self._lock = threading.Lock()
        self._used: str | None = None

    @property
    def access_token(self) -> str:
        token = self.session.get(self.access_token_key)
        if token:
            self._used = token
            return str(token)
        return self._refresh(stale=None)

    def fetch_access_token(self) -> dict[str, Any]:
        """Called by wechatpy after 40001/42001: refresh unless already done."""
        return {"access_token": self._refresh(stale=self._used)}

    def _refresh(self, stale: str | None) -> str:
        with self._lock:
            current = self.session.get(self.access_token_key)
            if current and current != stale:
                self._used = current
                return str(current)
            result = self._fetch_access_token(
                url=self.API_BASE_URL + "token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
            )
            token = str(result["access_token"])
            lifetime = int(result.get("expires_in", 7200))
            self.session.set(
                self.access_token_key, token, max(lifetime - REFRESH_EARLY, 60)
            )
            self._used = token
            return token

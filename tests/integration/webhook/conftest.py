"""Fixtures: a migrated database, settings for a test 公众号, the app served."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from wechat_fakes import AES_KEY, APP_ID, TOKEN, ScriptedAssistant
from wechatpy.crypto import WeChatCrypto

from assistant.settings import Settings, load_settings
from tools.db import make_engine, upgrade
from webhook.app import create_app
from webhook.services import Tunables


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'webhook.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def make_settings(database_url: str, tmp_path: Path) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "data_dir": tmp_path / "data",
            "wechat_enabled": True,
            "wechat_token": TOKEN,
            "wechat_aes_key": AES_KEY,
            "wechat_app_id": APP_ID,
            "log_level": "WARNING",
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def crypto() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, APP_ID)


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


@pytest.fixture
def client_for(
    make_settings: Callable[..., Settings], assistant: ScriptedAssistant
) -> Iterator[Callable[..., TestClient]]:
    """Open a TestClient (lifespan included) on an app built from overrides."""
    opened: list[TestClient] = []

    def build(tunables: Tunables | None = None, **overrides: Any) -> TestClient:
        app = create_app(
            make_settings(**overrides), assistant=assistant, tunables=tunables
        )
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServedApp:
    """The app on a real uvicorn in a thread, at ``url``."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wechat"

    def __enter__(self) -> ServedApp:
        self.thread.start()
        end = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < end, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

"""Stand-ins for the outside world of the webhook, speaking the real protocols.

``ScriptedAssistant`` has the assistant's interface and answers after a
configurable delay. ``FakeWeChat`` is WeChat itself on 127.0.0.1: it posts
signed (and optionally encrypted) messages with WeChat's 5 s timeout and
three deliveries, and serves the token and customer-service endpoints.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto

from assistant.api import Citation, Reply, StreamEvent
from webhook.protocol import sign

TOKEN = "weiaitesttoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx0000000000000001"


class ScriptedAssistant:
    """Answers ``答：<message>`` (or ``answer(message)``) after ``delay`` s."""

    def __init__(
        self,
        answer: Callable[[str], str] | None = None,
        *,
        delay: float = 0.0,
        delays: dict[str, float] | None = None,
        citations: list[Citation] | None = None,
    ) -> None:
        self.answer = answer or (lambda message: f"答：{message}")
        self.delay = delay
        self.delays = delays or {}
        self.citations = citations or []
        self.calls: list[tuple[Any, str]] = []
        self.closed = False

    async def respond(
        self, user: Any, message: str, *, deadline: float | None = None
    ) -> Reply:
        self.calls.append((user, message))
        await asyncio.sleep(self.delays.get(message, self.delay))
        return Reply(text=self.answer(message), citations=list(self.citations))

    async def stream(self, user: Any, message: str) -> Any:
        reply = await self.respond(user, message)
        for char in reply.text:
            yield StreamEvent(kind="token", text=char)
        yield StreamEvent(kind="reply", reply=reply)

    async def aclose(self) -> None:
        self.closed = True


def text_xml(content: str, *, openid: str = "oUser1", msg_id: int | None = None) -> str:
    """A text message as WeChat posts it."""
    msg_id = msg_id or secrets.randbelow(10**15) + 10**15
    return (
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def signed_query(token: str, timestamp: int | None = None) -> dict[str, str]:
    """The plain-mode query string for a POST."""
    ts, nonce = str(timestamp or int(time.time())), secrets.token_hex(4)
    return {"timestamp": ts, "nonce": nonce, "signature": sign(token, ts, nonce)}


def encrypted_request(
    crypto: WeChatCrypto, token: str, xml: str, timestamp: int | None = None
) -> tuple[dict[str, str], str]:
    """The safe-mode query string and body for ``xml``."""
    query = signed_query(token, timestamp)
    envelope = crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
    fields = xmltodict.parse(envelope)["xml"]
    encrypt = fields["Encrypt"]
    query["encrypt_type"] = "aes"
    query["msg_signature"] = sign(token, query["timestamp"], query["nonce"], encrypt)
    return (
        query,
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
    )


def reply_content(body: str, crypto: WeChatCrypto | None = None) -> str | None:
    """The Content of a passive reply, decrypting it if needed."""
    if not body or body == "success":
        return None
    fields = xmltodict.parse(body)["xml"]
    if "Encrypt" in fields:
        assert crypto is not None
        plain = crypto.decrypt_message(
            body, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"]
        )
        fields = xmltodict.parse(plain)["xml"]
    return str(fields.get("Content"))


@dataclass
class Attempt:
    status: int | None
    body: str
    elapsed: float


class FakeWeChat:
    """WeChat on 127.0.0.1: the API server and the message poster."""

    def __init__(
        self, token: str, *, crypto: WeChatCrypto | None = None, timeout: float = 5.0
    ) -> None:
        self.token = token
        self.crypto = crypto
        self.timeout = timeout
        self.sent: list[dict[str, Any]] = []
        self.menus: list[dict[str, Any]] = []
        self.token_fetches = 0
        self.current_token = ""
        self.send_errors: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/cgi-bin/"

    def __enter__(self) -> FakeWeChat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def revoke_token(self) -> None:
        """Make the issued token invalid, as a fetch by someone else would."""
        with self._lock:
            self.current_token = "revoked"

    def wait_sent(self, count: int, timeout: float) -> list[dict[str, Any]]:
        """Customer-service messages received, waiting for ``count`` of them."""
        end = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < end:
            time.sleep(0.05)
        return list(self.sent)

    def deliver(self, url: str, xml: str, *, attempts: int = 3) -> list[Attempt]:
        """Post ``xml`` the way WeChat does: 5 s timeout, up to three tries."""
        results: list[Attempt] = []
        for _ in range(attempts):
            if self.crypto is not None:
                query, body = encrypted_request(self.crypto, self.token, xml)
            else:
                query, body = signed_query(self.token), xml
            started = time.monotonic()
            try:
                response = httpx.post(
                    url, params=query, content=body, timeout=self.timeout
                )
            except httpx.TimeoutException:
                results.append(Attempt(None, "", time.monotonic() - started))
                continue
            elapsed = time.monotonic() - started
            if elapsed > self.timeout:
                # WeChat drops a reply that comes after its deadline.
                results.append(Attempt(None, "", elapsed))
                continue
            results.append(Attempt(response.status_code, response.text, elapsed))
            return results
        return results

    def final_text(self, results: list[Attempt]) -> str | None:
        """What the user sees from the last answered delivery."""
        last = results[-1]
        assert last.status == 200, last
        return reply_content(last.body, self.crypto)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _json(self, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path.endswith("/token"):
                    with fake._lock:
                        fake.token_fetches += 1
                        fake.current_token = f"TOKEN{fake.token_fetches}"
                    self._json({"access_token": fake.current_token, "expires_in": 7200})
                    return
                self._json({"errcode": 40404, "errmsg": "not found"})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                token = parse_qs(url.query).get("access_token", [""])[0]
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                if token != fake.current_token:
                    self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    return
                if url.path.endswith("/message/custom/send"):
                    with fake._lock:
                        if fake.send_errors:
                            self._json(
                                {"errcode": fake.send_errors.pop(0), "errmsg": "x"}
                            )
                            return
                        fake.sent.append(data)
                elif url.path.endswith("/menu/create"):
                    fake.menus.append(data)
                self._json({"errcode": 0, "errmsg": "ok"})

        return Handler

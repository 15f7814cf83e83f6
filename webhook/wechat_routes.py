"""``GET /wechat`` (server check) and ``POST /wechat`` (messages and events).

WeChat's callbacks are the busiest path of the app, so the app serves them as
plain ASGI (``WeChatEndpoint``), ahead of the session cookie and the rest of
the web middleware, which a callback never uses. The FastAPI routes below
document the endpoint in ``/docs`` and answer exactly the same way: both call
``check_server`` and ``deliver``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl
from xml.parsers.expat import ExpatError

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from wechatpy import parse_message
from wechatpy.replies import TextReply

from tools.errors import SignatureError
from webhook.protocol import MAX_BODY_BYTES, CallbackQuery, MalformedMessage
from webhook.services import Services
from webhook.strategy import Decision
from webhook.texts import BUSY

log = logging.getLogger(__name__)
router = APIRouter(tags=["微信公众号"])
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
PATH = "/wechat"

ASGIReceive = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGISend = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Answer:
    """What goes back to WeChat: status, media type and body."""

    status: int
    body: bytes
    media_type: str = TEXT


def _text(status: int, text: str) -> Answer:
    return Answer(status, text.encode("utf-8"))


DISABLED = _text(404, "未启用微信公众号接口（WEIAI_WECHAT_ENABLED=false）。")
TOO_LARGE = _text(413, "请求体超过 64 KB。")
UNAVAILABLE = _text(503, "服务暂时不可用，请稍后重试。")


def _query(params: Mapping[str, str]) -> CallbackQuery:
    return CallbackQuery(
        signature=params.get("signature"),
        timestamp=params.get("timestamp"),
        nonce=params.get("nonce"),
        echostr=params.get("echostr"),
        encrypt_type=params.get("encrypt_type"),
        msg_signature=params.get("msg_signature"),
    )


def check_server(services: Services, params: Mapping[str, str]) -> Answer:
    """The server check: the echostr when the signature matches."""
    if not services.settings.wechat_enabled:
        return DISABLED
    try:
        echo = services.codec.verify_url(_query(params))
    except SignatureError as exc:
        log.info("wechat url check refused: %s", exc)
        return _text(403, "签名校验失败。")
    except MalformedMessage:
        return _text(400, "echostr 无法解密。")
    return _text(200, echo)


async def deliver(
    services: Services, params: Mapping[str, str], body: bytes, arrived: float
) -> Answer:
    """One delivery of a message or event: verify, store, decide, reply."""
    if not services.settings.wechat_enabled:
        return DISABLED
    try:
        envelope = services.codec.open(body, _query(params))
        message = parse_message(envelope.xml)
    except SignatureError as exc:
        log.info("wechat message refused: %s", exc)
        return _text(403, "签名校验失败。")
    except (MalformedMessage, ExpatError, ValueError, KeyError, TypeError) as exc:
        log.info("wechat message malformed: %s", type(exc).__name__)
        return _text(400, "无法解析的消息。")
    if message is None:
        return _text(400, "空消息。")

    try:
        decision = await services.dispatcher.handle(message, arrived)
    except Exception as exc:
        # Stored messages resume later; the user sees a friendly line, never
        # the error. Only the type is logged: database errors quote the text.
        log.error("wechat message failed: %s", type(exc).__name__)
        decision = Decision(text=BUSY)
    return await _respond(services, message, decision, envelope.encrypted)


async def _respond(
    services: Services, message: Any, decision: Decision, encrypted: bool
) -> Answer:
    if decision.lapse_until is not None:
        # Let WeChat's 5 s timeout pass so that it delivers the message again.
        await asyncio.sleep(max(decision.lapse_until - time.monotonic(), 0))
        return Answer(200, b"")
    if not decision.text:
        return Answer(200, b"success")
    moment = int(services.codec.clock())
    xml = TextReply(message=message, content=decision.text, time=moment).render()
    sealed = services.codec.seal(xml, encrypted=encrypted)
    return Answer(200, sealed.encode("utf-8"), XML)


class WeChatEndpoint:
    """``/wechat`` as a bare ASGI app: no middleware, no routing, no cookies.

    ``services`` returns the app's services once its lifespan has started.
    Any other method falls through to ``fallback`` (FastAPI, which answers
    405), and so does any request arriving before start-up finished.
    """

    def __init__(self, services: Callable[[], Services | None], fallback: Any):
        self.services = services
        self.fallback = fallback

    async def __call__(
        self, scope: dict[str, Any], receive: ASGIReceive, send: ASGISend
    ) -> None:
        services = self.services()
        method = scope["method"]
        if services is None or method not in ("GET", "POST"):
            await self.fallback(scope, receive, send)
            return
        arrived = time.monotonic()
        params = dict(parse_qsl(scope["query_string"].decode("latin-1")))
        try:
            if method == "GET":
                answer = check_server(services, params)
            else:
                body = await _read(scope, receive)
                if body is None:
                    return  # the client went away
                answer = await deliver(services, params, body, arrived)
        except OverflowError:
            answer = TOO_LARGE
        except Exception as exc:  # never a traceback, never a 200
            log.error("wechat endpoint failed: %s", type(exc).__name__)
            answer = UNAVAILABLE
        await _send(send, answer)


async def _read(scope: Mapping[str, Any], receive: ASGIReceive) -> bytes | None:
    """The request body; None if the client left; OverflowError past 64 KB."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            if value.isdigit() and int(value) > MAX_BODY_BYTES:
                raise OverflowError
            break
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise OverflowError
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: ASGISend, answer: Answer) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.media_type.encode("latin-1")),
                (b"content-length", str(len(answer.body)).encode("latin-1")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body})


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _response(answer: Answer) -> Response:
    return Response(
        content=answer.body, status_code=answer.status, media_type=answer.media_type
    )


@router.get("/wechat", response_class=PlainTextResponse)
async def verify_server(request: Request) -> Response:
    """微信服务器配置校验：签名正确时原样返回 echostr。"""
    return _response(check_server(_services(request), request.query_params))


@router.post("/wechat")
async def receive(request: Request) -> Response:
    """接收微信推送的消息与事件，按账号类型被动回复或稍后以客服消息送达。"""
    arrived = time.monotonic()
    try:
        body = await _read(request.scope, request.receive)
    except OverflowError:
        return _response(TOO_LARGE)
    if body is None:
        return _response(UNAVAILABLE)
    services = _services(request)
    return _response(await deliver(services, request.query_params, body, arrived))

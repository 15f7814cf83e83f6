"""``GET /wechat`` (server check) and ``POST /wechat`` (messages and events)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

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


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _query(request: Request) -> CallbackQuery:
    q = request.query_params
    return CallbackQuery(
        signature=q.get("signature"),
        timestamp=q.get("timestamp"),
        nonce=q.get("nonce"),
        echostr=q.get("echostr"),
        encrypt_type=q.get("encrypt_type"),
        msg_signature=q.get("msg_signature"),
    )


def _refuse(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status)


def _disabled() -> PlainTextResponse:
    return _refuse(404, "未启用微信公众号接口（WEIAI_WECHAT_ENABLED=false）。")


@router.get("/wechat", response_class=PlainTextResponse)
async def verify_server(request: Request) -> Response:
    """微信服务器配置校验：签名正确时原样返回 echostr。"""
    services = _services(request)
    if not services.settings.wechat_enabled:
        return _disabled()
    try:
        echo = services.codec.verify_url(_query(request))
    except SignatureError as exc:
        log.info("wechat url check refused: %s", exc)
        return _refuse(403, "签名校验失败。")
    except MalformedMessage:
        return _refuse(400, "echostr 无法解密。")
    return PlainTextResponse(echo)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise OverflowError
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise OverflowError
    return bytes(body)


@router.post("/wechat")
async def receive(request: Request) -> Response:
    """接收微信推送的消息与事件，按账号类型被动回复或稍后以客服消息送达。"""
    arrived = time.monotonic()
    services = _services(request)
    if not services.settings.wechat_enabled:
        return _disabled()
    try:
        body = await _read_body(request)
        envelope = services.codec.open(body, _query(request))
        message = parse_message(envelope.xml)
    except OverflowError:
        return _refuse(413, "请求体超过 64 KB。")
    except SignatureError as exc:
        log.info("wechat message refused: %s", exc)
        return _refuse(403, "签名校验失败。")
    except (MalformedMessage, ValueError, KeyError, TypeError) as exc:
        log.info("wechat message malformed: %s", type(exc).__name__)
        return _refuse(400, "无法解析的消息。")
    if message is None:
        return _refuse(400, "空消息。")

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
) -> Response:
    if decision.lapse_until is not None:
        # Let WeChat's 5 s timeout pass so that it delivers the message again.
        await asyncio.sleep(max(decision.lapse_until - time.monotonic(), 0))
        return Response(content=b"", media_type="text/plain")
    if not decision.text:
        return PlainTextResponse("success")
    moment = int(services.codec.clock())
    xml = TextReply(message=message, content=decision.text, time=moment).render()
    return Response(
        content=services.codec.seal(xml, encrypted=encrypted), media_type=XML
    )

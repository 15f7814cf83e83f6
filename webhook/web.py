"""The web chat: the page, staff sign-in and the streaming chat endpoint.

Sessions live in a signed cookie (itsdangerous, key from the settings). Every
state-changing request must carry the session's CSRF token in the
``X-CSRF-Token`` header and a JSON body, which a cross-site form cannot send.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field

from tools import identity
from tools.db import StaffAccount, session_scope
from tools.errors import PermissionDenied
from webhook.agent import User, citations_payload
from webhook.services import Services
from webhook.texts import ASSISTANT_FAILED, RATE_LIMITED

log = logging.getLogger(__name__)
router = APIRouter()
STATIC = Path(__file__).parent / "static"


class LoginForm(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class ChatMessage(BaseModel):
    message: str = Field(min_length=1, max_length=2000)


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _session(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.session
    session.setdefault("visitor", secrets.token_urlsafe(12))
    session.setdefault("csrf", secrets.token_urlsafe(24))
    return session


def _check_csrf(request: Request) -> dict[str, Any]:
    session = _session(request)
    given = request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(given.encode(), str(session["csrf"]).encode()):
        raise HTTPException(status_code=403, detail="页面已过期，请刷新后重试。")
    return session


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/api/session", tags=["网页聊天"])
async def session_info(request: Request) -> dict[str, Any]:
    """当前会话：CSRF 令牌与已登录的工作人员姓名。"""
    session = _session(request)
    return {"csrf": session["csrf"], "staff": session.get("staff_name")}


def _verify(services: Services, form: LoginForm) -> tuple[int, str]:
    with session_scope(services.runtime.sessions) as db:
        actor = identity.verify_staff(db, form.username, form.password)
        account = db.get(StaffAccount, actor.staff_id)
        assert account is not None
        return account.id, account.display_name


@router.post("/api/login", tags=["网页聊天"])
async def login(request: Request, form: LoginForm) -> dict[str, Any]:
    """工作人员登录（用户名与密码）。"""
    session = _check_csrf(request)
    services = _services(request)
    client = request.client.host if request.client else "?"
    if not services.dispatcher.limiter.allow(f"login:{client}"):
        raise HTTPException(status_code=429, detail="尝试次数过多，请一分钟后再试。")
    try:
        staff_id, name = await asyncio.to_thread(_verify, services, form)
    except PermissionDenied as exc:
        raise HTTPException(status_code=401, detail=str(exc)) from exc
    session["staff_id"], session["staff_name"] = staff_id, name
    session["csrf"] = secrets.token_urlsafe(24)
    log.info("staff signed in id=%s", staff_id)
    return {"staff": name, "csrf": session["csrf"]}


@router.post("/api/logout", tags=["网页聊天"])
async def logout(request: Request) -> dict[str, Any]:
    """退出登录。"""
    _check_csrf(request)
    request.session.clear()
    session = _session(request)
    return {"staff": None, "csrf": session["csrf"]}


def _user(session: dict[str, Any]) -> User:
    staff_id = session.get("staff_id")
    if staff_id is not None:
        return User(openid=f"staff:{staff_id}", channel="web", staff_id=int(staff_id))
    return User(openid=f"web:{session['visitor']}", channel="web")


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _sse(services: Services, user: User, text: str) -> AsyncIterator[str]:
    try:
        async for item in services.assistant.stream(user, text):
            if item.kind == "token":
                yield _event("token", {"text": item.text})
            elif item.reply is not None:
                reply = item.reply
                payload = {"text": reply.text, "citations": citations_payload(reply)}
                yield _event("reply", payload)
    except Exception as exc:  # the page shows a friendly line, never the error
        log.warning("web chat failed: %s", type(exc).__name__)
        yield _event("reply", {"text": ASSISTANT_FAILED, "citations": []})


@router.post("/api/chat", tags=["网页聊天"])
async def chat(request: Request, body: ChatMessage) -> StreamingResponse:
    """与助手对话；以 Server-Sent Events 流式返回（token 与最终 reply）。"""
    session = _check_csrf(request)
    services = _services(request)
    user = _user(session)
    if not services.dispatcher.limiter.allow(user.openid):
        raise HTTPException(status_code=429, detail=RATE_LIMITED)
    return StreamingResponse(
        _sse(services, user, body.message.strip()),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

"""The FastAPI application factory used by ``weiai serve``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.middleware.sessions import SessionMiddleware

from assistant.logging_setup import configure_logging
from assistant.runtime import Runtime
from assistant.settings import Settings, load_settings
from tools.db import current_revision, head_revision
from tools.errors import StorageError
from webhook import web, wechat_routes
from webhook.agent import AssistantLike
from webhook.services import Services, Tunables
from webhook.wechat_routes import WeChatEndpoint

log = logging.getLogger(__name__)
DB_THREADS = 32


def _default_assistant(runtime: Runtime) -> AssistantLike:
    from assistant.api import Assistant

    assistant: AssistantLike = Assistant(runtime)
    return assistant


def _check_schema(runtime: Runtime) -> None:
    if current_revision(runtime.engine) != head_revision():
        raise StorageError("数据库尚未初始化或版本过旧：请先运行 weiai init。")


class WebhookApp(FastAPI):
    """FastAPI, with WeChat's callbacks served ahead of the web middleware."""

    wechat: WeChatEndpoint | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            self.wechat is not None
            and scope["type"] == "http"
            and scope["path"] == scope.get("root_path", "") + wechat_routes.PATH
        ):
            scope["app"] = self
            await self.wechat(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    assistant: AssistantLike | None = None,
    tunables: Tunables | None = None,
) -> FastAPI:
    """Build the app: WeChat endpoint, web chat, health check and /docs."""
    settings = settings or load_settings()
    settings.check_for_serving()
    configure_logging(settings.log_level)
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _check_schema(runtime)
        # Database calls run in the default executor. SQLite takes one
        # writer at a time and makes the others sleep, so one thread there;
        # PostgreSQL gets a pool larger than the default (CPUs + 4).
        sqlite = runtime.engine.dialect.name == "sqlite"
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(
                max_workers=1 if sqlite else DB_THREADS, thread_name_prefix="weiai-db"
            )
        )
        agent = assistant if assistant is not None else _default_assistant(runtime)
        services = Services(settings, runtime, agent, tunables or Tunables())
        app.state.services = services
        await services.start()
        log.info("webhook started account=%s", settings.wechat_account_type)
        try:
            yield
        finally:
            await services.stop()
            runtime.close()

    app = WebhookApp(
        title="微爱志愿助手",
        description="微信公众号接口、网页聊天与健康检查。",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret(),
        session_cookie="weiai_session",
        same_site="strict",
        https_only=settings.env == "production",
        max_age=7 * 24 * 3600,
    )
    app.include_router(wechat_routes.router)
    app.wechat = WeChatEndpoint(
        lambda: getattr(app.state, "services", None), super(WebhookApp, app).__call__
    )
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    app.add_api_route("/healthz", _healthz, methods=["GET"], tags=["运维"])
    app.add_exception_handler(RequestValidationError, _invalid_request)
    return app


async def _healthz(request: Request) -> JSONResponse:
    """健康检查：进程与数据库是否可用。"""
    services: Services = request.app.state.services
    try:
        with services.runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # report, do not crash the probe
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        return JSONResponse({"status": "degraded", "database": False}, status_code=503)
    return JSONResponse({"status": "ok", "database": True})


async def _invalid_request(request: Request, exc: Any) -> JSONResponse:
    # FastAPI's default echoes the input back; keep residents' text out of it.
    return JSONResponse({"detail": "请求内容不完整或格式不正确。"}, status_code=422)

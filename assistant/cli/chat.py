"""``weiai chat``: talk to the assistant in the terminal, as any role."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from sqlalchemy import select

from assistant.cli.app import app, runtime
from assistant.runtime import Runtime
from tools.db import StaffAccount, Volunteer, session_scope, upgrade
from tools.errors import ConfigError

# The agent is imported when a chat starts, so that `weiai --help` stays quick.
if TYPE_CHECKING:
    from assistant.api import Assistant, Reply, User

ChatRole = Literal["resident", "volunteer", "staff"]


def _volunteer_user(rt: Runtime, openid: str) -> User:
    """Bind the terminal user to a demo volunteer once, so hours can be tried."""
    from assistant.api import User

    with session_scope(rt.sessions) as session:
        bound = session.scalar(select(Volunteer.id).where(Volunteer.openid == openid))
        if bound is None:
            free = session.scalars(
                select(Volunteer)
                .where(Volunteer.openid.is_(None), Volunteer.status == "active")
                .order_by(Volunteer.id)
            ).first()
            if free is None:
                raise ConfigError(
                    "没有可绑定的志愿者：请先运行 weiai init 生成演示数据。"
                )
            free.openid = openid
    return User(openid, channel="cli")


def _staff_user(rt: Runtime, openid: str) -> User:
    from assistant.api import User

    with session_scope(rt.sessions) as session:
        staff_id = session.scalar(
            select(StaffAccount.id)
            .where(StaffAccount.active.is_(True))
            .order_by(StaffAccount.id)
        )
    if staff_id is None:
        raise ConfigError("没有工作人员账号：请先运行 weiai init 生成演示数据。")
    return User(openid, channel="cli", staff_id=staff_id)


def cli_user(rt: Runtime, role: ChatRole, name: str) -> User:
    """The terminal user for a role; each role and name has its own memory."""
    from assistant.api import User

    openid = f"cli:{role}:{name}"
    if role == "volunteer":
        return _volunteer_user(rt, openid)
    if role == "staff":
        return _staff_user(rt, openid)
    return User(openid, channel="cli")


def _reply_json(reply: Reply, backend: str) -> str:
    data = {"backend": backend, **asdict(reply)}
    return json.dumps(data, ensure_ascii=False)


async def _answer(bot: Assistant, user: User, message: str, as_json: bool) -> None:
    if as_json:
        reply = await bot.respond(user, message)
        typer.echo(_reply_json(reply, bot.backend_name))
        return
    final: Reply | None = None
    async for event in bot.stream(user, message):
        if event.kind == "token":
            typer.echo(event.text, nl=False)
        else:
            final = event.reply
    typer.echo()
    for citation in final.citations if final else []:
        typer.secho(citation.render(), fg=typer.colors.BRIGHT_BLACK)


async def _session(rt: Runtime, user: User, messages: list[str], as_json: bool) -> None:
    from assistant.api import Assistant

    bot = Assistant(rt)
    try:
        if messages:
            for message in messages:
                await _answer(bot, user, message, as_json)
            return
        typer.echo(f"已连接（{bot.backend_name}）。输入消息后回车，输入 exit 退出。")
        while True:
            try:
                message = await asyncio.to_thread(input, "你：")
            except EOFError:
                break
            if message.strip().lower() in {"exit", "quit", "退出"}:
                break
            if message.strip():
                typer.echo("助手：", nl=False)
                await _answer(bot, user, message, as_json)
    finally:
        await bot.aclose()


@app.command()
def chat(
    ctx: typer.Context,
    role: str = typer.Option(
        "resident", "--role", help="身份：resident、volunteer 或 staff。"
    ),
    user: str = typer.Option(
        "demo", "--user", help="用户名；同一用户名的对话会被记住。"
    ),
    message: Annotated[
        list[str] | None,
        typer.Option("-m", "--message", help="只回答这条消息后退出；可重复多次。"),
    ] = None,
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出回复、工具调用和出处。"
    ),
) -> None:
    """在终端里和助手对话（逐字输出）。志愿者身份会绑定一位演示志愿者。"""
    if role not in ("resident", "volunteer", "staff"):
        raise typer.BadParameter(
            "应为 resident、volunteer 或 staff", param_hint="--role"
        )
    rt = runtime(ctx)
    upgrade(rt.engine)
    chat_user = cli_user(rt, role, user)  # type: ignore[arg-type]
    asyncio.run(_session(rt, chat_user, message or [], as_json))

"""``weiai volunteer``: staff operations on volunteer records."""

from __future__ import annotations

import typer
from sqlalchemy import select

from assistant.cli.app import app, runtime
from tools import identity
from tools.actors import Actor
from tools.db import StaffAccount, Volunteer, session_scope
from tools.errors import NotFound

volunteer_app = typer.Typer(
    help="志愿者：生成微信绑定码等工作人员操作。", no_args_is_help=True
)
app.add_typer(volunteer_app, name="volunteer")


@volunteer_app.command("bind-code")
def bind_code(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="志愿者编号，如 V00042。"),
    staff: str | None = typer.Option(
        None, help="签发的工作人员用户名，默认第一个在职账号。"
    ),
) -> None:
    """为志愿者生成一次性微信绑定码（72 小时内有效，只能使用一次）。"""
    with session_scope(runtime(ctx).sessions) as session:
        volunteer_id = session.scalar(
            select(Volunteer.id).where(Volunteer.code == code)
        )
        if volunteer_id is None:
            raise NotFound(
                f"找不到编号为 {code} 的志愿者：请用 weiai ledger balance 核对编号。"
            )
        query = select(StaffAccount.id).where(StaffAccount.active.is_(True))
        if staff:
            query = query.where(StaffAccount.username == staff)
        staff_id = session.scalar(query.order_by(StaffAccount.id))
        if staff_id is None:
            raise NotFound("找不到在职的工作人员账号：请先运行 weiai init 或创建账号。")
        actor = Actor(role="staff", staff_id=staff_id)
        secret = identity.issue_binding_code(session, actor, volunteer_id)
    typer.echo(f"志愿者 {code} 的绑定码：{secret}")
    typer.echo(f"请志愿者在公众号里发送「绑定 {secret}」完成绑定（72 小时内有效）。")

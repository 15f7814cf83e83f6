"""``weiai demo seed``: build the fictional demo organisation."""

from __future__ import annotations

import typer

from assistant.cli.app import demo_app, runtime
from tools.db import upgrade


@demo_app.command("seed")
def seed_command(
    ctx: typer.Context,
    force: bool = typer.Option(
        False, "--force", help="数据库已有数据时先清空再生成（会删除所有现有数据）。"
    ),
    seed: int = typer.Option(20240101, help="随机种子；相同种子生成相同的组织。"),
    scale: float = typer.Option(
        1.0, min=0.01, max=1.0, help="规模比例，1.0 为完整规模（5,327 名志愿者）。"
    ),
    admin_password: str | None = typer.Option(
        None,
        "--admin-password",
        help="演示管理员 admin 的密码（至少 10 位）；不填则随机生成并只显示一次。",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="不显示进度条。"),
) -> None:
    """生成虚构的江州市滨江区志愿组织：网格、志愿者、需求、服务时长与评价。"""
    from tools.demo import seed as build

    rt = runtime(ctx)
    upgrade(rt.engine)
    report = build(
        rt.sessions,
        progress=not quiet,
        seed=seed,
        scale=scale,
        admin_password=admin_password,
        force=force,
    )
    typer.echo("演示数据已生成：")
    for line in report.lines():
        typer.echo(f"  {line}")

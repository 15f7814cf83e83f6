"""``weiai init``, ``weiai serve`` and ``weiai doctor``."""

from __future__ import annotations

import logging

import typer

from assistant.cli.app import app, runtime
from assistant.doctor import run_checks
from assistant.setup import initialise

log = logging.getLogger(__name__)


@app.command()
def init(
    ctx: typer.Context,
    demo: bool = typer.Option(
        True,
        help="数据库为空时生成演示组织（生产环境请用 --no-demo）。",
    ),
    model: bool = typer.Option(True, help="使用本地模型时，预先拼装并校验模型文件。"),
) -> None:
    """初始化：建库迁移、导入默认知识库、（可选）生成演示数据。可重复执行。"""
    rt = runtime(ctx)
    for line in initialise(rt, demo=demo, prepare_model=model):
        typer.echo(line)


@app.command()
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="监听地址，默认 WEIAI_HOST。"),
    port: int | None = typer.Option(None, help="端口，默认 WEIAI_PORT。"),
    workers: int = typer.Option(1, min=1, help="工作进程数。"),
) -> None:
    """启动网页聊天与微信公众号接口。"""
    import uvicorn

    settings = runtime(ctx).settings
    settings.check_for_serving()
    host = host or settings.host
    port = port or settings.port
    base = f"http://{host}:{port}"
    typer.echo(
        "\n".join(
            [
                "微爱志愿助手已启动：",
                f"  网页聊天：{base}/",
                f"  接口文档：{base}/docs",
                f"  微信服务器地址（URL）：{base}/wechat"
                "（公众号后台「基本配置 → 服务器配置」，需公网 HTTPS 转发）",
                "  按 Ctrl+C 停止。",
            ]
        )
    )
    uvicorn.run(
        "webhook.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
    )


@app.command()
def doctor(ctx: typer.Context) -> None:
    """逐项检查安装：数据库、迁移、知识库、嵌入模型、大模型、微信配置。"""
    results = run_checks(runtime(ctx))
    failed = 0
    for result in results:
        mark = "✓" if result.ok else "✗"
        colour = typer.colors.GREEN if result.ok else typer.colors.RED
        typer.secho(f"{mark} {result.name}：{result.detail}", fg=colour)
        if not result.ok:
            failed += 1
            typer.echo(f"    解决办法：{result.fix}")
    if failed:
        typer.secho(f"\n{failed} 项需要处理。", fg=typer.colors.RED)
        raise typer.Exit(1)
    typer.secho("\n一切正常。", fg=typer.colors.GREEN)

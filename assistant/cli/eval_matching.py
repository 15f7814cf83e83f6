"""``weiai eval matching``: top-3 hit rate on generated needs."""

from __future__ import annotations

import time

import typer

from assistant.cli.app import eval_app
from tools.matching.evaluation import evaluate

TARGET = 0.95


@eval_app.command("matching")
def eval_matching_command(
    needs: int = typer.Option(300, min=1, help="生成的需求条数。"),
    volunteers: int = typer.Option(5327, min=10, help="合成志愿者人数。"),
    seed: int = typer.Option(11, help="随机种子；相同种子得到相同的评测集。"),
) -> None:
    """在合成的志愿者与需求上评测匹配：前三名中有可接受人选的比例。"""
    began = time.perf_counter()
    report = evaluate(needs, volunteers=volunteers, seed=seed)
    for line in report.lines():
        typer.echo(line)
    typer.echo(f"耗时 {time.perf_counter() - began:.1f} 秒")
    if report.hit_rate < TARGET:
        typer.secho("未达到 95% 的目标。", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)

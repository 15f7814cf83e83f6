"""``weiai eval routing FILE.jsonl``: routing and argument accuracy."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.app import eval_app, runtime

# The agent's modules are imported when the command runs, so that
# `weiai --help` stays quick.
if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

    from assistant.eval.routing import Case, Outcome
    from assistant.gate import ModelGate
    from assistant.models import ChatBackend

DEV_SET = Path(__file__).resolve().parent.parent / "eval" / "routing_dev.jsonl"


def _tools() -> dict[str, BaseTool]:
    from pydantic import BaseModel

    from assistant.eval.routing import schema_tools
    from assistant.workflows.plan import ServicePlanArgs
    from assistant.workflows.proposal import ProposalArgs
    from assistant.workflows.tools import PLAN_DOC, PROPOSAL_DOC
    from tools.agent_tools import TOOL_ARGS
    from tools.agent_tools.descriptions import DESCRIPTIONS

    schemas: dict[str, type[BaseModel]] = {
        **TOOL_ARGS,
        "draft_service_plan": ServicePlanArgs,
        "draft_proposal": ProposalArgs,
    }
    descriptions = {
        **DESCRIPTIONS,
        "draft_service_plan": PLAN_DOC,
        "draft_proposal": PROPOSAL_DOC,
    }
    return schema_tools(schemas, descriptions)


def _print_summary(summary: dict[str, Any]) -> None:
    typer.echo(f"后端：{summary['backend']}    用例：{summary['cases']}")
    typer.echo(
        f"总体准确率：{summary['accuracy']:.1%}    "
        f"仅路由准确率：{summary['routing_accuracy']:.1%}    "
        f"平均耗时：{summary['mean_seconds']} 秒/条"
    )
    typer.echo("按工具：")
    for label, item in summary["per_tool"].items():
        typer.echo(f"  {label:<20} {item['accuracy']:>7.1%}  （{item['cases']} 条）")
    for error in summary["errors"]:
        typer.echo(
            f"  ✗ {error['message']}  期望 {error['expected']} {error['expected_args']}"
            f"  实际 {error['routed']} {error['args']}"
        )


async def _run(
    cases: list[Case],
    backend: ChatBackend,
    gate: ModelGate,
    progress: Callable[[int, int], None],
) -> list[Outcome]:
    from assistant.eval.routing import evaluate
    from assistant.intent import default_classifier

    try:
        return await evaluate(
            cases, default_classifier(), _tools(), backend.model, gate, progress
        )
    finally:
        await backend.aclose()


@eval_app.command("routing")
def routing(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="JSONL 用例文件，默认开发集。"
        ),
    ] = DEV_SET,
    as_json: bool = typer.Option(False, "--json", help="输出机器可读的 JSON 摘要。"),
) -> None:
    """意图路由评测：每条消息是否路由到正确的工具、参数是否填对。"""
    from assistant.eval.routing import load_cases, summarise
    from assistant.gate import ModelGate
    from assistant.models import make_chat_backend

    cases = load_cases(file)
    backend = make_chat_backend(runtime(ctx).settings)
    gate = ModelGate(backend.concurrency, len(cases), backend.prepare)

    def progress(done: int, total: int) -> None:
        if not as_json:
            typer.echo(f"\r已评测 {done}/{total}", nl=done == total, err=True)

    try:
        outcomes = asyncio.run(_run(cases, backend, gate, progress))
    finally:
        backend.close()
    summary = summarise(outcomes, backend.name)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)

"""The root ``weiai`` command and its groups; commands live in sibling modules."""

from __future__ import annotations

import typer

from assistant.runtime import Runtime
from assistant.settings import load_settings

app = typer.Typer(
    name="weiai",
    help="微爱志愿助手：初始化数据、启动服务、管理知识库与时间银行。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
demo_app = typer.Typer(help="演示数据：生成一个虚构的志愿组织。", no_args_is_help=True)
eval_app = typer.Typer(
    help="评测：检索、匹配与意图路由的准确率。", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")
app.add_typer(eval_app, name="eval")


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Load settings once; commands reach them through ``runtime(ctx)``."""
    ctx.obj = None


def runtime(ctx: typer.Context | None = None) -> Runtime:
    """The process-wide runtime, built from settings on first use."""
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, Runtime):
        return root.obj
    rt = Runtime(load_settings())
    if root is not None:
        root.obj = rt
    return rt

"""``weiai kb ...`` (manage the knowledge base) and ``weiai eval retrieval``.

Register with::

    from assistant.cli.kb import kb_app, retrieval_eval
    app.add_typer(kb_app, name="kb")
    eval_app.command("retrieval")(retrieval_eval)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.app import runtime
from assistant.knowledge_factory import open_knowledge_base

if TYPE_CHECKING:
    from knowledge import Hit, IngestReport, KnowledgeBase

kb_app = typer.Typer(
    help="知识库：导入文档、查看、删除、重建和检索。", no_args_is_help=True
)

KB_OPTION = typer.Option("default", "--kb", help="知识库名称。")


def _open(ctx: typer.Context, name: str, max_mb: float | None = None) -> KnowledgeBase:
    """The process's base for the default name and size limit, else a new one."""
    rt = runtime(ctx)
    if name == "default" and max_mb is None:
        return rt.knowledge
    rt.settings.ensure_data_dir()
    limit = None if max_mb is None else int(max_mb * 1024 * 1024)
    return open_knowledge_base(rt.settings, name, max_file_bytes=limit)


def _shown(source: str) -> str:
    """A source path relative to the working directory when it is inside it."""
    path = Path(source)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return source


def _print_report(report: IngestReport) -> None:
    for path in report.removed:
        typer.echo(f"  已删除：{_shown(path)}")
    for failed, reason in report.failed:
        typer.secho(f"  失败：{failed}：{reason}", fg=typer.colors.RED, err=True)
    typer.echo(report.summary())


@kb_app.command("add")
def add(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹，可以写多个。")],
    name: str = KB_OPTION,
    max_mb: float | None = typer.Option(
        None, "--max-mb", min=0.001, help="单个文件大小上限（MB），默认 20。"
    ),
    progress: bool = typer.Option(True, help="显示进度条。"),
) -> None:
    """导入文件或文件夹：未改动的跳过，改过的重新索引，文件夹里删掉的文件一并移除。"""
    report = _open(ctx, name, max_mb).add_paths(paths, progress=progress)
    _print_report(report)
    if report.failed:
        raise typer.Exit(1)


@kb_app.command("list")
def list_documents(ctx: typer.Context, name: str = KB_OPTION) -> None:
    """列出已导入的文档。"""
    documents = _open(ctx, name).documents()
    if not documents:
        typer.echo("知识库为空：用 weiai kb add 路径 导入文档。")
        return
    for doc in documents:
        typer.echo(
            f"{doc.doc_id}\t《{doc.title}》\t{doc.chunks} 段\t"
            f"更新于 {doc.updated or '未知'}\t{_shown(doc.source)}"
        )
    typer.echo(f"共 {len(documents)} 篇文档。")


@kb_app.command("remove")
def remove(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="文档编号（见 kb list）或文件路径。")],
    name: str = KB_OPTION,
) -> None:
    """从知识库删除一篇文档（两个索引一起删除）。"""
    if not _open(ctx, name).remove(document):
        typer.secho(f"知识库中没有文档：{document}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(f"已删除：{document}")


@kb_app.command("rebuild")
def rebuild(
    ctx: typer.Context,
    name: str = KB_OPTION,
    progress: bool = typer.Option(True, help="显示进度条。"),
) -> None:
    """重新读取所有来源文件，从头重建向量索引和关键词索引。"""
    _print_report(_open(ctx, name).rebuild(progress=progress))


def _print_hit(rank: int, hit: Hit) -> None:
    similarity = "" if hit.similarity is None else f"，相似度 {hit.similarity:.3f}"
    typer.secho(f"[{rank}] 得分 {hit.score:.4f}{similarity}", bold=True)
    typer.echo(f"    {hit.citation.render()}")
    typer.echo(f"    来源：{_shown(hit.citation.source)}")
    for line in hit.text.splitlines():
        typer.echo(f"    {line}")


@kb_app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="问题或关键词。")],
    k: int = typer.Option(5, "--k", "-k", min=1, max=50, help="返回条数。"),
    mode: str = typer.Option("hybrid", help="hybrid（混合）、vector 或 lexical。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
    name: str = KB_OPTION,
) -> None:
    """检索知识库，按相关度列出段落、得分和出处。"""
    kb = _open(ctx, name)
    hits = kb.search(query, k=k, mode=mode)  # type: ignore[arg-type]
    if as_json:
        typer.echo(
            json.dumps([hit.to_json() for hit in hits], ensure_ascii=False, indent=2)
        )
        return
    if not hits:
        typer.echo("没有找到相关内容。")
        return
    if not kb.relevant(hits):
        typer.secho("（相似度都低于阈值，可能没有相关内容。）", fg=typer.colors.YELLOW)
    for rank, hit in enumerate(hits, start=1):
        _print_hit(rank, hit)


def retrieval_eval(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="JSON Lines 评测集（问题与期望出处）。"
        ),
    ],
    mode: str = typer.Option(
        "all", help="hybrid、vector、lexical 或 all（三种都跑）。"
    ),
    name: str = KB_OPTION,
    show_misses: bool = typer.Option(
        False, "--misses", help="列出前 5 名未命中的问题。"
    ),
) -> None:
    """评测检索：对每个问题检查期望出处是否在前 1/3/5 名，输出召回率和 MRR。"""
    from knowledge import MODES
    from knowledge.evaluation import evaluate, load_cases

    modes = list(MODES) if mode == "all" else [mode]
    kb = _open(ctx, name)
    cases = load_cases(file)
    typer.echo(f"评测集：{file}（{sum(1 for c in cases if c.expected)} 个问题）")
    typer.echo("mode     recall@1  recall@3  recall@5  MRR")
    for current in modes:
        result = evaluate(kb, cases, current)  # type: ignore[arg-type]
        r = result.recall
        typer.echo(
            f"{current:<8} {r[1]:>8.3f}  {r[3]:>8.3f}  {r[5]:>8.3f}  {result.mrr:.3f}"
        )
        if show_misses:
            for question in result.misses:
                typer.echo(f"    未命中：{question}")

"""What ``weiai init`` does, step by step; safe to run again and again."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from sqlalchemy import func, select

from assistant.runtime import Runtime
from tools.db import Volunteer, current_revision, head_revision, session_scope, upgrade

log = logging.getLogger(__name__)


def initialise(rt: Runtime, *, demo: bool, prepare_model: bool) -> Iterator[str]:
    """Migrate, load the default knowledge base, seed the demo; yield progress."""
    settings = rt.settings
    settings.ensure_data_dir()
    yield f"数据目录：{settings.data_dir.resolve()}"

    before = current_revision(rt.engine)
    upgrade(rt.engine)
    if before == head_revision():
        yield f"数据库已是最新结构（{head_revision()}）。"
    else:
        yield f"数据库结构已更新到 {head_revision()}。"

    if demo:
        yield from _seed_demo_if_empty(rt)

    yield from _load_default_knowledge(rt)

    if prepare_model:
        yield from _prepare_local_model(rt)


def _seed_demo_if_empty(rt: Runtime) -> Iterator[str]:
    with session_scope(rt.sessions) as session:
        count = session.scalar(select(func.count()).select_from(Volunteer)) or 0
    if count:
        yield f"已有 {count} 名志愿者，跳过演示数据。"
        return
    from tools.demo import seed

    yield "正在生成演示组织（约半分钟）……"
    summary = seed(rt.sessions, progress=True)
    yield f"演示数据已生成：{summary}"


def _load_default_knowledge(rt: Runtime) -> Iterator[str]:
    from knowledge import ensure_default

    kb = rt.knowledge
    report = ensure_default(kb)
    if report is None:
        yield "知识库已有内容，跳过默认文档导入。"
    else:
        yield f"默认知识库已导入：{report}"


def _prepare_local_model(rt: Runtime) -> Iterator[str]:
    if rt.settings.llm != "local":
        return
    from assistant.local_llm.gguf import ensure_model

    yield "正在准备本地模型文件（首次约需一分钟）……"
    path = ensure_model(rt.settings.models_dir)
    yield f"本地模型已就绪：{path}"

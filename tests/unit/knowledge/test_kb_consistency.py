"""An interrupted ingestion, a bad batch or a stale index never loses data."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, make_embedder
from knowledge.chunking import vector_ids
from knowledge.manifest import ManifestFiles
from tools.errors import KnowledgeBaseError


def _consistent(kb: KnowledgeBase) -> bool:
    expected = {v for chunk in kb.chunks() for v in vector_ids(chunk)}
    return kb._store.ids() == expected


class Crash(Exception):
    """Stands in for the process dying."""


def test_a_crash_before_the_manifest_is_written_is_repaired_on_open(
    open_kb: Callable[..., KnowledgeBase],
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_kb().add_paths([corpus])
    extra = corpus / "new.md"
    extra.write_text(
        "## 新规定\n\n环保先锋行动每月举行一次清洁家园。", encoding="utf-8"
    )
    (corpus / "handbook.md").write_text("## 联系方式\n\n电话改为 8886 6200。", "utf-8")

    def die(self: ManifestFiles, manifest: object) -> None:
        raise Crash

    # The vectors of both changes reach Chroma, then the process dies.
    with monkeypatch.context() as patch:
        patch.setattr(ManifestFiles, "write", die)
        with pytest.raises(Crash):
            open_kb().add_paths([corpus])

    reopened = open_kb()

    assert _consistent(reopened)
    assert {d.doc_id for d in reopened.documents()} == {"reg_demo", "hb_demo"}
    assert reopened.search("8886 6100", k=1, mode="lexical")
    assert not (reopened._files.journal).exists()
    report = reopened.add_paths([corpus])
    assert len(report.added) == 1 and len(report.updated) == 1
    assert reopened.search("8886 6200", k=1, mode="lexical")
    assert _consistent(reopened)


def test_vectors_lost_from_chroma_are_rebuilt_from_the_manifest(
    open_kb: Callable[..., KnowledgeBase], corpus: Path
) -> None:
    kb = open_kb()
    kb.add_paths([corpus])
    lost = sorted(kb._store.ids())[:2]
    kb._store.delete(lost)

    reopened = open_kb()

    assert _consistent(reopened)


def test_a_missing_lexical_index_is_rebuilt_on_open(
    open_kb: Callable[..., KnowledgeBase], corpus: Path
) -> None:
    kb = open_kb()
    kb.add_paths([corpus])
    for folder in kb._files.folder.glob("lexical-*"):
        shutil.rmtree(folder)

    hits = open_kb().search("四点半课堂", k=1, mode="lexical")

    assert hits and "四点半" in hits[0].text


def test_bad_files_are_reported_and_the_rest_goes_in(
    open_kb: Callable[..., KnowledgeBase], corpus: Path, tmp_path: Path
) -> None:
    kb = open_kb()
    kb.add_paths([corpus])
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "photo.md").write_bytes(bytes(range(256)) * 4)
    with (batch / "huge.md").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (batch / "legacy.txt").write_bytes("望湖分站周六上午开放。".encode("gbk"))

    report = kb.add_paths([batch, tmp_path / "missing.md"])

    reasons = {path.name: reason for path, reason in report.failed}
    assert set(reasons) == {
        "broken.pdf",
        "empty.txt",
        "photo.md",
        "huge.md",
        "missing.md",
    }
    assert "文件过大" in reasons["huge.md"]
    assert "路径不存在" in reasons["missing.md"]
    assert [Path(p).name for p in report.added] == ["legacy.txt"]
    assert (
        kb.search("望湖分站", k=1, mode="lexical")[0].text == "望湖分站周六上午开放。"
    )
    assert {"reg_demo", "hb_demo"} <= {d.doc_id for d in kb.documents()}


def test_a_document_that_turns_corrupt_keeps_its_indexed_version(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])
    (corpus / "handbook.md").write_bytes(bytes(range(256)) * 4)

    report = hash_kb.add_paths([corpus])

    assert [p.name for p, _ in report.failed] == ["handbook.md"]
    assert not report.removed
    assert hash_kb.search("8886 6100", k=1, mode="lexical")


def test_a_base_built_with_another_embedder_asks_for_a_rebuild(
    open_kb: Callable[..., KnowledgeBase], corpus: Path
) -> None:
    open_kb().add_paths([corpus])
    other = open_kb(make_embedder("hash:128"))

    with pytest.raises(KnowledgeBaseError, match="weiai kb rebuild"):
        other.search("志愿服务")

    other.rebuild()
    assert other.search("第十七条", k=1)
    assert _consistent(other)


def test_a_duplicate_doc_id_in_another_file_is_refused(
    hash_kb: KnowledgeBase, corpus: Path, tmp_path: Path
) -> None:
    hash_kb.add_paths([corpus])
    copy = tmp_path / "copy.md"
    shutil.copy(corpus / "handbook.md", copy)

    report = hash_kb.add_paths([copy])

    assert "重复" in report.failed[0][1]

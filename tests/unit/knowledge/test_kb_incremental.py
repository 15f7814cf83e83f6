"""Adding, skipping, updating and deleting documents keeps both indexes right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge import KnowledgeBase, SearchFilters
from knowledge.chunking import vector_ids


def _vector_ids(kb: KnowledgeBase) -> set[str]:
    return {v for chunk in kb.chunks() for v in vector_ids(chunk)}


def _stored_ids(kb: KnowledgeBase) -> set[str]:
    return kb._store.ids()


def test_adding_a_folder_indexes_every_document(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    report = hash_kb.add_paths([corpus])

    assert sorted(Path(p).name for p in report.added) == [
        "handbook.md",
        "regulation.md",
    ]
    assert {d.doc_id for d in hash_kb.documents()} == {"reg_demo", "hb_demo"}
    assert _stored_ids(hash_kb) == _vector_ids(hash_kb)


def test_unchanged_files_are_skipped_by_hash(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])

    report = hash_kb.add_paths([corpus])

    assert len(report.skipped) == 2
    assert not report.changed
    assert report.chunks_embedded == 0


def test_an_edited_document_is_reindexed_embedding_only_changed_chunks(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])
    page = corpus / "handbook.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("8886 6100", "8886 6200"),
        encoding="utf-8",
    )

    report = hash_kb.add_paths([corpus])

    assert [Path(p).name for p in report.updated] == ["handbook.md"]
    assert report.chunks_embedded == 1
    hits = hash_kb.search("8886 6200", k=1, mode="lexical")
    assert "8886 6200" in hits[0].text
    assert not hash_kb.search("6100", k=3, mode="lexical")
    assert _stored_ids(hash_kb) == _vector_ids(hash_kb)


def test_a_file_deleted_from_an_added_folder_loses_its_chunks(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])
    (corpus / "handbook.md").unlink()

    report = hash_kb.add_paths([corpus])

    assert [Path(p).name for p in report.removed] == ["handbook.md"]
    assert {d.doc_id for d in hash_kb.documents()} == {"reg_demo"}
    assert not hash_kb.search("四点半课堂", k=5, mode="lexical")
    assert _stored_ids(hash_kb) == _vector_ids(hash_kb)


def test_remove_by_id_drops_the_document_from_both_indexes(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])

    assert hash_kb.remove("hb_demo")
    assert not hash_kb.remove("hb_demo")
    assert all(h.citation.doc_id == "reg_demo" for h in hash_kb.search("电话", k=5))
    assert _stored_ids(hash_kb) == _vector_ids(hash_kb)


def test_the_base_persists_and_reopens(
    open_kb: Callable[..., KnowledgeBase], corpus: Path
) -> None:
    open_kb().add_paths([corpus])

    reopened = open_kb()

    assert len(reopened.documents()) == 2
    assert (
        reopened.search("第十七条", k=1, mode="lexical")[0].citation.section
        == "第十七条"
    )


def test_filters_restrict_documents_and_dates(
    hash_kb: KnowledgeBase, corpus: Path
) -> None:
    hash_kb.add_paths([corpus])
    only_handbook = SearchFilters(doc_ids=("hb_demo",))
    recent = SearchFilters(updated_from="2020-01-01")

    for mode in ("hybrid", "vector", "lexical"):
        hits = hash_kb.search("志愿服务", k=10, mode=mode, filters=only_handbook)
        assert hits and {h.citation.doc_id for h in hits} == {"hb_demo"}
        dated = hash_kb.search("志愿服务", k=10, mode=mode, filters=recent)
        assert {h.citation.updated for h in dated} == {"2025-03-01"}


def test_rebuild_reads_the_sources_again(hash_kb: KnowledgeBase, corpus: Path) -> None:
    hash_kb.add_paths([corpus])
    before = _stored_ids(hash_kb)

    report = hash_kb.rebuild()

    assert len(report.added) == 2
    assert _stored_ids(hash_kb) == before

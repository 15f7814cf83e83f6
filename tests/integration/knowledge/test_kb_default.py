"""The shipped knowledge base ingests completely and cites correctly."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeBase, default_kb_path, ensure_default, make_embedder
from knowledge.evaluation import load_cases


def test_ensure_default_ingests_every_shipped_document_once(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "store", make_embedder("hash"))

    report = ensure_default(kb)
    again = ensure_default(kb)

    assert report is not None and not report.failed
    assert again is None
    ids = {doc.doc_id for doc in kb.documents()}
    assert {"zyfwtl_2017", "zyfwjlzm_2020", "csf_2023"} <= ids
    assert len([i for i in ids if i.startswith("hb_")]) == 8
    assert not any(Path(d.source).name.startswith("_") for d in kb.documents())


def test_regulation_articles_cite_title_article_and_effective_date(
    tmp_path: Path,
) -> None:
    kb = KnowledgeBase.open(tmp_path / "store", make_embedder("hash"))
    kb.add_paths([default_kb_path() / "regulations"])

    hit = kb.search("志愿服务条例 第十七条 人身意外伤害保险", k=1, mode="lexical")[0]

    assert hit.citation.render() == "出处：《志愿服务条例》第十七条，更新于2017-12-01"


def test_every_expected_source_of_the_dev_set_exists(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "store", make_embedder("hash"))
    kb.add_paths([default_kb_path()])
    sections = {(c.doc_id, c.section) for c in kb.chunks()}
    cases = load_cases(default_kb_path().parent / "eval" / "retrieval_dev.jsonl")

    assert len(cases) >= 60
    for case in cases:
        for expected in case.expected:
            assert expected in sections, (case.question, expected)

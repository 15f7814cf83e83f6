"""Residents' paraphrased questions find the handbook passage that answers them."""

from __future__ import annotations

import pytest

from knowledge import KnowledgeBase


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("给老人洗澡水要多热合适？", "助老助浴安全要求"),
        ("要多少小时才能评上三星？", "星级评价"),
        ("公众号怎么和我的志愿者账号关联起来？", "绑定微信公众号"),
        ("周末有人上班吗？", "办公时间"),
    ],
)
def test_a_paraphrased_question_finds_its_section_in_the_top_three(
    handbook_kb: KnowledgeBase, question: str, section: str
) -> None:
    hits = handbook_kb.search(question, k=3)

    assert section in [hit.citation.section for hit in hits]


@pytest.mark.parametrize(
    ("query", "section"),
    [
        ("四点半课堂", "四点半课堂"),
        ("8886 6100", "联系方式"),
        ("绑定 123456", "绑定微信公众号"),
    ],
)
def test_exact_terms_lead_the_hybrid_ranking(
    handbook_kb: KnowledgeBase, query: str, section: str
) -> None:
    hit = handbook_kb.search(query, k=1)[0]

    assert hit.citation.section.startswith(section)
    assert hit.lexical_rank == 1


def test_an_off_topic_question_is_judged_not_relevant(
    handbook_kb: KnowledgeBase,
) -> None:
    on_topic = handbook_kb.search("证明申请后几天能拿到？", k=3)
    off_topic = handbook_kb.search("红烧肉怎么做才好吃？", k=3)

    assert handbook_kb.relevant(on_topic)
    assert not handbook_kb.relevant(off_topic)


def test_hits_carry_citation_and_json_fields(handbook_kb: KnowledgeBase) -> None:
    hit = handbook_kb.search("开志愿证明要交钱吗？", k=1)[0]

    data = hit.to_json()
    assert data["title"] == "志愿服务记录证明办理指南"
    assert data["citation"] == hit.citation.render()
    assert data["citation"].startswith("出处：《志愿服务记录证明办理指南》“")
    assert data["updated"] == "2025-03-01"
    assert str(data["source"]).endswith("07_certificate.md")
    assert isinstance(data["similarity"], float)

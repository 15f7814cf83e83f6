"""BM25 over jieba words and bigrams finds exact terms; RRF fuses rankings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from knowledge import Citation
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex
from knowledge.segment import terms

TEXTS = {
    "a": "四点半课堂每个上学日下午开放，为孩子提供作业辅导。",
    "b": "服务站电话：8886 6100，工作时间接听。",
    "c": "第十七条 志愿服务组织应当为志愿者购买人身意外伤害保险。",
    "d": "第七条 志愿者可以将其身份信息登记到志愿服务信息系统。",
    "e": "望湖街道湖滨社区党群服务中心一楼设有分站。",
}


def _index() -> LexicalIndex:
    return LexicalIndex.build(list(TEXTS), [terms(t) for t in TEXTS.values()])


def test_exact_terms_rank_their_passage_first() -> None:
    index = _index()

    for query, expected in [
        ("四点半课堂", "a"),
        ("8886 6100", "b"),
        ("第十七条", "c"),
        ("湖滨社区", "e"),
    ]:
        assert index.top(query, 3)[0][0] == expected, query


def test_a_query_without_known_terms_finds_nothing() -> None:
    assert _index().top("量子计算机", 3) == []


def test_question_words_are_not_terms() -> None:
    found = terms("请问四点半课堂怎么报名？")

    assert "四点半课堂" in found
    assert not {"请问", "怎么", "？"} & set(found)


def test_single_characters_of_unknown_names_become_bigrams() -> None:
    assert "望湖" in terms("望湖街道")


def test_the_index_round_trips_through_its_folder(tmp_path: Path) -> None:
    _index().save(tmp_path / "lexical")

    loaded = LexicalIndex.load(tmp_path / "lexical", list(TEXTS))

    assert loaded.top("第十七条", 1)[0][0] == "c"


def test_importing_jieba_is_quiet_and_writes_nothing_in_the_working_dir(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    script = "from knowledge.segment import terms; terms('四点半课堂')"

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stderr == "" and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert list(home.iterdir()) == []


def test_rrf_prefers_items_both_rankings_agree_on() -> None:
    fused = reciprocal_rank_fusion([["x", "y", "z"], ["y", "w"]], k=60)

    assert [item for item, _ in fused] == ["y", "x", "w", "z"]
    assert fused[0][1] == 1 / 62 + 1 / 61


def test_rrf_weights_scale_each_ranking_and_ties_keep_first_seen_order() -> None:
    fused = reciprocal_rank_fusion([["x"], ["y"]], k=5, weights=[1.0, 1.0])
    weighted = reciprocal_rank_fusion([["x"], ["y"]], k=5, weights=[0.5, 1.0])

    assert [item for item, _ in fused] == ["x", "y"]
    assert [item for item, _ in weighted] == ["y", "x"]


def test_citations_render_articles_sections_and_missing_dates() -> None:
    article = Citation("r", "志愿服务条例", "第十七条", "2017-12-01", "/kb/r.md")
    section = Citation("h", "时间银行管理规则", "星级评价", "2025-03-01", "/kb/h.md")
    bare = Citation("x", "值班须知", "", "", "/kb/x.txt")

    assert article.render() == "出处：《志愿服务条例》第十七条，更新于2017-12-01"
    assert section.render() == "出处：《时间银行管理规则》“星级评价”，更新于2025-03-01"
    assert bare.render() == "出处：《值班须知》"

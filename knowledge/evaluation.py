"""Retrieval evaluation: recall@k and MRR against expected sources.

A case file is JSON Lines, one question per line::

    {"question": "给老人洗澡水要多热合适？",
     "expected": [{"doc_id": "hb_standards", "section": "助老助浴安全要求"}]}

A hit matches an expected source when the document id is equal and, if the
source names a section (an article such as 第十七条 or a heading), the
section is equal too. Cases with an empty ``expected`` list are off-topic
questions; they only feed the similarity statistics used for relevance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.citations import Hit
from knowledge.search import Mode
from tools.errors import KnowledgeBaseError

KS = (1, 3, 5)
DEPTH = 10


@dataclass(frozen=True)
class EvalCase:
    """One question and the sources that answer it."""

    question: str
    expected: tuple[tuple[str, str], ...]


@dataclass
class EvalResult:
    """Figures for one mode over one case file."""

    mode: str
    questions: int
    recall: dict[int, float]
    mrr: float
    misses: list[str] = field(default_factory=list)
    # Best-hit cosine of answered questions and of off-topic questions.
    on_topic_similarity: list[float] = field(default_factory=list)
    off_topic_similarity: list[float] = field(default_factory=list)


def load_cases(path: Path) -> list[EvalCase]:
    """Read a JSON Lines case file; raise a clear error on a bad line."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            expected = tuple(
                (str(item["doc_id"]), str(item.get("section") or ""))
                for item in data.get("expected", [])
            )
            cases.append(EvalCase(str(data["question"]), expected))
        except (ValueError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(f"{path} 第 {number} 行格式不对：{exc}") from exc
    return cases


def first_match(hits: list[Hit], case: EvalCase) -> int | None:
    """1-based rank of the first hit that is an expected source."""
    for rank, hit in enumerate(hits, start=1):
        for doc_id, section in case.expected:
            if hit.citation.doc_id == doc_id and section in ("", hit.citation.section):
                return rank
    return None


def evaluate(kb: KnowledgeBase, cases: list[EvalCase], mode: Mode) -> EvalResult:
    """Run every case in ``mode`` and compute recall@1/3/5 and MRR."""
    answered = [case for case in cases if case.expected]
    found = dict.fromkeys(KS, 0)
    reciprocal = 0.0
    result = EvalResult(mode, len(answered), {}, 0.0)
    for case in cases:
        hits = kb.search(case.question, k=DEPTH, mode=mode)
        best = max(
            (h.similarity for h in hits if h.similarity is not None), default=None
        )
        if not case.expected:
            if best is not None:
                result.off_topic_similarity.append(best)
            continue
        if best is not None:
            result.on_topic_similarity.append(best)
        rank = first_match(hits, case)
        if rank is None or rank > max(KS):
            result.misses.append(case.question)
        if rank is not None:
            reciprocal += 1.0 / rank
            for k in KS:
                found[k] += rank <= k
    total = max(len(answered), 1)
    result.recall = {k: found[k] / total for k in KS}
    result.mrr = reciprocal / total
    return result

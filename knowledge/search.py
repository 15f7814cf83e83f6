"""Hybrid search: Chroma vectors and BM25 terms, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from knowledge.chunking import chunk_of
from knowledge.citations import Citation, Hit
from knowledge.documents import Chunk
from knowledge.embeddings import Embedder
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.lexical import LexicalIndex
from knowledge.vector_store import VectorStore
from tools.errors import KnowledgeBaseError

Mode = Literal["hybrid", "vector", "lexical"]

# Fusion settings measured on knowledge/eval/retrieval_dev.jsonl: BM25 alone
# finds far fewer paraphrased answers than the vectors, so it votes with a
# lower weight, and a small RRF constant lets the top vector ranks lead.
FUSION_K = 5
LEXICAL_WEIGHT = 0.3
MODES: tuple[Mode, ...] = ("hybrid", "vector", "lexical")


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search to some documents or to an update-date range.

    Dates are ISO strings (``2021-02-01``) and both bounds are inclusive.
    """

    doc_ids: tuple[str, ...] | None = None
    updated_from: str | None = None
    updated_to: str | None = None

    def where(self) -> dict[str, Any] | None:
        """The same restriction as a Chroma ``where`` clause."""
        clauses: list[dict[str, Any]] = []
        if self.doc_ids is not None:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.updated_from:
            clauses.append({"updated_num": {"$gte": date_number(self.updated_from)}})
        if self.updated_to:
            clauses.append({"updated_num": {"$lte": date_number(self.updated_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, chunk: Chunk) -> bool:
        """The same restriction applied to one chunk."""
        if self.doc_ids is not None and chunk.doc_id not in self.doc_ids:
            return False
        number = date_number(chunk.updated)
        if self.updated_from and number < date_number(self.updated_from):
            return False
        return not (self.updated_to and number > date_number(self.updated_to))


def date_number(value: str) -> int:
    """``2021-02-01`` as the integer 20210201 (0 when there is no date)."""
    digits = value.replace("-", "")[:8]
    return int(digits) if digits.isdigit() else 0


def citation_of(chunk: Chunk) -> Citation:
    """The citation fields of a chunk."""
    return Citation(
        doc_id=chunk.doc_id,
        title=chunk.title,
        section=chunk.section,
        updated=chunk.updated,
        source=chunk.source,
    )


class Searcher:
    """Runs one query against a base's two indexes."""

    def __init__(
        self,
        embedder: Embedder,
        store: VectorStore,
        lexical: LexicalIndex,
        chunks: Mapping[str, Chunk],
    ) -> None:
        self._embedder = embedder
        self._store = store
        self._lexical = lexical
        self._chunks = chunks

    def _lexical_top(self, query: str, n: int, filters: SearchFilters | None) -> list:
        allowed = None
        if filters is not None:
            allowed = np.array(
                [filters.allows(self._chunks[i]) for i in self._lexical.chunk_ids]
            )
        return self._lexical.top(query, n, allowed)

    def _vector_top(
        self, query_vector: np.ndarray, n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """The ``n`` best chunks by their best sentence-window similarity."""
        # Several windows of one chunk may come back; ask for more to fill n.
        found = self._store.query(query_vector, 3 * n, where)
        best: dict[str, float] = {}
        for vector_id, similarity in found:
            owner = chunk_of(vector_id)
            if owner in self._chunks and owner not in best:
                best[owner] = similarity
        return list(best.items())[:n]

    def search(
        self, query: str, k: int, mode: Mode, filters: SearchFilters | None
    ) -> list[Hit]:
        """The ``k`` best hits for ``query``, best first."""
        if mode not in MODES:
            raise KnowledgeBaseError(
                f"未知的检索方式：{mode}（可用 hybrid、vector、lexical）"
            )
        if not query.strip() or not self._chunks:
            return []
        pool = max(4 * k, 20)

        vector: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        query_vector = None
        if mode != "lexical":
            query_vector = self._embedder.embed_query(query)
            where = filters.where() if filters else None
            vector = self._vector_top(query_vector, pool, where)
        if mode != "vector":
            lexical = self._lexical_top(query, pool, filters)

        if mode == "vector":
            ranked = vector
        elif mode == "lexical":
            ranked = lexical
        else:
            ranked = reciprocal_rank_fusion(
                [[i for i, _ in vector], [i for i, _ in lexical]],
                k=FUSION_K,
                weights=[1.0, LEXICAL_WEIGHT],
            )
        return self._hits(ranked[:k], vector, lexical, query_vector)

    def _hits(
        self,
        ranked: list[tuple[str, float]],
        vector: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        query_vector: np.ndarray | None,
    ) -> list[Hit]:
        """Attach texts, citations, similarities and per-list ranks."""
        similarity = dict(vector)
        bm25 = dict(lexical)
        vector_rank = {item: rank for rank, (item, _) in enumerate(vector, start=1)}
        lexical_rank = {item: rank for rank, (item, _) in enumerate(lexical, start=1)}

        # Lexical-only hits still get a cosine so that relevance can be judged.
        missing = [item for item, _ in ranked if item not in similarity]
        if query_vector is not None and missing:
            similarity.update(self._store.best_similarity(missing, query_vector))

        hits = []
        for item, score in ranked:
            chunk = self._chunks[item]
            hits.append(
                Hit(
                    chunk_id=item,
                    text=chunk.text,
                    score=score,
                    citation=citation_of(chunk),
                    similarity=similarity.get(item),
                    lexical_score=bm25.get(item),
                    vector_rank=vector_rank.get(item),
                    lexical_rank=lexical_rank.get(item),
                )
            )
        return hits

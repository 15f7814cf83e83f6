"""BM25 over jieba words and character bigrams (bm25s), saved to a folder."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.segment import terms

logger = logging.getLogger(__name__)


class LexicalIndex:
    """A BM25 index over a fixed, ordered list of chunk ids."""

    def __init__(self, chunk_ids: Sequence[str], retriever: object | None) -> None:
        self.chunk_ids = list(chunk_ids)
        self._retriever = retriever

    @classmethod
    def build(
        cls, chunk_ids: Sequence[str], tokens: Sequence[list[str]]
    ) -> LexicalIndex:
        """Index pre-segmented texts (``segment.terms`` output), one per id."""
        if not chunk_ids:
            return cls([], None)
        import bm25s

        retriever = bm25s.BM25()
        # An empty token list would make bm25s fail; "" is its empty token.
        retriever.index([t or [""] for t in tokens], show_progress=False)
        return cls(chunk_ids, retriever)

    def save(self, folder: Path) -> None:
        """Write the index files into ``folder`` (created if needed)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            retriever: Any = self._retriever
            retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, chunk_ids: Sequence[str]) -> LexicalIndex:
        """Read an index saved by ``save``; the caller supplies the id order."""
        if not chunk_ids:
            return cls([], None)
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        if retriever.scores["num_docs"] != len(chunk_ids):
            raise ValueError("lexical index does not match the chunk list")
        return cls(chunk_ids, retriever)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed chunk for ``query`` (zeros if no term)."""
        if self._retriever is None:
            return np.zeros(0, dtype=np.float32)
        retriever: Any = self._retriever
        ids = retriever.get_tokens_ids(terms(query))
        if not ids:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(retriever.get_scores(ids), dtype=np.float32)

    def top(
        self, query: str, n: int, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` best chunk ids with a positive score, best first."""
        scores = self.scores(query)
        if allowed is not None and len(scores):
            scores = np.where(allowed, scores, 0.0)
        if not len(scores):
            return []
        n = min(n, len(scores))
        best = np.argpartition(-scores, n - 1)[:n]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in best if scores[i] > 0]

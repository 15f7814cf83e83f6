"""A sentence-transformers model read from a local folder (``st:/path``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.embeddings.base import Embedder
from tools.errors import ModelUnavailable


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model saved on disk, e.g. bge-small-zh.

    The path must hold the model files (``modules.json``, weights,
    tokenizer); nothing is fetched from a hub. ``query_prefix`` and
    ``passage_prefix`` serve models trained with instructions (E5, BGE).
    """

    def __init__(
        self, path: Path, *, query_prefix: str = "", passage_prefix: str = ""
    ) -> None:
        if (
            not (path / "modules.json").is_file()
            and not (path / "config.json").is_file()
        ):
            raise ModelUnavailable(
                f"在 {path} 找不到 sentence-transformers 模型文件"
                "（应包含 modules.json 或 config.json）：请检查 WEIAI_EMBEDDING。"
            )
        from sentence_transformers import SentenceTransformer

        self.spec = f"st:{path}"
        self._model = SentenceTransformer(
            str(path), device="cpu", local_files_only=True
        )
        # sentence-transformers 5 renamed the method; support both.
        model = self._model
        measure = getattr(model, "get_embedding_dimension", None)
        if measure is None:
            measure = model.get_sentence_embedding_dimension
        self._dim = int(measure() or 0)
        self._prefixes = (passage_prefix, query_prefix)

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        prefix = self._prefixes[int(is_query)]
        vectors = self._model.encode(
            [prefix + text for text in texts],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

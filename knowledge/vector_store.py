"""The Chroma collection behind vector search, always with our embedder.

Chroma's own default embedding function downloads an English model, so every
collection is opened with ``WeiaiEmbeddingFunction`` wrapping our embedder,
and vectors we computed ourselves are passed in directly. Telemetry is off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from knowledge.embeddings import Embedder
from tools.errors import KnowledgeBaseError

logger = logging.getLogger(__name__)

# Chroma answers "get" and "delete" in pages of at most this many ids.
_PAGE = 5000


class WeiaiEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapts an ``Embedder`` to Chroma's embedding-function protocol.

    Chroma rebuilds the function from its config to validate a collection;
    that copy only records the spec and loads the model if it is ever called.
    """

    def __init__(self, embedder: Embedder | None, spec: str = "") -> None:
        self._embedder = embedder
        self._spec = embedder.spec if embedder is not None else spec

    def _model(self) -> Embedder:
        if self._embedder is None:
            from knowledge.embeddings import make_embedder

            self._embedder = make_embedder(self._spec)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._model().embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._model().embed_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "weiai"

    def get_config(self) -> dict[str, Any]:
        return {"spec": self._spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> WeiaiEmbeddingFunction:
        return WeiaiEmbeddingFunction(None, str(config.get("spec", "")))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def make_client(persist_dir: Path, chroma_url: str | None = None) -> Any:
    """A persistent client under ``persist_dir``, or an HTTP client for a URL."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if not url.hostname:
            raise KnowledgeBaseError(f"Chroma 服务地址无效：{chroma_url}")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=settings)


class VectorStore:
    """One Chroma collection per knowledge base, in cosine space."""

    def __init__(self, client: Any, collection_name: str, embedder: Embedder) -> None:
        self._client = client
        self._name = collection_name
        self._function = WeiaiEmbeddingFunction(embedder)
        self.collection = self._open()

    def _open(self) -> Any:
        return self._client.get_or_create_collection(
            name=self._name,
            embedding_function=self._function,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": self._function.get_config()["spec"]},
        )

    def drop(self) -> None:
        """Delete the collection and start an empty one."""
        self._client.delete_collection(self._name)
        self.collection = self._open()

    def embedder_spec(self) -> str:
        """The embedder the collection was created with."""
        return str((self.collection.metadata or {}).get("embedder", ""))

    def ids(self) -> set[str]:
        """Every id stored in the collection."""
        found: set[str] = set()
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=_PAGE, offset=offset)
            found.update(page["ids"])
            if len(page["ids"]) < _PAGE:
                return found
            offset += _PAGE

    def add(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Insert or replace vectors with their filter metadata."""
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=list(metadatas[start:end]),
            )

    def update_metadata(
        self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        """Replace the filter metadata of stored vectors without re-embedding."""
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            self.collection.update(
                ids=list(ids[start:end]), metadatas=list(metadatas[start:end])
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id (unknown ids are ignored)."""
        for start in range(0, len(ids), _PAGE):
            self.collection.delete(ids=list(ids[start : start + _PAGE]))

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """The ``n`` nearest ids with their cosine similarity, best first."""
        if n <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=n, where=where, include=["distances"]
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def best_similarity(
        self, chunk_ids: Sequence[str], vector: np.ndarray
    ) -> dict[str, float]:
        """Best cosine of any stored vector of each chunk to ``vector``."""
        if not chunk_ids:
            return {}
        got = self.collection.get(
            where={"chunk_id": {"$in": list(chunk_ids)}},
            include=["embeddings", "metadatas"],
        )
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        best: dict[str, float] = {}
        if not len(matrix):
            return best
        for meta, score in zip(
            got["metadatas"], (matrix @ vector).tolist(), strict=True
        ):
            owner = str(meta["chunk_id"])
            best[owner] = max(score, best.get(owner, -1.0))
        return best

    def count(self) -> int:
        """Number of stored vectors."""
        return int(self.collection.count())

"""``KnowledgeBase``: one named base with its vector and lexical indexes."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.chunking import CHUNKER_VERSION, ChunkingOptions
from knowledge.citations import Hit, relevance_threshold, relevant_hits
from knowledge.documents import Chunk
from knowledge.embeddings import Embedder
from knowledge.indexer import Indexer
from knowledge.ingest import IngestReport
from knowledge.lexical import LexicalIndex
from knowledge.loaders import DEFAULT_MAX_BYTES
from knowledge.manifest import Manifest, ManifestFiles
from knowledge.search import Mode, Searcher, SearchFilters
from knowledge.vector_store import VectorStore, make_client
from tools.errors import KnowledgeBaseError

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")


@dataclass(frozen=True)
class DocumentInfo:
    """A document as ``documents()`` lists it."""

    doc_id: str
    title: str
    source: str
    updated: str
    chunks: int
    kind: str


class KnowledgeBase:
    """A named knowledge base: Chroma collection, BM25 index and manifest."""

    def __init__(
        self,
        files: ManifestFiles,
        store: VectorStore,
        embedder: Embedder,
        manifest: Manifest,
        *,
        max_file_bytes: int,
        chunking: ChunkingOptions,
    ) -> None:
        self.name = manifest.name
        self.embedder = embedder
        self._files = files
        self._store = store
        self._manifest = manifest
        self._lexical = LexicalIndex([], None)
        self._stamp = 0.0
        self._indexer = Indexer(files, store, embedder, max_file_bytes, chunking)

    @classmethod
    def open(
        cls,
        persist_dir: Path,
        embedder: Embedder,
        *,
        chroma_url: str | None = None,
        name: str = "default",
        max_file_bytes: int = DEFAULT_MAX_BYTES,
        chunking: ChunkingOptions | None = None,
    ) -> KnowledgeBase:
        """Open (or create) base ``name`` under ``persist_dir``, repairing it.

        With ``chroma_url`` the vectors live on that Chroma server; the
        manifest and lexical index always stay under ``persist_dir``.
        """
        if not _NAME.match(name):
            raise KnowledgeBaseError(
                f"知识库名称无效：{name!r}（只能用小写字母、数字、- 和 _）"
            )
        files = ManifestFiles(Path(persist_dir) / "weiai-kb" / name)
        client = make_client(Path(persist_dir), chroma_url)
        store = VectorStore(client, f"weiai_{name}", embedder)
        manifest = files.read() or Manifest(name, embedder.spec, CHUNKER_VERSION)
        kb = cls(
            files,
            store,
            embedder,
            manifest,
            max_file_bytes=max_file_bytes,
            chunking=chunking or ChunkingOptions(),
        )
        if kb.stale_reason() is None:
            with files.locked():
                kb._reload()
                kb._repair()
        return kb

    def stale_reason(self) -> str | None:
        """Why the stored index cannot be searched with this embedder, if so."""
        spec = self._manifest.embedder
        if self._manifest.chunks and spec != self.embedder.spec:
            return (
                f"知识库“{self.name}”是用向量模型 {spec} 建立的，当前设置为 "
                f"{self.embedder.spec}：请运行 weiai kb rebuild 重建索引。"
            )
        return None

    def _check_usable(self) -> None:
        reason = self.stale_reason()
        if reason:
            raise KnowledgeBaseError(reason)

    def _reload(self) -> None:
        """Read the manifest and lexical index again if another process wrote."""
        try:
            stamp = self._files.manifest.stat().st_mtime
        except FileNotFoundError:
            return
        if stamp == self._stamp:
            return
        self._manifest = self._files.read() or self._manifest
        self._lexical = self._indexer.load_lexical(self._manifest)
        self._stamp = stamp

    def _remember_stamp(self) -> None:
        """Note the manifest we hold in memory, so _reload can skip reading it."""
        try:
            self._stamp = self._files.manifest.stat().st_mtime
        except FileNotFoundError:
            self._stamp = 0.0

    def _repair(self) -> None:
        """Make Chroma and the lexical index match the manifest after a crash."""
        if self._indexer.repair(self._manifest):
            self._lexical = self._indexer.commit(self._manifest)
            self._remember_stamp()

    # Reading -----------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        self._check_usable()
        self._reload()
        searcher = Searcher(
            self.embedder, self._store, self._lexical, self._manifest.chunks
        )
        return searcher.search(query, k, mode, filters)

    def relevant(self, hits: Sequence[Hit]) -> list[Hit]:
        """The hits similar enough to the query to answer from."""
        return relevant_hits(hits, relevance_threshold(self.embedder.spec))

    def documents(self) -> list[DocumentInfo]:
        """Every ingested document, by title."""
        self._reload()
        infos = [
            DocumentInfo(
                d.doc_id, d.title, d.source, d.updated, len(d.chunk_ids), d.kind
            )
            for d in self._manifest.documents.values()
        ]
        return sorted(infos, key=lambda info: (info.title, info.doc_id))

    def chunks(self) -> list[Chunk]:
        """Every chunk, in index order."""
        self._reload()
        return list(self._manifest.chunks.values())

    def is_empty(self) -> bool:
        """True when no document has been ingested."""
        self._reload()
        return not self._manifest.documents

    # Writing -----------------------------------------------------------

    def add_paths(
        self, paths: Sequence[Path], *, progress: bool = False
    ) -> IngestReport:
        """Ingest files and folders; skip unchanged, update edited, drop deleted."""
        self._check_usable()
        with self._files.locked():
            self._reload()
            report = self._indexer.add_paths(self._manifest, list(paths), progress)
            self._lexical = self._indexer.lexical
            self._remember_stamp()
        return report

    def remove(self, doc_id_or_path: str) -> bool:
        """Remove a document by id or source path; False if there is none."""
        with self._files.locked():
            self._reload()
            removed = self._indexer.remove(self._manifest, doc_id_or_path)
            if removed:
                self._lexical = self._indexer.lexical
                self._remember_stamp()
        return removed

    def rebuild(self, *, progress: bool = False) -> IngestReport:
        """Re-read every source and build both indexes from nothing."""
        with self._files.locked():
            self._reload()
            sources = [Path(d.source) for d in self._manifest.documents.values()]
            roots = [Path(root) for root in self._manifest.roots]
            gone = [str(p) for p in sources if not p.exists()]
            self._store.drop()
            for old in self._files.folder.glob("lexical-*"):
                shutil.rmtree(old, ignore_errors=True)
            self._manifest = Manifest(self.name, self.embedder.spec, CHUNKER_VERSION)
            present = [p for p in roots + sources if p.exists()]
            report = self._indexer.add_paths(self._manifest, present, progress)
            report.removed.extend(gone)
            self._lexical = self._indexer.lexical
            self._remember_stamp()
        logger.info("rebuilt knowledge base %s: %s", self.name, report.summary())
        return report

"""Writing to both indexes and the manifest, in an order that survives crashes.

Every change goes: journal on, Chroma changed, lexical index written to a new
generation folder, manifest replaced, journal off. ``repair`` undoes any
Chroma change that the manifest does not know about.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from knowledge.chunking import (
    CHUNKER_VERSION,
    ChunkingOptions,
    chunk_document,
    chunk_of,
    vector_ids,
    vector_texts,
)
from knowledge.documents import Chunk, Document
from knowledge.embeddings import Embedder
from knowledge.ingest import IngestReport, file_digest, scan, under
from knowledge.lexical import LexicalIndex
from knowledge.loaders import LoadError, load_document, read_file
from knowledge.manifest import DocumentRecord, Manifest, ManifestFiles
from knowledge.search import date_number
from knowledge.segment import terms
from knowledge.vector_store import VectorStore

logger = logging.getLogger(__name__)

# Seconds of ingestion between two manifest commits: an interrupted run loses
# at most this much work, and a large folder is not slowed by rewriting the
# manifest after every few documents.
COMMIT_SECONDS = 30.0


def chroma_metadata(chunk: Chunk) -> dict[str, Any]:
    """The fields Chroma needs to filter on."""
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "updated_num": date_number(chunk.updated),
        "position": chunk.position,
    }


class Indexer:
    """Applies ingestion and removal to Chroma, BM25 and the manifest."""

    def __init__(
        self,
        files: ManifestFiles,
        store: VectorStore,
        embedder: Embedder,
        max_file_bytes: int,
        chunking: ChunkingOptions,
    ) -> None:
        self._files = files
        self._store = store
        self._embedder = embedder
        self._max_bytes = max_file_bytes
        self._chunking = chunking
        self._dirty = False
        self.lexical = LexicalIndex([], None)

    # Consistency -------------------------------------------------------

    def load_lexical(self, manifest: Manifest) -> LexicalIndex:
        """The saved lexical index of this generation, rebuilt if unusable."""
        ids = list(manifest.chunks)
        folder = self._files.lexical_dir(manifest.generation)
        try:
            self.lexical = LexicalIndex.load(folder, ids)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("rebuilding lexical index of %s: %s", manifest.name, exc)
            self.lexical = self._build_lexical(manifest)
            self.lexical.save(folder)
        return self.lexical

    def repair(self, manifest: Manifest) -> bool:
        """Make Chroma hold exactly the manifest's chunks; True if it changed."""
        pending = self._files.pending()
        stored = self._store.ids()
        expected = {v: c for c in manifest.chunks.values() for v in vector_ids(c)}
        extra = stored - expected.keys()
        missing = {chunk_of(v) for v in expected.keys() - stored}
        if not (pending or extra or missing):
            return False
        logger.warning(
            "repairing %s: %d stray vectors, %d chunks missing, journal=%s",
            manifest.name,
            len(extra),
            len(missing),
            pending,
        )
        self._begin()
        self._store.delete(sorted(extra))
        self._embed_and_store([c for i, c in manifest.chunks.items() if i in missing])
        kept = [c for i, c in manifest.chunks.items() if i not in missing]
        self._update_metadata(kept)
        return True

    def commit(self, manifest: Manifest) -> LexicalIndex:
        """Write a new lexical generation, then the manifest, then end the journal."""
        manifest.generation += 1
        manifest.embedder = self._embedder.spec
        manifest.chunker = CHUNKER_VERSION
        lexical = self._build_lexical(manifest)
        folder = self._files.lexical_dir(manifest.generation)
        shutil.rmtree(folder, ignore_errors=True)
        lexical.save(folder)
        self._files.write(manifest)
        self._files.end()
        for old in self._files.folder.glob("lexical-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        self.lexical = lexical
        self._dirty = False
        return lexical

    def _build_lexical(self, manifest: Manifest) -> LexicalIndex:
        chunks = list(manifest.chunks.values())
        for chunk in chunks:
            if not chunk.tokens:
                chunk.tokens = terms(chunk.embed_text)
        return LexicalIndex.build(
            [c.chunk_id for c in chunks], [c.tokens for c in chunks]
        )

    def _begin(self) -> None:
        if not self._dirty:
            self._files.begin()
            self._dirty = True

    # Changes -----------------------------------------------------------

    def add_paths(
        self, manifest: Manifest, paths: list[Path], progress: bool
    ) -> IngestReport:
        """Ingest files and folders into ``manifest`` and both indexes."""
        started = time.monotonic()
        report = IngestReport()
        files, roots, missing = scan(paths)
        report.failed.extend((path, "路径不存在") for path in missing)
        seen: set[str] = set()
        last_commit = time.monotonic()
        try:
            for path in tqdm(files, desc="导入", unit="个文件", disable=not progress):
                seen.add(str(path))
                self._ingest_file(manifest, path, report)
                if self._dirty and time.monotonic() - last_commit > COMMIT_SECONDS:
                    self.commit(manifest)
                    last_commit = time.monotonic()
            self._drop_deleted(manifest, roots, seen, report)
            for root in roots:
                if str(root) not in manifest.roots:
                    manifest.roots.append(str(root))
                    self._begin()
        finally:
            # Whatever finished is kept, even if the embedder failed midway.
            if self._dirty:
                self.commit(manifest)
        report.seconds = time.monotonic() - started
        logger.info("ingested into %s: %s", manifest.name, report.summary())
        return report

    def _ingest_file(
        self, manifest: Manifest, path: Path, report: IngestReport
    ) -> bool:
        """Load, chunk and index one file; False if skipped or failed."""
        by_source = {d.source: d for d in manifest.documents.values()}
        old = by_source.get(str(path))
        try:
            data = read_file(path, self._max_bytes)
            digest = f"{file_digest(data)}:{CHUNKER_VERSION}"
            if old is not None and old.file_hash == digest:
                report.skipped.append(str(path))
                return False
            document = load_document(path, data=data, max_bytes=self._max_bytes)
        except LoadError as exc:
            report.failed.append((path, str(exc)))
            return False
        except Exception as exc:  # noqa: BLE001 - parsers raise anything on bad files
            logger.warning("could not parse %s: %r", path.name, exc)
            report.failed.append((path, f"无法解析（{type(exc).__name__}）"))
            return False

        clash = manifest.documents.get(document.doc_id)
        if clash and clash.source != str(path) and Path(clash.source).exists():
            reason = f"文档编号 {document.doc_id} 与 {clash.source} 重复"
            report.failed.append((path, reason))
            return False
        chunks = chunk_document(document, self._chunking)

        self._begin()
        if old is not None and old.doc_id != document.doc_id:
            self._drop(manifest, old.doc_id)
        report.chunks_embedded += self._replace(manifest, document, digest, chunks)
        (report.updated if old else report.added).append(str(path))
        return True

    def _replace(
        self, manifest: Manifest, document: Document, digest: str, chunks: list[Chunk]
    ) -> int:
        """Swap a document's chunks, embedding only the ones that are new."""
        previous = manifest.documents.get(document.doc_id)
        old_ids = previous.chunk_ids if previous else []
        new_ids = {c.chunk_id for c in chunks}
        fresh = [c for c in chunks if c.chunk_id not in set(old_ids)]
        kept = [c for c in chunks if c.chunk_id in set(old_ids)]

        self._embed_and_store(fresh)
        gone = [
            manifest.chunks[i]
            for i in old_ids
            if i not in new_ids and i in manifest.chunks
        ]
        self._store.delete([v for c in gone for v in vector_ids(c)])
        self._update_metadata(kept)

        for chunk_id in old_ids:
            manifest.chunks.pop(chunk_id, None)
        for chunk in chunks:
            manifest.chunks[chunk.chunk_id] = chunk
        manifest.documents[document.doc_id] = DocumentRecord(
            doc_id=document.doc_id,
            title=document.title,
            source=document.source,
            updated=document.updated,
            file_hash=digest,
            kind=document.kind,
            issuer=document.issuer,
            chunk_ids=[c.chunk_id for c in chunks],
            ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        return len(fresh)

    def _embed_and_store(self, chunks: list[Chunk]) -> None:
        """Embed every sentence window of the chunks and upsert them."""
        if not chunks:
            return
        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for chunk in chunks:
            chunk.tokens = chunk.tokens or terms(chunk.embed_text)
            windows = vector_texts(chunk)
            ids.extend(vector_ids(chunk))
            texts.extend(windows)
            metadatas.extend([chroma_metadata(chunk)] * len(windows))
        self._store.add(ids, self._embedder.embed_passages(texts), metadatas)

    def _update_metadata(self, chunks: list[Chunk]) -> None:
        """Rewrite the filter metadata of stored chunks (date, position)."""
        ids = [v for c in chunks for v in vector_ids(c)]
        metadatas = [chroma_metadata(c) for c in chunks for _ in vector_ids(c)]
        self._store.update_metadata(ids, metadatas)

    def _drop(self, manifest: Manifest, doc_id: str) -> None:
        record = manifest.documents.pop(doc_id, None)
        if record is None:
            return
        chunks = [
            manifest.chunks.pop(i) for i in record.chunk_ids if i in manifest.chunks
        ]
        self._store.delete([v for c in chunks for v in vector_ids(c)])

    def _drop_deleted(
        self,
        manifest: Manifest,
        roots: list[Path],
        seen: set[str],
        report: IngestReport,
    ) -> None:
        """Remove documents that were under an added folder and are gone."""
        for record in list(manifest.documents.values()):
            inside = any(under(record.source, str(root)) for root in roots)
            if inside and record.source not in seen:
                self._begin()
                self._drop(manifest, record.doc_id)
                report.removed.append(record.source)

    def remove(self, manifest: Manifest, key: str) -> bool:
        """Remove one document by id or source path and commit."""
        record = manifest.documents.get(key)
        if record is None:
            wanted = str(Path(key).expanduser().resolve())
            record = next(
                (d for d in manifest.documents.values() if d.source == wanted), None
            )
        if record is None:
            return False
        self._begin()
        self._drop(manifest, record.doc_id)
        self.commit(manifest)
        return True

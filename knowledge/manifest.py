"""The manifest: the authoritative list of documents and chunks of one base.

It is written last, atomically (temporary file, fsync, rename), after Chroma
and the lexical index have been updated. A journal file is created before
the first change to Chroma and removed after the manifest is written; if a
process dies in between, the next writer that opens the base finds the
journal and makes Chroma match the manifest again.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from knowledge.documents import Chunk
from tools.errors import KnowledgeBaseError

MANIFEST_VERSION = 1


@dataclass
class DocumentRecord:
    """What the base knows about one ingested document."""

    doc_id: str
    title: str
    source: str
    updated: str
    file_hash: str
    kind: str = "text"
    issuer: str = ""
    chunk_ids: list[str] = field(default_factory=list)
    ingested_at: str = ""


@dataclass
class Manifest:
    """Documents, their chunks (with lexical tokens) and the added folders."""

    name: str
    embedder: str
    chunker: str
    generation: int = 0
    roots: list[str] = field(default_factory=list)
    documents: dict[str, DocumentRecord] = field(default_factory=dict)
    chunks: dict[str, Chunk] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "version": MANIFEST_VERSION,
            "name": self.name,
            "embedder": self.embedder,
            "chunker": self.chunker,
            "generation": self.generation,
            "roots": self.roots,
            "documents": [asdict(doc) for doc in self.documents.values()],
            "chunks": [chunk.to_record() for chunk in self.chunks.values()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """Parse ``to_json`` output."""
        documents = [DocumentRecord(**doc) for doc in data.get("documents", [])]
        chunks = [Chunk.from_record(record) for record in data.get("chunks", [])]
        return cls(
            name=data["name"],
            embedder=data["embedder"],
            chunker=data["chunker"],
            generation=int(data.get("generation", 0)),
            roots=list(data.get("roots", [])),
            documents={doc.doc_id: doc for doc in documents},
            chunks={chunk.chunk_id: chunk for chunk in chunks},
        )


class ManifestFiles:
    """Paths and file operations of one base's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest = folder / "manifest.json"
        self.journal = folder / "journal"
        self.lock_file = folder / ".lock"

    def lexical_dir(self, generation: int) -> Path:
        """Folder of the lexical index written for ``generation``."""
        return self.folder / f"lexical-{generation}"

    def read(self) -> Manifest | None:
        """The saved manifest, or None for a new base."""
        if not self.manifest.exists():
            return None
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
            return Manifest.from_json(data)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KnowledgeBaseError(
                f"知识库清单 {self.manifest} 已损坏（{type(exc).__name__}）："
                "请运行 weiai kb rebuild 重建。"
            ) from exc

    def write(self, manifest: Manifest) -> None:
        """Replace the manifest atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.manifest.with_suffix(".json.tmp")
        # json.dumps uses the C encoder; json.dump to a file would not.
        text = json.dumps(manifest.to_json(), ensure_ascii=False)
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.manifest)

    def begin(self) -> None:
        """Mark that Chroma is about to diverge from the manifest."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.journal.write_text("pending\n", encoding="utf-8")

    def end(self) -> None:
        """Mark that the manifest matches Chroma again."""
        self.journal.unlink(missing_ok=True)

    def pending(self) -> bool:
        """True when a previous write did not finish."""
        return self.journal.exists()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock so only one process writes at a time."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.lock_file.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

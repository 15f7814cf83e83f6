"""The records that flow through ingestion: a loaded document and its chunks."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def content_hash(text: str) -> str:
    """A stable hex digest of a text, used to skip unchanged content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """A self-contained piece of a document that is never merged with others.

    FAQ sheets produce one entry per row; other formats produce none and keep
    their text in ``Document.text``.
    """

    heading: str
    text: str


@dataclass
class Document:
    """A loaded source file: its text (Markdown-like) and its metadata."""

    doc_id: str
    title: str
    text: str
    source: str
    updated: str = ""
    issuer: str = ""
    origin: str = ""
    kind: str = "text"
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Chunk:
    """One retrievable passage with everything a citation needs."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    position: int
    text: str
    updated: str
    source: str
    hash: str
    # Set by the lexical indexer, so it never has to segment a text twice.
    tokens: list[str] = field(default_factory=list)

    @property
    def embed_text(self) -> str:
        """What the embedder and the lexical index see: context, then text."""
        head = f"《{self.title}》{self.section}".strip()
        return f"{head}\n{self.text}"

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (the manifest stores chunks this way)."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from ``to_record`` output."""
        return cls(**record)

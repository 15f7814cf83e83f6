"""Answers from the knowledge base: quoted, cited, or honestly absent.

Code chooses the passages and keeps their citations, which each channel
renders under the answer; the model only writes the answer text from the
passages it is shown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge import Hit

log = logging.getLogger(__name__)

PASSAGES = 3
PASSAGE_CHARS = 260


class KnowledgeSource(Protocol):
    """What the assistant needs of ``knowledge.KnowledgeBase``."""

    def search(self, query: str, k: int = 5, mode: Any = "hybrid") -> list[Hit]: ...

    def relevant(self, hits: Sequence[Hit]) -> list[Hit]: ...


@dataclass
class Retrieved:
    """The passages to answer from, ready for the prompt and the reply."""

    hits: list[Hit] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.hits)

    def passages(self) -> str:
        """Numbered passages with their titles, cut to a prompt-friendly size."""
        blocks = []
        for number, hit in enumerate(self.hits, 1):
            cite = hit.citation
            where = f"《{cite.title}》{cite.section or ''}"
            blocks.append(f"[{number}] {where}\n{hit.text[:PASSAGE_CHARS]}")
        return "\n\n".join(blocks)

    def citations(self) -> list[dict[str, Any]]:
        """The citations as plain data for the API."""
        out: list[dict[str, Any]] = []
        for hit in self.hits:
            cite = hit.citation
            item = {
                "title": cite.title,
                "section": cite.section or None,
                "updated": cite.updated or None,
                "source": cite.source or None,
            }
            if item not in out:
                out.append(item)
        return out


async def retrieve(kb: KnowledgeSource, query: str) -> Retrieved:
    """Search and keep only passages relevant enough to answer from."""
    # Embedding and BM25 are CPU work: keep the event loop free.
    hits = await asyncio.to_thread(kb.search, query, PASSAGES + 1)
    relevant = kb.relevant(hits)[:PASSAGES]
    log.info("knowledge search: %d hits, %d relevant", len(hits), len(relevant))
    return Retrieved(relevant)

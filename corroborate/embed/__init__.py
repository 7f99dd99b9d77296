"""Embedding stage: the :class:`Embedder` protocol, the sentence-transformers
backend, the same model exported to ONNX (onnxruntime, OpenVINO), and an on-disk
cache that wraps any embedder.

In: texts (claims, article leads, denied clauses). Out: one float32 vector per text, row i for
text i (the pipeline makes them unit length in float64, :func:`corroborate.ties.unit_rows`)."""

from __future__ import annotations

from .backends import BACKENDS, make_embedder
from .base import Embedder, check_embedder
from .cache import CachedEmbedder, EmbeddingCache, default_cache_dir
from .onnx_backend import OnnxEmbedder
from .sbert import SentenceTransformerEmbedder, resolve_model_path

__all__ = [
    "BACKENDS",
    "make_embedder",
    "OnnxEmbedder",
    "Embedder",
    "check_embedder",
    "CachedEmbedder",
    "EmbeddingCache",
    "default_cache_dir",
    "SentenceTransformerEmbedder",
    "resolve_model_path",
]

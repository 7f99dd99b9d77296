"""corroborate: which claims in a pile of news are well corroborated.

The public API is what ``__all__`` lists (pinned by tests/test_public_api.py)::

    from corroborate import Corroborator, read_articles
    est = Corroborator().fit(read_articles("examples/nk-troops"))
    est.clusters_.head()
"""

from __future__ import annotations

from .config import Config
from .embed import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
)
from .errors import (
    ConfigError,
    CorroborateError,
    InputError,
    ModelError,
    NotFittedError,
    RecordError,
)
from .grouping.cluster import ClaimClusterer
from .ingest import read_articles
from .pipeline import Corroborator
from .report import Report, render_html, render_markdown, render_table, write_outputs
from .scoring.cluster_score import ClusterInput, ClusterScore, ScoringContext
from .scoring.confidence import ConfidenceModel
from .scoring.independence import effective_source_count
from .scoring.score import score_cluster
from .scoring.truth import TruthDiscovery
from .text.claims import extract_claims, split_sentences
from .text.quantities import Quantity, extract_quantities, parse_quantities

__all__ = [
    "CachedEmbedder",
    "ClaimClusterer",
    "ClusterInput",
    "ClusterScore",
    "ConfidenceModel",
    "Config",
    "ConfigError",
    "CorroborateError",
    "Corroborator",
    "Embedder",
    "EmbeddingCache",
    "InputError",
    "ModelError",
    "NotFittedError",
    "OnnxEmbedder",
    "Quantity",
    "RecordError",
    "Report",
    "ScoringContext",
    "SentenceTransformerEmbedder",
    "TruthDiscovery",
    "effective_source_count",
    "extract_claims",
    "extract_quantities",
    "parse_quantities",
    "read_articles",
    "render_html",
    "render_markdown",
    "render_table",
    "score_cluster",
    "split_sentences",
    "write_outputs",
]

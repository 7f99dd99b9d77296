"""Pin the public API (httpx style): a change to it must be deliberate."""

import corroborate

EXPECTED = [
    "CachedEmbedder", "ClaimClusterer", "ClusterInput", "ClusterScore", "ConfidenceModel", "Config", "ConfigError", "CorroborateError",
    "Corroborator", "Embedder", "EmbeddingCache", "InputError", "ModelError", "NotFittedError", "OnnxEmbedder",
    "Quantity", "RecordError", "Report", "ScoringContext", "SentenceTransformerEmbedder", "TruthDiscovery", "effective_source_count",
    "extract_claims", "extract_quantities", "parse_quantities", "read_articles", "render_html", "render_markdown",
    "render_table", "score_cluster", "split_sentences", "write_outputs",
]


def test_public_names_are_pinned() -> None:
    assert sorted(corroborate.__all__) == sorted(EXPECTED)


def test_public_names_resolve() -> None:
    for name in corroborate.__all__:
        assert getattr(corroborate, name) is not None


def test_errors_form_a_tree() -> None:
    assert issubclass(corroborate.RecordError, corroborate.InputError)
    for name in ("InputError", "ConfigError", "ModelError", "NotFittedError"):
        assert issubclass(getattr(corroborate, name), corroborate.CorroborateError)

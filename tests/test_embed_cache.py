from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corroborate import CachedEmbedder, ConfigError, EmbeddingCache
from corroborate.embed import check_embedder, default_cache_dir

from .conftest import FakeEmbedder


def test_second_run_embeds_nothing(tmp_path: Path) -> None:
    inner = FakeEmbedder()
    texts = ["Troops arrived on Monday.", "The ministry denied it.", "Troops arrived on Monday."]
    first = CachedEmbedder(inner, EmbeddingCache(tmp_path)).encode(texts)
    assert inner.calls == 2                          # duplicates encoded once
    again = CachedEmbedder(inner, EmbeddingCache(tmp_path))   # a new process would do the same
    second = again.encode(texts)
    assert inner.calls == 2 and again.last_stats["cache_hits"] == 2
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[2])


def test_cache_is_keyed_by_model_identity(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    CachedEmbedder(FakeEmbedder(64), cache).encode(["a sentence"])
    other = FakeEmbedder(32)
    out = CachedEmbedder(other, cache).encode(["a sentence"])
    assert other.calls == 1 and out.shape == (1, 32)
    assert cache.count("fake-bow-64") == 1 and cache.count("fake-bow-32") == 1


def test_without_cache_still_dedupes() -> None:
    inner = FakeEmbedder()
    out = CachedEmbedder(inner, None).encode(["x y", "x y", "z"])
    assert inner.calls == 2 and out.shape == (3, 256)


def test_empty_input() -> None:
    assert CachedEmbedder(FakeEmbedder(), None).encode([]).shape == (0, 256)


def test_default_cache_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CORROBORATE_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"


def test_protocol_is_checked_structurally() -> None:
    assert check_embedder(FakeEmbedder())
    with pytest.raises(ConfigError, match="identity"):
        check_embedder(object())

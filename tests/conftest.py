"""Shared fixtures.

The real sentence-transformers model is loaded once per test session
(``real_embedder``); fast unit tests use ``FakeEmbedder``, a deterministic
bag-of-words hashing embedder, on top of it, never instead of it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nk-troops"
SHARED = ROOT.parent / "shared"
CASES = Path(__file__).resolve().parent / "cases"


class FakeEmbedder:
    """Hashes lower-cased words into ``dim`` signed buckets; L2-normalised.

    Sentences sharing most words are close, as with a real model, so
    clustering logic can be tested in milliseconds. ``calls`` counts encoded texts.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0

    @property
    def identity(self) -> str:
        return f"fake-bow-{self.dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.md5(word.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
            norm = np.linalg.norm(out[i])
            if norm:
                out[i] /= norm
        return out


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the user's embedding cache."""
    monkeypatch.setenv("CORROBORATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The packaged all-MiniLM-L6-v2, loaded once for the whole session."""
    from corroborate.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder("default")
    embedder.encode(["warm-up"])          # load now, once
    return embedder


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not present")
    return path

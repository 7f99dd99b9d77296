"""The same corpus gives the same files on every CPU: no decision is left to float noise.

Vectors of one model differ in their last bits between instruction sets and kernels
(benchmarks/bench_noise.py measures up to ~1e-6 per component and per cosine between
kernels of one model). Here every vector of the example corpus is perturbed by noise ten
times larger (1e-5 per component, a different draw per text and seed, the same for every
copy of one text, as a real kernel gives) and the outputs must not change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corroborate import Config, Corroborator, ties, write_outputs
from corroborate.embed.backends import make_embedder
from corroborate.grouping.cluster import medoid_index, medoid_indices
from corroborate.ties import SIMILARITY_TIE, first_near_max, unit_rows

from .conftest import EXAMPLE

#: the files whose bytes must not depend on the noise (run.json holds timings)
COMPARED = ("claims.jsonl", "clusters.jsonl", "events.jsonl", "articles.jsonl", "sources.csv",
            "claimreview.jsonl", "report.md")
NOISE = 1e-5


class _Memo:
    """Encodes each text once with the real model (the runs below differ only in the noise)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):  # type: ignore[attr-defined]
                self.vectors[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


class NoisyEmbedder:
    """The memoised real vectors plus Gaussian noise of ``scale`` per component, re-normalised."""

    def __init__(self, memo: _Memo, seed: int, scale: float) -> None:
        self.memo, self.seed, self.scale = memo, seed, scale

    @property
    def identity(self) -> str:
        # the same name for every draw: the report shows it, and the runs use no cache
        return "all-MiniLM-L6-v2 with test noise"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.memo.encode(texts).astype(np.float64)
        if self.scale:
            for row, text in enumerate(texts):
                digest = hashlib.sha256(f"{self.seed}\0{text}".encode()).digest()
                rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
                vectors[row] += rng.normal(0.0, self.scale, vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


@pytest.fixture(scope="module")
def memo() -> _Memo:
    cfg = Config.default()
    return _Memo(make_embedder(cfg.model, backend=cfg.backend, threads=cfg.threads))


def _outputs(memo: _Memo, seed: int, scale: float, out: Path) -> dict[str, bytes]:
    config = Config.default().replace(cache=False)
    report = Corroborator(embedder=NoisyEmbedder(memo, seed, scale), config=config).fit(EXAMPLE).report()
    paths = write_outputs(report, out)
    return {name: paths[name].read_bytes() for name in COMPARED}


@pytest.mark.model
def test_noise_larger_than_the_kernels_changes_no_output(memo: _Memo, tmp_path: Path) -> None:
    clean = _outputs(memo, 0, 0.0, tmp_path / "clean")
    assert clean["clusters.jsonl"].count(b"\n") > 10            # a real run, not an empty one
    for seed in (1, 2, 3):
        noisy = _outputs(memo, seed, NOISE, tmp_path / f"noisy-{seed}")
        changed = [name for name in COMPARED if noisy[name] != clean[name]]
        assert not changed, f"noise of {NOISE} per component (seed {seed}) changed {changed}"


def test_two_claim_cluster_medoid_is_the_first_whatever_the_noise() -> None:
    rng = np.random.default_rng(7)
    a, b = unit_rows(rng.normal(size=(2, 384)))
    for sign in (+1.0, -1.0):
        # make row 1's similarity to the mean larger by float noise of either sign
        nudged = unit_rows(np.stack([a, b * (1.0 + sign * 1e-7)]))
        assert medoid_index(nudged) == 0
        assert medoid_indices(np.stack([nudged[1], nudged[0], nudged[1]]), np.array([5, 5, 9])) == {5: 0, 9: 2}


def test_a_clear_medoid_still_wins() -> None:
    rng = np.random.default_rng(3)
    centre = rng.normal(size=384)
    rows = unit_rows(np.stack([rng.normal(size=384), centre + 0.1 * rng.normal(size=384),
                               rng.normal(size=384)]))
    assert medoid_index(rows) == 1


def test_first_near_max_breaks_near_ties_by_position_only() -> None:
    assert first_near_max(np.array([0.5, 0.9, 0.9 + SIMILARITY_TIE / 2])) == 1
    assert first_near_max(np.array([0.5, 0.9, 0.9 + 3 * SIMILARITY_TIE])) == 2
    with pytest.raises(ValueError):
        first_near_max(np.array([]))


def test_unit_rows_are_unit_in_float64_and_keep_zero_rows() -> None:
    rows = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0], [1e-3, 0.0]], dtype=np.float32))
    assert rows.dtype == np.float32 and rows.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(rows[1], [0.0, 0.0])
    np.testing.assert_allclose(np.linalg.norm(rows.astype(np.float64)[[0, 2]], axis=1), 1.0, atol=1e-7)


def test_unit_rows_in_blocks_equal_the_whole_array_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """unit_rows scales a block of rows at a time (memory); each row's result is the same bits."""
    vectors = np.random.default_rng(3).normal(size=(1000, 384)).astype(np.float32)
    vectors[17] = 0.0
    wide = vectors.astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", wide, wide))[:, None]
    at_once = np.ascontiguousarray(wide / np.where(norms > 0, norms, 1.0), dtype=np.float32)
    for block in (7, 256, 4096):
        monkeypatch.setattr(ties, "UNIT_ROWS_BLOCK", block)
        np.testing.assert_array_equal(unit_rows(vectors), at_once)

"""Comparisons of floats that the CPU does not decide.

The same model gives the same text vectors that differ in their last bits from
one machine to the next: the float kernels of onnxruntime, OpenVINO, torch and
BLAS are chosen at run time by instruction set (AVX2, AVX-512, VNNI) and sum in
another order. Measured here (benchmarks/bench_noise.py, RESULTS.md "Noise
between kernels"), two kernels of one model differ by up to ~1e-6 in a
component and a cosine similarity; the int8 model's integer products are exact
on every CPU (``session.x64quantprecision``), its float steps are not.

So no decision may hinge on a difference of that size:

* vectors are unit rows computed in float64 (:func:`unit_rows`), not float32
  division, whose rounding left norms off by ~1e-8 and decided exact ties;
* "the most similar" is a choice among every candidate within
  :data:`SIMILARITY_TIE` of the best, broken by a stable key (the row, which
  is the claims' canonical order: article id, then sentence), never by noise
  (:func:`first_near_max`). Exact ties are common: for a two-claim cluster each
  claim's similarity to their mean is the same number, (1 + x1.x2) / 2;
* thresholds (clustering, events, generic sentences, denial links) compare a
  distance with a setting: a pair lying within noise of a threshold is rare
  (none on the example corpus under 1e-5 noise: tests/test_determinism.py) and
  cannot be made exact, because every tolerance is itself a threshold.
"""

from __future__ import annotations

import numpy as np

#: cosine similarities closer than this are the same for every choice made from them; 100x the
#: largest difference measured between kernels, far below any difference that means something
SIMILARITY_TIE = 1e-4


#: rows scaled at a time by :func:`unit_rows` (its float64 work is this many rows, not the corpus)
UNIT_ROWS_BLOCK = 4_096


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` scaled to unit length in float64, returned as contiguous float32 (zero rows stay zero).

    A block of rows at a time: each row is scaled on its own, so the values are those of the
    whole array at once, without float64 copies of a million vectors (9 GB at 384 dimensions)."""
    v = np.asarray(vectors)
    if v.ndim != 2:
        raise ValueError(f"expected a 2-d array of vectors, got shape {v.shape}")
    out = np.empty(v.shape, dtype=np.float32)
    for lo in range(0, v.shape[0], UNIT_ROWS_BLOCK):
        block = np.asarray(v[lo:lo + UNIT_ROWS_BLOCK], dtype=np.float64)
        norms = np.sqrt(np.einsum("ij,ij->i", block, block))[:, None]
        out[lo:lo + UNIT_ROWS_BLOCK] = block / np.where(norms > 0, norms, 1.0)
    return out


def first_near_max(values: np.ndarray, tolerance: float = SIMILARITY_TIE) -> int:
    """The lowest index whose value is within ``tolerance`` of the largest (``values`` not empty)."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("first_near_max of an empty array")
    return int(np.flatnonzero(v >= v.max() - tolerance)[0])

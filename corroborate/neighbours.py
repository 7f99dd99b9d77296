"""Nearest neighbours with bounded work: the one search every stage uses instead of all pairs.

Comparing everything with everything grows with the square of the corpus (277,360 candidate
article pairs for the 1,182 articles of the GVA dev corpus; 9.4 GB for 10,000 briefs). Every
stage that looks for "the claims (articles) close to this one" asks this module instead:

* :func:`nearest`: for each query vector, its ``k`` nearest base vectors at cosine at least
  ``radius``. Exact, a block of :data:`ROW_BLOCK` queries at a time, while the base holds at
  most :data:`EXACT_LIMIT` vectors (a float32 product, its best entries re-scored in
  float64); beyond that an HNSW index of ``faiss`` (the optional ``scale`` extra), its hits
  re-scored exactly in float64. A few queries against a large base (at most
  :data:`EXACT_LIMIT` queries and :data:`SCAN_PAIRS` pairs) scan it instead, in float32 blocks
  re-scored in float64, which is exact and cheaper than building the index. Without faiss every
  search is exact.
* :func:`vector_neighbours`: :func:`nearest` of a set of vectors against itself, pairs ``(i, j)``
  with ``i != j``.
* :func:`within`: every pair at cosine at least ``radius``. Exact in blocks up to
  :data:`EXACT_LIMIT`; beyond, the ``cap`` nearest of each vector that lie within the radius.
  Callers block first (by event, by the specifics a sentence carries) so that what is searched
  is small.
* :func:`word_neighbours`: TF-IDF rows compared only through their *rare* terms (named by at
  most ``max_df`` rows; a common word such as "police" proposes no pair), so the work grows
  with the number of terms times ``max_df``, linearly with the corpus.

Ties are ranked by the score rounded to :data:`DIGITS` digits, then by the partner's row, so
float noise of another CPU does not change who is kept. The HNSW graph is built on one thread,
so one machine builds the same graph every run. Another CPU's float32 kernels may still steer
its search to a different near neighbour now and then; searches over at most
:data:`EXACT_LIMIT` vectors never use it, and without faiss none does.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

#: query rows per block of a search (bounds memory, not the result)
ROW_BLOCK = 2048
#: above this many base vectors a search uses an approximate index when faiss is installed
EXACT_LIMIT = 20000
DIGITS = 9
#: beyond EXACT_LIMIT, a search of at most this many query x base pairs scans the base (float32,
#: then re-scored) instead of building an index: 5,000 denials against a million claims
SCAN_PAIRS = 10**10
#: entries of one float32 block of a scan (64 MiB; the k-th best of each row takes one copy more)
SCAN_CELLS = 2**24
#: what float32 rounding may move a cosine by, and more: candidates this close are re-scored
SCAN_SLACK = 1e-5

_EMPTY = np.zeros(0, dtype=np.int64)


def word_neighbours(matrix: csr_matrix, neighbours: int, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i != j``: ``j`` is among the ``neighbours`` rows of ``matrix``
    sharing the most rare-term weight with row ``i`` (terms in at most ``max_df`` rows)."""
    matrix = csr_matrix(matrix, dtype=np.float64)
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    rare = np.flatnonzero((df >= 2) & (df <= max_df))
    if n < 2 or not len(rare):
        return _EMPTY, _EMPTY
    pruned = matrix[:, rare].tocsr()
    transposed = pruned.T.tocsr()
    rows, cols = [], []
    for lo in range(0, n, ROW_BLOCK):
        block = (pruned[lo:lo + ROW_BLOCK] @ transposed).tocoo()
        r, c, s = block.row.astype(np.int64) + lo, block.col.astype(np.int64), block.data
        keep = (r != c) & (s > 0)
        top_r, top_c = _top(r[keep], c[keep], s[keep], neighbours)
        rows.append(top_r)
        cols.append(top_c)
    return np.concatenate(rows), np.concatenate(cols)


def nearest(queries: np.ndarray, base: np.ndarray, neighbours: int, *, radius: float = -1.0,
            exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, scores)``: for each query row, up to ``neighbours`` rows of ``base`` at
    cosine at least ``radius`` (unit vectors), best first; ``exclude[i]`` is a base row query
    ``i`` never gets (itself, in a self-join; -1 for none)."""
    if not len(queries) or not len(base) or neighbours < 1:
        return _EMPTY, _EMPTY, np.zeros(0)
    # few queries against a large base (denials against every claim): scanning the base costs
    # less than building an index of it
    large = len(base) > EXACT_LIMIT
    few = len(queries) <= EXACT_LIMIT and len(queries) * len(base) <= SCAN_PAIRS
    index = _approximate_index(base, neighbours) if large and not few else None
    if not large:
        # at most EXACT_LIMIT rows: scanned in float32 and re-scored in float64, as a large base
        # is (the same neighbours as a float64 product, at half its cost); both copies held once
        base32 = np.asarray(base, dtype=np.float32)
        base = np.asarray(base, dtype=np.float64)
    block = max(1, min(ROW_BLOCK, SCAN_CELLS // len(base)))
    rows, cols, scores = [], [], []
    for lo in range(0, len(queries), block):
        chunk = np.asarray(queries[lo:lo + block], dtype=np.float64)
        skip = exclude[lo:lo + block] if exclude is not None else None
        if not large:
            r, c, s = _scanned_nearest(chunk, lo, base, neighbours, radius, skip, base32=base32)
        elif index is None:
            r, c, s = _scanned_nearest(chunk, lo, base, neighbours, radius, skip)
        else:
            r, c, s = _approximate_nearest(index, chunk, lo, base, neighbours + 1, radius)
            if skip is not None:
                keep = c != skip[r - lo]
                r, c, s = r[keep], c[keep], s[keep]
        r, c, s = _top(r, c, s, neighbours, with_scores=True)
        rows.append(r)
        cols.append(c)
        scores.append(s)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(scores)


def vector_neighbours(vectors: np.ndarray, neighbours: int, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i != j``: ``j`` is among the ``neighbours`` unit vectors nearest
    to row ``i`` with cosine at least ``radius``."""
    if len(vectors) < 2:
        return _EMPTY, _EMPTY
    rows, cols, _ = nearest(vectors, vectors, neighbours, radius=radius, exclude=np.arange(len(vectors)))
    return rows, cols


def within(vectors: np.ndarray, radius: float, *, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i != j``, of unit vectors at cosine at least ``radius``: all of them
    up to :data:`EXACT_LIMIT` vectors (or without faiss); beyond, the ``cap`` nearest of each
    (:func:`vector_neighbours`: the index when faiss is installed)."""
    n = len(vectors)
    if n < 2:
        return _EMPTY, _EMPTY
    if n > EXACT_LIMIT and _faiss() is not None:
        return vector_neighbours(vectors, cap, radius)
    vectors = np.asarray(vectors, dtype=np.float64)
    block = max(1, min(ROW_BLOCK, SCAN_CELLS // n))
    rows, cols = [], []
    for lo in range(0, n, block):
        sims = vectors[lo:lo + block] @ vectors.T
        r, c = np.nonzero(np.round(sims, DIGITS) >= round(radius, DIGITS))
        r = r.astype(np.int64) + lo
        keep = r != c
        rows.append(r[keep])
        cols.append(c[keep].astype(np.int64))
    return np.concatenate(rows), np.concatenate(cols)


def _leave_out(sims: np.ndarray, skip: np.ndarray | None) -> None:
    """Set each query row's own base column (``skip``; -1 for none) to -inf, in place."""
    if skip is not None:
        own = skip >= 0
        sims[np.flatnonzero(own), skip[own]] = -np.inf


def _scanned_nearest(chunk: np.ndarray, lo: int, base: np.ndarray, neighbours: int, radius: float,
                     skip: np.ndarray | None, *,
                     base32: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The queries ``lo..`` of ``chunk`` against all of ``base``, exactly: the base is scanned in
    float32 (``base32``, or a copy made here), every entry within :data:`SCAN_SLACK` of a row's
    ``neighbours``-th best is kept and re-scored in float64, so the choice among them (by
    :func:`_top`) is the one a float64 product would make; ``skip``: the base row each query
    leaves out."""
    sims = chunk.astype(np.float32) @ (base32 if base32 is not None else np.asarray(base, dtype=np.float32)).T
    _leave_out(sims, skip)
    k = min(neighbours, base.shape[0])
    width = sims.shape[1]
    kth = np.partition(sims, width - k, axis=1)[:, width - k]     # each row's k-th best: one copy
    floor = np.maximum(kth, np.float32(radius))[:, None] - SCAN_SLACK
    r, c = np.nonzero(sims >= floor)
    exact = np.empty(len(r))
    for start in range(0, len(r), 65536):                    # re-scored a slice at a time
        part = slice(start, start + 65536)
        exact[part] = np.einsum("ij,ij->i", chunk[r[part]], np.asarray(base[c[part]], dtype=np.float64))
    ok = exact >= radius
    return r[ok].astype(np.int64) + lo, c[ok].astype(np.int64), exact[ok]


def _approximate_nearest(index, chunk: np.ndarray, lo: int, base: np.ndarray, k: int,  # type: ignore[no-untyped-def]
                         radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` hits of the HNSW ``index`` for each query, re-scored exactly in float64."""
    _, hits = index.search(chunk.astype(np.float32), k)
    r = np.repeat(np.arange(lo, lo + len(chunk), dtype=np.int64), hits.shape[1])
    c = hits.ravel().astype(np.int64)
    valid = c >= 0
    r, c = r[valid], c[valid]
    s = np.einsum("ij,ij->i", chunk[r - lo], np.asarray(base[c], dtype=np.float64))
    ok = s >= radius
    return r[ok], c[ok], s[ok]


def _top(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, k: int, *,
         with_scores: bool = False):  # type: ignore[no-untyped-def]
    """The ``k`` best columns of each row: highest rounded score, then lowest column."""
    if not len(rows):
        return (rows, cols, scores) if with_scores else (rows, cols)
    order = np.lexsort((cols, -np.round(scores, DIGITS), rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = rank < k
    return (rows[keep], cols[keep], scores[keep]) if with_scores else (rows[keep], cols[keep])


def _faiss():  # type: ignore[no-untyped-def]
    """The faiss module, or None when the optional ``scale`` extra is not installed."""
    try:
        import faiss  # an optional dependency: only large searches need it
    except ImportError:
        return None
    return faiss


def _approximate_index(vectors: np.ndarray, neighbours: int):  # type: ignore[no-untyped-def]
    """An HNSW inner-product index of ``vectors`` (faiss), or None when faiss is not installed."""
    faiss = _faiss()
    if faiss is None:
        return None
    index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efSearch = max(64, 2 * (neighbours + 1))
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)           # threads adding at once would build another graph each run
    try:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    finally:
        faiss.omp_set_num_threads(threads)
    return index

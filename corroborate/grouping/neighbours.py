"""Candidate pairs of articles with bounded work per article: blocking and nearest neighbours.

Comparing every article with every other grows with the square of the corpus
(277,360 candidate pairs for the 1,182 articles of the GVA dev corpus, 9.4 GB
for 10,000 briefs). Two reports of one event share what identifies it: a
victim's name, a street, a rare place or word. So candidates come from two
searches, each keeping at most ``neighbours`` partners per article:

* :func:`word_neighbours`: TF-IDF rows compared only through their *rare*
  terms (named by at most ``max_df`` articles; a common word such as "police"
  proposes no pair). The work is bounded by ``max_df`` times the number of
  terms, so it grows linearly with the corpus.
* :func:`vector_neighbours`: the nearest lead embeddings (at cosine >=
  ``radius``, when one is given); exact and chunked up to :data:`EXACT_LIMIT`
  articles, an HNSW index of ``faiss`` beyond (when it is installed), its hits
  re-scored exactly. Two reports of one event that share no rare term are
  found here.

Ties are ranked by the score rounded to :data:`DIGITS` digits, then by the
partner's row, so float noise of another CPU does not change who is kept.
The HNSW graph is built on one thread, so one machine builds the same graph
every run. Another CPU's float32 kernels may still steer its search to a
different near neighbour now and then; corpora of at most
:data:`EXACT_LIMIT` articles never use it, and without faiss no corpus does.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

#: articles per block of rows in a search (bounds memory, not the result)
ROW_BLOCK = 2048
#: above this many articles the vector search uses an approximate index when faiss is installed
EXACT_LIMIT = 20000
DIGITS = 9


def word_neighbours(matrix: csr_matrix, neighbours: int, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i != j``: ``j`` is among the ``neighbours`` rows of ``matrix``
    sharing the most rare-term weight with row ``i`` (terms in at most ``max_df`` rows)."""
    matrix = csr_matrix(matrix, dtype=np.float64)
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    rare = np.flatnonzero((df >= 2) & (df <= max_df))
    if n < 2 or not len(rare):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
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


def vector_neighbours(vectors: np.ndarray, neighbours: int, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i != j``: ``j`` is among the ``neighbours`` unit vectors nearest
    to row ``i`` with cosine at least ``radius``."""
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(vectors)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    index = _approximate_index(vectors, neighbours) if n > EXACT_LIMIT else None
    rows, cols = [], []
    for lo in range(0, n, ROW_BLOCK):
        chunk = vectors[lo:lo + ROW_BLOCK]
        if index is None:
            r, c, s = _exact_nearest(chunk, lo, vectors, neighbours, radius)
        else:
            _, hits = index.search(chunk.astype(np.float32), neighbours + 1)
            r = np.repeat(np.arange(lo, lo + len(chunk), dtype=np.int64), hits.shape[1])
            c = hits.ravel().astype(np.int64)
            valid = c >= 0
            r, c = r[valid], c[valid]
            s = np.einsum("ij,ij->i", vectors[r], vectors[c])        # exact, in float64
            ok = s >= radius
            r, c, s = r[ok], c[ok], s[ok]
        keep = r != c
        top_r, top_c = _top(r[keep], c.astype(np.int64)[keep], s[keep], neighbours)
        rows.append(top_r)
        cols.append(top_c)
    return np.concatenate(rows), np.concatenate(cols)


def _exact_nearest(chunk: np.ndarray, lo: int, vectors: np.ndarray, neighbours: int,
                   radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows ``lo..`` of ``chunk`` against all ``vectors``: the entries at least ``radius``
    and, rounded, at least each row's ``neighbours``-th best other than itself (ties kept,
    for :func:`_top` to break by column)."""
    sims = chunk @ vectors.T
    sims[np.arange(len(chunk)), np.arange(lo, lo + len(chunk))] = -np.inf      # not itself
    rounded = np.round(sims, DIGITS)
    k = min(neighbours, vectors.shape[0] - 1)
    kth = -np.partition(-rounded, k - 1, axis=1)[:, k - 1]
    r, c = np.nonzero((rounded >= kth[:, None]) & (sims >= radius))
    return r.astype(np.int64) + lo, c.astype(np.int64), sims[r, c]


def _top(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best columns of each row: highest rounded score, then lowest column."""
    if not len(rows):
        return rows, cols
    order = np.lexsort((cols, -np.round(scores, DIGITS), rows))
    rows, cols = rows[order], cols[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = rank < k
    return rows[keep], cols[keep]


def _approximate_index(vectors: np.ndarray, neighbours: int):  # type: ignore[no-untyped-def]
    """An HNSW inner-product index of ``vectors`` (faiss), or None when faiss is not installed."""
    try:
        import faiss  # an optional dependency: only large corpora need it
    except ImportError:
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

"""How rare the proper words two articles share are: in the corpus, and outside the pair's days.

A victim's name, a suspect's, a small town's: words that only the reports of one incident
name. On a dense stream of national news the names of a running story ("Biden", "Gaza",
"Chauvin") are named week after week, so a shared name says little unless it is confined to
the pair's own days. These matrices and :func:`burst_rarity` feed the event-pair features of
:mod:`corroborate.grouping.pairs` (``rare_proper``, ``shared_rarity``, ``rare_proper_cosine``,
``burst_rarity`` and the day features discounted by them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize

Feature = Callable[[], np.ndarray]


class Pairs(Protocol):
    """Candidate pairs as :mod:`corroborate.grouping.pairs` holds them."""

    left: np.ndarray
    right: np.ndarray

    def dots(self, matrix: csr_matrix) -> np.ndarray: ...

    def cosines(self, vectors: np.ndarray) -> np.ndarray: ...


class Prepared(Protocol):
    """What :func:`rarity_features` reads of ``pairs.PreparedArticles``."""

    body: csr_matrix
    proper: csr_matrix
    vectors: np.ndarray

    def best(self, pairs: Pairs) -> dict[str, np.ndarray]: ...

    def matrix(self, name: str) -> csr_matrix: ...


#: a proper word named by at most this many articles is rare (``rare_proper``)
RARE_DF = 8
#: shared rare proper words that make ``rare_proper`` 1
RARE_ENOUGH = 3
#: days either side of a pair's publication dates within which a name's mentions are the pair's own
BURST_DAYS = 3.0
#: pairs per block in :func:`burst_rarity` (bounds memory, not the result)
BLOCK = 16384


def _binary(matrix: csr_matrix) -> csr_matrix:
    out = csr_matrix(matrix, dtype=np.float64, copy=True)
    out.data[:] = 1.0
    return out


def _df(binary: csr_matrix) -> np.ndarray:
    return np.bincount(binary.indices, minlength=binary.shape[1])


def rare_columns(matrix: csr_matrix, max_df: int = RARE_DF) -> csr_matrix:
    """0/1 rows of the columns of ``matrix`` present in at most ``max_df`` rows."""
    binary = _binary(matrix)
    return binary[:, np.flatnonzero(_df(binary) <= max_df)].tocsr()


def inverse_df(matrix: csr_matrix) -> csr_matrix:
    """Rows of ``matrix`` with each present column weighted ``1 / sqrt(df - 1)`` (0 when df is 1), so
    that the dot product of two rows is the sum of ``1 / (df - 1)`` over the columns both have."""
    binary = _binary(matrix)
    df = _df(binary).astype(np.float64)
    weight = np.divide(1.0, np.sqrt(np.maximum(df - 1, 0)), out=np.zeros_like(df), where=df > 1)
    binary.data *= weight[binary.indices]
    return binary


def rare_tfidf(matrix: csr_matrix, max_df: int = RARE_DF) -> csr_matrix:
    """The columns of ``matrix`` present in at most ``max_df`` rows, rows L2-normalised again."""
    kept = csr_matrix(matrix, dtype=np.float64, copy=True)
    return normalize(kept[:, np.flatnonzero(_df(_binary(kept)) <= max_df)].tocsr())


def burst_rarity(proper: csr_matrix, days: np.ndarray, left: np.ndarray, right: np.ndarray,
                 window: float = BURST_DAYS) -> np.ndarray:
    """For each pair (``left[k]``, ``right[k]``), the shared proper word most confined to the
    pair's own days: the largest ``log(n / (1 + m)) / log(n)`` over the words both articles
    name, ``m`` the articles naming the word published more than ``window`` days before the
    earlier or after the later of the two (0 when they share none).

    A word that only this burst of reports names scores 1 at any corpus size, where a plain idf
    is small in a small corpus; a word of a running story, named week after week, scores low
    however rare it is overall. ``days`` is each article's publication day (NaN: undated). An
    undated article's mentions are never outside a window; for a pair of two undated articles
    every dated mention is.
    """
    n = proper.shape[0]
    out = np.zeros(len(left), dtype=np.float64)
    if n < 2 or not len(out):
        return out
    binary = _binary(proper)
    day = np.where(np.isnan(days), np.nan, days - np.nanmin(days) if np.isfinite(days).any() else 0.0)
    # each (word, day) mention as one sorted key, so a word's mentions in a span are two searchsorted
    coo = binary.tocoo()
    dated = np.isfinite(day[coo.row])
    words, when = coo.col[dated].astype(np.int64), day[coo.row[dated]]
    span = float(np.nanmax(day)) + 2 * window + 1.0 if len(when) else 1.0
    keys = np.sort(words * span + when)
    dated_df = np.bincount(words, minlength=binary.shape[1])
    for lo in range(0, len(out), BLOCK):
        a, b = left[lo:lo + BLOCK], right[lo:lo + BLOCK]
        both = binary[a].multiply(binary[b]).tocoo()
        if not both.nnz:
            continue
        pa, pb, word = a[both.row], b[both.row], both.col.astype(np.int64)
        start = np.fmin(day[pa], day[pb]) - window
        end = np.fmax(day[pa], day[pb]) + window
        undated = np.isnan(start)
        start, end = np.where(undated, 0.0, start), np.where(undated, 0.0, end)
        inside = (np.searchsorted(keys, word * span + end, side="right")
                  - np.searchsorted(keys, word * span + start, side="left"))
        inside = np.where(undated, 0, inside)
        outside = np.maximum(dated_df[word] - inside, 0)
        score = np.log(n / (1.0 + outside)) / np.log(n)
        best = np.zeros(len(a), dtype=np.float64)
        np.maximum.at(best, both.row, score)
        out[lo:lo + len(a)] = best
    return out


def rarity_features(prepared: Prepared, pairs: Pairs, publication: dict[str, Feature],
                    days: np.ndarray) -> dict[str, Feature]:
    """What sets a pair apart from the rest of its articles' neighbourhood: the rare proper
    words it shares, and its similarity relative to each article's best (a report of one story
    is closest to the other reports of that story, not to last week's story on the same topic).
    ``publication``: the pair's ``log_days`` and ``log_closest_days``; ``days``: each article's
    publication day. Each feature is computed when called."""
    best = prepared.best(pairs)

    def relative(values: np.ndarray, top: np.ndarray) -> np.ndarray:
        if not len(values):
            return values
        scale = np.maximum(top[pairs.left], top[pairs.right])
        return np.clip(np.divide(values, scale, out=np.zeros_like(values), where=scale > 0), 0.0, 1.0)

    def rare_share() -> np.ndarray:
        return np.minimum(pairs.dots(prepared.matrix("rare_proper")), RARE_ENOUGH) / RARE_ENOUGH

    memo: dict[str, np.ndarray] = {}        # of these pairs only: three features read it

    def burst() -> np.ndarray:
        if "burst" not in memo:
            memo["burst"] = burst_rarity(prepared.proper, days, pairs.left, pairs.right)
        return memo["burst"]

    return {
        "rare_proper": rare_share,
        "body_relative": lambda: relative(pairs.dots(prepared.body), best["body"]),
        "lead_relative": lambda: relative(pairs.cosines(prepared.vectors), best["lead"]),
        "log_days_unshared": lambda: publication["log_days"]() * (rare_share() == 0),
        "shared_rarity": lambda: np.minimum(pairs.dots(prepared.matrix("inverse_df")), 3.0),
        "rare_proper_cosine": lambda: pairs.dots(prepared.matrix("rare_tfidf")),
        "log_closest_unshared": lambda: publication["log_closest_days"]() * (1.0 - rare_share()),
        "burst_rarity": burst,
        "log_closest_unburst": lambda: publication["log_closest_days"]() * (1.0 - burst()),
        "log_days_unburst": lambda: publication["log_days"]() * (1.0 - burst()),
    }

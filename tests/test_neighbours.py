"""Bounded candidate searches (corroborate.neighbours) and the candidates built on them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix

from corroborate import neighbours as nb
from corroborate.grouping.pairs import PreparedArticles, _Pairs


def _unit(rng: np.random.Generator, n: int, d: int = 16) -> np.ndarray:
    v = rng.normal(size=(n, d))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _clustered(rng: np.random.Generator, n: int, centres: int, d: int, noise: float) -> np.ndarray:
    """``n`` unit vectors around ``centres`` random directions, ``noise`` their spread."""
    points = _unit(rng, centres, d)[rng.integers(0, centres, n)] + noise * rng.normal(size=(n, d))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def _as_set(found: tuple[np.ndarray, np.ndarray]) -> set[tuple[int, int]]:
    return set(zip(found[0].tolist(), found[1].tolist(), strict=True))


def test_exact_vector_neighbours_are_the_brute_force_top_k() -> None:
    vectors = _unit(np.random.default_rng(0), 300)
    found = _as_set(nb.vector_neighbours(vectors, 5, radius=-1.0))
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    expected = {(i, int(j)) for i in range(300) for j in np.argsort(-sims[i], kind="stable")[:5]}
    assert found == expected


def test_vector_neighbours_respect_the_radius_and_the_bound() -> None:
    vectors = _unit(np.random.default_rng(1), 200)
    rows, cols = nb.vector_neighbours(vectors, 7, radius=0.3)
    assert np.all(np.einsum("ij,ij->i", vectors[rows], vectors[cols]) >= 0.3)
    assert np.bincount(rows, minlength=200).max() <= 7
    assert not np.any(rows == cols)


def test_ties_are_broken_by_the_lower_column_whatever_the_float_noise() -> None:
    # rows 1..4 are the same vector: row 0 sees four equal partners, keeps the two lowest rows
    base = np.array([[1.0, 0.0], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8]])
    noisy = base + np.r_[0, 1e-12, -1e-12, 2e-12, 0][:, None]
    for vectors in (base, noisy):
        rows, cols = nb.vector_neighbours(vectors, 2, radius=-1.0)
        assert sorted(cols[rows == 0].tolist()) == [1, 2]


def test_the_approximate_index_finds_what_the_exact_search_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faiss")
    vectors = _clustered(np.random.default_rng(2), 3000, 60, 32, 0.15)
    exact = _as_set(nb.vector_neighbours(vectors, 10, radius=0.5))
    monkeypatch.setattr(nb, "EXACT_LIMIT", 100)
    monkeypatch.setattr(nb, "SCAN_PAIRS", 0)                       # the index, not a scan
    approximate = _as_set(nb.vector_neighbours(vectors, 10, radius=0.5))
    assert len(approximate & exact) / len(exact) >= 0.97
    rows = np.array([r for r, _ in approximate])
    cols = np.array([c for _, c in approximate])
    assert np.all(np.einsum("ij,ij->i", vectors[rows], vectors[cols]) >= 0.5)   # re-scored exactly


def test_word_neighbours_meet_only_through_rare_terms() -> None:
    # term 0 is in every row (common), term 1 in rows 0 and 1, term 2 in rows 2 and 3
    dense = np.zeros((6, 3))
    dense[:, 0] = 1.0
    dense[[0, 1], 1] = 1.0
    dense[[2, 3], 2] = 1.0
    found = _as_set(nb.word_neighbours(csr_matrix(dense), neighbours=5, max_df=2))
    assert found == {(0, 1), (1, 0), (2, 3), (3, 2)}


def test_word_neighbours_keep_at_most_k_partners_the_strongest_first() -> None:
    rng = np.random.default_rng(3)
    dense = (rng.random((400, 300)) < 0.02) * rng.random((400, 300))
    matrix = csr_matrix(dense)
    rows, cols = nb.word_neighbours(matrix, neighbours=3, max_df=400)
    assert np.bincount(rows, minlength=400).max() <= 3
    scores = (matrix @ matrix.T).toarray()
    np.fill_diagonal(scores, 0)
    for i in range(0, 400, 37):                 # the kept partners are the best-scored ones
        kept = cols[rows == i]
        if len(kept):
            assert scores[i, kept].min() >= np.sort(scores[i])[-3] - 1e-9


def _stream(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Articles on a few dozen events: each names its event's town, person and street."""
    rng = np.random.default_rng(seed)
    event = rng.integers(0, n // 4, n)
    towns = [f"Town{k}ville" for k in range(n // 4)]
    people = [f"Person{k} Surname{k}" for k in range(n // 4)]
    rows = []
    for i, e in enumerate(event.tolist()):
        verb = ["shot", "arrested", "injured", "charged"][i % 4]
        rows.append({"article_id": f"a{i}", "source": f"outlet{i % 9}", "title": f"Man {verb} in {towns[e]}",
                     "text": f"Police said {people[e]} was {verb} on {e} Elm Street in {towns[e]} on Friday.",
                     "published_at": pd.Timestamp("2021-05-01", tz="UTC") + pd.Timedelta(days=int(e % 30))})
    vectors = _unit(rng, n, 24)
    vectors[:] = vectors[event] * 0.7 + vectors * 0.3          # articles of one event lean together
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return pd.DataFrame(rows), vectors


def test_candidates_are_alike_pairs_and_find_every_pair_of_one_small_event() -> None:
    articles, vectors = _stream(240, seed=4)
    prepared = PreparedArticles.of(articles, vectors)
    found = prepared.candidates(0.05, neighbours=20, max_df=16)
    assert np.all(prepared.alike(found, 0.05))               # never a pair an all-pairs search would drop
    n = len(articles)
    i, j = np.triu_indices(n, 1)
    everything = _Pairs.of(i, j)
    all_alike = everything.where(prepared.alike(everything, 0.05))
    assert len(found.left) < len(all_alike.left)              # bounded: fewer than all alike pairs
    got = set(zip(found.left.tolist(), found.right.tolist(), strict=True))
    town = articles["title"].str.extract(r"in (\S+)$")[0].to_numpy()
    same = [(a, b) for a, b in zip(all_alike.left.tolist(), all_alike.right.tolist(), strict=True)
            if town[a] == town[b]]
    assert same and all(p in got for p in same)


def test_completed_adds_the_missing_alike_pairs_inside_a_group() -> None:
    articles, vectors = _stream(80, seed=5)
    prepared = PreparedArticles.of(articles, vectors)
    group = np.arange(0, 12)
    none = _Pairs(left=np.zeros(0, dtype=np.int64), right=np.zeros(0, dtype=np.int64))
    added = prepared.completed(none, [group], 0.05)
    i, j = np.triu_indices(12, 1)
    inside = _Pairs.of(group[i], group[j])
    assert set(zip(added.left.tolist(), added.right.tolist(), strict=True)) == set(
        zip(inside.where(prepared.alike(inside, 0.05)).left.tolist(),
            inside.where(prepared.alike(inside, 0.05)).right.tolist(), strict=True))
    again = prepared.completed(added, [group], 0.05)           # what is known is not added twice
    assert len(again.left) == 0


def _pair_features(left: list[int], right: list[int]):  # type: ignore[no-untyped-def]
    from corroborate.grouping.pairs import PairFeatures
    a, b = np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)
    return PairFeatures(left=a, right=b, values=np.zeros((len(a), 1)), bare=np.zeros(len(a), dtype=bool))


def _clique(members: range) -> list[tuple[int, int]]:
    return [(i, j) for i in members for j in members if i < j]


def test_a_component_too_large_is_cut_at_its_weakest_pairs(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from corroborate.grouping.events import bounded_components, link_events
    # three cliques of 6 (p 0.95), chained by single pairs at p 0.6: one component of 18 when close >= 0.5
    pairs = _clique(range(0, 6)) + _clique(range(6, 12)) + _clique(range(12, 18))
    strong = len(pairs)
    pairs += [(5, 6), (11, 12)]
    features = _pair_features([p[0] for p in pairs], [p[1] for p in pairs])
    probability = np.r_[np.full(strong, 0.95), 0.6, 0.6]
    whole, _, sizes = bounded_components(18, features, probability, 0.5, max_size=100)
    assert len(set(whole.tolist())) == 1 and sizes == []
    cut, certain, sizes = bounded_components(18, features, probability, 0.5, max_size=8)
    assert not certain and sizes == [18]
    assert [len(set(cut[k:k + 6].tolist())) for k in (0, 6, 12)] == [1, 1, 1]
    assert len(set(cut.tolist())) == 3
    # average linkage gives the same three events either way: the chain pairs are too weak on average
    events_log = logging.getLogger("corroborate.grouping.events")   # the CLI may stop it propagating
    events_log.addHandler(caplog.handler)
    try:
        uncut = link_events(18, features, probability, 0.5, max_size=100)
        assert not caplog.records
        pieces = link_events(18, features, probability, 0.5, max_size=8)
    finally:
        events_log.removeHandler(caplog.handler)
    assert "1 group(s) of close articles exceed 8 articles (largest 18)" in caplog.text   # said, not silent
    assert np.array_equal(pieces, uncut)


def test_a_component_of_equally_sure_pairs_is_one_event_when_it_cannot_be_cut() -> None:
    from corroborate.grouping.events import link_events
    pairs = _clique(range(0, 10))
    features = _pair_features([p[0] for p in pairs], [p[1] for p in pairs])
    labels = link_events(12, features, np.full(len(pairs), 0.9), 0.5, max_size=4)
    assert len(set(labels[:10].tolist())) == 1 and len(set(labels.tolist())) == 3


def test_the_approximate_search_is_the_same_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faiss")
    vectors = _unit(np.random.default_rng(6), 4000, 32)
    monkeypatch.setattr(nb, "EXACT_LIMIT", 100)
    monkeypatch.setattr(nb, "SCAN_PAIRS", 0)                       # the index, not a scan
    first = nb.vector_neighbours(vectors, 8, radius=-1.0)
    again = nb.vector_neighbours(vectors, 8, radius=-1.0)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_nearest_searches_a_base_apart_from_the_queries_and_leaves_out_what_it_is_told() -> None:
    rng = np.random.default_rng(3)
    queries, base = _unit(rng, 50), _unit(rng, 400)
    exclude = np.where(np.arange(50) % 2 == 0, np.arange(50) * 3, -1)     # even queries skip one row
    rows, cols, scores = nb.nearest(queries, base, 4, radius=0.1, exclude=exclude)
    sims = queries @ base.T
    for i in range(50):
        row = sims[i].copy()
        if exclude[i] >= 0:
            row[exclude[i]] = -np.inf
        best = [int(j) for j in np.argsort(-row, kind="stable")[:4] if row[j] >= 0.1]
        assert cols[rows == i].tolist() == best                          # best first
        assert np.allclose(scores[rows == i], row[best])
    assert np.all(np.diff(rows) >= 0)                                    # grouped by query, in order


def test_within_finds_every_pair_inside_the_radius() -> None:
    vectors = _clustered(np.random.default_rng(4), 600, 30, 16, 0.2)
    found = _as_set(nb.within(vectors, 0.8, cap=10))
    sims = vectors @ vectors.T
    expected = {(int(i), int(j)) for i, j in zip(*np.nonzero(sims >= 0.8), strict=True) if i != j}
    assert found == expected and len(expected) > 500      # all of them: the cap binds only beyond the limit


def test_within_beyond_the_limit_keeps_the_nearest_inside_the_radius(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faiss")
    vectors = _clustered(np.random.default_rng(5), 2000, 40, 32, 0.1)
    exact = _as_set(nb.vector_neighbours(vectors, 8, radius=0.9))
    monkeypatch.setattr(nb, "EXACT_LIMIT", 100)
    monkeypatch.setattr(nb, "SCAN_PAIRS", 0)                       # the index, not a scan
    rows, cols = nb.within(vectors, 0.9, cap=8)
    assert np.bincount(rows, minlength=2000).max() <= 8
    assert np.all(np.einsum("ij,ij->i", vectors[rows], vectors[cols]) >= 0.9)
    assert len(_as_set((rows, cols)) & exact) / len(exact) >= 0.97


def test_few_queries_against_a_large_base_scan_it_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(6)
    queries, base = _unit(rng, 40), _unit(rng, 3000)
    exact = nb.nearest(queries, base, 5, radius=0.2)
    monkeypatch.setattr(nb, "EXACT_LIMIT", 100)                     # the base is now "large"
    monkeypatch.setattr(nb, "SCAN_CELLS", 3000 * 7)                 # blocks of 7 queries
    monkeypatch.setattr(nb, "_approximate_index", lambda *a: pytest.fail("a scan builds no index"))
    scanned = nb.nearest(queries, base, 5, radius=0.2)
    for a, b in zip(exact, scanned, strict=True):
        assert np.array_equal(a, b) if a.dtype.kind == "i" else np.allclose(a, b, rtol=0, atol=1e-12)


def test_a_scanned_self_join_equals_the_exact_one(monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = _unit(np.random.default_rng(7), 500)
    exact = _as_set(nb.vector_neighbours(vectors, 6, radius=0.1))
    monkeypatch.setattr(nb, "EXACT_LIMIT", 100)
    monkeypatch.setattr(nb, "SCAN_CELLS", 500 * 9)                  # blocks of 9 rows: offsets matter
    assert _as_set(nb.vector_neighbours(vectors, 6, radius=0.1)) == exact

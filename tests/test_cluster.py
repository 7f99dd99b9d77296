from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.base import clone

from corroborate import ClaimClusterer, ConfigError
from corroborate.engines import LocalEngine
from corroborate.grouping.cluster import cluster_within_events, medoid_indices


def _blobs(seed: int, n_centres: int = 12, per: int = 15, dim: int = 16, noise: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_centres, dim))
    X = np.repeat(centres, per, axis=0) + noise * rng.normal(size=(n_centres * per, dim))
    X = X[rng.permutation(len(X))]
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs_a = {(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    return len(pairs_a) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("threshold", [0.05, 0.15, 0.3, 0.6])
@pytest.mark.parametrize("method", ["average", "complete", "single"])
@pytest.mark.parametrize("direct_limit", [1, 600])       # the radius graph's components; the whole matrix
def test_matches_dense_linkage_exactly(seed: int, threshold: float, method: str, direct_limit: int,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corroborate.grouping.cluster.DIRECT_LIMIT", direct_limit)
    X = _blobs(seed)
    dense = fcluster(linkage(pdist(X.astype(np.float64), "cosine"), method), threshold, "distance")
    sparse = ClaimClusterer(threshold, linkage=method).fit(X).labels_
    assert _same_partition(dense, sparse)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_the_direct_fit_gives_the_labels_and_components_of_the_graph(seed: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    X = _blobs(seed, n_centres=20, per=8, noise=0.35)
    X[::7] = X[1::7][:len(X[::7])]                       # exact copies: ties at distance 0
    direct = ClaimClusterer(0.3).fit(X)
    monkeypatch.setattr("corroborate.grouping.cluster.DIRECT_LIMIT", 1)
    graph = ClaimClusterer(0.3).fit(X)
    assert direct.labels_.tolist() == graph.labels_.tolist()
    assert 1 < direct.n_clusters_ < len(X)
    assert sorted(direct.component_sizes_.tolist()) == sorted(graph.component_sizes_.tolist())
    refit = graph.fit(X[:40])                            # a graph fit, then a direct one: no stale sizes
    monkeypatch.setattr("corroborate.grouping.cluster.DIRECT_LIMIT", 600)
    assert refit.fit(X[:40]).component_sizes_.sum() == 40


def test_labels_are_numbered_by_first_appearance() -> None:
    labels = ClaimClusterer(0.3).fit(_blobs(3)).labels_
    first_seen = list(dict.fromkeys(labels.tolist()))
    assert first_seen == list(range(len(first_seen)))


def test_input_order_does_not_change_the_partition() -> None:
    X = _blobs(4)
    perm = np.random.default_rng(9).permutation(len(X))
    a = ClaimClusterer(0.2).fit(X).labels_
    b = ClaimClusterer(0.2).fit(X[perm]).labels_
    assert _same_partition(a[perm], b)


def test_component_fallback_stays_within_threshold() -> None:
    X = _blobs(5, n_centres=3, per=20)
    est = ClaimClusterer(0.3, max_component_size=5).fit(X)
    for label in set(est.labels_.tolist()):
        members = X[est.labels_ == label]
        if len(members) > 1:
            assert pdist(members.astype(np.float64), "cosine").mean() <= 0.3 + 1e-6


def test_estimator_contract() -> None:
    est = ClaimClusterer(0.2, linkage="complete")
    assert est.get_params()["distance_threshold"] == 0.2
    assert clone(est).get_params() == est.get_params()
    assert not hasattr(est, "labels_")
    assert est.fit(_blobs(0)) is est


@pytest.mark.parametrize("kwargs,message", [
    ({"distance_threshold": 0}, "distance_threshold must be a cosine distance"),
    ({"distance_threshold": 0.2, "linkage": "ward"}, "linkage must be one of"),
])
def test_bad_parameters_are_explained(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ClaimClusterer(**kwargs).fit(_blobs(0))  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_inputs(n: int) -> None:
    est = ClaimClusterer().fit(np.ones((n, 4), dtype=np.float32))
    assert est.labels_.tolist() == [0] * n and est.n_clusters_ == n


def test_medoid_is_the_most_central_member() -> None:
    X = np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0, 1]], dtype=np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    assert medoid_indices(X, np.array([0, 0, 0, 1])) == {0: 1, 1: 3}


class _CountingEngine(LocalEngine):
    """A local engine with another name, so that the stages take their engine path; counts tasks."""

    name = "counting"

    def __init__(self) -> None:
        self.tasks: list[str] = []

    def map(self, function, batches, *, label="work", progress=None, sizes=None):  # type: ignore[no-untyped-def]
        self.tasks.extend([label] * len(batches))
        return super().map(function, batches, label=label, progress=progress, sizes=sizes)


def test_clustering_on_an_engine_gives_the_labels_of_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import corroborate.grouping.cluster as cluster

    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    events = rng.integers(0, 40, size=300)
    events[:5] = 99                  # one event of five claims, then a few events of a single claim
    events[5:8] = [100, 101, 102]
    make = lambda: ClaimClusterer(distance_threshold=0.9)  # noqa: E731
    expected = cluster_within_events(vectors, events, make)
    monkeypatch.setattr(cluster, "CLUSTER_BATCH", 25)     # many blocks of whole events
    engine = _CountingEngine()
    np.testing.assert_array_equal(cluster_within_events(vectors, events, make, engine=engine), expected)
    assert engine.tasks.count("cluster") > 5
    assert len(np.unique(expected)) > 40

"""Group claims that state the same proposition.

:class:`ClaimClusterer` gives exactly the flat clusters of hierarchical
agglomerative clustering (average linkage by default, cosine distance) cut at
``distance_threshold``, without the n x n distance matrix:

    Every merge at linkage distance <= t joins two clusters that have at least
    one pair of members at distance <= t (for single, average and complete
    linkage alike). So no final cluster spans two connected components of the
    graph that links claims at distance <= t.

We therefore build that sparse radius graph, split it into connected
components, and run exact linkage inside each component. An input of at most
``DIRECT_LIMIT`` rows (nearly every event) skips the graph: linkage over its
whole distance matrix cut at the threshold gives the same clusters. Memory is the
number of edges plus the square of the largest component, not of the corpus.
A component larger than ``max_component_size`` (very unusual for news claims
at sensible thresholds) falls back to linkage restricted to the graph's edges,
an approximation, with a warning.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist, squareform
from sklearn.base import BaseEstimator, ClusterMixin, clone
from sklearn.cluster import AgglomerativeClustering
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.validation import check_array

from ..engines import Engine, LocalEngine
from ..errors import ConfigError
from ..ties import first_near_max

logger = logging.getLogger(__name__)

_LINKAGES = ("average", "complete", "single")


#: inputs up to this many rows are clustered from their whole distance matrix (``_fit_direct``),
#: larger ones through the radius graph's components: on 384-d vectors the whole matrix is faster
#: up to about 600 rows (12.7 against 16.6 ms at 500; 57 against 36 ms at 1,000)
DIRECT_LIMIT = 600

# radius slack so that float32 rounding in the neighbour search never drops an
# edge that float64 linkage would use; the linkage decides, so this is exact
_RADIUS_SLACK = 1e-5


class ClaimClusterer(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Threshold-cut agglomerative clustering over a sparse radius graph.

    Parameters
    ----------
    distance_threshold : float
        Cosine distance (1 - cosine similarity) at which merging stops. The default is the
        shipped model file's ``[cluster] distance_threshold`` when this was written; the
        :class:`~corroborate.Corroborator` always passes its config's value.
    linkage : {"average", "complete", "single"}
    max_component_size : int
        Largest connected component clustered exactly (dense within it).

    Attributes
    ----------
    labels_ : ndarray of int, shape (n_samples,)
        Cluster of each sample, numbered in order of first appearance.
    n_clusters_ : int
    component_sizes_ : ndarray of int
        Sizes of the radius graph's connected components (a diagnostic).
    """

    def __init__(self, distance_threshold: float = 0.34, *, linkage: str = "average",
                 max_component_size: int = 20_000) -> None:
        self.distance_threshold = distance_threshold
        self.linkage = linkage
        self.max_component_size = max_component_size

    def _validate(self) -> None:
        t = self.distance_threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.0 < float(t) < 2.0:
            raise ConfigError(
                f"ClaimClusterer: distance_threshold must be a cosine distance in (0, 2); got {t!r}")
        if self.linkage not in _LINKAGES:
            raise ConfigError(
                f"ClaimClusterer: linkage must be one of {_LINKAGES}; got {self.linkage!r}")
        if not isinstance(self.max_component_size, int) or self.max_component_size < 2:
            raise ConfigError("ClaimClusterer: max_component_size must be an integer >= 2; "
                              f"got {self.max_component_size!r}")

    def fit(self, X: Any, y: Any = None) -> ClaimClusterer:
        self._validate()
        X = check_array(X, dtype=np.float32, ensure_min_samples=0)
        n = X.shape[0]
        threshold = float(self.distance_threshold)
        if n <= 1:
            self.labels_ = np.zeros(n, dtype=np.int64)
            self.n_clusters_ = n
            self.component_sizes_ = np.ones(n, dtype=np.int64)
            return self
        if n <= min(DIRECT_LIMIT, self.max_component_size):
            return self._fit_direct(X, threshold)
        graph = NearestNeighbors(radius=threshold + _RADIUS_SLACK, metric="cosine",
                                 algorithm="brute").fit(X).radius_neighbors_graph(X, mode="distance")
        n_components, component = connected_components(graph, directed=False)
        order = np.argsort(component, kind="stable")
        bounds = np.flatnonzero(np.diff(component[order])) + 1
        raw = np.empty(n, dtype=np.int64)
        next_label = 0
        for members in np.split(order, bounds):
            sub = self._cluster_component(X, members, graph, threshold)
            raw[members] = sub + next_label
            next_label += int(sub.max()) + 1
        self.labels_ = pd.factorize(raw)[0]
        self.n_clusters_ = int(self.labels_.max()) + 1
        self.component_sizes_ = np.bincount(component, minlength=n_components)
        return self

    @property
    def component_sizes_(self) -> np.ndarray:
        """Sizes of the radius graph's connected components (a diagnostic; computed when asked
        after a direct fit, where no graph was built)."""
        if "_component_sizes" not in self.__dict__:
            if "_close" not in self.__dict__:
                raise AttributeError("component_sizes_: the clusterer is not fitted")
            n_components, component = connected_components(csr_matrix(squareform(self._close)), directed=False)
            self._component_sizes = np.bincount(component, minlength=n_components)
        return self._component_sizes

    @component_sizes_.setter
    def component_sizes_(self, sizes: np.ndarray) -> None:
        self.__dict__.pop("_close", None)
        self._component_sizes = sizes

    def _fit_direct(self, X: np.ndarray, threshold: float) -> ClaimClusterer:
        """A small input clustered from its whole distance matrix: the same clusters as the
        components of the radius graph give (no merge at <= ``threshold`` joins two of them),
        without a neighbour search that costs a millisecond even for three claims."""
        distances = pdist(X.astype(np.float64), metric="cosine")
        tree = linkage(distances, method=self.linkage)
        self.labels_ = pd.factorize(fcluster(tree, t=threshold, criterion="distance"))[0].astype(np.int64)
        self.n_clusters_ = int(self.labels_.max()) + 1
        self._close = distances <= threshold + _RADIUS_SLACK     # the radius graph, for component_sizes_
        self.__dict__.pop("_component_sizes", None)
        return self

    def _cluster_component(self, X: np.ndarray, members: np.ndarray, graph: csr_matrix,
                           threshold: float) -> np.ndarray:
        size = len(members)
        if size == 1:
            return np.zeros(1, dtype=np.int64)
        if size <= self.max_component_size:
            tree = linkage(pdist(X[members].astype(np.float64), metric="cosine"),
                           method=self.linkage)
            return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1
        logger.warning("a component of %d claims exceeds max_component_size=%d; clustering it "
                       "with linkage restricted to near neighbours (approximate)",
                       size, self.max_component_size)
        connectivity = graph[members][:, members]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it is connected by construction
            model = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold,
                                            metric="cosine", linkage=self.linkage,
                                            connectivity=connectivity)
            return model.fit(X[members]).labels_.astype(np.int64)

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        return self.fit(X).labels_


def members_of(labels: np.ndarray) -> dict[int, np.ndarray]:
    """The rows of each label, labels ascending, rows ascending within a label (pandas' group-by)."""
    return pd.Series(np.asarray(labels)).groupby(np.asarray(labels), sort=True).indices


def medoid_indices(X: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """For each cluster, the member most similar to the cluster's mean direction.

    Near ties go to the lowest index (:func:`medoid_index`), so no CPU decides the choice.
    """
    return {int(label): int(members[medoid_index(X[members])])
            for label, members in members_of(labels).items()}


def medoid_index(vectors: np.ndarray) -> int:
    """Row of ``vectors`` most similar to their mean direction.

    Rows within :data:`~corroborate.ties.SIMILARITY_TIE` of the best are a tie, and the
    lowest row wins: a two-row cluster is an exact tie that float noise would otherwise decide.
    """
    v = np.asarray(vectors, dtype=np.float64)
    return first_near_max(v @ v.mean(axis=0))


def cluster_within_events(embeddings: np.ndarray, claim_events: np.ndarray,
                          make_clusterer: Callable[[], Any], engine: Engine | None = None) -> np.ndarray:
    """Cluster each event's claims on their own; labels numbered by first appearance.

    ``make_clusterer()`` returns an estimator with ``fit(X)`` setting ``labels_``; each event is
    fitted by a :func:`fresh` copy of it. ``engine`` (:mod:`corroborate.engines`; default: this
    process) fits whole events, about :data:`CLUSTER_BATCH` claims a task.
    """
    claim_events = np.asarray(claim_events, dtype=np.int64)
    labels = np.zeros(len(claim_events), dtype=np.int64)
    if len(claim_events) == 0:
        return labels
    events = list(members_of(claim_events).values())
    blocks = _blocks([members for members in events if len(members) > 1], CLUSTER_BATCH)
    fitted = (engine or LocalEngine()).map(partial(fit_labels, prototype=make_clusterer()),
                                           [[embeddings[m] for m in block] for block in blocks], label="cluster")
    found = (sub for block in fitted for sub in block)
    next_label = 0
    for members in events:
        sub = np.zeros(1, dtype=np.int64) if len(members) == 1 else next(found)
        labels[members] = sub + next_label
        next_label += int(sub.max()) + 1
    return pd.factorize(labels)[0]


#: claims per clustering task of an engine (whole events: a larger event is a task of its own)
CLUSTER_BATCH = 4000


def fresh(estimator: Any) -> Any:
    """An unfitted clone of ``estimator``, or ``estimator`` itself when it is not a scikit-learn
    estimator (``clone`` refuses it)."""
    try:
        return clone(estimator)
    except TypeError:
        return estimator


def fit_labels(block: list[np.ndarray], *, prototype: Any) -> list[np.ndarray]:
    """One task: the cluster labels of each event's vectors, each by a :func:`fresh` ``prototype``."""
    return [np.asarray(fresh(prototype).fit(vectors).labels_, dtype=np.int64) for vectors in block]


def _blocks(events: list[np.ndarray], size: int) -> list[list[np.ndarray]]:
    """Consecutive events gathered into blocks of about ``size`` claims."""
    blocks: list[list[np.ndarray]] = [[]]
    held = 0
    for members in events:
        if blocks[-1] and held + len(members) > size:
            blocks.append([])
            held = 0
        blocks[-1].append(members)
        held += len(members)
    return blocks if blocks[0] else []

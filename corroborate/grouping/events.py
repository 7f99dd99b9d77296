"""Anchor every article to the event it reports, before claims are grouped.

Sentences that say the same words about *different* events ("No arrests have
been made.", "A crash on Main Street killed two people") look corroborated by
many outlets if claims are clustered across the whole corpus. So articles are
grouped into events first, and claims are clustered only within an event.

Real reports of one event share their specifics (the victim's name and age,
the street, the neighbourhood, the date) far more than their wording, and
follow-ups (arrests, charges, funerals, trials) come days or months later but
name the day it happened. Reports of *different* events in one city share
their wording and their city. Two articles are compared on the whole report
(its kept sentences, :func:`kept_text`, so site furniture does not make pages
alike), through the features of :data:`corroborate.schema.EVENT_FEATURES`,
computed by :mod:`corroborate.grouping.pairs` from what each article names
(:mod:`corroborate.grouping.mentions`).

A logistic model (weights in the scoring file, fitted on real multi-outlet
news by ``benchmarks/tune_events.py`` with folds grouped by incident,
:func:`fit_event_model`) turns them into the probability that two articles
report one event. Events are average-linkage clusters of the distance
``1 - p``, cut at ``distance_threshold``: average linkage, not connected
components, so that a nightly round-up that mentions three incidents cannot
chain them together. Only candidate pairs are scored; other pairs are at
distance 1. Candidates come from bounded neighbour searches (each article's
nearest by rare words, rare proper words and lead embedding,
:mod:`corroborate.neighbours`), kept when their ``body`` or
``proper`` similarity is at least ``candidate_similarity`` or their leads
are near-identical; inside each group of close articles every such pair is
scored (:func:`group_events`), so the work grows with the corpus and the size
of its events, not with the square of the corpus. :func:`event_table` writes
one row per event.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import minimize
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from ..progress import Progress
from ..text.claims import Sentence, iter_sentences
from .mentions import proper_words
from .pairs import FEATURES, PairFeatures, PreparedArticles

logger = logging.getLogger(__name__)

LEAD_SENTENCES = 3
#: the largest group of close articles whose other candidate pairs are all scored
DENSE_GROUP = 2000


def kept_text(articles: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Each article's claims joined: its text without the furniture dropped by
    :mod:`corroborate.text.claims`, so that site furniture does not make pages alike."""
    joined = claims.groupby("article_id", sort=False)["text"].agg(" ".join).to_dict()
    return [joined.get(a, "") for a in articles["article_id"]]


def lead_text(title: object, text: str, sentences: int = LEAD_SENTENCES,
              split: Sequence[Sentence] | None = None) -> str:
    """Title and first sentences: where a report says what, where and when (``split``: the
    text's sentences, when already known)."""
    first = [s.text for s in islice(iter_sentences(text) if split is None else split, sentences)]
    head = [title] if isinstance(title, str) and title else []
    return " ".join(head + first)


@dataclass(frozen=True)
class EventModel:
    """The pair model and the cut: ``p = logistic(intercept + weights · features)``.

    Pairs published more than ``far_days`` apart are judged by weights of their own
    (``far_weights``, ``far_intercept``): a follow-up weeks later (an arrest, a trial, a
    sentencing) shares the incident's names and ages, not its wording or its days, while two
    reports of one day share both; one set of weights for both would have to trade one
    against the other. ``far_weights`` None: one model for every pair.
    """

    weights: Mapping[str, float]
    intercept: float
    distance_threshold: float          # average-linkage cut on 1 - p
    candidate_similarity: float = 0.05
    bare_lead_similarity: float = 0.75
    far_days: float = 7.0
    far_weights: Mapping[str, float] | None = None
    far_intercept: float = 0.0

    def __post_init__(self) -> None:
        tables = {"weights": self.weights, "far_weights": self.far_weights}
        for label, table in ((k, v) for k, v in tables.items() if v is not None):
            missing = [f for f in FEATURES if f not in table]
            unknown = [f for f in table if f not in FEATURES]
            if missing or unknown:
                raise ValueError(f"EventModel: {label} must name exactly {', '.join(FEATURES)}; "
                                 f"missing {missing or '-'}, unknown {unknown or '-'}")

    def probability(self, features: np.ndarray) -> np.ndarray:
        near = expit(self.intercept + features @ _weight_vector(self.weights))
        if self.far_weights is None or not len(features):
            return near
        far = expit(self.far_intercept + features @ _weight_vector(self.far_weights))
        return np.where(self.is_far(features), far, near)

    def is_far(self, features: np.ndarray) -> np.ndarray:
        """Which pairs (rows of ``features``) the far weights judge."""
        if self.far_weights is None:
            return np.zeros(len(features), dtype=bool)
        return far_pairs(features, self.far_days)

    def pair_probability(self, pairs: PairFeatures) -> np.ndarray:
        """:meth:`probability`, except for pairs of articles that name nothing specific
        (no proper word, name, age or street): the model, fitted on real reports that
        always do, cannot judge them, so they are one event when their leads say
        nearly the same thing (lead-embedding cosine >= ``bare_lead_similarity``)."""
        p = self.probability(pairs.values)
        lead = pairs.values[:, FEATURES.index("lead_embedding")] if len(p) else np.zeros(0)
        return np.where(pairs.bare, (lead >= self.bare_lead_similarity).astype(np.float64), p)


def far_pairs(features: np.ndarray, far_days: float) -> np.ndarray:
    """Which pairs (rows of ``features``) were published more than ``far_days`` apart."""
    return features[:, FEATURES.index("log_days")] > np.log1p(far_days)


def _weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    return np.array([weights[f] for f in FEATURES], dtype=np.float64)


def link_events(n: int, pairs: PairFeatures, probability: np.ndarray,
                distance_threshold: float, max_size: int = DENSE_GROUP) -> np.ndarray:
    """Average-linkage events over ``1 - probability`` of the candidate pairs.

    Exact for the candidates (other pairs are at distance 1): merges at
    average distance <= t only join groups with at least one pair within t, so
    clusters never span two components of the graph of such pairs, and each
    component is clustered densely on its own. A component of more than
    ``max_size`` articles (a dense matrix would grow with its square) is first
    cut into pieces by :func:`bounded_components`.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    component, certain, cut = bounded_components(n, pairs, probability, _close_floor(distance_threshold),
                                                 max_size)
    if cut:
        logger.warning("events: %d group(s) of close articles exceed %d articles (largest %d); each is "
                       "cut at its weakest pairs before the linkage", len(cut), max_size, max(cut))
    pair_component = component[pairs.left]
    same = pair_component == component[pairs.right]
    by_component: dict[int, np.ndarray] = {}
    if same.any():
        order = np.flatnonzero(same)[np.argsort(pair_component[same], kind="stable")]
        starts = np.flatnonzero(np.r_[True, np.diff(pair_component[order]) != 0])
        for chunk in np.split(order, starts[1:]):
            by_component[int(pair_component[chunk[0]])] = chunk
    labels = np.empty(n, dtype=np.int64)
    next_label = 0
    members_of = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[members_of])) + 1
    for members in np.split(members_of, bounds):
        if len(members) == 1 or int(component[members[0]]) in certain:
            labels[members] = next_label
            next_label += 1
            continue
        members = np.sort(members)
        local = {int(m): i for i, m in enumerate(members)}
        dense = np.ones((len(members), len(members)))  # a pair never scored is at distance 1
        chunk = by_component.get(int(component[members[0]]), np.zeros(0, dtype=np.int64))
        rows = [local[int(x)] for x in pairs.left[chunk]]
        cols = [local[int(x)] for x in pairs.right[chunk]]
        dense[rows, cols] = dense[cols, rows] = 1.0 - probability[chunk]
        np.fill_diagonal(dense, 0.0)
        condensed = dense[np.triu_indices(len(members), 1)]
        sub = fcluster(linkage(condensed, method="average"), t=distance_threshold,
                       criterion="distance") - 1
        labels[members] = sub + next_label
        next_label += int(sub.max()) + 1
    return pd.factorize(labels)[0]


def bounded_components(n: int, pairs: PairFeatures, probability: np.ndarray, floor: float,
                       max_size: int) -> tuple[np.ndarray, set[int], list[int]]:
    """Connected components of the pairs with ``probability >= floor``, none larger than
    ``max_size`` articles: a larger one is cut again with only its surer pairs (the floor
    raised to the median of the distinct probabilities above it), until it fits.

    Returns the component of each article (numbers, not necessarily consecutive), the
    components too large to cut because all their pairs have the same probability (each is
    taken as one event), and the sizes of the components that had to be cut. On real news no component comes near
    :data:`DENSE_GROUP` articles, so this changes nothing there; a flood of near-identical
    template reports (a generated stream of 50,000 articles) would otherwise need a dense
    matrix of the square of its size.
    """
    component = _components(n, pairs, probability >= floor)
    certain: set[int] = set()
    sizes = np.bincount(component)
    large = [(int(c), floor) for c in np.flatnonzero(sizes > max_size)]
    cut = [int(sizes[c]) for c, _ in large]
    next_id = int(component.max()) + 1 if n else 0
    while large:
        label, level = large.pop()
        inside = (component[pairs.left] == label) & (component[pairs.right] == label)
        above = np.unique(probability[inside & (probability > level)])
        if not len(above):
            certain.add(label)
            continue
        raised = float(above[len(above) // 2])
        members = np.flatnonzero(component == label)
        keep = inside & (probability >= raised)
        local = np.searchsorted(members, pairs.left[keep]), np.searchsorted(members, pairs.right[keep])
        graph = coo_matrix((np.ones(int(keep.sum())), local), shape=(len(members), len(members)))
        _, pieces = connected_components(graph, directed=False)
        component[members] = pieces + next_id
        for piece in np.flatnonzero(np.bincount(pieces) > max_size):
            large.append((int(piece) + next_id, raised))
        next_id += int(pieces.max()) + 1
    return component, certain, cut


def _close_floor(distance_threshold: float) -> float:
    """The probability from which a pair is within the cut (with room for float noise)."""
    return 1.0 - distance_threshold - 1e-12


def _components(n: int, pairs: PairFeatures, mask: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(int(mask.sum())), (pairs.left[mask], pairs.right[mask])), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def group_events(articles: pd.DataFrame, lead_vectors: np.ndarray, model: EventModel, *,
                 kept_text: Sequence[str] | None = None, show_progress: bool = False) -> np.ndarray:
    """Event id of each article (numbered by first appearance).

    Candidate pairs come from bounded neighbour searches
    (:meth:`~corroborate.grouping.pairs.PreparedArticles.candidates`). Within each group of
    articles linked by close pairs, every pair an all-pairs search would have proposed is
    then scored too (:func:`close_groups`), so average linkage sees what it saw before:
    the work is bounded by the size of events, not of the corpus.
    """
    with Progress(len(FEATURES) + 1, "events", enabled=show_progress and len(articles) > 1, unit="step") as bar:
        prepared = PreparedArticles.of(articles, lead_vectors, kept_text)
        pairs = prepared.features(prepared.candidates(model.candidate_similarity), progress=bar)
        probability = model.pair_probability(pairs)
        groups = close_groups(len(articles), pairs, probability, model.distance_threshold)
        extra = prepared.features(prepared.completed(pairs, groups, model.candidate_similarity))
        if len(extra.left):
            pairs, probability = _merged(pairs, probability, extra, model.pair_probability(extra))
        labels = link_events(len(articles), pairs, probability, model.distance_threshold)
        bar.update()
    return labels


def close_groups(n: int, pairs: PairFeatures, probability: np.ndarray, distance_threshold: float,
                 max_size: int = DENSE_GROUP) -> list[np.ndarray]:
    """The article rows of each connected group of >= 2 articles joined by pairs within the cut,
    cut to at most ``max_size`` articles as :func:`link_events` cuts them (:func:`bounded_components`)."""
    component, _, _ = bounded_components(n, pairs, probability, _close_floor(distance_threshold), max_size)
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    return [m for m in np.split(order, bounds) if 2 <= len(m) <= max_size]


def _merged(a: PairFeatures, pa: np.ndarray, b: PairFeatures, pb: np.ndarray) -> tuple[PairFeatures, np.ndarray]:
    """Both sets of pairs in (left, right) order. The feature rows are written straight to their
    places: a stacked copy and its reordered copy would be two more matrices of every pair's
    features (1.4 GB each at a million claims)."""
    left, right = np.r_[a.left, b.left], np.r_[a.right, b.right]
    order = np.lexsort((right, left))
    place = np.empty_like(order)
    place[order] = np.arange(len(order))
    values = np.empty((len(order), a.values.shape[1]), dtype=np.result_type(a.values, b.values))
    values[place[:len(a.left)]] = a.values
    values[place[len(a.left):]] = b.values
    merged = PairFeatures(left=left[order], right=right[order], values=values, bare=np.r_[a.bare, b.bare][order])
    return merged, np.r_[pa, pb][order]


def event_table(articles: pd.DataFrame, events: np.ndarray) -> pd.DataFrame:
    """One row per event: the rows of ``events.jsonl``. Its label is the title published first
    (ties by article id; undated last), else its top names."""
    frame = articles.assign(event_id=np.asarray(events)).sort_values(
        ["event_id", "published_at", "article_id"], na_position="last", kind="stable")
    ids = frame["event_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(ids)] if len(ids) else starts
    titles, texts = frame["title"].tolist(), frame["text"].tolist()
    sources, article_ids = frame["source"].tolist(), frame["article_id"].tolist()
    seen = frame.groupby("event_id", sort=True)["published_at"].agg(["min", "max"])
    rows = []
    for lo, hi, first, last in zip(starts.tolist(), ends.tolist(), seen["min"], seen["max"], strict=True):
        counts: Counter[str] = Counter()
        for k in range(lo, hi):
            counts.update(proper_words(f"{titles[k] if isinstance(titles[k], str) else ''}\n{texts[k]}"))
        top = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        named = [t for t in titles[lo:hi] if not pd.isna(t)]
        event_id = int(ids[lo])
        rows.append({
            "event_id": event_id,
            "label": named[0] if named else ", ".join(top[:3]) or f"event {event_id}",
            "n_articles": hi - lo, "sources": sorted(set(sources[lo:hi])), "article_ids": sorted(article_ids[lo:hi]),
            "first_seen": None if pd.isna(first) else first.isoformat(),
            "last_seen": None if pd.isna(last) else last.isoformat(),
            "entities": top,
        })
    return pd.DataFrame(rows, columns=["event_id", "label", "n_articles", "sources", "article_ids",
                                       "first_seen", "last_seen", "entities"])


#: the sign a weight may take when ``fit_event_model`` holds signs: a likeness never counts
#: against one event, a conflict or a distance in time never for it (absent: either sign)
WEIGHT_SIGNS: dict[str, int] = {
    "body": 1, "title": 1, "proper": 1, "proper_lead": 1, "names": 1, "lead_words": 1, "lead_embedding": 1,
    "ages_shared": 1, "ages_conflict": -1, "streets_shared": 1, "streets_conflict": -1,
    "log_closest_days": -1, "log_days": -1,
    "rare_proper": 1, "body_relative": 1, "lead_relative": 1, "log_days_unshared": -1, "shared_rarity": 1,
    "rare_proper_cosine": 1, "log_closest_unshared": -1, "burst_rarity": 1,
    "log_closest_unburst": -1, "log_days_unburst": -1,
}


def fit_event_model(features: np.ndarray, same_event: np.ndarray, *,
                    names: Sequence[str] = FEATURES, regularisation: float = 1.0,
                    signs: bool = False) -> tuple[dict[str, float], float]:
    """Logistic weights of the feature columns ``names`` from labelled candidate pairs
    (L2-penalised log loss, ``regularisation`` the C of scikit-learn's logistic regression).
    With ``signs`` each weight is held to the sign of :data:`WEIGHT_SIGNS` (L-BFGS-B).

    Used by ``benchmarks/tune_events.py`` on real news with gold incidents;
    returns ``(weights, intercept)`` for :class:`EventModel`.
    """
    if not signs:
        model = LogisticRegression(C=regularisation, max_iter=5000).fit(features, same_event)
        weights = {f: float(w) for f, w in zip(names, model.coef_[0], strict=True)}
        return weights, float(model.intercept_[0])
    X = np.asarray(features, dtype=np.float64)
    y = np.asarray(same_event, dtype=np.float64)
    held = [WEIGHT_SIGNS.get(n, 0) for n in names]
    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in held] + [(None, None)]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = X @ w + b
        value = regularisation * float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(w @ w)
        residual = regularisation * (expit(z) - y)
        return value, np.r_[X.T @ residual + w, residual.sum()]

    fitted = minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 5000})
    return {f: float(w) for f, w in zip(names, fitted.x[:-1], strict=True)}, float(fitted.x[-1])

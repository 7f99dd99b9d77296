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
(its kept sentences, so site furniture does not make pages alike), through the
features of :data:`corroborate.schema.EVENT_FEATURES`:

* ``body``: TF-IDF cosine of title and kept sentences (English stop words removed);
* ``title``: TF-IDF cosine of the titles;
* ``proper``: TF-IDF cosine of the proper words (capitalised words not at a
  sentence start, upper-case words: names, places, datelines);
* ``proper_lead``: the same over the title and the first 600 characters;
* ``names``: TF-IDF cosine of multi-word names ("Jamick Dakota Corley", "Mount Oliver");
* ``lead_words``: TF-IDF cosine of the title and the first 600 characters;
* ``lead_embedding``: cosine of the sentence embeddings of the leads (:func:`lead_text`);
* ``ages_shared`` / ``ages_conflict``: Jaccard of the ages stated ("16-year-old",
  "Smith, 34,"), and 1 when both state ages and none is shared;
* ``streets_shared`` / ``streets_conflict``: the same for street names;
* ``log_closest_days``: log(1 + days between the closest dates of the two
  articles, each article's dates being its publication day and the days it
  mentions, "Oct. 20", "July 2014", "early Sunday"): a trial report a year
  later names the day;
* ``log_days``: log(1 + days between publication) (undated articles are taken
  as :data:`UNKNOWN_DAYS` apart);
* ``same_source``: one outlet rarely reports one event twice in a few days
  unless it follows it up, so this is a feature, not a rule.

A logistic model (weights in the scoring file, fitted on real multi-outlet
news by ``benchmarks/tune_events.py`` with folds grouped by incident) turns
them into the probability that two articles report one event. Events are
average-linkage clusters of the distance ``1 - p``, cut at
``distance_threshold``: average linkage, not connected components, so that a
nightly round-up that mentions three incidents cannot chain them together.
Only candidate pairs (``body`` or ``proper`` similarity of at least
``candidate_similarity``) are scored; other pairs are at distance 1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from .claims import split_sentences
from .cluster import relabel_by_first_appearance
from .progress import Progress
from .schema import EVENT_FEATURES

FEATURES = EVENT_FEATURES
LEAD_SENTENCES = 3
LEAD_CHARS = 600
UNKNOWN_DAYS = 3.0
#: candidate pairs per block when their features are computed (bounds memory, not the result)
PAIR_BLOCK = 16384
BARE_CANDIDATE_SIMILARITY = 0.7
_PROPER = re.compile(r"(?<=[a-z0-9,;:]\s)([A-Z][a-z]{2,})|\b([A-Z]{3,})\b")
# capitalised words that name no particular event
_COMMON_PROPER = frozenset({
    "the", "he", "she", "they", "police", "officers", "sheriff", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "county",
    "street", "avenue", "road", "department", "office", "news", "photo"})


def kept_text(articles: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Each article's claims joined: its text without the furniture dropped by
    :mod:`corroborate.claims`, so that site furniture does not make pages alike."""
    joined = claims.groupby("article_id", sort=False)["text"].agg(" ".join).to_dict()
    return [joined.get(a, "") for a in articles["article_id"]]


def lead_text(title: object, text: str, sentences: int = LEAD_SENTENCES) -> str:
    """Title and first sentences: where a report says what, where and when."""
    first = [s.text for s in split_sentences(text)[:sentences]]
    head = [title] if isinstance(title, str) and title else []
    return " ".join(head + first)


def proper_words(text: str) -> list[str]:
    """Capitalised words that are not at a sentence start, and upper-case words, lower-cased."""
    found = ((a or b).casefold() for a, b in _PROPER.findall(text))
    return [w for w in found if w not in _COMMON_PROPER]


@dataclass(frozen=True)
class EventModel:
    """The pair model and the cut: ``p = logistic(intercept + weights · features)``."""

    weights: Mapping[str, float]
    intercept: float
    distance_threshold: float          # average-linkage cut on 1 - p
    candidate_similarity: float = 0.05
    bare_lead_similarity: float = 0.75

    def __post_init__(self) -> None:
        missing = [f for f in FEATURES if f not in self.weights]
        unknown = [f for f in self.weights if f not in FEATURES]
        if missing or unknown:
            raise ValueError(f"EventModel: weights must name exactly {', '.join(FEATURES)}; "
                             f"missing {missing or '-'}, unknown {unknown or '-'}")

    def probability(self, features: np.ndarray) -> np.ndarray:
        w = np.array([self.weights[f] for f in FEATURES], dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-(self.intercept + features @ w)))

    def pair_probability(self, pairs: PairFeatures) -> np.ndarray:
        """:meth:`probability`, except for pairs of articles that name nothing specific
        (no proper word, name, age or street): the model, fitted on real reports that
        always do, cannot judge them, so they are one event when their leads say
        nearly the same thing (lead-embedding cosine >= ``bare_lead_similarity``)."""
        p = self.probability(pairs.values)
        lead = pairs.values[:, FEATURES.index("lead_embedding")] if len(p) else np.zeros(0)
        return np.where(pairs.bare, (lead >= self.bare_lead_similarity).astype(np.float64), p)


@dataclass(frozen=True)
class PairFeatures:
    """Candidate article pairs ``(left[k], right[k])`` with ``left < right`` and their features."""

    left: np.ndarray
    right: np.ndarray
    values: np.ndarray                 # (n_pairs, len(FEATURES))
    bare: np.ndarray                   # both articles name nothing specific


def _tfidf(docs: Sequence[str], **kw: object) -> csr_matrix:
    """L2-normalised TF-IDF rows; an empty vocabulary gives all-zero rows."""
    try:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **kw).fit_transform(docs).tocsr()  # type: ignore[arg-type]
    except ValueError:                                 # no term in any document
        return csr_matrix((len(docs), 1), dtype=np.float32)


_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+)+")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_AGE = re.compile(r"\b(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[- ]year[- ]old", re.IGNORECASE)
_NAME_AGE = re.compile(r"\b[A-Z][a-z]+,\s+(\d{1,3}),")
_STREET = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+)\s+(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|"
                     r"Drive|Lane|Boulevard|Blvd\.|Highway|Way|Place|Court|Parkway)\b")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_MONTH_DAY = re.compile(_MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|"
                         r"November|December)\s+(?:of\s+)?(\d{4})\b")
_WEEKDAYS = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_YESTERDAY = re.compile(r"\b(?:yesterday|last night)\b", re.IGNORECASE)
WEEKDAY_CHARS = 1200          # a report names the day of the event near its start
_COMMON_NAME_WORDS = frozenset({"Police", "Sheriff", "County", "Department", "News", "The", "Monday",
                                "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
MAX_MENTIONED_YEARS = 3


def names(text: str) -> list[str]:
    """Multi-word capitalised names, joined ("jamick_dakota_corley")."""
    out = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w not in _COMMON_NAME_WORDS]
        if len(words) >= 2:
            out.append("_".join(words).casefold())
    return out


def ages(text: str) -> frozenset[int]:
    """Ages stated: "a 16-year-old", "two-year-old", "John Smith, 34,"."""
    found = {int(a) if a.isdigit() else _NUMBER_WORDS[a.casefold()] for a in _AGE.findall(text)}
    return frozenset(found | {int(a) for a in _NAME_AGE.findall(text)})


def streets(text: str) -> frozenset[str]:
    return frozenset(m.group(0).casefold().replace(".", "") for m in _STREET.finditer(text))


def mentioned_days(published: pd.Timestamp | None, text: str) -> np.ndarray:
    """Days (since 1970) an article is about: its publication day and the dates it
    mentions ("Oct. 20", "October 20, 2015", "July 2014"; a date without a year
    is the latest one not after publication), and near its start the weekdays
    ("early Sunday": the latest Sunday on or before publication) and
    "yesterday" / "last night". Empty when undated."""
    if published is None or pd.isna(published):
        return np.zeros(0)
    stamp = pd.Timestamp(published)
    day = (stamp.tz_convert(None) if stamp.tzinfo is not None else stamp).normalize()
    found = {day}
    for m in _MONTH_DAY.finditer(text):
        month, number = _MONTHS[m.group(1)[:3].casefold()], int(m.group(2))
        year = int(m.group(3)) if m.group(3) else day.year
        try:
            date = pd.Timestamp(year, month, number)
            if not m.group(3) and date > day + pd.Timedelta(days=2):
                date = pd.Timestamp(year - 1, month, number)
        except ValueError:
            continue
        found.add(date)
    for m in _MONTH_YEAR.finditer(text):
        found.add(pd.Timestamp(int(m.group(2)), _MONTHS[m.group(1)[:3].casefold()], 15))
    for m in _WEEKDAY.finditer(text[:WEEKDAY_CHARS]):
        # "early Sunday": the latest Sunday on or before publication
        back = (day.day_of_week - _WEEKDAYS[m.group(1).casefold()]) % 7
        found.add(day - pd.Timedelta(days=back))
    if _YESTERDAY.search(text[:WEEKDAY_CHARS]):
        found.add(day - pd.Timedelta(days=1))
    horizon = pd.Timedelta(days=365 * MAX_MENTIONED_YEARS)
    kept = sorted(d for d in found if abs(d - day) <= horizon)
    return np.array([(d - pd.Timestamp("1970-01-01")).days for d in kept], dtype=np.float64)


def _days(articles: pd.DataFrame) -> np.ndarray:
    times = pd.to_datetime(articles["published_at"], utc=True)
    return ((times - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() / 86400.0).to_numpy()


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _closest(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return UNKNOWN_DAYS
    return float(np.min(np.abs(a[:, None] - b[None, :])))


def pair_features(articles: pd.DataFrame, lead_vectors: np.ndarray, *,
                  kept_text: Sequence[str] | None = None,
                  candidate_similarity: float = 0.05, progress: Progress | None = None) -> PairFeatures:
    """The features of every candidate pair of ``articles`` (see the module docstring).

    ``kept_text`` is each article's text without its furniture (its claims
    joined); the raw text when not given. ``progress`` advances one step per feature.
    """
    progress = progress or Progress(0, "", enabled=False)
    titles = [t if isinstance(t, str) else "" for t in articles["title"]]
    texts = articles["text"].tolist()
    kept = list(kept_text) if kept_text is not None else texts
    whole = [f"{t}\n{x}" for t, x in zip(titles, kept, strict=True)]
    leads = [f"{t}\n{x[:LEAD_CHARS]}" for t, x in zip(titles, texts, strict=True)]
    body = _tfidf(whole, stop_words="english")
    proper = _tfidf([" ".join(proper_words(d)) for d in whole], token_pattern=r"\S+", lowercase=False)
    vectors = np.asarray(lead_vectors, dtype=np.float64)
    candidates = ((body @ body.T) >= candidate_similarity) + ((proper @ proper.T) >= candidate_similarity)
    if len(vectors) > 1:                               # near-identical leads, even without shared words
        candidates = candidates + NearestNeighbors(
            radius=1.0 - BARE_CANDIDATE_SIMILARITY, metric="cosine", algorithm="brute",
        ).fit(vectors).radius_neighbors_graph(vectors, mode="connectivity").astype(bool)
    coo = coo_matrix(candidates)
    keep = coo.row < coo.col
    left, right = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64)
    order = np.lexsort((right, left))
    left, right = left[order], right[order]

    def at(matrix: csr_matrix) -> np.ndarray:
        # row-wise dot products of the pairs, without forming the n x n product, a block of pairs at a
        # time: all pairs at once held ~1.6 GB of sparse rows on the real-news corpus (issue 12)
        out = np.zeros(len(left), dtype=np.float64)
        for lo in range(0, len(left), PAIR_BLOCK):
            a, b = left[lo:lo + PAIR_BLOCK], right[lo:lo + PAIR_BLOCK]
            out[lo:lo + len(a)] = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel()
        return out

    def cosine() -> np.ndarray:
        out = np.zeros(len(left), dtype=np.float64)
        for lo in range(0, len(left), PAIR_BLOCK):
            a, b = left[lo:lo + PAIR_BLOCK], right[lo:lo + PAIR_BLOCK]
            out[lo:lo + len(a)] = np.einsum("ij,ij->i", vectors[a], vectors[b])
        return out

    def pairwise(values: Sequence[object], fn: Callable[[Any, Any], float]) -> np.ndarray:
        return np.array([fn(values[i], values[j]) for i, j in zip(left.tolist(), right.tolist(),
                                                                  strict=True)], dtype=np.float64)

    age_sets = [ages(d) for d in whole]
    street_sets = [streets(d) for d in whole]
    dates = [mentioned_days(p, f"{t}\n{x}") for p, t, x in zip(articles["published_at"], titles, texts,
                                                                strict=True)]
    published = _days(articles)
    gap = np.abs(published[left] - published[right]) if len(left) else np.zeros(0)
    sources = articles["source"].to_numpy()
    features: dict[str, Callable[[], np.ndarray]] = {
        "body": lambda: at(body), "title": lambda: at(_tfidf(titles, stop_words="english")),
        "proper": lambda: at(proper),
        "proper_lead": lambda: at(_tfidf([" ".join(proper_words(d)) for d in leads], token_pattern=r"\S+",
                                         lowercase=False)),
        "names": lambda: at(_tfidf([" ".join(names(d)) for d in whole], token_pattern=r"\S+",
                                   lowercase=False)),
        "lead_words": lambda: at(_tfidf(leads, stop_words="english")),
        "lead_embedding": cosine,
        "ages_shared": lambda: pairwise(age_sets, _jaccard),
        "ages_conflict": lambda: pairwise(age_sets, lambda a, b: float(bool(a and b and not a & b))),
        "streets_shared": lambda: pairwise(street_sets, _jaccard),
        "streets_conflict": lambda: pairwise(street_sets, lambda a, b: float(bool(a and b and not a & b))),
        "log_closest_days": lambda: np.log1p(pairwise(dates, _closest)),
        "log_days": lambda: np.log1p(np.where(np.isnan(gap), UNKNOWN_DAYS, gap)),
        "same_source": lambda: (sources[left] == sources[right]).astype(np.float64),
    }
    columns = {}
    for name in FEATURES:                     # one step of the bar per feature of every candidate pair
        columns[name] = features[name]()
        progress.update()
    values = np.column_stack([columns[f] for f in FEATURES]) if len(left) else \
        np.zeros((0, len(FEATURES)))
    specific = np.array([bool(proper_words(d) or names(d) or a or st) for d, a, st in
                         zip(whole, age_sets, street_sets, strict=True)], dtype=bool)
    bare = ~specific[left] & ~specific[right] if len(left) else np.zeros(0, dtype=bool)
    return PairFeatures(left=left, right=right, values=values, bare=bare)


def link_events(n: int, pairs: PairFeatures, probability: np.ndarray,
                distance_threshold: float) -> np.ndarray:
    """Average-linkage events over ``1 - probability`` of the candidate pairs.

    Exact for the candidates (other pairs are at distance 1): merges at
    average distance <= t only join groups with at least one pair within t, so
    clusters never span two components of the graph of such pairs, and each
    component is clustered densely on its own.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    close = probability >= 1.0 - distance_threshold - 1e-12
    graph = coo_matrix((np.ones(int(close.sum())), (pairs.left[close], pairs.right[close])),
                       shape=(n, n))
    _, component = connected_components(graph, directed=False)
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
        if len(members) == 1:
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
    return relabel_by_first_appearance(labels)


def group_events(articles: pd.DataFrame, lead_vectors: np.ndarray, model: EventModel, *,
                 kept_text: Sequence[str] | None = None, show_progress: bool = False) -> np.ndarray:
    """Event id of each article (numbered by first appearance)."""
    with Progress(len(FEATURES) + 1, "events", enabled=show_progress and len(articles) > 1, unit="step") as bar:
        pairs = pair_features(articles, lead_vectors, kept_text=kept_text,
                              candidate_similarity=model.candidate_similarity, progress=bar)
        labels = link_events(len(articles), pairs, model.pair_probability(pairs), model.distance_threshold)
        bar.update()
    return labels


def event_table(articles: pd.DataFrame, events: np.ndarray) -> pd.DataFrame:
    """One row per event: the rows of ``events.jsonl``."""
    rows = []
    frame = articles.assign(event_id=events)
    for event_id, group in frame.groupby("event_id", sort=True):
        counts: Counter[str] = Counter()
        for title, text in zip(group["title"], group["text"], strict=True):
            counts.update(proper_words(f"{title if isinstance(title, str) else ''}\n{text}"))
        top = [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        times = group["published_at"].dropna()
        titles = group.sort_values(["published_at", "article_id"], na_position="last")["title"].dropna()
        label = titles.iloc[0] if len(titles) else ", ".join(top[:3]) or f"event {event_id}"
        rows.append({
            "event_id": int(event_id), "label": label, "n_articles": len(group),
            "sources": sorted(set(group["source"])), "article_ids": sorted(group["article_id"]),
            "first_seen": times.min().isoformat() if len(times) else None,
            "last_seen": times.max().isoformat() if len(times) else None,
            "entities": top,
        })
    return pd.DataFrame(rows, columns=["event_id", "label", "n_articles", "sources", "article_ids",
                                       "first_seen", "last_seen", "entities"])


def fit_event_model(features: np.ndarray, same_event: np.ndarray, *,
                    names: Sequence[str] = FEATURES,
                    regularisation: float = 1.0) -> tuple[dict[str, float], float]:
    """Logistic weights of the feature columns ``names`` from labelled candidate pairs.

    Used by ``benchmarks/tune_events.py`` on real news with gold incidents;
    returns ``(weights, intercept)`` for :class:`EventModel`.
    """
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=regularisation, max_iter=5000).fit(features, same_event)
    weights = {f: float(w) for f, w in zip(names, model.coef_[0], strict=True)}
    return weights, float(model.intercept_[0])


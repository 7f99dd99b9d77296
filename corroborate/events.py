"""Anchor every article to the event it reports, before claims are grouped.

Sentences that say the same words about *different* events ("No arrests have
been made.", "A crash on Main Street killed two people") look corroborated
by many outlets if claims are clustered across the whole corpus. So articles
are grouped into events first, and claims are clustered only within an event.

Two articles report one event when

* their leads (title and first sentences, :func:`lead_text`) are close in
  embedding space (cosine distance <= ``distance_threshold``), or name two or
  more of the same people, organisations or places, and
* they were published within ``window_days`` of each other (unknown dates do
  not block), and
* their places do not conflict (:class:`Places`): when both name towns or
  regions (spaCy GPE and LOC entities) they share one; when not, and both
  name streets, they share a street. A shared street alone never joins two
  reports: "Main Street" is in every town.

Events are the connected components of that sparse graph (copies of one
story have near-identical leads, so they join through it; an explicit copy
edge would also join template-written reports of different events); an article that names no place
links only to its single nearest candidate, so it cannot bridge two events.

A claim is **generic** when claims within ``claim_threshold`` of it, with
the same specifics (proper nouns, numbers), come from ``generic_min_events``
or more different events: procedural sentences ("The investigation is
ongoing") that cannot corroborate anything.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.neighbors import NearestNeighbors

from .attribution import nlp
from .claims import split_sentences
from .cluster import relabel_by_first_appearance

# towns and regions identify an event; streets and buildings recur across towns
_PLACE_LABELS = ("GPE", "LOC")
_OTHER_LABELS = ("PERSON", "ORG", "FAC")
_STREET = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+)\s+(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|"
                     r"Drive|Lane|Boulevard|Blvd\.|Highway|Way|Place|Court)\b")
_PROPER_OR_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                               r"twelve|twenty|hundred|thousand|dozens?)\b", re.IGNORECASE)
LEAD_SENTENCES = 3


def lead_text(title: Any, text: str, sentences: int = LEAD_SENTENCES) -> str:
    """Title and first sentences: where a report says what, where and when.

    Embedded whole to compare articles. Tried and measured
    (benchmarks/RESULTS.md): shorter leads (title and one sentence) or the mean
    of the already-computed claim vectors cost less but split the example
    corpus's varied reports of one event, or merged the generated corpus's
    similar events, at every threshold."""
    first = [s.text for s in split_sentences(text)[:sentences]]
    head = [title] if isinstance(title, str) and title else []
    return " ".join(head + first)


@dataclass(frozen=True)
class Places:
    """Where a report says its event happened."""

    towns: frozenset[str]       # spaCy GPE and LOC: towns, regions, countries
    streets: frozenset[str]     # street names: weaker, they recur across towns

    def conflicts(self, other: Places) -> bool:
        """Different towns; or, when no town is known on both sides, different streets.
        A shared street alone never makes two reports one event."""
        if self.towns and other.towns:
            return self.towns.isdisjoint(other.towns)
        if self.streets and other.streets:
            return self.streets.isdisjoint(other.streets)
        return False

    def __bool__(self) -> bool:
        return bool(self.towns or self.streets)


def key_entities(leads: Sequence[str]) -> tuple[list[Places], list[Counter[str]]]:
    """(places, all named entities with counts) of each lead."""
    places, entities = [], []
    for doc in nlp().pipe(leads, batch_size=64):
        towns = frozenset(e.text.casefold() for e in doc.ents if e.label_ in _PLACE_LABELS)
        streets = frozenset(m.group(0).casefold() for m in _STREET.finditer(doc.text))
        places.append(Places(towns, streets))
        entities.append(Counter(e.text for e in doc.ents if e.label_ in _PLACE_LABELS + _OTHER_LABELS))
    return places, entities


def _shared_entity_pairs(entities: Sequence[Counter[str]], min_shared: int) -> list[tuple[int, int]]:
    """Pairs of articles whose leads share ``min_shared`` or more named entities (sparse product)."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, counts in enumerate(entities):
        for name in {e.casefold() for e in counts}:
            rows.append(i)
            cols.append(vocabulary.setdefault(name, len(vocabulary)))
    if not rows:
        return []
    incidence = coo_matrix((np.ones(len(rows)), (rows, cols)),
                           shape=(len(entities), len(vocabulary))).tocsr()
    shared = (incidence @ incidence.T).tocoo()
    return [(i, j) for i, j, v in zip(shared.row.tolist(), shared.col.tolist(), shared.data.tolist(),
                                      strict=True) if i < j and v >= min_shared]


def _spans_places(candidates: Sequence[Places]) -> bool:
    """Could these articles lie in different places? Linear: true unless all the
    known towns (or, without towns, all the known streets) share one name."""
    towns = [p.towns for p in candidates if p.towns]
    if len(towns) > 1 and not frozenset.intersection(*towns):
        return True
    streets = [p.streets for p in candidates if p.streets and not p.towns]
    return len(streets) > 1 and not frozenset.intersection(*streets)


def group_events(articles: pd.DataFrame, lead_vectors: np.ndarray, places: Sequence[Places], *,
                 distance_threshold: float, window_days: float,
                 entities: Sequence[Counter[str]] | None = None, min_shared_entities: int = 2) -> np.ndarray:
    """Event id of each article (numbered by first appearance)."""
    n = len(articles)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = NearestNeighbors(radius=distance_threshold, metric="cosine", algorithm="brute") \
        .fit(lead_vectors).radius_neighbors_graph(lead_vectors, mode="distance").tocoo()
    # a second way in: leads naming the same people, organisations or places
    if entities is not None:
        pairs = _shared_entity_pairs(entities, min_shared_entities)
        if pairs:
            extra = coo_matrix((np.full(len(pairs), distance_threshold),
                                ([i for i, _ in pairs], [j for _, j in pairs])), shape=(n, n))
            graph = coo_matrix((np.r_[graph.data, extra.data], (np.r_[graph.row, extra.row],
                                                                np.r_[graph.col, extra.col])), shape=(n, n))
    times = pd.to_datetime(articles["published_at"], utc=True)
    days = ((times - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() / 86400.0).to_numpy()
    rows, cols = [], []
    placeless: dict[int, list[tuple[float, int]]] = {}
    for i, j, d in zip(graph.row.tolist(), graph.col.tolist(), graph.data.tolist(), strict=True):
        if i == j:
            continue
        if not (np.isnan(days[i]) or np.isnan(days[j])) and abs(days[i] - days[j]) > window_days:
            continue
        if places[i].conflicts(places[j]):
            continue                                         # different places: different events
        if not places[i]:
            placeless.setdefault(i, []).append((d, j))
            continue
        rows.append(i)
        cols.append(j)
    for i, candidates in placeless.items():
        candidates.sort()
        others = [j for _, j in candidates]
        bridging = _spans_places([places[j] for j in others])
        # a report naming no place joins all its neighbours, unless they are in different
        # places: then only the nearest, so it cannot bridge two events
        for j in (others[:1] if bridging else others):
            rows.append(i)
            cols.append(j)
    adjacency = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, component = connected_components(adjacency, directed=False)
    return relabel_by_first_appearance(component)


def event_table(articles: pd.DataFrame, events: np.ndarray,
                entities: Sequence[Counter[str]]) -> pd.DataFrame:
    """One row per event: the rows of ``events.jsonl``."""
    rows = []
    frame = articles.assign(event_id=events, _entities=list(entities))
    for event_id, group in frame.groupby("event_id", sort=True):
        counts: Counter[str] = Counter()
        for c in group["_entities"]:
            counts.update(c)
        top = [name for name, _ in counts.most_common(5)]
        times = group["published_at"].dropna()
        titles = group.sort_values("published_at", na_position="last")["title"].dropna()
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


def specifics(text: str) -> frozenset[str]:
    """The specifics a sentence carries: numbers, number words, and capitalised
    words after the first ("Ashford", "Main", "Red", "Cross")."""
    words = [w.strip("\"'“”‘’(),.;:!?") for w in text.split()]
    found = {w.casefold() for w in words[1:] if w[:1].isupper() and w.isalpha()}
    found |= {m.group(0).casefold() for m in _PROPER_OR_NUMBER.finditer(text)}
    return frozenset(found)


def is_specific(text: str) -> bool:
    """Does a sentence carry specifics (a proper noun after the first word, a number)?"""
    return bool(specifics(text))


def generic_span(texts: Sequence[str], embeddings: np.ndarray, claim_events: np.ndarray, *,
                 claim_threshold: float, min_events: int) -> np.ndarray:
    """How many events a *generic* claim spans, 0 for the others.

    Generic: within ``claim_threshold`` of claims from ``min_events`` or more
    events that carry the *same specifics* (:func:`specifics`). "No arrests
    have been made." and "The Red Cross is assisting the displaced residents."
    recur unchanged; "A crash on Main Street in Ashford killed two people"
    recurs as a template, but each event names its own town and count, so it
    is not generic.
    """
    n = len(claim_events)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    graph = NearestNeighbors(radius=claim_threshold, metric="cosine", algorithm="brute") \
        .fit(embeddings).radius_neighbors_graph(embeddings, mode="connectivity").tocsr()
    signature = [specifics(t) for t in texts]
    span = np.zeros(n, dtype=np.int64)
    for i in range(n):
        neighbours = graph.indices[graph.indptr[i]:graph.indptr[i + 1]]
        same = {int(claim_events[j]) for j in neighbours if signature[j] == signature[i]}
        same.add(int(claim_events[i]))
        if len(same) >= min_events:
            span[i] = len(same)
    return span


_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)", re.IGNORECASE)


def fact_anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(streets, clock times) a claim states: facts that tell events apart."""
    streets = frozenset(m.group(0).casefold() for m in _STREET.finditer(text))
    times = frozenset(re.sub(r"\s+", "", m.group(0).casefold()) for m in _CLOCK.finditer(text))
    return streets, times


def split_conflicting_facts(labels: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Split clusters whose claims name different streets or different clock times.

    "The crash happened around 9 p.m. on Main Street" and "... around 11:30
    p.m. on 5th Avenue" share their wording, not their facts. Claims naming
    neither stay with the largest part. Conflicting *numbers* are not split:
    that is what numeric agreement scores. Labels are renumbered by first
    appearance.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    anchors = [fact_anchors(t) for t in texts]
    next_label = int(labels.max()) + 1 if len(labels) else 0
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < 2:
            continue
        keys: dict[tuple[frozenset[str], frozenset[str]], list[int]] = {}
        for m in members:
            if anchors[m][0] or anchors[m][1]:
                keys.setdefault(anchors[m], []).append(int(m))
        if len(keys) < 2:
            continue
        # keys that do not conflict (one has no street or no time where the other has) merge
        merged: list[tuple[tuple[frozenset[str], frozenset[str]], list[int]]] = []
        for key, group in sorted(keys.items(), key=lambda kv: (-len(kv[1]), kv[1][0])):
            for other_key, other in merged:
                streets_clash = key[0] and other_key[0] and key[0].isdisjoint(other_key[0])
                times_clash = key[1] and other_key[1] and key[1].isdisjoint(other_key[1])
                if not (streets_clash or times_clash):
                    other.extend(group)
                    break
            else:
                merged.append((key, list(group)))
        for _, group in merged[1:]:
            labels[group] = next_label
            next_label += 1
    return relabel_by_first_appearance(labels)

"""Generic sentences: wording that recurs across many events and so cannot corroborate.

"No arrests have been made." and "The investigation is ongoing, police said."
appear unchanged in reports of many different events. A claim is **generic**
when claims within ``claim_threshold`` of it, with the same specifics (proper
nouns, numbers), come from ``min_events`` or more different events. Such a
claim earns nothing from its sources (:mod:`corroborate.scoring.score`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn import config_context
from sklearn.neighbors import NearestNeighbors

#: scratch memory of one block of pairwise distances
NEIGHBOUR_MEMORY_MIB = 64

_PROPER_OR_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                               r"twelve|twenty|hundred|thousand|dozens?)\b", re.IGNORECASE)


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
                 claim_threshold: float, min_events: int,
                 exempt: np.ndarray | None = None) -> np.ndarray:
    """How many events a *generic* claim spans, 0 for the others.

    Generic: within ``claim_threshold`` of claims from ``min_events`` or more
    events that carry the *same specifics* (:func:`specifics`). "No arrests
    have been made." and "The Red Cross is assisting the displaced residents."
    recur unchanged; "A crash on Main Street in Ashford killed two people"
    recurs as a template, but each event names its own town and count, so it
    is not generic. Claims marked ``exempt`` (those that state one of their
    event's figures: "No injuries were reported" is a count of zero) are never generic.
    """
    n = len(claim_events)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # scikit-learn computes the distances a block of rows at a time, within working_memory MiB
    # (its default, 1 GiB, made this the peak of a real-news run: issue 12); same graph
    with config_context(working_memory=NEIGHBOUR_MEMORY_MIB):
        graph = NearestNeighbors(radius=claim_threshold, metric="cosine", algorithm="brute") \
            .fit(embeddings).radius_neighbors_graph(embeddings, mode="connectivity").tocsr()
    signature = [specifics(t) for t in texts]
    span = np.zeros(n, dtype=np.int64)
    for i in range(n):
        neighbours = graph.indices[graph.indptr[i]:graph.indptr[i + 1]]
        same = {int(claim_events[j]) for j in neighbours if signature[j] == signature[i]}
        same.add(int(claim_events[i]))
        if len(same) >= min_events and not (exempt is not None and exempt[i]):
            span[i] = len(same)
    return span

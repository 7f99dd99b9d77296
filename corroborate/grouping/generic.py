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
import pandas as pd

from ..neighbours import within
from ..ties import unit_rows

#: beyond :data:`corroborate.neighbours.EXACT_LIMIT` claims of one set of specifics, the
#: nearest this many of each claim are searched (an approximate index) instead of all pairs
GENERIC_NEIGHBOURS = 64

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

    Only claims of one set of specifics are compared, each set searched on its own
    (:func:`corroborate.neighbours.within`), and a text repeated is searched once (the vectors
    of one text are one vector: the embedder is a function of the text): the work grows with
    the square of the largest set of distinct texts, not of the corpus, and is bounded beyond
    ``EXACT_LIMIT`` texts.
    """
    n = len(claim_events)
    span = np.zeros(n, dtype=np.int64)
    if n == 0:
        return span
    # one sentence repeated (stock wording, wire copies) is one vector: searched once, with the
    # events of all its claims
    code, _ = pd.factorize(pd.Series(list(texts), dtype=object), sort=False)
    first = np.unique(code, return_index=True)[1]                  # a claim of each distinct text
    pairs = np.unique(np.stack([code, np.asarray(claim_events, dtype=np.int64)]), axis=1)
    ptr = np.r_[0, np.cumsum(np.bincount(pairs[0], minlength=len(first)))]
    events_of = pairs[1]                                           # text u's events: events_of[ptr[u]:ptr[u+1]]
    vectors = unit_rows(embeddings[first])
    # only texts with the same specifics can make each other generic: search within those blocks
    block_of, _ = pd.factorize(pd.Series([specifics(texts[i]) for i in first], dtype=object), sort=False)
    text_span = np.zeros(len(first), dtype=np.int64)
    block_events = np.bincount(np.unique(np.stack([block_of[pairs[0]], pairs[1]]), axis=1)[0],
                               minlength=int(block_of.max()) + 1)
    candidates = np.flatnonzero(block_events[block_of] >= min_events)     # blocks naming enough events
    members = pd.Series(candidates).groupby(block_of[candidates], sort=True).indices
    for positions in members.values():
        rows = candidates[positions]
        a, b = within(vectors[rows], 1.0 - claim_threshold, cap=GENERIC_NEIGHBOURS)
        u = rows[np.concatenate([np.arange(len(rows)), a])]            # each text with itself and its neighbours
        v = rows[np.concatenate([np.arange(len(rows)), b])]
        lengths = ptr[v + 1] - ptr[v]
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        seen = np.unique(np.stack([np.repeat(u, lengths), events_of[np.repeat(ptr[v], lengths) + offsets]]), axis=1)
        count = np.bincount(seen[0], minlength=len(first))[rows]
        text_span[rows] = np.where(count >= min_events, count, 0)
    span = text_span[code]
    if exempt is not None:
        span[np.asarray(exempt, dtype=bool)] = 0
    return span
    events = np.asarray(claim_events, dtype=np.int64)
    vectors = unit_rows(embeddings)
    # only claims with the same specifics can make each other generic: search within those blocks
    block_of, _ = pd.factorize(pd.Series([specifics(t) for t in texts], dtype=object), sort=False)
    pairs = np.unique(np.stack([block_of, events]), axis=1)
    spanning = np.flatnonzero(np.bincount(pairs[0], minlength=block_of.max() + 1) >= min_events)
    candidates = np.flatnonzero(np.isin(block_of, spanning))        # blocks naming enough events
    members = pd.Series(candidates).groupby(block_of[candidates], sort=True).indices
    for positions in members.values():
        rows = candidates[positions]
        a, b = within(vectors[rows], 1.0 - claim_threshold, cap=GENERIC_NEIGHBOURS)
        # each claim's own event, and the events of its neighbours: distinct (claim, event) pairs
        who = np.concatenate([np.arange(len(rows)), a])
        seen = np.unique(np.stack([who, events[rows][np.concatenate([np.arange(len(rows)), b])]]), axis=1)
        count = np.bincount(seen[0], minlength=len(rows))
        hit = count >= min_events
        span[rows[hit]] = count[hit]
    if exempt is not None:
        span[np.asarray(exempt, dtype=bool)] = 0
    return span

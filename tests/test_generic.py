"""Generic wording found by a blocked neighbour search gives what an all-pairs search gave."""

from __future__ import annotations

import numpy as np
import pytest

from corroborate import neighbours as nb
from corroborate.grouping.generic import generic_span, specifics

TEMPLATES = ["No arrests have been made.", "The investigation is ongoing, police said.",
             "Anyone with information is asked to call police.", "A crash on Main Street in {town} killed {n}.",
             "The Red Cross is assisting the displaced residents.", "Police did not release the names of {n}."]
TOWNS = ["Ashford", "Bexley", "Carlow", "Dunmore"]


TAILS = ["", " Officials said.", " Police said.", " A spokesman said.", " Witnesses said.", " Reports said.",
         " The sheriff said.", " Neighbours said.", " The mayor said.", " A source said."]


def _corpus(seed: int, n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Sentences of a few templates over many events. A text's vector is its template's direction
    plus noise drawn from the text itself: one text, one vector, as an embedder gives."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(len(TEMPLATES), 24))
    texts, vectors = [], []
    for _ in range(n):
        t = int(rng.integers(len(TEMPLATES)))
        text = TEMPLATES[t].format(town=TOWNS[int(rng.integers(4))], n=["two", "three"][int(rng.integers(2))])
        text += TAILS[int(rng.integers(len(TAILS)))]
        texts.append(text)
        noise = np.random.default_rng(abs(hash((seed, text))) % 2**32).normal(scale=0.8, size=24)
        vectors.append(directions[t] + noise)
    v = np.asarray(vectors)
    return texts, v / np.linalg.norm(v, axis=1, keepdims=True), rng.integers(0, n // 4, n)


def _all_pairs(texts: list[str], vectors: np.ndarray, events: np.ndarray, threshold: float,
               min_events: int, exempt: np.ndarray) -> np.ndarray:
    """The definition, over every pair: the events of the claims within ``threshold`` with the same specifics."""
    sims = vectors @ vectors.T
    signature = [specifics(t) for t in texts]
    span = np.zeros(len(texts), dtype=np.int64)
    for i in range(len(texts)):
        same = {int(events[j]) for j in np.flatnonzero(1.0 - sims[i] <= threshold) if signature[j] == signature[i]}
        same.add(int(events[i]))
        if len(same) >= min_events and not exempt[i]:
            span[i] = len(same)
    return span


@pytest.mark.parametrize("seed", [0, 1])
def test_the_blocked_search_equals_the_all_pairs_definition(seed: int) -> None:
    texts, vectors, events = _corpus(seed, 800)
    exempt = np.arange(800) % 17 == 0
    expected = _all_pairs(texts, vectors, events, 0.25, 3, exempt)
    found = generic_span(texts, vectors, events, claim_threshold=0.25, min_events=3, exempt=exempt)
    assert np.array_equal(found, expected)
    assert (found > 0).sum() > 100 and (found == 0).sum() > 100        # both kinds are there to be found
    # a template naming its own town and count is generic only among sentences naming the same
    crash = [i for i, t in enumerate(texts) if t.startswith("A crash")]
    assert len({specifics(texts[i]) for i in crash}) >= 8


def test_beyond_the_exact_limit_the_approximate_search_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faiss")
    texts, vectors, events = _corpus(2, 1500)
    exact = generic_span(texts, vectors, events, claim_threshold=0.25, min_events=3)
    monkeypatch.setattr(nb, "EXACT_LIMIT", 50)
    monkeypatch.setattr(nb, "SCAN_PAIRS", 0)                       # the index, not a scan
    approximate = generic_span(texts, vectors, events, claim_threshold=0.25, min_events=3)
    # the nearest 64 of each claim hold at least 3 events wherever all pairs do
    assert np.mean((approximate > 0) == (exact > 0)) >= 0.99
    assert np.all(approximate <= exact)

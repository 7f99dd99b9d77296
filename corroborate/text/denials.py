"""Link each denial to the claim it denies.

"Kremlin spokesman Dmitry Peskov denied that North Korean troops had been
deployed to Russia" sits in a cluster of its own (negation barely moves an
embedding, but its wording differs). Its denied clause (``content``, from
:mod:`corroborate.text.attribution`) is embedded and linked to the nearest
non-denying claim of its own event within ``threshold`` cosine distance in another cluster, so
the report shows the claim and its denial together and the confidence counts
the denial (``contested``). The nearest claims come from one bounded search
(:func:`corroborate.neighbours.nearest`) within each event, never a table of every denial
against every claim: the work grows with the corpus and the size of its events.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from ..embed.base import Embedder
from ..neighbours import nearest
from ..ties import SIMILARITY_TIE, unit_rows

#: the nearest asserting claims searched for each denial; the one linked is the first (lowest
#: row) within ``SIMILARITY_TIE`` of the best, as long as fewer near ties than this exist
DENIAL_CANDIDATES = 64

#: the fields of a denying claim that a linked cluster needs
DENIAL_FIELDS = ("claim_id", "source", "attributed_to", "copy_kind", "copy_name", "text")


def link_denials(claims: pd.DataFrame, content: pd.Series, embeddings: np.ndarray,
                 embedder: Embedder, *, threshold: float) -> dict[int, list[dict[str, Any]]]:
    """``cluster_id -> [denying claim records]`` (records: :data:`DENIAL_FIELDS`).

    ``content`` is the denied clause of each claim (``None`` when it does not deny). A denial
    is linked only to a claim of its own event (``event_id``, when the claims carry one): a
    judge who "denied both men bail" in one shooting does not contest "Both were held
    without bail" in another, and the search is bounded by the size of an event.
    """
    is_denial = (claims["stance"] == "denied").to_numpy(dtype=bool)
    has_content = np.array([isinstance(c, str) and bool(c) for c in content], dtype=bool)
    denied = np.flatnonzero(is_denial & has_content)
    asserting = np.flatnonzero(~is_denial)
    links: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not len(denied) or not len(asserting):
        return links
    vectors = unit_rows(embedder.encode([str(content.iloc[i]) for i in denied]))
    events = (claims["event_id"].to_numpy() if "event_id" in claims.columns
              else np.zeros(len(claims), dtype=np.int64))
    cluster = claims["cluster_id"].to_numpy(dtype=np.int64)
    for row, target, similarity in _nearest_in_event(vectors, events[denied], embeddings, asserting,
                                                      events[asserting], threshold):
        i = denied[row]
        if 1.0 - similarity <= threshold and cluster[i] != cluster[target]:
            record = claims.iloc[i]
            links[int(cluster[target])].append(
                {f: (record[f] if isinstance(record[f], str) else None) for f in DENIAL_FIELDS})
    return links


def _nearest_in_event(vectors: np.ndarray, denial_events: np.ndarray, embeddings: np.ndarray,
                      asserting: np.ndarray, asserting_events: np.ndarray,
                      threshold: float) -> list[tuple[int, int, float]]:
    """``(denial row, claim row, similarity)`` of the nearest asserting claim of each denial's
    event within the link threshold (and its near ties: the first of them, so no CPU decides),
    in the order of the denials."""
    found: list[tuple[int, int, float]] = []
    by_event = pd.Series(np.arange(len(asserting))).groupby(asserting_events, sort=False).indices
    for event, rows in pd.Series(np.arange(len(vectors))).groupby(denial_events, sort=False).indices.items():
        base = asserting[np.sort(by_event[event])] if event in by_event else asserting[:0]
        if not len(base):
            continue
        # only a claim within the threshold can be linked; near ties of it are searched too
        hit_rows, cols, sims = nearest(vectors[rows], embeddings[base], DENIAL_CANDIDATES,
                                       radius=1.0 - threshold - SIMILARITY_TIE)
        starts = np.searchsorted(hit_rows, np.arange(len(rows) + 1))
        for local, row in enumerate(rows):
            hits, scores = cols[starts[local]:starts[local + 1]], sims[starts[local]:starts[local + 1]]
            if len(hits):
                best = int(hits[scores >= scores.max() - SIMILARITY_TIE].min())
                found.append((int(row), int(base[best]), float(scores[hits == best][0])))
    return sorted(found)

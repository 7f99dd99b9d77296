"""Numeric claims grouped by what they count.

Within one event, every claim that states the number killed (or injured,
arrested, troops, homes...) bears on one figure, however it is worded ("2
dead in shooting", "two people were killed", "the attack left two dead"). Text
similarity keeps such claims apart; here they meet in one **figure cluster**
per event, so their figures reach one consensus and their sources corroborate
each other (and dissent shows).

A claim that counts several things ("1 killed, 11 injured") joins the figures
of all of them: within an event, claims are linked when they count a unit in
common, and each connected group is one cluster. Only specific counted units
group claims: a unit listed in ``data/units.toml`` ``[figures] not_grouped``
("people", which says nothing about what happened to them), unlisted plural
nouns, money, percentages and durations stay with their text clusters.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..lexicons import data_file


@lru_cache(maxsize=1)
def figure_units() -> frozenset[str]:
    """Units whose claims form one figure per event: the canonical units of the
    lexicons (``units.toml``, ``counts.toml``) except those not grouped."""
    units = data_file("units.toml")
    counts = data_file("counts.toml")
    names = set(units["units"]) | set(units["predicates"]) | set(counts["outcomes"])
    return frozenset(names - set(units["figures"]["not_grouped"]))


def figure_claims(claims: pd.DataFrame, quantities: pd.DataFrame) -> dict[str, frozenset[str]]:
    """claim_id -> the figure units it counts (claims counting none are left out)."""
    grouped = figure_units()
    counted = quantities[(quantities["kind"] == "count") & quantities["unit"].isin(grouped)]
    out: dict[str, set[str]] = defaultdict(set)
    for claim_id, unit in zip(counted["claim_id"], counted["unit"], strict=True):
        out[str(claim_id)].add(str(unit))
    return {c: frozenset(u) for c, u in out.items()}


def group_figures(labels: np.ndarray, claims: pd.DataFrame, quantities: pd.DataFrame) -> np.ndarray:
    """Labels with each event's counting claims moved into figure clusters.

    ``claims`` needs ``claim_id`` and ``event_id`` (row i is label i). Claims
    that count nothing keep their text cluster. Labels are renumbered by first
    appearance.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    units_of = figure_claims(claims, quantities)
    if not units_of:
        return pd.factorize(labels)[0] if len(labels) else labels
    node_of: dict[tuple[int, str], int] = {}
    rows, links = [], []
    for row, (claim_id, event) in enumerate(zip(claims["claim_id"], claims["event_id"], strict=True)):
        units = units_of.get(str(claim_id))
        if not units:
            continue
        nodes = [node_of.setdefault((int(event), u), len(node_of)) for u in sorted(units)]
        links += [(nodes[0], other) for other in nodes[1:]]
        rows.append((row, nodes[0]))
    # a claim counting two units joins their figures: the connected (event, unit) pairs are one cluster
    a, b = zip(*links, strict=True) if links else ((), ())
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(node_of), len(node_of)))
    _, figure = connected_components(graph, directed=False)
    next_label = int(labels.max()) + 1
    for row, node in rows:
        labels[row] = next_label + figure[node]
    return pd.factorize(labels)[0]

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

A threshold ("the 60 votes needed") is a figure of its own, apart from the tally of its unit
("50 votes cast"): figures are keyed by the unit they are compared under
(:func:`corroborate.text.measures.compared_unit`).

A figure is the count of one referent (:mod:`corroborate.text.referents`): when the claims of an
event count the killed of two sides ("219 Palestinians", "12 people in Israel"), each side is
its own figure, so one never shows as dissent against the other (:func:`referent_groups`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..lexicons import data_file
from ..text.measures import compared_unit
from ..text.referents import referent_words, same_referent, scope_words

#: how far a figure naming no referent may lie outside the span of one referent's figures and join it
SPAN_TOLERANCE = 0.1


@lru_cache(maxsize=1)
def figure_units() -> frozenset[str]:
    """Units whose claims form one figure per event: the canonical units of the
    lexicons (``units.toml``, ``counts.toml``) except those not grouped."""
    units = data_file("units.toml")
    counts = data_file("counts.toml")
    names = set(units["units"]) | set(units["predicates"]) | set(counts["outcomes"])
    return frozenset(names - set(units["figures"]["not_grouped"]))


def counted_figures(quantities: pd.DataFrame) -> pd.DataFrame:
    """The quantities that state a figure: counts of a unit of :func:`figure_units`."""
    return quantities[(quantities["kind"] == "count") & quantities["unit"].isin(figure_units())]


def figure_claims(claims: pd.DataFrame, quantities: pd.DataFrame) -> dict[str, frozenset[str]]:
    """claim_id -> the figure units it counts (claims counting none are left out)."""
    counted = counted_figures(quantities)
    out: dict[str, set[str]] = defaultdict(set)
    for claim_id, unit in zip(counted["claim_id"], counted["unit"], strict=True):
        out[str(claim_id)].add(str(unit))
    return {c: frozenset(u) for c, u in out.items()}


def group_figures(labels: np.ndarray, claims: pd.DataFrame, quantities: pd.DataFrame) -> np.ndarray:
    """Labels with each event's counting claims moved into figure clusters.

    ``claims`` needs ``claim_id``, ``event_id`` and ``text`` (row i is label i). Claims that
    count nothing keep their text cluster; so does a claim whose figure cannot be told to count
    one referent (:func:`referent_groups`). Labels are renumbered by first appearance.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    counted = counted_figures(quantities)
    if counted.empty:
        return pd.factorize(labels)[0] if len(labels) else labels
    row_of = {str(c): i for i, c in enumerate(claims["claim_id"])}
    texts, events = claims["text"].tolist(), claims["event_id"].tolist()
    stated: dict[tuple[int, str], list[Stated]] = defaultdict(list)
    for q in counted.itertuples(index=False):
        row = row_of.get(str(q.claim_id))
        if row is not None:
            # "votes required" is no tally, and each threshold is its own figure
            unit = str(compared_unit(str(q.unit), getattr(q, "measure", None), float(q.value)))
            stated[(int(events[row]), unit)].append(Stated(
                row, float(q.value), float(q.low), float(q.high), referent_words(texts[row], int(q.start), int(q.end)),
                scope_words(texts[row], int(q.start))))
    node_of: dict[tuple[int, str, int], int] = {}
    nodes_of_row: dict[int, list[int]] = defaultdict(list)
    for (event, unit), figures in sorted(stated.items()):
        for row, group in sorted(referent_groups(figures).items()):
            nodes_of_row[row].append(node_of.setdefault((event, unit, group), len(node_of)))
    # a claim counting two things joins their figures: the connected (event, unit, referent) are one cluster
    links = [(nodes[0], other) for nodes in nodes_of_row.values() for other in nodes[1:]]
    a, b = zip(*links, strict=True) if links else ((), ())
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(node_of), len(node_of)))
    _, figure = connected_components(graph, directed=False)
    next_label = int(labels.max()) + 1
    for row in sorted(nodes_of_row):
        labels[row] = next_label + figure[nodes_of_row[row][0]]
    return pd.factorize(labels)[0]


@dataclass(frozen=True)
class Stated:
    """One figure a claim states for a unit: its row, its interval, the names of its referent and
    which of them are only its scope (the place it is counted in, not a people it counts)."""

    row: int
    value: float
    low: float
    high: float
    names: frozenset[str]
    scope: frozenset[str] = frozenset()


def referent_groups(figures: Sequence[Stated]) -> dict[int, int]:
    """Row -> referent group of the figures one event states for one unit.

    With one referent named (or none), every claim is one figure, as in local news ("two
    people were killed"). With two or more ("219 Palestinians", "12 people in Israel"), each
    is its own figure; a claim that names none joins the one referent whose stated figures'
    span (widened by :data:`SPAN_TOLERANCE`) its interval meets, and no figure when it fits none
    or several; a claim naming two referents for one unit joins none.

    With one referent named only as a scope ("In Chicago, ... 18 deaths") beside figures that
    name none ("189 people killed over the weekend"), the scoped figures are a part of the
    whole and their own figure when the two spans cannot agree (:func:`_scoped_part`).
    """
    stated_names: dict[int, list[frozenset[str]]] = defaultdict(list)
    for f in figures:
        stated_names[f.row].append(f.names)
    rows = sorted(stated_names)
    # a claim stating the unit for two referents ("219 Palestinians and 12 Israelis") is no one figure
    several = {r for r, sets in stated_names.items()
               if any(not same_referent(x, y) for i, x in enumerate(sets) if x for y in sets[i + 1:] if y)}
    names_of = {r: frozenset().union(*sets) for r, sets in stated_names.items() if r not in several}
    named = [r for r in rows if names_of.get(r)]
    index = {r: i for i, r in enumerate(named)}
    edges = [(index[x], index[y]) for i, x in enumerate(named) for y in named[i + 1:]
             if same_referent(names_of[x], names_of[y])]
    a, b = zip(*edges, strict=True) if edges else ((), ())
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(named), len(named)))
    n_groups, group = connected_components(graph, directed=False) if named else (0, np.zeros(0, dtype=np.int32))
    if n_groups == 1 and _scoped_part(figures, set(named), several):
        return {r: int(r in index) for r in rows if r not in several}     # the scoped part is 1
    if n_groups <= 1:
        return {r: 0 for r in rows}
    group = _merge_agreeing(group, named, figures)
    n_groups = int(group.max()) + 1
    if n_groups <= 1:
        return {r: 0 for r in rows}
    out = {r: int(group[index[r]]) for r in named}
    spans = _spans(out, figures, n_groups)
    for r in rows:
        if r in several or names_of.get(r):
            continue
        fits = {g for f in figures if f.row == r for g, (lo, hi) in spans.items()
                if f.low <= hi * (1 + SPAN_TOLERANCE) and lo * (1 - SPAN_TOLERANCE) <= f.high}
        if len(fits) == 1:
            out[r] = fits.pop()
    return out


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Can two spans of figures agree (each widened by :data:`SPAN_TOLERANCE`)?"""
    return (a[0] * (1 - SPAN_TOLERANCE) <= b[1] * (1 + SPAN_TOLERANCE)
            and b[0] * (1 - SPAN_TOLERANCE) <= a[1] * (1 + SPAN_TOLERANCE))


def _scoped_part(figures: Sequence[Stated], named: set[int], several: set[int]) -> bool:
    """Is the one named referent only a scope, its figures apart from every unnamed figure's?"""
    inside = [f for f in figures if f.row in named]
    outside = [f for f in figures if f.row not in named and f.row not in several]
    if not inside or not outside or any(not f.names or f.names != f.scope for f in inside):
        return False
    return not _meet((min(f.value for f in inside), max(f.value for f in inside)),
                     (min(f.value for f in outside), max(f.value for f in outside)))


def _spans(group_of: dict[int, int], figures: Sequence[Stated], n_groups: int) -> dict[int, tuple[float, float]]:
    """The smallest and largest figure each referent group states."""
    spans = {}
    for g in range(n_groups):
        values = [f.value for f in figures if group_of.get(f.row) == g]
        spans[g] = (min(values), max(values))
    return spans


def _merge_agreeing(group: np.ndarray, named: list[int], figures: Sequence[Stated]) -> np.ndarray:
    """Referent groups whose figures agree are one figure after all: "two Raleigh men" and "two
    people killed in Durham" count the same victims under two place names. Only groups whose
    figures cannot agree (their spans, widened by :data:`SPAN_TOLERANCE`, do not meet) stay apart."""
    n = int(group.max()) + 1
    spans = _spans({r: int(group[i]) for i, r in enumerate(named)}, figures, n)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if _meet(spans[a], spans[b])]
    x, y = zip(*pairs, strict=True) if pairs else ((), ())
    _, merged = connected_components(coo_matrix((np.ones(len(x)), (x, y)), shape=(n, n)), directed=False)
    return pd.factorize(merged[group])[0]

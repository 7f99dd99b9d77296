"""Numeric consensus: what the sources of one cluster jointly say a figure is, and who dissents.

Each source counts once, weighted by its learned reliability (truth discovery) shared among
the outlets of its copy group. :func:`numeric_consensus` gives, per unit, the consensus figure
(always one somebody stated), the interval the agreeing sources allow, the dissenters, and
whether the dissent is earlier reporting of a figure that changed (``evolving``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..times import iso_time


@dataclass(frozen=True)
class Dissent:
    source: str
    value: float
    low: float
    high: float
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class EvolutionStep:
    """One figure as it was reported over time."""

    value: float
    sources: tuple[str, ...]
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True)
class UnitConsensus:
    unit: str
    consensus: float
    low: float
    high: float
    agreement: float                 # reliability-weighted share of sources meeting the joint interval
    spread: float                    # median absolute deviation of the sources' values
    n_sources: int
    dissent: tuple[Dissent, ...] = ()
    evolving: bool = False           # the dissent is earlier reporting of a figure that changed
    evolution: tuple[EvolutionStep, ...] = ()
    # the same, over every figure a claim states (a source stating 2 and 56 disagrees with itself,
    # which its one value per source above cannot show)
    n_claims: int = 0
    claim_agreement: float = 1.0     # share of the claims' figures meeting the joint interval
    claim_spread: float = 0.0        # median absolute deviation of the claims' figures


def _bound(x: Any, missing: float) -> float:
    return missing if x is None else float(x)


def unit_from_dict(q: Mapping[str, Any]) -> UnitConsensus:
    return UnitConsensus(
        unit=str(q["unit"]), consensus=_bound(q["consensus"], math.inf), low=_bound(q["low"], -math.inf),
        high=_bound(q["high"], math.inf), agreement=float(q["agreement"]), spread=_bound(q["spread"], math.inf),
        n_sources=int(q["n_sources"]),
        dissent=tuple(Dissent(source=str(d["source"]), value=_bound(d["value"], math.inf),
                              low=_bound(d["low"], -math.inf), high=_bound(d["high"], math.inf),
                              claim_ids=tuple(d["claim_ids"])) for d in q.get("dissent", ())),
        evolving=bool(q.get("evolving", False)),
        n_claims=int(q.get("n_claims", 0)), claim_agreement=float(q.get("claim_agreement", 1.0)),
        claim_spread=_bound(q.get("claim_spread", 0.0), math.inf),
        evolution=tuple(EvolutionStep(value=_bound(e["value"], math.inf), sources=tuple(e["sources"]),
                                      first_seen=e["first_seen"], last_seen=e["last_seen"])
                        for e in q.get("evolution", ())))


def weighted_median(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Lower weighted median: the smallest value with at least half the weight at or below it.

    Always one of ``values``, so a consensus is a figure somebody stated.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        raise ValueError("weighted_median of no values")
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.argsort(v, kind="stable")
    cumulative = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cumulative, cumulative[-1] / 2.0)])


def _overlaps(low: float, high: float, joint_low: float, joint_high: float,
              tolerance: float, abs_tolerance: float = 0.0) -> bool:
    """Does a source's interval, widened by ``tolerance`` for rounding, meet the joint one?"""
    lo = low - abs(low) * tolerance - abs_tolerance
    hi = high + abs(high) * tolerance + abs_tolerance
    return lo <= joint_high and joint_low <= hi


def _evolution(names: list[str], values: list[float], first: dict[str, str | None],
               last: dict[str, str | None]) -> tuple[EvolutionStep, ...]:
    steps: dict[float, list[str]] = defaultdict(list)
    for name, value in zip(names, values, strict=True):
        steps[value].append(name)
    out = []
    for value, srcs in steps.items():
        firsts = [first[s] for s in srcs if first[s]]
        lasts = [last[s] for s in srcs if last[s]]
        out.append(EvolutionStep(value=value, sources=tuple(sorted(srcs)),
                                 first_seen=min(firsts) if firsts else None,
                                 last_seen=max(lasts) if lasts else None))
    return tuple(sorted(out, key=lambda e: (e.first_seen or "~", e.value)))


def support_choice(values: Sequence[float], lows: Sequence[float], highs: Sequence[float],
                   weights: Sequence[float], tolerance: float, abs_tolerance: float = 0.0) -> int:
    """Index of the stated figure with the most weighted support.

    A figure's support is the total weight of the sources whose interval
    (widened by the tolerances) overlaps its own, itself included. Only a
    figure with two finite bounds can be chosen when there is one: "at least
    3,000" and "up to 12,000" support "about 10,000" but do not pin the
    figure. Ties go to the figure nearest the weighted median, then to the
    smaller figure.
    """
    lo = np.array([x - abs(x) * tolerance - abs_tolerance for x in lows], dtype=float)
    hi = np.array([x + abs(x) * tolerance + abs_tolerance for x in highs], dtype=float)
    w = np.asarray(weights, dtype=float)
    overlap = (lo[:, None] <= hi[None, :]) & (lo[None, :] <= hi[:, None])
    support = overlap.astype(float) @ w
    bounded = np.array([np.isfinite(h) and (lw > 0 or lw == v) for lw, h, v in zip(lows, highs, values,
                                                                                    strict=True)])
    if bounded.any():
        support = np.where(bounded, support, -np.inf)
    best = np.flatnonzero(support >= support.max() - 1e-9)
    if len(best) == 1:
        return int(best[0])
    middle = weighted_median(values, weights)
    return int(min(best, key=lambda i: (abs(values[i] - middle), values[i], i)))


def numeric_consensus(
    quantities: Iterable[Mapping[str, Any]], *, tolerance: float,
    weights: Mapping[str, float] | None = None, abs_tolerance: float = 0.0,
    estimator: str = "support", totals: Collection[str] = (),
) -> list[UnitConsensus]:
    """Consensus per unit over *sources*, each counting once, weighted by ``weights``.

    ``quantities`` are dicts with ``unit, value, low, high, source`` and
    ``claim_id`` (or ``claim_ids``), optionally ``published_at``; those without
    a unit are not compared. A source stating several figures for one unit
    contributes the one of them nearest what the other sources state (never a median
    that nobody stated) and the hull of its intervals, except for the
    units in ``totals`` (counts of one event's people or things: killed,
    injured, troops...), where it contributes its largest figure: "one victim
    is in critical condition" and "two others were hurt" are parts of the
    "three injured" the same outlet states, not rival totals. Sources
    missing from ``weights`` weigh 1.

    ``estimator="support"`` (default) takes as consensus the stated figure
    with the most weighted support (:func:`support_choice`): the figure the
    most, and most reliable, sources corroborate, always one somebody stated.
    ``"median"`` takes the lower weighted median.
    """
    if estimator not in ("support", "median"):
        raise ValueError(f"numeric_consensus: estimator must be 'support' or 'median'; got {estimator!r}")
    by_unit: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for q in quantities:
        if q.get("unit"):
            by_unit[str(q["unit"])][str(q["source"])].append(q)
    return [_unit_consensus(unit, by_unit[unit], weights, tolerance, abs_tolerance, estimator, unit in totals)
            for unit in sorted(by_unit)]


def _source_figures(per_source: Mapping[str, list[Mapping[str, Any]]], names: list[str],
                    total: bool) -> tuple[list[float], list[float], list[float]]:
    """One figure and interval per source: its largest statement of a total, else its stated
    figure nearest the other sources (:func:`_stated_figure`) and the hull of its intervals."""
    if total:
        tops = [max(per_source[s], key=lambda q: (float(q["value"]), float(q["high"]))) for s in names]
        return ([float(q["value"]) for q in tops], [float(q["low"]) for q in tops],
                [float(q["high"]) for q in tops])
    return ([_stated_figure(per_source, s) for s in names],
            [min(float(q["low"]) for q in per_source[s]) for s in names],
            [max(float(q["high"]) for q in per_source[s]) for s in names])


def _stated_figure(per_source: Mapping[str, list[Mapping[str, Any]]], source: str) -> float:
    """The figure ``source`` stands for: one it stated. Of several, the one nearest the median of
    what the other sources state (their lower median when alone; ties: the smaller). A median of
    its own statements would be a figure nobody stated ("dropped 30 percent ... compared with 9
    percent" is not 19.5)."""
    mine = sorted(float(q["value"]) for q in per_source[source])
    if mine[0] == mine[-1]:
        return mine[0]
    others = [float(q["value"]) for s, qs in per_source.items() if s != source for q in qs]
    if not others:
        return mine[(len(mine) - 1) // 2]
    centre = float(np.median(others))
    return min(mine, key=lambda v: (abs(v - centre), v))


def _claim_ids(q: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(map(str, q["claim_ids"])) if "claim_ids" in q else (str(q["claim_id"]),)


def _is_evolving(dissent: tuple[Dissent, ...], agree_first: list[str | None], last: dict[str, str | None],
                 consensus: float) -> bool:
    """Is the dissent earlier reporting, all on one side of the consensus, of a figure that changed?"""
    if not dissent:
        return False
    dissent_last = [last[d.source] for d in dissent]
    one_side = all(d.value < consensus for d in dissent) or all(d.value > consensus for d in dissent)
    return (one_side and bool(agree_first) and all(dissent_last) and all(agree_first)
            and max(dissent_last) < min(agree_first))    # type: ignore[type-var]


def _unit_consensus(unit: str, per_source: Mapping[str, list[Mapping[str, Any]]],
                    weights: Mapping[str, float] | None, tolerance: float, abs_tolerance: float,
                    estimator: str, total: bool) -> UnitConsensus:
    names = sorted(per_source)
    w = [float(weights.get(s, 1.0)) if weights is not None else 1.0 for s in names]
    values, lows, highs = _source_figures(per_source, names, total)
    consensus = (values[support_choice(values, lows, highs, w, tolerance, abs_tolerance)]
                 if estimator == "support" else weighted_median(values, w))
    # what the sources jointly say, robustly: the median bounds, stretched to hold the consensus
    joint_low = min(weighted_median(lows, w), consensus)
    joint_high = max(weighted_median(highs, w), consensus)
    holds = [_overlaps(lo, hi, joint_low, joint_high, tolerance, abs_tolerance)
             for lo, hi in zip(lows, highs, strict=True)]
    agreeing = [i for i, ok in enumerate(holds) if ok]
    # the consensus interval: what the agreeing sources' intervals jointly allow
    low = weighted_median([lows[i] for i in agreeing], [w[i] for i in agreeing]) if agreeing else consensus
    high = weighted_median([highs[i] for i in agreeing], [w[i] for i in agreeing]) if agreeing else consensus
    low, high = min(low, consensus), max(high, consensus)
    dissent = tuple(
        Dissent(source=s, value=values[i], low=lows[i], high=highs[i],
                claim_ids=tuple(sorted(c for q in per_source[s] for c in _claim_ids(q))))
        for i, s in enumerate(names) if not holds[i]
    )
    first = {s: min((t for q in per_source[s] if (t := iso_time(q.get("published_at")))), default=None)
             for s in names}
    last = {s: max((t for q in per_source[s] if (t := iso_time(q.get("published_at")))), default=None)
            for s in names}
    evolving = _is_evolving(dissent, [first[names[i]] for i in agreeing], last, consensus)
    spread = float(np.median(np.abs(np.asarray(values) - consensus)))
    total_weight = sum(w)
    stated = [q for s in names for q in per_source[s]]
    claim_holds = [_overlaps(float(q["low"]), float(q["high"]), joint_low, joint_high, tolerance,
                             abs_tolerance) for q in stated]
    return UnitConsensus(
        unit=unit, consensus=consensus, low=low, high=high,
        agreement=sum(w[i] for i in agreeing) / total_weight if total_weight else 1.0,
        spread=spread, n_sources=len(names), dissent=dissent, evolving=evolving,
        evolution=_evolution(names, values, first, last) if len(set(values)) > 1 else (),
        n_claims=len({c for q in stated for c in _claim_ids(q)}),
        claim_agreement=sum(claim_holds) / len(claim_holds),
        claim_spread=float(np.median([abs(float(q["value"]) - consensus) for q in stated])))


def number_or_none(x: float) -> float | None:
    """A figure for a reason's values: ``None`` stands for unbounded."""
    return None if math.isinf(x) else float(x)


#: bounds of a source's weight in a consensus: nobody silenced, nobody a dictator
MIN_WEIGHT, MAX_WEIGHT = 0.05, 4.0



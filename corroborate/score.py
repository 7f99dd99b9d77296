"""Score clusters of claims: source diversity, numeric agreement, confidence.

Pure functions over plain data; :func:`score_cluster` puts them together.

Confidence (parameters in ``models/scoring-v1.toml``)::

    z = intercept
        + per_doubling_sources * log2(effective_sources)
        - conflict_penalty * (1 - numeric_agreement)
    confidence = 1 / (1 + exp(-z))

``effective_sources`` is exp of the Shannon entropy of the share of the
cluster's articles that each source published: one outlet repeating a claim
ten times is still 1.0; four outlets with one article each are 4.0.
``numeric_agreement`` is the lowest, over the units that at least two sources
quantify, of the share of sources whose stated interval (widened by
``agreement_rel_tolerance`` for rounding) overlaps the joint interval: the
median of the sources' lower bounds to the median of their upper bounds,
stretched to hold the consensus (the lower weighted median of the sources'
values). So "some 12,000" (10,800-13,200) agrees with "about 10,000"
(9,000-11,000), "at least 3,000" agrees with 10,000, and a flat "3,000" or
"40,000" dissents. 1.0 when nothing is quantified twice. Each term is reported as a reason with
its effect on the log-odds, so the number can be explained.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Reason:
    code: str            # single_source | multi_source | one_source_dominates | numbers_agree | conflicting_numbers
    detail: str          # a sentence a reader can check
    effect: float        # change in log-odds this reason contributes (0 when informational)


@dataclass(frozen=True)
class Dissent:
    source: str
    value: float
    low: float
    high: float
    claim_ids: tuple[str, ...]


@dataclass(frozen=True)
class UnitConsensus:
    unit: str
    consensus: float
    low: float
    high: float
    agreement: float                 # share of sources whose interval meets the joint interval
    spread: float                    # median absolute deviation of the sources' values
    n_sources: int
    dissent: tuple[Dissent, ...] = ()


@dataclass(frozen=True)
class ClusterScore:
    cluster_id: int
    claim_ids: tuple[str, ...]
    representative: str
    n_claims: int
    n_articles: int
    n_sources: int
    sources: tuple[str, ...]
    effective_sources: float
    quantities: tuple[UnitConsensus, ...]
    numeric_agreement: float
    confidence: float
    reasons: tuple[Reason, ...]
    first_seen: str | None = None
    last_seen: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("extra")
        out.update(self.extra)
        return out


# ------------------------------------------------------------------ building blocks

def effective_source_count(articles_per_source: Mapping[str, int]) -> float:
    """exp(Shannon entropy) of the sources' shares of the articles."""
    counts = np.array([c for c in articles_per_source.values() if c > 0], dtype=np.float64)
    if counts.size == 0:
        return 0.0
    p = counts / counts.sum()
    return float(math.exp(-(p * np.log(p)).sum()))


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


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _overlaps(low: float, high: float, joint_low: float, joint_high: float,
              tolerance: float) -> bool:
    """Does a source's interval, widened by ``tolerance`` for rounding, meet the joint one?"""
    lo = low - abs(low) * tolerance
    hi = high + abs(high) * tolerance
    return lo <= joint_high and joint_low <= hi


def numeric_consensus(
    quantities: Iterable[Mapping[str, Any]], *, tolerance: float
) -> list[UnitConsensus]:
    """Consensus per unit over *sources*, each counting once.

    ``quantities`` are dicts with ``unit, value, low, high, source, claim_id``;
    those without a unit are not compared. A source stating several figures
    for one unit contributes its median figure and the hull of its intervals.
    """
    by_unit: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for q in quantities:
        if q.get("unit"):
            by_unit[str(q["unit"])][str(q["source"])].append(q)
    out = []
    for unit in sorted(by_unit):
        per_source = by_unit[unit]
        names = sorted(per_source)
        values = [float(np.median([q["value"] for q in per_source[s]])) for s in names]
        lows = [min(float(q["low"]) for q in per_source[s]) for s in names]
        highs = [max(float(q["high"]) for q in per_source[s]) for s in names]
        consensus = weighted_median(values)
        # what the sources jointly say, robustly: the median bounds, stretched to hold the consensus
        joint_low = min(weighted_median(lows), consensus)
        joint_high = max(weighted_median(highs), consensus)
        holds = [_overlaps(lo, hi, joint_low, joint_high, tolerance)
                 for lo, hi in zip(lows, highs, strict=True)]
        agreeing = [i for i, ok in enumerate(holds) if ok]
        # the consensus interval: what the agreeing sources' intervals jointly allow
        low = weighted_median([lows[i] for i in agreeing]) if agreeing else consensus
        high = weighted_median([highs[i] for i in agreeing]) if agreeing else consensus
        low, high = min(low, consensus), max(high, consensus)
        dissent = tuple(
            Dissent(source=s, value=values[i], low=lows[i], high=highs[i],
                    claim_ids=tuple(sorted(str(q["claim_id"]) for q in per_source[s])))
            for i, s in enumerate(names) if not holds[i]
        )
        spread = float(np.median(np.abs(np.asarray(values) - consensus)))
        out.append(UnitConsensus(unit=unit, consensus=consensus, low=low, high=high,
                                 agreement=len(agreeing) / len(names), spread=spread,
                                 n_sources=len(names), dissent=dissent))
    return out


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "unbounded"
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:,.3g}"


def _list(names: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# ------------------------------------------------------------------ the score

def score_cluster(
    *,
    cluster_id: int,
    claims: Sequence[Mapping[str, Any]],
    quantities: Iterable[Mapping[str, Any]],
    representative: str,
    intercept: float,
    per_doubling_sources: float,
    conflict_penalty: float,
    agreement_rel_tolerance: float,
) -> ClusterScore:
    """Score one cluster. ``claims`` are dicts with ``claim_id, article_id, source``
    and optionally ``published_at`` (ISO text or ``None``)."""
    if not claims:
        raise ValueError("score_cluster: a cluster needs at least one claim")
    articles_by_source: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        articles_by_source[str(c["source"])].add(str(c["article_id"]))
    per_source = Counter({s: len(a) for s, a in articles_by_source.items()})
    sources = tuple(sorted(per_source))
    n_articles = sum(per_source.values())
    effective = effective_source_count(per_source)
    units = numeric_consensus(quantities, tolerance=agreement_rel_tolerance)
    compared = [u for u in units if u.n_sources >= 2]
    agreement = min((u.agreement for u in compared), default=1.0)

    reasons: list[Reason] = []
    source_effect = per_doubling_sources * math.log2(max(effective, 1.0))
    if len(sources) == 1:
        reasons.append(Reason("single_source",
                              f"only {sources[0]} states this"
                              + (f" ({n_articles} articles)" if n_articles > 1 else ""), 0.0))
    else:
        reasons.append(Reason("multi_source",
                              f"{len(sources)} sources state this (effectively {effective:.1f} "
                              f"independent by article share): {_list(list(sources))}",
                              round(source_effect, 4)))
        top, top_n = per_source.most_common(1)[0]
        if top_n > 1 and effective < 0.75 * len(sources):
            reasons.append(Reason("one_source_dominates",
                                  f"{top} published {top_n} of the {n_articles} articles", 0.0))
    for u in compared:
        if u.dissent:
            dissent = "; ".join(f"{_fmt(d.value)} ({d.source})" for d in u.dissent)
            effect = -conflict_penalty * (1.0 - u.agreement) if u.agreement == agreement else 0.0
            reasons.append(Reason(
                "conflicting_numbers",
                f"{u.unit}: {u.agreement:.0%} of {u.n_sources} sources agree on "
                f"{_fmt(u.consensus)}; dissent: {dissent}", round(effect, 4)))
        else:
            reasons.append(Reason(
                "numbers_agree",
                f"{u.unit}: all {u.n_sources} sources agree on {_fmt(u.consensus)} "
                f"({_fmt(u.low)}–{_fmt(u.high)})", 0.0))

    z = intercept + source_effect - conflict_penalty * (1.0 - agreement)
    times = sorted(str(c["published_at"]) for c in claims if c.get("published_at"))
    return ClusterScore(
        cluster_id=cluster_id,
        claim_ids=tuple(sorted(str(c["claim_id"]) for c in claims)),
        representative=representative,
        n_claims=len(claims),
        n_articles=n_articles,
        n_sources=len(sources),
        sources=sources,
        effective_sources=round(effective, 6),
        quantities=tuple(units),
        numeric_agreement=agreement,
        confidence=round(logistic(z), 6),
        reasons=tuple(reasons),
        first_seen=times[0] if times else None,
        last_seen=times[-1] if times else None,
    )

"""Score clusters of claims: source diversity, numeric agreement, confidence.

Pure functions over plain data; :func:`score_cluster` puts them together.

Confidence is the calibrated probability of a learned model
(:mod:`corroborate.confidence`, fitted by ``corroborate tune`` and stored in
``models/default.json``) over the cluster's evidence summary
(:mod:`corroborate.evidence`) turned into features (:mod:`corroborate.features`).

``independent_sources`` counts the groups of claims that share no outlet, copy
group, credit, origin or verbatim text (an origin quoted by many outlets, a
wire story and its reprints, an outlet repeating itself: one each; see
:func:`corroborate.sources.independent_groups`).

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
"40,000" dissents. 1.0 when nothing is quantified twice. Outlets of one copy
group share one weight in the consensus. Each feature's term is reported under
a reason with its effect on the model's score, so the number can be explained.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from .confidence import ConfidenceModel
from .evidence import Evidence, asserting_groups, event_group_counts, headline_figure
from .features import FEATURES, REASON, feature_vector
from .figures import figure_units
from .schema import STANCES
from .sources import group_name


@dataclass(frozen=True)
class Reason:
    """One reason behind a confidence, as facts: the prose lives in the report templates.

    ``code`` names the reason (see :data:`REASON_VALUES`), ``effect`` is the change in
    the model's log-odds it stands for (0 when informational), ``values`` the facts a
    reader can check (sources, origins, figures, dissenters), plain JSON types only.
    """

    code: str
    effect: float
    values: dict[str, Any] = field(default_factory=dict)


#: every reason code and the keys of its ``values`` (corroborate/report/templates/reasons.txt.j2 says them)
REASON_VALUES: dict[str, tuple[str, ...]] = {
    "generic": ("events",),
    "single_source": ("source", "articles"),
    "multi_source": ("sources", "independent", "groups"),
    "single_origin": ("outlets", "origin"),
    "copies": ("outlets",),
    "one_source_dominates": ("source", "articles", "of"),
    "single_figure": ("unit", "value"),
    "evolving_numbers": ("unit", "steps"),
    "conflicting_numbers": ("unit", "agreement", "sources", "consensus", "dissent"),
    "numbers_agree": ("unit", "sources", "consensus", "low", "high"),
    "position": ("unit", "sentence", "lead_share"),
    "event": ("reports",),
    "source_reliability": ("reliability",),
    "contested": ("groups", "deniers"),
    "hedged": ("hedged", "claims"),
}


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
    independent_sources: int = 0
    origins: tuple[str, ...] = ()
    copy_groups: tuple[tuple[str, ...], ...] = ()
    stance: dict[str, int] = field(default_factory=dict)
    linked_denials: tuple[str, ...] = ()
    event_id: int | None = None
    generic: bool = False
    generic_events: int = 0          # events its near-duplicates span, when generic
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("extra")
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ClusterScore:
        """The inverse of :meth:`to_dict` on a row of ``clusters.jsonl`` (``null`` bounds are unbounded)."""
        known = {f.name for f in fields(cls)} - {"extra"}
        row = {k: v for k, v in record.items() if k in known}
        row["quantities"] = tuple(_unit_from_dict(q) for q in record.get("quantities", ()))
        row["reasons"] = tuple(Reason(str(r["code"]), float(r["effect"]), dict(r.get("values") or {}))
                               for r in record.get("reasons", ()))
        for key in ("claim_ids", "sources", "origins", "linked_denials"):
            row[key] = tuple(record.get(key, ()))
        row["copy_groups"] = tuple(tuple(g) for g in record.get("copy_groups", ()))
        row["stance"] = dict(record.get("stance") or {})
        return cls(**row, extra={k: v for k, v in record.items() if k not in known})


def _bound(x: Any, missing: float) -> float:
    return missing if x is None else float(x)


def _unit_from_dict(q: Mapping[str, Any]) -> UnitConsensus:
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
              tolerance: float, abs_tolerance: float = 0.0) -> bool:
    """Does a source's interval, widened by ``tolerance`` for rounding, meet the joint one?"""
    lo = low - abs(low) * tolerance - abs_tolerance
    hi = high + abs(high) * tolerance + abs_tolerance
    return lo <= joint_high and joint_low <= hi


def _iso(t: Any) -> str | None:
    if t is None or (isinstance(t, float) and math.isnan(t)) or t is pd.NaT:
        return None
    return t.isoformat() if hasattr(t, "isoformat") else str(t)


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
    contributes its median figure and the hull of its intervals, except for the
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
    out = []
    for unit in sorted(by_unit):
        per_source = by_unit[unit]
        names = sorted(per_source)
        w = [float(weights.get(s, 1.0)) if weights is not None else 1.0 for s in names]
        if unit in totals:
            tops = [max(per_source[s], key=lambda q: (float(q["value"]), float(q["high"])))
                    for s in names]
            values = [float(q["value"]) for q in tops]
            lows = [float(q["low"]) for q in tops]
            highs = [float(q["high"]) for q in tops]
        else:
            values = [float(np.median([q["value"] for q in per_source[s]])) for s in names]
            lows = [min(float(q["low"]) for q in per_source[s]) for s in names]
            highs = [max(float(q["high"]) for q in per_source[s]) for s in names]
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

        def ids(q: Mapping[str, Any]) -> tuple[str, ...]:
            return tuple(map(str, q["claim_ids"])) if "claim_ids" in q else (str(q["claim_id"]),)

        dissent = tuple(
            Dissent(source=s, value=values[i], low=lows[i], high=highs[i],
                    claim_ids=tuple(sorted(c for q in per_source[s] for c in ids(q))))
            for i, s in enumerate(names) if not holds[i]
        )
        first = {s: min((t for q in per_source[s] if (t := _iso(q.get("published_at")))), default=None)
                 for s in names}
        last = {s: max((t for q in per_source[s] if (t := _iso(q.get("published_at")))), default=None)
                for s in names}
        evolving = False
        if dissent:
            dissent_last = [last[d.source] for d in dissent]
            agree_first = [first[names[i]] for i in agreeing]
            one_side = (all(d.value < consensus for d in dissent)
                        or all(d.value > consensus for d in dissent))
            evolving = (one_side and bool(agree_first) and all(dissent_last) and all(agree_first)
                        and max(dissent_last) < min(agree_first))    # type: ignore[type-var]
        spread = float(np.median(np.abs(np.asarray(values) - consensus)))
        total = sum(w)
        stated = [q for s in names for q in per_source[s]]
        claim_holds = [_overlaps(float(q["low"]), float(q["high"]), joint_low, joint_high, tolerance,
                                 abs_tolerance) for q in stated]
        out.append(UnitConsensus(
            unit=unit, consensus=consensus, low=low, high=high,
            agreement=sum(w[i] for i in agreeing) / total if total else 1.0,
            spread=spread, n_sources=len(names), dissent=dissent, evolving=evolving,
            evolution=_evolution(names, values, first, last) if len(set(values)) > 1 else (),
            n_claims=len({c for q in stated for c in ids(q)}),
            claim_agreement=sum(claim_holds) / len(claim_holds),
            claim_spread=float(np.median([abs(float(q["value"]) - consensus) for q in stated]))))
    return out


def _num(x: float) -> float | None:
    """A figure for a reason's values: ``None`` stands for unbounded."""
    return None if math.isinf(x) else float(x)


# ------------------------------------------------------------------ the score

@dataclass(frozen=True)
class ScoringContext:
    """What every cluster of a run is scored with."""

    model: ConfidenceModel
    tolerance: float = 0.05                          # agreement_rel_tolerance
    prior_reliability: float = 0.7
    weights: Mapping[str, float] | None = None       # source -> consensus weight (truth discovery)

    @classmethod
    def from_config(cls, cfg: Any, weights: Mapping[str, float] | None = None) -> ScoringContext:
        return cls(model=cfg.confidence_model, tolerance=cfg.agreement_rel_tolerance,
                   prior_reliability=cfg.reliability_prior_mean, weights=weights)


@dataclass(frozen=True)
class ClusterInput:
    """One cluster to score. ``claims`` are dicts with ``claim_id, article_id, source``
    and optionally ``published_at`` (ISO text), ``text``, ``sent_idx``,
    ``attributed_to``, ``copy_kind``/``copy_name`` and ``stance``;
    ``quantities`` dicts with ``unit, value, low, high, source, claim_id``."""

    cluster_id: int
    claims: Sequence[Mapping[str, Any]]
    quantities: Sequence[Mapping[str, Any]] = ()
    representative: str = ""
    reliability: Mapping[str, float] | None = None   # source -> reliability on *other* clusters
    linked_denials: Sequence[Mapping[str, Any]] = ()
    event_id: int | None = None
    generic_events: int = 0                          # > 0: a generic sentence spanning that many events
    event_groups: int = 1                            # independent units reporting the event


def _copy_discounted(weights: Mapping[str, float] | None, claims: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Consensus weight of each outlet: its learned weight shared among the outlets of its
    copy group, so twenty reprints of one story weigh what the story weighs."""
    key_of: dict[str, tuple[str, str]] = {}
    for c in claims:
        s = str(c["source"])
        if c.get("copy_kind") and s not in key_of:
            key_of[s] = (str(c["copy_kind"]), str(c["copy_name"]))
    outlets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, key in key_of.items():
        outlets[key].add(s)
    out = {}
    for c in claims:
        s = str(c["source"])
        w = float(weights.get(s, 1.0)) if weights is not None else 1.0
        out[s] = w / len(outlets[key_of[s]]) if s in key_of else w
    return out


def _summary(cluster: ClusterInput, context: ScoringContext, asserting: list[int], group_of: list[int],
             independent: int, denying: int, units: Sequence[UnitConsensus]) -> Evidence:
    claims = cluster.claims
    group_of_claim = {str(claims[i]["claim_id"]): g for i, g in zip(asserting, group_of, strict=False)}
    sentence_of = {str(c["claim_id"]): int(c.get("sent_idx") or 0) for c in claims}
    figure = headline_figure(cluster.quantities, units, group_of_claim, sentence_of, figure_units(),
                             context.tolerance)
    shift = 0.0
    if cluster.reliability is not None:
        prior = _logit(context.prior_reliability)
        sources = sorted({str(c["source"]) for c in claims})
        shift = float(np.mean([_logit(cluster.reliability.get(s, context.prior_reliability)) - prior
                               for s in sources]))
    hedged = sum(1 for i in asserting if str(claims[i].get("stance") or "asserted") == "hedged")
    return Evidence(
        n_claims=len(claims), n_sources=len({str(c["source"]) for c in claims}),
        independent_sources=independent,
        origins=len({str(claims[i]["attributed_to"]) for i in asserting if claims[i].get("attributed_to")}),
        denying_groups=denying, hedged_share=hedged / len(asserting) if asserting else 0.0,
        figure=figure, reliability_shift=shift, generic=bool(cluster.generic_events),
        event_groups=max(int(cluster.event_groups), 1))


def score_cluster(cluster: ClusterInput, context: ScoringContext) -> ClusterScore:
    """Score one cluster: its evidence summary, the model's calibrated probability, the reasons.

    Confidence rests on ``independent_sources``: the groups of asserting claims
    that share no outlet, copy group, credit, origin or verbatim text
    (:func:`corroborate.sources.independent_groups`). Linked denials independent
    of every asserting claim lower it (``contested``); a generic claim gets no
    credit for its sources. Each reason's ``effect`` is what its evidence adds
    to the model's score (log-odds before calibration); they sum, with the
    model's baseline, to the score the probability is calibrated from.
    """
    claims = cluster.claims
    if not claims:
        raise ValueError("score_cluster: a cluster needs at least one claim")
    articles_by_source: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        articles_by_source[str(c["source"])].add(str(c["article_id"]))
    per_source = Counter({s: len(a) for s, a in articles_by_source.items()})
    asserting, everyone, group_of, independent, denying = asserting_groups(claims, cluster.linked_denials)
    units = numeric_consensus(cluster.quantities, tolerance=context.tolerance,
                              weights=_copy_discounted(context.weights, claims), totals=figure_units())
    evidence = _summary(cluster, context, asserting, group_of, independent, denying, units)
    names = context.model.features
    every = dict(zip(FEATURES, feature_vector(evidence).tolist(), strict=True))
    effects = dict(zip(names, context.model.contributions([every[n] for n in names]).tolist(),
                       strict=True))
    by_reason: dict[str, float] = defaultdict(float)
    for name, effect in effects.items():
        by_reason[REASON[name]] += effect
    reasons = _reasons(cluster, evidence, units, per_source, everyone, group_of, len(asserting),
                       dict(by_reason), context)
    z = context.model.baseline + sum(r.effect for r in reasons)
    stance_of = [str(c.get("stance") or "asserted") for c in claims]
    times = sorted(str(c["published_at"]) for c in claims if c.get("published_at"))
    compared = [u for u in units if u.n_sources >= 2]
    return ClusterScore(
        cluster_id=cluster.cluster_id,
        claim_ids=tuple(sorted(str(c["claim_id"]) for c in claims)),
        representative=cluster.representative,
        n_claims=len(claims),
        n_articles=sum(per_source.values()),
        n_sources=len(per_source),
        sources=tuple(sorted(per_source)),
        effective_sources=round(effective_source_count(per_source), 6),
        quantities=tuple(units),
        numeric_agreement=min((u.agreement for u in compared if not u.evolving), default=1.0),
        confidence=round(float(context.model.calibrate(np.array([z]))[0]), 6),
        reasons=tuple(reasons),
        first_seen=times[0] if times else None,
        last_seen=times[-1] if times else None,
        independent_sources=independent,
        origins=tuple(sorted({str(claims[i]["attributed_to"]) for i in asserting
                              if claims[i].get("attributed_to")})),
        copy_groups=_copy_groups(claims, asserting),
        stance={st: stance_of.count(st) for st in STANCES},
        linked_denials=tuple(sorted(str(d["claim_id"]) for d in cluster.linked_denials)),
        event_id=cluster.event_id,
        generic=bool(cluster.generic_events),
        generic_events=int(cluster.generic_events),
        extra={"score": round(float(z), 6),
               "features": {k: round(v, 6) for k, v in every.items()},
               "headline_unit": evidence.figure.unit if evidence.figure is not None else None},
    )


def _copy_groups(claims: Sequence[Mapping[str, Any]], asserting: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    copies: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in asserting:
        if claims[i].get("copy_kind") and claims[i]["copy_kind"] != "source":
            copies[(str(claims[i]["copy_kind"]), str(claims[i]["copy_name"]))].add(str(claims[i]["source"]))
    return tuple(sorted(tuple(sorted(v)) for v in copies.values() if len(v) > 1))


def _reasons(cluster: ClusterInput, evidence: Evidence, units: Sequence[UnitConsensus],
             per_source: Counter[str], everyone: list[Mapping[str, Any]], group_of: list[int],
             n_asserting: int, effect: dict[str, float], context: ScoringContext) -> list[Reason]:
    reasons = _source_reasons(cluster, evidence, per_source, everyone, group_of, n_asserting,
                              effect.get("sources", 0.0))
    reasons += _figure_reasons(evidence, units, effect.get("figures", 0.0))
    if effect.get("position") and evidence.figure is not None:
        f = evidence.figure
        reasons.append(Reason("position", round(effect["position"], 4), {
            "unit": f.unit, "sentence": int(f.first_sentence) + 1, "lead_share": round(float(f.lead_share), 4)}))
    if effect.get("event"):
        reasons.append(Reason("event", round(effect["event"], 4), {"reports": int(evidence.event_groups)}))
    if effect.get("source_reliability"):
        rel = cluster.reliability or {}
        reasons.append(Reason("source_reliability", round(effect["source_reliability"], 4), {
            "reliability": {s: round(float(rel.get(s, context.prior_reliability)), 4) for s in sorted(per_source)}}))
    if evidence.denying_groups:
        mine = set(group_of[:n_asserting])
        deniers = sorted({(str(c["source"]), str(c["attributed_to"]) if c.get("attributed_to") else None)
                          for g, c in zip(group_of, everyone, strict=True) if g not in mine},
                         key=lambda d: (d[0], d[1] or ""))
        reasons.append(Reason("contested", round(effect.get("contested", 0.0), 4), {
            "groups": int(evidence.denying_groups),
            "deniers": [{"source": s, "origin": o} for s, o in deniers]}))
    if evidence.hedged_share >= 0.5:
        reasons.append(Reason("hedged", round(effect.get("hedged", 0.0), 4), {
            "hedged": round(evidence.hedged_share * n_asserting), "claims": n_asserting}))
    return reasons


def _source_reasons(cluster: ClusterInput, evidence: Evidence, per_source: Counter[str],
                    everyone: list[Mapping[str, Any]], group_of: list[int], n_asserting: int,
                    effect: float) -> list[Reason]:
    reasons: list[Reason] = []
    sources = sorted(per_source)
    n_articles = sum(per_source.values())
    if cluster.generic_events:
        reasons.append(Reason("generic", round(effect, 4), {"events": int(cluster.generic_events)}))
        effect = 0.0
    if len(sources) == 1:
        reasons.append(Reason("single_source", round(effect, 4), {"source": sources[0], "articles": n_articles}))
        return reasons
    members: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for g, c in zip(group_of, everyone, strict=True):
        members[g].append(c)
    mine = sorted(set(group_of[:n_asserting]))
    unit_names = sorted(_group_label(group_name(members[g])) for g in mine)
    reasons.append(Reason("multi_source", round(effect, 4), {
        "sources": len(sources), "independent": int(evidence.independent_sources), "groups": unit_names}))
    asserting = everyone[:n_asserting]
    origins = {str(c["attributed_to"]) for c in asserting if c.get("attributed_to")}
    if len(origins) == 1 and all(c.get("attributed_to") for c in asserting):
        outlets = {str(c["source"]) for c in asserting}
        reasons.append(Reason("single_origin", 0.0, {"outlets": len(outlets), "origin": next(iter(origins))}))
    for group in _copy_groups(asserting, range(len(asserting))):
        reasons.append(Reason("copies", 0.0, {"outlets": list(group)}))
    top, top_n = per_source.most_common(1)[0]
    if top_n > 1 and effective_source_count(per_source) < 0.75 * len(sources):
        reasons.append(Reason("one_source_dominates", 0.0, {"source": top, "articles": top_n, "of": n_articles}))
    return reasons


def _figure_reasons(evidence: Evidence, units: Sequence[UnitConsensus], effect: float) -> list[Reason]:
    """One reason per compared unit; the model's figure effect goes on the headline unit's."""
    head = evidence.figure.unit if evidence.figure is not None else None
    reasons: list[Reason] = []
    for u in units:
        mine = round(effect, 4) if u.unit == head else 0.0
        if u.n_sources < 2:
            if u.unit == head:
                reasons.append(Reason("single_figure", mine, {"unit": u.unit, "value": _num(u.consensus)}))
            continue
        if u.dissent and u.evolving:
            reasons.append(Reason("evolving_numbers", mine, {"unit": u.unit, "steps": [
                {"value": _num(e.value), "first_seen": e.first_seen} for e in u.evolution]}))
        elif u.dissent:
            reasons.append(Reason("conflicting_numbers", mine, {
                "unit": u.unit, "agreement": round(float(u.agreement), 4), "sources": u.n_sources,
                "consensus": _num(u.consensus),
                "dissent": [{"value": _num(d.value), "source": d.source} for d in u.dissent]}))
        else:
            reasons.append(Reason("numbers_agree", mine, {
                "unit": u.unit, "sources": u.n_sources, "consensus": _num(u.consensus),
                "low": _num(u.low), "high": _num(u.high)}))
    return reasons


def _group_label(key: tuple[str, str]) -> str:
    kind, name = key
    return f"copy group {name}" if kind == "copy" else name


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


#: bounds of a source's weight in a consensus: nobody silenced, nobody a dictator
MIN_WEIGHT, MAX_WEIGHT = 0.05, 4.0


# ------------------------------------------------------------------ every cluster

CLAIM_FIELDS = ("claim_id", "article_id", "source", "sent_idx", "text", "attributed_to", "copy_kind",
                "copy_name", "evidence_kind", "evidence_name", "stance", "event_id", "generic_events")


def _majority_generic(members: Sequence[Mapping[str, Any]]) -> int:
    """The events a cluster's claims span when most of its claims are generic, else 0."""
    spans = [int(m["generic_events"]) for m in members]
    generic = [x for x in spans if x]
    return max(generic) if len(generic) * 2 > len(spans) else 0


def score_clusters(claims: pd.DataFrame, quantities: pd.DataFrame, embeddings: np.ndarray,
                   published: Mapping[str, Any], truth: Any, denials: Mapping[int, Sequence[Mapping[str, Any]]],
                   cfg: Any) -> list[ClusterScore]:
    """Score every cluster of ``claims`` (by ``cluster_id``), most confident first.

    ``published`` maps article ids to publication times; ``truth`` is the fitted
    :class:`corroborate.truth.TruthDiscovery` whose items are cluster ids (each
    source is judged by what it earned on *other* clusters, so agreement is
    scored once); ``denials`` are the linked denials of each cluster. A claim
    whose figure its sources reject never heads its cluster.
    """
    from .cluster import medoid_index, medoid_indices
    from .quantities import quantities_by_claim

    if claims.empty:
        return []
    records = claims[list(CLAIM_FIELDS)].to_dict(orient="records")
    for r in records:
        for key in ("attributed_to", "copy_kind", "copy_name"):
            if not isinstance(r[key], str):
                r[key] = None
        stamp = published.get(r["article_id"])
        r["published_at"] = None if stamp is None or pd.isna(stamp) else stamp.isoformat()
    labels = claims["cluster_id"].to_numpy(dtype=np.int64)
    compared_sources = set(truth.observations_["source"]) if len(truth.observations_) else set()
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for row, label in enumerate(labels.tolist()):
        by_cluster[label].append(row)
    q_by_claim = quantities_by_claim(quantities)
    medoids = medoid_indices(embeddings, labels)
    context = ScoringContext.from_config(cfg, weights=truth.weights_)
    event_groups = event_group_counts(records)
    scores = []
    for label in sorted(by_cluster):
        rows = by_cluster[label]
        members = [records[i] for i in rows]
        qs = [{**q, "source": m["source"], "claim_id": m["claim_id"], "published_at": m["published_at"]}
              for m in members for q in q_by_claim.get(m["claim_id"], [])]
        here = {str(label)}
        reliability = {m["source"]: (truth.reliability_without(m["source"], here)
                                     if m["source"] in compared_sources else context.prior_reliability)
                       for m in members}
        score = score_cluster(ClusterInput(
            cluster_id=label, claims=members, quantities=qs, representative=records[medoids[label]]["text"],
            reliability=reliability, linked_denials=denials.get(label, []),
            event_id=int(members[0]["event_id"]), generic_events=_majority_generic(members),
            event_groups=event_groups.get(int(members[0]["event_id"]), 1)), context)
        dissenting = {c for q in score.quantities for d in q.dissent for c in d.claim_ids}
        if records[medoids[label]]["claim_id"] in dissenting:
            # never headline a cluster with the figure its sources reject
            agreeing = [i for i in rows if records[i]["claim_id"] not in dissenting]
            if agreeing:
                best = agreeing[medoid_index(embeddings[agreeing])]
                score = replace(score, representative=records[best]["text"])
        scores.append(score)
    # an isotonic calibrator has flat steps: within one, the model's score still ranks
    scores.sort(key=lambda s: (-s.confidence, -s.extra.get("score", 0.0), -s.n_sources, s.cluster_id))
    return scores

"""The reasons behind a confidence, as facts (:class:`~corroborate.scoring.cluster_score.Reason`):
who says it and how independently, how the figures agree, and what each adds to the score.
The sentences a reader sees are written in ``report/templates/reasons.txt.j2``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .cluster_score import ClusterInput, Reason, ScoringContext
from .consensus import UnitConsensus, number_or_none
from .evidence import Evidence
from .independence import effective_source_count, group_name


@dataclass(frozen=True)
class Sides:
    """Who stands where in a cluster: articles per outlet, every claim (asserting first, then
    the linked denials), the independence group of each, and how many assert."""

    per_source: Counter[str]
    everyone: list[Mapping[str, Any]]
    group_of: list[int]
    n_asserting: int


def copy_groups(claims: Sequence[Mapping[str, Any]], asserting: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    copies: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in asserting:
        if claims[i].get("copy_kind") and claims[i]["copy_kind"] != "source":
            copies[(str(claims[i]["copy_kind"]), str(claims[i]["copy_name"]))].add(str(claims[i]["source"]))
    return tuple(sorted(tuple(sorted(v)) for v in copies.values() if len(v) > 1))


def reasons_for(cluster: ClusterInput, evidence: Evidence, units: Sequence[UnitConsensus], sides: Sides,
                effect: dict[str, float], context: ScoringContext) -> list[Reason]:
    """Every reason of one cluster; ``effect`` is the model's log-odds term of each reason code."""
    per_source, everyone, group_of, n_asserting = sides.per_source, sides.everyone, sides.group_of, sides.n_asserting
    reasons = _source_reasons(cluster, evidence, sides, effect.get("sources", 0.0))
    reasons += _figure_reasons(evidence, units, effect.get("figures", 0.0))
    if effect.get("position") and evidence.figure is not None:
        f = evidence.figure
        reasons.append(Reason("position", round(effect["position"], 4), {
            "unit": f.unit, "sentence": int(f.first_sentence) + 1, "lead_share": round(float(f.lead_share), 4)}))
    if effect.get("event"):
        reasons.append(Reason("event", round(effect["event"], 4), {
            "reports": int(evidence.event_groups),
            "stating": evidence.event_reports_stating}))
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


def _source_reasons(cluster: ClusterInput, evidence: Evidence, sides: Sides, effect: float) -> list[Reason]:
    per_source, everyone, group_of, n_asserting = sides.per_source, sides.everyone, sides.group_of, sides.n_asserting
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
    for group in copy_groups(asserting, range(len(asserting))):
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
                reasons.append(Reason("single_figure", mine, {"unit": u.unit, "value": number_or_none(u.consensus)}))
            continue
        if u.dissent and u.evolving:
            reasons.append(Reason("evolving_numbers", mine, {"unit": u.unit, "steps": [
                {"value": number_or_none(e.value), "first_seen": e.first_seen} for e in u.evolution]}))
        elif u.dissent:
            reasons.append(Reason("conflicting_numbers", mine, {
                "unit": u.unit, "agreement": round(float(u.agreement), 4), "sources": u.n_sources,
                "consensus": number_or_none(u.consensus),
                "dissent": [{"value": number_or_none(d.value), "source": d.source} for d in u.dissent]}))
        else:
            reasons.append(Reason("numbers_agree", mine, {
                "unit": u.unit, "sources": u.n_sources, "consensus": number_or_none(u.consensus),
                "low": number_or_none(u.low), "high": number_or_none(u.high)}))
    return reasons


def _group_label(key: tuple[str, str]) -> str:
    kind, name = key
    return f"copy group {name}" if kind == "copy" else name

"""Score clusters of claims: source diversity, numeric agreement, confidence.

Pure functions over plain data; :func:`score_cluster` puts them together.

Confidence is the calibrated probability of a learned model
(:mod:`corroborate.scoring.confidence`, fitted by ``corroborate tune`` and stored in
``models/default.json``) over the cluster's evidence summary
(:mod:`corroborate.scoring.evidence`) turned into features (:mod:`corroborate.scoring.features`).

``independent_sources`` counts the groups of claims that share no outlet, copy
group, credit, origin or verbatim text (an origin quoted by many outlets, a
wire story and its reprints, an outlet repeating itself: one each; see
:func:`corroborate.scoring.independence.independent_groups`).

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

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logit

from ..grouping.cluster import medoid_index, medoid_indices
from ..grouping.figures import figure_units
from ..schema import STANCES
from ..text.quantities import quantities_by_claim
from .cluster_score import ClusterInput, ClusterScore, ScoringContext
from .consensus import UnitConsensus, numeric_consensus
from .evidence import Evidence, asserting_groups, event_group_counts, event_unit, headline_figure
from .features import FEATURES, REASON, feature_vector
from .independence import effective_source_count
from .reasons import Sides, copy_groups, reasons_for
from .truth import TruthDiscovery

# ------------------------------------------------------------------ the score

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
        event_groups=max(int(cluster.event_groups), 1),
        event_units_stating=len({event_unit(claims[i]) for i in asserting}))


def score_cluster(cluster: ClusterInput, context: ScoringContext) -> ClusterScore:
    """Score one cluster: its evidence summary, the model's calibrated probability, the reasons.

    Confidence rests on ``independent_sources``: the groups of asserting claims
    that share no outlet, copy group, credit, origin or verbatim text
    (:func:`corroborate.scoring.independence.independent_groups`). Linked denials independent
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
    reasons = reasons_for(cluster, evidence, units, Sides(per_source, everyone, group_of, len(asserting)),
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
        copy_groups=copy_groups(claims, asserting),
        stance={st: stance_of.count(st) for st in STANCES},
        linked_denials=tuple(sorted(str(d["claim_id"]) for d in cluster.linked_denials)),
        event_id=cluster.event_id,
        generic=bool(cluster.generic_events),
        generic_events=int(cluster.generic_events),
        extra={"score": round(float(z), 6),
               "features": {k: round(v, 6) for k, v in every.items()},
               "headline_unit": evidence.figure.unit if evidence.figure is not None else None},
    )


def _logit(p: float) -> float:
    return float(logit(min(max(p, 1e-6), 1 - 1e-6)))


# ------------------------------------------------------------------ every cluster

CLAIM_FIELDS = ("claim_id", "article_id", "source", "sent_idx", "text", "attributed_to", "copy_kind",
                "copy_name", "evidence_kind", "evidence_name", "stance", "event_id", "generic_events")


def _majority_generic(members: Sequence[Mapping[str, Any]]) -> int:
    """The events a cluster's claims span when most of its claims are generic, else 0."""
    spans = [int(m["generic_events"]) for m in members]
    generic = [x for x in spans if x]
    return max(generic) if len(generic) * 2 > len(spans) else 0


def _headline_rows(score: ClusterScore, rows: list[int], records: list[dict[str, Any]],
                   q_by_claim: Mapping[str, list[dict[str, Any]]]) -> list[int]:
    """The rows that may head a cluster's card: never a claim whose figure its sources reject,
    and, when the card shows a figure, only claims that state a figure of that unit."""
    dissenting = {c for q in score.quantities for d in q.dissent for c in d.claim_ids}
    agreeing = [i for i in rows if records[i]["claim_id"] not in dissenting]
    unit = score.extra.get("headline_unit")
    stating = [i for i in agreeing if any(q.get("unit") == unit for q in q_by_claim.get(records[i]["claim_id"], []))]
    return stating or (agreeing if len(agreeing) < len(rows) else [])


def score_clusters(claims: pd.DataFrame, quantities: pd.DataFrame, embeddings: np.ndarray,
                   published: Mapping[str, Any], truth: TruthDiscovery,
                   denials: Mapping[int, Sequence[Mapping[str, Any]]], context: ScoringContext) -> list[ClusterScore]:
    """Score every cluster of ``claims`` (by ``cluster_id``), most confident first.

    ``context`` holds the confidence model and tolerances (its ``weights`` are taken
    from ``truth``); ``published`` maps article ids to publication times; ``truth`` is the fitted
    :class:`corroborate.scoring.truth.TruthDiscovery` whose items are cluster ids (each
    source is judged by what it earned on *other* clusters, so agreement is
    scored once); ``denials`` are the linked denials of each cluster. A claim
    whose figure its sources reject never heads its cluster.
    """
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
    context = replace(context, weights=truth.weights_)
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
        heads = _headline_rows(score, rows, records, q_by_claim)
        if heads and medoids[label] not in heads:
            best = heads[medoid_index(embeddings[heads])]
            score = replace(score, representative=records[best]["text"])
        scores.append(score)
    # an isotonic calibrator has flat steps: within one, the model's score still ranks
    scores.sort(key=lambda s: (-s.confidence, -s.extra.get("score", 0.0), -s.n_sources, s.cluster_id))
    return scores

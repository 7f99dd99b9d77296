"""What one cluster rests on, as a typed summary: the input of the confidence model.

:func:`summarise` reads a cluster's claims (with their independence keys, see
:mod:`corroborate.scoring.independence`), its numeric consensus per unit
(:func:`corroborate.scoring.score.numeric_consensus`) and a little of its event, and
returns an :class:`Evidence`. Every count in it is of *independent* groups
(connected over outlet, copy group, credit, origin and verbatim text), never of
outlets, so a copy flood leaves it unchanged. :mod:`corroborate.scoring.features`
turns it into the numbers the model weighs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .independence import independent_groups


@dataclass(frozen=True)
class FigureEvidence:
    """The cluster's headline figure: the counted unit that most groups state."""

    unit: str
    consensus: float
    groups: int                  # independent groups stating a figure for this unit
    groups_at_consensus: int     # ... stating the consensus figure itself (interval overlap)
    agreement: float             # reliability-weighted share of sources meeting the joint interval
    dissent_groups: int          # independent groups whose figure dissents
    relative_spread: float       # median |value - consensus| / max(consensus, 1)
    lead_share: float            # share of the consensus statements made in an article's first two sentences
    first_sentence: int          # earliest sentence index at which the consensus figure is stated
    implicit_share: float        # share of the consensus statements counted from the parse, no numeral
    evolving: bool               # the dissent is earlier reporting of a figure that changed


@dataclass(frozen=True)
class Evidence:
    n_claims: int
    n_sources: int               # outlets (informational: the model never sees it)
    independent_sources: int     # asserting groups
    origins: int                 # distinct quoted origins among asserting claims
    denying_groups: int          # groups that deny it and share nothing with an asserting group
    hedged_share: float          # hedged / asserting claims
    figure: FigureEvidence | None
    reliability_shift: float     # mean logit(reliability elsewhere) - logit(prior) over its outlets
    generic: bool
    event_groups: int            # independent units (copy groups, outlets) reporting the event
    event_units_stating: int = 1  # ... of them among the asserting claims (the same units)

    @property
    def event_reports_stating(self) -> int:
        """The event's reports that state the claim, at least one and at most all of them."""
        return min(max(self.event_units_stating, 1), max(self.event_groups, 1))


def _statement_keys(quantities: Sequence[Mapping[str, Any]], unit: str) -> list[Mapping[str, Any]]:
    return [q for q in quantities if q.get("unit") == unit]


def headline_figure(quantities: Sequence[Mapping[str, Any]], units: Sequence[Any],
                    group_of_claim: Mapping[str, int], sentence_of_claim: Mapping[str, int],
                    counted: Collection[str], tolerance: float) -> FigureEvidence | None:
    """The :class:`FigureEvidence` of the unit stated by most groups (counted units first).

    ``quantities`` are the cluster's stated figures (dicts with ``claim_id,
    unit, value, low, high`` and ``implicit``); ``units`` its
    :class:`corroborate.scoring.score.UnitConsensus` per unit.
    """
    if not units:
        return None

    def groups_stating(unit: str) -> set[int]:
        return {group_of_claim[str(q["claim_id"])] for q in _statement_keys(quantities, unit)
                if str(q["claim_id"]) in group_of_claim}

    best = max(units, key=lambda u: (u.unit in counted, len(groups_stating(u.unit)), u.n_sources,
                                     -sorted(x.unit for x in units).index(u.unit)))
    stated = _statement_keys(quantities, best.unit)
    at = []
    for q in stated:
        low, high = float(q["low"]), float(q["high"])
        lo = low - abs(low) * tolerance
        hi = high + abs(high) * tolerance if math.isfinite(high) else math.inf
        if lo <= best.consensus <= hi:
            at.append(q)
    dissenting = {c for d in best.dissent for c in d.claim_ids}
    dissent_groups = {group_of_claim[c] for c in dissenting if c in group_of_claim}
    values = [float(q["value"]) for q in stated]
    spread = float(np.median(np.abs(np.asarray(values) - best.consensus))) if values else 0.0
    sentences = [sentence_of_claim.get(str(q["claim_id"]), 0) for q in at]
    return FigureEvidence(
        unit=best.unit, consensus=float(best.consensus),
        groups=len(groups_stating(best.unit)),
        groups_at_consensus=len({group_of_claim[str(q["claim_id"])] for q in at
                                 if str(q["claim_id"]) in group_of_claim}),
        agreement=float(best.agreement), dissent_groups=len(dissent_groups),
        relative_spread=spread / max(abs(best.consensus), 1.0),
        lead_share=float(np.mean([s <= 1 for s in sentences])) if sentences else 0.0,
        first_sentence=min(sentences, default=0),
        implicit_share=float(np.mean([bool(q.get("implicit")) for q in at])) if at else 0.0,
        evolving=bool(best.evolving))


def asserting_groups(claims: Sequence[Mapping[str, Any]], linked_denials: Sequence[Mapping[str, Any]] = ()
                     ) -> tuple[list[int], list[Mapping[str, Any]], list[int], int, int]:
    """(rows of asserting claims, every claim in the order asserting, denying, linked
    denials, the group of each of those, independent asserting groups, independent
    denying groups).

    Denying claims of the cluster and linked denials share the independence
    keys of the asserting ones; a denial in a group with an assertion (an
    outlet contradicting itself, a wire and its reprint) is not independent.
    """
    stance_of = [str(c.get("stance") or "asserted") for c in claims]
    asserting = [i for i, st in enumerate(stance_of) if st != "denied"] or list(range(len(claims)))
    kept = set(asserting)
    denying = [c for i, c in enumerate(claims) if i not in kept] + list(linked_denials)
    everyone = [claims[i] for i in asserting] + denying
    group_of = independent_groups(everyone)
    mine = set(group_of[:len(asserting)])
    denying_groups = set(group_of[len(asserting):]) - mine
    return asserting, everyone, group_of, len(mine), len(denying_groups)


def event_unit(claim: Mapping[str, Any]) -> tuple[str, str]:
    """The unit a claim's report counts as in its event's coverage: its copy group
    (or credit) when it has one, else its outlet."""
    if claim.get("copy_kind"):
        return (str(claim["copy_kind"]), str(claim["copy_name"]))
    return ("source", str(claim["source"]))


def event_group_counts(claims: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Event id -> independent units reporting it (an outlet, or a copy group / credit once)."""
    units: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for c in claims:
        units[int(c["event_id"])].add(event_unit(c))
    return {event: len(found) for event, found in units.items()}

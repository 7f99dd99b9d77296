"""The numbers the confidence model weighs, one small function per feature.

Each feature reads an :class:`corroborate.scoring.evidence.Evidence` and returns a
float. ``SIGN`` says which way a feature may push the confidence (+1 up, -1
down, 0 either way): the fitted model keeps those signs, which is what makes
the invariants hold whatever the data (more independent sources never lower
confidence; dissent never raises it). ``REASON`` names the reason of the
report that each feature's effect is shown under.

No feature counts outlets as sources: every count of sources is of independent
groups, so a copy flood cannot move a feature. ``event_silence`` reads the event's
coverage instead, in reports (an outlet, or a copy group once): how many of them
leave the claim out.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .evidence import Evidence


def log_independent(e: Evidence) -> float:
    return 0.0 if e.generic else math.log2(max(e.independent_sources, 1))


def origins(e: Evidence) -> float:
    return 0.0 if e.generic else math.log1p(e.origins)


def has_figure(e: Evidence) -> float:
    return float(e.figure is not None)


def figure_groups(e: Evidence) -> float:
    return math.log2(e.figure.groups) if e.figure and e.figure.groups else 0.0


def figure_support(e: Evidence) -> float:
    return math.log2(e.figure.groups_at_consensus) if e.figure and e.figure.groups_at_consensus else 0.0


def agreement(e: Evidence) -> float:
    # only independent groups can agree: copies of one story stating one figure compare nothing
    if e.figure is None or e.figure.groups < 2:
        return 0.0
    # a changing figure is not a conflict: its earlier reports are not counted against it
    return 1.0 if e.figure.evolving else e.figure.agreement


def dissent(e: Evidence) -> float:
    return 0.0 if e.figure is None or e.figure.evolving else math.log1p(e.figure.dissent_groups)


def spread(e: Evidence) -> float:
    return 0.0 if e.figure is None or e.figure.groups < 2 else min(e.figure.relative_spread, 5.0)


def lead_share(e: Evidence) -> float:
    return 0.0 if e.figure is None else e.figure.lead_share


def first_sentence(e: Evidence) -> float:
    return 0.0 if e.figure is None else math.log1p(e.figure.first_sentence)


def small_count(e: Evidence) -> float:
    # none, one or two of something: little to miscount. Bounded on purpose, so that
    # "10,000 troops" is not judged by what casualty tallies taught about large numbers
    return float(e.figure is not None and 0.0 <= e.figure.consensus <= 2.0)


def implicit_share(e: Evidence) -> float:
    return 0.0 if e.figure is None else e.figure.implicit_share


def event_silence(e: Evidence) -> float:
    # how much of the event's coverage leaves a figure out: log2 of the event's reports over
    # those stating the figure, both counted as outlets or copy groups (0 when every report of
    # the event states it). A copy flood is one report in both counts; one more report stating
    # the figure adds one to both and never raises it. Only for figures: every report of an
    # event that counts its dead is in the figure's cluster, so the others do not count them;
    # a sentence that only one report has is a detail, not a doubt
    if e.figure is None:
        return 0.0
    return math.log2(max(e.event_groups, 1) / e.event_reports_stating)


def hedged(e: Evidence) -> float:
    return e.hedged_share if e.hedged_share >= 0.5 else 0.0


def denied(e: Evidence) -> float:
    d = e.denying_groups
    return d / (d + max(e.independent_sources, 1)) if d else 0.0


def reliability(e: Evidence) -> float:
    return 0.0 if e.generic else float(np.clip(e.reliability_shift, -3.0, 3.0))


def generic(e: Evidence) -> float:
    return float(e.generic)


FEATURES: dict[str, Callable[[Evidence], float]] = {
    f.__name__: f for f in (log_independent, origins, has_figure, figure_groups, figure_support,
                            agreement, dissent, spread, lead_share, first_sentence, small_count,
                            implicit_share, event_silence, hedged, denied, reliability, generic)
}
SIGN: dict[str, int] = {
    "log_independent": +1, "origins": +1, "has_figure": 0, "figure_groups": +1, "figure_support": +1,
    "agreement": +1, "dissent": -1, "spread": -1, "lead_share": 0, "first_sentence": 0,
    "small_count": 0, "implicit_share": 0, "event_silence": -1, "hedged": -1, "denied": -1,
    "reliability": +1, "generic": -1,
}
REASON: dict[str, str] = {
    "log_independent": "sources", "origins": "sources", "has_figure": "figures",
    "figure_groups": "figures", "figure_support": "figures", "agreement": "figures",
    "dissent": "figures", "spread": "figures", "lead_share": "position", "first_sentence": "position",
    "small_count": "figures", "implicit_share": "figures", "event_silence": "event",
    "hedged": "hedged", "denied": "contested", "reliability": "source_reliability",
    "generic": "generic",
}


def feature_vector(e: Evidence, names: tuple[str, ...] | list[str] = tuple(FEATURES)) -> np.ndarray:
    """The named features of ``e``, in order."""
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise KeyError(f"unknown feature(s): {', '.join(unknown)}")
    return np.array([FEATURES[n](e) for n in names], dtype=np.float64)

"""What the HTML report shows, computed from a :class:`Report`: event sheets, cards, strips.

Every position on a plot is computed here, in Python; the templates only place
marks where these views say (``templates/report.html.j2``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..scoring.cluster_score import ClusterScore, Reason
from ..scoring.consensus import UnitConsensus
from .model import Report
from .reasons import reason_text, reason_title
from .templating import day, safe_url

#: width of a strip or timeline plot, in SVG units, and its left/right margin
PLOT_WIDTH, PLOT_MARGIN = 260.0, 10.0


@dataclass(frozen=True)
class ReasonLine:
    code: str
    title: str
    text: str
    effect: float


@dataclass(frozen=True)
class Mark:
    """One stated figure on a strip: a source's value and its interval, as x positions."""

    source: str
    value: float
    low: float
    high: float
    x: float
    x_low: float
    x_high: float
    dissent: bool


@dataclass(frozen=True)
class Strip:
    """Every figure the sources of a card state for one unit, on one axis."""

    unit: str
    consensus: UnitConsensus
    marks: tuple[Mark, ...]
    x_consensus: float
    x_low: float
    x_high: float
    axis_low: float
    axis_high: float
    log: bool
    least: float            # the smallest and largest figure stated: the axis's labels
    most: float


@dataclass(frozen=True)
class Step:
    """One figure of a timeline: value over time."""

    value: float
    first_seen: str | None
    sources: tuple[str, ...]
    x: float
    y: float


@dataclass(frozen=True)
class KeyFigure:
    """An event's figure for one unit: the best-supported consensus of its cards."""

    cluster_id: int
    confidence: float
    consensus: UnitConsensus
    timeline: tuple[Step, ...]


@dataclass(frozen=True)
class Card:
    rank: int
    score: ClusterScore
    event_label: str
    reasons: tuple[ReasonLine, ...]
    claims: tuple[dict[str, Any], ...]
    denials: tuple[dict[str, Any], ...]
    strips: tuple[Strip, ...]
    outlets: tuple[str, ...]
    model_score: float | None       # the model's log-odds before calibration (clusters.jsonl: score)
    baseline: float | None          # the score with no reason: model_score minus the reasons' effects


@dataclass(frozen=True)
class EventSheet:
    event_id: int
    label: str
    first_seen: str | None
    last_seen: str | None
    sources: tuple[str, ...]
    n_articles: int
    entities: tuple[str, ...]
    figures: tuple[KeyFigure, ...]
    cards: tuple[Card, ...]


# ------------------------------------------------------------------ scales

def _finite(xs: Sequence[float]) -> list[float]:
    return [x for x in xs if x is not None and math.isfinite(x)]


def _scale(values: Sequence[float]) -> tuple[float, float, bool]:
    """Axis bounds for ``values``: logarithmic when positive and spanning 10x or more."""
    vals = _finite(values)
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    log = lo > 0 and hi / lo >= 10
    if log:
        return lo / 1.25, hi * 1.25, True
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    return lo - pad, hi + pad, False


def _x(value: float, low: float, high: float, log: bool) -> float:
    if value is None or not math.isfinite(value):
        return PLOT_WIDTH - PLOT_MARGIN if (value or 0) > 0 else PLOT_MARGIN
    value = min(max(value, low), high)
    if log:
        t = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    else:
        t = (value - low) / (high - low) if high > low else 0.5
    return round(PLOT_MARGIN + t * (PLOT_WIDTH - 2 * PLOT_MARGIN), 1)


def strip(unit: UnitConsensus, stated: Sequence[Mapping[str, Any]]) -> Strip:
    """A strip of the figures ``stated`` (``source, value, low, high``) for ``unit``."""
    dissenters = {(d.source, d.value) for d in unit.dissent}
    points = sorted({(str(q["source"]), float(q["value"]), float(q["low"]), float(q["high"])) for q in stated},
                    key=lambda p: (p[1], p[0], p[2], p[3]))
    bounds = [b for p in points for b in (p[2], p[3]) if math.isfinite(b) and b > 0]
    lo, hi, log = _scale([p[1] for p in points] + [unit.consensus] + bounds)
    marks = tuple(Mark(source=s, value=v, low=a, high=b, x=_x(v, lo, hi, log), x_low=_x(a, lo, hi, log),
                       x_high=_x(b, lo, hi, log), dissent=(s, v) in dissenters) for s, v, a, b in points)
    return Strip(unit=unit.unit, consensus=unit, marks=marks, x_consensus=_x(unit.consensus, lo, hi, log),
                 x_low=_x(unit.low, lo, hi, log), x_high=_x(unit.high, lo, hi, log),
                 axis_low=lo, axis_high=hi, log=log, least=points[0][1] if points else unit.consensus,
                 most=points[-1][1] if points else unit.consensus)


def timeline(unit: UnitConsensus) -> tuple[Step, ...]:
    """The figure as it was reported over time (x by first date, y by value); empty when it never moved."""
    steps = [e for e in unit.evolution if e.first_seen]
    if len(steps) < 2:
        return ()
    times = [pd.Timestamp(e.first_seen).value for e in steps]
    t0, t1 = min(times), max(times)
    lo, hi, log = _scale([e.value for e in steps])
    out = []
    for e, t in zip(steps, times, strict=True):
        x = PLOT_MARGIN + (t - t0) / (t1 - t0) * (PLOT_WIDTH - 2 * PLOT_MARGIN) if t1 > t0 else PLOT_WIDTH / 2
        y = 38.0 - (_x(e.value, lo, hi, log) - PLOT_MARGIN) / (PLOT_WIDTH - 2 * PLOT_MARGIN) * 30.0
        out.append(Step(value=e.value, first_seen=e.first_seen, sources=e.sources, x=round(x, 1), y=round(y, 1)))
    return tuple(out)


# ------------------------------------------------------------------ cards and sheets

def _reason_lines(reasons: Sequence[Reason]) -> tuple[ReasonLine, ...]:
    return tuple(ReasonLine(r.code, reason_title(r.code), reason_text(r), r.effect) for r in reasons)


def _card(rank: int, score: ClusterScore, claims: list[dict[str, Any]], report: Report,
          articles: Mapping[str, Mapping[str, Any]], label: str) -> Card:
    dissenting = {cid for u in score.quantities for d in u.dissent for cid in d.claim_ids}
    rows = []
    for c in sorted(claims, key=lambda c: (c.get("published_at") or "~", c["source"], c["claim_id"])):
        article = articles.get(c["article_id"], {})
        rows.append({**c, "title": article.get("title"), "url": article.get("url"),
                     "dissents": c["claim_id"] in dissenting})
    stated: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in rows:
        for q in c["quantities"]:
            stated[q["unit"]].append({**q, "source": c["source"]})
    strips = tuple(strip(u, stated[u.unit]) for u in score.quantities if stated.get(u.unit))
    z = score.extra.get("score")
    return Card(rank=rank, score=score, event_label=label, reasons=_reason_lines(score.reasons),
                claims=tuple(rows), denials=tuple(report.denials.get(score.cluster_id, [])), strips=strips,
                outlets=tuple(sorted({c["source"] for c in rows})), model_score=z,
                baseline=None if z is None else round(z - sum(r.effect for r in score.reasons), 4))


#: the fields of a claim row in the HTML's claim data, in order (report.js reads them by position);
#: ``article`` indexes the ``articles`` rows, each ``[title, url]``
CLAIM_ROW = ("claim_id", "source", "day", "article", "context_before", "text", "context_after", "stance",
             "attributed_to", "copy", "dissents")


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def claim_data(sheets: Sequence[EventSheet]) -> dict[str, Any]:
    """Every card's claims as compact rows (:data:`CLAIM_ROW`) keyed by cluster id, and their articles.

    The page keeps them as JSON data and builds a card's list when it is opened:
    thousands of claims in context would otherwise be most of the page's parse
    and layout time. URLs are checked here (``safe_url``); anything else is null.
    """
    articles: dict[str, int] = {}
    article_rows: list[list[Any]] = []
    cards: dict[str, list[list[Any]]] = {}
    for sheet in sheets:
        for card in sheet.cards:
            rows = []
            for c in card.claims:
                if c["article_id"] not in articles:
                    articles[c["article_id"]] = len(article_rows)
                    article_rows.append([_text(c.get("title")) or f"article {c['article_id']}",
                                         safe_url(c.get("url"))])
                copy = (f"{c['copy_kind']} {c['copy_name']}" if _text(c.get("copy_kind"))
                        and c["copy_kind"] != "source" else None)
                rows.append([c["claim_id"], c["source"], day(c.get("published_at")), articles[c["article_id"]],
                             c.get("context_before") or "", c["text"], c.get("context_after") or "",
                             _text(c.get("stance")), _text(c.get("attributed_to")), copy, bool(c["dissents"])])
            cards[str(card.score.cluster_id)] = rows
    return {"articles": article_rows, "cards": cards}


def corroborated(report: Report) -> list[ClusterScore]:
    """Clusters stated by two or more sources, not generic: the cards, by confidence."""
    return [c for c in report.clusters if c.n_sources >= 2 and not c.generic]


def key_figures(cards: Sequence[Card]) -> tuple[KeyFigure, ...]:
    """Per unit, the consensus stated by the most sources among ``cards`` (then the most confident)."""
    best: dict[str, tuple[tuple[int, float, int], KeyFigure]] = {}
    for card in cards:
        for u in card.score.quantities:
            key = (u.n_sources, card.score.confidence, -card.score.cluster_id)
            if u.n_sources >= 2 and (u.unit not in best or key > best[u.unit][0]):
                best[u.unit] = (key, KeyFigure(card.score.cluster_id, card.score.confidence, u, timeline(u)))
    return tuple(f for _, f in sorted(best.values(), key=lambda kv: (-kv[0][0], kv[1].consensus.unit)))


def event_sheets(report: Report) -> list[EventSheet]:
    """One sheet per event, most reported first (outlets, then articles, then id)."""
    claims = report.claims_by_cluster()
    articles = {a["article_id"]: a for a in report.articles.to_dict(orient="records")}
    events = report.events.to_dict(orient="records")
    labels = {int(e["event_id"]): str(e["label"]) for e in events}
    by_event: dict[int, list[Card]] = defaultdict(list)
    for rank, score in enumerate(corroborated(report), start=1):
        event = -1 if score.event_id is None else int(score.event_id)
        by_event[event].append(_card(rank, score, claims.get(score.cluster_id, []), report, articles,
                                     labels.get(event, "unknown event")))
    sheets = []
    for e in events:
        cards = tuple(by_event.get(int(e["event_id"]), ()))
        sheets.append(EventSheet(
            event_id=int(e["event_id"]), label=str(e["label"]), first_seen=_text(e.get("first_seen")),
            last_seen=_text(e.get("last_seen")), sources=tuple(e.get("sources") or ()), n_articles=int(e["n_articles"]),
            entities=tuple(e.get("entities") or ()), figures=key_figures(cards), cards=cards))
    return sorted(sheets, key=lambda s: (-len(s.sources), -s.n_articles, -len(s.cards), s.event_id))

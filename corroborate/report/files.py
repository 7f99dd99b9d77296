"""Write a :class:`Report` to an output folder, every file atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..atomic import to_jsonable, write_csv, write_jsonl, write_text
from ..scoring.truth import TruthDiscovery
from .claimreview import claim_reviews
from .html import html_pieces
from .markdown import render_markdown
from .model import Report, _package_version

#: what ``write_outputs`` writes, and what each file holds
OUTPUT_FILES = {
    "report.html": "the report to open first: event sheets, evidence cards, plots, search (self-contained)",
    "report.md": "the same report as Markdown: corroborated claims first, with their reasons",
    "claims.jsonl": "one claim per line: claim fields, cluster_id, published_at, context, quantities",
    "clusters.jsonl": "one cluster per line, by confidence: sources, numbers, confidence, reasons",
    "claimreview.jsonl": "each corroborated cluster as a schema.org ClaimReview (JSON-LD)",
    "articles.jsonl": "one article per line: id, source, title, url, date, event, copy group (no text)",
    "events.jsonl": "one event per line: label, articles, sources, dates, key entities",
    "sources.csv": "one row per source: articles, claims, corroborated claims, learned reliability",
    "dropped.jsonl": "sentences that are not claims, with the reason (boilerplate, question...)",
    "rejected.jsonl": "input records that could not be used, with file, line and reason",
    "run.json": "settings, model identity, version and corpus summary of this run",
}

#: what ``corroborate report OUTDIR --format F`` writes for each format
FORMAT_FILES = {"html": "report.html", "md": "report.md", "json": "report.json", "csv": "clusters.csv"}

#: columns of ``clusters.csv`` (``--format csv``): one flat row per cluster
CSV_COLUMNS = ("cluster_id", "event_id", "confidence", "score", "n_sources", "independent_sources",
               "n_articles", "n_claims", "generic", "headline_unit", "consensus", "low", "high", "agreement",
               "n_dissenting", "first_seen", "last_seen", "reasons", "sources", "representative")


def clusters_frame(report: Report) -> pd.DataFrame:
    """One flat row per cluster (``clusters.csv``): the headline figure, the reason codes."""
    rows = []
    for c in report.clusters:
        head = c.extra.get("headline_unit")
        unit = next((u for u in c.quantities if u.unit == head), None)
        rows.append({
            "cluster_id": c.cluster_id, "event_id": c.event_id, "confidence": c.confidence,
            "score": c.extra.get("score"), "n_sources": c.n_sources, "independent_sources": c.independent_sources,
            "n_articles": c.n_articles, "n_claims": c.n_claims, "generic": c.generic, "headline_unit": head,
            "consensus": unit.consensus if unit else None, "low": unit.low if unit else None,
            "high": unit.high if unit else None, "agreement": unit.agreement if unit else None,
            "n_dissenting": len(unit.dissent) if unit else 0, "first_seen": c.first_seen, "last_seen": c.last_seen,
            "reasons": " ".join(r.code for r in c.reasons), "sources": "|".join(c.sources),
            "representative": c.representative,
        })
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def render(report: Report, fmt: str, outdir: str | Path) -> Path:
    """Write ``report`` in format ``fmt`` (a key of :data:`FORMAT_FILES`) into ``outdir``."""
    if fmt not in FORMAT_FILES:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMAT_FILES)}")
    path = Path(outdir) / FORMAT_FILES[fmt]
    if fmt == "html":
        write_text(path, html_pieces(report))
    elif fmt == "md":
        write_text(path, render_markdown(report))
    elif fmt == "json":
        write_text(path, json.dumps(report.plain_parts(), indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    elif fmt == "csv":
        write_csv(path, clusters_frame(report))
    return path


def write_outputs(report: Report, outdir: str | Path) -> dict[str, Path]:
    """Write the files of :data:`OUTPUT_FILES` into ``outdir``; return their paths."""
    out = Path(outdir)
    paths = {name: out / name for name in OUTPUT_FILES}
    parts = report.plain_parts(stream=True)      # plain JSON values already, the large parts a row at a time
    for name in ("claims", "clusters", "articles", "events", "dropped", "rejected"):
        write_jsonl(paths[f"{name}.jsonl"], parts[name], plain=True)
    write_jsonl(paths["claimreview.jsonl"], claim_reviews(report))
    write_csv(paths["sources.csv"], report.sources)
    write_text(paths["run.json"], json.dumps(to_jsonable(report.run_record()), indent=2, ensure_ascii=False) + "\n")
    render(report, "md", out)
    render(report, "html", out)
    return paths


#: what ``write_truth_outputs`` writes (``corroborate truth``)
TRUTH_OUTPUT_FILES = {
    "items.csv": "one row per item (and unit): consensus, interval, sources, agreement, confidence, dissent",
    "sources.csv": "one row per source: learned reliability, weight, items, comparisons, agreements",
    "rejected.jsonl": "values that could not be used (placeholders, not numbers), with their row",
    "run.json": "settings, version and summary of this run",
}


def write_truth_outputs(engine: TruthDiscovery, outdir: str | Path,
                        settings: dict[str, object]) -> dict[str, Path]:
    """Write a fitted :class:`TruthDiscovery` as the files of :data:`TRUTH_OUTPUT_FILES`."""
    out = Path(outdir)
    paths = {name: out / name for name in TRUTH_OUTPUT_FILES}
    write_csv(paths["items.csv"], engine.items_)
    write_csv(paths["sources.csv"], engine.sources_)
    write_jsonl(paths["rejected.jsonl"], engine.rejected_)
    items = engine.items_
    summary = {
        "n_items": int(len(items)),
        "n_numeric_items": int((items["kind"] == "numeric").sum()),
        "n_categorical_items": int((items["kind"] == "categorical").sum()),
        "n_sources": int(len(engine.sources_)),
        "n_observations_used": int(len(engine.observations_)),
        "n_rejected_values": len(engine.rejected_),
        "n_iterations": engine.n_iter_,
    }
    run = {"version": _package_version(), "settings": settings, "summary": summary}
    write_text(paths["run.json"], json.dumps(to_jsonable(run), indent=2, ensure_ascii=False) + "\n")
    return paths

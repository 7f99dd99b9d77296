"""Write a :class:`Report` to an output folder, every file atomically."""

from __future__ import annotations

import json
from pathlib import Path

from ..io import to_jsonable, write_csv, write_jsonl, write_text
from ..truth import TruthDiscovery
from .markdown import render_markdown
from .model import Report, _package_version

#: what ``write_outputs`` writes, and what each file holds
OUTPUT_FILES = {
    "claims.jsonl": "one claim per line: claim fields, cluster_id, published_at, quantities",
    "clusters.jsonl": "one cluster per line, by confidence: sources, numbers, confidence, reasons",
    "report.md": "the readable report: corroborated claims first, with their reasons",
    "dropped.jsonl": "sentences that are not claims, with the reason (boilerplate, question...)",
    "rejected.jsonl": "input records that could not be used, with file, line and reason",
    "sources.csv": "one row per source: articles, claims, corroborated claims, learned reliability",
    "events.jsonl": "one event per line: label, articles, sources, dates, key entities",
    "run.json": "settings, model identity, version and corpus summary of this run",
}


def write_outputs(report: Report, outdir: str | Path) -> dict[str, Path]:
    """Write the files of :data:`OUTPUT_FILES` into ``outdir``; return their paths."""
    out = Path(outdir)
    paths = {name: out / name for name in OUTPUT_FILES}
    write_jsonl(paths["claims.jsonl"], report.claim_records())
    write_jsonl(paths["clusters.jsonl"], report.cluster_records())
    write_jsonl(paths["dropped.jsonl"], report.dropped.to_dict(orient="records"))
    write_jsonl(paths["rejected.jsonl"], report.rejected)
    write_csv(paths["sources.csv"], report.sources)
    write_jsonl(paths["events.jsonl"], report.events.to_dict(orient="records"))
    run = {"version": report.version, "model": report.model, "settings": report.settings,
           "summary": report.summary}
    write_text(paths["run.json"], json.dumps(to_jsonable(run), indent=2, ensure_ascii=False) + "\n")
    write_text(paths["report.md"], render_markdown(report))
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

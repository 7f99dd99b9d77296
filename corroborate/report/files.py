"""Write a :class:`Report` to an output folder, every file atomically."""

from __future__ import annotations

import json
from pathlib import Path

from ..io import to_jsonable, write_csv, write_jsonl, write_text
from .markdown import render_markdown
from .model import Report

#: what ``write_outputs`` writes, and what each file holds
OUTPUT_FILES = {
    "claims.jsonl": "one claim per line: claim fields, cluster_id, published_at, quantities",
    "clusters.jsonl": "one cluster per line, by confidence: sources, numbers, confidence, reasons",
    "report.md": "the readable report: corroborated claims first, with their reasons",
    "dropped.jsonl": "sentences that are not claims, with the reason (boilerplate, question...)",
    "rejected.jsonl": "input records that could not be used, with file, line and reason",
    "sources.csv": "one row per source: articles, claims, corroborated claims, learned reliability",
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
    run = {"version": report.version, "model": report.model, "settings": report.settings,
           "summary": report.summary}
    write_text(paths["run.json"], json.dumps(to_jsonable(run), indent=2, ensure_ascii=False) + "\n")
    write_text(paths["report.md"], render_markdown(report))
    return paths

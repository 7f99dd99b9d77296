"""A short summary table for the terminal."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import pandas as pd

from .model import Report


def render_table(report: Report, *, top: int = 10, width: int | None = None) -> str:
    """The ``top`` clusters by confidence, one line each, fitted to ``width`` columns."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    header = f"{'#':>3}  {'conf':>4}  {'src':>3}  {'eff':>4}  {'numbers':<18}  claim"
    claim_width = max(20, width - len(header) + len("claim"))
    lines = [header, "-" * min(width, len(header) - len("claim") + claim_width)]
    for i, c in enumerate(report.clusters[:top], start=1):
        numbers = ", ".join(
            f"{q.consensus:,.0f} {q.unit}" if abs(q.consensus) >= 1 else f"{q.consensus:.2g} {q.unit}"
            for q in c.quantities if q.n_sources >= 2)[:18]
        if any(r.code == "conflicting_numbers" for r in c.reasons):
            numbers = (numbers[:16] + " !") if numbers else "conflict !"
        claim = textwrap.shorten(" ".join(c.representative.split()), claim_width, placeholder="…")
        lines.append(f"{i:>3}  {c.confidence:>4.2f}  {c.n_sources:>3}  {c.effective_sources:>4.1f}  "
                     f"{numbers:<18}  {claim}")
    s = report.summary
    lines.append("")
    lines.extend(textwrap.wrap(
        f"{s['n_articles']} articles, {s['n_sources']} sources, {s['n_claims']} claims, "
        f"{s['n_clusters']} clusters ({s['n_multi_source_clusters']} multi-source); "
        f"{s['n_dropped_sentences']} sentences dropped, {s['n_rejected_records']} records rejected",
        width=width))
    return "\n".join(lines)


def render_truth_table(engine: Any, *, top: int = 10) -> str:
    """What ``corroborate truth`` prints: the counts, then the ``top`` most and least reliable sources
    of a fitted :class:`corroborate.scoring.truth.TruthDiscovery`."""
    items, sources, counted = engine.items_, engine.sources_, engine.accounting_
    lines = [f"{len(items)} items ({(items['kind'] == 'numeric').sum()} numeric), {len(sources)} sources, "
             f"{len(engine.rejected_)} values rejected, {engine.n_iter_} iterations",
             f"{counted['read']} records read: {counted['used']} used, {counted['rejected']} rejected",
             "", f"{'source':<28} {'unit':<12} {'reliability':>11} {'compared':>9} {'agreed':>8}"]
    shown = sources if len(sources) <= 2 * top else pd.concat([sources.head(top), sources.tail(top)])
    for row in shown.itertuples():
        unit = getattr(row, "unit", None) or ""
        lines.append(f"{str(row.source)[:28]:<28} {str(unit)[:12]:<12} {row.reliability:>11.3f} "
                     f"{row.n_compared:>9d} {row.n_agree:>8.0f}")
    return "\n".join(lines)

"""Report stage: a :class:`Report` holds the numbers; each format has its renderer.

In: a fitted run's frames and cluster scores (:class:`~corroborate.report.model.FittedRun`), or
an output folder read back (``folder``, ``fields``). Out: the files of an output folder
(JSONL, CSV, report.md, report.html, claimreview.jsonl) and the terminal table.

``model`` (the Report and its JSON form), ``sheets`` (what the HTML shows),
``reasons`` (reasons in words), ``templating`` (the Jinja2 environment),
``markdown`` / ``html`` / ``terminal`` / ``claimreview`` (the formats),
``plots`` (matplotlib charts), ``files`` (the output folder).
"""

from __future__ import annotations

from .claimreview import claim_reviews
from .files import (
    FORMAT_FILES,
    OUTPUT_FILES,
    TRUTH_OUTPUT_FILES,
    clusters_frame,
    render,
    write_outputs,
    write_truth_outputs,
)
from .html import render_html
from .markdown import render_markdown
from .model import Report
from .reasons import reason_text
from .terminal import render_table, render_truth_table

__all__ = ["Report", "render_markdown", "render_html", "render_table", "render_truth_table", "render", "reason_text",
           "claim_reviews", "clusters_frame", "write_outputs", "write_truth_outputs", "OUTPUT_FILES",
           "FORMAT_FILES", "TRUTH_OUTPUT_FILES"]

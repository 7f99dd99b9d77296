"""Render a :class:`Report` as Markdown (Jinja2 template ``templates/report.md.j2``).

Claim text is scraped news: every piece of it passes through the ``md`` filter
(:func:`corroborate.report.templating.md_escape`) so it can neither break the
layout nor inject HTML into a rendered page.
"""

from __future__ import annotations

from .model import Report
from .reasons import reason_text
from .sheets import corroborated
from .templating import environment, md_escape

MAX_SINGLE_SOURCE_ROWS = 50

__all__ = ["render_markdown", "md_escape", "MAX_SINGLE_SOURCE_ROWS"]


def render_markdown(report: Report) -> str:
    # generic clusters ("No arrests have been made.") are listed apart: they cannot corroborate
    multi = corroborated(report)
    generic = [c for c in report.clusters if c.generic]
    single = [c for c in report.clusters if c.n_sources < 2 and not c.generic]
    return environment().get_template("report.md.j2").render(
        report=report,
        summary=report.summary,
        multi=multi,
        single=single[:MAX_SINGLE_SOURCE_ROWS],
        n_single=len(single),
        generic=generic,
        claims_by_cluster=report.claims_by_cluster(),
        denials_by_cluster=report.denials,
        event_labels=dict(zip(report.events["event_id"], report.events["label"], strict=True))
        if len(report.events) else {},
        settings=report.settings,
        say=reason_text,
    )

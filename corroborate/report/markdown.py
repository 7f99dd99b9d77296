"""Render a :class:`Report` as Markdown (Jinja2 template ``templates/report.md.j2``).

Claim text is scraped news: every piece of it passes through :func:`md_escape`
so it can neither break the layout nor inject HTML into a rendered page.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .model import Report

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
MAX_SINGLE_SOURCE_ROWS = 50


def md_escape(text: Any) -> str:
    """Plain text made safe inside Markdown (one line, special characters escaped)."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def number(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isinf(x)):
        return "∞"
    x = float(x)
    if abs(x) >= 100 or x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3g}"


def signed(x: float) -> str:
    return "±0" if abs(x) < 5e-5 else f"{x:+.2f}"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("corroborate", "report/templates"),
        autoescape=select_autoescape(["html", "htm", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["number"] = number
    env.filters["signed"] = signed
    env.filters["day"] = lambda t: (t or "")[:10] or "undated"
    return env


def render_markdown(report: Report) -> str:
    # generic clusters ("No arrests have been made.") are listed apart: they cannot corroborate
    multi = [c for c in report.clusters if c.n_sources >= 2 and not c.generic]
    generic = [c for c in report.clusters if c.generic]
    single = [c for c in report.clusters if c.n_sources < 2 and not c.generic]
    return _environment().get_template("report.md.j2").render(
        report=report,
        summary=report.summary,
        multi=multi,
        single=single[:MAX_SINGLE_SOURCE_ROWS],
        n_single=len(single),
        generic=generic,
        claims_by_cluster=report.claims_by_cluster(),
        denials_by_cluster=report.denials,
        event_labels=dict(zip(report.events["event_id"], report.events["label"], strict=True)),
        settings=report.settings,
    )

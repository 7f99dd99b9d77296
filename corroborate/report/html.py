"""Render a :class:`Report` as one self-contained HTML file (``templates/report.html.j2``).

Nothing is fetched: the style sheet, the script and the charts are inlined. A
Content-Security-Policy allows only that style and that script (by their
SHA-256), images from ``data:`` and no connection at all, so text from the
corpus can never run as code, even if a template forgot to escape it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files

from markupsafe import Markup

from .model import Report
from .plots import confidence_histogram, data_uri
from .sheets import PLOT_MARGIN, PLOT_WIDTH, claim_data, corroborated, event_sheets
from .templating import environment

#: single-source claims listed in the HTML report (the rest are in clusters.jsonl)
MAX_SINGLE_SOURCE_ROWS = 500
#: confidence bands of the summary table
BANDS = ((0.8, 1.0001, "0.8 – 1"), (0.6, 0.8, "0.6 – 0.8"), (0.4, 0.6, "0.4 – 0.6"), (0.2, 0.4, "0.2 – 0.4"),
         (0.0, 0.2, "0 – 0.2"))


@lru_cache(maxsize=2)
def _static(name: str) -> str:
    return files("corroborate.report").joinpath("static", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    return (f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render_html(report: Report) -> str:
    return "".join(html_pieces(report))


def html_pieces(report: Report) -> Iterator[str]:
    """:func:`render_html` as the template's pieces, in order (for writing a large report
    without holding it whole)."""
    css, js = _static("report.css"), _static("report.js")
    multi = corroborated(report)
    generic = [c for c in report.clusters if c.generic]
    single = [c for c in report.clusters if c.n_sources < 2 and not c.generic]
    bands = [{"label": label, "multi": sum(lo <= c.confidence < hi for c in multi),
              "single": sum(lo <= c.confidence < hi for c in single)} for lo, hi, label in BANDS]
    sheets = event_sheets(report)
    histogram = data_uri(confidence_histogram([c.confidence for c in multi], [c.confidence for c in single]))
    return environment().get_template("report.html.j2").generate(
        report=report, summary=report.summary, settings=report.settings, sheets=sheets, claims_data=claim_data(sheets),
        generic=generic, single=single[:MAX_SINGLE_SOURCE_ROWS], n_single=len(single), bands=bands,
        histogram=histogram, sources=report.sources.to_dict(orient="records"),
        outlets=sorted(report.articles["source"].unique()) if len(report.articles) else [],
        css=Markup(css), js=Markup(js), csp=content_security_policy(css, js),
        plot_width=PLOT_WIDTH, margin=PLOT_MARGIN,
    )

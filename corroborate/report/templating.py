"""The Jinja2 environment every report format renders with, and its filters.

Templates ship as package data (``report/templates``). Autoescape is on for
``*.html.j2``; Markdown escapes untrusted text with the ``md`` filter; the
plain-text templates (``*.txt.j2``) produce text that each format then escapes
as its own. No report text is assembled by string formatting in Python.
"""

from __future__ import annotations

import math
import numbers
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
#: the only link schemes a report turns into links; anything else is shown as text
SAFE_SCHEMES = ("http", "https")


def md_escape(text: Any) -> str:
    """Plain text made safe inside Markdown (one line, special characters escaped)."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def _real(x: Any) -> float | None:
    """``x`` as a finite float; ``None`` when it is missing, not a number or not finite."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):     # numpy's numbers too
        return None
    try:
        f = float(x)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def number(x: Any) -> str:
    """A figure for a reader: thousands separated, ``∞`` for unbounded or missing."""
    if x is None or (isinstance(x, float) and (math.isinf(x) or math.isnan(x))):
        return "∞"
    if _real(x) is None:               # not a number at all: shown as it is, never a crash
        return str(x)
    x = float(x)
    if abs(x) >= 100 or x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3g}"


#: what a filter shows for a value it cannot show (missing, NaN, not a number)
MISSING = "n/a"


def signed(x: Any) -> str:
    """An effect or a score: ``+1.16``, ``-0.33``, ``±0``."""
    f = _real(x)
    if f is None:
        return MISSING
    return "±0" if abs(f) < 5e-5 else f"{f:+.2f}"


def percent(x: Any) -> str:
    f = _real(x)
    return MISSING if f is None else f"{100 * f:.0f}%"


def day(t: Any) -> str:
    """The date part of an ISO time; ``undated`` for every kind of missing (None, NaN, empty)."""
    return t[:10] if isinstance(t, str) and t[:10].strip() else "undated"


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) address, else ``None`` (never a ``javascript:`` link)."""
    if not isinstance(url, str) or any(ch in url for ch in "\x00\r\n\t "):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def listed(names: Any, limit: int = 6) -> str:
    """``a, b, c and 4 more``."""
    names = [str(n) for n in names or ()]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("corroborate", "report/templates"),
        autoescape=select_autoescape(["html.j2", "html", "svg.j2"], default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md_escape, number=number, signed=signed, percent=percent, day=day,
                       safe_url=safe_url, listed=listed)
    return env

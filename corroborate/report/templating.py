"""The Jinja2 environment every report format renders with, and its filters.

Templates ship as package data (``report/templates``). Autoescape is on for
``*.html.j2``; Markdown escapes untrusted text with the ``md`` filter; the
plain-text templates (``*.txt.j2``) produce text that each format then escapes
as its own. No report text is assembled by string formatting in Python.
"""

from __future__ import annotations

import math
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


def number(x: Any) -> str:
    """A figure for a reader: thousands separated, ``∞`` for unbounded or missing."""
    if x is None or (isinstance(x, float) and (math.isinf(x) or math.isnan(x))):
        return "∞"
    x = float(x)
    if abs(x) >= 100 or x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3g}"


def signed(x: float) -> str:
    return "±0" if abs(x) < 5e-5 else f"{x:+.2f}"


def percent(x: float) -> str:
    return f"{100 * float(x):.0f}%"


def day(t: Any) -> str:
    return (t or "")[:10] or "undated"


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
    names = [str(n) for n in names]
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

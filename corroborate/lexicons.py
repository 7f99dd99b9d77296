"""The lexicons kept as data (``corroborate/data/*.toml``), read once per process.

Every stage that needs a word list reads it here: the boilerplate patterns and claims' cues
(text), the units and counted outcomes (text, grouping), the reporting verbs, origin aliases and
news agencies (ingest, text). Treat what they return as read-only.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=16)
def data_file(name: str) -> dict[str, Any]:
    """The TOML document ``corroborate/data/<name>`` (cached; treat it as read-only)."""
    raw = resources.files("corroborate").joinpath(f"data/{name}").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


@lru_cache(maxsize=1)
def wire_names() -> dict[str, str]:
    """Each spelling of a news agency (casefolded) -> its one name (``attribution.toml`` ``[wires]``)."""
    return {form: name for name, forms in data_file("attribution.toml")["wires"].items() for form in forms}

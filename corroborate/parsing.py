"""One spaCy pass over the claims: who said it, with what stance, and what it counts.

Only sentences that need a parse are parsed: those with a reporting or denial
cue (:func:`corroborate.attribution.needs_parse`) and those that may state a
count (:func:`corroborate.counts.may_state_a_count`). Each parse is used for
both and then dropped, so no document outlives its sentence.
"""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

import pandas as pd

from .attribution import attribute, attribution_frame, needs_parse, stance_only
from .counts import may_state_a_count
from .nlp import nlp
from .quantities import parse_quantities, quantity_frame


def analyse_claims(claims: pd.DataFrame, *, approx_rel_width: float,
                   batch_size: int = 64) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(attribution, quantities)`` of ``claims``.

    attribution: one row per claim (index of ``claims``) with ``attributed_to,
    speaker, stance, content``; quantities: the frame of
    :data:`corroborate.schema.QUANTITY_COLUMNS`.
    """
    texts = claims["text"].tolist()
    ids = claims["claim_id"].tolist()
    cue = [needs_parse(t) for t in texts]
    count = [may_state_a_count(t) for t in texts]
    attributions = [stance_only(t) for t in texts]
    found: list[list[Any]] = [[] for _ in texts]
    parse = [i for i in range(len(texts)) if cue[i] or count[i]]
    for i, doc in zip(parse, nlp().pipe([texts[i] for i in parse], batch_size=batch_size),
                      strict=True):
        if cue[i]:
            attributions[i] = attribute(doc)
        found[i] = parse_quantities(texts[i], approx_rel_width=approx_rel_width, doc=doc)
    parsed = set(parse)
    for i in range(len(texts)):
        if i not in parsed:
            found[i] = parse_quantities(texts[i], approx_rel_width=approx_rel_width, parse=False)
    rows = [(ids[i], *astuple(q)) for i in range(len(texts)) for q in found[i]]
    attribution = attribution_frame(attributions)
    attribution.index = claims.index
    return attribution, quantity_frame(rows)

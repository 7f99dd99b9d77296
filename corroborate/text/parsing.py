"""One spaCy pass over the claims: who said it, with what stance, and what it counts.

Only sentences that need a parse are parsed: those with a reporting or denial
cue (:func:`corroborate.text.attribution.needs_parse`) and those that may state a
count (:func:`corroborate.text.counts.may_state_a_count`). Named entities (a third
of spaCy's time) are only recognised where attribution reads them: sentences
that may only state a count are parsed without them. Each parse is used for
both readings and then dropped, so no document outlives its sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple
from typing import Any

import pandas as pd

from ..progress import Progress
from .attribution import attribute, attribution_frame, needs_parse, stance_only
from .counts import may_state_a_count
from .nlp import nlp
from .quantities import parse_quantities, quantity_frame


def analyse_claims(claims: pd.DataFrame, *, approx_rel_width: float,
                   published: Mapping[str, Any] | None = None,
                   batch_size: int = 64, show_progress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(attribution, quantities)`` of ``claims``.

    ``published`` maps article ids to publication times: a count in a sentence
    about an earlier year is set aside (:func:`corroborate.text.counts.counts`).

    attribution: one row per claim (index of ``claims``) with ``attributed_to,
    speaker, stance, content``; quantities: the frame of
    :data:`corroborate.schema.QUANTITY_COLUMNS`.
    """
    texts = claims["text"].tolist()
    ids = claims["claim_id"].tolist()
    years = [_year(published.get(a)) if published is not None else None for a in claims["article_id"]]
    cue = [needs_parse(t) for t in texts]
    count = [may_state_a_count(t) for t in texts]
    attributions = [stance_only(t) for t in texts]
    found: list[list[Any]] = [[] for _ in texts]
    with_entities = [i for i in range(len(texts)) if cue[i]]
    without = [i for i in range(len(texts)) if count[i] and not cue[i]]
    pipeline = nlp()
    with Progress(len(with_entities) + len(without), "parsing", enabled=show_progress, unit="sentence",
                  minimum=batch_size + 1) as bar:
        for i, doc in zip(with_entities, pipeline.pipe([texts[i] for i in with_entities],
                                                       batch_size=batch_size), strict=True):
            attributions[i] = attribute(doc)
            found[i] = parse_quantities(texts[i], approx_rel_width=approx_rel_width, doc=doc,
                                        reference_year=years[i])
            bar.update()
        with pipeline.select_pipes(disable=["ner"]):
            for i, doc in zip(without, pipeline.pipe([texts[i] for i in without], batch_size=batch_size),
                              strict=True):
                found[i] = parse_quantities(texts[i], approx_rel_width=approx_rel_width, doc=doc,
                                            reference_year=years[i])
                bar.update()
    parsed = set(with_entities) | set(without)
    for i in range(len(texts)):
        if i not in parsed:
            found[i] = parse_quantities(texts[i], approx_rel_width=approx_rel_width, parse=False)
    rows = [(ids[i], *astuple(q)) for i in range(len(texts)) for q in found[i]]
    attribution = attribution_frame(attributions)
    attribution.index = claims.index
    return attribution, quantity_frame(rows)


def _year(stamp: Any) -> int | None:
    return None if stamp is None or pd.isna(stamp) else int(pd.Timestamp(stamp).year)

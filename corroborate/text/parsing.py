"""One spaCy pass over the claims: who said it, with what stance, and what it counts.

Only sentences that need a parse are parsed: those with a reporting or denial
cue (:func:`corroborate.text.attribution.needs_parse`) and those that may state a
count (:func:`corroborate.text.counts.may_state_a_count`). Named entities (a third
of spaCy's time) are only recognised where attribution reads them: sentences
that may only state a count are parsed without them. Each parse is used for
both readings and then dropped, so no document outlives its sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import astuple
from functools import partial
from typing import Any

import pandas as pd

from ..engines import Engine, LocalEngine, batches_of
from ..progress import Progress
from .attribution import attribute, attribution_frame, needs_parse, stance_only
from .counts import may_state_a_count
from .nlp import nlp
from .parse_cache import ParseCache, Reading, sentence_key
from .quantities import parse_quantities, quantity_frame

#: sentences read per task of an engine
READ_BATCH = 500


def analyse_claims(claims: pd.DataFrame, *, approx_rel_width: float,
                   published: Mapping[str, Any] | None = None,
                   batch_size: int = 64, show_progress: bool = False,
                   cache: ParseCache | None = None, stats: dict[str, int] | None = None,
                   engine: Engine | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(attribution, quantities)`` of ``claims``.

    ``published`` maps article ids to publication times: a count in a sentence
    about an earlier year is set aside (:func:`corroborate.text.counts.counts`).
    ``cache``: sentences read before (same text, year and settings, same reader) are taken
    from it, and only the others are parsed and then stored. A sentence repeated with the same
    year is read once. ``stats`` (when given) is filled with ``sentences``, ``distinct``,
    ``from_cache`` and ``read`` (the distinct sentences read in this call). ``engine``
    (:mod:`corroborate.engines`) reads them, :data:`READ_BATCH` sentences a task; the cache is
    read and written here only.

    attribution: one row per claim (index of ``claims``) with ``attributed_to,
    speaker, stance, content``; quantities: the frame of
    :data:`corroborate.schema.QUANTITY_COLUMNS`.
    """
    texts = claims["text"].tolist()
    ids = claims["claim_id"].tolist()
    years = [_year(published.get(a)) if published is not None else None for a in claims["article_id"]]
    # a sentence repeated (wire copies, reposts) with the same year is read once
    keys = [sentence_key(t, y, approx_rel_width) for t, y in zip(texts, years, strict=True)]
    first_of: dict[bytes, int] = {}
    for i, k in enumerate(keys):
        first_of.setdefault(k, i)
    first = list(first_of.values())
    known = cache.get_many([keys[i] for i in first]) if cache is not None else {}
    todo = [i for i in first if keys[i] not in known]
    batches = [([texts[i] for i in part], [years[i] for i in part]) for part in batches_of(todo, READ_BATCH)]
    with Progress(len(todo), "parsing", enabled=show_progress, unit="sentence", minimum=batch_size + 1) as bar:
        read = (engine or LocalEngine()).map(partial(read_batch, approx_rel_width=approx_rel_width,
                                                     batch_size=batch_size),
                                             batches, label="read", progress=bar, sizes=[len(b[0]) for b in batches])
    fresh = dict(zip(todo, (reading for part in read for reading in part), strict=True))
    by_key = {**known, **{keys[i]: reading for i, reading in fresh.items()}}
    if cache is not None and fresh:
        cache.put_many((keys[i], reading) for i, reading in fresh.items())
    if stats is not None:
        stats.update(sentences=len(texts), distinct=len(first), from_cache=len(known), read=len(todo))
    readings = [by_key[k] for k in keys]
    rows = [(ids[i], *astuple(q)) for i, r in enumerate(readings) for q in r[1]]
    attribution = attribution_frame(r[0] for r in readings)
    attribution.index = claims.index
    return attribution, quantity_frame(rows)


def read_batch(batch: tuple[Sequence[str], Sequence[int | None]], *, approx_rel_width: float,
               batch_size: int = 64) -> list[Reading]:
    """The readings of a batch of (sentences, their publication years): one task of an engine."""
    texts, years = list(batch[0]), list(batch[1])
    out = _read(texts, years, list(range(len(texts))), approx_rel_width, batch_size, False)
    return [out[i] for i in range(len(texts))]


def _read(texts: list[str], years: list[int | None], todo: list[int], approx_rel_width: float,
          batch_size: int, show_progress: bool) -> dict[int, Reading]:
    """The readings of the sentences ``todo``: one spaCy pass over those that need a parse
    (with named entities only where attribution reads them), the surface for the others."""
    cue = {i: needs_parse(texts[i]) for i in todo}
    with_entities = [i for i in todo if cue[i]]
    without = [i for i in todo if not cue[i] and may_state_a_count(texts[i])]
    out: dict[int, Reading] = {}
    pipeline = nlp() if with_entities or without else None
    with Progress(len(with_entities) + len(without), "parsing", enabled=show_progress, unit="sentence",
                  minimum=batch_size + 1) as bar:
        if with_entities:
            for i, doc in zip(with_entities, pipeline.pipe([texts[i] for i in with_entities],
                                                           batch_size=batch_size), strict=True):
                out[i] = (attribute(doc), parse_quantities(texts[i], approx_rel_width=approx_rel_width, doc=doc,
                                                           reference_year=years[i]))
                bar.update()
        if without:
            with pipeline.select_pipes(disable=["ner"]):
                for i, doc in zip(without, pipeline.pipe([texts[i] for i in without], batch_size=batch_size),
                                  strict=True):
                    out[i] = (stance_only(texts[i]), parse_quantities(
                        texts[i], approx_rel_width=approx_rel_width, doc=doc, reference_year=years[i]))
                    bar.update()
    for i in todo:
        if i not in out:
            out[i] = (stance_only(texts[i]), parse_quantities(texts[i], approx_rel_width=approx_rel_width,
                                                             parse=False))
    return out


def _year(stamp: Any) -> int | None:
    return None if stamp is None or pd.isna(stamp) else int(pd.Timestamp(stamp).year)

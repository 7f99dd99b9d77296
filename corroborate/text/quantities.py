"""Numbers stated in a claim, as intervals with the noun they count.

"approximately 10,000 North Korean troops" -> value 10000, low 9000, high 11000,
unit "troops", kind "count", approx True. Number words and scales ("ten
thousand", "10k", "1.5 million", "a dozen") are read by
``recognizers-text-number``; what no library does is written in the modules
listed below: hedges that widen or bound the interval, ranges, vague plurals
("hundreds of"), the counted noun (through the lexicon in ``data/units.toml``),
and the numbers that are not counts at all (years, dates, times, ages,
identifiers such as "F-16" or "No. 10", list numbering, phone numbers, scores
such as "3-1").

A number is read right or left out, never misread: vulgar fractions ("½ a
dozen" is 6, "2½ million") are read; shares ("a third of", "1/2 of",
"one in five") are percents, and ordinals ("a fourth day") nothing; a count
is whole and not negative ("-5 degrees" stays, as a signed number); the
group of a share ("half of the 300 workers were killed") is not the outcome's
count; powers ("10^100") and numbers beyond :data:`schema.MAX_MAGNITUDE`
(which the recognizer rounds) are left out.

``high`` is ``inf`` when a report only bounds a number from below ("more than
3,000"); writers turn it into ``null``. Always ``low <= value <= high``.

The work is shared out by job:

* :mod:`corroborate.text.numerals`: numbers as written (numerals, number words,
  scales, vulgar fractions, vague plurals, ranges), read into candidate numbers;
* :mod:`corroborate.text.units`: the counted noun after a number (``data/units.toml``);
* :mod:`corroborate.text.stated`: a :class:`Quantity` for each number a sentence
  states, with its kind, unit and hedged interval, non-counts left out;
* :mod:`corroborate.text.counts`: what the dependency parse says is counted;
* this module: the two readings merged (:func:`parse_quantities`), and the
  quantities frame of a claims frame (:func:`extract_quantities`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import astuple
from typing import Any

import pandas as pd

from ..schema import QUANTITY_COLUMNS
from .counts import Count, counts, may_state_a_count
from .measures import measures_of
from .nlp import nlp
from .stated import Quantity, stated_quantities

__all__ = ["Quantity", "extract_quantities", "merge_counts", "parse_quantities", "quantities_by_claim",
           "quantity_frame"]


def parse_quantities(text: str, *, approx_rel_width: float = 0.10, doc: Any = None,
                     parse: bool = True, reference_year: int | None = None) -> list[Quantity]:
    """All quantities stated in ``text`` (one sentence), in order of appearance.

    Numbers are read from the surface (:func:`corroborate.text.stated.stated_quantities`); then the
    dependency parse (``doc``, a spaCy parse of ``text``; parsed here when
    ``parse`` and the sentence may state a count) decides what each counts and
    adds the counts stated without numerals (:mod:`corroborate.text.counts`).
    ``reference_year`` (the year of publication) lets it set aside the counts
    of a sentence about an earlier year's event. Each quantity's ``measure`` says whether it
    states a change or a requirement (:mod:`corroborate.text.measures`).
    """
    stated = stated_quantities(text, approx_rel_width=approx_rel_width)
    if doc is None and parse and may_state_a_count(text):
        doc = nlp()(text)
    if doc is not None:
        stated = merge_counts(text, stated, counts(doc, stated=_stated_offsets(text, stated),
                                                   reference_year=reference_year))
    found = measures_of(text, [(q.start, q.end, q.kind) for q in stated])
    return [dataclasses.replace(q, measure=m) for q, m in zip(stated, found, strict=True)]


def _stated_offsets(text: str, stated: list[Quantity]) -> dict[int, float]:
    """Offset -> value of every stated number, for :func:`counts.counts`; the later
    words of a number ("ten" in "nine out of ten", "a dozen" in "½ a dozen") map to
    NaN: they state no number by themselves."""
    out: dict[int, float] = {}
    for q in stated:
        for m in re.finditer(r"(?<![\w.,])[\w½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]", text[q.start + 1:q.end]):
            out.setdefault(q.start + 1 + m.start(), math.nan)
    out.update({q.start: q.value for q in stated})
    return out


def merge_counts(text: str, stated: list[Quantity], found: list[Count]) -> list[Quantity]:
    """Stated numbers with the parse's reading of what they count.

    A count read from one stated numeral relabels it (the predicate sets the
    unit: "five people were shot and injured" counts injured, keeping the
    numeral's hedged interval); a sum ("two men and two women") replaces its
    parts; a count stated without a numeral ("a man", "no one") is added.
    """
    by_start = {q.start: i for i, q in enumerate(stated)}
    out: list[Quantity | None] = list(stated)
    added: list[Quantity] = []
    for c in found:
        parts = [by_start[o] for o in c.numerals if o in by_start]
        if any(stated[i].kind in ("percent", "money") for i in parts):
            continue                                       # "20% of the workers were killed"
        if c.tally:
            for i in parts:
                out[i] = None                              # "40 killed so far this year"
            continue
        if len(c.numerals) == 1 and parts and stated[parts[0]].value == c.value:
            i = parts[0]
            q = stated[i]
            out[i] = Quantity(q.value, q.low, q.high, c.unit, "count", q.approx, q.raw,
                              q.start, q.end, implicit=False)
            continue
        for i in parts:
            out[i] = None                                  # summed into the phrase's count
        if any(q is not None and q.unit == c.unit and q.start < c.end and c.start < q.end
               for q in out):
            continue                                       # already stated at that place
        # a sum keeps its stated parts' hedges: "about 10 soldiers and two officers"
        rest = float(c.value) - sum(stated[i].value for i in parts)
        low = rest + sum(stated[i].low for i in parts)
        high = rest + sum(stated[i].high for i in parts)
        added.append(Quantity(float(c.value), float(low), float(high), c.unit, "count",
                              any(stated[i].approx for i in parts), text[c.start:c.end],
                              c.start, c.end, implicit=c.implicit))
    merged = [q for q in out if q is not None] + added
    return sorted(merged, key=lambda q: (q.start, q.end))


def extract_quantities(
    claims: pd.DataFrame, *, approx_rel_width: float = 0.10,
    docs: Mapping[int, Any] | None = None,
) -> pd.DataFrame:
    """One row per quantity in ``claims`` (columns in :data:`schema.QUANTITY_COLUMNS`).

    ``docs`` maps a row position to its spaCy parse; without it, sentences that
    may state a count are parsed here. With it, rows it lacks are read from the
    surface only (the caller parsed every sentence that needed it).
    """
    rows: list[tuple[Any, ...]] = []
    for i, (claim_id, text) in enumerate(zip(claims["claim_id"], claims["text"], strict=True)):
        doc = docs.get(i) if docs is not None else None
        for q in parse_quantities(text, approx_rel_width=approx_rel_width, doc=doc,
                                  parse=docs is None):
            rows.append((claim_id, *astuple(q)))
    return quantity_frame(rows)


def quantity_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The quantities frame from ``(claim_id, *astuple(Quantity))`` rows."""
    fields = ("claim_id", *(f.name for f in dataclasses.fields(Quantity)))
    frame = pd.DataFrame(rows, columns=list(fields))
    frame = frame[list(QUANTITY_COLUMNS)]
    return frame.astype({"value": "float64", "low": "float64", "high": "float64",
                         "approx": "bool", "start": "int64", "end": "int64", "implicit": "bool"})


def quantities_by_claim(quantities: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``claim_id -> [quantity dicts]`` in order of appearance."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in quantities.to_dict(orient="records"):
        if not isinstance(record.get("unit"), str):
            record["unit"] = None          # pandas' string dtype stores a missing unit as NaN
        claim_id = record.pop("claim_id")
        out.setdefault(claim_id, []).append(record)
    return out

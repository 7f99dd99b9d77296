"""What every field of an output folder must hold, so a hand-edited file fails by name.

``corroborate report OUTDIR`` reads files that a person may have edited or a
copy may have cut short. Each line (or row) is checked against the shapes
below before anything is built from it: a wrong type, a number out of range,
NaN or infinity (JSON accepts them; corroborate never writes them: unbounded
is ``null``) or a missing field is a :class:`~corroborate.errors.RecordError`
naming the file, the line and the field (``quantities[0].low``), and what was
expected. The shapes accept everything :func:`corroborate.report.write_outputs`
writes; fields no renderer reads may be absent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import pandas as pd

from ..errors import RecordError


class _Mismatch(Exception):
    """A value that does not fit its shape: where in the record (``path``) and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def described(value: Any) -> str:
    """A value as a message shows it: ``'high' (a string)``, ``nan (not a finite number)``."""
    if value is None:
        return "null"
    text = repr(value)
    text = text[:40] + ("…" if len(text) > 40 else "")
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, int):
        kind = "a whole number"
    elif isinstance(value, float):
        kind = "a number" if math.isfinite(value) else "not a finite number"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, list):
        kind = "a list"
    elif isinstance(value, dict):
        kind = "an object"
    else:
        kind = type(value).__name__
    return f"{text} ({kind})"


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Shape(Protocol):
    what: str

    def check(self, value: Any, path: str) -> None: ...


@dataclass(frozen=True)
class Leaf:
    """A plain value: ``accepts`` says whether it fits, ``what`` how a message names the expectation."""

    what: str
    accepts: Callable[[Any], bool]

    def check(self, value: Any, path: str) -> None:
        if not self.accepts(value):
            raise _Mismatch(path, f"expected {self.what}, got {described(value)}")


@dataclass(frozen=True)
class Nullable:
    shape: Shape

    @property
    def what(self) -> str:
        return f"{self.shape.what} or null"

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            try:
                self.shape.check(value, path)
            except _Mismatch as exc:
                if exc.path != path:
                    raise
                raise _Mismatch(path, f"expected {self.what}, got {described(value)}") from None


@dataclass(frozen=True)
class ListOf:
    item: Shape

    @property
    def what(self) -> str:
        return f"a list of {self.item.what}"

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _Mismatch(path, f"expected {self.what}, got {described(value)}")
        for i, item in enumerate(value):
            self.item.check(item, _join(path, i))


@dataclass(frozen=True)
class MapOf:
    """An object whose keys are names (sources, features, reasons) and whose values all have one shape."""

    value: Shape

    @property
    def what(self) -> str:
        return f"an object of {self.value.what}"

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _Mismatch(path, f"expected {self.what}, got {described(value)}")
        for key in sorted(value):
            self.value.check(value[key], _join(path, key))


@dataclass(frozen=True)
class Fields:
    """An object with ``required`` and ``optional`` fields; other fields are allowed and kept."""

    required: Mapping[str, Shape]
    optional: Mapping[str, Shape] = field(default_factory=dict)
    what: str = "an object"

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _Mismatch(path, f"expected {self.what}, got {described(value)}")
        for key, shape in self.required.items():
            if key not in value:
                raise _Mismatch(_join(path, key), f"missing; expected {shape.what}")
            shape.check(value[key], _join(path, key))
        for key, shape in self.optional.items():
            if key in value:
                shape.check(value[key], _join(path, key))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and _finite(x)


def _finite(x: int | float) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:                    # an integer too large for a float
        return False


@lru_cache(maxsize=65536)
def _is_date_text(text: str) -> bool:
    try:
        return not pd.isna(pd.Timestamp(text))
    except (ValueError, TypeError, OverflowError):
        return False


TEXT = Leaf("a string", lambda x: isinstance(x, str))
NAME = Leaf("a non-empty string", lambda x: isinstance(x, str) and bool(x.strip()))
BOOLEAN = Leaf("true or false", lambda x: isinstance(x, bool))
INTEGER = Leaf("a whole number", lambda x: isinstance(x, int) and not isinstance(x, bool))
COUNT = Leaf("a whole number from 0", lambda x: isinstance(x, int) and not isinstance(x, bool) and x >= 0)
NUMBER = Leaf("a finite number", _is_number)
PROBABILITY = Leaf("a number from 0 to 1", lambda x: _is_number(x) and 0 <= x <= 1)
DATE = Leaf("an ISO date or time as text", lambda x: isinstance(x, str) and _is_date_text(x))
#: a bound or a figure: ``null`` is unbounded
BOUND = Nullable(NUMBER)
NAMES = ListOf(TEXT)

QUANTITY = Fields(
    required={"value": NUMBER, "low": BOUND, "high": BOUND, "unit": Nullable(TEXT)},
    optional={"kind": TEXT, "approx": BOOLEAN, "raw": TEXT, "start": COUNT, "end": COUNT, "implicit": BOOLEAN,
              "measure": Nullable(TEXT)},
    what="a quantity object")

CLAIM = Fields(
    required={"claim_id": NAME, "article_id": NAME, "source": NAME, "text": TEXT, "cluster_id": INTEGER},
    optional={"sent_idx": COUNT, "start": COUNT, "end": COUNT, "event_id": Nullable(INTEGER),
              "attributed_to": Nullable(TEXT), "speaker": Nullable(TEXT), "stance": Nullable(TEXT),
              "generic_events": COUNT, "evidence_kind": Nullable(TEXT), "evidence_name": Nullable(TEXT),
              "copy_kind": Nullable(TEXT), "copy_name": Nullable(TEXT), "published_at": Nullable(DATE),
              "context_before": Nullable(TEXT), "context_after": Nullable(TEXT), "quantities": ListOf(QUANTITY)},
    what="a claim object")

_DISSENT = Fields(required={"source": TEXT, "value": BOUND, "low": BOUND, "high": BOUND, "claim_ids": NAMES},
                  what="a dissent object")
_STEP = Fields(required={"value": BOUND, "sources": NAMES, "first_seen": Nullable(DATE),
                         "last_seen": Nullable(DATE)}, what="an evolution step object")
UNIT = Fields(
    required={"unit": TEXT, "consensus": BOUND, "low": BOUND, "high": BOUND, "agreement": PROBABILITY,
              "spread": BOUND, "n_sources": COUNT},
    optional={"dissent": ListOf(_DISSENT), "evolving": BOOLEAN, "evolution": ListOf(_STEP), "n_claims": COUNT,
              "claim_agreement": PROBABILITY, "claim_spread": BOUND},
    what="a unit consensus object")

#: the shape of ``values`` for each reason code (its keys: :data:`corroborate.scoring.score.REASON_VALUES`)
REASON_SHAPES: dict[str, Fields] = {
    "generic": Fields({"events": COUNT}),
    "single_source": Fields({"source": TEXT, "articles": COUNT}),
    "multi_source": Fields({"sources": COUNT, "independent": COUNT, "groups": NAMES}),
    "single_origin": Fields({"outlets": COUNT, "origin": TEXT}),
    "copies": Fields({"outlets": NAMES}),
    "one_source_dominates": Fields({"source": TEXT, "articles": COUNT, "of": COUNT}),
    "single_figure": Fields({"unit": TEXT, "value": BOUND}),
    "evolving_numbers": Fields({"unit": TEXT, "steps": ListOf(Fields({"value": BOUND,
                                                                      "first_seen": Nullable(DATE)}))}),
    "conflicting_numbers": Fields({"unit": TEXT, "agreement": PROBABILITY, "sources": COUNT, "consensus": BOUND,
                                   "dissent": ListOf(Fields({"value": BOUND, "source": TEXT}))}),
    "numbers_agree": Fields({"unit": TEXT, "sources": COUNT, "consensus": BOUND, "low": BOUND, "high": BOUND}),
    "position": Fields({"unit": TEXT, "sentence": COUNT, "lead_share": PROBABILITY}),
    "event": Fields({"reports": COUNT, "stating": COUNT}),
    "source_reliability": Fields({"reliability": MapOf(NUMBER)}),
    "contested": Fields({"groups": COUNT, "deniers": ListOf(Fields({"source": TEXT, "origin": Nullable(TEXT)}))}),
    "hedged": Fields({"hedged": COUNT, "claims": COUNT}),
}


_REASON = Fields({"code": TEXT, "effect": NUMBER}, {"values": MapOf(Leaf("any value", lambda _: True))},
                 what="a reason object")


@dataclass(frozen=True)
class ReasonShape:
    """A reason: its ``values`` have the shape of its code (an unknown code: any object)."""

    what: str = _REASON.what

    def check(self, value: Any, path: str) -> None:
        _REASON.check(value, path)
        shape = REASON_SHAPES.get(value["code"])
        if shape is not None:
            shape.check(value.get("values") or {}, _join(path, "values"))


_STANCE = Fields({}, {"asserted": COUNT, "hedged": COUNT, "denied": COUNT}, what="an object of stance counts")

CLUSTER = Fields(
    required={"cluster_id": INTEGER, "claim_ids": NAMES, "representative": TEXT, "n_claims": COUNT,
              "n_articles": COUNT, "n_sources": COUNT, "effective_sources": NUMBER, "numeric_agreement": NUMBER,
              "confidence": PROBABILITY},
    optional={"sources": NAMES, "quantities": ListOf(UNIT), "reasons": ListOf(ReasonShape()),
              "first_seen": Nullable(DATE), "last_seen": Nullable(DATE), "independent_sources": COUNT,
              "origins": NAMES, "copy_groups": ListOf(NAMES), "stance": _STANCE, "linked_denials": NAMES,
              "event_id": Nullable(INTEGER), "generic": BOOLEAN, "generic_events": COUNT, "score": BOUND,
              "features": MapOf(NUMBER), "headline_unit": Nullable(TEXT)},
    what="a cluster object")

ARTICLE = Fields(
    required={"article_id": NAME, "source": NAME},
    optional={"title": Nullable(TEXT), "url": Nullable(TEXT), "published_at": Nullable(DATE),
              "event_id": Nullable(INTEGER), "copy_group": Nullable(INTEGER), "n_claims": COUNT},
    what="an article object")

EVENT = Fields(
    required={"event_id": INTEGER, "label": TEXT, "n_articles": COUNT},
    optional={"sources": NAMES, "article_ids": NAMES, "first_seen": Nullable(DATE), "last_seen": Nullable(DATE),
              "entities": NAMES},
    what="an event object")

DROPPED = Fields(
    required={"article_id": NAME, "reason": TEXT},
    optional={"source": TEXT, "sent_idx": COUNT, "start": COUNT, "end": COUNT, "text": TEXT},
    what="a dropped sentence object")

REJECTED = Fields(required={"location": TEXT, "reason": TEXT}, optional={"field": Nullable(TEXT)},
                  what="a rejected record object")

_TRUNCATED = Fields({"location": TEXT, "chars": COUNT, "kept_chars": COUNT}, {"article_id": TEXT, "reason": TEXT})
#: the counts of ``run.json``'s summary (each is checked against the files: :mod:`.folder`)
SUMMARY_COUNTS = ("n_articles", "n_sources", "n_claims", "n_clusters", "n_multi_source_clusters",
                  "n_single_source_clusters", "n_quantities", "n_dropped_sentences", "n_rejected_records",
                  "n_copy_groups", "n_linked_denials", "n_events", "n_generic_clusters")
SUMMARY = Fields(
    required={},
    optional={**{name: COUNT for name in SUMMARY_COUNTS}, "dropped_by_reason": MapOf(COUNT),
              "first_published": Nullable(DATE), "last_published": Nullable(DATE),
              "accounting": Fields({}, {"records": Fields({}), "truncated": ListOf(_TRUNCATED),
                                        "sentences": Fields({}, {"total": COUNT, "claims": COUNT,
                                                                 "dropped": COUNT})})},
    what="an object of the run's counts")

#: the settings a report shows (the rest are kept as they are)
SETTINGS = Fields(required={"scoring_version": TEXT, "distance_threshold": NUMBER,
                            "reliability_prior_mean": PROBABILITY},
                  optional={"trained_on": Nullable(TEXT)}, what="an object of the run's settings")

RUN = Fields(required={"settings": SETTINGS}, optional={"version": TEXT, "model": TEXT, "summary": SUMMARY},
             what="an object")

def _whole(cell: str) -> int:
    text = cell.strip()
    if not text.isdigit():
        raise ValueError(cell)
    return int(text)


def _real(cell: str) -> float:
    x = float(cell)
    if not math.isfinite(x):
        raise ValueError(cell)
    return x


def _reliability(cell: str) -> float:
    x = _real(cell)
    if not 0 <= x <= 1:
        raise ValueError(cell)
    return x


def _source_name(cell: str) -> str:
    if not cell.strip():
        raise ValueError(cell)
    return cell


#: columns of ``sources.csv``: what each cell must hold, and how it is read (CSV holds text)
SOURCE_CELLS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "source": ("a non-empty name", _source_name),
    "n_articles": ("a whole number from 0", _whole),
    "n_claims": ("a whole number from 0", _whole),
    "n_corroborated_claims": ("a whole number from 0", _whole),
    "n_numeric_compared": ("a whole number from 0", _whole),
    "n_numeric_agree": ("a finite number", _real),
    "reliability": ("a number from 0 to 1", _reliability),
}


#: the types of a value read from JSON
_JSON_TYPES = (str, int, float, bool, list, dict, type(None))


def first_unwritten(value: Any, path: str = "") -> tuple[str, str] | None:
    """The path of the first value no run writes (NaN, infinity, a number the reader could not hold)
    in a JSON value, and why; else ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        spelled = "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
        return path, (f"expected a finite number, got {spelled}: corroborate never writes NaN or Infinity "
                      "(an unbounded bound is null)")
    if not isinstance(value, _JSON_TYPES):       # the JSON reader's stand-in for an integer of 5,000 digits
        return path, f"got {value!r}, which no run of corroborate writes"
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = [(_join(path, str(k)), value[k]) for k in sorted(value, key=str)]
    elif isinstance(value, list):
        items = [(_join(path, i), v) for i, v in enumerate(value)]
    for where, item in items:
        found = first_unwritten(item, where)
        if found is not None:
            return found
    return None


def check_record(record: Mapping[str, Any], shape: Shape, location: str) -> None:
    """Raise a :class:`RecordError` at ``location`` naming the first field of ``record`` that misfits."""
    odd = first_unwritten(dict(record))
    if odd is not None:
        raise RecordError(location, odd[0] or None, odd[1])
    try:
        shape.check(dict(record), "")
    except _Mismatch as exc:
        raise RecordError(location, exc.path or None, exc.reason) from None


def read_source_row(row: Mapping[str, str], location: str) -> dict[str, Any]:
    """One row of ``sources.csv`` as values: counts as integers, reliability as a float."""
    out: dict[str, Any] = dict(row)
    for column, (what, read) in SOURCE_CELLS.items():
        try:
            out[column] = read(row[column])
        except (ValueError, OverflowError):
            raise RecordError(location, column, f"expected {what}, got {described(row[column])}") from None
    return out

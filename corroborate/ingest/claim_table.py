"""Read a table of structured claims (``corroborate truth``): one value per record, checked.

A claims file (CSV, JSONL or Parquet) holds, in long format, one stated value
per record: the columns :data:`REQUIRED` (``item, value, source``) and
optionally :data:`OPTIONAL` (``unit, published_at, low, high``). A missing
column stops the file; an empty ``item`` or ``source``, a missing ``value``, a
bound that is not a finite number, ``low > high``, a bad date and a number
outside its own ``low``/``high`` are bad records: ``errors="raise"`` stops at
the first, naming file, row (or line) and field, ``"skip"`` leaves each out
and lists it. :func:`read_claims` returns a :class:`ClaimTable`, which
:class:`corroborate.scoring.truth.TruthDiscovery` fits on.

Values are parsed leniently where a user would expect it (:func:`parse_value`:
"2 1/2" is 2.5, "10,000" is 10000); placeholders ("N/A", "--", "*") and numbers
that cannot be compared ("inf", "1e309", beyond 1e15) are told apart, with a
reason, so the engine can reject them, never drop them silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, RecordError
from ..schema import MAX_MAGNITUDE
from .formats import csv_rows, iter_frame, iter_jsonl, read_parquet
from .records import blank, optional_str, parse_time, type_name

#: the columns a claims table must have, and those it may have
REQUIRED = ("item", "value", "source")
OPTIONAL = ("unit", "published_at", "low", "high")

PLACEHOLDERS = frozenset({"", "n/a", "na", "--", "-", "*", "null", "none", "nan", "unknown", "?",
                          "not available", "not applicable"})
_FRACTION = re.compile(r"^([+-]?\d+)\s+(\d+)/(\d+)$|^([+-]?\d+)/(\d+)$")
_INFINITE = re.compile(r"^[+-]?inf(?:inity)?$", re.IGNORECASE)
#: the reasons :func:`parse_value` gives for a number it cannot compare (it is still a number:
#: the item stays numeric, and the value is rejected in every item)
UNCOMPARABLE = ("not a finite number", "too large to compare")


def parse_value(raw: Any) -> tuple[float | None, str | None]:
    """``(number, None)``, or ``(None, reason)`` when ``raw`` is not a number.

    Accepts ints, floats, "10,000", "30.09", "-5", "2 1/2", "3/4".
    """
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        x = float(raw)
        if math.isnan(x):
            return None, "placeholder 'NaN'"
        if not math.isfinite(x):
            return None, "not a finite number"
        return (x, None) if abs(x) <= MAX_MAGNITUDE else (None, f"too large to compare: {x:g} (limit {MAX_MAGNITUDE:g})")
    text = " ".join(str(raw).split())
    if text.casefold() in PLACEHOLDERS:
        return None, f"placeholder {text!r}"
    if _INFINITE.match(text):
        return None, f"not a finite number: {text[:40]!r}"
    try:
        x = float(text.replace(",", "")) if re.fullmatch(r"[+-]?[\d,]*\.?\d+(e[+-]?\d+)?", text, re.I) else None
    except ValueError:
        x = None
    if x is None and (m := _FRACTION.match(text)):
        if m.group(1) is not None:
            whole, num, den = int(m.group(1)), int(m.group(2)), int(m.group(3))
            x = float(whole + (Fraction(num, den) if den else 0) * (1 if whole >= 0 else -1)) if den else None
        else:
            den = int(m.group(5))
            x = float(Fraction(int(m.group(4)), den)) if den else None
    if x is None:
        return None, f"not a number: {text[:40]!r}"
    if abs(x) > MAX_MAGNITUDE:                          # also "1e309", which overflows to inf
        return None, f"too large to compare: {text[:40]!r} (limit {MAX_MAGNITUDE:g})"
    return x, None


@dataclass(frozen=True)
class ClaimTable:
    """What :func:`read_claims` read: the claims, the records it left out, and the count.

    ``frame`` has the columns ``row`` (the record's 1-based position), ``location`` and the
    claim fields (:data:`REQUIRED`, :data:`OPTIONAL`). ``rejected`` lists each record left out
    (``location``, ``field``, ``row``, ``item``, ``source``, ``value``, ``reason``);
    ``accounting`` holds ``input``, ``read``, ``used`` and ``rejected`` (read = used + rejected).
    """

    frame: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)
    accounting: dict[str, Any] = field(default_factory=dict)


def read_claims(path: str | Path, *, errors: Literal["raise", "skip"] = "raise") -> ClaimTable:
    """Read long-format structured claims for ``corroborate truth``, record by record.

    A missing column stops the file; an empty ``item`` or ``source``, a missing
    ``value``, a bound that is not a finite number, ``low > high``, a bad date
    and a number outside its own ``low``/``high`` are bad records.
    ``errors="raise"`` stops at the first bad record with a :class:`RecordError`
    naming file, row (or line) and field; ``"skip"`` leaves it out and lists it in
    :attr:`ClaimTable.rejected`, which :class:`~corroborate.scoring.truth.TruthDiscovery`
    carries into ``rejected_``.
    """
    if errors not in ("raise", "skip"):
        raise ConfigError(f"read_claims: errors must be 'raise' or 'skip'; got {errors!r}")
    path = Path(path)
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    n_read = 0
    for n, (location, record) in enumerate(_claim_records(path), start=1):
        n_read += 1
        try:
            if isinstance(record, RecordError):
                raise record
            rows.append({"row": n, "location": location, **_claim_record(record, location)})
        except RecordError as err:
            if errors == "raise":
                raise
            raw = record if isinstance(record, Mapping) else {}
            rejected.append({"location": err.location, "field": err.field, "row": n,
                             **{k: _shown(raw.get(k)) for k in ("item", "source", "value")},
                             "reason": err.reason})
    if not rows:
        raise InputError(f"{path}: no claims" + (f" ({len(rejected)} rejected; first: {rejected[0]['location']}, "
                                                  f"field {rejected[0]['field']!r}: {rejected[0]['reason']})"
                                                  if rejected else ""))
    frame = pd.DataFrame(rows, columns=["row", "location", *REQUIRED, *OPTIONAL])
    return ClaimTable(frame, rejected, {"input": str(path), "read": n_read, "used": len(rows),
                                        "rejected": len(rejected)})


def _shown(raw: Any) -> str | None:
    return None if raw is None else str(raw)[:200]


def _claim_records(path: Path) -> list[tuple[str, Any]]:
    """(location, raw record or RecordError) of every record of a claims file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return list(iter_jsonl(path))
    if suffix == ".csv":
        header, records = csv_rows(path)
        columns = set(header)
    elif suffix in (".parquet", ".pq"):
        frame = read_parquet(path)
        records, columns = list(iter_frame(frame, str(path))), set(map(str, frame.columns))
    else:
        raise InputError(f"{path}: unknown format {suffix!r}; use .csv, .jsonl or .parquet")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:                                       # the whole file is unusable, in either mode
        raise InputError(f"{path}: missing required column(s) {', '.join(missing)}; "
                         f"the columns are {', '.join(sorted(columns))}")
    return records


def _claim_record(record: Mapping[str, Any], location: str) -> dict[str, Any]:
    """One claim's fields, validated, or a :class:`RecordError` naming the field."""
    out: dict[str, Any] = {}
    for name in ("item", "source"):
        text = optional_str(record.get(name), location, name)
        if text is None:
            raise RecordError(location, name, "missing or empty (required)")
        out[name] = text
    value = record.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(location, "value", "missing (required; write N/A for a placeholder)")
    if isinstance(value, (dict, list)):
        raise RecordError(location, "value", f"expected a number or text, got {type_name(value)}")
    out["value"] = value                     # NaN stays: the engine lists it as a placeholder
    out["unit"] = optional_str(record.get("unit"), location, "unit")
    out["published_at"] = parse_time(record.get("published_at"), location)
    for bound in ("low", "high"):
        out[bound] = _claim_bound(record.get(bound), location, bound) if not blank(record.get(bound)) else None
    low, high = out["low"], out["high"]
    if low is not None and high is not None and low > high:
        raise RecordError(location, "low", f"low {low:g} is above high {high:g}")
    number, _ = parse_value(value)
    if number is not None and ((low is not None and number < low) or (high is not None and number > high)):
        raise RecordError(location, "value", f"{number:g} is outside its own interval "
                                             f"[{bound_text(low, '-inf')}, {bound_text(high, 'inf')}]")
    return out


def _claim_bound(raw: Any, location: str, bound: str) -> float:
    if isinstance(raw, bool):
        raise RecordError(location, bound, f"not a number: {raw!r}")
    try:
        x = float(raw)
    except (TypeError, ValueError):
        raise RecordError(location, bound, f"not a number: {str(raw)[:40]!r}") from None
    if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        limit = f"{MAX_MAGNITUDE:.0e}".replace("e+", "e")
        raise RecordError(location, bound, f"not a finite number up to {limit}: {str(raw)[:40]!r} "
                                           "(leave it empty for no bound)")
    return x


def bound_text(x: Any, missing: str) -> str:
    """A bound of an interval as shown in a message: ``missing`` (e.g. "-inf") when there is none."""
    return missing if pd.isna(x) else f"{float(x):g}"

"""One record's fields: checked, cleaned and put into the articles schema.

:func:`normalise_record` turns one raw record (a mapping, as a reader of
:mod:`corroborate.ingest.formats` or :mod:`corroborate.ingest.folders` yields it)
into a row of the articles frame or raises a :class:`RecordError` naming the
field. The field checks (:func:`optional_str`, :func:`parse_time`, ...) are
shared with the claims-table reader (:mod:`corroborate.ingest.claim_table`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import RecordError
from .markup import format_characters, remove_format_characters, strip_markup
from .outlets import outlet_identity

#: ANSI escape sequences (colours, cursor moves) and other control characters: never kept
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: half of a UTF-16 pair without the other half: a str may hold one (JSON "\ud800", a DataFrame),
#: UTF-8 cannot, so such a record could be neither hashed nor written
SURROGATE = re.compile("[\ud800-\udfff]")
#: relative dates read the clock: the same input would give another output tomorrow
_RELATIVE = frozenset({"now", "today", "yesterday", "tomorrow", "tonight", "this morning", "last night"})
#: the years a publication date may have (of its instant in UTC, the time the reader keeps)
YEARS = (1900, 2100)
_SPACES = re.compile(r"\s+")


def stable_article_id(source: str, text: str) -> str:
    """A short id that depends only on the outlet (its identity, see :mod:`corroborate.ingest.outlets`)
    and the text."""
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:16]


def blank(value: Any) -> bool:
    """Whether ``value`` is missing: ``None``, NaN, NaT, NA or blank text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def shown_path(path: str | Path) -> str:
    """``path`` as text that can be printed and written: a byte of a file name that is not
    UTF-8 (which Python holds as a lone surrogate) is shown as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def clean_text(text: str) -> str:
    """``text`` without ANSI escape sequences or control characters (tabs and newlines stay).

    Each removed character becomes a space, so a sentence keeps its word breaks.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(" ", _ANSI.sub(lambda m: " " * len(m.group(0)), text))


class LongInteger:
    """A JSON integer with more digits than Python converts (``sys.get_int_max_str_digits()``).
    Kept as its digits, so that the record is rejected at its field instead of the run stopping."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {len(self.digits.lstrip('-')):,} digits"


def _valid_unicode(text: str, location: str, name: str) -> str:
    if bad := SURROGATE.search(text):
        raise RecordError(location, name, f"not valid Unicode: a lone surrogate U+{ord(bad.group(0)):04X} at "
                                          f"character {bad.start() + 1} (half of a pair, e.g. the escape "
                                          "\\ud800 alone); it cannot be stored as UTF-8")
    return text


def optional_str(value: Any, location: str, name: str) -> str | None:
    """A text field: ``None`` when blank, else stripped text; any other type is rejected."""
    if blank(value):
        return None
    if not isinstance(value, str):
        raise RecordError(location, name, f"expected text, got {type_name(value)} {_shown(value)}")
    return _valid_unicode(value, location, name).strip()


def _identifier(value: Any, location: str, name: str) -> str | None:
    """An outlet or article id: text without control characters (an id may also be an integer;
    an article id may not hold invisible format characters either: two ids would look alike)."""
    is_id = name == "article_id"
    if is_id and isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        try:
            return str(int(value))
        except ValueError:                   # more digits than Python converts
            value = LongInteger("9" * (sys.get_int_max_str_digits() + 1))
    if is_id and isinstance(value, LongInteger):
        raise RecordError(location, name, f"{value!r}: too long for an id (write an id as text)")
    if is_id and isinstance(value, (float, np.floating)) and float(value).is_integer():
        raise RecordError(location, name, f"expected text or an integer, got a number {_shown(value)}: an "
                                          "integer column with a missing value, made float by pandas? "
                                          "(store it as Int64 or as text)")
    text = optional_str(value, location, name)
    if text is not None and (bad := _CONTROL.search(text)):
        raise RecordError(location, name, f"contains the control character U+{ord(bad.group(0)):04X}")
    if is_id and text is not None and (hidden := format_characters(text)):
        raise RecordError(location, name, f"contains the invisible format character U+{ord(hidden[0]):04X}")
    return text


def type_name(value: Any) -> str:
    """How a record's value is named in a message: "a list", "a number", "bytes"..."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (int, float, np.number, LongInteger)):
        return "a number"
    return type(value).__name__


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:                       # an int with more digits than Python converts
        text = f"an integer of more than {sys.get_int_max_str_digits():,} digits"
    return f"({text[:40]}{'…' if len(text) > 40 else ''})"


def parse_time(value: Any, location: str) -> pd.Timestamp:
    """A publication time, UTC. Text is parsed as a date ("2015-03-04", "March 4, 2015 10:00 EST");
    datetime values (Parquet timestamps, ``datetime``) are taken as they are. Numbers, relative
    words ("now", "yesterday") and years outside :data:`YEARS` are rejected: epoch numbers are
    ambiguous (seconds? milliseconds?) and relative words would read the clock. The range
    applies to the instant in UTC, the one kept: ``2100-12-31T23:59:59-05:00`` is in 2101."""
    field = "published_at"
    if blank(value):
        return pd.NaT
    if isinstance(value, (bool, np.bool_, int, float, np.number, LongInteger)):
        raise RecordError(location, field, f"a number {_shown(value)}, not a date; write the date as text "
                                          "(ISO 8601, e.g. 2015-03-04T10:00:00Z) or store a timestamp column")
    if isinstance(value, str):
        text = _valid_unicode(value, location, field).strip()
        if text.casefold() in _RELATIVE or not any(ch.isdigit() for ch in text):
            raise RecordError(location, field, f"not an absolute date: {text[:60]!r}")
        if text.lstrip("+-").replace(".", "", 1).isdigit():
            raise RecordError(location, field, f"a number {text[:40]!r}, not a date; write the date as text "
                                              "(ISO 8601, e.g. 2015-03-04T10:00:00Z)")
    elif not isinstance(value, (pd.Timestamp, np.datetime64, dt.datetime, dt.date)):
        raise RecordError(location, field, f"expected a date, got {type_name(value)} {_shown(value)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # pandas warns when it guesses a format
            stamp = pd.Timestamp(value)
        if stamp is pd.NaT or pd.isna(stamp):
            return pd.NaT
        # naive times are taken as UTC; aware ones are converted to UTC
        utc = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise RecordError(location, field, f"not a date or time: {str(value)[:60]!r}") from None
    if not YEARS[0] <= utc.year <= YEARS[1]:
        in_utc = f" (in UTC: {utc.isoformat()})" if utc.year != stamp.year else ""
        raise RecordError(location, field, f"year {utc.year}{in_utc} is outside {YEARS[0]}-{YEARS[1]}: "
                                          f"{str(value)[:40]!r}")
    return utc


def _visible(text: str, found: Counter[str], *, markup: bool) -> str:
    """``text`` as a reader sees it: HTML turned into text (when it holds markup) and entities
    decoded, control characters spaced out, invisible format characters removed. What was
    taken out is counted in ``found``."""
    if markup:
        stripped = strip_markup(text)
        text = stripped.text
        found["html"] = max(found["html"], int(stripped.html))        # articles, not fields
        found["entities"] += stripped.entities
    cleaned = clean_text(text)
    if cleaned is not text:
        # each control character (or ANSI sequence) became a space: the length is the same
        found["control_characters"] += sum(a != b for a, b in zip(text, cleaned, strict=True))
    text, n_format = remove_format_characters(cleaned)
    found["format_characters"] += n_format
    return text


def _visible_field(value: str | None, found: Counter[str], *, markup: bool) -> str | None:
    """An optional one-line field (title, url) as a reader sees it; ``None`` when nothing is left."""
    if value is None:
        return None
    return _SPACES.sub(" ", _visible(value, found, markup=markup)).strip() or None


def normalise_record(raw: Mapping[str, Any], location: str, *, markup: bool = True) -> dict[str, Any]:
    """Validate one raw record into the articles schema or raise RecordError.

    The result has the columns of the articles frame, plus ``_identity`` (the outlet's identity,
    :func:`corroborate.ingest.outlets.outlet_identity`) and ``_cleaned`` (what was taken out of its
    text and title). ``markup=False`` leaves HTML and entities as they are (a text already read).
    """
    found: Counter[str] = Counter()
    text = raw.get("text")
    if blank(text):
        raise RecordError(location, "text", "missing or empty (required)")
    if not isinstance(text, str):
        raise RecordError(location, "text", f"expected text, got {type_name(text)} {_shown(text)}")
    text = _visible(_valid_unicode(text, location, "text"), found, markup=markup)
    if not text.strip():
        raise RecordError(location, "text", "holds only control characters, format characters or markup")
    source = _identifier(raw.get("source"), location, "source")
    if source is None:
        raise RecordError(location, "source", "missing or empty (required)")
    identity = outlet_identity(source)
    if not identity:
        raise RecordError(location, "source", f"empty once format characters, a URL scheme and 'www.' are "
                                              f"removed: {source[:40]!r}")
    article_id = _identifier(raw.get("article_id"), location, "article_id")
    title = optional_str(raw.get("title"), location, "title")
    url = optional_str(raw.get("url"), location, "url")
    return {
        "article_id": article_id or stable_article_id(identity, text),
        "source": source,
        "title": _visible_field(title, found, markup=markup),
        "url": _visible_field(url, found, markup=False),
        "published_at": parse_time(raw.get("published_at"), location),
        "text": text,
        "_identity": identity,
        "_cleaned": found,
    }

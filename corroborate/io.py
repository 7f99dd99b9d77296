"""Read corpora of articles; write output files atomically.

``read_articles`` accepts JSONL, CSV, Parquet, a pandas DataFrame, a single
``.txt`` file or a folder of ``.txt`` files, sub-folders included (one article
each, metadata from an optional ``metadata.csv`` sidecar, else from the file
name). Every record is validated; a bad one raises :class:`RecordError` naming
the file, the line or row and the field, or, with ``errors="skip"``, is left out
and listed in ``frame.attrs["rejected"]`` with its reason. Nothing is dropped
or changed without a word: records read = used + rejected, and what the reader
changes (HTML taken out of a text, entities decoded, invisible characters
removed, one outlet's spellings given one name) is counted in
``frame.attrs["accounting"]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import math
import os
import re
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError, RecordError
from .markup import format_characters, remove_format_characters, strip_markup
from .outlets import display_names, outlet_identity
from .schema import ARTICLE_COLUMNS, MAX_MAGNITUDE

logger = logging.getLogger(__name__)

ErrorMode = Literal["raise", "skip"]
SIDECAR = "metadata.csv"
_TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet", ".pq"}


def stable_article_id(source: str, text: str) -> str:
    """A short id that depends only on the outlet (its identity, see :mod:`corroborate.outlets`)
    and the text."""
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:16]


def _blank(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _shown_path(path: str | Path) -> str:
    """``path`` as text that can be printed and written: a byte of a file name that is not
    UTF-8 (which Python holds as a lone surrogate) is shown as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


#: ANSI escape sequences (colours, cursor moves) and other control characters: never kept
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: half of a UTF-16 pair without the other half: a str may hold one (JSON "\ud800", a DataFrame),
#: UTF-8 cannot, so such a record could be neither hashed nor written
_SURROGATE = re.compile("[\ud800-\udfff]")
#: relative dates read the clock: the same input would give another output tomorrow
_RELATIVE = frozenset({"now", "today", "yesterday", "tomorrow", "tonight", "this morning", "last night"})
#: the years a publication date may have (of its instant in UTC, the time the reader keeps)
YEARS = (1900, 2100)


def clean_text(text: str) -> str:
    """``text`` without ANSI escape sequences or control characters (tabs and newlines stay).

    Each removed character becomes a space, so a sentence keeps its word breaks.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(" ", _ANSI.sub(lambda m: " " * len(m.group(0)), text))


class _LongInteger:
    """A JSON integer with more digits than Python converts (``sys.get_int_max_str_digits()``).
    Kept as its digits, so that the record is rejected at its field instead of the run stopping."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {len(self.digits.lstrip('-')):,} digits"


def _json_int(digits: str) -> int | _LongInteger:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        return _LongInteger(digits)
    return int(digits)


class _RepeatedKey(ValueError):
    """A JSON object names a key twice: the parser would keep the last without a word."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key)
        out[key] = value
    return out


def _valid_unicode(text: str, location: str, name: str) -> str:
    if bad := _SURROGATE.search(text):
        raise RecordError(location, name, f"not valid Unicode: a lone surrogate U+{ord(bad.group(0)):04X} at "
                                          f"character {bad.start() + 1} (half of a pair, e.g. the escape "
                                          "\\ud800 alone); it cannot be stored as UTF-8")
    return text


def _optional_str(value: Any, location: str, name: str) -> str | None:
    """A text field: ``None`` when blank, else stripped text; any other type is rejected."""
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise RecordError(location, name, f"expected text, got {_type_name(value)} {_shown(value)}")
    return _valid_unicode(value, location, name).strip()


def _identifier(value: Any, location: str, name: str) -> str | None:
    """An outlet or article id: text without control characters (an id may also be an integer;
    an article id may not hold invisible format characters either: two ids would look alike)."""
    is_id = name == "article_id"
    if is_id and isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        try:
            return str(int(value))
        except ValueError:                   # more digits than Python converts
            value = _LongInteger("9" * (sys.get_int_max_str_digits() + 1))
    if is_id and isinstance(value, _LongInteger):
        raise RecordError(location, name, f"{value!r}: too long for an id (write an id as text)")
    if is_id and isinstance(value, (float, np.floating)) and float(value).is_integer():
        raise RecordError(location, name, f"expected text or an integer, got a number {_shown(value)}: an "
                                          "integer column with a missing value, made float by pandas? "
                                          "(store it as Int64 or as text)")
    text = _optional_str(value, location, name)
    if text is not None and (bad := _CONTROL.search(text)):
        raise RecordError(location, name, f"contains the control character U+{ord(bad.group(0)):04X}")
    if is_id and text is not None and (hidden := format_characters(text)):
        raise RecordError(location, name, f"contains the invisible format character U+{ord(hidden[0]):04X}")
    return text


def _type_name(value: Any) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (int, float, np.number, _LongInteger)):
        return "a number"
    return type(value).__name__


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:                       # an int with more digits than Python converts
        text = f"an integer of more than {sys.get_int_max_str_digits():,} digits"
    return f"({text[:40]}{'…' if len(text) > 40 else ''})"


def _parse_time(value: Any, location: str) -> pd.Timestamp:
    """A publication time, UTC. Text is parsed as a date ("2015-03-04", "March 4, 2015 10:00 EST");
    datetime values (Parquet timestamps, ``datetime``) are taken as they are. Numbers, relative
    words ("now", "yesterday") and years outside :data:`YEARS` are rejected: epoch numbers are
    ambiguous (seconds? milliseconds?) and relative words would read the clock. The range
    applies to the instant in UTC, the one kept: ``2100-12-31T23:59:59-05:00`` is in 2101."""
    field = "published_at"
    if _blank(value):
        return pd.NaT
    if isinstance(value, (bool, np.bool_, int, float, np.number, _LongInteger)):
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
        raise RecordError(location, field, f"expected a date, got {_type_name(value)} {_shown(value)}")
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


_SPACES = re.compile(r"\s+")


def normalise_record(raw: Mapping[str, Any], location: str, *, markup: bool = True) -> dict[str, Any]:
    """Validate one raw record into the articles schema or raise RecordError.

    The result has the columns of the articles frame, plus ``_identity`` (the outlet's identity,
    :func:`corroborate.outlets.outlet_identity`) and ``_cleaned`` (what was taken out of its
    text and title). ``markup=False`` leaves HTML and entities as they are (a text already read).
    """
    found: Counter[str] = Counter()
    text = raw.get("text")
    if _blank(text):
        raise RecordError(location, "text", "missing or empty (required)")
    if not isinstance(text, str):
        raise RecordError(location, "text", f"expected text, got {_type_name(text)} {_shown(text)}")
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
    title = _optional_str(raw.get("title"), location, "title")
    url = _optional_str(raw.get("url"), location, "url")
    return {
        "article_id": article_id or stable_article_id(identity, text),
        "source": source,
        "title": _visible_field(title, found, markup=markup),
        "url": _visible_field(url, found, markup=False),
        "published_at": _parse_time(raw.get("published_at"), location),
        "text": text,
        "_identity": identity,
        "_cleaned": found,
    }


# --------------------------------------------------------------------------- readers
# Each yields (location, raw record) pairs; a record that cannot even be parsed is
# yielded as (location, RecordError) so the error policy is applied in one place.

RawItem = tuple[str, "Mapping[str, Any] | RecordError"]


def _iter_jsonl(path: Path) -> Iterator[RawItem]:
    """One JSON object per line. Each line is decoded on its own, so a bad byte or a
    broken line costs that line only, and every location names the true line."""
    shown = _shown_path(path)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{shown}: cannot open ({exc.strerror})") from None
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            location = f"{shown}:line {lineno}"
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]                        # a UTF-8 byte-order mark is not data
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield location, RecordError(location, None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} "
                                                            f"at column {exc.start + 1}: {exc.reason})")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line, parse_int=_json_int, object_pairs_hook=_json_object)
            except _RepeatedKey as exc:
                yield location, RecordError(location, exc.key, "named twice in the line's JSON object: which "
                                                               "value is meant cannot be told")
                continue
            except json.JSONDecodeError as exc:
                if exc.pos >= len(line.rstrip()):
                    reason = (f"invalid JSON: the line ends at column {len(line.rstrip())} before its "
                              "JSON object is complete (truncated?)")
                else:
                    reason = f"invalid JSON at column {exc.colno}: {exc.msg}"
                yield location, RecordError(location, None, reason)
                continue
            except RecursionError:
                yield location, RecordError(location, None, "JSON nested too deeply")
                continue
            if not isinstance(record, dict):
                yield location, RecordError(
                    location, None, f"expected a JSON object, got {type(record).__name__}"
                )
                continue
            yield location, record


def _iter_frame(frame: pd.DataFrame, origin: str) -> Iterator[RawItem]:
    """The rows of a frame. A frame that ``read_articles`` returned names where each article came
    from (``attrs["locations"]``): an error found when it is read again names that place, never
    its position in the frame (which is sorted, and has no rejected rows)."""
    repeated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if repeated:
        raise InputError(f"{origin}: column(s) {', '.join(map(repr, repeated))} named more than once: "
                         "which one is meant cannot be told")
    located = frame.attrs.get("locations")
    located = located if isinstance(located, Mapping) else {}
    for i, record in enumerate(frame.to_dict(orient="records"), start=1):
        known = located.get(str(record.get("article_id"))) if located else None
        yield known or f"{origin}:row {i}", record


def _utf8_error(path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"{_shown_path(path)}:line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


#: the csv module refuses a field over 131,072 characters; an article may be longer
_CSV_FIELD_LIMIT = 2**31 - 1


def _csv_rows(path: Path) -> tuple[list[str], list[RawItem]]:
    """The header and the rows of a UTF-8 CSV file. A row with more or fewer fields than the
    header, or with a quote not doubled inside a quoted field, is a bad record (never shifted
    into other columns); a byte that is not UTF-8, a column named twice or a quote that takes
    in the lines after it stops the file, naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{_shown_path(path)}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(_utf8_error(path, data, exc) + "; save the file as UTF-8") from None
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        return _parse_csv(_shown_path(path), text)
    finally:
        csv.field_size_limit(previous)


def _check_header(shown: str, header: list[str]) -> None:
    first: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name and name in first:
            raise InputError(f"{shown}:line 1: column {name!r} is named twice (fields {first[name]} and {i}): "
                             "which one is meant cannot be told")
        first.setdefault(name, i)


def _parse_csv(shown: str, text: str) -> tuple[list[str], list[RawItem]]:
    # strict: a quote inside a quoted field that is not doubled is an error, never glued on
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows: list[RawItem] = []
    n, opened = 0, 1                             # the record being read, and the line it starts on
    try:
        raw_header = next(reader, None)
        if not raw_header or not any(h.strip() for h in raw_header):
            raise InputError(f"{shown}: cannot parse CSV: no header row")
        header = [h.strip() for h in raw_header]
        _check_header(shown, header)
        while True:
            opened = reader.line_num + 1
            try:
                fields = next(reader, None)
            except csv.Error as exc:
                if reader.line_num != opened:
                    raise                        # the quote took in other lines: see below
                n += 1
                location = f"{shown}:row {n}"
                rows.append((location, RecordError(location, None, f"cannot parse CSV at line {opened}: {exc} "
                                                                   "(a quote inside a quoted field is written "
                                                                   "twice: \"\")")))
                continue
            if fields is None:
                break
            n += 1
            location = f"{shown}:row {n}"
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != len(header):
                rows.append((location, RecordError(location, None, f"has {len(fields)} fields; the header "
                                                                   f"(line 1) has {len(header)}")))
                continue
            rows.append((location, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        raise InputError(_quote_error(shown, text, header, opened, n + 1, reader.line_num, exc)) from None
    return header, rows


def _quote_error(shown: str, text: str, header: list[str], opened: int, row: int, reached: int,
                 exc: csv.Error) -> str:
    """The message for a quoted field that runs on past its line: where the quote opened, and
    the field it opened (the last one of that line, read on its own)."""
    lines = io.StringIO(text, newline="").readlines()
    first = lines[opened - 1] if 0 < opened <= len(lines) else ""
    index = max(len(next(csv.reader([first]), [])) - 1, 0)
    column = repr(header[index]) if index < len(header) else f"{index + 1}"
    where = f"{shown}:line {opened} (row {row}), field {column}" if header else f"{shown}:line {opened}"
    if "end of data" in str(exc):
        return (f"{where}: cannot parse CSV: the quote that opens this field is never closed: it would "
                "take in every line to the end of the file")
    return (f"{where}: cannot parse CSV: the quote that opens this field is not closed on its line; it "
            f"takes in the lines after it up to line {reached} ({exc}): a quote missing, or one not "
            "written twice (\"\") inside the field?")


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        # nullable dtypes: an integer column with a missing value stays integer (numpy would make it
        # float, and every id in it "a number (1.0)")
        return pd.read_parquet(path, dtype_backend="numpy_nullable")
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise InputError(f"{_shown_path(path)}: cannot read Parquet: {exc}") from None


#: a part of a file name that is meant as a date or time: digits and date punctuation only
_DATE_PART = re.compile(r"\d[\d\-:.T+Z ]*")


def _metadata_from_name(path: Path, location: str) -> dict[str, Any]:
    """``SOURCE[__YYYY-MM-DD][__title-words].txt``; without ``__`` the stem is the source.

    The first part after the source written as a date is the date, checked as any date is
    (``2015-02-30`` is rejected as in JSONL); the other parts are the title."""
    if bad := _SURROGATE.search(path.stem):
        byte = os.fsencode(bad.group(0))[0]
        raise RecordError(location, "source", f"the file name is not valid UTF-8 (byte 0x{byte:02x}): rename "
                                              f"the file, or give its source in {SIDECAR}")
    source, *parts = path.stem.split("__")
    meta: dict[str, Any] = {"source": source}
    dated = next((i for i, part in enumerate(parts) if _DATE_PART.fullmatch(part.strip())), None)
    if dated is not None:
        meta["published_at"] = parts.pop(dated).strip()
    title = " ".join(" ".join(part.replace("-", " ").replace("_", " ").split()) for part in parts).strip()
    if title:
        meta["title"] = title
    return meta


def _read_txt(path: Path) -> str | RecordError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RecordError(_shown_path(path), None, f"cannot read ({exc.strerror})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where, _, reason = _utf8_error(path, data, exc).partition(": ")
        return RecordError(where, "text", reason)


Sidecar = dict[str, tuple[str, dict[str, Any]]]


def _iter_txt(paths: Iterable[Path], sidecar: Sidecar | None, folder: Path | None) -> Iterator[RawItem]:
    for path in paths:
        location = _shown_path(path)
        name = path.relative_to(folder).as_posix() if folder is not None else path.name
        if sidecar is not None and name not in sidecar:
            yield location, RecordError(location, None, f"not listed in {SIDECAR}: add a row for it, "
                                                        "or move it out of the folder")
            continue
        text = _read_txt(path)
        if isinstance(text, RecordError):
            yield text.location, text
            continue
        if sidecar is not None:
            meta_location, meta = sidecar[name]
            yield f"{location} (metadata: {meta_location})", {**meta, "text": text}
            continue
        try:
            yield location, {**_metadata_from_name(path, location), "text": text}
        except RecordError as err:
            yield location, err


def _sidecar_problem(folder: Path, name: str, known: Sidecar) -> str | None:
    """What is wrong with the ``file`` of a sidecar row (a path inside the folder), if anything."""
    if not name:
        return "missing or empty"
    relative = PurePosixPath(name)
    if "\\" in name or relative.is_absolute() or ".." in relative.parts:
        return f"{name!r} is not a file name in {_shown_path(folder)} (a path inside it, without '..')"
    if not (folder / relative).is_file():
        return f"no such file in {_shown_path(folder)}: {name!r}"
    if relative.as_posix() in known:
        return f"{name!r} is listed twice (first at {known[relative.as_posix()][0]})"
    return None


def _load_sidecar(folder: Path) -> tuple[Sidecar | None, list[RawItem]]:
    """The rows of ``metadata.csv`` by file path in the folder (``None`` without one), and the
    rows that are bad."""
    path = folder / SIDECAR
    if not path.exists():
        return None, []
    header, items = _csv_rows(path)
    shown = _shown_path(path)
    if "file" not in header:
        raise InputError(f"{shown}: needs a 'file' column naming each .txt file")
    unknown = set(header) - set(ARTICLE_COLUMNS) - {"file"}
    if unknown:
        raise InputError(
            f"{shown}: unknown column(s) {', '.join(sorted(unknown))}; "
            f"allowed: file, {', '.join(c for c in ARTICLE_COLUMNS if c != 'text')}"
        )
    out: Sidecar = {}
    bad: list[RawItem] = []
    for location, item in items:
        if isinstance(item, RecordError):
            bad.append((location, item))
            continue
        row = dict(item)
        name = str(row.pop("file")).strip()
        if problem := _sidecar_problem(folder, name, out):
            bad.append((location, RecordError(location, "file", problem)))
            continue
        out[PurePosixPath(name).as_posix()] = (location, row)
    return out, bad


def _folder_articles(folder: Path) -> tuple[list[Path], list[RawItem]]:
    """The ``.txt`` files of ``folder`` and of its sub-folders; a link that leads out of the
    folder is refused, never read, and a linked folder is never followed (no loops, no file
    read twice: a folder linked from inside is read where it is)."""
    root = folder.resolve()
    files: list[Path] = []
    refused: list[RawItem] = []

    def refuse(path: Path, reason: str) -> None:
        refused.append((_shown_path(path), RecordError(_shown_path(path), None, reason)))

    def visit(directory: Path) -> None:
        try:
            entries = sorted(directory.iterdir())      # sorted: the same order on every file system
        except OSError as exc:
            refuse(directory, f"a folder that cannot be read ({exc.strerror}): its files are not read")
            return
        for p in entries:
            if p.is_symlink():
                inside = p.resolve().is_relative_to(root)
                if p.is_dir():
                    if not inside:
                        refuse(p, "a symbolic link to a folder outside the input folder: not read")
                    continue
                if p.suffix.lower() == ".txt" and not inside:
                    refuse(p, "a symbolic link to a file outside the input folder: not read")
                    continue
            elif p.is_dir():
                visit(p)
                continue
            if p.name == SIDECAR and directory != folder:
                raise InputError(f"{_shown_path(p)}: only the {SIDECAR} at the top of {_shown_path(folder)} is "
                                 "read; move its rows there (with paths such as sub/a.txt in 'file'), or "
                                 "read the sub-folder on its own")
            if p.suffix.lower() == ".txt" and p.is_file():
                files.append(p)

    visit(folder)
    return files, refused


def _iter_source(src: str | Path | pd.DataFrame) -> Iterator[RawItem]:
    if isinstance(src, pd.DataFrame):
        yield from _iter_frame(src, "<DataFrame>")
        return
    path = Path(src)
    shown = _shown_path(path)
    if path.is_dir():
        txts, refused = _folder_articles(path)
        if not txts and not refused:
            raise InputError(f"{shown}: folder holds no .txt articles")
        sidecar, bad_rows = _load_sidecar(path)
        yield from bad_rows
        yield from refused
        yield from _iter_txt(txts, sidecar, path)
        return
    if not path.exists():
        raise InputError(f"{shown}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _csv_rows(path)[1]
    elif suffix in (".parquet", ".pq"):
        yield from _iter_frame(_read_parquet(path), shown)
    elif suffix == ".txt":
        yield from _iter_txt([path], None, None)
    else:
        raise InputError(
            f"{shown}: unknown input format {suffix or '(no suffix)'!r}; use a folder of .txt "
            f"files or one of {', '.join(sorted(_TABLE_SUFFIXES | {'.txt'}))}"
        )


#: ``attrs`` key of a frame ``read_articles`` returned: reading it again must not decode twice
_READ = "read_articles"


def _kept_copy(found: list[tuple[str, dict[str, Any]]]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """The copies of one article (same id, same text), the one to keep first, and the fields in
    which they differ. The one kept is the first by its content, never by its place in the file."""
    def content(record: dict[str, Any]) -> tuple[str, ...]:
        stamp = record["published_at"]
        return (record["_identity"], record["source"], record["title"] or "", record["url"] or "",
                "" if stamp is pd.NaT else stamp.isoformat())

    ordered = sorted(found, key=lambda lr: content(lr[1]))
    differ = [name for name in ("source", "title", "url", "published_at")
              if len({repr(r[name]) for _, r in found}) > 1]
    return ordered, differ


def _outlet_names(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Give every row its outlet's one display name (:func:`display_names`); the spellings of each
    outlet written more than one way, by display name."""
    shown = display_names(r["source"] for r in rows)
    written: dict[str, set[str]] = {}
    for r in rows:
        written.setdefault(r["_identity"], set()).add(r["source"])
        r["source"] = shown[r["_identity"]]
    return {shown[identity]: sorted(spellings) for identity, spellings in sorted(written.items())
            if len(spellings) > 1}


def read_articles(src: str | Path | pd.DataFrame, *, errors: ErrorMode = "raise") -> pd.DataFrame:
    """Read and validate a corpus of articles.

    Parameters
    ----------
    src:
        A path (JSONL, CSV, Parquet, ``.txt``, or a folder of ``.txt`` files, sub-folders
        included) or a DataFrame with at least the columns ``text`` and ``source``.
    errors:
        ``"raise"`` (default) stops at the first bad record with a
        :class:`RecordError`; ``"skip"`` leaves bad records out, logs a warning
        and lists them in ``frame.attrs["rejected"]`` as dicts with
        ``location``, ``field`` and ``reason``.

    Returns
    -------
    DataFrame with the columns of :data:`corroborate.schema.ARTICLE_COLUMNS`,
    sorted by ``article_id`` so that the result does not depend on input order.
    ``attrs["accounting"]`` counts the records read, used and rejected; where it
    applies, ``source_spellings`` (display name -> the spellings of that outlet
    in the input) and ``cleaned`` (articles whose text was HTML, entities
    decoded, control and format characters removed).
    """
    if errors not in ("raise", "skip"):
        raise ValueError(f"read_articles: errors must be 'raise' or 'skip'; got {errors!r}")
    origin = "<DataFrame>" if isinstance(src, pd.DataFrame) else _shown_path(src)
    # a frame this function returned holds decoded text: decoding "&amp;lt;" again would change it
    markup = not (isinstance(src, pd.DataFrame) and src.attrs.get(_READ))
    versions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    rejected: list[dict[str, Any]] = []
    locations: dict[str, str] = {}
    n_read = 0

    def reject(err: RecordError) -> None:
        if errors == "raise":
            raise err
        rejected.append({"location": err.location, "field": err.field, "reason": err.reason})

    for location, item in _iter_source(src):
        n_read += 1
        try:
            if isinstance(item, RecordError):
                raise item
            record = normalise_record(item, location, markup=markup)
            known = versions.setdefault(record["article_id"], [])
            if errors == "raise" and known and known[0][1]["text"] != record["text"]:
                raise RecordError(location, "article_id", f"{record['article_id']!r} already used by "
                                                          f"{known[0][0]} for a different text")
            known.append((location, record))
            locations.setdefault(record["article_id"], location)
        except RecordError as err:
            reject(err)

    rows: list[dict[str, Any]] = []
    for article_id, found in versions.items():
        texts = {r["text"] for _, r in found}
        if len(texts) > 1:
            # which one is right cannot be told, and file order must not decide: none is used
            places = ", ".join(loc for loc, _ in found)
            rejected.extend({"location": loc, "field": "article_id",
                             "reason": f"{article_id!r} has {len(texts)} different texts ({places}): "
                                       "none is used"} for loc, _ in found)
            continue
        ordered, differ = _kept_copy(found)
        rows.append(ordered[0][1])
        locations[article_id] = ordered[0][0]
        note = f" (their {', '.join(differ)} differ: the first in sorted order is kept)" if differ else ""
        rejected.extend({"location": loc, "field": "article_id", "reason": f"duplicate of {ordered[0][0]}{note}"}
                        for loc, _ in ordered[1:])
    if rejected:
        logger.warning("%d input record(s) rejected; first: %s: %s", len(rejected),
                       rejected[0]["location"], rejected[0]["reason"])
    if not rows:
        raise InputError(f"{origin}: no usable article" + (f" ({len(rejected)} rejected; first: "
                                                            f"{rejected[0]['location']}: {rejected[0]['reason']})"
                                                            if rejected else ""))
    accounting: dict[str, Any] = {"input": origin, "read": n_read, "used": len(rows), "rejected": len(rejected)}
    if spellings := _outlet_names(rows):
        accounting["source_spellings"] = spellings
    cleaned = sum((r["_cleaned"] for r in rows), Counter())
    if cleaned := {k: int(v) for k, v in sorted(cleaned.items()) if v}:
        accounting["cleaned"] = cleaned
    frame = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    frame = frame.sort_values("article_id", kind="stable").reset_index(drop=True)
    frame.attrs["rejected"] = rejected
    frame.attrs["accounting"] = accounting
    frame.attrs["locations"] = {a: locations[a] for a in sorted(locations)}
    frame.attrs[_READ] = True
    return frame


# --------------------------------------------------------------------------- structured claims

CLAIM_TABLE_REQUIRED = ("item", "value", "source")
CLAIM_TABLE_OPTIONAL = ("unit", "published_at", "low", "high")


# --------------------------------------------------------------------------- writers

def to_jsonable(value: Any) -> Any:
    """Plain JSON types; unbounded or missing numbers become ``null``."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if (math.isnan(f) or math.isinf(f)) else round(f, 6)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return None if value is pd.NaT else value.isoformat()
    if value is pd.NaT:
        return None
    return value


def current_umask() -> int:
    """The process's umask (reading it means setting it: it is put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp would make it 0600)."""
    return 0o666 & ~current_umask()


def _atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a file)."""
    _atomic_write(Path(path), text)


def write_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]]) -> None:
    """Write one JSON object per line, atomically, in the order given."""
    lines = [json.dumps(to_jsonable(dict(r)), ensure_ascii=False) for r in records]
    _atomic_write(Path(path), "".join(line + "\n" for line in lines))


def write_csv(path: str | Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as CSV atomically, floats rounded to 6 decimals for stable bytes."""
    _atomic_write(Path(path), frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))

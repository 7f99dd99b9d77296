"""Read tables into raw records: JSONL, CSV, Parquet and DataFrames.

Each reader yields ``(location, raw record)`` pairs, a record being a mapping of
its fields as the file holds them; a record that cannot even be parsed is
yielded as ``(location, RecordError)``, so that the error policy (stop, or skip
and list) is applied in one place, by the caller. A location names the file and
the line (JSONL) or the row (CSV, Parquet, a frame). A problem that makes the
whole file unusable (cannot be opened, not UTF-8, a column named twice, a quote
that takes in the lines after it) raises :class:`InputError` at once.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, RecordError
from .records import LongInteger, shown_path

#: one raw record and where it is: the record's fields, or why it cannot be read at all
RawItem = tuple[str, "Mapping[str, Any] | RecordError"]


def _json_int(digits: str) -> int | LongInteger:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        return LongInteger(digits)
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


def iter_jsonl(path: Path) -> Iterator[RawItem]:
    """One JSON object per line. Each line is decoded on its own, so a bad byte or a
    broken line costs that line only, and every location names the true line."""
    shown = shown_path(path)
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


def iter_frame(frame: pd.DataFrame, origin: str, locations: Mapping[str, str] | None = None) -> Iterator[RawItem]:
    """The rows of a frame, each at ``origin:row N``. ``locations`` (article id -> place, those of
    a corpus read before) name where each article came from: an error found when it is read
    again names that place, never its position in the frame (which is sorted, and has no
    rejected rows)."""
    repeated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if repeated:
        raise InputError(f"{origin}: column(s) {', '.join(map(repr, repeated))} named more than once: "
                         "which one is meant cannot be told")
    for i, record in enumerate(frame.to_dict(orient="records"), start=1):
        known = locations.get(str(record.get("article_id"))) if locations else None
        yield known or f"{origin}:row {i}", record


def utf8_error(path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
    """``file:line N: not valid UTF-8 (byte 0x.. at column M)`` for a decoding error of ``data``."""
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"{shown_path(path)}:line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


#: the csv module refuses a field over 131,072 characters; an article may be longer
_CSV_FIELD_LIMIT = 2**31 - 1


def csv_rows(path: Path) -> tuple[list[str], list[RawItem]]:
    """The header and the rows of a UTF-8 CSV file. A row with more or fewer fields than the
    header, or with a quote not doubled inside a quoted field, is a bad record (never shifted
    into other columns); a byte that is not UTF-8, a column named twice or a quote that takes
    in the lines after it stops the file, naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown_path(path)}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(utf8_error(path, data, exc) + "; save the file as UTF-8") from None
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        return _parse_csv(shown_path(path), text)
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


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file as a frame, or an :class:`InputError` naming the file."""
    try:
        # nullable dtypes: an integer column with a missing value stays integer (numpy would make it
        # float, and every id in it "a number (1.0)")
        return pd.read_parquet(path, dtype_backend="numpy_nullable")
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise InputError(f"{shown_path(path)}: cannot read Parquet: {exc}") from None

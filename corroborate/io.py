"""Read corpora of articles; write output files atomically.

``read_articles`` accepts JSONL, CSV, Parquet, a pandas DataFrame, a single
``.txt`` file or a folder of ``.txt`` files (one article each, metadata from an
optional ``metadata.csv`` sidecar, else from the file name). Every record is
validated; a bad one raises :class:`RecordError` naming the file, the line or
row and the field, or, with ``errors="skip"``, is left out and listed in
``frame.attrs["rejected"]`` with its reason.
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
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError, RecordError
from .schema import ARTICLE_COLUMNS, MAX_MAGNITUDE

logger = logging.getLogger(__name__)

ErrorMode = Literal["raise", "skip"]
SIDECAR = "metadata.csv"
_TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet", ".pq"}


def stable_article_id(source: str, text: str) -> str:
    """A short id that depends only on the outlet and the text."""
    return hashlib.sha256(f"{source}\n{text}".encode()).hexdigest()[:16]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


#: ANSI escape sequences (colours, cursor moves) and other control characters: never kept
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: relative dates read the clock: the same input would give another output tomorrow
_RELATIVE = frozenset({"now", "today", "yesterday", "tomorrow", "tonight", "this morning", "last night"})
#: the years a publication date may have
YEARS = (1900, 2100)


def clean_text(text: str) -> str:
    """``text`` without ANSI escape sequences or control characters (tabs and newlines stay).

    Each removed character becomes a space, so a sentence keeps its word breaks.
    """
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(" ", _ANSI.sub(lambda m: " " * len(m.group(0)), text))


def _optional_str(value: Any, location: str, name: str) -> str | None:
    """A text field: ``None`` when blank, else stripped text; any other type is rejected."""
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise RecordError(location, name, f"expected text, got {_type_name(value)} {_shown(value)}")
    return value.strip()


def _identifier(value: Any, location: str, name: str) -> str | None:
    """An outlet or article id: text without control characters (an id may also be an integer)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and name == "article_id":
        return str(int(value))
    text = _optional_str(value, location, name)
    if text is not None and (bad := _CONTROL.search(text)):
        raise RecordError(location, name, f"contains the control character U+{ord(bad.group(0)):04X}")
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
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return type(value).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return f"({text[:40]}{'…' if len(text) > 40 else ''})"


def _parse_time(value: Any, location: str) -> pd.Timestamp:
    """A publication time, UTC. Text is parsed as a date ("2015-03-04", "March 4, 2015 10:00 EST");
    datetime values (Parquet timestamps, ``datetime``) are taken as they are. Numbers, relative
    words ("now", "yesterday") and years outside :data:`YEARS` are rejected: epoch numbers are
    ambiguous (seconds? milliseconds?) and relative words would read the clock."""
    field = "published_at"
    if _blank(value):
        return pd.NaT
    if isinstance(value, (bool, np.bool_, int, float, np.number)):
        raise RecordError(location, field, f"a number {_shown(value)}, not a date; write the date as text "
                                          "(ISO 8601, e.g. 2015-03-04T10:00:00Z) or store a timestamp column")
    if isinstance(value, str):
        text = value.strip()
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
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise RecordError(location, field, f"not a date or time: {str(value)[:60]!r}") from None
    if stamp is pd.NaT or pd.isna(stamp):
        return pd.NaT
    if not YEARS[0] <= stamp.year <= YEARS[1]:
        raise RecordError(location, field, f"year {stamp.year} is outside {YEARS[0]}-{YEARS[1]}: {str(value)[:40]!r}")
    # naive times are taken as UTC; aware ones are converted to UTC
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _cleaned(value: str | None) -> str | None:
    """An optional text field without control characters; ``None`` when nothing is left."""
    return None if value is None else (clean_text(value).strip() or None)


def normalise_record(raw: Mapping[str, Any], location: str) -> dict[str, Any]:
    """Validate one raw record into the articles schema or raise RecordError."""
    text = raw.get("text")
    if _blank(text):
        raise RecordError(location, "text", "missing or empty (required)")
    if not isinstance(text, str):
        raise RecordError(location, "text", f"expected text, got {_type_name(text)} {_shown(text)}")
    text = clean_text(text)
    if not text.strip():
        raise RecordError(location, "text", "holds only control characters")
    source = _identifier(raw.get("source"), location, "source")
    if source is None:
        raise RecordError(location, "source", "missing or empty (required)")
    article_id = _identifier(raw.get("article_id"), location, "article_id")
    title = _optional_str(raw.get("title"), location, "title")
    url = _optional_str(raw.get("url"), location, "url")
    return {
        "article_id": article_id or stable_article_id(source, text),
        "source": source,
        "title": _cleaned(title),
        "url": _cleaned(url),
        "published_at": _parse_time(raw.get("published_at"), location),
        "text": text,
    }


# --------------------------------------------------------------------------- readers
# Each yields (location, raw record) pairs; a record that cannot even be parsed is
# yielded as (location, RecordError) so the error policy is applied in one place.

RawItem = tuple[str, "Mapping[str, Any] | RecordError"]


def _iter_jsonl(path: Path) -> Iterator[RawItem]:
    """One JSON object per line. Each line is decoded on its own, so a bad byte or a
    broken line costs that line only, and every location names the true line."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror})") from None
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            location = f"{path}:line {lineno}"
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
                record = json.loads(line)
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
    records = frame.to_dict(orient="records")
    for i, record in enumerate(records, start=1):
        yield f"{origin}:row {i}", record


def _utf8_error(path: Path, data: bytes, exc: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"{path}:line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


def _csv_rows(path: Path) -> tuple[list[str], list[RawItem]]:
    """The header and the rows of a UTF-8 CSV file. A row with more or fewer fields than the
    header is a bad record (never shifted into other columns); a byte that is not UTF-8 stops
    the file, naming its line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(_utf8_error(path, data, exc) + "; save the file as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise InputError(f"{path}: cannot parse CSV: no header row")
        header = [h.strip() for h in header]
        rows: list[RawItem] = []
        for n, fields in enumerate(reader, start=1):
            location = f"{path}:row {n}"
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != len(header):
                rows.append((location, RecordError(location, None, f"has {len(fields)} fields; the header "
                                                                   f"(line 1) has {len(header)}")))
                continue
            rows.append((location, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        raise InputError(f"{path}:line {reader.line_num}: cannot parse CSV: {exc}") from None
    return header, rows


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV file as a frame of text; a row of the wrong length stops the reading."""
    header, rows = _csv_rows(path)
    for _, row in rows:
        if isinstance(row, RecordError):
            raise row
    return pd.DataFrame([r for _, r in rows], columns=header, dtype=str)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a corrupt file
        raise InputError(f"{path}: cannot read Parquet: {exc}") from None


def _metadata_from_name(path: Path) -> dict[str, Any]:
    """``SOURCE[__YYYY-MM-DD][__title-words].txt``; without ``__`` the stem is the source."""
    parts = path.stem.split("__")
    meta: dict[str, Any] = {"source": parts[0]}
    for part in parts[1:]:
        try:
            meta["published_at"] = pd.Timestamp(part).isoformat()
        except ValueError:
            meta["title"] = part.replace("-", " ").replace("_", " ")
    return meta


def _read_txt(path: Path) -> str | RecordError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RecordError(str(path), None, f"cannot read ({exc.strerror})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where, _, reason = _utf8_error(path, data, exc).partition(": ")
        return RecordError(where, "text", reason)


def _iter_txt(paths: Iterable[Path], sidecar: dict[str, tuple[str, dict[str, Any]]] | None) -> Iterator[RawItem]:
    for path in paths:
        location = str(path)
        if sidecar is not None and path.name not in sidecar:
            yield location, RecordError(location, None, f"not listed in {SIDECAR}: add a row for it, "
                                                        "or move it out of the folder")
            continue
        text = _read_txt(path)
        if isinstance(text, RecordError):
            yield text.location, text
            continue
        if sidecar is not None:
            meta_location, meta = sidecar[path.name]
            location = f"{path} (metadata: {meta_location})"
            record = {**meta, "text": text}
        else:
            record = {**_metadata_from_name(path), "text": text}
        yield location, record


def _load_sidecar(folder: Path) -> tuple[dict[str, tuple[str, dict[str, Any]]] | None, list[RawItem]]:
    """The rows of ``metadata.csv`` by file name (``None`` without one), and the rows that are bad."""
    path = folder / SIDECAR
    if not path.exists():
        return None, []
    frame = _read_csv(path)
    if "file" not in frame.columns:
        raise InputError(f"{path}: needs a 'file' column naming each .txt file")
    unknown = set(frame.columns) - set(ARTICLE_COLUMNS) - {"file"}
    if unknown:
        raise InputError(
            f"{path}: unknown column(s) {', '.join(sorted(unknown))}; "
            f"allowed: file, {', '.join(c for c in ARTICLE_COLUMNS if c != 'text')}"
        )
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    bad: list[RawItem] = []
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
        location = f"{path}:row {i}"
        name = str(row.pop("file")).strip()
        problem = None
        if not name:
            problem = "missing or empty"
        elif Path(name).name != name:
            problem = f"{name!r} is not a file name in {folder} (no folders, no '..')"
        elif not (folder / name).is_file():
            problem = f"no such file in {folder}: {name!r}"
        elif name in out:
            problem = f"{name!r} is listed twice (first at {out[name][0]})"
        if problem:
            bad.append((location, RecordError(location, "file", problem)))
            continue
        out[name] = (location, row)
    return out, bad


def _folder_articles(folder: Path) -> tuple[list[Path], list[RawItem]]:
    """The ``.txt`` files of ``folder``; a link that leads out of it is refused, never read."""
    root = folder.resolve()
    files, refused = [], []
    for p in sorted(folder.iterdir()):
        if p.suffix.lower() != ".txt":
            continue
        if p.is_symlink():
            target = p.resolve()
            if not target.is_relative_to(root):
                refused.append((str(p), RecordError(str(p), None, "a symbolic link to a file outside the "
                                                                  "input folder: not read")))
                continue
        if p.is_file():
            files.append(p)
    return files, refused


def _iter_source(src: str | Path | pd.DataFrame) -> Iterator[RawItem]:
    if isinstance(src, pd.DataFrame):
        yield from _iter_frame(src, "<DataFrame>")
        return
    path = Path(src)
    if path.is_dir():
        txts, refused = _folder_articles(path)
        if not txts and not refused:
            raise InputError(f"{path}: folder holds no .txt articles")
        sidecar, bad_rows = _load_sidecar(path)
        yield from bad_rows
        yield from refused
        yield from _iter_txt(txts, sidecar)
        return
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _csv_rows(path)[1]
    elif suffix in (".parquet", ".pq"):
        yield from _iter_frame(_read_parquet(path), str(path))
    elif suffix == ".txt":
        yield from _iter_txt([path], None)
    else:
        raise InputError(
            f"{path}: unknown input format {suffix or '(no suffix)'!r}; use a folder of .txt "
            f"files or one of {', '.join(sorted(_TABLE_SUFFIXES | {'.txt'}))}"
        )


def read_articles(src: str | Path | pd.DataFrame, *, errors: ErrorMode = "raise") -> pd.DataFrame:
    """Read and validate a corpus of articles.

    Parameters
    ----------
    src:
        A path (JSONL, CSV, Parquet, ``.txt``, or a folder of ``.txt`` files)
        or a DataFrame with at least the columns ``text`` and ``source``.
    errors:
        ``"raise"`` (default) stops at the first bad record with a
        :class:`RecordError`; ``"skip"`` leaves bad records out, logs a warning
        and lists them in ``frame.attrs["rejected"]`` as dicts with
        ``location``, ``field`` and ``reason``.

    Returns
    -------
    DataFrame with the columns of :data:`corroborate.schema.ARTICLE_COLUMNS`,
    sorted by ``article_id`` so that the result does not depend on input order.
    """
    if errors not in ("raise", "skip"):
        raise ValueError(f"read_articles: errors must be 'raise' or 'skip'; got {errors!r}")
    origin = "<DataFrame>" if isinstance(src, pd.DataFrame) else str(src)
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
            record = normalise_record(item, location)
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
        rows.append(found[0][1])
        rejected.extend({"location": loc, "field": "article_id", "reason": f"duplicate of {found[0][0]}"}
                        for loc, _ in found[1:])
    if rejected:
        logger.warning("%d input record(s) rejected; first: %s: %s", len(rejected),
                       rejected[0]["location"], rejected[0]["reason"])
    if not rows:
        raise InputError(f"{origin}: no usable article" + (f" ({len(rejected)} rejected; first: "
                                                            f"{rejected[0]['location']}: {rejected[0]['reason']})"
                                                            if rejected else ""))
    frame = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    frame = frame.sort_values("article_id", kind="stable").reset_index(drop=True)
    frame.attrs["rejected"] = rejected
    frame.attrs["accounting"] = {"input": origin, "read": n_read, "used": len(frame), "rejected": len(rejected)}
    frame.attrs["locations"] = locations
    return frame


# --------------------------------------------------------------------------- structured claims

CLAIM_TABLE_REQUIRED = ("item", "value", "source")
CLAIM_TABLE_OPTIONAL = ("unit", "published_at", "low", "high")


def read_claim_table(path: str | Path) -> pd.DataFrame:
    """Read long-format structured claims for ``corroborate truth``.

    Columns ``item, value, source`` (required) and ``unit, published_at, low,
    high`` (optional), from CSV, JSONL or Parquet. A missing column, an empty
    ``item`` or ``source``, a missing ``value`` or an unparseable date raises
    :class:`RecordError` naming the file, row (or line) and field. Values are
    kept as written: the engine parses them and reports what is not a number.
    The frame has a ``row`` column: the record's 1-based position in the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = _read_csv(path)
        items: Iterable[RawItem] = _iter_frame(frame, str(path))
        columns = set(frame.columns)
    elif suffix in (".parquet", ".pq"):
        frame = _read_parquet(path)
        items, columns = _iter_frame(frame, str(path)), set(frame.columns)
    elif suffix in (".jsonl", ".ndjson"):
        items, columns = list(_iter_jsonl(path)), None
    else:
        raise InputError(f"{path}: unknown format {suffix!r}; use .csv, .jsonl or .parquet")
    if columns is not None:
        missing = [c for c in CLAIM_TABLE_REQUIRED if c not in columns]
        if missing:
            raise InputError(f"{path}: missing required column(s) {', '.join(missing)}; "
                             f"the columns are {', '.join(map(str, sorted(columns)))}")
    rows = []
    for n, (location, record) in enumerate(items, start=1):
        if isinstance(record, RecordError):
            raise record
        out: dict[str, Any] = {"row": n}
        for name in ("item", "source"):
            value = _optional_str(record.get(name), location, name)
            if value is None:
                raise RecordError(location, name, "missing or empty (required)")
            out[name] = value
        value = record.get("value")
        if value is None or (isinstance(value, str) and not value.strip()):
            raise RecordError(location, "value", "missing (required; write N/A for a placeholder)")
        if isinstance(value, (dict, list)):
            raise RecordError(location, "value", f"expected a number or text, got {_type_name(value)}")
        out["value"] = value                     # NaN stays: the engine lists it as a placeholder
        out["unit"] = _optional_str(record.get("unit"), location, "unit")
        out["published_at"] = _parse_time(record.get("published_at"), location)
        for bound in ("low", "high"):
            raw = record.get(bound)
            if _blank(raw):
                out[bound] = None
                continue
            if isinstance(raw, bool):
                raise RecordError(location, bound, f"not a number: {raw!r}")
            try:
                out[bound] = float(raw)
            except (TypeError, ValueError):
                raise RecordError(location, bound, f"not a number: {str(raw)[:40]!r}") from None
            if not math.isfinite(out[bound]) or abs(out[bound]) > MAX_MAGNITUDE:
                limit = f"{MAX_MAGNITUDE:.0e}".replace("e+", "e")
                raise RecordError(location, bound, f"not a finite number up to {limit}: {str(raw)[:40]!r} "
                                                   "(leave it empty for no bound)")
        if out["low"] is not None and out["high"] is not None and out["low"] > out["high"]:
            raise RecordError(location, "low", f"low {out['low']:g} is above high {out['high']:g}")
        rows.append(out)
    if not rows:
        raise InputError(f"{path}: no claims")
    return pd.DataFrame(rows, columns=["row", *CLAIM_TABLE_REQUIRED, *CLAIM_TABLE_OPTIONAL])


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

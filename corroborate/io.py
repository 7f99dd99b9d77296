"""Read corpora of articles; write output files atomically.

``read_articles`` accepts JSONL, CSV, Parquet, a pandas DataFrame, a single
``.txt`` file or a folder of ``.txt`` files (one article each, metadata from an
optional ``metadata.csv`` sidecar, else from the file name). Every record is
validated; a bad one raises :class:`RecordError` naming the file, the line or
row and the field, or, with ``errors="skip"``, is left out and listed in
``frame.attrs["rejected"]`` with its reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import InputError, RecordError
from .schema import ARTICLE_COLUMNS

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


def _optional_str(value: Any, location: str, name: str) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, (dict, list)):
        raise RecordError(location, name, f"expected text, got {type(value).__name__}")
    return str(value).strip()


def _parse_time(value: Any, location: str) -> pd.Timestamp:
    if _blank(value):
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise RecordError(
            location, "published_at", f"not a date or time: {str(value)[:60]!r}"
        ) from None
    if stamp is pd.NaT:
        return pd.NaT
    # naive times are taken as UTC; aware ones are converted to UTC
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def normalise_record(raw: Mapping[str, Any], location: str) -> dict[str, Any]:
    """Validate one raw record into the articles schema or raise RecordError."""
    text = raw.get("text")
    if _blank(text):
        raise RecordError(location, "text", "missing or empty (required)")
    if not isinstance(text, str):
        raise RecordError(location, "text", f"expected text, got {type(text).__name__}")
    source = _optional_str(raw.get("source"), location, "source")
    if source is None:
        raise RecordError(location, "source", "missing or empty (required)")
    article_id = _optional_str(raw.get("article_id"), location, "article_id")
    return {
        "article_id": article_id or stable_article_id(source, text),
        "source": source,
        "title": _optional_str(raw.get("title"), location, "title"),
        "url": _optional_str(raw.get("url"), location, "url"),
        "published_at": _parse_time(raw.get("published_at"), location),
        "text": text,
    }


# --------------------------------------------------------------------------- readers
# Each yields (location, raw record) pairs; a record that cannot even be parsed is
# yielded as (location, RecordError) so the error policy is applied in one place.

RawItem = tuple[str, "Mapping[str, Any] | RecordError"]


def _iter_jsonl(path: Path) -> Iterator[RawItem]:
    with open(path, encoding="utf-8", errors="strict") as fh:
        lineno = 0
        while True:
            lineno += 1
            location = f"{path}:line {lineno}"
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                yield location, RecordError(location, None, f"not valid UTF-8 ({exc.reason})")
                return
            if not line:
                return
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield location, RecordError(
                    location, None, f"invalid JSON at column {exc.colno}: {exc.msg}"
                )
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


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot parse CSV: {exc}") from None


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


def _iter_txt(paths: Iterable[Path], sidecar: dict[str, tuple[str, dict[str, Any]]]) -> Iterator[RawItem]:
    for path in paths:
        location = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            yield location, RecordError(location, "text", f"not valid UTF-8 ({exc.reason})")
            continue
        if path.name in sidecar:
            meta_location, meta = sidecar[path.name]
            location = f"{path} (metadata: {meta_location})"
            record = {**meta, "text": text}
        else:
            record = {**_metadata_from_name(path), "text": text}
        yield location, record


def _load_sidecar(folder: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    path = folder / SIDECAR
    if not path.exists():
        return {}
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
    for i, row in enumerate(frame.to_dict(orient="records"), start=1):
        location = f"{path}:row {i}"
        name = str(row.pop("file")).strip()
        if not name:
            raise RecordError(location, "file", "missing or empty")
        if not (folder / name).is_file():
            raise RecordError(location, "file", f"no such file in {folder}: {name!r}")
        if name in out:
            raise RecordError(location, "file", f"{name!r} is listed twice")
        out[name] = (location, row)
    return out


def _iter_source(src: str | Path | pd.DataFrame) -> Iterator[RawItem]:
    if isinstance(src, pd.DataFrame):
        yield from _iter_frame(src, "<DataFrame>")
        return
    path = Path(src)
    if path.is_dir():
        txts = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
        if not txts:
            raise InputError(f"{path}: folder holds no .txt articles")
        yield from _iter_txt(txts, _load_sidecar(path))
        return
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _iter_jsonl(path)
    elif suffix == ".csv":
        yield from _iter_frame(_read_csv(path), str(path))
    elif suffix in (".parquet", ".pq"):
        yield from _iter_frame(_read_parquet(path), str(path))
    elif suffix == ".txt":
        yield from _iter_txt([path], {})
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
    rows: list[dict[str, Any]] = []
    seen: dict[str, tuple[str, str]] = {}
    rejected: list[dict[str, Any]] = []

    def reject(err: RecordError) -> None:
        if errors == "raise":
            raise err
        rejected.append({"location": err.location, "field": err.field, "reason": err.reason})

    for location, item in _iter_source(src):
        try:
            if isinstance(item, RecordError):
                raise item
            record = normalise_record(item, location)
            first = seen.get(record["article_id"])
            if first is not None:
                first_location, first_text = first
                if first_text == record["text"]:
                    # the same article twice: keep one, say so, never fail the run
                    rejected.append({
                        "location": location, "field": "article_id",
                        "reason": f"duplicate of {first_location}",
                    })
                    continue
                raise RecordError(
                    location, "article_id",
                    f"{record['article_id']!r} already used by {first_location} for a different text",
                )
            seen[record["article_id"]] = (location, record["text"])
            rows.append(record)
        except RecordError as err:
            reject(err)

    if rejected:
        logger.warning("%d input record(s) rejected; first: %s: %s", len(rejected),
                       rejected[0]["location"], rejected[0]["reason"])
    if not rows:
        raise InputError(f"{src if not isinstance(src, pd.DataFrame) else '<DataFrame>'}: "
                         "no usable article")
    frame = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    frame = frame.sort_values("article_id", kind="stable").reset_index(drop=True)
    frame.attrs["rejected"] = rejected
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
        if _blank(value):
            raise RecordError(location, "value", "missing (required; write N/A for a placeholder)")
        out["value"] = value
        out["unit"] = _optional_str(record.get("unit"), location, "unit")
        out["published_at"] = _parse_time(record.get("published_at"), location)
        for bound in ("low", "high"):
            raw = record.get(bound)
            if _blank(raw):
                out[bound] = None
                continue
            try:
                out[bound] = float(raw)
            except (TypeError, ValueError):
                raise RecordError(location, bound, f"not a number: {str(raw)[:40]!r}") from None
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


def _atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
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

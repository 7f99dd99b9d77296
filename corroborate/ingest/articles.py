"""Read a corpus of articles: every record validated, nothing dropped or changed without a word.

:func:`read_corpus` accepts JSONL, CSV, Parquet, a pandas DataFrame, a single
``.txt`` file or a folder of ``.txt`` files, sub-folders included (one article
each, metadata from an optional ``metadata.csv`` sidecar, else from the file
name). Every record is validated; a bad one raises :class:`RecordError` naming
the file, the line or row and the field, or, with ``errors="skip"``, is left out
and listed in :attr:`Corpus.rejected` with its reason. Records read = used +
rejected, and what the reader changes (HTML taken out of a text, entities
decoded, invisible characters removed, one outlet's spellings given one name)
is counted in :attr:`Corpus.accounting`. :func:`read_articles` is the same
read, returning the articles frame alone.
"""

from __future__ import annotations

import logging
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..errors import InputError, RecordError
from ..schema import ARTICLE_COLUMNS
from ..stage_results import Corpus
from .folders import iter_folder, iter_txt_file
from .formats import RawItem, csv_rows, iter_frame, iter_jsonl, read_parquet
from .outlets import display_names
from .records import normalise_record, shown_path

logger = logging.getLogger(__name__)

ErrorMode = Literal["raise", "skip"]
_TABLE_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".parquet", ".pq"}
#: the versions of each article id as read: (location, normalised record), in input order
Versions = dict[str, list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class _Earlier:
    """What an earlier read said of the frame it returned (all but the frame)."""

    rejected: list[dict[str, Any]]
    accounting: dict[str, Any]
    locations: dict[str, str]


#: the frames :func:`read_corpus` returned, by ``id``, with what their read found: reading one
#: again must not decode its text twice ("&amp;lt;" would become "<"), an error found then names
#: where the article came from, and what the first read rejected and counted carries over.
#: Held weakly: a frame that is gone is forgotten.
_RETURNED: dict[int, tuple[weakref.ref[pd.DataFrame], _Earlier]] = {}


def _remember(corpus: Corpus) -> None:
    key = id(corpus.articles)

    def forget(ref: weakref.ref[pd.DataFrame]) -> None:
        if _RETURNED.get(key, (None,))[0] is ref:
            del _RETURNED[key]

    earlier = _Earlier(corpus.rejected, corpus.accounting, corpus.locations)
    _RETURNED[key] = (weakref.ref(corpus.articles, forget), earlier)


def _earlier_read(src: str | Path | pd.DataFrame) -> _Earlier | None:
    """What the read that returned ``src`` found, if ``src`` is a frame :func:`read_corpus` returned."""
    if isinstance(src, pd.DataFrame):
        ref, earlier = _RETURNED.get(id(src), (None, None))
        if ref is not None and ref() is src:
            return earlier
    return None


def _iter_source(src: str | Path | pd.DataFrame, locations: Mapping[str, str] | None) -> Iterator[RawItem]:
    if isinstance(src, pd.DataFrame):
        yield from iter_frame(src, "<DataFrame>", locations)
        return
    path = Path(src)
    shown = shown_path(path)
    if path.is_dir():
        yield from iter_folder(path)
        return
    if not path.exists():
        raise InputError(f"{shown}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from iter_jsonl(path)
    elif suffix == ".csv":
        yield from csv_rows(path)[1]
    elif suffix in (".parquet", ".pq"):
        yield from iter_frame(read_parquet(path), shown)
    elif suffix == ".txt":
        yield from iter_txt_file(path)
    else:
        raise InputError(
            f"{shown}: unknown input format {suffix or '(no suffix)'!r}; use a folder of .txt "
            f"files or one of {', '.join(sorted(_TABLE_SUFFIXES | {'.txt'}))}"
        )


def _collect(items: Iterator[RawItem], errors: ErrorMode, *, markup: bool
             ) -> tuple[Versions, list[dict[str, Any]], dict[str, str], int]:
    """Every record normalised: (versions by article id, rejected, first location of each id,
    records read). In ``"raise"`` mode the first bad record, or an id given to two texts, raises."""
    versions: Versions = {}
    rejected: list[dict[str, Any]] = []
    locations: dict[str, str] = {}
    n_read = 0
    for location, item in items:
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
            if errors == "raise":
                raise
            rejected.append({"location": err.location, "field": err.field, "reason": err.reason})
    return versions, rejected, locations, n_read


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


def _keep_one(versions: Versions, rejected: list[dict[str, Any]], locations: dict[str, str]) -> list[dict[str, Any]]:
    """One record per article id: copies of one text are one article (the others are listed in
    ``rejected`` as duplicates); an id given to several texts keeps none of them."""
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
    return rows


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


def _accounting(origin: str, n_read: int, rows: list[dict[str, Any]], rejected: list[dict[str, Any]]
                ) -> dict[str, Any]:
    """The counts of a read; gives every row its outlet's display name on the way."""
    accounting: dict[str, Any] = {"input": origin, "read": n_read, "used": len(rows), "rejected": len(rejected)}
    if spellings := _outlet_names(rows):
        accounting["source_spellings"] = spellings
    cleaned = sum((r["_cleaned"] for r in rows), Counter())
    if cleaned := {k: int(v) for k, v in sorted(cleaned.items()) if v}:
        accounting["cleaned"] = cleaned
    return accounting


def _check_mode(errors: str, caller: str) -> None:
    if errors not in ("raise", "skip"):
        raise ValueError(f"{caller}: errors must be 'raise' or 'skip'; got {errors!r}")


def read_corpus(src: str | Path | pd.DataFrame, *, errors: ErrorMode = "raise") -> Corpus:
    """Read and validate a corpus of articles.

    Parameters
    ----------
    src:
        A path (JSONL, CSV, Parquet, ``.txt``, or a folder of ``.txt`` files, sub-folders
        included) or a DataFrame with at least the columns ``text`` and ``source``. The very
        frame this function (or :func:`read_articles`) returned is read again as the corpus it
        is: its text is not decoded twice, its records keep their locations, and what the first
        read rejected and counted carries over (a record rejected now is added to both).
    errors:
        ``"raise"`` (default) stops at the first bad record with a
        :class:`RecordError`; ``"skip"`` leaves bad records out, logs a warning
        and lists them in :attr:`Corpus.rejected`.

    Returns
    -------
    A :class:`Corpus`; its articles are sorted by ``article_id``, so that the result does not
    depend on input order.
    """
    _check_mode(errors, "read_corpus")
    return _read(src, errors)


def _read(src: str | Path | pd.DataFrame, errors: ErrorMode) -> Corpus:
    earlier = _earlier_read(src)
    origin = "<DataFrame>" if isinstance(src, pd.DataFrame) else shown_path(src)
    # a frame read before holds decoded text: decoding "&amp;lt;" again would change it
    items = _iter_source(src, earlier.locations if earlier is not None else None)
    versions, rejected, locations, n_read = _collect(items, errors, markup=earlier is None)
    rows = _keep_one(versions, rejected, locations)
    if rejected:
        logger.warning("%d input record(s) rejected; first: %s: %s", len(rejected),
                       rejected[0]["location"], rejected[0]["reason"])
    if not rows:
        raise InputError(f"{origin}: no usable article" + (f" ({len(rejected)} rejected; first: "
                                                            f"{rejected[0]['location']}: {rejected[0]['reason']})"
                                                            if rejected else ""))
    accounting = _accounting(origin, n_read, rows, rejected)
    frame = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    frame = frame.sort_values("article_id", kind="stable").reset_index(drop=True)
    located = {a: locations[a] for a in sorted(locations)}
    if earlier is not None:
        # read = used + rejected still holds: the records read now are the earlier read's used ones
        rejected = [*earlier.rejected, *rejected]
        accounting = {**earlier.accounting, "read": earlier.accounting["read"] - earlier.accounting["used"] + n_read,
                      "used": len(rows), "rejected": len(rejected)}
        merged = {**earlier.locations, **locations}
        located = {a: merged[a] for a in sorted(merged)}
    corpus = Corpus(frame, rejected, accounting, located)
    _remember(corpus)
    return corpus


def read_articles(src: str | Path | pd.DataFrame, *, errors: ErrorMode = "raise") -> pd.DataFrame:
    """The articles frame of :func:`read_corpus` (the same arguments, the same checks).

    Returns
    -------
    DataFrame with the columns of :data:`corroborate.schema.ARTICLE_COLUMNS`,
    sorted by ``article_id``. What was rejected, the accounting and the
    locations are in the :class:`Corpus` that :func:`read_corpus` returns; reading this
    frame again (with either function) reads it as that corpus.
    """
    _check_mode(errors, "read_articles")
    corpus = _read(src, errors)
    frame = corpus.articles
    return frame

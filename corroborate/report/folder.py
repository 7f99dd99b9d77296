"""Read back an output folder of ``corroborate score``, checking it before anything renders.

``corroborate report OUTDIR`` trusts nothing it reads: a file may have been
edited by hand, a copy cut short, a line lost. The folder is read in three
steps, and the first problem stops it with an :class:`~corroborate.errors.InputError`
naming the file, the line (or row) and the field:

1. each file on its own: present, a regular file, no larger than
   :data:`MAX_FILE_BYTES`, UTF-8, one JSON object per line (or a CSV row of the
   header's length), every field of the shape :mod:`.fields` gives;
2. the files against each other: ids are unique, every claim's cluster, article
   and event is there, every cluster lists exactly the claims that name it,
   every article's outlet has its row in ``sources.csv``;
3. ``run.json``'s counts against the files (a count it does not record is
   taken from the files).

What comes out is the JSON form of a :class:`~corroborate.report.Report`
(:meth:`~corroborate.report.Report.from_dict`), which then renders without error.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, RecordError
from ..ingest.formats import csv_rows, iter_jsonl
from .fields import (
    ARTICLE,
    CLAIM,
    CLUSTER,
    DROPPED,
    EVENT,
    REJECTED,
    RUN,
    SOURCE_CELLS,
    Shape,
    check_record,
    read_source_row,
)

#: the files :meth:`Report.read` needs, in the order they are checked
NEEDED = ("run.json", "clusters.jsonl", "claims.jsonl", "articles.jsonl", "events.jsonl", "sources.csv",
          "dropped.jsonl", "rejected.jsonl")
#: a file larger than this is refused before it is read: it would take the memory of the machine, and no
#: run of corroborate writes one (a million claims in context are about 1 GB)
MAX_FILE_BYTES = 2 << 30
#: line numbers a message lists before it says how many more there are
SHOWN_LINES = 5


@dataclass(frozen=True)
class Table:
    """The rows of one file, each with its line (JSONL) or row (CSV) number."""

    path: Path
    rows: list[dict[str, Any]]
    numbers: list[int]
    unit: str = "line"                  # "line" or "row"

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, i: int) -> str:
        """The location of row ``i``: ``path:line N``."""
        return f"{self.path}:{self.unit} {self.numbers[i]}"

    def listed(self, indices: Sequence[int]) -> str:
        """``line 3, 7, 9, ...``: where rows ``indices`` are."""
        shown = ", ".join(str(self.numbers[i]) for i in indices[:SHOWN_LINES])
        more = f" and {len(indices) - SHOWN_LINES} more" if len(indices) > SHOWN_LINES else ""
        return f"{self.unit} {shown}{more}"


# ------------------------------------------------------------------ step 1: each file

def _check_files(out: Path, max_bytes: int) -> None:
    missing = [name for name in NEEDED if not (out / name).exists()]
    if missing:
        raise InputError(f"{out}: not a complete output folder of `corroborate score` "
                         f"(missing {', '.join(missing)}); score the corpus again to write them")
    for name in NEEDED:
        path = out / name
        if not path.is_file():
            raise InputError(f"{path}: not a regular file (a folder or a device?); `corroborate score` writes a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes, more than the {max_bytes:,} that `corroborate report` "
                             "reads (no run writes so large a file: was it replaced?); the Python API reads more "
                             "with Report.read(folder, max_file_bytes=...)")


def _read_run(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start + 1}); was it edited?") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:         # a JSONDecodeError, or json's limit on the digits of an integer
        raise InputError(f"{path}: cannot read it as JSON ({str(exc).split(';')[0]})") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: expected a JSON object, got {type(value).__name__}")
    check_record(value, RUN, str(path))
    return value


def _line_of(location: str) -> int:
    return int(location.rsplit(" ", 1)[1])


def _next_data_line(path: Path, after: int) -> int:
    """The first line after line ``after`` that is not blank: where reading stopped."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if n > after and raw.strip():
                return n
    return after + 1


def _read_jsonl(path: Path, shape: Shape) -> Table:
    """Every object of a JSONL output file, each checked against ``shape``; the first bad line stops it."""
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    items: Iterator[Any] = iter(iter_jsonl(path))
    while True:
        try:
            item = next(items, None)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except ValueError as exc:      # json's limit on the digits of an integer: not a JSONDecodeError
            line = _next_data_line(path, numbers[-1] if numbers else 0)
            raise RecordError(f"{path}:line {line}", None, f"invalid JSON: {str(exc).split(';')[0]}") from None
        if item is None:
            return Table(path, rows, numbers)
        location, row = item
        if isinstance(row, RecordError):
            raise row
        check_record(row, shape, location)
        rows.append(dict(row))
        numbers.append(_line_of(location))


def _read_sources(path: Path) -> Table:
    header, items = csv_rows(path)
    missing = [column for column in SOURCE_CELLS if column not in header]
    if missing:
        raise RecordError(f"{path}:line 1", missing[0], f"no such column (the header lacks {', '.join(missing)}); "
                                                        f"expected the columns {', '.join(SOURCE_CELLS)}")
    rows, numbers = [], []
    for location, row in items:
        if isinstance(row, RecordError):
            raise row
        rows.append(read_source_row(row, location))
        numbers.append(_line_of(location))
    return Table(path, rows, numbers, unit="row")


# ------------------------------------------------------------------ step 2: the files together

def _shown(value: Any) -> str:
    return str(value) if isinstance(value, int) else repr(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _index(table: Table, key: str, what: str) -> dict[Any, int]:
    """Row index by ``key``, which must be unique."""
    index: dict[Any, int] = {}
    for i, row in enumerate(table.rows):
        value = row[key]
        if value in index:
            raise RecordError(table.where(i), key, f"{what} {_shown(value)} is also on {table.unit} "
                                                   f"{table.numbers[index[value]]} (each {what} is in the file once)")
        index[value] = i
    return index


def _named_but_missing(referrers: Table, key: str, referrer: str, target: Table, ids: Mapping[Any, int],
                       what: str) -> None:
    """Every ``key`` of ``referrers`` (when not null) is a row of ``target``."""
    missing: dict[Any, list[int]] = defaultdict(list)
    for i, row in enumerate(referrers.rows):
        value = row.get(key)
        if value is not None and value not in ids:
            missing[value].append(i)
    if missing:
        value, rows = next(iter(missing.items()))            # the first in file order
        others = f"; {_plural(len(missing) - 1, what)} more are missing" if len(missing) > 1 else ""
        raise InputError(f"{target.path}: {what} {_shown(value)} is named by {_plural(len(rows), referrer)} "
                         f"in {referrers.name} ({referrers.listed(rows)}) but is not in the file{others} "
                         "(was it edited or cut short?)")


def _listed_but_missing(listers: Table, key: str, lister: str, lister_key: str, target: Table,
                        ids: Mapping[Any, int], what: str) -> None:
    """Every id in the list ``key`` of each row of ``listers`` is a row of ``target``."""
    for i, row in enumerate(listers.rows):
        absent = [x for x in row.get(key) or () if x not in ids]
        if absent:
            others = f" ({_plural(len(absent) - 1, what)} more of its list are missing too)" if len(absent) > 1 else ""
            raise InputError(f"{target.path}: {what} {_shown(absent[0])} is listed in {key!r} of {lister} "
                             f"{_shown(row[lister_key])} ({listers.where(i)}) but is not in the file{others} "
                             "(was it edited or cut short?)")


def _check_membership(clusters: Table, claims: Table, cluster_ids: Mapping[Any, int],
                      claim_ids: Mapping[Any, int]) -> None:
    """A cluster lists exactly the claims whose ``cluster_id`` is that cluster, each once."""
    members = [set(c["claim_ids"]) for c in clusters.rows]
    for j, cluster in enumerate(clusters.rows):
        listed = cluster["claim_ids"]
        if not listed:
            raise RecordError(clusters.where(j), "claim_ids", "empty; every cluster has at least one claim")
        if len(members[j]) != len(listed):
            twice = next(x for x, n in Counter(listed).items() if n > 1)
            raise RecordError(clusters.where(j), "claim_ids", f"lists claim {twice!r} twice")
        if cluster["n_claims"] != len(listed):
            raise RecordError(clusters.where(j), "n_claims", f"{cluster['n_claims']}, but the cluster lists "
                                                             f"{_plural(len(listed), 'claim')} in claim_ids")
        for claim_id in listed:
            i = claim_ids[claim_id]
            named = claims.rows[i]["cluster_id"]
            if named != cluster["cluster_id"]:
                raise RecordError(clusters.where(j), "claim_ids", f"lists claim {claim_id!r}, but that claim names "
                                                                  f"cluster {named} ({claims.where(i)})")
    for i, claim in enumerate(claims.rows):
        j = cluster_ids[claim["cluster_id"]]
        if claim["claim_id"] not in members[j]:
            raise RecordError(claims.where(i), "cluster_id",
                              f"claim {claim['claim_id']!r} names cluster {claim['cluster_id']}, but that cluster "
                              f"({clusters.where(j)}) does not list it in claim_ids")


def _check_articles(claims: Table, articles: Table, article_ids: Mapping[Any, int]) -> None:
    """Each claim is from its article's outlet; each article counts its claims."""
    per_article: Counter[Any] = Counter()
    for i, claim in enumerate(claims.rows):
        k = article_ids[claim["article_id"]]
        per_article[claim["article_id"]] += 1
        outlet = articles.rows[k]["source"]
        if claim["source"] != outlet:
            raise RecordError(claims.where(i), "source", f"{claim['source']!r}, but its article "
                                                         f"{claim['article_id']!r} ({articles.where(k)}) is from "
                                                         f"{outlet!r}")
    for k, article in enumerate(articles.rows):
        n = article.get("n_claims")
        if n is not None and n != per_article[article["article_id"]]:
            raise RecordError(articles.where(k), "n_claims", f"{n}, but claims.jsonl holds "
                                                             f"{_plural(per_article[article['article_id']], 'claim')} "
                                                             "of this article")


def _check_sources(articles: Table, sources: Table, source_rows: Mapping[Any, int]) -> None:
    """``sources.csv`` has one row per outlet of the articles, and no other."""
    _named_but_missing(articles, "source", "article", sources, source_rows, "source")
    outlets = {a["source"] for a in articles.rows}
    for i, row in enumerate(sources.rows):
        if row["source"] not in outlets:
            raise RecordError(sources.where(i), "source", f"{row['source']!r} has no article in articles.jsonl "
                                                          "(was a file edited?)")


def check_together(tables: Mapping[str, Table]) -> None:
    """Step 2: the files of one folder agree with each other."""
    clusters, claims, articles = tables["clusters.jsonl"], tables["claims.jsonl"], tables["articles.jsonl"]
    events, sources = tables["events.jsonl"], tables["sources.csv"]
    cluster_ids = _index(clusters, "cluster_id", "cluster")
    claim_ids = _index(claims, "claim_id", "claim")
    article_ids = _index(articles, "article_id", "article")
    event_ids = _index(events, "event_id", "event")
    source_rows = _index(sources, "source", "source")
    _named_but_missing(claims, "cluster_id", "claim", clusters, cluster_ids, "cluster")
    _listed_but_missing(clusters, "claim_ids", "cluster", "cluster_id", claims, claim_ids, "claim")
    _listed_but_missing(clusters, "linked_denials", "cluster", "cluster_id", claims, claim_ids, "claim")
    _check_membership(clusters, claims, cluster_ids, claim_ids)
    _named_but_missing(claims, "article_id", "claim", articles, article_ids, "article")
    _check_articles(claims, articles, article_ids)
    for table, referrer in ((claims, "claim"), (articles, "article"), (clusters, "cluster")):
        _named_but_missing(table, "event_id", referrer, events, event_ids, "event")
    _listed_but_missing(events, "article_ids", "event", "event_id", articles, article_ids, "article")
    _check_sources(articles, sources, source_rows)


# ------------------------------------------------------------------ step 3: run.json's counts

def _counted(tables: Mapping[str, Table]) -> dict[str, tuple[Any, str]]:
    """Every count of the summary as the files give it, with what it counts."""
    clusters, claims = tables["clusters.jsonl"].rows, tables["claims.jsonl"].rows
    articles, dropped = tables["articles.jsonl"].rows, tables["dropped.jsonl"].rows
    copies = Counter(a["copy_group"] for a in articles if a.get("copy_group") is not None)
    times = sorted(a["published_at"] for a in articles if a.get("published_at"))
    by_reason = Counter(str(d["reason"]) for d in dropped)
    return {
        "n_articles": (len(articles), "articles in articles.jsonl"),
        "n_sources": (len({a["source"] for a in articles}), "outlets in articles.jsonl"),
        "n_claims": (len(claims), "claims in claims.jsonl"),
        "n_clusters": (len(clusters), "clusters in clusters.jsonl"),
        "n_multi_source_clusters": (sum(c["n_sources"] >= 2 for c in clusters),
                                    "clusters of two or more sources in clusters.jsonl"),
        "n_single_source_clusters": (sum(c["n_sources"] < 2 for c in clusters),
                                     "single-source clusters in clusters.jsonl"),
        "n_quantities": (sum(len(c.get("quantities") or ()) for c in claims), "quantities in claims.jsonl"),
        "n_dropped_sentences": (len(dropped), "sentences in dropped.jsonl"),
        "dropped_by_reason": ({k: by_reason[k] for k in sorted(by_reason)}, "as the counts of dropped.jsonl"),
        "n_rejected_records": (len(tables["rejected.jsonl"].rows), "records in rejected.jsonl"),
        "n_copy_groups": (sum(n > 1 for n in copies.values()), "copy groups in articles.jsonl"),
        "n_linked_denials": (sum(len(c.get("linked_denials") or ()) for c in clusters),
                             "linked denials in clusters.jsonl"),
        "n_events": (len(tables["events.jsonl"].rows), "events in events.jsonl"),
        "n_generic_clusters": (sum(bool(c.get("generic")) for c in clusters), "generic clusters in clusters.jsonl"),
        "first_published": (times[0] if times else None, "as the earliest date of articles.jsonl"),
        "last_published": (times[-1] if times else None, "as the latest date of articles.jsonl"),
    }


def _mismatch(path: Path, field: str, recorded: Any, counted: Any, what: str) -> RecordError:
    return RecordError(str(path), field, f"{_shown(recorded)}, but the files give {_shown(counted)} {what} "
                                         "(was a file edited or cut short?)")


def checked_summary(run_path: Path, summary: Mapping[str, Any], tables: Mapping[str, Table]) -> dict[str, Any]:
    """Step 3: ``summary`` with every count it records equal to the files', and those it lacks filled in."""
    out = dict(summary)
    for key, (counted, what) in _counted(tables).items():
        if key not in out:
            out[key] = counted
        elif out[key] != counted:
            raise _mismatch(run_path, f"summary.{key}", out[key], counted, what)
    sentences = (out.get("accounting") or {}).get("sentences") or {}
    n_claims, n_dropped = len(tables["claims.jsonl"].rows), len(tables["dropped.jsonl"].rows)
    for key, counted, what in (("claims", n_claims, "claims in claims.jsonl"),
                               ("dropped", n_dropped, "sentences in dropped.jsonl"),
                               ("total", n_claims + n_dropped, "sentences in claims.jsonl and dropped.jsonl")):
        if key in sentences and sentences[key] != counted:
            raise _mismatch(run_path, f"summary.accounting.sentences.{key}", sentences[key], counted, what)
    return out


# ------------------------------------------------------------------ the folder

#: each JSONL file and the shape of its lines
JSONL_SHAPES: dict[str, Shape] = {"clusters.jsonl": CLUSTER, "claims.jsonl": CLAIM, "articles.jsonl": ARTICLE,
                                  "events.jsonl": EVENT, "dropped.jsonl": DROPPED, "rejected.jsonl": REJECTED}


def read_folder(outdir: str | Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """The JSON form of the report in ``outdir`` (:meth:`Report.from_dict`), every file checked."""
    out = Path(outdir)
    _check_files(out, max_file_bytes)
    run = _read_run(out / "run.json")
    tables = {name: _read_sources(out / name) if name == "sources.csv" else _read_jsonl(out / name, JSONL_SHAPES[name])
              for name in NEEDED[1:]}
    check_together(tables)
    summary = checked_summary(out / "run.json", run.get("summary") or {}, tables)
    parts: dict[str, Any] = {name.split(".")[0]: table.rows for name, table in tables.items()}
    return {**parts, "version": run.get("version", "0+unknown"), "model": run.get("model", ""),
            "settings": run["settings"], "summary": summary}

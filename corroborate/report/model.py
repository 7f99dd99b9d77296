"""The :class:`Report`: every number of a run, as plain values, independent of any format.

A report is built from plain frames (:meth:`Report.build`, which the pipeline
calls), written as the files of an output folder
(:func:`corroborate.report.write_outputs`) and read back from them
(:meth:`Report.read`) without the model or any recomputation. Its JSON form
(:meth:`Report.to_dict`) is what every file holds, so a report read back
renders byte for byte what the run rendered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from ..atomic import to_jsonable
from ..schema import QUANTITY_COLUMNS
from ..scoring.cluster_score import ClusterScore
from ..text.quantities import quantities_by_claim
from ..times import iso_time
from .folder import MAX_FILE_BYTES, read_folder

#: characters of article text shown on each side of a claim ("in context")
CONTEXT_CHARS = 160
#: article fields a report keeps (not the text: a report links to the article)
ARTICLE_FIELDS = ("article_id", "source", "title", "url", "published_at", "event_id", "copy_group", "n_claims")
#: a denying claim's fields that a linked cluster shows
DENIAL_FIELDS = ("claim_id", "source", "attributed_to", "copy_kind", "copy_name", "text")


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corroborate")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _isos(values: Any) -> list[str | None]:
    return [iso_time(t) for t in list(values)]      # never Series.map: it turns None back into NaN


def _context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The article text before and after a claim, cut at a space, at most ``width`` each."""
    before = text[max(0, start - width):start]
    if start > width and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    after = text[end:end + width]
    if end + width < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


def _sig6(x: Any) -> Any:
    """Floats as ``sources.csv`` stores them (6 significant digits), so a report read back is equal."""
    return float(f"{x:.6g}") if isinstance(x, float) else x


@dataclass(frozen=True)
class FittedRun:
    """The frames of a fitted run that a report is built from (a
    :class:`~corroborate.Corroborator`'s fitted attributes, :meth:`Report.build`)."""

    articles: pd.DataFrame
    claims: pd.DataFrame
    quantities: pd.DataFrame
    dropped: pd.DataFrame
    rejected: Sequence[Mapping[str, Any]]
    sources: pd.DataFrame
    events: pd.DataFrame
    clusters: Sequence[ClusterScore]
    settings: Mapping[str, Any]
    model: str
    accounting: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Report:
    """Results of one run, independent of any output format.

    ``clusters`` are sorted by confidence (then score, sources, id). ``claims``
    carries ``cluster_id``, ``published_at`` (ISO text), ``context_before`` and
    ``context_after``; ``articles`` the articles' metadata without their text;
    ``denials`` maps a cluster id to the denying claims linked to it.

    The claims are held as their rows (the lines of ``claims.jsonl``, quantities
    included), which every writer and renderer reads; the ``claims`` and
    ``quantities`` frames are made from them on first use (a report that is only
    written never makes them: at 60,000 claims they were a third of its memory).
    """

    clusters: tuple[ClusterScore, ...]
    articles: pd.DataFrame
    dropped: pd.DataFrame
    rejected: tuple[dict[str, Any], ...]
    sources: pd.DataFrame
    denials: dict[int, list[dict[str, Any]]]
    events: pd.DataFrame
    summary: dict[str, Any]
    settings: dict[str, Any]
    model: str
    version: str

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, run: FittedRun, version: str | None = None) -> Report:
        """A report from the pipeline's plain frames (``articles`` with their text).

        The result passes through its JSON form once, so it equals what
        :meth:`read` returns from the files written from it.
        """
        articles, claims, quantities, dropped = run.articles, run.claims, run.quantities, run.dropped
        rejected, clusters, events, accounting = run.rejected, run.clusters, run.events, run.accounting
        published = dict(zip(articles["article_id"], _isos(articles["published_at"]), strict=True))
        texts = dict(zip(articles["article_id"], articles["text"], strict=True))
        contexts = [_context(texts[a], int(s), int(e))
                    for a, s, e in zip(claims["article_id"], claims["start"], claims["end"], strict=True)]
        claims = claims.assign(published_at=[published.get(a) for a in claims["article_id"]],
                               context_before=[b for b, _ in contexts], context_after=[a for _, a in contexts])
        per_article = claims["article_id"].value_counts()
        meta = articles.assign(published_at=_isos(articles["published_at"]),
                               n_claims=articles["article_id"].map(per_article).fillna(0).astype(int))
        for column in ("event_id", "copy_group"):
            if column not in meta:
                meta[column] = None
        times = sorted(t for t in published.values() if t)
        dropped_by_reason = dropped["reason"].value_counts().sort_index().to_dict() if len(dropped) else {}
        summary = {
            "n_articles": int(len(articles)),
            "n_sources": int(articles["source"].nunique()),
            "n_claims": int(len(claims)),
            "n_clusters": len(clusters),
            "n_multi_source_clusters": sum(1 for s in clusters if s.n_sources >= 2),
            "n_single_source_clusters": sum(1 for s in clusters if s.n_sources < 2),
            "n_quantities": int(len(quantities)),
            "n_dropped_sentences": int(len(dropped)),
            "dropped_by_reason": {str(k): int(v) for k, v in dropped_by_reason.items()},
            "n_rejected_records": len(rejected),
            "n_copy_groups": int((articles["copy_group"].value_counts() > 1).sum())
            if "copy_group" in articles else 0,
            "n_linked_denials": sum(len(s.linked_denials) for s in clusters),
            "n_events": int(len(events)),
            "n_generic_clusters": sum(1 for s in clusters if s.generic),
            "first_published": times[0] if times else None,
            "last_published": times[-1] if times else None,
            "accounting": {
                "records": dict((accounting or {}).get("records") or {
                    "input": "<DataFrame>", "read": len(articles) + len(rejected), "used": len(articles),
                    "rejected": len(rejected)}),
                "sentences": {"total": int(len(claims) + len(dropped)), "claims": int(len(claims)),
                              "dropped": int(len(dropped))},
                "truncated": list((accounting or {}).get("truncated") or []),
            },
        }
        claim_rows = _jsonable_claim_rows(claims, quantities_by_claim(quantities))
        del claims
        parts = {
            "version": version or _package_version(), "model": run.model, "settings": dict(run.settings),
            "summary": summary,
            "articles": meta[list(ARTICLE_FIELDS)].to_dict(orient="records"),
            "events": events.to_dict(orient="records"), "sources": run.sources.to_dict(orient="records"),
            "dropped": dropped.to_dict(orient="records"), "rejected": [dict(r) for r in rejected],
        }
        plain = to_jsonable(parts)     # plain JSON values only: to_jsonable refuses anything else
        del parts                      # the objects are not needed beside their JSON form
        # the clusters pass through their JSON form one at a time, as from_dict reads them
        streamed = {"claims": claim_rows, "clusters": (to_jsonable(s.to_dict()) for s in clusters)}
        # the report takes the claim rows over as they are (no copy); the claims and clusters of
        # the JSON form are made again from the report when they are written (plain_parts)
        report = cls.from_dict({**plain, **streamed}, owned=True)
        del streamed
        object.__setattr__(report, "_plain", plain)     # the rest of what to_dict() gives, for the writers
        return report

    # ------------------------------------------------------------------ JSON form
    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON values: the content of every output file, in one object."""
        return to_jsonable({
            "version": self.version, "model": self.model, "settings": self.settings, "summary": self.summary,
            "clusters": self.cluster_records(), "claims": self.claim_records(),
            "articles": self.articles.to_dict(orient="records"), "events": self.events.to_dict(orient="records"),
            "sources": self.sources.to_dict(orient="records"), "dropped": self.dropped.to_dict(orient="records"),
            "rejected": list(self.rejected),
        })

    def plain_parts(self, *, stream: bool = False) -> Mapping[str, Any]:
        """:meth:`to_dict`: for a report made by :meth:`build`, from the JSON form it was made
        from (the small parts kept as they were, shared and not to be changed; the claims and
        clusters made again from the report). With ``stream``, ``claims`` and ``clusters`` are
        iterators of their rows, made one at a time and read once, so that a large report is
        not held twice while it is written."""
        cached = self.__dict__.get("_plain")
        if cached is None:
            return self.to_dict()
        rows: dict[str, Any] = {"claims": map(to_jsonable, self.__dict__["_claim_rows"]),   # set by from_dict
                                "clusters": (to_jsonable(s.to_dict()) for s in self.clusters)}
        if not stream:
            rows = {k: list(v) for k, v in rows.items()}
        return {**cached, **rows}

    @classmethod
    def from_dict(cls, parts: Mapping[str, Any], *, owned: bool = False) -> Report:
        """The inverse of :meth:`to_dict`. ``owned``: the claim rows of ``parts`` are
        :func:`to_jsonable` values that the report may take over and change (no copy is made).
        ``parts["clusters"]`` is read once, in order, so it may be an iterator."""
        full_rows = parts["claims"] if owned else _records(parts["claims"])
        for r in full_rows:
            r["quantities"] = [{**q, "low": float("-inf") if q.get("low") is None else q["low"],
                                "high": float("inf") if q.get("high") is None else q["high"]}
                               for q in r.get("quantities") or []]
        clusters = tuple(ClusterScore.from_dict(r) for r in parts["clusters"])
        by_id = {r["claim_id"]: r for r in full_rows}
        denials = {s.cluster_id: [{k: by_id[c].get(k) for k in DENIAL_FIELDS} for c in s.linked_denials
                                  if c in by_id] for s in clusters if s.linked_denials}
        report = cls(
            clusters=clusters,
            articles=_frame(parts["articles"], ARTICLE_FIELDS),
            dropped=_frame(parts["dropped"]),
            rejected=tuple(dict(r) for r in parts["rejected"]),
            sources=_frame([{k: _sig6(v) for k, v in r.items()} for r in parts["sources"]]),
            denials=denials,
            events=_frame(parts["events"]),
            summary=dict(parts["summary"]), settings=dict(parts["settings"]),
            model=str(parts["model"]), version=str(parts["version"]),
        )
        # the rows as read, quantities included: every renderer reads them, none rebuilds them
        object.__setattr__(report, "_claim_rows", full_rows)
        return report

    @classmethod
    def read(cls, outdir: str | Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> Report:
        """Read back the report of a scored output folder (``corroborate score -o OUTDIR``).

        Every file is checked first, on its own and against the others
        (:mod:`corroborate.report.folder`): a hand edit or a copy cut short is an
        :class:`InputError` naming the file, the line and the field, never a report
        that renders something else or fails half-way.
        """
        return cls.from_dict(read_folder(outdir, max_file_bytes=max_file_bytes))

    # ------------------------------------------------------------------ views
    @cached_property
    def claims(self) -> pd.DataFrame:
        """The claims as a frame (one row per claim, its quantities in :attr:`quantities`)."""
        return _frame(self.__dict__["_claim_rows"]).drop(columns=["quantities"], errors="ignore")

    @cached_property
    def quantities(self) -> pd.DataFrame:
        """The stated quantities as a frame (``claim_id`` and the fields of each quantity)."""
        rows = [{"claim_id": r["claim_id"], **q} for r in self.__dict__["_claim_rows"] for q in r["quantities"]]
        return _frame(rows, QUANTITY_COLUMNS)

    def claim_records(self) -> list[dict[str, Any]]:
        """Rows of ``claims.jsonl``: claim fields, cluster_id, published_at, context, quantities."""
        return [dict(r) for r in self.__dict__["_claim_rows"]]

    def cluster_records(self) -> list[dict[str, Any]]:
        """Rows of ``clusters.jsonl``, by confidence."""
        return [s.to_dict() for s in self.clusters]

    def claims_by_cluster(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for r in self.claim_records():
            out.setdefault(int(r["cluster_id"]), []).append(r)
        return out

    def run_record(self) -> dict[str, Any]:
        """The content of ``run.json``."""
        return {"version": self.version, "model": self.model, "settings": self.settings,
                "summary": self.summary}


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A frame of JSON rows in which a missing value stays ``None``.

    pandas would turn ``None`` into NaN in a column of text (its string dtype) or
    of numbers, and NaN reaches the templates as a float ("undated" becomes a crash):
    a column holding a missing value keeps its values as they are, as objects.
    """
    frame = pd.DataFrame(list(rows), columns=list(columns) if columns is not None else None, dtype=object)
    gaps = [c for c in frame.columns if frame[c].isna().any()]
    inferred = frame.drop(columns=gaps).infer_objects()
    for column in gaps:
        inferred[column] = frame[column].where(frame[column].notna(), None)
    return inferred[list(frame.columns)]


#: claims turned into JSON rows at a time (the frame's rows and their JSON form are never both
#: held whole: at a million claims each is some 2 GB)
ROW_CHUNK = 10_000


def _jsonable_claim_rows(claims: pd.DataFrame, quantities: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rows of ``claims.jsonl`` as :func:`to_jsonable` values, each with its quantities."""
    rows: list[dict[str, Any]] = []
    for lo in range(0, len(claims), ROW_CHUNK):
        part = claims.iloc[lo:lo + ROW_CHUNK].to_dict(orient="records")
        for r in part:
            r["quantities"] = quantities.get(r["claim_id"], [])
        rows.extend(to_jsonable(part))
    return rows


def _records(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows]



"""Labelled corpora for ``corroborate tune``: what is right, and which cluster says it.

A gold folder holds:

``corpus.jsonl``
    the articles (any format :func:`corroborate.read_articles` reads; ``articles.jsonl``
    is accepted too);
``gold.jsonl``
    one row per event or incident: ``incident_id``, ``article_ids`` and gold counts as
    ``num_<unit>`` (``num_killed``, ``num_injured``, ``num_troops``...);
``claims_gold.jsonl`` (optional)
    claim-level truth: ``article_id``, ``text`` (the sentence as written) and
    ``true`` (1 or 0), for claims without a number.

A cluster is **right** when its headline figure's consensus equals the gold count
of its majority incident for that unit; failing a figure with gold, when the
claim it is shown by (its representative) is true (when that claim has no
claim-level truth, when most of its claims that have one are true). Other clusters carry no label and
are not used for fitting. Units match a ``num_`` field by name, or by the
casualty patterns of the real-news protocol (``kill|dead|death|died|fatal|slain``
is killed, ``injur|wound|hurt`` injured).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..ingest.formats import iter_jsonl

_KILLED = re.compile(r"kill|dead|death|died|fatal|slain")
_INJURED = re.compile(r"injur|wound|hurt")


def casualty_type(unit: Any) -> str | None:
    """"killed", "injured" or ``None`` for a unit, by the real-news protocol's patterns."""
    s = unit.lower() if isinstance(unit, str) else ""
    k, i = bool(_KILLED.search(s)), bool(_INJURED.search(s))
    return "killed" if k and not i else "injured" if i and not k else None


def _records(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(location, record) of every line, read as the article reader reads; the first bad line raises."""
    out = []
    for location, record in iter_jsonl(path):
        if isinstance(record, Exception):
            raise record
        out.append((location, record))
    return out


@dataclass(frozen=True)
class GoldCorpus:
    name: str
    folder: Path
    corpus: Path
    incident_of: Mapping[str, str]                       # article id -> incident id
    counts: Mapping[str, Mapping[str, float]]            # incident id -> unit -> gold count
    claim_truth: Mapping[tuple[str, str], int] = field(default_factory=dict)   # (article id, text) -> 0/1

    def gold_count(self, incident: str, unit: str) -> float | None:
        """The gold count of ``unit`` in ``incident``: by name, else by casualty type."""
        counts = self.counts.get(incident, {})
        if unit in counts:
            return counts[unit]
        kind = casualty_type(unit)
        return counts.get(kind) if kind else None


def load_gold(folder: str | Path) -> GoldCorpus:
    """Read a gold folder; every problem names the file and line."""
    folder = Path(folder)
    corpus = next((folder / n for n in ("corpus.jsonl", "articles.jsonl") if (folder / n).is_file()), None)
    if corpus is None:
        raise InputError(f"{folder}: no corpus.jsonl (or articles.jsonl) in the gold folder")
    gold_path = folder / "gold.jsonl"
    if not gold_path.is_file():
        raise InputError(f"{gold_path}: not found (one row per incident: incident_id, article_ids, num_<unit>)")
    incident_of: dict[str, str] = {}
    counts: dict[str, dict[str, float]] = {}
    for location, row in _records(gold_path):
        if "incident_id" not in row or not isinstance(row.get("article_ids"), list):
            raise InputError(f"{location}: needs incident_id and a list article_ids")
        inc = str(row["incident_id"])
        for a in row["article_ids"]:
            incident_of[str(a)] = inc
        found = {}
        for key, value in row.items():
            if key.startswith("num_") and value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise InputError(f"{location}: field {key!r} must be a number; got {value!r}")
                found[key[4:]] = float(value)
        counts[inc] = found
    truth: dict[tuple[str, str], int] = {}
    claims_path = folder / "claims_gold.jsonl"
    if claims_path.is_file():
        for location, row in _records(claims_path):
            if not {"article_id", "text", "true"} <= set(row) or row["true"] not in (0, 1, True, False):
                raise InputError(f"{location}: needs article_id, text and true (0 or 1)")
            truth[(str(row["article_id"]), " ".join(str(row["text"]).split()))] = int(row["true"])
    # a readable name: the folder and its parent ("world/train"); three parts for a ".../dev/full"
    parts = folder.resolve().parts
    name = "/".join(parts[-3:] if folder.name == "full" else parts[-2:])
    return GoldCorpus(name=name,
                      folder=folder, corpus=corpus, incident_of=incident_of, counts=counts,
                      claim_truth=truth)


@dataclass(frozen=True)
class Labelled:
    cluster_id: int
    incident: str                      # the majority incident: the CV group
    label: int                         # 1 right, 0 wrong
    kind: str                          # "figure" or "claim"
    unit: str | None = None
    consensus: float | None = None


def majority_incident(article_ids: Sequence[str], gold: GoldCorpus) -> str | None:
    incs = Counter(gold.incident_of[a] for a in article_ids if a in gold.incident_of)
    if not incs:
        return None
    return min(incs, key=lambda i: (-incs[i], i))


def label_clusters(scores: Sequence[Any], claims: Any, gold: GoldCorpus) -> list[Labelled]:
    """A :class:`Labelled` for every cluster of a fitted run that the gold can judge."""
    article_of = dict(zip(claims["claim_id"], claims["article_id"], strict=True))
    text_of = dict(zip(claims["claim_id"], claims["text"], strict=True))
    out = []
    for s in scores:
        articles = [article_of[c] for c in s.claim_ids]
        inc = majority_incident(articles, gold)
        if inc is None:
            continue
        figure = _headline(s)
        if figure is not None:
            want = gold.gold_count(inc, figure.unit)
            if want is not None:
                out.append(Labelled(s.cluster_id, inc, int(abs(figure.consensus - want) < 1e-9), "figure",
                                    figure.unit, figure.consensus))
                continue
        # the card shows its representative: the cluster is right when that claim is true
        head = " ".join(str(s.representative).split())
        judged = [(text_of[c], gold.claim_truth[k]) for c in s.claim_ids
                  if (k := (article_of[c], " ".join(str(text_of[c]).split()))) in gold.claim_truth]
        shown = [v for t, v in judged if " ".join(str(t).split()) == head]
        if shown:
            out.append(Labelled(s.cluster_id, inc, int(sum(shown) * 2 > len(shown)), "claim"))
        elif judged:
            out.append(Labelled(s.cluster_id, inc, int(sum(v for _, v in judged) * 2 > len(judged)), "claim"))
    return out


def _headline(score: Any) -> Any:
    """The cluster's headline figure (the unit its evidence summary chose), if any."""
    unit = score.extra.get("headline_unit")
    return next((u for u in score.quantities if u.unit == unit), None) if unit else None

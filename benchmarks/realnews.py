"""The real-news development corpus and its metrics (../shared/realnews/README.md).

Our own implementation of the protocol, on plain records, so that a run can be
scored in process or from an output folder:

* :func:`load_dev` reads ``corpus.jsonl``, ``gold.jsonl`` and ``baselines.json``;
* :func:`incident_folds` assigns each incident to one of k folds (GroupKFold
  over incidents, deterministic);
* :func:`evaluate` computes every metric of the README from claims, clusters
  and events, optionally on the incidents of one fold only.

Data never leaves ``/tmp/realnews``: nothing here writes article text.
A quantity is *killed* when its unit matches ``kill|dead|death|died|fatal|slain``
and *injured* for ``injur|wound|hurt`` (both: neither), as in the protocol.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corroborate.training.gold import casualty_type

TYPES = ("killed", "injured")
DEFAULT_DIR = Path("/tmp/realnews/dev/full")
LAST_DEV_YEAR = 2015


def unit_type(unit: Any) -> str | None:
    """"killed", "injured" or ``None``: the protocol's patterns, kept in one place."""
    return casualty_type(unit)


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _quantity_value(q: Mapping[str, Any]) -> float | None:
    v, lo, hi = _num(q.get("value")), _num(q.get("low")), _num(q.get("high"))
    if v is not None:
        return v
    return lo if lo is not None and hi is not None and lo == hi else None


def _id_order(x: Any) -> tuple[int, float, str]:
    s = str(x)
    return (0, float(s), "") if re.fullmatch(r"-?\d+(\.\d+)?", s) else (1, 0.0, s)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class DevCorpus:
    folder: Path
    gold: list[dict[str, Any]]
    incident_of: dict[str, str]          # article_id -> incident_id
    source_of: dict[str, str]            # article_id -> source
    baselines: dict[str, Any] = field(default_factory=dict)

    @property
    def corpus_path(self) -> Path:
        return self.folder / "corpus.jsonl"


def load_dev(folder: str | Path = DEFAULT_DIR) -> DevCorpus:
    """The dev corpus built by ``../shared/realnews/make_corpus.py``; refuses held-out years."""
    folder = Path(folder)
    for name in ("corpus.jsonl", "gold.jsonl"):
        if not (folder / name).is_file():
            raise SystemExit(f"{folder / name} not found: build it as ../shared/realnews/README.md says")
    gold = read_jsonl(folder / "gold.jsonl")
    late = [g["incident_id"] for g in gold if int(str(g["date"])[:4]) > LAST_DEV_YEAR]
    if late:
        raise SystemExit(f"{folder}: {len(late)} incidents dated after {LAST_DEV_YEAR}: held-out data, "
                         "never used for development")
    corpus = read_jsonl(folder / "corpus.jsonl")
    base = {}
    if (folder / "baselines.json").is_file():
        base = json.loads((folder / "baselines.json").read_text(encoding="utf-8")).get("results", {})
    return DevCorpus(folder=folder, gold=gold,
                     incident_of={a: g["incident_id"] for g in gold for a in g["article_ids"]},
                     source_of={r["article_id"]: r["source"] for r in corpus}, baselines=base)


def incident_folds(incidents: Iterable[str], k: int = 5) -> dict[str, int]:
    """Incident -> fold, GroupKFold over the sorted incident ids (deterministic)."""
    from sklearn.model_selection import GroupKFold

    ids = sorted(set(incidents), key=_id_order)
    out: dict[str, int] = {}
    for fold, (_, test) in enumerate(GroupKFold(n_splits=k).split(ids, groups=ids)):
        for i in test:
            out[ids[i]] = fold
    return out


# ------------------------------------------------------------------ metrics

def auc(pos: Sequence[float], neg: Sequence[float]) -> float | None:
    """Mann-Whitney ROC-AUC with ties counted half; None with under 10 of a class."""
    if len(pos) < 10 or len(neg) < 10:
        return None
    from scipy.stats import rankdata

    ranks = rankdata(np.r_[pos, neg])
    n1, n0 = len(pos), len(neg)
    return float((ranks[:n1].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def ece(items: Sequence[tuple[float, int]], bins: int = 10) -> float | None:
    """Expected calibration error over equal-width bins of [0, 1]."""
    if not items:
        return None
    conf = np.clip(np.array([c for c, _ in items], dtype=float), 0, 1)
    lab = np.array([y for _, y in items], dtype=float)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.sum() / len(conf) * abs(conf[sel].mean() - lab[sel].mean())
    return float(total)


@dataclass(frozen=True)
class PairCounts:
    """Article pairs grouped together: true positives, predicted and gold pairs."""

    tp: int
    predicted: int
    gold: int

    def __add__(self, other: PairCounts) -> PairCounts:
        return PairCounts(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pair_counts(predicted: Mapping[str, Any], gold: Mapping[str, str],
                articles: Iterable[str] | None = None, *, touching: bool = False) -> PairCounts:
    """Pairwise agreement of an article grouping with gold.

    With ``articles``: only pairs of those articles; with ``touching``, every
    pair with at least one of them (so that a held-out fold is also charged for
    merging its articles with other folds' articles).
    """
    scope = set(articles) if articles is not None else set(gold)
    by_pred: dict[Any, list[str]] = defaultdict(list)
    by_gold: dict[str, list[str]] = defaultdict(list)
    for a in sorted(a for a in gold if a in predicted):
        by_pred[predicted[a]].append(a)
        if a in scope:
            by_gold[gold[a]].append(a)

    def counted(x: str, y: str) -> bool:
        return (x in scope or y in scope) if touching else (x in scope and y in scope)

    tp = n_pred = 0
    for group in by_pred.values():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if counted(x, y):
                    n_pred += 1
                    tp += gold[x] == gold[y]
    n_gold = sum(len(g) * (len(g) - 1) // 2 for g in by_gold.values())
    return PairCounts(tp=tp, predicted=n_pred, gold=n_gold)


@dataclass
class Tally:
    """Raw counts behind every metric, so that held-out folds can be pooled (``+``)."""

    incidents: int = 0
    multi_source: int = 0
    pure: int = 0
    incidents_with_pure: int = 0
    covered: Counter[str] = field(default_factory=Counter)      # type -> incidents with a candidate
    correct: Counter[str] = field(default_factory=Counter)
    in_interval: Counter[str] = field(default_factory=Counter)
    both_correct: int = 0
    items: list[tuple[float, int]] = field(default_factory=list)  # (confidence, consensus right)
    pairs: PairCounts | None = None

    def __add__(self, other: Tally) -> Tally:
        pairs = (self.pairs + other.pairs) if self.pairs is not None and other.pairs is not None \
            else self.pairs or other.pairs
        return Tally(self.incidents + other.incidents, self.multi_source + other.multi_source,
                     self.pure + other.pure, self.incidents_with_pure + other.incidents_with_pure,
                     self.covered + other.covered, self.correct + other.correct,
                     self.in_interval + other.in_interval, self.both_correct + other.both_correct,
                     self.items + other.items, pairs)

    def scores(self) -> dict[str, Any]:
        n = max(self.incidents, 1)
        out: dict[str, Any] = {
            "incidents": self.incidents, "multi_source": self.multi_source,
            "purity": self.pure / self.multi_source if self.multi_source else None,
            "coverage": self.incidents_with_pure / n,
        }
        for t in TYPES:
            cov = self.covered[t]
            out[f"{t}_coverage"] = cov / n
            out[f"{t}_accuracy"] = self.correct[t] / n
            out[f"{t}_accuracy_covered"] = self.correct[t] / cov if cov else None
            out[f"{t}_in_interval"] = self.in_interval[t] / cov if cov else None
        out["both_accuracy"] = self.both_correct / n
        pos = [c for c, y in self.items if y]
        neg = [c for c, y in self.items if not y]
        out.update({"items_pos": len(pos), "items_neg": len(neg), "roc_auc": auc(pos, neg),
                    "brier": float(np.mean([(c - y) ** 2 for c, y in self.items])) if self.items else None,
                    "ece": ece(self.items)})
        if self.pairs is not None:
            out.update({"event_precision": self.pairs.precision, "event_recall": self.pairs.recall,
                        "event_f1": self.pairs.f1, "event_pairs": self.pairs.gold})
        return out


def evaluate(dev: DevCorpus, claims: Sequence[Mapping[str, Any]], clusters: Sequence[Mapping[str, Any]],
             events: Sequence[Mapping[str, Any]] | None = None, *,
             incidents: set[str] | None = None) -> Tally:
    """The raw counts of every metric of the protocol; with ``incidents``, on those only.

    Restricted to a fold, a cluster belongs to the fold when its majority
    incident does (purity, confidence items), an incident is scored when it is
    in the fold (coverage, accuracy), and article pairs count when they touch
    an article of the fold (event grouping: merging a fold's article with
    another fold's is this fold's error too).
    """
    gold_by = {g["incident_id"]: g for g in dev.gold}
    scope = set(gold_by) if incidents is None else set(incidents)
    claim = {}
    for r in claims:
        inc = dev.incident_of.get(r["article_id"])
        types = set()
        for q in r.get("quantities") or []:
            t, v = unit_type(q.get("unit")), _quantity_value(q)
            if t and v is not None:
                types.add(t)
        claim[str(r["claim_id"])] = (inc, dev.source_of.get(r["article_id"]), types,
                                     {q.get("unit") for q in r.get("quantities") or []})
    rows = []
    for k in clusters:
        members = [c for c in map(str, k["claim_ids"]) if c in claim and claim[c][0] is not None]
        incs = Counter(claim[c][0] for c in members)
        cons: dict[str, dict[str, Any]] = {}
        for t in TYPES:
            entries = []
            for q in k.get("quantities") or []:
                if unit_type(q.get("unit")) != t or _num(q.get("consensus")) is None:
                    continue
                support = sum(1 for c in k["claim_ids"] if str(c) in claim and q.get("unit") in claim[str(c)][3])
                entries.append((support, q))
            if entries:
                best = max(range(len(entries)), key=lambda i: (entries[i][0], -i))
                cons[t] = entries[best][1]
        majority = min(incs, key=lambda i: (-incs[i], _id_order(i))) if incs else None
        rows.append({"id": k["cluster_id"], "conf": float(k["confidence"]), "members": members,
                     "incs": incs, "srcs": {claim[c][1] for c in members}, "cons": cons,
                     "majority": majority})
    tally = Tally(incidents=len(scope))
    # (i) purity and coverage
    multi = [r for r in rows if len(r["srcs"]) >= 2 and r["majority"] in scope]
    pure = [r for r in multi if len(r["incs"]) == 1]
    tally.multi_source, tally.pure = len(multi), len(pure)
    tally.incidents_with_pure = len({r["majority"] for r in pure} & scope)
    # (ii) killed / injured from the most confident candidate cluster
    candidates: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        seen: set[tuple[str, str]] = set()
        for c in r["members"]:
            inc, _, types, _ = claim[c]
            for t in types:
                if (inc, t) not in seen:
                    seen.add((inc, t))
                    candidates[(inc, t)].append(r)
    right: Counter[str] = Counter()
    for t in TYPES:
        for inc in scope:
            cands = candidates.get((inc, t))
            if not cands:
                continue
            tally.covered[t] += 1
            best = min(cands, key=lambda r: (-r["conf"], -r["incs"][inc], _id_order(r["id"])))
            e = best["cons"].get(t)
            if e is None:
                continue
            value, gold_value = float(e["consensus"]), gold_by[inc]["num_" + t]
            if abs(value - gold_value) < 1e-9:
                tally.correct[t] += 1
                right[inc] += 1
            lo = _num(e.get("low")) if _num(e.get("low")) is not None else value
            hi = _num(e.get("high")) if _num(e.get("high")) is not None else value
            tally.in_interval[t] += lo - 1e-9 <= gold_value <= hi + 1e-9
    tally.both_correct = sum(1 for inc in scope if right[inc] == 2)
    # (iii) confidence of (cluster, type) consensus items
    for r in rows:
        if r["majority"] is None or r["majority"] not in scope:
            continue
        for t, e in r["cons"].items():
            tally.items.append((r["conf"], int(abs(float(e["consensus"])
                                                   - gold_by[r["majority"]]["num_" + t]) < 1e-9)))
    # (iv) event grouping
    if events is not None:
        predicted = {a: e["event_id"] for e in events for a in e["article_ids"]}
        in_scope = [a for a, inc in dev.incident_of.items() if inc in scope]
        tally.pairs = pair_counts(predicted, dev.incident_of, in_scope, touching=incidents is not None)
    return tally

"""``corroborate tune``: fit the claim threshold and the calibrated confidence on gold folders.

For every gold folder (:mod:`corroborate.training.gold`) the threshold-independent stages
run once (:meth:`Corroborator.prepare`; embeddings come from the on-disk cache,
so a second run never re-embeds); then, for every claim threshold of the grid,
the clusters are formed and scored and each cluster the gold can judge becomes
one row: its features (:mod:`corroborate.scoring.features`) and whether it is right.

Everything is judged on held-out folds grouped by incident (``GroupKFold``, 5
folds; an incident's clusters are never split between fitting and judging):

* the **threshold** is the grid value whose held-out confidence picks the right
  figure for most (incident, unit) slots with a gold count;
* the **calibrator** (``sigmoid``, ``isotonic`` or ``none``) is the one with the
  lowest held-out Brier score at that threshold;
* the **features** are pruned by ablation: refitted without each in turn, the one
  whose absence does not cost held-out Brier score goes, until every feature left
  earns its place (the card lists the ablation of the final set and what was pruned).

Every gold folder weighs the same in a fit (its rows share one unit of weight),
so a large synthetic world does not drown a smaller real corpus.

The final model is then fitted on every row and written, with every setting,
to a model file (JSON) and a model card (Markdown) beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from ..config import MODEL_FORMAT, Config
from ..errors import InputError
from ..pipeline import Corroborator
from ..scoring.confidence import CALIBRATORS, ConfidenceModel, fit_confidence_model
from ..scoring.features import FEATURES
from .card import model_card
from .gold import GoldCorpus, Labelled, casualty_type, label_clusters, load_gold
from .metrics import summary

FOLDS = 5
#: incidents the folds need in all: two folds at least, and each fold's training part split
#: again (into two) for the calibrator
MIN_INCIDENTS = 3
_FOLDS_NOTE = (f"the folds are grouped by incident ({FOLDS}, fewer with fewer incidents; no option sets "
               f"them) and need at least {MIN_INCIDENTS} incidents across all --data folders")


@dataclass
class Rows:
    """The labelled clusters of one gold folder at one threshold."""

    corpus: str
    X: np.ndarray
    y: np.ndarray
    corpora: np.ndarray                # the gold folder of each row
    incidents: np.ndarray              # the incident of each row (within its gold folder)
    labelled: list[Labelled]
    slots: int                         # (incident, unit) pairs with a gold count

    @classmethod
    def concat(cls, parts: Sequence[Rows]) -> Rows:
        return cls(corpus="+".join(p.corpus for p in parts),
                   X=np.vstack([p.X for p in parts]) if parts else np.zeros((0, len(FEATURES))),
                   y=np.concatenate([p.y for p in parts]) if parts else np.zeros(0, dtype=int),
                   corpora=np.concatenate([p.corpora for p in parts]) if parts else np.zeros(0, dtype=object),
                   incidents=np.concatenate([p.incidents for p in parts]) if parts else np.zeros(0, dtype=object),
                   labelled=[x for p in parts for x in p.labelled], slots=sum(p.slots for p in parts))

    @property
    def groups(self) -> np.ndarray:
        """The fold group of each row: its (gold folder, incident), numbered in sorted order."""
        keys = list(zip(self.corpora.tolist(), map(str, self.incidents.tolist()), strict=True))
        number = {key: i for i, key in enumerate(sorted(set(keys)))}
        return np.array([number[key] for key in keys], dtype=np.int64)


def rows_of(est: Any, gold: GoldCorpus) -> Rows:
    """The labelled rows of a fitted :class:`Corroborator`."""
    labelled = label_clusters(est.scores_, est.claims_, gold)
    by_id = {s.cluster_id: s for s in est.scores_}
    X = np.array([[by_id[r.cluster_id].extra["features"][f] for f in FEATURES] for r in labelled],
                 dtype=np.float64).reshape(len(labelled), len(FEATURES))
    in_corpus = set(est.articles_["article_id"])
    incidents = {gold.incident_of[a] for a in in_corpus if a in gold.incident_of}
    slots = sum(len(gold.counts.get(i, {})) for i in incidents)
    return Rows(corpus=gold.name, X=X, y=np.array([r.label for r in labelled], dtype=np.int64),
                corpora=np.array([gold.name] * len(labelled), dtype=object),
                incidents=np.array([r.incident for r in labelled], dtype=object),
                labelled=labelled, slots=slots)


def group_splits(groups: np.ndarray, k: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """GroupKFold splits over the rows (deterministic: groups in sorted order)."""
    k = min(k, len(set(groups.tolist())))
    codes = {g: i for i, g in enumerate(sorted(set(groups.tolist())))}
    ids = np.array([codes[g] for g in groups.tolist()])
    return [(tr, te) for tr, te in GroupKFold(n_splits=k).split(ids, groups=ids)]


def check_gold_size(golds: Sequence[GoldCorpus]) -> None:
    """Raise :class:`InputError` before any work when the gold folders hold too few
    incidents for the folds (scikit-learn would stop later, with its own message)."""
    sizes = [(gold.folder, len(set(gold.incident_of.values()))) for gold in golds]
    if sum(n for _, n in sizes) >= MIN_INCIDENTS:
        return
    found = "; ".join(f"{folder}: {n} incident(s) with articles in gold.jsonl" for folder, n in sizes)
    raise InputError(f"too few incidents to tune on: {found}; {_FOLDS_NOTE}. Add incidents, or more "
                     "gold folders with --data")


def fold_problem(rows: Rows) -> str | None:
    """Why the labelled rows cannot be split into the folds, or ``None``: every fold's
    training part (and every inner part the calibrator fits on) needs both right and
    wrong clusters, from at least two incidents."""
    n_groups = len(set(rows.groups.tolist()))
    if n_groups < MIN_INCIDENTS:
        return f"only {n_groups} incident(s) have clusters the gold can judge; {_FOLDS_NOTE}"
    for k, (train, _) in enumerate(group_splits(rows.groups), start=1):
        parts = [rows.y[train]] + [rows.y[train][inner] for inner, _ in group_splits(rows.groups[train])]
        if any(len(set(part.tolist())) < 2 for part in parts):
            return (f"the training part of fold {k} (of {min(FOLDS, n_groups)}) holds only right or only "
                    f"wrong clusters ({n_groups} incidents have labelled clusters, {int(rows.y.sum())} of "
                    f"{len(rows.y)} clusters right); every part needs both")
    return None


def corpus_weights(rows: Rows) -> np.ndarray:
    """Row weights under which every gold folder weighs the same in a fit (mean weight 1)."""
    corpus = rows.corpora
    names, counts = np.unique(corpus, return_counts=True)
    per = dict(zip(names.tolist(), (len(corpus) / (len(names) * counts)).tolist(), strict=True))
    return np.array([per[c] for c in corpus.tolist()], dtype=np.float64)


def held_out_probabilities(rows: Rows, features: Sequence[str], calibrator: str) -> np.ndarray:
    """Each row's probability from a model fitted on the other folds (calibrated on inner folds)."""
    cols = [list(FEATURES).index(f) for f in features]
    weights = corpus_weights(rows)
    p = np.zeros(len(rows.y))
    for train, test in group_splits(rows.groups):
        inner = group_splits(rows.groups[train]) if calibrator != "none" else None
        model, _ = fit_confidence_model(rows.X[train][:, cols], rows.y[train], features, splits=inner,
                                        calibrator=calibrator, sample_weight=weights[train])
        keep = [list(features).index(f) for f in model.features]
        p[test] = model.probability(rows.X[test][:, cols][:, keep])
    return p


def figure_accuracy(rows: Rows, p: np.ndarray) -> float:
    """Share of (incident, unit) gold slots whose most confident figure cluster is right."""
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for r, prob, group in zip(rows.labelled, p, rows.groups, strict=True):
        if r.kind != "figure" or r.unit is None:
            continue
        key = (str(group), casualty_type(r.unit) or r.unit)
        if key not in best or prob > best[key][0]:
            best[key] = (float(prob), r.label)
    return sum(label for _, label in best.values()) / rows.slots if rows.slots else 0.0


#: a threshold other than the base one must beat it by this much held-out figure accuracy
MIN_GAIN = 0.005


def choose_threshold(grid: Sequence[dict[str, Any]], base: float) -> float:
    """The grid threshold with the best held-out figure accuracy; the base value unless
    another beats it by :data:`MIN_GAIN` (a tie of noise never moves the default)."""
    best = max(grid, key=lambda g: (g["figure_accuracy"], -abs(g["distance_threshold"] - base)))
    here = next((g for g in grid if abs(g["distance_threshold"] - base) < 1e-9), None)
    if here is not None and best["figure_accuracy"] - here["figure_accuracy"] < MIN_GAIN:
        return float(here["distance_threshold"])
    return float(best["distance_threshold"])


#: a feature stays only if leaving it out worsens the held-out Brier score by at least this much
MIN_BRIER_GAIN = 1e-4


def ablation_table(rows: Rows, features: Sequence[str], calibrator: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Held-out metrics with ``features``, and without each of them in turn."""
    full = summary(held_out_probabilities(rows, features, calibrator), rows.y)
    out = []
    for f in features:
        s = summary(held_out_probabilities(rows, [x for x in features if x != f], calibrator), rows.y)
        out.append({"feature": f, "roc_auc": s["roc_auc"], "brier": s["brier"],
                    "d_roc_auc": (s["roc_auc"] or 0) - (full["roc_auc"] or 0), "d_brier": s["brier"] - full["brier"]})
    return full, out


def prune_features(rows: Rows, calibrator: str, log: Callable[[str], None] = print, *,
                   keep: Sequence[str] = ()) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Backward elimination by held-out ablation: while leaving some feature out improves the
    held-out Brier score (or worsens it by less than :data:`MIN_BRIER_GAIN`), leave out the
    one whose removal helps most; the features of ``keep`` are never left out (one the product
    needs, such as ``denied``, whose cases are too rare in the gold to earn their place).
    Returns (kept, pruned in order, ablation of the kept set)."""
    kept, pruned = list(FEATURES), []
    while True:
        _, table = ablation_table(rows, kept, calibrator)
        candidates = [a for a in table if a["feature"] not in keep]
        if not candidates:
            return kept, pruned, table
        worst = min(candidates, key=lambda a: (a["d_brier"], a["feature"]))
        if len(kept) <= 1 or worst["d_brier"] >= MIN_BRIER_GAIN:
            return kept, pruned, table
        kept.remove(worst["feature"])
        pruned.append(worst["feature"])
        log(f"pruned {worst['feature']} (held-out Brier {worst['d_brier']:+.5f} without it)")


@dataclass
class TuneResult:
    threshold: float
    calibrator: str
    model: ConfidenceModel
    grid: list[dict[str, Any]] = field(default_factory=list)
    calibrators: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_corpus: dict[str, dict[str, Any]] = field(default_factory=dict)
    ablation: list[dict[str, Any]] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    held_out: dict[str, Any] = field(default_factory=dict)
    predictions: list[tuple[str, float, int]] = field(default_factory=list)   # (corpus, p, y) held out


def tune(folders: Sequence[str | Path], base: Config, thresholds: Sequence[float],
         log: Callable[[str], None] = print, embedder: Any = None, keep: Sequence[str] = ()) -> TuneResult:
    """Run the sweep on ``folders`` from the settings ``base``; see the module docstring.
    ``keep``: features the ablation never leaves out (:func:`prune_features`)."""
    unknown = sorted(set(keep) - set(FEATURES))
    if unknown:
        raise InputError(f"tune: unknown feature(s) to keep: {', '.join(unknown)}; "
                         f"the features are {', '.join(FEATURES)}")
    golds = [load_gold(f) for f in folders]
    check_gold_size(golds)
    prepared = []
    for gold in golds:
        log(f"preparing {gold.name} ({gold.corpus})")
        est = Corroborator(config=base, embedder=embedder)
        prepared.append((gold, est, est.prepare(str(gold.corpus), base)))
    by_threshold: dict[float, Rows] = {}
    per_threshold_parts: dict[float, list[Rows]] = {}
    grid = []
    for t in thresholds:
        cfg = base.replace(distance_threshold=float(t))
        parts = [rows_of(est.fit_prepared(prep, cfg), gold) for gold, est, prep in prepared]
        rows = Rows.concat(parts)
        problem = fold_problem(rows)
        if problem:
            raise InputError(f"cannot tune on {', '.join(str(g.folder) for g in golds)} at claim threshold "
                             f"{t:.2f}: {problem}. Add incidents, or more gold folders with --data")
        by_threshold[float(t)], per_threshold_parts[float(t)] = rows, parts
        p = held_out_probabilities(rows, list(FEATURES), "sigmoid")
        acc = figure_accuracy(rows, p)
        grid.append({"distance_threshold": float(t), "rows": int(len(rows.y)), "figure_accuracy": acc,
                     **summary(p, rows.y)})
        log(f"threshold {t:.2f}: {len(rows.y)} labelled clusters, held-out figure accuracy {acc:.3f}, "
            f"Brier {grid[-1]['brier']:.4f}")
    t = choose_threshold(grid, base.distance_threshold)
    rows, parts = by_threshold[t], per_threshold_parts[t]
    held = {c: held_out_probabilities(rows, list(FEATURES), c) for c in CALIBRATORS}
    calibrators = {c: summary(p, rows.y) for c, p in held.items()}
    best = min(CALIBRATORS, key=lambda c: (round(calibrators[c]["brier"], 6), CALIBRATORS.index(c)))
    log(f"calibrator {best} (held-out Brier: "
        + ", ".join(f"{c} {calibrators[c]['brier']:.4f}" for c in CALIBRATORS) + ")")
    kept, pruned, ablation = prune_features(rows, best, log, keep=keep)
    p = held_out_probabilities(rows, kept, best)
    full = summary(p, rows.y)
    model, report = fit_confidence_model(rows.X[:, [list(FEATURES).index(f) for f in kept]], rows.y, kept,
                                         splits=group_splits(rows.groups), calibrator=best,
                                         sample_weight=corpus_weights(rows))
    per_corpus = {}
    for part in parts:
        mask = rows.corpora == part.corpus
        kinds = np.array([r.kind for r in rows.labelled])
        entry = {**summary(p[mask], rows.y[mask]), "figure_accuracy": figure_accuracy(part, p[mask])}
        for kind in ("figure", "claim"):
            m = mask & (kinds == kind)
            if m.any():
                entry[kind] = summary(p[m], rows.y[m])
        per_corpus[part.corpus] = entry
    data = [{"name": part.corpus, "folder": str(gold.folder), "articles": int(len(est.articles_)),
             "labelled_clusters": int(len(part.y)), "right": int(part.y.sum()),
             "figure_rows": sum(r.kind == "figure" for r in part.labelled),
             "claim_rows": sum(r.kind == "claim" for r in part.labelled), "gold_slots": part.slots}
            for part, (gold, est, _) in zip(parts, prepared, strict=True)]
    return TuneResult(threshold=t, calibrator=best, model=model, grid=grid, calibrators=calibrators,
                      per_corpus=per_corpus, ablation=ablation, data=data,
                      held_out={**full, "figure_accuracy": figure_accuracy(rows, p),
                                "dropped_for_sign": report.dropped, "pruned_by_ablation": pruned,
                                "kept_by_request": list(keep)},
                      predictions=[(str(c), float(x), int(v))
                                   for c, x, v in zip(rows.corpora.tolist(), p, rows.y, strict=True)])


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parent)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def model_document(result: TuneResult, base: Config, name: str) -> dict[str, Any]:
    """The model file's content: settings (with the tuned threshold) and the confidence model."""
    cfg = base.replace(distance_threshold=result.threshold)
    settings = cfg.settings_sections()
    settings["embedding"]["cache_dir"] = None
    return {
        "format": MODEL_FORMAT, "name": name, "version": f"{name}-{dt.date.today().isoformat()}",
        "trained": {"date": dt.date.today().isoformat(), "commit": _commit(), "data": result.data,
                    "grid": result.grid, "calibrators": result.calibrators, "chosen_calibrator": result.calibrator,
                    "held_out": result.held_out, "per_corpus": result.per_corpus, "ablation": result.ablation},
        "settings": settings,
        "confidence": result.model.to_dict(),
    }


def write_model(doc: dict[str, Any], out: str | Path) -> tuple[Path, Path]:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    card = out.with_suffix(".md")
    card.write_text(model_card(doc), encoding="utf-8")
    return out, card

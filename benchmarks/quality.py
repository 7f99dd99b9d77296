"""Quality of the confidence: the learned, calibrated model against the baselines, held out.

For every gold folder, the clusters the gold can judge (corroborate.training.gold) are
scored five ways, on the same items:

* **learned (held out)**: the packaged model's features and calibrator, refitted
  on the other folds (5 folds grouped by incident) and applied to the fold;
* **learned (packaged)**: ``models/default.json`` as shipped; on the synthetic
  world's seeds that ``corroborate tune`` never saw, this is itself held out;
* **hand-set formula**: the confidence of scoring-v2 (issue 8), recomputed from
  the same evidence: logistic(-1 + 0.9 log2(independent) - 2 (1 - agreement)
  + reliability shift - 2 denied share - 0.5 hedged share);
* **mention counting**: the number of claims in the cluster, mapped to a
  probability by isotonic regression fitted on the other folds;
* **majority vote**: the figure most sources state (ties: the smaller) as the
  answer and the number of sources as its confidence (mapped the same way); on
  clusters without a figure, the cluster's own claim.

Metrics: ROC-AUC and Brier (scikit-learn), ECE over 10 bins (corroborate.training.metrics).
Reliability diagrams are written as SVG under ``benchmarks/``.

    python -m benchmarks run --suite quality [--realnews DIR] [--world-seeds 5,6,7] [--write]
"""

from __future__ import annotations

import math
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.gen_events import write_world  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate import Config, Corroborator  # noqa: E402
from corroborate.scoring.features import FEATURES  # noqa: E402
from corroborate.training.gold import load_gold  # noqa: E402
from corroborate.training.metrics import reliability_table, summary  # noqa: E402
from corroborate.training.tune import Rows, group_splits, held_out_probabilities, rows_of  # noqa: E402

HERE = Path(__file__).resolve().parent
REALNEWS = Path("/tmp/realnews/dev/full")


def hand_set(X: np.ndarray) -> np.ndarray:
    f = {name: X[:, i] for i, name in enumerate(FEATURES)}
    z = (-1.0 + 0.9 * f["log_independent"] - 2.0 * f["has_figure"] * (1.0 - f["agreement"])
         + 1.0 * f["reliability"] - 2.0 * f["denied"] - 0.5 * f["hedged"])
    return expit(z)


def held_out_isotonic(score: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """A raw score mapped to a probability by isotonic regression fitted on the other folds."""
    from sklearn.isotonic import IsotonicRegression

    p = np.zeros(len(y))
    for train, test in group_splits(groups):
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(score[train], y[train])
        p[test] = iso.predict(score[test])
    return p


def majority_labels(est: Any, rows: Rows, gold: Any) -> tuple[np.ndarray, np.ndarray]:
    """(label, number of sources) of the majority-vote answer for each labelled cluster."""
    q = est.quantities_.merge(est.claims_[["claim_id", "source", "cluster_id"]], on="claim_id")
    by_id = {s.cluster_id: s for s in est.scores_}
    labels, n_sources = [], []
    for r in rows.labelled:
        score = by_id[r.cluster_id]
        if r.kind != "figure":
            labels.append(r.label)
            n_sources.append(score.n_sources)
            continue
        mine = q[(q["cluster_id"] == r.cluster_id) & (q["unit"] == r.unit)]
        per_source = mine.groupby("source")["value"].max()
        votes = Counter(per_source.tolist())
        top = max(votes.values())
        answer = min(v for v, n in votes.items() if n == top)
        want = gold.gold_count(r.incident, str(r.unit))
        labels.append(int(want is not None and abs(answer - want) < 1e-9))
        n_sources.append(len(per_source))
    return np.array(labels), np.array(n_sources, dtype=float)


def evaluate_folder(folder: Path, cfg: Config, cv: bool) -> dict[str, Any]:
    gold = load_gold(folder)
    est = Corroborator(config=cfg).fit(str(gold.corpus))
    rows = rows_of(est, gold)
    cols = [list(FEATURES).index(f) for f in cfg.confidence_model.features]
    packaged = cfg.confidence_model.probability(rows.X[:, cols])
    mentions = np.array([{s.cluster_id: s for s in est.scores_}[r.cluster_id].n_claims for r in rows.labelled],
                        dtype=float)
    maj_y, maj_n = majority_labels(est, rows, gold)
    methods: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if cv:
        feats = list(cfg.confidence_model.features) + list(cfg.confidence_model.dropped)
        methods["learned (held out)"] = (held_out_probabilities(rows, feats, cfg.confidence_model.calibrator),
                                         rows.y)
    methods["learned (packaged)"] = (packaged, rows.y)
    methods["hand-set formula"] = (hand_set(rows.X), rows.y)
    methods["mention counting"] = (held_out_isotonic(mentions, rows.y, rows.groups), rows.y)
    methods["majority vote"] = (held_out_isotonic(maj_n, maj_y, rows.groups), maj_y)
    return {"name": gold.name, "rows": rows, "methods": methods, "articles": len(est.articles_)}


def diagram(results: list[dict[str, Any]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "corroborate"          # same input, same file
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="0.7", lw=1, ls="--", label="perfect calibration")
    for name, (p, y) in results:
        bins = reliability_table(p, y)
        ax.plot([b.mean_confidence for b in bins], [b.share_right for b in bins], marker="o", ms=4,
                label=f"{name} (n={len(y)})")
    ax.set_xlabel("confidence (mean in bin)")
    ax.set_ylabel("share right")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def _f(x: Any) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def run(realnews: Path | None, world_seeds: list[int], write: bool) -> str:
    cfg = Config.default()
    sections = []
    blocks = []
    if realnews is not None and (realnews / "gold.jsonl").is_file():
        blocks.append(("real-news dev corpus (../shared/realnews, incidents 2013-2015)",
                       [evaluate_folder(realnews, cfg, cv=True)], "reliability_realnews.svg"))
    with tempfile.TemporaryDirectory() as tmp:
        worlds = []
        if world_seeds:
            folder = Path(tmp) / "world-heldout"
            write_world(str(folder), 30, world_seeds)
            worlds.append(evaluate_folder(folder, cfg, cv=False))
        if worlds:
            blocks.append((f"synthetic world, seeds {', '.join(map(str, world_seeds))} (never seen by tune)",
                           worlds, "reliability_world.svg"))
    for title, results, svg in blocks:
        pooled: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
        for r in results:
            for name, (p, y) in r["methods"].items():
                pooled.setdefault(name, ([], []))
                pooled[name][0].append(p)
                pooled[name][1].append(y)
        lines = [f"### {title}", "",
                 f"{sum(len(r['rows'].y) for r in results)} labelled clusters "
                 f"({sum(int(r['rows'].y.sum()) for r in results)} right) from "
                 f"{sum(r['articles'] for r in results)} articles.", "",
                 "| method | ROC-AUC | Brier | ECE (10 bins) |", "|---|---|---|---|"]
        curves = []
        for name, (ps, ys) in pooled.items():
            p, y = np.concatenate(ps), np.concatenate(ys)
            s = summary(p, y)
            lines.append(f"| {name} | {_f(s['roc_auc'])} | {_f(s['brier'])} | {_f(s['ece'])} |")
            if name in ("learned (held out)", "learned (packaged)", "hand-set formula"):
                curves.append((name, (p, y)))
        diagram(curves, HERE / svg, title)
        lines += ["", f"Reliability diagram: [{svg}]({svg})", ""]
        sections.append("\n".join(lines))
    body = "\n".join([
        "## Quality of the confidence (python -m benchmarks run --suite quality)", "",
        f"Command: `python -m benchmarks run --suite quality --write`. Machine: {machine()}; commit {commit()}; "
        f"model `{cfg.scoring_version}`.", "",
        "Items: the clusters the gold can judge (a figure cluster is right when its consensus equals the gold "
        "count; a claim cluster when most of its claims are true). Baselines are defined in "
        "benchmarks/quality.py; mention counting and majority vote are mapped to probabilities on held-out "
        "folds, which only helps their Brier and ECE.", "", *sections])
    print(body)
    if write:
        update_section("quality", body)
    return body

"""Choose the clustering distance threshold from labelled news sentence pairs.

Two claims belong in one cluster when they state the same proposition. We
measure how well "cosine distance <= t" separates such pairs, on:

* MSRP (news sentence pairs labelled paraphrase / not): tune on train+val,
  report on test;
* STS 2012-2014 news subsets (0-5 similarity): pairs scored >= 4 ("mostly
  equivalent") are positives.

A false merge invents corroboration, a missed merge only splits evidence, so we
score thresholds by F0.5 (precision weighted over recall). MSRP's "paraphrase"
label is lenient (one sentence may add facts), STS >= 4 is strict, and claims
need something in between: the default is the threshold that maximises the
mean of F0.5 on MSRP train+val and F0.5 on STS news. MSRP test stays held out.
The MSRP-only optima are shown beside it.

    python benchmarks/bench_threshold.py [--data ../shared/data] [--model default] [--write]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, Pair, msrp, sts_news  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate.embed import CachedEmbedder, EmbeddingCache, SentenceTransformerEmbedder  # noqa: E402

GRID = np.round(np.arange(0.05, 0.61, 0.01), 2)


def distances(pairs: list[Pair], vectors: dict[str, np.ndarray]) -> np.ndarray:
    left = np.stack([vectors[p.left] for p in pairs])
    right = np.stack([vectors[p.right] for p in pairs])
    return 1.0 - np.einsum("ij,ij->i", left, right)


def metrics(d: np.ndarray, positive: np.ndarray, t: float) -> dict[str, float]:
    pred = d <= t
    tp = float(np.sum(pred & positive))
    fp = float(np.sum(pred & ~positive))
    fn = float(np.sum(~pred & positive))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0

    def f(beta: float) -> float:
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0

    return {"t": t, "precision": p, "recall": r, "f1": f(1.0), "f05": f(0.5),
            "accuracy": float(np.mean(pred == positive))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", default="default")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()

    tune = msrp(args.data, "train") + msrp(args.data, "val")
    test = msrp(args.data, "test")
    sts = sts_news(args.data)
    texts = sorted({s for p in tune + test + sts for s in (p.left, p.right)})
    embedder = CachedEmbedder(SentenceTransformerEmbedder(args.model, show_progress=True),
                              EmbeddingCache())
    started = time.perf_counter()
    matrix = embedder.encode(texts)
    print(f"embedded {len(texts)} sentences in {time.perf_counter() - started:.0f} s "
          f"({embedder.last_stats})", file=sys.stderr)
    vectors = dict(zip(texts, matrix, strict=True))

    d_tune, y_tune = distances(tune, vectors), np.array([p.label == 1 for p in tune])
    d_test, y_test = distances(test, vectors), np.array([p.label == 1 for p in test])
    d_sts, s_sts = distances(sts, vectors), np.array([p.label for p in sts])
    y_sts = s_sts >= 4.0

    sweep = [metrics(d_tune, y_tune, t) for t in GRID]
    sts_sweep = {m["t"]: m for m in (metrics(d_sts, y_sts, t) for t in GRID)}
    chosen = max(sweep, key=lambda m: ((m["f05"] + sts_sweep[m["t"]]["f05"]) / 2, -m["t"]))
    best_f05 = max(sweep, key=lambda m: (m["f05"], -m["t"]))
    best_f1 = max(sweep, key=lambda m: (m["f1"], -m["t"]))
    sts_best = max(sts_sweep.values(), key=lambda m: (m["f05"], -m["t"]))
    rho = spearmanr(-d_sts, s_sts).statistic

    rows = []
    for name, m in (("mean F0.5 of MSRP train+val and STS news (default)", chosen),
                    ("F0.5-optimal on MSRP train+val", best_f05),
                    ("F1-optimal on MSRP train+val", best_f1)):
        t = m["t"]
        te, st = metrics(d_test, y_test, t), metrics(d_sts, y_sts, t)
        rows.append(f"| {name} | {t:.2f} | {m['precision']:.3f} / {m['recall']:.3f} / {m['f05']:.3f} "
                    f"| {te['precision']:.3f} / {te['recall']:.3f} / {te['f05']:.3f} / {te['f1']:.3f} "
                    f"| {st['precision']:.3f} / {st['recall']:.3f} / {st['f05']:.3f} / {st['f1']:.3f} |")
    table = "\n".join([
        "| choice | t | MSRP train+val P / R / F0.5 | MSRP test P / R / F0.5 / F1 "
        "| STS news (>=4) P / R / F0.5 / F1 |",
        "|---|---|---|---|---|",
        *rows,
    ])
    sweep_rows = "\n".join(
        f"| {m['t']:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f05']:.3f} | {m['f1']:.3f} "
        f"| {sts_sweep[m['t']]['precision']:.3f} | {sts_sweep[m['t']]['recall']:.3f} "
        f"| {sts_sweep[m['t']]['f05']:.3f} |"
        for m in sweep if round(m["t"] * 100) % 5 == 0)
    body = f"""## Clustering threshold (bench_threshold.py)

Command: `python benchmarks/bench_threshold.py --data ../shared/data --write`
Machine: {machine()}; commit {commit()}; model `{embedder.identity}`.
Pairs: MSRP train+val {len(tune)} (tuning), MSRP test {len(test)}, STS 2012-2014 news {len(sts)}
(positive when gold >= 4, {int(y_sts.sum())} pairs). A pair is predicted "same claim" when its cosine
distance is <= t.

{table}

Best F0.5 on STS news alone would be t = {sts_best['t']:.2f} (P {sts_best['precision']:.3f},
R {sts_best['recall']:.3f}); Spearman correlation of cosine similarity with the STS gold score:
{rho:.3f}.

Sweep on MSRP train+val (P, R, F0.5, F1) with STS news precision and recall at the same t:

| t | P | R | F0.5 | F1 | STS P | STS R | STS F0.5 |
|---|---|---|---|---|---|---|---|
{sweep_rows}

Best global MSRP/STS threshold: **t = {chosen['t']:.2f}** (issue 2's default; the within-event threshold of `models/default.json` is chosen on real news by tune_claims.py).
"""
    print(body)
    if args.write:
        update_section("bench_threshold", body)


if __name__ == "__main__":
    main()

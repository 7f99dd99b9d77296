"""Choose the within-event claim threshold on real news, judged on held-out folds.

The global threshold of issue 2 (0.17, from MSRP/STS pairs) keeps real
paraphrases apart within one event. Here it is chosen on sentence pairs *within
one incident* of the real-news dev corpus (../shared/realnews, 2013-2015), labelled
by hand: ``benchmarks/fixtures/realnews_claim_pairs.csv`` (claim ids and a 0/1
"states the same thing" label, no text; 264 pairs from different outlets,
drawn stratified by cosine distance, 22 per 0.05 bin up to 0.6, pairs of two
counting claims left out since those are grouped as figures).

Each labelled pair is weighted by how many such pairs its distance bin holds in
the corpus (the sample is stratified, the corpus is not), so precision and
recall are those of the corpus. The claims of each gold incident are clustered
by average linkage at the threshold t, as the pipeline does; a pair is predicted
"same" when its two claims share a cluster. Five folds grouped by incident: t
is chosen on four (best weighted F0.5: a false merge invents corroboration, a
missed one only splits it, as in bench_threshold.py) and scored on the fifth.

    python benchmarks/tune_claims.py --data /tmp/realnews/dev/full [--write]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.realnews import incident_folds, load_dev  # noqa: E402
from benchmarks.results import commit, machine, set_model_settings, update_section  # noqa: E402
from corroborate import ClaimClusterer, Config, extract_claims, read_articles  # noqa: E402
from corroborate.config import models_dir  # noqa: E402
from corroborate.embed import CachedEmbedder, EmbeddingCache, make_embedder  # noqa: E402
from corroborate.grouping.figures import figure_claims  # noqa: E402
from corroborate.text.parsing import analyse_claims  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "realnews_claim_pairs.csv"
THRESHOLDS = np.round(np.arange(0.10, 0.46, 0.02), 2)
BIN = 0.05
MODEL_FILE = "default.json"


def weighted_prf(same: np.ndarray, predicted: np.ndarray,
                 weight: np.ndarray) -> tuple[float, float, float, float]:
    """Weighted precision, recall, F1 and F0.5."""
    tp = float((weight * (same & predicted)).sum())
    p = tp / max(float((weight * predicted).sum()), 1e-12)
    r = tp / max(float((weight * same).sum()), 1e-12)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    return p, r, f1, f05


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/tmp/realnews/dev/full")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    dev = load_dev(args.data)
    cfg = Config.default()
    articles = read_articles(dev.corpus_path)
    claims, _ = extract_claims(articles, min_words=cfg.min_words)
    _, quantities = analyse_claims(claims, approx_rel_width=cfg.approx_rel_width)
    counting = set(figure_claims(claims, quantities))
    embedder = CachedEmbedder(make_embedder(cfg.model, backend=cfg.backend, threads=cfg.threads), EmbeddingCache(None))
    vectors = embedder.encode(claims["text"].tolist())
    row_of = {c: i for i, c in enumerate(claims["claim_id"])}
    incident = claims["article_id"].map(dev.incident_of).to_numpy()
    source = claims["source"].to_numpy()

    # the corpus's pairs per distance bin (within an incident, different outlets, not two counts)
    population: dict[int, int] = defaultdict(int)
    members_of: dict[str, np.ndarray] = {}
    for inc in sorted(set(incident)):
        rows = np.flatnonzero(incident == inc)
        members_of[inc] = rows
        d = 1.0 - vectors[rows] @ vectors[rows].T
        a, b = np.triu_indices(len(rows), 1)
        keep = source[rows[a]] != source[rows[b]]
        keep &= ~(np.isin(claims["claim_id"].to_numpy()[rows[a]], list(counting))
                  & np.isin(claims["claim_id"].to_numpy()[rows[b]], list(counting)))
        for x in np.floor(d[a[keep], b[keep]] / BIN).astype(int):
            population[int(x)] += 1

    with open(FIXTURE, encoding="utf-8") as fh:
        pairs = [r for r in csv.DictReader(fh) if r["claim_a"] in row_of and r["claim_b"] in row_of]
    ia = np.array([row_of[r["claim_a"]] for r in pairs])
    ib = np.array([row_of[r["claim_b"]] for r in pairs])
    same = np.array([r["same_claim"] == "1" for r in pairs])
    pair_incident = np.array([r["incident_id"] for r in pairs])
    distance = 1.0 - np.einsum("ij,ij->i", vectors[ia], vectors[ib])
    bins = np.floor(distance / BIN).astype(int)
    sampled = np.bincount(bins, minlength=bins.max() + 1)
    weight = np.array([population[b] / sampled[b] for b in bins], dtype=float)

    # cluster every labelled incident at every threshold once
    predicted = {}
    for t in THRESHOLDS:
        label = np.full(len(claims), -1)
        for inc in sorted(set(pair_incident)):
            rows = members_of[inc]
            sub = ClaimClusterer(distance_threshold=float(t)).fit(vectors[rows]).labels_
            label[rows] = sub
        predicted[float(t)] = label[ia] == label[ib]

    fold_of = incident_folds(dev.incident_of.values(), 5)
    folds = np.array([fold_of[i] for i in pair_incident])
    held_same, held_pred, held_w, chosen = [], [], [], []
    for k in range(5):
        train, test = folds != k, folds == k
        best = max(THRESHOLDS, key=lambda t: (weighted_prf(same[train], predicted[float(t)][train],
                                                           weight[train])[3], -t))
        chosen.append(float(best))
        held_same.append(same[test])
        held_pred.append(predicted[float(best)][test])
        held_w.append(weight[test])
    hp, hr, hf, hf05 = weighted_prf(np.concatenate(held_same), np.concatenate(held_pred),
                                    np.concatenate(held_w))
    final = float(max(THRESHOLDS, key=lambda t: (weighted_prf(same, predicted[float(t)], weight)[3], -t)))

    lines = [
        "## Within-event claim threshold on real news (tune_claims.py)",
        "",
        f"Command: `python benchmarks/tune_claims.py --data {args.data} --write`",
        f"Machine: {machine()}; commit {commit()}.",
        f"Pairs: {len(pairs)} hand-labelled sentence pairs within one incident, from different outlets "
        f"({int(same.sum())} the same claim), weighted to the corpus's {sum(population.values())} such "
        "pairs by distance bin; average linkage within each gold incident.",
        "",
        "| t | weighted precision | recall | F1 | F0.5 |",
        "|---|---|---|---|---|",
    ]
    for t in THRESHOLDS:
        p, r, f, f05 = weighted_prf(same, predicted[float(t)], weight)
        mark = " (chosen)" if float(t) == final else ""
        lines.append(f"| {t:.2f}{mark} | {p:.3f} | {r:.3f} | {f:.3f} | {f05:.3f} |")
    lines += ["", f"Held-out (5 folds by incident, t chosen on the other four: "
              f"{', '.join(f'{c:.2f}' for c in chosen)}): precision {hp:.3f}, recall {hr:.3f}, F1 {hf:.3f}, "
              f"F0.5 {hf05:.3f}.",
              "The issue-2 threshold (0.17, from MSRP/STS) lies between the 0.16 and 0.18 rows."]
    table = "\n".join(lines)
    print(table)
    if args.write:
        path = models_dir() / MODEL_FILE
        set_model_settings(path, {"cluster": {"distance_threshold": round(final, 2)}})
        update_section("tune_claims", table)
        print(f"wrote {path} and benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()

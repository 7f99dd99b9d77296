"""Corroboration on real multi-outlet news: the pipeline on the real-news dev corpus.

Runs ``corroborate score`` in process on the development corpus of
../shared/realnews (459 incidents 2013-2015, 1,182 articles; build it as its
README says) and prints, beside the baselines B0/B1/B2 of ``baselines.json``:

* (i) purity of multi-source clusters and the share of incidents with a pure one;
* (ii) killed / injured accuracy over all incidents (the most confident candidate
  cluster's consensus), coverage, accuracy where covered, gold in [low, high];
* (iii) ROC-AUC, Brier and ECE of the cluster confidence;
* (iv) pairwise precision / recall / F1 of the event grouping;
* the furniture share of the top 100 cards (multi-source, not generic, by
  confidence), from the hand labels in ``benchmarks/fixtures/realnews_top_cards.csv``
  (claim ids and labels only);
* time per stage and peak memory.

The metrics are our own implementation of the protocol (benchmarks/realnews.py);
``--score OUT`` scores an existing output folder only (e.g. one written by an
earlier version, for the "before" column). ``--cv`` adds held-out numbers: for
each of five folds grouped by incident, the event model is refitted on the
other folds (benchmarks/tune_events.py), the pipeline runs on the whole corpus
with it, and only the fold's incidents are scored; the folds are pooled.

    python benchmarks/bench_realnews.py --data /tmp/realnews/dev/full [--cv] [--before OUT] [--write]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.realnews import DevCorpus, Tally, evaluate, incident_folds, load_dev, read_jsonl  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate import Config, Corroborator, read_articles, write_outputs  # noqa: E402

CARDS = Path(__file__).resolve().parent / "fixtures" / "realnews_top_cards.csv"
TOP = 100


def top_cards(clusters: list[dict[str, Any]], claims: dict[str, dict[str, Any]],
              n: int = TOP) -> list[str]:
    """Claim id heading each of the top ``n`` cards of report.md (multi-source, not generic)."""
    out = []
    for k in clusters:                                  # clusters.jsonl is ordered by confidence
        if k["n_sources"] < 2 or k.get("generic"):
            continue
        head = next((c for c in k["claim_ids"] if claims[c]["text"] == k["representative"]), k["claim_ids"][0])
        out.append(head)
        if len(out) == n:
            break
    return out


def furniture_share(heads: list[str]) -> tuple[float | None, int, int]:
    """(furniture share of the labelled heads, furniture, labelled)."""
    labels = {}
    if CARDS.is_file():
        with open(CARDS, encoding="utf-8") as fh:
            labels = {r["claim_id"]: r["label"] for r in csv.DictReader(fh)}
    known = [labels[h] for h in heads if h in labels]
    bad = sum(1 for x in known if x == "furniture")
    return (bad / len(known) if known else None), bad, len(known)


def score_folder(dev: DevCorpus, out: Path, incidents: set[str] | None = None) -> tuple[Tally, list[str]]:
    claims = read_jsonl(out / "claims.jsonl")
    clusters = read_jsonl(out / "clusters.jsonl")
    events = read_jsonl(out / "events.jsonl") if (out / "events.jsonl").is_file() else None
    tally = evaluate(dev, claims, clusters, events, incidents=incidents)
    return tally, top_cards(clusters, {str(c["claim_id"]): c for c in claims})


def run(dev: DevCorpus, cfg: Config, out: Path) -> dict[str, float]:
    """Fit the pipeline, write its outputs to ``out``; return the stage timings."""
    started = time.perf_counter()
    est = Corroborator(config=cfg).fit(read_articles(dev.corpus_path))
    write_outputs(est.report(), out)
    timings = dict(est.timings_)
    timings["total"] = time.perf_counter() - started
    return timings


def cross_validated(dev: DevCorpus, cfg: Config, root: Path) -> Tally:
    from benchmarks.tune_events import load_folds

    folds = load_folds(dev)
    fold_of = incident_folds(dev.incident_of.values(), folds.k)
    pooled = Tally()
    for k in range(folds.k):
        model, cut = folds.fit_without(k)
        fold_cfg = cfg.replace(**model.settings(cut))
        out = root / f"fold{k}"
        run(dev, fold_cfg, out)
        tally, _ = score_folder(dev, out, {i for i, f in fold_of.items() if f == k})
        pooled = pooled + tally
        print(f"fold {k}: cut {cut:.2f}, killed {tally.scores()['killed_accuracy']:.3f}, "
              f"injured {tally.scores()['injured_accuracy']:.3f}", flush=True)
    return pooled


def _f(x: Any, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


ROWS = [
    ("multi-source clusters", "multi_source", None), ("purity (pure / multi-source)", "purity", None),
    ("incidents with a pure multi-source cluster", "coverage", None),
    ("killed accuracy (all incidents)", "killed_accuracy", ("killed", "acc_all")),
    ("killed coverage", "killed_coverage", ("killed", "coverage")),
    ("killed accuracy (covered)", "killed_accuracy_covered", ("killed", "acc_covered")),
    ("killed gold in [low, high] (covered)", "killed_in_interval", None),
    ("injured accuracy (all incidents)", "injured_accuracy", ("injured", "acc_all")),
    ("injured coverage", "injured_coverage", ("injured", "coverage")),
    ("injured accuracy (covered)", "injured_accuracy_covered", ("injured", "acc_covered")),
    ("injured gold in [low, high] (covered)", "injured_in_interval", None),
    ("both right", "both_accuracy", (None, "both_acc_all")),
    ("confidence ROC-AUC", "roc_auc", None), ("confidence Brier", "brier", None),
    ("confidence ECE (10 bins)", "ece", None),
    ("event pairs precision", "event_precision", None), ("event pairs recall", "event_recall", None),
    ("event pairs F1", "event_f1", None),
]


def table(columns: list[tuple[str, dict[str, Any]]], baselines: dict[str, Any]) -> list[str]:
    head = "| metric | " + " | ".join(name for name, _ in columns) + " | B1 | B2 | B0 |"
    lines = [head, "|" + "---|" * (len(columns) + 4)]
    for label, key, base in ROWS:
        pct = key.endswith(("accuracy", "coverage", "accuracy_covered", "in_interval"))
        cells = [(_f(s.get(key), pct) if key != "multi_source" else str(s.get(key, "-")))
                 for _, s in columns]
        if base:
            t, m = base
            b = [baselines.get(n, {}).get(t, {}).get(m) if t else baselines.get(n, {}).get(m)
                 for n in ("B1", "B2", "B0")]
            cells += [_f(x, True) for x in b]
        else:
            cells += ["-"] * 3
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="/tmp/realnews/dev/full")
    ap.add_argument("--out", default="/tmp/realnews/out/bench", type=Path,
                    help="folder for the run's outputs (outside the repository)")
    ap.add_argument("--score", type=Path, default=None, help="only score this output folder")
    ap.add_argument("--before", type=Path, default=None,
                    help="also score this output folder (the pipeline before a change)")
    ap.add_argument("--cv", action="store_true", help="add held-out numbers (five more runs)")
    ap.add_argument("--backend", default=None, help="embedding backend (default: the model file's)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    dev = load_dev(args.data)
    if args.score:
        tally, heads = score_folder(dev, args.score)
        share = furniture_share(heads)
        print("\n".join(table([(str(args.score), tally.scores())], dev.baselines)))
        print(f"furniture in the top {TOP} cards: {share[1]} of {share[2]} labelled")
        return
    cfg = Config.default().replace(backend=args.backend)
    timings = run(dev, cfg, args.out)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tally, heads = score_folder(dev, args.out)
    columns = []
    if args.before:
        columns.append(("before (commit 4aaecf3)", score_folder(dev, args.before)[0].scores()))
    columns.append(("this run, fit on all dev", tally.scores()))
    if args.cv:
        columns.append(("held-out folds", cross_validated(dev, cfg, args.out.parent / "cv").scores()))
    share, bad, labelled = furniture_share(heads)
    lines = [
        "## Real multi-outlet news (bench_realnews.py)",
        "",
        f"Command: `python benchmarks/bench_realnews.py --data {args.data}"
        + (" --cv" if args.cv else "") + (f" --before {args.before}" if args.before else "")
        + (f" --backend {args.backend}" if args.backend else "") + " --write`",
        f"Machine: {machine()}; commit {commit()}; scoring `{cfg.scoring_version}`; backend `{cfg.backend}`.",
        f"Data: ../shared/realnews dev corpus (incidents 2013-2015): {len(dev.incident_of)} articles, "
        f"{len(dev.gold)} incidents. Metrics: benchmarks/realnews.py (agrees with "
        "../shared/realnews/score.py on the same output).",
        "",
        *table(columns, dev.baselines),
        "",
        f"Furniture in the top {TOP} cards: **{bad} of {labelled}** labelled "
        f"({_f(share, True)}; labels in benchmarks/fixtures/realnews_top_cards.csv).",
        "",
        "Time per stage (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
        + f"; peak memory {peak_mib:,.0f} MiB (this process, model and spaCy included). "
        "Embedding cache warm unless noted.",
    ]
    print("\n".join(lines))
    if args.write:
        update_section("bench_realnews", "\n".join(lines))
        print("wrote benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()

"""Fit the event model (corroborate/grouping/events.py) on real multi-outlet news, judged on held-out folds.

On the real-news development corpus (../shared/realnews/, incidents 2013-2015
only): candidate article pairs get the features of
``corroborate.schema.EVENT_FEATURES``; a pair is positive when gold puts both
articles in one incident. Five folds grouped by incident. For each fold k:

* the logistic weights are fitted on the pairs of the other folds' articles;
* the cut is chosen there: the best pair F1 with precision >= 0.97 over the
  other folds' articles, on probabilities that are themselves held out (inner
  folds), since in-sample probabilities are overconfident;
* all articles are grouped with that model and cut, and fold k is charged for
  every predicted pair that touches one of its articles (so merging a held-out
  article with another fold's article is an error of this fold too), and for
  its gold pairs missed. Gold pairs that are not even candidates count as missed.

An ablation refits without each feature in turn. The final model (fitted on
all folds, cut chosen the same way) is printed as the ``[events]`` table of the
scoring file; ``--write`` puts it into the settings of ``models/default.json`` and the
table into benchmarks/RESULTS.md.

    python benchmarks/tune_events.py --data /tmp/realnews/dev/full [--write] [--no-ablation]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.realnews import PairCounts, incident_folds, load_dev, pair_counts, read_jsonl  # noqa: E402
from benchmarks.results import commit, machine, set_model_settings, update_section  # noqa: E402
from corroborate import Config, extract_claims, read_articles  # noqa: E402
from corroborate.config import models_dir  # noqa: E402
from corroborate.embed import CachedEmbedder, EmbeddingCache, make_embedder  # noqa: E402
from corroborate.grouping.events import (  # noqa: E402
    far_pairs,
    fit_event_model,
    kept_text,
    lead_text,
    link_events,
)
from corroborate.grouping.furniture import outlet_repeats  # noqa: E402
from corroborate.grouping.pairs import FEATURES, PairFeatures, pair_features  # noqa: E402

CUTS = np.round(np.arange(0.20, 0.91, 0.05), 2)
MIN_PRECISION = 0.97
MODEL_FILE = "default.json"
#: the goals of a dev corpus's held-out pair counts (issue 20): local news, and national news
GOALS = {"gva": ("F1 >= 0.90", lambda n: n.f1 >= 0.90),
         "stories": ("F1 >= 0.85 at precision >= 0.85", lambda n: n.f1 >= 0.85 and n.precision >= 0.85)}


class Fitted:
    """Logistic weights fitted on candidate pairs: one model, or one for near pairs and one
    for far ones (``far`` marks the far pairs of the corpus, ``far_days`` their bound)."""

    def __init__(self, columns: list[int], fits: list[tuple[dict[str, float], float]],
                 far: np.ndarray | None, far_days: float | None = None) -> None:
        self.columns, self.fits, self.far, self.far_days = columns, fits, far, far_days

    def probability(self, values: np.ndarray) -> np.ndarray:
        X = values[:, self.columns]
        p = [expit(b + X @ np.array(list(w.values()))) for w, b in self.fits]
        return p[0] if self.far is None else np.where(self.far, p[1], p[0])

    def settings(self, cut: float) -> dict[str, object]:
        """The Config fields of this model and cut (a dropped feature weighs 0; one model is
        the same weights for near and far pairs)."""
        tables = [{f: round(w.get(f, 0.0), 4) for f in FEATURES} for w, _ in self.fits]
        intercepts = [round(b, 4) for _, b in self.fits]
        far = 1 if len(self.fits) > 1 else 0
        return {"event_distance_threshold": round(cut, 2), "event_intercept": intercepts[0],
                "event_weights": tables[0], "event_far_days": float(self.far_days or 7.0),
                "event_far_intercept": intercepts[far], "event_far_weights": tables[far]}


class Folds:
    """The corpus, its candidate pairs and the incident folds."""

    def __init__(self, ids: list[str], gold: dict[str, str], pairs: PairFeatures, k: int) -> None:
        self.ids, self.gold, self.pairs, self.k = ids, gold, pairs, k
        self.min_precision = MIN_PRECISION
        self.regularisation = 1.0
        self.signs = False
        self.far: np.ndarray | None = None   # pairs fitted by a model of their own (--far-days)
        self.far_days: float | None = None
        self.near_drop: set[str] = set()
        self.far_drop: set[str] = set()
        self.fixed_cut: float | None = None
        incident = np.array([gold[a] for a in ids])
        self.same = (incident[pairs.left] == incident[pairs.right]).astype(int)
        fold_of = incident_folds(gold.values(), k)
        self.fold = np.array([fold_of[gold[a]] for a in ids])

    @classmethod
    def concat(cls, parts: list[Folds], k: int) -> Folds:
        """Several corpora as one: their pairs never cross (no candidate pair joins two corpora),
        folds are drawn over all their incidents together."""
        ids: list[str] = []
        gold: dict[str, str] = {}
        left, right, values, bare = [], [], [], []
        for part in parts:
            offset = len(ids)
            ids += part.ids
            gold.update(part.gold)
            left.append(part.pairs.left + offset)
            right.append(part.pairs.right + offset)
            values.append(part.pairs.values)
            bare.append(part.pairs.bare)
        pairs = PairFeatures(left=np.concatenate(left), right=np.concatenate(right),
                             values=np.vstack(values), bare=np.concatenate(bare))
        return cls(ids, gold, pairs, k)

    def articles(self, k: int, inside: bool) -> list[str]:
        return [a for a, f in zip(self.ids, self.fold, strict=True) if (f == k) == inside]

    def group(self, probability: np.ndarray, cut: float) -> dict[str, int]:
        labels = link_events(len(self.ids), self.pairs, probability, cut)
        return dict(zip(self.ids, labels.tolist(), strict=True))

    def choose_cut(self, probability: np.ndarray, articles: list[str]) -> float:
        """Best pair F1 at precision >= MIN_PRECISION on ``articles`` (else the best F1), or the
        fixed cut when one is set (--cut)."""
        if self.fixed_cut is not None:
            return self.fixed_cut
        best, best_key = float(CUTS[0]), (-1, -1.0)
        for cut in CUTS:
            counts = pair_counts(self.group(probability, float(cut)), self.gold, articles)
            key = (int(counts.precision >= self.min_precision), counts.f1)
            if key > best_key:
                best, best_key = float(cut), key
        return best

    def set_far_days(self, days: float | None) -> None:
        """Pairs published more than ``days`` apart get a logistic model of their own."""
        self.far_days = days
        if days is None:
            self.far = None
            return
        self.far = far_pairs(self.pairs.values, days)

    def fit(self, columns: list[int], train: np.ndarray) -> Fitted:
        """The model (one, or near and far) fitted on the pairs of ``train``; the near and the
        far model leave out the features of ``near_drop`` and ``far_drop``."""
        parts = [np.ones(len(self.pairs.left), dtype=bool)] if self.far is None else [~self.far, self.far]
        drops = [self.near_drop] if self.far is None else [self.near_drop, self.far_drop]
        fits = []
        for part, drop in zip(parts, drops, strict=True):
            own = [c for c in columns if FEATURES[c] not in drop]
            w, b = fit_event_model(self.pairs.values[train & part][:, own], self.same[train & part],
                                   names=[FEATURES[c] for c in own], regularisation=self.regularisation,
                                   signs=self.signs)
            fits.append(({FEATURES[c]: w.get(FEATURES[c], 0.0) for c in columns}, b))
        return Fitted(columns, fits, self.far, self.far_days)

    def held_out_probability(self, columns: list[int], folds: list[int]) -> np.ndarray:
        """Probability of each pair from a model that saw none of the pair's folds' pairs,
        among the pairs of ``folds`` (other pairs: 0)."""
        inside = np.isin(self.fold[self.pairs.left], folds) & np.isin(self.fold[self.pairs.right], folds)
        probability = np.zeros(len(self.pairs.left))
        for k in folds:
            train = inside & (self.fold[self.pairs.left] != k) & (self.fold[self.pairs.right] != k)
            test = inside & ((self.fold[self.pairs.left] == k) | (self.fold[self.pairs.right] == k))
            probability[test] = self.fit(columns, train).probability(self.pairs.values)[test]
        return probability

    def fit_without(self, k: int, columns: list[int] | None = None) -> tuple[Fitted, float]:
        """(model, cut) fitted on every fold but ``k``; the cut is chosen on
        the other folds' inner held-out probabilities."""
        columns = list(range(len(FEATURES))) if columns is None else columns
        others = [f for f in range(self.k) if f != k]
        cut = self.choose_cut(self.held_out_probability(columns, others), self.articles(k, inside=False))
        train = (self.fold[self.pairs.left] != k) & (self.fold[self.pairs.right] != k)
        return self.fit(columns, train), cut

    def cross_validate(self, columns: list[int], corpora: dict[str, set[str]] | None = None
                       ) -> tuple[list[tuple[int, float, PairCounts]], PairCounts, dict[str, PairCounts]]:
        """Outer folds: fit on the others, cut chosen on the others' inner held-out probabilities.
        Returns the rows per fold, the pooled counts, and the pooled counts of each of ``corpora``
        (name -> its article ids)."""
        rows, pooled = [], PairCounts(0, 0, 0)
        by_corpus = {name: PairCounts(0, 0, 0) for name in corpora or {}}
        for k in range(self.k):
            model, cut = self.fit_without(k, columns)
            grouped = self.group(model.probability(self.pairs.values), cut)
            inside = self.articles(k, inside=True)
            counts = pair_counts(grouped, self.gold, inside, touching=True)
            rows.append((k, cut, counts))
            pooled = pooled + counts
            for name, members in (corpora or {}).items():
                by_corpus[name] = by_corpus[name] + pair_counts(
                    grouped, self.gold, [a for a in inside if a in members], touching=True)
        return rows, pooled, by_corpus


class _Stories:
    """The AllSides dev corpus (../shared/realnews/make_stories.py) in the shape of ``load_dev``."""

    def __init__(self, folder: Path) -> None:
        gold = read_jsonl(folder / "gold.jsonl")
        late = [g for g in gold if str(g["date"])[:10] > "2021-07-31"]
        if late:
            raise SystemExit(f"{folder}: {len(late)} stories after July 2021: held out, never used")
        self.corpus_path = folder / "corpus.jsonl"
        self.incident_of = {a: g["incident_id"] for g in gold for a in g["article_ids"]}


def load_dev_any(folder: str):  # type: ignore[no-untyped-def]
    """The GVA dev corpus (``load_dev``, years checked) or the AllSides one (stories checked)."""
    path = Path(folder)
    first = read_jsonl(path / "gold.jsonl")[:1]
    return _Stories(path) if first and str(first[0]["incident_id"]).startswith("story-") else load_dev(path)


def load_folds(dev, k: int = 5) -> Folds:  # type: ignore[no-untyped-def]
    """The dev corpus's candidate pairs, as the pipeline computes them, and the incident folds."""
    articles = read_articles(dev.corpus_path)
    ids = articles["article_id"].tolist()
    gold = {a: dev.incident_of[a] for a in ids}
    cfg = Config.default()
    claims, _ = extract_claims(articles, min_words=cfg.min_words)
    embedder = CachedEmbedder(make_embedder(cfg.model, backend=cfg.backend, threads=cfg.threads), EmbeddingCache(None))
    leads = embedder.encode([lead_text(t, x) for t, x in zip(articles["title"], articles["text"],
                                                                strict=True)])
    pairs = pair_features(articles, leads, kept_text=kept_text(articles, claims[~outlet_repeats(claims)]),
                          candidate_similarity=cfg.event_candidate_similarity)
    return Folds(ids, gold, pairs, k)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", help="a dev corpus folder (repeat: fitted jointly); "
                    "default /tmp/realnews/dev/full")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-precision", type=float, default=MIN_PRECISION,
                    help=f"the cut is the best pair F1 at this precision on the training folds (default {MIN_PRECISION})")
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--signs", action="store_true",
                    help="hold each weight to its sign (events.WEIGHT_SIGNS)")
    ap.add_argument("--far-days", type=float, default=None,
                    help="pairs published more than this many days apart get a model of their own")
    ap.add_argument("--near-drop", action="append", default=[], metavar="FEATURE",
                    help="leave a feature out of the model of near pairs only; repeatable")
    ap.add_argument("--far-drop", action="append", default=[], metavar="FEATURE",
                    help="leave a feature out of the model of far pairs only; repeatable")
    ap.add_argument("--cut", type=float, default=None,
                    help="a fixed average-linkage cut instead of one chosen on the training folds")
    ap.add_argument("--regularisation", type=float, default=1.0,
                    help="C of the logistic regression on standardised features (smaller: smoother)")
    ap.add_argument("--drop", action="append", default=[], metavar="FEATURE",
                    help="leave a feature out (its weight is 0); repeatable")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    data = args.data or ["/tmp/realnews/dev/full"]
    started = time.perf_counter()
    parts = [load_folds(load_dev_any(d), args.folds) for d in data]
    folds = parts[0] if len(parts) == 1 else Folds.concat(parts, args.folds)
    folds.min_precision = args.min_precision
    folds.regularisation = args.regularisation
    folds.signs = args.signs
    folds.set_far_days(args.far_days)
    folds.near_drop, folds.far_drop = set(args.near_drop), set(args.far_drop)
    corpora = {d: set(part.ids)
               for d, part in zip(data, parts, strict=True)}
    folds.fixed_cut = args.cut
    ids, gold, pairs = folds.ids, folds.gold, folds.pairs
    features_s = time.perf_counter() - started
    n_gold_pairs = pair_counts(gold, gold).gold
    print(f"{len(ids)} articles, {len(pairs.left)} candidate pairs, {int(folds.same.sum())} of "
          f"{n_gold_pairs} gold pairs among them; features in {features_s:.1f} s")

    unknown = sorted(set(args.drop + args.near_drop + args.far_drop) - set(FEATURES))
    if unknown:
        raise SystemExit(f"--drop: unknown feature(s) {', '.join(unknown)}")
    everything = [i for i, f in enumerate(FEATURES) if f not in args.drop]
    fold_rows, pooled, by_corpus = folds.cross_validate(everything, corpora if len(corpora) > 1 else None)
    everywhere = None
    if args.cut is not None:
        # every pair's probability from a model that saw neither article's fold, grouped at the cut:
        # what a new corpus meets (in cross_validate the other folds' pairs are in-sample)
        grouped = folds.group(folds.held_out_probability(everything, list(range(args.folds))), args.cut)
        everywhere = {name: pair_counts(grouped, gold, [a for a in ids if a in members], touching=True)
                      for name, members in corpora.items()}
    ablation = []
    if not args.no_ablation:
        for i in everything:
            name = FEATURES[i]
            _, without, _ = folds.cross_validate([c for c in everything if c != i])
            ablation.append((name, without))
            print(f"  without {name}: F1 {without.f1:.3f}")

    final = folds.fit(everything, np.ones(len(pairs.left), dtype=bool))
    probability = final.probability(pairs.values)
    cut = folds.choose_cut(folds.held_out_probability(everything, list(range(args.folds))), ids)
    fit = pair_counts(folds.group(probability, cut), gold)
    settings = final.settings(cut)

    lines = [
        "## Event grouping on real news (tune_events.py)",
        "",
        "Command: `python benchmarks/tune_events.py " + " ".join(sys.argv[1:]) + "`",
        f"Machine: {machine()}; commit {commit()}.",
        f"Data: {', '.join(data)} (dev periods only): {len(ids)} articles,",
        f"{len(set(gold.values()))} incidents, {n_gold_pairs} same-incident article pairs; "
        f"{len(pairs.left)} candidate pairs ({int(folds.same.sum())} of the gold pairs are candidates).",
        f"Model: logistic regression on the {len(FEATURES)} features of `corroborate/grouping/events.py`, "
        "average linkage on 1 - p,",
        (f"the cut fixed at {args.cut:g} (--cut). " if args.cut is not None else
         f"the cut chosen on the training folds (best pair F1 at precision >= {folds.min_precision}). ")
        + "A held-out fold is charged",
        "for every predicted pair touching one of its articles.",
        "",
        "| fold | cut | pair precision | pair recall | pair F1 | gold pairs |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {k} | {c:.2f} | {n.precision:.3f} | {n.recall:.3f} | {n.f1:.3f} | {n.gold} |"
              for k, c, n in fold_rows]
    lines += [
        f"| **held-out, pooled** | | **{pooled.precision:.3f}** | **{pooled.recall:.3f}** | "
        f"**{pooled.f1:.3f}** | {pooled.gold} |",
        *[f"| held-out, pooled: {name} | | {n.precision:.3f} | {n.recall:.3f} | {n.f1:.3f} | {n.gold} |"
          for name, n in by_corpus.items()],
        *[f"| every pair held out, cut {args.cut:g}: {name} | {args.cut:.2f} | {n.precision:.3f} | "
          f"{n.recall:.3f} | {n.f1:.3f} | {n.gold} |" for name, n in (everywhere or {}).items()],
        f"| final model on all folds (in-sample; cut from held-out probabilities) | {cut:.2f} | "
        f"{fit.precision:.3f} | {fit.recall:.3f} | {fit.f1:.3f} | {fit.gold} |",
        "",
        *[f"Goal for {name} (held-out): {goal}: " + ("**met**." if ok(n) else "**not met**.")
          for name, n in (by_corpus or {"pooled": pooled}).items()
          for goal, ok in [GOALS["stories" if "stories" in name else "gva"]]],
        "",
        "Final weights (fitted on all folds"
        + (f"; pairs within {args.far_days:g} days" if args.far_days is not None else "") + "): "
        + ", ".join(f"`{f}` {w:+.2f}" for f, w in settings["event_weights"].items() if w)
        + f", intercept {settings['event_intercept']:+.2f}.",
    ]
    if args.far_days is not None:
        lines += ["", f"Pairs published more than {args.far_days:g} days apart: "
                  + ", ".join(f"`{f}` {w:+.2f}" for f, w in settings["event_far_weights"].items() if w)
                  + f", intercept {settings['event_far_intercept']:+.2f}."]
    if ablation:
        lines += ["", "Ablation (held-out, pooled, each feature left out in turn):", "",
                  "| without | precision | recall | F1 | change in F1 |", "|---|---|---|---|---|"]
        lines += [f"| `{name}` | {n.precision:.3f} | {n.recall:.3f} | {n.f1:.3f} | "
                  f"{n.f1 - pooled.f1:+.3f} |" for name, n in ablation]
    table = "\n".join(lines)
    print(table)
    fitted = {"distance_threshold": settings["event_distance_threshold"],
              "intercept": settings["event_intercept"], "weights": settings["event_weights"],
              "far_days": settings["event_far_days"], "far_intercept": settings["event_far_intercept"],
              "far_weights": settings["event_far_weights"]}
    print(f"\n[events] fitted: {fitted}")
    if args.write:
        path = models_dir() / MODEL_FILE
        set_model_settings(path, {"events": fitted})
        update_section("tune_events", table)
        print(f"wrote {path} and benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()

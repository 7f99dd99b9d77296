"""Event grouping at 1k, 10k and 50k articles: does its cost grow about linearly?

The articles are a generated stream (:mod:`benchmarks.gen_stream`: a year of
local events, 300 outlets, follow-ups weeks later). Lead vectors are hashed
bags of words (384 dimensions, unit length), not the sentence model: this
benchmark measures the work of grouping, and embedding 50,000 leads would take
longer than everything else. Each size runs in its own process, so the peak
memory (max RSS) is that size's alone. Reported: wall time of
:func:`corroborate.grouping.events.group_events`, candidate pairs per article,
peak memory, event pair P/R/F1 against the planted events, and the growth
exponent ``log(t2/t1) / log(n2/n1)`` between sizes.

    python benchmarks/bench_event_scale.py [--sizes 1000,10000,50000] [--write]

Run it from another checkout (``cwd``) to measure an older commit's grouping.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))

from benchmarks.gen_stream import generate_stream  # noqa: E402


def lead_vectors(articles) -> np.ndarray:  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import HashingVectorizer
    leads = [f"{t} {x[:300]}" for t, x in zip(articles["title"], articles["text"], strict=True)]
    v = HashingVectorizer(n_features=384, alternate_sign=False, norm="l2").transform(leads).toarray()
    return v.astype(np.float64)


def one(n: int) -> dict:
    from sklearn.metrics.cluster import pair_confusion_matrix

    from corroborate import Config
    from corroborate.grouping import events as ev
    from corroborate.stages import event_model
    cfg = Config.default()
    model = event_model(cfg)
    articles = generate_stream(n, seed=0)
    vectors = lead_vectors(articles)
    counted: dict[str, int] = {}
    original = ev.link_events

    def counting(n_articles, pairs, probability, threshold):  # type: ignore[no-untyped-def]
        counted["pairs"] = len(pairs.left)
        return original(n_articles, pairs, probability, threshold)

    ev.link_events = counting
    started = time.perf_counter()
    labels = ev.group_events(articles, vectors, model)
    seconds = time.perf_counter() - started
    (tn, fp), (fn, tp) = pair_confusion_matrix(articles["gold_event"], labels) // 2
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"articles": n, "seconds": seconds, "pairs": counted.get("pairs", 0),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "precision": float(precision), "recall": float(recall),
            "f1": float(2 * precision * recall / max(precision + recall, 1e-12))}


def table(rows: list[dict]) -> str:
    from benchmarks.results import growth
    lines = ["| articles | seconds | growth exponent | pairs scored per article | peak memory (MB) | "
             "event pair P / R / F1 |", "|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        exponent = "–" if i == 0 else \
            f"{growth(rows[i - 1]['seconds'], r['seconds'], rows[i - 1]['articles'], r['articles']):.2f}"
        lines.append(f"| {r['articles']:,} | {r['seconds']:.1f} | {exponent} | {r['pairs'] / r['articles']:.1f} | "
                     f"{r['peak_mb']:.0f} | {r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    from benchmarks.results import scale_main
    scale_main(__file__, __doc__, "1000,10000,50000", one, table, "bench_event_scale",
               "## Event grouping at scale (bench_event_scale.py, issue 20)",
               "Generated stream (benchmarks/gen_stream.py, seed 0), hashed lead vectors; time of `group_events`.")


if __name__ == "__main__":
    main()

"""The searches over claims at 10k, 100k and 1M claims: copies, generic wording, denial links.

Issue 21 asks for every stage at these sizes. This benchmark covers the three searches that
compared everything with everything until issue 21 and now go through
:mod:`corroborate.neighbours` (or, for copies, collapse identical texts before MinHash LSH):

* ``copies``: :func:`corroborate.ingest.syndication.copy_groups` over the articles' texts;
* ``generic``: :func:`corroborate.grouping.generic.generic_span` over the claims, events planted;
* ``denials``: :func:`corroborate.text.denials.link_denials`, one claim in 200 a denial, each
  searched within its planted event (the pipeline searches within the events it found).

The claims are the sentences of a generated stream (:mod:`benchmarks.gen_stream`: a year of
local events, 300 outlets, the stock sentences of each kind of event recurring in every event
of that kind). Vectors are hashed bags of words (384 dimensions, unit length, float32), not the
sentence model: embedding a million sentences would take hours here, and these searches do not
care where the vectors come from. Each size runs in its own process. Reported per stage: wall
time, and the process's peak memory after it; the growth exponent ``log(t2/t1)/log(n2/n1)``
between sizes; and the quality on the planted structure (generic: precision and recall of the
stock sentences and the page furniture; copies: articles in a copy group and the largest
group: the stream words every report of one event from one template, so its reports are
near copies of each other, and nothing else should be).

    python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--write]

Run it with another checkout as ``cwd`` to measure an older commit (large sizes of an
all-pairs search will not finish).
"""

from __future__ import annotations

import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))

from benchmarks.gen_events import FURNITURE, GENERIC  # noqa: E402
from benchmarks.gen_stream import generate_stream  # noqa: E402

SENTENCES_PER_ARTICLE = 5.5          # a little under what the stream averages (5.8): it sizes the stream
#: the planted generic wording: each kind's stock sentences and the page furniture
STOCK = frozenset(s for kind in GENERIC.values() for s in kind) | frozenset(FURNITURE)


_COUNTED = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b", re.IGNORECASE)


class HashedEmbedder:
    """Hashed bags of words as sentence vectors: the benchmark's stand-in for the model."""

    @property
    def identity(self) -> str:
        return "hashing-384"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        from sklearn.feature_extraction.text import HashingVectorizer
        m = HashingVectorizer(n_features=384, alternate_sign=False, norm="l2").transform(list(texts))
        # float32 before densifying: the same values, without a float64 copy of every vector
        # (3 GB at a million claims) counted in the peak as if the pipeline had made it
        return m.astype(np.float32).toarray()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int) -> dict:
    import pandas as pd

    from corroborate import Config
    from corroborate.grouping.generic import generic_span
    from corroborate.ingest.syndication import copy_groups
    from corroborate.text.denials import link_denials
    cfg = Config.default()
    started = time.perf_counter()
    articles = generate_stream(int(n / SENTENCES_PER_ARTICLE) + 10, seed=0)
    texts, events, article_of = [], [], []
    for a, (text, event) in enumerate(zip(articles["text"], articles["gold_event"], strict=True)):
        for sentence in text.split("\n"):
            texts.append(sentence)
            events.append(event)
            article_of.append(a)
    texts, events = texts[:n], np.asarray(events[:n], dtype=np.int64)
    articles = articles.iloc[:article_of[n - 1] + 1]
    embedder = HashedEmbedder()
    vectors = np.vstack([embedder.encode(texts[lo:lo + 50_000]) for lo in range(0, n, 50_000)])
    row = {"claims": n, "articles": len(articles), "setup_s": time.perf_counter() - started,
           "setup_peak_mb": _peak_mb()}

    if n <= COPIES_UP_TO:
        started = time.perf_counter()
        groups, _ = copy_groups(articles["text"].tolist(), threshold=cfg.copy_threshold)
        row |= {"copies_s": time.perf_counter() - started, "copies_peak_mb": _peak_mb(),
                "in_copy_groups": int((np.bincount(groups) > 1)[groups].sum()),
                "largest_copy_group": int(np.bincount(groups).max())}

    started = time.perf_counter()
    # the pipeline exempts claims that state a figure of their event ("Four people were injured"):
    # here, without the parse, every sentence with a number or number word
    exempt = np.array([bool(_COUNTED.search(t)) for t in texts])
    span = generic_span(texts, vectors, events, claim_threshold=cfg.generic_distance_threshold,
                        min_events=cfg.generic_min_events, exempt=exempt)
    stock = np.array([t in STOCK for t in texts])
    found = span > 0
    row |= {"generic_s": time.perf_counter() - started, "generic_peak_mb": _peak_mb(),
            "generic_precision": float((found & stock).sum() / max(found.sum(), 1)),
            "generic_recall": float((found & stock).sum() / max(stock.sum(), 1))}

    denying = np.arange(n) % 200 == 7
    claims = pd.DataFrame({"claim_id": [f"c{i}" for i in range(n)], "source": "s", "attributed_to": None,
                           "copy_kind": None, "copy_name": None, "text": texts,
                           "stance": np.where(denying, "denied", "asserted"), "cluster_id": np.arange(n),
                           "event_id": events})            # the planted events stand for the event stage's
    content = pd.Series([t if d else None for t, d in zip(texts, denying, strict=True)], dtype=object)
    started = time.perf_counter()
    links = link_denials(claims, content, vectors, embedder, threshold=cfg.denial_link_threshold)
    row |= {"denials_s": time.perf_counter() - started, "denials_peak_mb": _peak_mb(),
            "denials": int(denying.sum()), "linked": sum(len(v) for v in links.values())}
    return row


STAGES = ("copies", "generic", "denials")
#: copy detection beyond this size is not run. At 1M claims it ran for over 20 minutes at commit
#: 40425bd, when a bucket could hold the template reports of many events; buckets now hold at most
#: ``syndication.MAX_BUCKET`` articles
COPIES_UP_TO = 1_000_000


def table(rows: list[dict]) -> str:
    from benchmarks.results import growth
    lines = ["| claims (articles) | stage | seconds | growth exponent | peak memory after it (MB) | quality |",
             "|---|---|---|---|---|---|"]
    for i, r in enumerate(rows):
        for stage in STAGES:
            if stage + "_s" not in r:
                lines.append(f"| {r['claims']:,} ({r['articles']:,}) | {stage} | not run | | | "
                             f"ran past 20 minutes at 1M (commit 40425bd): see the text |")
                continue
            before = rows[i - 1] if i and stage + "_s" in rows[i - 1] else None
            exponent = "–" if before is None else \
                f"{growth(before[stage + '_s'], r[stage + '_s'], before['claims'], r['claims']):.2f}"
            quality = {"copies": f"{r.get('in_copy_groups', 0):,} articles in copy groups, the largest "
                                 f"{r.get('largest_copy_group', 0):,} (one template per event)",
                       "generic": f"stock sentences and furniture P {r['generic_precision']:.3f} / R {r['generic_recall']:.3f}",
                       "denials": f"{r['linked']:,} of {r['denials']:,} denials linked"}[stage]
            lines.append(f"| {r['claims']:,} ({r['articles']:,}) | {stage} | {r[stage + '_s']:.1f} | {exponent} | "
                         f"{r[stage + '_peak_mb']:.0f} | {quality} |")
    return "\n".join(lines)


def main() -> None:
    from benchmarks.results import scale_main
    scale_main(__file__, __doc__, "10000,100000,1000000", one, table, "bench_scale",
               "## The searches over claims at scale (bench_scale.py, issue 21)",
               "Generated stream (benchmarks/gen_stream.py, seed 0), hashed 384-d vectors instead of the "
               "model; the time of each search alone.")


if __name__ == "__main__":
    main()

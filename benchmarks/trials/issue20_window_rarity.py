"""Issue 20, a measured hypothesis (analysis only, never imported): is a proper word's rarity *outside
the pair's time window*, scaled by the corpus size, a feature that keeps the example's story together
and still tells AllSides stories apart?

For every pair of articles within 40 days that shares a proper word: the largest, over the shared
words, of log(n / (1 + articles naming the word outside the pair's dates +/- 3 days)), and the
plain largest idf. Prints their ROC-AUC for same-story pairs on the AllSides dev corpus and their
spread on the example (where n = 14 bounds every log at log 14 = 2.64).

    python benchmarks/trials/issue20_window_rarity.py
"""
import collections
import itertools
import json
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, str(__import__("pathlib").Path.cwd()))
from corroborate.grouping.mentions import proper_words
from corroborate.ingest import read_corpus


def load(path, gold=None):
    a = read_corpus(path).articles
    t = pd.to_datetime(a["published_at"], utc=True)
    words = [set(proper_words((ti or "") + " " + tx)) for ti, tx in zip(a["title"].fillna(""), a["text"])]
    g = None
    if gold:
        of = {}
        for line in open(gold):
            r = json.loads(line)
            for x in r["article_ids"]: of[x] = r["incident_id"]
        g = [of.get(x) for x in a["article_id"]]
    return a, t, words, g

def stats(t, words, window=3.0):
    days = (t - t.min()).dt.total_seconds().to_numpy() / 86400
    docs = collections.defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws: docs[w].append(i)
    return days, {w: np.array(v) for w, v in docs.items()}

def pair_features(i, j, days, docs, words, window=3.0):
    shared = words[i] & words[j]
    if not shared: return 0.0, 0.0
    lo, hi = min(days[i], days[j]) - window, max(days[i], days[j]) + window
    n = len(days)
    outside = []
    for w in shared:
        d = days[docs[w]]
        outside.append(np.log(n / (1 + ((d < lo) | (d > hi)).sum())))
    idf = [np.log(n / len(docs[w])) for w in shared]
    return float(np.max(outside)), float(np.max(idf))

for path, gold in (("/tmp/realnews/stories/dev/corpus.jsonl", "/tmp/realnews/stories/dev/gold.jsonl"), ("examples/nk-troops", None)):
    a, t, words, g = load(path, gold)
    days, docs = stats(t, words)
    n = len(a)
    rows = []
    for i, j in itertools.combinations(range(n), 2):
        if abs(days[i] - days[j]) > 40 or not (words[i] & words[j]): continue
        b, idf = pair_features(i, j, days, docs, words)
        same = (g[i] == g[j]) if g else None
        rows.append((b, idf, same, abs(days[i]-days[j])))
    r = pd.DataFrame(rows, columns=["burst", "max_idf", "same", "gap"])
    print(path, "pairs sharing a proper word within 40 days:", len(r))
    if g:
        for s, sub in r.groupby("same"):
            print("  same" if s else "  other", len(sub), "burst median %.2f p10 %.2f p90 %.2f" % (sub.burst.median(), sub.burst.quantile(.1), sub.burst.quantile(.9)),
                  "max_idf median %.2f" % sub.max_idf.median())
        from sklearn.metrics import roc_auc_score
        print("  ROC-AUC idf outside the window %.3f, max_idf %.3f" % (roc_auc_score(r.same, r.burst), roc_auc_score(r.same, r.max_idf)))
    else:
        # example: the 12 troop articles (01-12) against each other
        troop = r  # all pairs of the example
        print("  burst median %.2f p10 %.2f min %.2f" % (r.burst.median(), r.burst.quantile(.1), r.burst.min()), "max_idf median %.2f" % r.max_idf.median())

"""Issue 20, a measured hypothesis (analysis only, never imported): do two reports of one event
state the same propositions, where two events of one running story only share a topic?

For every candidate article pair (as the pipeline proposes them), the claim embeddings of the
two articles (the shipped model, outlet furniture left out) are compared: ``match`` is the share
of the shorter article's claims that have a paraphrase (cosine >= TAU) in the other, and ``best``
the highest claim cosine of the pair. Prints the ROC-AUC for same-event pairs on the GVA and
AllSides dev corpora, their spread, and the spread over the example's pairs of troop articles.

    CORROBORATE_CACHE_DIR=/tmp/warm python benchmarks/trials/issue20_shared_claims.py
"""
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.tune_events import load_dev_any  # noqa: E402
from corroborate import Config, extract_claims, read_articles  # noqa: E402
from corroborate.embed import CachedEmbedder, EmbeddingCache, make_embedder  # noqa: E402
from corroborate.grouping.events import kept_text, lead_text  # noqa: E402
from corroborate.grouping.furniture import outlet_repeats  # noqa: E402
from corroborate.grouping.pairs import pair_features  # noqa: E402

TAUS = (0.6, 0.7, 0.8)


def pair_claims(path):
    articles = read_articles(path)
    cfg = Config.default()
    claims, _ = extract_claims(articles, min_words=cfg.min_words)
    claims = claims[~outlet_repeats(claims)]
    embedder = CachedEmbedder(make_embedder(cfg.model, backend=cfg.backend, threads=cfg.threads), EmbeddingCache(None))
    leads = embedder.encode([lead_text(t, x) for t, x in zip(articles["title"], articles["text"], strict=True)])
    pairs = pair_features(articles, leads, kept_text=kept_text(articles, claims),
                          candidate_similarity=cfg.event_candidate_similarity)
    vectors = embedder.encode(claims["text"].tolist())
    row = {a: i for i, a in enumerate(articles["article_id"])}
    of = [[] for _ in range(len(articles))]
    for k, a in enumerate(claims["article_id"]):
        of[row[a]].append(k)
    blocks = [vectors[np.array(ix, dtype=np.int64)] for ix in of]
    out = np.zeros((len(pairs.left), len(TAUS) + 1))
    for k, (i, j) in enumerate(zip(pairs.left.tolist(), pairs.right.tolist())):
        a, b = blocks[i], blocks[j]
        if not len(a) or not len(b):
            continue
        sims = a @ b.T
        short = sims if len(a) <= len(b) else sims.T
        best = short.max(axis=1)
        out[k, :len(TAUS)] = [(best >= t).mean() for t in TAUS]
        out[k, -1] = sims.max()
    return articles, pairs, out


def describe(name, values, same):
    print(f"{name}: {len(same)} candidate pairs, {int(same.sum())} same-event")
    for c, label in enumerate([f"match@{t}" for t in TAUS] + ["best"]):
        v = values[:, c]
        print(f"  {label:9s} ROC-AUC {roc_auc_score(same, v):.3f}  same median {np.median(v[same]):.2f} "
              f"p10 {np.quantile(v[same], .1):.2f}  other median {np.median(v[~same]):.2f} "
              f"p90 {np.quantile(v[~same], .9):.2f}")


for folder in ("/tmp/realnews/dev/full", "/tmp/realnews/stories/dev"):
    dev = load_dev_any(folder)
    articles, pairs, values = pair_claims(dev.corpus_path)
    ids = articles["article_id"].tolist()
    gold = np.array([dev.incident_of[i] for i in ids], dtype=object)
    describe(folder, values, gold[pairs.left] == gold[pairs.right])

articles, pairs, values = pair_claims("examples/nk-troops")
troop = np.array([not str(t).startswith(("Central bank", "City council")) for t in articles["title"]])
inside = troop[pairs.left] & troop[pairs.right]
print(f"example: {int(inside.sum())} candidate pairs of troop articles (of 66)")
for c, label in enumerate([f"match@{t}" for t in TAUS] + ["best"]):
    v = values[inside, c]
    print(f"  {label:9s} median {np.median(v):.2f} p10 {np.quantile(v, .1):.2f} min {v.min():.2f}")

"""Embedding backends side by side: speed, peak memory and quality against torch fp32.

For every backend (torch, onnx, onnx-int8, openvino):

* **speed**: sentences/s of ``encode`` on the first ``--sentences`` distinct real news
  sentences of ``../shared/data`` (MSRP and STS news), each measurement in a fresh
  process with the model loaded and warmed up first (32 sentences), cache off;
  backends alternate within each repeat; medians of ``--repeats``.
* **peak memory**: the maximum RSS of that process (import, load, encode).
* **agreement**: cosine of each backend's vector with torch fp32's, on the same sentences.
* **quality**: Spearman of cosine similarity with the STS 2012-2014 news gold scores, and
  MSRP test F1 at the threshold that maximises F1 on MSRP train+val for that backend (and at
  torch's threshold). Through the embedding cache (keyed per backend), so reruns are quick.

    python benchmarks/bench_backends.py [--data ../shared/data] [--sentences 5000] [--repeats 3]
        [--threads 0] [--backends torch,onnx,onnx-int8,openvino] [--write]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_threshold import GRID, distances, metrics  # noqa: E402
from benchmarks.datasets import DEFAULT_DATA, msrp, news_sentences, sts_news  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402

BACKENDS = ("torch", "onnx", "onnx-int8", "openvino")


def child(backend: str, data: Path, n: int, threads: int, vectors_out: Path | None) -> None:
    from corroborate.embed.backends import make_embedder

    texts = news_sentences(data)[:n]
    embedder = make_embedder("default", backend=backend, threads=threads)
    embedder.encode(texts[:32])                                      # load, export if missing, warm up
    started = time.perf_counter()
    vectors = embedder.encode(texts)
    seconds = time.perf_counter() - started
    if vectors_out is not None:
        np.save(vectors_out, vectors)
    print(json.dumps({"backend": backend, "sentences": len(texts), "seconds": seconds,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(backend: str, args: argparse.Namespace, vectors_out: Path | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", backend, "--data", str(args.data),
           "--sentences", str(args.sentences), "--threads", str(args.threads)]
    if vectors_out is not None:
        cmd += ["--vectors", str(vectors_out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{backend}: {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def quality(backend: str, data: Path) -> dict[str, float]:
    from corroborate.embed import CachedEmbedder, EmbeddingCache
    from corroborate.embed.backends import make_embedder

    tune, test, sts = msrp(data, "train") + msrp(data, "val"), msrp(data, "test"), sts_news(data)
    texts = sorted({s for p in tune + test + sts for s in (p.left, p.right)})
    embedder = CachedEmbedder(make_embedder("default", backend=backend), EmbeddingCache(), show_progress=True)
    vectors = dict(zip(texts, embedder.encode(texts), strict=True))
    d_tune, y_tune = distances(tune, vectors), np.array([p.label == 1 for p in tune])
    d_test, y_test = distances(test, vectors), np.array([p.label == 1 for p in test])
    d_sts, s_sts = distances(sts, vectors), np.array([p.label for p in sts])
    best = max((metrics(d_tune, y_tune, t) for t in GRID), key=lambda m: (m["f1"], -m["t"]))
    return {"sts_spearman": float(spearmanr(-d_sts, s_sts).statistic), "t": best["t"],
            "msrp_f1": metrics(d_test, y_test, best["t"])["f1"], "d_test": d_test, "y_test": y_test}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="threads of every backend (0: all cores)")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.data, args.sentences, args.threads, args.vectors)
        return
    backends = args.backends.split(",")
    runs: dict[str, list[dict[str, float]]] = {b: [] for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        saved = {b: Path(tmp) / f"{b}.npy" for b in backends}
        for r in range(args.repeats):
            for b in backends:
                runs[b].append(measure(b, args, saved[b] if r == 0 else None))
                print(b, runs[b][-1], file=sys.stderr)
        vectors = {b: np.load(saved[b]) for b in backends}
    qual = {b: quality(b, args.data) for b in backends}
    ref = "torch" if "torch" in backends else backends[0]
    torch_t = qual[ref]["t"]

    rows = []
    for b in backends:
        rate = statistics.median(x["sentences"] / x["seconds"] for x in runs[b])
        ref_rate = statistics.median(x["sentences"] / x["seconds"] for x in runs[ref])
        peak = statistics.median(x["peak_rss_mib"] for x in runs[b])
        cos = np.einsum("ij,ij->i", vectors[b], vectors[ref])
        q = qual[b]
        f1_at_ref = metrics(q["d_test"], q["y_test"], torch_t)["f1"]
        rows.append(f"| {b} | {rate:.0f} | {rate / ref_rate:.2f}x | {peak:.0f} | {cos.mean():.4f} / "
                    f"{np.percentile(cos, 1):.4f} / {cos.min():.4f} | {q['sts_spearman']:.4f} "
                    f"({q['sts_spearman'] - qual[ref]['sts_spearman']:+.4f}) | {q['t']:.2f}: {q['msrp_f1']:.4f} "
                    f"({q['msrp_f1'] - qual[ref]['msrp_f1']:+.4f}) | {f1_at_ref:.4f} |")
    per_run = "; ".join(f"{b} " + ", ".join(f"{x['sentences'] / x['seconds']:.0f}" for x in runs[b])
                        for b in backends)
    body = f"""## Embedding backends (bench_backends.py, issue 12)

Command: `python benchmarks/bench_backends.py --data ../shared/data --sentences {args.sentences} --repeats {args.repeats} --threads {args.threads} --write`
Machine: {machine()}; commit {commit()}. Speed: `encode` of {args.sentences} distinct real news sentences
(MSRP + STS news), fresh process per measurement, model loaded and warmed up, no cache; medians of
{args.repeats} alternating runs. Memory: peak RSS of that process. Agreement: cosine with torch fp32 on the
same sentences (mean / 1st percentile / min). Quality: STS 2012-2014 news Spearman; MSRP test F1 at the
F1-optimal threshold of MSRP train+val for that backend, and at torch's ({torch_t:.2f}).

| backend | sentences/s | vs torch | peak RSS MiB | cosine vs torch | STS Spearman | MSRP test F1 (t: F1) | F1 at torch's t |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Runs (sentences/s): {per_run}.
"""
    print(body)
    if args.write:
        update_section("bench_backends", body)


if __name__ == "__main__":
    main()

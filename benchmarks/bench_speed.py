"""Speed and memory: claims/second end to end vs raw ``model.encode`` on the same claims.

The corpus is built from real news sentences (MSRP and STS news, read in place
from ``--data``): distinct sentences, 8 per article, 24 outlets, so the
pipeline embeds every claim (no duplicate to skip) and the cache is off.

* raw: ``SentenceTransformer.encode`` of exactly the claims the pipeline keeps,
  batch 64, normalised; the model already loaded.
* end to end: ``Corroborator(...).fit(frame)``: read and validate, split, filter,
  parse quantities, embed, cluster, score; the same loaded model, no cache.
* peak memory: maximum RSS of a fresh process that imports corroborate, loads
  the model and runs the end-to-end fit once (what ``corroborate score`` does).

Medians over ``--repeats`` runs; the ratio is the goal (>= 0.8).

    python benchmarks/bench_speed.py [--data ../shared/data] [--claims 2400] [--repeats 3] [--write]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, news_sentences  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402


def build_corpus(data: Path, n_sentences: int) -> pd.DataFrame:
    sentences = news_sentences(data)[:n_sentences]
    if len(sentences) < n_sentences:
        raise SystemExit(f"only {len(sentences)} usable sentences in {data}")
    rows = []
    for i in range(0, len(sentences), 8):
        n = i // 8
        rows.append({"article_id": f"bench-{n:05d}", "source": f"outlet-{n % 24:02d}.example",
                     "text": " ".join(sentences[i:i + 8]),
                     "published_at": f"2024-10-{1 + n % 28:02d}T12:00:00Z"})
    return pd.DataFrame(rows)


def child(data: Path, n_sentences: int) -> None:
    """Run once in a fresh process and report its peak memory."""
    from corroborate import Config, Corroborator

    frame = build_corpus(data, n_sentences)
    started = time.perf_counter()
    est = Corroborator(config=Config.default().replace(cache=False)).fit(frame)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"claims": len(est.claims_), "seconds_with_load": elapsed,
                      "peak_rss_mib": peak_kib / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--claims", type=int, default=2400, help="sentences in the corpus")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.data, args.claims)
        return

    from corroborate import Config, Corroborator
    from corroborate.embed.sbert import _load, resolve_model_path

    frame = build_corpus(args.data, args.claims)
    cfg = Config.default().replace(cache=False)
    model = _load(resolve_model_path(cfg.model), cfg.device)
    claims = Corroborator(config=cfg).fit(frame).claims_["text"].tolist()   # also warms up

    raw, e2e = [], []
    for _ in range(args.repeats):
        t = time.perf_counter()
        model.encode(claims, batch_size=cfg.batch_size, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        est = Corroborator(config=cfg).fit(frame)
        e2e.append(time.perf_counter() - t)
    stages = {k: round(v, 2) for k, v in est.timings_.items()}

    proc = subprocess.run([sys.executable, __file__, "--child", "--data", str(args.data),
                           "--claims", str(args.claims)], capture_output=True, text=True, check=True)
    mem = json.loads(proc.stdout.strip().splitlines()[-1])

    n = len(claims)
    raw_rate, e2e_rate = n / statistics.median(raw), n / statistics.median(e2e)
    body = f"""## Speed and memory (bench_speed.py)

Command: `python benchmarks/bench_speed.py --data ../shared/data --claims {args.claims} --repeats {args.repeats} --write`
Machine: {machine()}, CPU only; commit {commit()}.
Corpus: {len(frame)} articles built from {args.claims} distinct MSRP/STS news sentences; {n} claims kept;
embedding cache off. Medians of {args.repeats} runs, model loaded beforehand.

| measure | value |
|---|---|
| raw `model.encode` (batch {cfg.batch_size}) | {raw_rate:.0f} claims/s ({statistics.median(raw):.1f} s) |
| end to end `Corroborator.fit` | {e2e_rate:.0f} claims/s ({statistics.median(e2e):.1f} s) |
| **ratio end to end / raw** (goal >= 0.8) | **{e2e_rate / raw_rate:.2f}** |
| stages of the last run (s) | {", ".join(f"{k} {v}" for k, v in stages.items())} |
| fresh process: import + load + fit | {mem['seconds_with_load']:.1f} s |
| **peak memory** of that process (goal <= 1.5 GB) | **{mem['peak_rss_mib']:.0f} MiB** |

Runs: raw {", ".join(f"{x:.1f}" for x in raw)} s; end to end {", ".join(f"{x:.1f}" for x in e2e)} s.
"""
    print(body)
    if args.write:
        update_section("bench_speed", body)


if __name__ == "__main__":
    main()

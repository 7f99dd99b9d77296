"""End to end against the model: ``corroborate score`` on real news vs raw torch ``encode``.

Paired in one run, alternating, each in a fresh process (medians of ``--repeats``):

* **end to end**: the pipeline as ``corroborate score CORPUS -o OUT --no-cache`` runs it
  (read, copies, claims, events, parse, embed, cluster, score, write every output file),
  timed from before the imports to the last file written; the backend is the model
  file's unless ``--backend`` is given. The embedding cache is off, so every distinct
  text is embedded.
* **raw**: sentence-transformers' ``encode`` (torch fp32, batch 64, normalised) of exactly
  the claims that run kept, every copy included; the model loaded before the clock starts.

claims/s = claims kept / seconds; the ratio end to end / raw is the goal (>= 1.2).
Peak memory: maximum RSS of the end-to-end process (goal <= 1.5 GB).

    python benchmarks/bench_speed.py [--corpus /tmp/realnews/dev/full/corpus.jsonl] [--repeats 3]
        [--backend onnx-int8] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results import commit, machine, update_section  # noqa: E402

CORPUS = Path("/tmp/realnews/dev/full/corpus.jsonl")


def child_e2e(corpus: Path, out: Path, backend: str | None) -> None:
    started = time.perf_counter()
    from corroborate import Config, Corroborator, write_outputs

    cfg = Config.default().replace(cache=False, backend=backend)
    est = Corroborator(config=cfg).fit(corpus)
    write_outputs(est.report(), out)
    seconds = time.perf_counter() - started
    print(json.dumps({"claims": len(est.claims_), "distinct": int(est.claims_["text"].nunique()),
                      "seconds": seconds, "backend": cfg.backend,
                      "timings": {k: round(v, 1) for k, v in est.timings_.items()},
                      "embedded": est.embedding_stats_}))


def child_raw(claims_file: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    from corroborate.embed.sbert import resolve_model_path

    texts = [json.loads(line)["text"] for line in claims_file.open(encoding="utf-8")]
    model = SentenceTransformer(str(resolve_model_path("default")), device="cpu", local_files_only=True)
    model.encode(texts[:64], batch_size=64)
    started = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                 show_progress_bar=False)
    print(json.dumps({"claims": len(texts), "seconds": time.perf_counter() - started,
                      "threads": torch.get_num_threads()}))


def spawn_measured(args: list[str]) -> tuple[dict[str, Any], float, float]:
    """Run this file as a child: its JSON line, wall seconds and peak RSS in MiB (wait4 on that child)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {args[:2]} failed (rerun it by hand: {' '.join(args)})")
    return json.loads(out.strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--backend", default=None, help="embedding backend of the end-to-end runs")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--child", choices=["e2e", "raw"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "e2e":
        child_e2e(args.corpus, args.out, args.backend)
        return
    if args.child == "raw":
        child_raw(args.out)
        return
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus}: build the real-news dev corpus first (../shared/realnews/README.md)")

    e2e: list[tuple[dict[str, Any], float, float]] = []
    raw: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for r in range(args.repeats):
            e2e.append(spawn_measured(["--child", "e2e", "--corpus", str(args.corpus), "--out", str(out),
                                       *(["--backend", args.backend] if args.backend else [])]))
            print("end to end", e2e[-1], file=sys.stderr)
            raw.append(spawn_measured(["--child", "raw", "--out", str(out / "claims.jsonl")])[0])
            print("raw", raw[-1], file=sys.stderr)
    info = e2e[-1][0]
    n = info["claims"]
    e2e_s = statistics.median(w for _, w, _ in e2e)
    raw_s = statistics.median(x["seconds"] for x in raw)
    peak = statistics.median(p for _, _, p in e2e)
    timings = ", ".join(f"{k} {v}" for k, v in info["timings"].items())
    body = f"""## Speed and memory on real news (bench_speed.py, issue 12)

Command: `python benchmarks/bench_speed.py --corpus {args.corpus} --repeats {args.repeats}{' --backend ' + args.backend if args.backend else ''} --write`
Machine: {machine()}, CPU only; commit {commit()}. Corpus: the real-news dev corpus ({n:,} claims kept,
{info['distinct']:,} distinct). End to end: a fresh process runs the pipeline with backend `{info['backend']}` and
the embedding cache off, from its imports to the last output file. Raw: torch fp32 `encode` of the same {n:,}
claims (batch 64), model loaded first, in a fresh process. Medians of {args.repeats} alternating runs.

| measure | value |
|---|---|
| raw torch fp32 `encode` of the claims | {n / raw_s:.0f} claims/s ({raw_s:.0f} s) |
| end to end, imports and model load included | {n / e2e_s:.0f} claims/s ({e2e_s:.0f} s) |
| **ratio end to end / raw** (goal >= 1.2) | **{raw_s / e2e_s:.2f}** |
| **peak memory** of the end-to-end process (goal <= 1.5 GB) | **{peak:,.0f} MiB** |
| stages of the last run (s) | {timings} |

Runs: end to end {", ".join(f"{w:.0f}" for _, w, _ in e2e)} s (peak {", ".join(f"{p:,.0f}" for _, _, p in e2e)} MiB);
raw {", ".join(f"{x['seconds']:.0f}" for x in raw)} s.
"""
    print(body)
    if args.write:
        update_section("bench_speed", body)


if __name__ == "__main__":
    main()

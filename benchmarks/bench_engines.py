"""The Dask engine beside the local one, on the generated stream (issue 22).

Two measurements, each engine in its own process (so that each has its own peak memory):

* ``stages``: the stages whose work on each article or claim the engine sends to its workers,
  on ``--claims`` sentences (default 1M): sentence splitting (``split_articles``), claim
  extraction (``extract_claims``), the reading of every claim (``analyse_claims``) and embedding
  (``CachedEmbedder`` without a cache, as the pipeline calls it).
* ``whole``: the whole run (``Corroborator.fit``, the report, the files) on ``--whole``
  sentences (default 100k), with every stage's seconds, to show what the rest costs beside the
  distributed stages, and whether the files of both engines are the same (their SHA-256).

The stand-ins of ``bench_pipeline.py`` are used, and named in the results: hashed bags of words
for the sentence vectors (``bench_scale.HashedEmbedder``) and the surface reader for the spaCy
parse, in the calling process and on every worker. The Dask engine is a ``LocalCluster`` of
``--workers`` single-threaded processes on this machine; "peak memory" is each process's
largest resident set (``ru_maxrss``): the caller's, and each worker's.

    python benchmarks/bench_engines.py [--claims 1000000] [--whole 100000] [--workers 2] [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from benchmarks.bench_pipeline import STAGES, _surface_reader  # noqa: E402
from benchmarks.bench_scale import SENTENCES_PER_ARTICLE, HashedEmbedder  # noqa: E402
from benchmarks.gen_stream import generate_stream  # noqa: E402

COMPARED = ("claims.jsonl", "clusters.jsonl", "events.jsonl")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _engine(name: str, workers: int):  # type: ignore[no-untyped-def]
    from corroborate.engines import DaskEngine, LocalEngine
    if name == "local":
        _surface_reader()
        return LocalEngine()
    engine = DaskEngine(workers=workers).start()
    engine.client.run(_surface_reader)
    return engine


def _worker_peaks(engine) -> list[float]:  # type: ignore[no-untyped-def]
    if engine.name == "local":
        return []
    return sorted(engine.client.run(_peak_mb).values())


def stages(name: str, n: int, workers: int) -> dict:
    import numpy as np

    from corroborate.embed import CachedEmbedder
    from corroborate.embed.remote import EngineEmbedder, PickledEmbedder
    from corroborate.text.claims import extract_claims
    from corroborate.text.parse_cache import split_articles
    from corroborate.text.parsing import analyse_claims
    articles = generate_stream(int(n / SENTENCES_PER_ARTICLE) + 1, seed=0)
    engine = _engine(name, workers)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    sentences = split_articles(articles["text"].tolist(), engine=engine)
    seconds["split"] = time.perf_counter() - clock
    clock = time.perf_counter()
    claims, _ = extract_claims(articles, sentences=sentences, engine=engine)
    seconds["claims"] = time.perf_counter() - clock
    clock = time.perf_counter()
    attribution, quantities = analyse_claims(claims, approx_rel_width=0.1, engine=engine, published=dict(
        zip(articles["article_id"], articles["published_at"], strict=True)))
    seconds["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    inner = HashedEmbedder() if name == "local" else EngineEmbedder(
        PickledEmbedder.of(HashedEmbedder()), "hashing-384", engine)
    vectors = CachedEmbedder(inner, None).encode(claims["text"].tolist())
    seconds["embed"] = time.perf_counter() - clock
    digest = hashlib.sha256()
    digest.update(json.dumps([[(s.start, s.end) for s in doc] for doc in sentences]).encode())
    digest.update(attribution.to_csv().encode() + quantities.to_csv().encode())
    digest.update(np.ascontiguousarray(vectors).tobytes())
    row = {"engine": name, "claims": int(len(claims)), "articles": int(len(articles)), "seconds": seconds,
           "peak_mb": _peak_mb(), "worker_peak_mb": _worker_peaks(engine), "sha256": digest.hexdigest()[:16]}
    if name != "local":
        engine.close()
    return row


def whole(name: str, n: int, workers: int) -> dict:
    from corroborate import Config, Corroborator
    from corroborate.report.files import write_outputs
    articles = generate_stream(int(n / SENTENCES_PER_ARTICLE) + 1, seed=0).drop(columns=["gold_event"])
    engine = _engine(name, workers)
    with tempfile.TemporaryDirectory() as tmp:
        est = Corroborator(embedder=HashedEmbedder(), config=Config.default().replace(cache=False), engine=engine)
        started = time.perf_counter()
        est.fit(articles)
        fitted = time.perf_counter()
        report = est.report()
        reported = time.perf_counter()
        paths = write_outputs(report, tmp)
        written = time.perf_counter()
        digest = hashlib.sha256(b"".join(paths[f].read_bytes() for f in COMPARED)).hexdigest()[:16]
    seconds = {**est.timings_, "report": reported - fitted, "write": written - reported}
    row = {"engine": name, "claims": int(len(est.claims_)), "articles": int(len(articles)),
           "seconds": {s: float(seconds.get(s, 0.0)) for s in STAGES}, "total_s": written - started,
           "peak_mb": _peak_mb(), "worker_peak_mb": _worker_peaks(engine), "sha256": digest}
    if name != "local":
        engine.close()
    return row


def _run(kind: str, name: str, n: int, workers: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", kind, name, str(n), str(workers)],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{kind} on {name} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _memory(row: dict) -> str:
    workers = row["worker_peak_mb"]
    return f"{row['peak_mb']:,.0f} MB" + (f" + workers {', '.join(f'{w:,.0f}' for w in workers)} MB"
                                          if workers else "")


def table(kind: str, rows: list[dict]) -> str:
    names = [r["engine"] if r["engine"] == "local" else f"dask ({len(r['worker_peak_mb'])} workers)" for r in rows]
    lines = [f"| {'stage' if kind == 'stages' else 'stage (whole run)'} | " + " | ".join(names) + " | ratio |",
             "|---|" + "---|" * len(rows) + "---|"]
    keys = list(rows[0]["seconds"]) + ["total"]
    for key in keys:
        values = [sum(r["seconds"].values()) if key == "total" and kind == "stages" else
                  r["total_s"] if key == "total" else r["seconds"][key] for r in rows]
        ratio = f"{values[1] / values[0]:.2f}" if len(values) == 2 and values[0] >= 0.05 else "–"
        lines.append(f"| {key} | " + " | ".join(f"{v:.1f} s" for v in values) + f" | {ratio} |")
    lines.append("| peak memory | " + " | ".join(_memory(r) for r in rows) + " | |")
    lines.append("| claims, articles | " + " | ".join(f"{r['claims']:,}, {r['articles']:,}" for r in rows) + " | |")
    same = "yes" if len({r["sha256"] for r in rows}) == 1 else "**no**"
    lines.append(f"| same results (SHA-256) | {same} | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--whole", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--one", nargs=4, metavar=("KIND", "ENGINE", "N", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, name, n, workers = args.one
        print(json.dumps((stages if kind == "stages" else whole)(name, int(n), int(workers))))
        return
    from benchmarks.results import commit, machine, update_section
    parts = []
    for kind, n in (("whole", args.whole), ("stages", args.claims)):
        if n:
            rows = [_run(kind, name, n, args.workers) for name in ("local", "dask")]
            parts.append(table(kind, rows))
            print(parts[-1], flush=True)
    if args.write:
        command = " ".join(a for a in sys.argv[1:] if a != "--write")
        update_section("bench_engines", "\n".join([
            "## The Dask engine beside the local one (bench_engines.py, issue 22)", "",
            f"Commit {commit()}, {machine()}. `python benchmarks/bench_engines.py {command}`. Generated stream "
            "(seed 0); hashed 384-d vectors and the surface reader instead of the model and the spaCy parse "
            "(bench_pipeline.py's stand-ins); no cache. Each engine in its own process.", "",
            "\n\n".join(parts)]))

if __name__ == "__main__":
    main()

"""Does the embedding cache stay fast when it holds a million vectors? Lookups per second.

A cache folder is filled with ``N`` random 384-d vectors (10k, then 1M rows), under one model
identity, in batches as a run writes them; then 20,000 keys are looked up with
:meth:`corroborate.embed.cache.EmbeddingCache.get_many` (the call a run makes): all present,
then all absent. Reported: rows, file size, seconds to fill, and lookups per second (median
of 5 rounds, each in a fresh connection so nothing is warm in Python).

    python benchmarks/bench_cache.py [--sizes 10000,1000000] [--write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path.cwd()))

from corroborate.embed.cache import EmbeddingCache, text_key  # noqa: E402

MODEL = "bench-384"
LOOKUPS = 20_000
BATCH = 10_000


def one(n: int, folder: Path) -> dict:
    rng = np.random.default_rng(0)
    cache = EmbeddingCache(folder)
    started = time.perf_counter()
    for lo in range(0, n, BATCH):
        vectors = rng.normal(size=(min(BATCH, n - lo), 384)).astype(np.float32)
        cache.put_many(MODEL, [(text_key(f"sentence {lo + i}"), v) for i, v in enumerate(vectors)])
    fill = time.perf_counter() - started
    cache.close()
    present = [text_key(f"sentence {i}") for i in rng.choice(n, size=min(LOOKUPS, n), replace=False)]
    absent = [text_key(f"missing {i}") for i in range(LOOKUPS)]
    rates = {}
    for name, keys in (("present", present), ("absent", absent)):
        rounds = []
        for _ in range(5):
            fresh = EmbeddingCache(folder)
            started = time.perf_counter()
            found = fresh.get_many(MODEL, keys)
            rounds.append(len(keys) / (time.perf_counter() - started))
            fresh.close()
            assert len(found) == (len(keys) if name == "present" else 0)
        rates[name] = statistics.median(rounds)
    return {"rows": n, "mb": (folder / "embeddings.sqlite3").stat().st_size / 2**20, "fill_s": fill,
            "present_per_s": rates["present"], "absent_per_s": rates["absent"]}


def table(rows: list[dict]) -> str:
    lines = ["| rows | file (MB) | fill (s) | lookups/s, present | lookups/s, absent |", "|---|---|---|---|---|"]
    lines += [f"| {r['rows']:,} | {r['mb']:,.0f} | {r['fill_s']:.1f} | {r['present_per_s']:,.0f} | "
              f"{r['absent_per_s']:,.0f} |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,1000000")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(one(n, Path(tmp)))
        print(rows[-1], flush=True)
    text = table(rows)
    print(text)
    if args.write:
        from benchmarks.results import commit, machine, update_section
        update_section("bench_cache", "\n".join([
            "## The embedding cache at a million vectors (bench_cache.py, issue 21)", "",
            f"Commit {commit()}, {machine()}. `python benchmarks/bench_cache.py --write`. Random 384-d vectors; "
            f"{LOOKUPS:,} keys per lookup call, median of 5 rounds, each in a fresh connection (so the time "
            "includes opening the file, as a run's first lookup does).", "", text, "",
            "- Until commit 93eb181 every open ran `PRAGMA quick_check`, which reads the whole file (about "
            "1 s per 2 GB on this machine): at a million rows that was 9,899 lookups a second, 8x slower "
            "than at 10k. A file over 32 MiB is now checked by its header and schema when opened, and a "
            "malformed page met by a query sets it aside (tests/test_runs.py).",
            "- The rowid layout holds a vector in 2.0 KB. The former WITHOUT ROWID layout took 4.5 KB and "
            "2.9x the time to fill (10k rows: 45 MB and 0.84 s against 20 MB and 0.29 s)."]))


if __name__ == "__main__":
    main()

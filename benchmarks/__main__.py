"""One entry point for the benchmarks: ``python -m benchmarks run --suite quality [--write]``.

Suites:

* ``quality``: the confidence against its baselines on held-out folds
  (benchmarks/quality.py), then structured truth discovery on DAFNA
  (benchmarks/bench_truth.py);
* ``speed``: benchmarks/bench_speed.py.

``--write`` replaces each benchmark's section of benchmarks/RESULTS.md.
``corroborate bench`` runs the same from a source checkout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _script(name: str, write: bool) -> int:
    cmd = [sys.executable, str(HERE / name)] + (["--write"] if write else [])
    return subprocess.run(cmd, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a suite of benchmarks")
    run.add_argument("--suite", choices=["quality", "speed"], default="quality")
    run.add_argument("--realnews", type=Path, default=Path("/tmp/realnews/dev/full"),
                     help="real-news dev corpus (skipped when absent)")
    run.add_argument("--world-seeds", default="5,6,7",
                     help="synthetic-world seeds to judge the packaged model on (never used by tune: 0-4)")
    run.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    if args.suite == "speed":
        return _script("bench_speed.py", args.write)
    sys.path.insert(0, str(HERE.parent))
    from benchmarks.quality import run as quality

    seeds = [int(s) for s in args.world_seeds.split(",") if s.strip()]
    quality(args.realnews if args.realnews.is_dir() else None, seeds, args.write)
    return _script("bench_truth.py", args.write)


if __name__ == "__main__":
    sys.exit(main())

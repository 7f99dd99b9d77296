"""Torch threads under contention: raw ``encode`` speed at each thread count, idle and with one core busy.

    python benchmarks/bench_threads.py [--threads 1,2] [--sentences 1500]

A second process spinning on one core stands for the other work a user's machine does.
Medians of 2 runs per setting; prints sentences/s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, news_sentences  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--sentences", type=int, default=1500)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    import torch

    from corroborate.embed.sbert import _load, resolve_model_path

    sentences = news_sentences(args.data)[:args.sentences]
    model = _load(resolve_model_path("default"), "cpu")
    model.encode(sentences[:64])
    for busy in (False, True):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        try:
            for n in (int(x) for x in args.threads.split(",")):
                torch.set_num_threads(n)
                times = []
                for _ in range(2):
                    started = time.perf_counter()
                    model.encode(sentences, batch_size=64)
                    times.append(time.perf_counter() - started)
                print(f"{'one core busy' if busy else 'idle'}: {n} threads, "
                      f"{len(sentences) / statistics.median(times):.0f} sentences/s", flush=True)
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the `truthdiscovery` package's algorithms on observation triples (peer baseline).

Runs inside the benchmark-only environment (.venv-bench, see setup.sh); reads a
TSV of ``source, item, value`` and writes one JSON line per (method, item):
the most believed value (ties: the smallest) and its belief.

    .venv-bench/bin/python benchmarks/peers/run_truthdiscovery.py IN.tsv OUT.jsonl
"""

import csv
import json
import sys
import time

from truthdiscovery import AverageLog, Dataset, Investment, PooledInvestment, Sums, TruthFinder

METHODS = {"Sums": Sums, "AverageLog": AverageLog, "Investment": Investment,
           "PooledInvestment": PooledInvestment, "TruthFinder": TruthFinder}


def number_or_text(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8", newline="") as fh:
        triples = [(s, i, number_or_text(v)) for s, i, v in csv.reader(fh, delimiter="\t")]
    data = Dataset(triples)
    with open(dst, "w", encoding="utf-8") as out:
        for name, algorithm in METHODS.items():
            started = time.perf_counter()
            result = algorithm().run(data)
            seconds = time.perf_counter() - started
            for item, beliefs in result.belief.items():
                top = max(beliefs.values())
                value = min((v for v, b in beliefs.items() if b == top), key=str)
                out.write(json.dumps({"method": name, "item": item, "value": value,
                                      "confidence": float(top), "seconds": seconds}) + "\n")
            print(f"{name}: {seconds:.1f} s, {result.iterations} iterations", file=sys.stderr)


if __name__ == "__main__":
    main()

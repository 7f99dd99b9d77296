"""Did a change move any result? Compare two output folders of ``corroborate score``.

    python benchmarks/compare_runs.py BEFORE_DIR AFTER_DIR [BEFORE_DIR2 AFTER_DIR2 ...]

For ``claims.jsonl``, ``clusters.jsonl`` and ``events.jsonl`` it says **identical** (the same
bytes), or **equivalent** (the same partitions of claims into clusters and of articles into
events, and every value equal once numbers are compared within ``--tolerance``, 1e-9 by
default), or **different**, with the first differences. Exit status 1 when anything differs.
Issue 19 (the stage packages) used it on the example corpus and both real-news dev corpora.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

FILES = ("claims.jsonl", "clusters.jsonl", "events.jsonl")
#: the fields that only number things: compared as partitions, not as values
LABELS = {"claims.jsonl": ("cluster_id", "event_id"), "clusters.jsonl": ("cluster_id", "event_id"),
          "events.jsonl": ("event_id",)}
#: what identifies a row whatever its label
KEYS = {"claims.jsonl": "claim_id", "clusters.jsonl": "claim_ids", "events.jsonl": "article_ids"}


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(row: dict[str, Any], field: str) -> str:
    value = row.get(field)
    return json.dumps(sorted(value) if isinstance(value, list) else value)


def close(a: Any, b: Any, tolerance: float, where: str, out: list[str]) -> None:
    """Append to ``out`` where ``a`` and ``b`` differ beyond ``tolerance`` (numbers) or at all."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None or b is None:
        if a != b:
            out.append(f"{where}: {a!r} != {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not (a == b or math.isclose(a, b, rel_tol=0.0, abs_tol=tolerance)):
            out.append(f"{where}: {a!r} != {b!r}")
    elif isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            close(a.get(k), b.get(k), tolerance, f"{where}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{where}: {len(a)} items != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            close(x, y, tolerance, f"{where}[{i}]", out)
    elif a != b:
        out.append(f"{where}: {a!r} != {b!r}")


def _partition(rows: list[dict[str, Any]], key: str, label: str) -> set[frozenset[str]]:
    groups: dict[Any, set[str]] = {}
    for row in rows:
        groups.setdefault(row.get(label), set()).update(
            row[key] if isinstance(row[key], list) else [row[key]])
    return {frozenset(g) for g in groups.values()}


def compare_file(before: Path, after: Path, tolerance: float) -> tuple[str, list[str]]:
    name = before.name
    if before.read_bytes() == after.read_bytes():
        return "identical", []
    old, new = _rows(before), _rows(after)
    problems: list[str] = []
    key = KEYS[name]
    for label in LABELS[name]:
        if label == "cluster_id" and name == "clusters.jsonl":
            continue
        if _partition(old, key, label) != _partition(new, key, label):
            problems.append(f"{name}: the partition by {label} differs")
    by_key = {_key(r, key): r for r in new}
    for row in old:
        other = by_key.get(_key(row, key))
        if other is None:
            problems.append(f"{name}: row {_key(row, key)[:80]} is missing after")
            continue
        strip = set(LABELS[name])
        close({k: v for k, v in row.items() if k not in strip},
              {k: v for k, v in other.items() if k not in strip}, tolerance, f"{name} {_key(row, key)[:40]}",
              problems)
    if len(old) != len(new):
        problems.append(f"{name}: {len(old)} rows before, {len(new)} after")
    return ("equivalent" if not problems else "different"), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="pairs: BEFORE AFTER [BEFORE AFTER ...]")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args(argv)
    if len(args.folders) % 2:
        parser.error("give the folders in pairs: BEFORE AFTER")
    status = 0
    for before, after in zip(args.folders[::2], args.folders[1::2], strict=True):
        print(f"{before} -> {after}")
        for name in FILES:
            verdict, problems = compare_file(before / name, after / name, args.tolerance)
            print(f"  {name:15} {verdict}")
            for line in problems[:10]:
                print(f"      {line}")
            status |= verdict == "different"
    return status


if __name__ == "__main__":
    sys.exit(main())

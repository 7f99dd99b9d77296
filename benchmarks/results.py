"""Keep benchmarks/RESULTS.md up to date: each benchmark owns one marked section."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPU cores ({cpu}){mem}, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True, cwd=RESULTS.parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def update_section(name: str, body: str) -> None:
    """Replace (or append) the section between the markers for ``name``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def set_model_settings(path: Path, changes: dict[str, dict[str, object]]) -> None:
    """Set ``{section: {key: value}}`` in the settings of a model file (models/default.json),
    leaving its confidence model alone. Rerun ``corroborate tune`` afterwards: the confidence
    was fitted with the old settings."""
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    for section, values in changes.items():
        if section not in doc["settings"]:
            raise SystemExit(f"{path}: no settings section {section!r}")
        doc["settings"][section].update(values)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def growth(t1: float, t2: float, n1: float, n2: float) -> float:
    """The growth exponent between two sizes: ``log(t2 / t1) / log(n2 / n1)`` (1 is linear)."""
    import math
    return math.log(t2 / t1) / math.log(n2 / n1)


def run_sizes(script: str, sizes: list[int]) -> list[dict]:
    """``script --one N`` for each size, each in its own process (its peak memory is its own),
    from the current directory (another checkout measures another commit); the JSON rows."""
    import json
    import signal
    import sys
    # a SIGTERM to this process becomes an exception, on which subprocess.run kills the size's
    # process too: killing the benchmark must not leave a million-claim run going behind it
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, script, "--one", str(n)], capture_output=True, text=True,
                             check=True, cwd=Path.cwd())
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    return rows


def scale_main(script: str, doc: str, default_sizes: str, one, table, section: str,  # type: ignore[no-untyped-def]
               title: str, how: str) -> None:
    """The command line of a benchmark over sizes: ``--sizes`` (each in its own process, see
    :func:`run_sizes`), ``--write`` (section ``section`` of RESULTS.md, headed ``title``,
    then the commit, the machine, the command and ``how``)."""
    import argparse
    import json
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--sizes", default=default_sizes)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    text = table(run_sizes(script, [int(s) for s in args.sizes.split(",")]))
    print(text)
    if args.write:
        update_section(section, "\n".join([
            title, "", f"Commit {commit()}, {machine()}. `python benchmarks/{Path(script).name} --write`. {how}",
            "", text]))

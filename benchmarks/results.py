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


def replace_model_block(path: Path, name: str, block: str) -> None:
    """Replace the lines between ``# <name>`` and ``# </name>`` of a scoring file."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(# <{name}>\n).*?(# </{name}>\n)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no '# <{name}>' ... '# </{name}>' block to replace")
    path.write_text(pattern.sub(lambda m: m.group(1) + block + m.group(2), text), encoding="utf-8")

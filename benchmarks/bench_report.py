"""The HTML report on a scored corpus: render time, file size, load and filter time in Chromium.

Score a corpus first (``corroborate score CORPUS -o OUTDIR``), then::

    python benchmarks/bench_report.py OUTDIR [--repeats 5] [--write]

* render: ``corroborate report OUTDIR -f html`` in a fresh process (read the
  output files, build the sheets, render), wall seconds; no model is loaded.
* size: bytes of ``report.html``.
* load, in headless Chromium (Debian's, flags of tests/browser.py), one browser,
  a new navigation per run from ``file://``: first contentful paint, ``domInteractive``
  (the whole page parsed), ``loadEventEnd``, and *ready*: when the page's script
  has run (search, filters and claim lists work), all from navigation start.
* filter: one confidence-filter change over every card, timed in the page.

Medians over ``--repeats`` runs. Goals (issue 10): size <= 10 MB, ready <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results import commit, machine, update_section  # noqa: E402
from tests import browser  # noqa: E402

LOAD = """
const t = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
return [paint ? paint.startTime : null, t.domInteractive, t.loadEventEnd,
        Number(document.body.getAttribute('data-ready-ms')) || null, document.querySelectorAll('article.card').length,
        document.querySelectorAll('section.sheet').length];
"""
FILTER = """
const el = document.getElementById('cmin');
const t0 = performance.now();
el.value = '0.5'; el.dispatchEvent(new Event('change'));
const t1 = performance.now();
el.value = '0'; el.dispatchEvent(new Event('change'));
return t1 - t0;
"""


def render(outdir: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "corroborate.cli", "report", str(outdir), "-f", "html"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def load(driver, page: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    driver.get("about:blank")
    driver.get(page)
    for _ in range(200):
        if driver.execute_script("return document.body && document.body.hasAttribute('data-ready-ms')"):
            break
        time.sleep(0.02)
    paint, interactive, loaded, ready, cards, sheets = driver.execute_script(LOAD)
    return {"paint": (paint or 0) / 1000, "interactive": interactive / 1000, "load": loaded / 1000,
            "ready": (ready or loaded) / 1000, "filter": driver.execute_script(FILTER) / 1000,
            "cards": cards, "sheets": sheets}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path, help="a folder written by `corroborate score`")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--label", default=None, help="what the corpus is, for RESULTS.md")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()
    why = browser.missing()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 1
    renders = [render(args.outdir) for _ in range(args.repeats)]
    html = args.outdir / "report.html"
    size = html.stat().st_size
    with browser.chromium() as driver:
        runs = [load(driver, html.resolve().as_uri()) for _ in range(args.repeats)]
    med = {k: statistics.median(r[k] for r in runs) for k in ("paint", "interactive", "load", "ready", "filter")}
    label = args.label or str(args.outdir)
    lines = [
        f"Corpus: {label}; {runs[0]['sheets']} event sheets, {runs[0]['cards']} evidence cards.",
        "",
        "| measure | median | goal |",
        "|---|---|---|",
        f"| render (`corroborate report OUTDIR -f html`, fresh process) | {statistics.median(renders):.2f} s | |",
        f"| report.html size | {size / 1e6:.2f} MB | <= 10 MB |",
        f"| Chromium: first contentful paint (the top of the page is readable) | {med['paint']:.2f} s | |",
        f"| Chromium: DOM interactive (the whole page parsed) | {med['interactive']:.2f} s | |",
        f"| Chromium: load event end | {med['load']:.2f} s | |",
        f"| Chromium: filter script ready (cards counted) | {med['ready']:.2f} s | <= 2 s |",
        f"| one confidence filter over all cards | {1000 * med['filter']:.0f} ms | |",
        "",
        f"{args.repeats} runs each; `python benchmarks/bench_report.py {args.outdir} --repeats {args.repeats}`; "
        f"commit {commit()}; {machine()}.",
    ]
    body = "\n".join(lines)
    print(body)
    if args.write:
        update_section("HTML report (bench_report.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

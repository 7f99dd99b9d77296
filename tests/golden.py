"""Golden files of the example corpus: its report.md and the JSON of its Report.

tests/test_golden.py compares a fresh run with them, so a change of wording or
score shows up in review. After a deliberate change, regenerate them (and the
screenshot in docs/ used by the README) with::

    .venv/bin/python -m tests.golden

and review the diff like code.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nk-troops"
GOLDEN = Path(__file__).resolve().parent / "golden" / "nk-troops"
SCREENSHOT = ROOT / "docs" / "report.png"


def normalise(value: Any, digits: int = 4) -> Any:
    """The report's JSON with floats rounded to ``digits``, so that the last bits of the
    model's arithmetic on another CPU do not count as a change, and paths relative to the checkout."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, str) and str(ROOT) in value:
        return value.replace(str(ROOT) + "/", "")             # the checkout's place is not part of a report
    if isinstance(value, dict):
        return {k: normalise(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, digits) for v in value]
    return value


def report_json(report: Any) -> str:
    return json.dumps(normalise(report.to_dict()), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def example_report(embedder: Any = None) -> Any:
    from corroborate import Config, Corroborator

    # no cache: its folder would be named in the settings, and differ between machines
    return Corroborator(embedder=embedder, config=Config.default().replace(cache=False)).fit(EXAMPLE).report()


def main() -> int:
    from corroborate import render_markdown, write_outputs

    report = example_report()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (GOLDEN / "report.json").write_text(report_json(report), encoding="utf-8")
    print(f"wrote {GOLDEN / 'report.md'}\nwrote {GOLDEN / 'report.json'}")
    from . import browser

    why = browser.missing()
    if why:
        print(f"screenshot not refreshed: {why}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as out, browser.chromium(width=1200, height=1500) as driver:
        html = write_outputs(report, out)["report.html"]
        driver.get(html.resolve().as_uri())
        SCREENSHOT.parent.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))
    print(f"wrote {SCREENSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

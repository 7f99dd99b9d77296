"""The example corpus's report.md and Report JSON against the golden files (real model).

A failure here is a change of wording or score: if it is meant, regenerate with
``.venv/bin/python -m tests.golden`` and review the diff.
"""

from __future__ import annotations

import difflib

import pytest

from corroborate import render_markdown

from .golden import GOLDEN, example_report, report_json

pytestmark = pytest.mark.model
HOW = "if the change is meant, run `.venv/bin/python -m tests.golden` and review the diff"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return example_report()          # the default backend of models/default.json, as `make demo` runs


def _diff(expected: str, got: str, name: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(), got.splitlines(), f"golden/{name}", "this run", lineterm="")
    return "\n".join(list(lines)[:60])


@pytest.mark.parametrize("name", ["report.md", "report.json"])
def test_example_matches_its_golden_file(report, name: str) -> None:  # type: ignore[no-untyped-def]
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    got = render_markdown(report) if name == "report.md" else report_json(report)
    assert got == expected, f"{name} changed ({HOW}):\n{_diff(expected, got, name)}"

"""The house stays readable: imports run one way, no circle, no module or function too long.

The measure is benchmarks/layout.py (``python benchmarks/layout.py`` prints it); issue 19 set
the goals pinned here.
"""

from __future__ import annotations

from benchmarks.layout import FLOORS, measure

LAYOUT = measure()

#: long on purpose, with the reason (anything else over the limits fails)
ALLOWED_LONG_FUNCTIONS = {
    # click commands: one parameter per command-line option
    "cli.score", "cli.truth",
    # scikit-learn estimators: every parameter is a constructor keyword (their contract)
    "scoring.truth.__init__",
}


def test_no_import_circle() -> None:
    assert LAYOUT.module_circles == []
    assert LAYOUT.room_circles == []


def test_imports_run_down_the_floors() -> None:
    assert LAYOUT.unplaced == [], f"rooms missing from benchmarks/layout.py FLOORS: {LAYOUT.unplaced}"
    assert LAYOUT.back_up == []


def test_no_late_imports() -> None:
    """No function-level or TYPE_CHECKING import of the package (they hide circles)."""
    assert LAYOUT.late_imports == {}


def test_no_module_too_long() -> None:
    assert LAYOUT.long_modules == []


def test_no_function_too_long() -> None:
    assert sorted(f.where for f in LAYOUT.long_functions if f.where not in ALLOWED_LONG_FUNCTIONS) == []


def test_every_stage_package_says_what_comes_in_and_goes_out() -> None:
    for room in ("ingest", "text", "grouping", "scoring", "training", "embed", "report"):
        doc = LAYOUT.modules[room].path.read_text(encoding="utf-8")
        assert doc.startswith('"""') and "TODO" not in doc.split('"""')[1], room
        assert room in FLOORS

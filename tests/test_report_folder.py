"""`corroborate report OUTDIR` on folders a person edited or a copy cut short, and on undated articles.

Each bad folder must be a clear error (exit 1) naming the file, the line (or
row) and the field, never a traceback and never a report of something else.
The folder is written once per module from the example corpus, then copied
and edited per test.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corroborate import Config, Corroborator, Report, write_outputs
from corroborate.cli import EXIT_INPUT, EXIT_OK, main
from corroborate.errors import InputError
from corroborate.report import render_html, render_markdown
from corroborate.report.fields import REASON_SHAPES
from corroborate.report.templating import day, listed, number, percent, signed
from corroborate.scoring.cluster_score import REASON_VALUES

from .conftest import EXAMPLE, FakeEmbedder

Row = dict[str, Any]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's output folder, written once for the module (never edited: tests edit copies)."""
    out = tmp_path_factory.mktemp("example") / "out"
    report = Corroborator(embedder=FakeEmbedder(), config=Config.default().replace(cache=False)).fit(EXAMPLE).report()
    write_outputs(report, out)
    return out


@pytest.fixture
def folder(written: Path, tmp_path: Path) -> Path:
    """A copy of the example's output folder, to edit."""
    return Path(shutil.copytree(written, tmp_path / "out"))


def _rows(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_rows(path: Path, rows: list[Row]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _edit(path: Path, index: int, change: Callable[[Row], None]) -> None:
    rows = _rows(path)
    change(rows[index])
    _write_rows(path, rows)


def _report_fails(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """Run `corroborate report` on ``folder``: it must fail with exit 1 and write nothing; its message."""
    target = tmp_path / "again"
    assert main(["report", str(folder), "-o", str(target), "-f", "html", "-f", "md"]) == EXIT_INPUT
    captured = capsys.readouterr()
    assert not target.exists()                                  # nothing is written from a bad folder
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    return captured.err.strip()


def _at(folder: Path, name: str, n: int, unit: str = "line") -> str:
    return f"{folder / name}:{unit} {n}"


# ------------------------------------------------------------------ undated articles

def _score(corpus: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corroborate.pipeline.make_embedder", lambda *a, **k: FakeEmbedder())
    assert main(["score", str(corpus), "-o", str(out), "-q", "--no-cache"]) == EXIT_OK


def _no_nan(rows: list[Row]) -> bool:
    return not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r.values())


def test_a_dated_and_an_undated_article_render_in_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "two.jsonl"
    _write_rows(corpus, [
        {"source": "a.example", "title": "Troops sent", "published_at": "2024-03-04",
         "text": "About 10,000 North Korean troops were sent to Russia, officials said on Monday. "
                 "The deployment was confirmed by intelligence agencies."},
        {"source": "b.example", "title": "Bridge opens",
         "text": "A new bridge opened in the city centre after three years of construction. "
                 "The mayor cut the ribbon at noon."}])
    out = tmp_path / "out"
    _score(corpus, out, monkeypatch)            # rendering report.html crashed here: a missing date was NaN
    html, md = (out / "report.html").read_text(encoding="utf-8"), (out / "report.md").read_text(encoding="utf-8")
    assert "undated" in html and "2024-03-04" in html                   # the two event sheets
    assert "## Single-source claims (4)" in md
    report = Report.read(out)
    def undated_first(t: str | None) -> tuple[bool, str]:
        return t is not None, str(t)

    dates = sorted(report.articles["published_at"], key=undated_first)
    assert dates[0] is None and dates[1].startswith("2024-03-04")            # None, never NaN
    assert sorted(report.events["first_seen"], key=undated_first)[0] is None
    assert _no_nan(report.articles.to_dict(orient="records")) and _no_nan(report.events.to_dict(orient="records"))
    assert _no_nan(report.claims.to_dict(orient="records"))
    capsys.readouterr()
    assert main(["report", str(out), "-o", str(tmp_path / "again"), "-f", "html", "-f", "md", "-f", "json",
                 "-f", "csv"]) == EXIT_OK
    assert (tmp_path / "again" / "report.html").read_text(encoding="utf-8") == html
    assert (tmp_path / "again" / "report.md").read_text(encoding="utf-8") == md


def test_a_corpus_without_any_date_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open(EXAMPLE / "metadata.csv", encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh))
    corpus = tmp_path / "undated.jsonl"
    _write_rows(corpus, [{"source": m["source"], "title": m["title"], "url": m["url"],
                          "text": (EXAMPLE / m["file"]).read_text(encoding="utf-8")} for m in meta])
    out = tmp_path / "out"
    _score(corpus, out, monkeypatch)
    report = Report.read(out)
    assert report.summary["first_published"] is None and report.summary["last_published"] is None
    assert set(report.claims["published_at"]) == {None} and set(report.events["first_seen"]) == {None}
    assert any(c.n_sources >= 2 for c in report.clusters)        # cards and sheets are rendered, undated
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "· articles from" not in html and "first seen undated" in html
    assert render_html(report) == html and render_markdown(report) == (out / "report.md").read_text(encoding="utf-8")


def test_template_filters_take_none_and_nan() -> None:
    nan = float("nan")
    assert day(None) == day(nan) == day("") == day(3) == "undated" and day("2024-10-29T01:15:00") == "2024-10-29"
    assert signed(None) == signed(nan) == "n/a" and signed(0.0) == "±0" and signed(1.156) == "+1.16"
    assert percent(None) == percent(nan) == "n/a" and percent(0.912) == "91%"
    assert number(None) == number(nan) == number(float("inf")) == "∞" and number(10000) == "10,000"
    assert number("many") == "many" and listed(None) == ""


def test_every_reason_code_has_the_shape_of_its_values() -> None:
    assert set(REASON_SHAPES) == set(REASON_VALUES)
    for code, shape in REASON_SHAPES.items():
        assert set(shape.required) == set(REASON_VALUES[code]), code


# ------------------------------------------------------------------ a folder edited by hand

def test_a_non_numeric_confidence_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _edit(folder / "clusters.jsonl", 2, lambda r: r.update(confidence="high"))
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {_at(folder, 'clusters.jsonl', 3)}, field 'confidence': expected a number from 0 to 1, "
        "got 'high' (a string)")


@pytest.mark.parametrize("column", ["reliability", "n_claims"])
def test_sources_csv_without_a_column_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               column: str) -> None:
    path = folder / "sources.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [c for c in rows[0] if c != column])
        writer.writeheader()
        writer.writerows([{k: v for k, v in r.items() if k != column} for r in rows])
    err = _report_fails(folder, capsys, tmp_path)
    assert err.startswith(f"error: {_at(folder, 'sources.csv', 1)}, field '{column}': no such column")
    assert "expected the columns source, n_articles" in err


def test_run_json_without_settings_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    del run["settings"]
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {folder / 'run.json'}, field 'settings': missing; expected an object of the run's settings")


def _set_in_claim_quantity(row: Row) -> None:
    row["quantities"][0]["low"] = float("inf")


def _first_with_quantity(folder: Path) -> int:
    return next(i for i, r in enumerate(_rows(folder / "claims.jsonl")) if r["quantities"])


@pytest.mark.parametrize(("name", "change", "field", "expected"), [
    ("clusters.jsonl", lambda r: r.update(confidence=float("nan")), "confidence",
     "expected a finite number, got NaN: corroborate never writes NaN or Infinity"),
    ("clusters.jsonl", lambda r: r.update(confidence=1.5), "confidence", "expected a number from 0 to 1, got 1.5"),
    ("clusters.jsonl", lambda r: r.update(n_sources=-2), "n_sources", "expected a whole number from 0, got -2"),
    ("clusters.jsonl", lambda r: r.update(generic="false"), "generic", "expected true or false, got 'false'"),
    ("clusters.jsonl", lambda r: r.pop("representative"), "representative", "missing; expected a string"),
    ("clusters.jsonl", lambda r: r["reasons"][0]["values"].pop("sources"), "reasons[0].values.sources",
     "missing; expected a whole number from 0"),
    ("clusters.jsonl", lambda r: r["quantities"][0].update(agreement="most"), "quantities[0].agreement",
     "expected a number from 0 to 1, got 'most' (a string)"),
    ("clusters.jsonl", lambda r: r.update(first_seen="last Tuesday"), "first_seen",
     "expected an ISO date or time as text or null, got 'last Tuesday'"),
    ("clusters.jsonl", lambda r: r.update(stance={"asserted": "10"}), "stance.asserted",
     "expected a whole number from 0, got '10'"),
    ("claims.jsonl", lambda r: r.update(cluster_id="3"), "cluster_id", "expected a whole number, got '3'"),
    ("claims.jsonl", lambda r: r.update(text=None), "text", "expected a string, got null"),
    ("articles.jsonl", lambda r: r.update(published_at=1730000000), "published_at",
     "expected an ISO date or time as text or null, got 1730000000 (a whole number)"),
    ("events.jsonl", lambda r: r.update(sources="a.example"), "sources", "expected a list of a string"),
    ("dropped.jsonl", lambda r: r.pop("reason"), "reason", "missing; expected a string"),
])
def test_a_wrong_value_is_named_with_its_line_and_field(folder: Path, capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path, name: str, change: Callable[[Row], None],
                                                        field: str, expected: str) -> None:
    index = 0
    if name == "clusters.jsonl":        # the first cluster with a figure: every field above is there
        index = next(i for i, r in enumerate(_rows(folder / name)) if r["quantities"] and r["reasons"])
    _edit(folder / name, index, change)
    err = _report_fails(folder, capsys, tmp_path)
    assert err.startswith(f"error: {_at(folder, name, index + 1)}, field '{field}': {expected}"), err


def test_infinity_in_a_claims_figure_is_named(folder: Path, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    index = _first_with_quantity(folder)
    _edit(folder / "claims.jsonl", index, _set_in_claim_quantity)
    assert _report_fails(folder, capsys, tmp_path).startswith(
        f"error: {_at(folder, 'claims.jsonl', index + 1)}, field 'quantities[0].low': expected a finite number, "
        "got Infinity")


def test_a_truncated_last_line_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder / "claims.jsonl"
    data = path.read_bytes()
    path.write_bytes(data[:len(data) - 40])
    n = data.count(b"\n")
    assert _report_fails(folder, capsys, tmp_path).startswith(f"error: {_at(folder, 'claims.jsonl', n)}: invalid JSON")


def test_a_number_of_thousands_of_digits_is_named(folder: Path, capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    path = folder / "events.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "\n")                                     # a blank line is skipped, and counted
    lines[2] = lines[2].replace('"n_articles": ', '"n_articles": ' + "9" * 5000 + ", \"x\": ", 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert _report_fails(folder, capsys, tmp_path).startswith(
        f"error: {_at(folder, 'events.jsonl', 3)}, field 'n_articles': ")


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "cannot parse CSV: no header row"),
    (b"source,n_articles,n_claims,n_corroborated_claims,n_numeric_compared,n_numeric_agree,reliability\n"
     b"a.example,1,2,0,0,0\n", "sources.csv:row 1: has 6 fields; the header (line 1) has 7"),
    (b"source,n_articles,n_claims,n_corroborated_claims,n_numeric_compared,n_numeric_agree,reliability\n"
     b"a.example,many,2,0,0,0,0.7\n",
     "sources.csv:row 1, field 'n_articles': expected a whole number from 0, got 'many' (a string)"),
    (b"source,n_articles,n_claims,n_corroborated_claims,n_numeric_compared,n_numeric_agree,reliability\n"
     b"a.example,1,2,0,0,0,nan\n", "sources.csv:row 1, field 'reliability': expected a number from 0 to 1"),
    (b"source,n_articles\n\xe9,1\n", "sources.csv:line 2: not valid UTF-8"),
])
def test_a_broken_sources_csv_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       content: bytes, expected: str) -> None:
    (folder / "sources.csv").write_bytes(content)
    assert expected in _report_fails(folder, capsys, tmp_path)


@pytest.mark.parametrize(("content", "expected"), [
    ("{\"settings\": ", "run.json: cannot read it as JSON"),
    ("[1, 2]", "run.json: expected a JSON object, got list"),
    ("{\"settings\": {\"scoring_version\": \"v\", \"distance_threshold\": NaN, \"reliability_prior_mean\": 0.7}}",
     "run.json, field 'settings.distance_threshold': expected a finite number, got NaN"),
    ("{\"settings\": {\"distance_threshold\": 0.3, \"reliability_prior_mean\": 0.7}}",
     "run.json, field 'settings.scoring_version': missing; expected a string"),
    ("{\"settings\": {\"scoring_version\": \"v\", \"distance_threshold\": 0.3, \"reliability_prior_mean\": 0.7}, "
     "\"summary\": {\"n_claims\": \"many\"}}", "run.json, field 'summary.n_claims': expected a whole number from 0"),
])
def test_a_broken_run_json_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    content: str, expected: str) -> None:
    (folder / "run.json").write_text(content, encoding="utf-8")
    assert expected in _report_fails(folder, capsys, tmp_path)


def test_a_folder_in_place_of_a_file_is_named(folder: Path, capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    (folder / "events.jsonl").unlink()
    (folder / "events.jsonl").mkdir()
    assert _report_fails(folder, capsys, tmp_path) == f"error: {folder / 'events.jsonl'}: not a regular file " \
                                                      "(a folder or a device?); `corroborate score` writes a file"


def test_a_file_too_large_is_refused_before_it_is_read(folder: Path) -> None:
    size = (folder / "run.json").stat().st_size
    with pytest.raises(InputError, match=rf"run.json: {size:,} bytes, more than the 1,000 that `corroborate report`"):
        Report.read(folder, max_file_bytes=1000)
    largest = max(p.stat().st_size for p in folder.iterdir())
    assert Report.read(folder, max_file_bytes=largest).summary["n_claims"] > 0


def test_a_bad_output_folder_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert main(["report", str(folder), "-o", str(tmp_path / "a-file" / "sub")]) == EXIT_INPUT
    assert f"output folder {tmp_path / 'a-file' / 'sub'}: cannot write there" in capsys.readouterr().err


# ------------------------------------------------------------------ a folder that does not hold together

def _claim_lines(folder: Path, cluster_id: int) -> list[int]:
    return [i + 1 for i, r in enumerate(_rows(folder / "claims.jsonl")) if r["cluster_id"] == cluster_id]


def test_a_lost_cluster_is_named_with_the_claims_that_name_it(folder: Path, capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    clusters = _rows(folder / "clusters.jsonl")
    lost = clusters.pop(0)                                     # the first has the most claims
    _write_rows(folder / "clusters.jsonl", clusters)
    lines = _claim_lines(folder, lost["cluster_id"])
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {folder / 'clusters.jsonl'}: cluster {lost['cluster_id']} is named by {len(lines)} claims in "
        f"claims.jsonl (line {shown}) but is not in the file (was it edited or cut short?)")


def test_a_file_cut_short_at_a_line_end_is_found(folder: Path, capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    path = folder / "clusters.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")       # whole lines: valid JSONL
    err = _report_fails(folder, capsys, tmp_path)
    assert err.startswith(f"error: {path}: cluster ") and "is named by" in err and "claims.jsonl (line" in err


def test_a_lost_claim_is_named_with_the_cluster_that_lists_it(folder: Path, capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    claims = _rows(folder / "claims.jsonl")
    lost = claims.pop(3)
    _write_rows(folder / "claims.jsonl", claims)
    line = next(i + 1 for i, r in enumerate(_rows(folder / "clusters.jsonl")) if lost["claim_id"] in r["claim_ids"])
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {folder / 'claims.jsonl'}: claim {lost['claim_id']!r} is listed in 'claim_ids' of cluster "
        f"{lost['cluster_id']} ({_at(folder, 'clusters.jsonl', line)}) but is not in the file "
        "(was it edited or cut short?)")


def test_a_lost_article_is_named_with_the_claims_that_name_it(folder: Path, capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    articles = _rows(folder / "articles.jsonl")
    lost = articles.pop(1)
    _write_rows(folder / "articles.jsonl", articles)
    n = sum(r["article_id"] == lost["article_id"] for r in _rows(folder / "claims.jsonl"))
    err = _report_fails(folder, capsys, tmp_path)
    assert err.startswith(f"error: {folder / 'articles.jsonl'}: article {lost['article_id']!r} is named by {n} "
                          "claim"), err


def test_a_lost_event_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    events = _rows(folder / "events.jsonl")
    lost = events.pop(0)
    _write_rows(folder / "events.jsonl", events)
    assert _report_fails(folder, capsys, tmp_path).startswith(
        f"error: {folder / 'events.jsonl'}: event {lost['event_id']} is named by ")


def test_a_lost_source_row_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lost = lines.pop(2).split(",")[0]
    path.write_text("".join(lines), encoding="utf-8")
    assert _report_fails(folder, capsys, tmp_path).startswith(
        f"error: {path}: source {lost!r} is named by ")


def test_a_cluster_twice_is_named(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    clusters = _rows(folder / "clusters.jsonl")
    _write_rows(folder / "clusters.jsonl", clusters + clusters[:1])
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {_at(folder, 'clusters.jsonl', len(clusters) + 1)}, field 'cluster_id': cluster "
        f"{clusters[0]['cluster_id']} is also on line 1 (each cluster is in the file once)")


def test_a_claim_moved_to_another_cluster_is_named(folder: Path, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    clusters = _rows(folder / "clusters.jsonl")
    claims = _rows(folder / "claims.jsonl")
    i = next(i for i, c in enumerate(claims) if c["cluster_id"] == clusters[0]["cluster_id"])
    claims[i]["cluster_id"] = clusters[1]["cluster_id"]
    _write_rows(folder / "claims.jsonl", claims)
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {_at(folder, 'clusters.jsonl', 1)}, field 'claim_ids': lists claim {claims[i]['claim_id']!r}, "
        f"but that claim names cluster {clusters[1]['cluster_id']} ({_at(folder, 'claims.jsonl', i + 1)})")


def test_a_cluster_count_that_disagrees_with_its_list_is_named(folder: Path, capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    _edit(folder / "clusters.jsonl", 0, lambda r: r.update(n_claims=r["n_claims"] + 1))
    n = len(_rows(folder / "clusters.jsonl")[0]["claim_ids"])
    assert _report_fails(folder, capsys, tmp_path) == (
        f"error: {_at(folder, 'clusters.jsonl', 1)}, field 'n_claims': {n + 1}, but the cluster lists {n} claims "
        "in claim_ids")


@pytest.mark.parametrize("key", ["n_claims", "n_clusters", "n_articles", "n_events", "n_multi_source_clusters",
                                 "n_dropped_sentences"])
def test_run_json_counts_must_match_the_files(folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              key: str) -> None:
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    recorded = run["summary"][key]
    run["summary"][key] = recorded + 1
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    err = _report_fails(folder, capsys, tmp_path)
    assert err.startswith(f"error: {folder / 'run.json'}, field 'summary.{key}': {recorded + 1}, but the files "
                          f"give {recorded} "), err


def test_run_json_sentence_accounting_must_match_the_files(folder: Path, capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    run["summary"]["accounting"]["sentences"]["total"] += 3
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    assert "field 'summary.accounting.sentences.total'" in _report_fails(folder, capsys, tmp_path)


def test_counts_run_json_lacks_are_taken_from_the_files(folder: Path, written: Path, tmp_path: Path) -> None:
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    del run["summary"]
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    assert main(["report", str(folder), "-o", str(tmp_path / "again"), "-f", "md", "-f", "html"]) == EXIT_OK
    for name in ("report.md", "report.html"):
        assert (tmp_path / "again" / name).read_bytes() == (written / name).read_bytes(), name

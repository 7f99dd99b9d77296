"""The report as data and as HTML: structured reasons, the JSON round trip, `corroborate report`,
ClaimReview, the HTML's escaping and its plots. The browser tests are in test_browser.py."""

from __future__ import annotations

import ast
import base64
import hashlib
import html as html_module
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from corroborate import Config, Corroborator, Report, write_outputs
from corroborate.cli import EXIT_INPUT, EXIT_OK, main
from corroborate.report import claim_reviews, reason_text, render, render_html, render_markdown
from corroborate.report.model import CONTEXT_CHARS, _context
from corroborate.report.sheets import PLOT_MARGIN, PLOT_WIDTH, event_sheets, strip
from corroborate.report.templating import safe_url
from corroborate.scoring.cluster_score import REASON_VALUES, Reason
from corroborate.scoring.consensus import Dissent, UnitConsensus

from .conftest import EXAMPLE, FakeEmbedder


@pytest.fixture(scope="module")
def example_report() -> Report:
    return Corroborator(embedder=FakeEmbedder(), config=Config.default().replace(cache=False)).fit(EXAMPLE).report()


# one Reason of every code, with the values its template reads
SAMPLES = {
    "generic": {"events": 7},
    "single_source": {"source": "a.example", "articles": 3},
    "multi_source": {"sources": 4, "independent": 2, "groups": ["pentagon", "copy group 3"]},
    "single_origin": {"outlets": 3, "origin": "fire department"},
    "copies": {"outlets": ["a.example", "b.example"]},
    "one_source_dominates": {"source": "a.example", "articles": 5, "of": 7},
    "single_figure": {"unit": "killed", "value": 2.0},
    "evolving_numbers": {"unit": "killed", "steps": [{"value": 2.0, "first_seen": "2014-01-02T00:00:00"},
                                                     {"value": 3.0, "first_seen": "2014-01-03T00:00:00"}]},
    "conflicting_numbers": {"unit": "troops", "agreement": 0.75, "sources": 4, "consensus": 10000.0,
                            "dissent": [{"value": 40000.0, "source": "d.example"}]},
    "numbers_agree": {"unit": "troops", "sources": 3, "consensus": 10000.0, "low": 9000.0, "high": None},
    "position": {"unit": "killed", "sentence": 2, "lead_share": 0.5},
    "event": {"reports": 6, "stating": 2},
    "source_reliability": {"reliability": {f"s{i}.example": 0.5 + i / 100 for i in range(8)}},
    "contested": {"groups": 1, "deniers": [{"source": "r.example", "origin": "kremlin"}]},
    "hedged": {"hedged": 3, "claims": 4},
}
EXPECTED = {
    "single_source": "only a.example states this (3 articles)",
    "multi_source": "4 sources state this, 2 independently: pentagon, copy group 3",
    "evolving_numbers": "killed: the figure changed over time, so earlier reports are not counted as conflict: "
                        "2 (2014-01-02) → 3 (2014-01-03)",
    "conflicting_numbers": "troops: 75% of 4 sources (by reliability) agree on 10,000; dissent: 40,000 (d.example)",
    "numbers_agree": "troops: all 3 sources agree on 10,000 (9,000–∞)",
    "contested": "denied by 1 independent source: r.example (kremlin)",
    "event": "2 of the 6 reports of this event (outlets or copy groups) state this",
}


def test_every_reason_code_has_words_and_its_values() -> None:
    assert set(SAMPLES) == set(REASON_VALUES)
    for code, values in SAMPLES.items():
        assert set(values) == set(REASON_VALUES[code]), code
        text = reason_text(Reason(code, 0.1, values))
        assert text and text != code and "\n" not in text, code
        if code in EXPECTED:
            assert text == EXPECTED[code]
    assert reason_text(Reason("source_reliability", 0.1, SAMPLES["source_reliability"])).endswith("and 2 more")


def test_reasons_of_a_run_are_facts_not_prose(example_report: Report) -> None:
    for c in example_report.clusters:
        for r in c.reasons:
            assert set(r.values) == set(REASON_VALUES[r.code]), r
            json.dumps(r.values)                      # plain JSON values only


def test_report_read_back_renders_the_same_bytes(example_report: Report, tmp_path: Path) -> None:
    write_outputs(example_report, tmp_path)
    again = Report.read(tmp_path)
    assert again.to_dict() == example_report.to_dict()
    assert render_html(again) == (tmp_path / "report.html").read_text(encoding="utf-8")
    assert render_markdown(again) == (tmp_path / "report.md").read_text(encoding="utf-8")


def test_report_package_never_imports_the_pipeline() -> None:
    # the report is built from plain values: no import cycle with pipeline.py
    for path in (Path(__file__).parent.parent / "corroborate" / "report").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.split(".")[-1] == "pipeline" for m in imported), path.name


def test_cli_report_rerenders_every_format_without_the_model(example_report: Report, tmp_path: Path) -> None:
    write_outputs(example_report, tmp_path / "run")
    code = ("import sys; from corroborate.cli import main; "
            f"rc = main(['report', {str(tmp_path / 'run')!r}, '-o', {str(tmp_path / 'again')!r}, "
            "'-f', 'html', '-f', 'md', '-f', 'json', '-f', 'csv']); "
            "print(rc, 'sentence_transformers' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[-3:] == ["0", "False", "False"]
    again = tmp_path / "again"
    assert (again / "report.html").read_bytes() == (tmp_path / "run" / "report.html").read_bytes()
    assert (again / "report.md").read_bytes() == (tmp_path / "run" / "report.md").read_bytes()
    assert json.loads((again / "report.json").read_text())["summary"] == example_report.summary
    csv = (again / "clusters.csv").read_text().splitlines()
    assert len(csv) == len(example_report.clusters) + 1 and csv[0].startswith("cluster_id,event_id,confidence")


def test_cli_report_names_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "clusters.jsonl").write_text("")
    assert main(["report", str(tmp_path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "not a complete output folder" in err and "run.json" in err and "articles.jsonl" in err


def test_cli_report_names_the_bad_line(example_report: Report, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write_outputs(example_report, tmp_path)
    with open(tmp_path / "clusters.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    assert main(["report", str(tmp_path), "-f", "md"]) == EXIT_INPUT
    n = len(example_report.clusters) + 1
    assert f"clusters.jsonl:line {n}: invalid JSON" in capsys.readouterr().err


def test_claimreview_is_json_ld_for_every_corroborated_cluster(example_report: Report) -> None:
    reviews = claim_reviews(example_report)
    multi = [c for c in example_report.clusters if c.n_sources >= 2 and not c.generic]
    assert [r["identifier"] for r in reviews] == [f"cluster-{c.cluster_id}" for c in multi]
    for r, c in zip(reviews, multi, strict=True):
        assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
        assert r["claimReviewed"] == c.representative
        rating = r["reviewRating"]
        assert rating["@type"] == "Rating" and rating["ratingValue"] == c.confidence
        assert (rating["worstRating"], rating["bestRating"]) == (0, 1)
        appearances = r["itemReviewed"]["appearance"]
        assert r["itemReviewed"]["@type"] == "Claim" and len(appearances) == c.n_articles
        assert {a["publisher"]["name"] for a in appearances} == set(c.sources)
        assert r["author"]["name"] == "corroborate"
        assert r["datePublished"] == example_report.summary["last_published"][:10]
        json.dumps(r)


def test_safe_url_allows_only_http_links() -> None:
    assert safe_url("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_url("http://a.example") == "http://a.example"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>",
                "vbscript:x", "//a.example/x", "/local/path", "file:///etc/passwd", "https://", None, 3,
                "https://a.example/\nx"):
        assert safe_url(bad) is None, bad


def test_html_is_self_contained_and_its_policy_matches_its_script(example_report: Report) -> None:
    html = render_html(example_report)
    # nothing is fetched: every src is a data: URI, no <link>, no url() in the style sheet
    assert all(src.startswith("data:") for src in re.findall(r"""\bsrc=["']([^"']*)""", html))
    assert "<link" not in html and "url(" not in html and "@import" not in html
    assert html.count("<script") == 2 and html.count("<style") == 1
    assert html.count('<script type="application/json" id="claims-data">') == 1     # data, never run
    script = html.split("<script>")[1].split("</script>")[0]
    style = html.split("<style>")[1].split("</style>")[0]
    policy = html_module.unescape(re.search(  # type: ignore[union-attr]
        r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    for text in (script, style):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert ' style="' not in html                                            # the policy would block it


def test_event_sheets_hold_every_card_in_order(example_report: Report) -> None:
    sheets = event_sheets(example_report)
    assert [s.event_id for s in sheets][0] == 0 and len(sheets) == len(example_report.events)
    assert [len(s.sources) for s in sheets] == sorted((len(s.sources) for s in sheets), reverse=True)
    cards = [card for s in sheets for card in s.cards]
    multi = [c for c in example_report.clusters if c.n_sources >= 2 and not c.generic]
    assert sorted(card.rank for card in cards) == list(range(1, len(multi) + 1))
    for s in sheets:
        assert [card.rank for card in s.cards] == sorted(card.rank for card in s.cards)
        assert all(card.score.event_id == s.event_id for card in s.cards)
    top = sheets[0]
    assert "troops" in [f.consensus.unit for f in top.figures]
    html = render_html(example_report)
    positions = [html.index(f'id="event-{s.event_id}"') for s in sheets]
    assert positions == sorted(positions)


def _claim_data(html: str) -> dict:  # type: ignore[type-arg]
    return json.loads(html.split('<script type="application/json" id="claims-data">')[1].split("</script>")[0])


def test_every_claim_of_a_card_is_in_the_page_in_its_context(example_report: Report) -> None:
    html = render_html(example_report)
    data = _claim_data(html)
    multi = {c.cluster_id for c in example_report.clusters if c.n_sources >= 2 and not c.generic}
    assert set(data["cards"]) == {str(c) for c in multi}
    claims = example_report.claims[example_report.claims["cluster_id"].isin(multi)]
    rows = {r[0]: r for rows in data["cards"].values() for r in rows}
    assert len(claims) > 10 and set(rows) == set(claims["claim_id"])
    for c in claims.itertuples():
        _, source, day, article, before, text, after, stance, origin, copy, dissents = rows[c.claim_id]
        assert (source, text, before, after, stance) == (c.source, c.text, c.context_before, c.context_after,
                                                       c.stance)
        assert day == (c.published_at or "")[:10] and isinstance(dissents, bool)
        assert origin is None or isinstance(origin, str)                 # never NaN ("cites nan")
        title, url = data["articles"][article]
        assert title and (url is None or url.startswith("http"))


def test_claim_records_hold_none_for_missing_values(example_report: Report) -> None:
    for r in example_report.claim_records():
        assert not any(isinstance(v, float) and v != v for v in r.values()), r["claim_id"]


def test_context_is_the_article_text_around_the_claim() -> None:
    text = "First sentence here. " * 20 + "The claim itself. " + "After words go on. " * 20
    start = text.index("The claim itself.")
    before, after = _context(text, start, start + len("The claim itself."))
    assert before.startswith("…") and text[:start].endswith(before[1:]) and len(before) <= CONTEXT_CHARS + 1
    assert after.endswith("…") and text[start + len("The claim itself."):].startswith(after[:-1])
    assert _context("Short. Claim.", 7, 13) == ("Short. ", "")


def test_strip_puts_each_figure_on_the_axis_and_flags_dissent() -> None:
    unit = UnitConsensus(unit="troops", consensus=10000.0, low=9000.0, high=11000.0, agreement=0.75,
                         spread=0.0, n_sources=4,
                         dissent=(Dissent("d", 40000.0, 40000.0, 40000.0, ("d:1",)),))
    stated = [{"source": s, "value": v, "low": lo, "high": hi} for s, v, lo, hi in
              [("a", 10000.0, 9000.0, 11000.0), ("b", 12000.0, 10800.0, 13200.0),
               ("c", 3000.0, 3000.0, float("inf")), ("d", 40000.0, 40000.0, 40000.0)]]
    s = strip(unit, stated)
    assert s.log                                     # 3,000 to 40,000 spans more than 10x
    xs = {m.source: m for m in s.marks}
    assert [m.source for m in s.marks] == ["c", "a", "b", "d"]
    assert PLOT_MARGIN <= xs["c"].x < xs["a"].x < xs["b"].x < xs["d"].x <= PLOT_WIDTH - PLOT_MARGIN
    assert xs["c"].x_high == PLOT_WIDTH - PLOT_MARGIN     # "at least 3,000": unbounded to the right
    assert [m.source for m in s.marks if m.dissent] == ["d"]
    assert xs["a"].x_low <= s.x_consensus <= xs["a"].x_high


def test_render_rejects_an_unknown_format(example_report: Report, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(example_report, "pdf", tmp_path)


def test_score_prints_where_the_html_report_is(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corroborate.pipeline.make_embedder",
                        lambda *a, **k: FakeEmbedder())
    assert main(["score", str(EXAMPLE), "-o", str(tmp_path), "-q", "--no-cache"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"open {(tmp_path / 'report.html').resolve().as_uri()}" in out


def test_strip_order_never_depends_on_input_order() -> None:
    unit = UnitConsensus(unit="killed", consensus=3.0, low=3.0, high=3.0, agreement=1.0, spread=0.0, n_sources=2)
    stated = [{"source": "a", "value": 3.0, "low": 3.0, "high": 3.0},
              {"source": "a", "value": 3.0, "low": 2.7, "high": 3.3},
              {"source": "b", "value": 3.0, "low": 3.0, "high": float("inf")}]
    assert strip(unit, stated) == strip(unit, stated[::-1]) == strip(unit, stated[1:] + stated[:1])


def test_report_bytes_do_not_depend_on_the_hash_seed(example_report: Report, tmp_path: Path) -> None:
    write_outputs(example_report, tmp_path / "run")
    outs = []
    for seed in ("1", "2"):
        target = tmp_path / f"seed{seed}"
        subprocess.run([sys.executable, "-m", "corroborate.cli", "report", str(tmp_path / "run"), "-o", str(target),
                        "-f", "html", "-f", "md", "-f", "json"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append([(target / n).read_bytes() for n in ("report.html", "report.md", "report.json")])
    assert outs[0] == outs[1]

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from corroborate import Config, Corroborator, Report, render_markdown, render_table, write_outputs
from corroborate.report import OUTPUT_FILES
from corroborate.report.markdown import md_escape

from .conftest import EXAMPLE, FakeEmbedder

HOSTILE = "About 10,000 troops were <script>alert(1)</script> sent | *really* [here](javascript:x)."


def _report():  # type: ignore[no-untyped-def]
    frame = pd.DataFrame([{"source": "a<b>", "text": HOSTILE}, {"source": "c", "text": HOSTILE + " Yes."}])
    return Corroborator(embedder=FakeEmbedder(),
                        config=Config.default().replace(distance_threshold=0.3)).fit(frame).report()


def test_untrusted_text_cannot_inject_markup() -> None:
    # the reader may turn HTML in a text into plain text; the report must escape whatever reaches it,
    # so the hostile text is put back into the claims and cards as an edited output folder could hold it
    parts = _report().to_dict()
    for claim in parts["claims"]:
        claim["text"] = HOSTILE
    for cluster in parts["clusters"]:
        cluster["representative"] = HOSTILE
    md = render_markdown(Report.from_dict(parts))
    assert "<script>" not in md and "<b>" not in md
    assert r"\<script\>" in md and r"\| \*really\*" in md and r"a\<b\>" in md


def test_md_escape_flattens_lines() -> None:
    assert md_escape("a\n# b | c") == r"a \# b \| c"


def test_outputs_and_fields(tmp_path: Path) -> None:
    paths = write_outputs(_report(), tmp_path)
    assert set(paths) == set(OUTPUT_FILES) and all(p.exists() for p in paths.values())
    cluster = json.loads(paths["clusters.jsonl"].read_text().splitlines()[0])
    for field in ("cluster_id", "claim_ids", "representative", "n_articles", "n_sources",
                  "effective_sources", "quantities", "confidence", "reasons"):
        assert field in cluster
    assert set(cluster["quantities"][0]) >= {"unit", "consensus", "low", "high", "agreement", "dissent"}
    claim = json.loads(paths["claims.jsonl"].read_text().splitlines()[0])
    for field in ("claim_id", "article_id", "source", "sent_idx", "start", "end", "text",
                  "cluster_id", "quantities", "event_id", "evidence_kind", "evidence_name",
                  "copy_kind", "copy_name"):
        assert field in claim
    assert set(claim["quantities"][0]) >= {"unit", "value", "low", "high", "implicit"} if claim["quantities"] \
        else True
    run = json.loads(paths["run.json"].read_text())
    assert run["settings"]["scoring_version"] == Config.default().scoring_version
    assert run["settings"]["confidence_model"]["features"] and run["summary"]["n_claims"] == 2
    assert set(run["settings"]["event_weights"]) >= {"body", "log_closest_days"}


def test_table_fits_the_width() -> None:
    table = render_table(_report(), width=80)
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "2 claims" in table


def test_the_writers_json_form_is_the_reports_own(tmp_path: Path) -> None:
    # write_outputs reads the JSON form kept from Report.build (its claims and clusters made again a
    # row at a time) instead of converting the report again: it must be exactly what to_dict() gives,
    # and what reading the files back gives
    report = Corroborator(embedder=FakeEmbedder(), config=Config.default().replace(cache=False)).fit(EXAMPLE).report()
    kept = report.plain_parts()
    assert kept == report.to_dict()
    assert kept["clusters"] and kept["claims"]
    streamed = report.plain_parts(stream=True)
    assert not isinstance(streamed["claims"], list)
    assert list(streamed["claims"]) == kept["claims"] and list(streamed["clusters"]) == kept["clusters"]
    write_outputs(report, tmp_path)
    assert Report.read(tmp_path).to_dict() == kept
    assert report.plain_parts() == report.to_dict()          # writing changed nothing in it

"""End to end with the real all-MiniLM-L6-v2 model (loaded once per session)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corroborate import Config, Corroborator, write_outputs
from corroborate.cli import EXIT_OK, main

from .conftest import EXAMPLE

pytestmark = pytest.mark.model

TEN_K = re.compile(r"\b(?:10,000|ten thousand)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def example_fit(real_embedder, tmp_path_factory):  # type: ignore[no-untyped-def]
    cache = tmp_path_factory.mktemp("cache")
    return Corroborator(embedder=real_embedder, config=Config.default().replace(cache_dir=str(cache))).fit(EXAMPLE)


def _cluster_of(est: Corroborator, pattern: re.Pattern[str]) -> int:
    hits = est.claims_[est.claims_["text"].str.contains(pattern)]
    return int(hits["cluster_id"].value_counts().idxmax())


def test_real_model_separates_paraphrase_from_unrelated(real_embedder) -> None:  # type: ignore[no-untyped-def]
    a, b, c = real_embedder.encode([
        "About 10,000 North Korean troops have been sent to Russia, the Pentagon said.",
        "The Pentagon said roughly ten thousand North Korean soldiers were deployed to Russia.",
        "The central bank kept its benchmark interest rate unchanged on Tuesday.",
    ])
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-5)
    assert a @ b > 0.7 > 0.2 > a @ c


def test_ten_thousand_finding(example_fit: Corroborator) -> None:
    """EXPECTED.md: the ~10,000-troops claim is the best corroborated one."""
    label = _cluster_of(example_fit, TEN_K)
    top = example_fit.scores_[0]
    assert top.cluster_id == label
    assert top.n_sources >= 5
    troops = {q.unit: q for q in top.quantities}["troops"]
    assert troops.consensus == 10000 and troops.low <= 10000 <= troops.high
    # every claim that counts the troops bears on this one figure: the hedged figures agree,
    # and the lone 40,000 is named as the only dissent
    assert [(d.source, d.value) for d in troops.dissent] == [("bulletin24.example", 40000)]
    assert troops.agreement >= 0.85


def test_independent_origins_copies_and_the_denial(example_fit: Corroborator) -> None:
    """EXPECTED.md: the wire story is one copy group; the claim's origins; the Kremlin denial."""
    top = example_fit.scores_[0]
    assert {"pentagon", "nato"} <= set(top.origins)
    assert ("gws-wire.example", "metro-herald.example", "valley-courier.example") in top.copy_groups
    assert (top.n_sources, top.independent_sources) == (9, 5)
    codes = {r.code for r in top.reasons}
    assert {"copies", "contested"} <= codes
    denial = example_fit.claims_[example_fit.claims_["text"].str.contains("Peskov denied")].iloc[0]
    assert denial["stance"] == "denied" and denial["attributed_to"] == "kremlin"
    assert denial["claim_id"] in top.linked_denials


def test_outlier_is_outranked_or_dissenting(example_fit: Corroborator) -> None:
    """The single outlet claiming 40,000 must not look corroborated: either its claim
    stands alone, or the cluster it joins names it as the dissent; either way far below the top."""
    label = _cluster_of(example_fit, re.compile("40,000"))
    score = next(s for s in example_fit.scores_ if s.cluster_id == label)
    top = example_fit.scores_[0]
    dissent = [d.source for q in score.quantities for d in q.dissent]
    assert score.n_sources == 1 or "bulletin24.example" in dissent
    if label != top.cluster_id:
        assert score.confidence < top.confidence - 0.15


def test_report_shows_the_consensus_interval_and_the_dissenting_source(example_fit: Corroborator) -> None:
    from corroborate import render_markdown

    md = render_markdown(example_fit.report())
    assert "| troops | 10,000 | 9,000–11,000 |" in md
    assert "40,000 (bulletin24.example)" in md
    assert "## Sources" in md
    sources = example_fit.sources_.set_index("source")
    assert sources.loc["bulletin24.example", "reliability"] < sources.loc["pacific-daily.example", "reliability"]


def test_denial_and_unrelated_claims_are_single_source(example_fit: Corroborator) -> None:
    for pattern in ("Peskov denied", "benchmark interest rate", "budget of \\$2.3 million"):
        label = _cluster_of(example_fit, re.compile(pattern))
        score = next(s for s in example_fit.scores_ if s.cluster_id == label)
        assert score.n_sources == 1, pattern


def test_furniture_never_reaches_the_claims(example_fit: Corroborator) -> None:
    text = " ".join(example_fit.claims_["text"])
    for furniture in ("Subscribe", "All rights reserved", "contributed to this report", "Read more",
                      "By Mara Ellison", "File photo"):
        assert furniture not in text
    assert set(example_fit.dropped_["reason"]) >= {"headline", "question", "boilerplate:byline"}


def test_outputs_are_byte_identical_across_runs(example_fit: Corroborator, real_embedder,  # type: ignore[no-untyped-def]
                                                tmp_path: Path, example_dir: Path) -> None:
    # the second fit reads every vector from the cache the first one wrote
    again = Corroborator(embedder=real_embedder, config=example_fit.config_).fit(example_dir)
    assert again.embedding_stats_["encoded"] == 0
    a, b = write_outputs(example_fit.report(), tmp_path / "a"), write_outputs(again.report(), tmp_path / "b")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes(), name


def test_cli_on_the_example_writes_the_three_files(real_embedder, example_dir: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(example_dir), "-o", str(tmp_path), "-q"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "conf" in out and "10,000 troops" in out
    clusters = [json.loads(x) for x in (tmp_path / "clusters.jsonl").read_text().splitlines()]
    assert clusters[0]["n_sources"] >= 5
    report = (tmp_path / "report.md").read_text()
    assert "## Claims stated by two or more outlets" in report and "10,000" in report
    assert len((tmp_path / "claims.jsonl").read_text().splitlines()) > 30


def test_cli_on_the_seed_article(real_embedder, seeds_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert main(["score", str(seeds_dir), "-o", str(tmp_path), "-q"]) == EXIT_OK
    claims = [json.loads(x) for x in (tmp_path / "claims.jsonl").read_text().splitlines()]
    assert len(claims) >= 10
    lead = next(c for c in claims if "approximately 10,000 troops" in c["text"])
    (q,) = [q for q in lead["quantities"] if q["unit"] == "troops"]
    assert (q["value"], q["low"], q["high"]) == (10000, 9000, 11000)


def test_events_of_the_example(example_fit: Corroborator) -> None:
    """EXPECTED.md item 9: the reports of 28-29 October are one event, the Kremlin's denial
    included; the Pentagon's first estimate five days before is an event of its own; the budget
    and the bank are events of their own."""
    events = example_fit.events_.set_index("event_id")
    article_event = dict(zip(example_fit.articles_["source"] + "/" + example_fit.articles_["title"],
                             example_fit.articles_["event_id"], strict=True))
    troops = article_event["gws-wire.example/Pentagon says about 10,000 North Korean troops sent to Russia"]
    assert events.loc[troops, "n_articles"] == 11
    assert article_event["rossiya-vestnik.example/Moscow dismisses reports of North Korean troops as fake"] == troops
    earlier = article_event["frontline-news.example/At least 3,000 North Korean troops in Russia, Pentagon says"]
    assert earlier != troops and events.loc[earlier, "n_articles"] == 1
    assert article_event["valley-courier.example/City council approves road repair budget"] != troops
    assert article_event["metro-herald.example/Central bank holds rates steady"] != troops
    assert all(s.event_id == troops for s in example_fit.scores_ if s.n_sources >= 2)


def test_quiet_means_no_progress_bar_at_all(real_embedder, example_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # a fresh process: the model's own "Loading weights" bar is drawn when it loads
    done = subprocess.run([sys.executable, "-m", "corroborate.cli", "score", str(example_dir), "-o",
                           str(tmp_path / "out"), "-q", "--no-cache"], capture_output=True, text=True, check=True)
    assert "Loading weights" not in done.stderr and "it/s" not in done.stderr, done.stderr[-500:]


def test_threads_setting_reaches_the_model(example_dir: Path, tmp_path: Path) -> None:
    code = ("import sys, torch; from corroborate.cli import main; "
            f"rc = main(['score', {str(example_dir)!r}, '-o', {str(tmp_path / 'out')!r}, '-q', '--no-cache', "
            "'--threads', '1', '--backend', 'torch']); print('THREADS', rc, torch.get_num_threads())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("THREADS ")[1].split() == ["0", "1"]
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["settings"]["threads"] == 1

"""The synthetic world (benchmarks/gen_events.py), gold folders and `corroborate tune` end to end."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from corroborate import Config, InputError
from corroborate.training.gold import casualty_type, load_gold
from corroborate.training.tune import model_document, tune, write_model

from .conftest import ROOT, FakeEmbedder

sys.path.insert(0, str(ROOT))
from benchmarks.gen_events import generate_world, write_world  # noqa: E402


def test_the_world_is_seeded_and_its_gold_is_complete() -> None:
    a1, g1, t1 = generate_world(8, seed=3)
    a2, g2, t2 = generate_world(8, seed=3)
    assert a1.equals(a2) and g1 == g2 and t1 == t2
    assert not generate_world(8, seed=4)[0].equals(a1)
    # every article is in exactly one incident; every sentence it states has a truth value
    ids = [a for g in g1 for a in g["article_ids"]]
    assert sorted(ids) == sorted(a1["article_id"])
    for row in a1.itertuples():
        stated = [t["text"] for t in t1 if t["article_id"] == row.article_id]
        assert " ".join(stated) == row.text
    assert {t["true"] for t in t1} == {0, 1}                 # rumours and errors, as well as facts
    assert all(g["num_killed"] >= 1 and g["num_injured"] >= 0 for g in g1)


def test_the_world_has_the_adversarial_cases() -> None:
    articles, _, _ = generate_world(30, seed=0)
    floods = articles[articles["article_id"].str.contains("flood")]
    assert len(floods) >= 3
    # a flood is one false story copied by distinct outlets: every flood article of an event says the same
    for _, event in floods.groupby(floods["article_id"].str.split("-flood").str[0]):
        assert event["text"].nunique() == 1 and event["source"].nunique() == len(event)
    texts = " ".join(articles["text"])
    assert "denied" in texts and any(f"({w})" in texts for w in ("AP", "REUTERS", "UPI"))
    assert any(h in texts for h in ("a neighbour claimed", "witnesses said on social media"))


def test_gold_folder_problems_name_file_and_line(tmp_path: Path) -> None:
    write_world(str(tmp_path / "w"), 3, seeds=1)
    assert load_gold(tmp_path / "w").counts
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "corpus.jsonl").write_text('{"text": "x", "source": "s"}\n')
    (bad / "gold.jsonl").write_text('{"incident_id": "1", "article_ids": ["a"], "num_killed": "two"}\n')
    with pytest.raises(InputError, match=r"gold.jsonl:line 1: field 'num_killed' must be a number"):
        load_gold(bad)
    (bad / "gold.jsonl").write_text('\n{"incident_id": "1"}\n')        # blank lines count
    with pytest.raises(InputError, match=r"gold.jsonl:line 2: needs incident_id and a list article_ids"):
        load_gold(bad)
    (bad / "gold.jsonl").write_text('{"incident_id": oops}\n')
    with pytest.raises(InputError, match=r"gold.jsonl:line 1.*invalid JSON"):
        load_gold(bad)


def test_casualty_units_match_the_protocol() -> None:
    assert casualty_type("killed") == "killed" and casualty_type("dead") == "killed"
    assert casualty_type("injured") == "injured" and casualty_type("wounded") == "injured"
    assert casualty_type("troops") is None


def test_tune_writes_a_model_file_that_scoring_loads(tmp_path: Path) -> None:
    for seed in (0, 1):
        write_world(str(tmp_path / f"w{seed}"), 8, seeds=seed)
    base = Config.default()
    result = tune([tmp_path / "w0", tmp_path / "w1"], base, [base.distance_threshold], log=lambda m: None,
                  embedder=FakeEmbedder())
    assert result.threshold == base.distance_threshold
    assert result.held_out["n"] == sum(d["labelled_clusters"] for d in result.data) > 50
    assert {d["claim_rows"] > 0 and d["figure_rows"] > 0 for d in result.data} == {True}
    doc = model_document(result, base, "tiny")
    path, card = write_model(doc, tmp_path / "tiny.json")
    cfg = Config.from_model_file(path)
    assert cfg.confidence_model == result.model and cfg.scoring_version.startswith("tiny-")
    assert cfg.event_weights == base.event_weights             # what tune does not fit is carried over
    text = card.read_text()
    assert "Held-out metrics" in text and "Intended use and limits" in text
    assert json.loads(path.read_text())["trained"]["ablation"]

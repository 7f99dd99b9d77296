from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corroborate import ConfigError, RecordError
from corroborate.cli import EXIT_INPUT, EXIT_OK, main
from corroborate.io import read_claim_table
from corroborate.truth import TruthDiscovery, parse_value


@pytest.mark.parametrize("raw,expected", [
    ("10,000", 10000.0), ("30.09", 30.09), ("-5", -5.0), ("2 1/2", 2.5), ("3/4", 0.75),
    (12, 12.0), (1.5, 1.5), ("1e3", 1000.0),
])
def test_values_parse(raw: object, expected: float) -> None:
    assert parse_value(raw) == (expected, None)


@pytest.mark.parametrize("raw,reason", [
    ("N/A", "placeholder"), ("--", "placeholder"), ("*", "placeholder"), ("", "placeholder"),
    ("16-Apr", "not a number"), ("Unlimited", "not a number"), ("1/0", "not a number"),
    (float("nan"), "placeholder 'NaN'"),
    (float("inf"), "not a finite number"),
    (1e308, "too large to compare"),
])
def test_non_numbers_have_reasons(raw: object, reason: str) -> None:
    value, why = parse_value(raw)
    assert value is None and why is not None and why.startswith(reason)


def _obs(rows: list[tuple[str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["item", "source", "value"])


def test_the_majority_is_not_punished_by_a_small_median() -> None:
    engine = TruthDiscovery(reliability_by="source").fit(_obs([("x", "a", 10000), ("x", "b", 10000), ("x", "c", 12000),
                                        ("x", "d", 40000)]))
    (item,) = engine.results_.values()
    assert item.consensus == 10000
    assert sorted(s for s, _ in item.dissent) == ["c", "d"]
    r = engine.reliability_
    assert r["a"] == r["b"] > r["c"] == r["d"]


def test_reliability_learned_on_some_items_decides_others() -> None:
    # a and b agree everywhere; c and d disagree with everyone on the first items.
    rows = []
    for i in range(8):
        rows += [(f"i{i}", "a", 100 + i), (f"i{i}", "b", 100 + i), (f"i{i}", "c", 500 + i),
                 (f"i{i}", "d", 900 + i)]
    rows += [("tie", "a", 1.0), ("tie", "c", 7.0), ("tie", "d", 7.5)]
    engine = TruthDiscovery(prior_strength=4.0, reliability_by="source").fit(_obs(rows))
    assert engine.results_[("tie", None)].consensus == 1.0      # one reliable source beats two unreliable
    assert engine.reliability_["a"] > 0.75 > 0.35 > engine.reliability_["c"]
    assert engine.weights_["a"] > engine.weights_["c"] + engine.weights_["d"]


def test_a_source_seen_once_stays_near_the_prior() -> None:
    engine = TruthDiscovery(prior_mean=0.7, prior_strength=4, reliability_by="source").fit(
        _obs([("x", "a", 1), ("x", "b", 2), ("x", "c", 2)]))
    assert engine.reliability_["a"] == pytest.approx(2.8 / 5)


def test_categorical_vote_ignores_case_and_spacing() -> None:
    engine = TruthDiscovery().fit(_obs([("book", "a", "Ann  Smith"), ("book", "b", "ann smith"),
                                        ("book", "c", "Bob Jones")]))
    (item,) = engine.results_.values()
    assert item.kind == "categorical" and item.consensus == "Ann  Smith"
    assert item.dissent == (("c", "Bob Jones"),)


def test_placeholders_and_non_numbers_are_rejected_with_rows() -> None:
    engine = TruthDiscovery().fit(_obs([("p", "a", "30.1"), ("p", "b", "N/A"), ("p", "c", "16-Apr"),
                                        ("p", "d", "30.09")]))
    assert [(r["row"], r["reason"].split(" ")[0]) for r in engine.rejected_] == [(2, "placeholder"),
                                                                               (3, "not")]
    assert engine.results_[("p", None)].n_sources == 2


def test_first_duplicate_wins_by_time() -> None:
    obs = pd.DataFrame({"item": ["x", "x", "x"], "source": ["a", "a", "b"], "value": [5, 9, 9],
                        "published_at": ["2024-01-02", "2024-01-01", "2024-01-01"]})
    engine = TruthDiscovery(duplicates="first").fit(obs)
    assert engine.results_[("x", None)].agreement == 1.0          # a's earliest value is 9


def test_hedged_intervals_are_used() -> None:
    obs = pd.DataFrame({"item": ["x"] * 3, "source": ["a", "b", "c"], "value": [10000, 12000, 3000],
                        "low": [9000, 10800, 3000], "high": [11000, 13200, np.inf]})
    item = TruthDiscovery().fit(obs).results_[("x", None)]
    assert item.dissent == ()                                      # all three are compatible


def test_items_split_by_unit() -> None:
    obs = pd.DataFrame({"item": ["x", "x"], "source": ["a", "b"], "value": [10, 1000],
                        "unit": ["km", "m"]})
    assert len(TruthDiscovery().fit(obs).items_) == 2


def test_bad_parameters() -> None:
    with pytest.raises(ConfigError, match="prior_mean"):
        TruthDiscovery(prior_mean=1.0).fit(_obs([("x", "a", 1)]))


def test_claim_table_errors_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("item,value,source\nx,1,a\n,2,b\n")
    with pytest.raises(RecordError, match=r"c\.csv:row 2, field 'item'"):
        read_claim_table(path)
    path.write_text("item,value\nx,1\n")
    with pytest.raises(Exception, match="missing required column"):
        read_claim_table(path)


def test_truth_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("item,value,source,unit\nt,10000,pentagon,troops\nt,\"10,000\",nato,troops\n"
                    "t,40000,tabloid,troops\np,N/A,tabloid,inHg\np,30.1,nato,inHg\n")
    out = tmp_path / "out"
    assert main(["truth", str(path), "-o", str(out), "-q"]) == EXIT_OK
    items = pd.read_csv(out / "items.csv")
    row = items[items["item"] == "t"].iloc[0]
    assert row["consensus"] == 10000 and "40000.0 (tabloid)" in row["dissent"]
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert rejected[0]["row"] == 4 and rejected[0]["reason"] == "placeholder 'N/A'"
    sources = pd.read_csv(out / "sources.csv")
    assert sources.iloc[-1]["source"] == "tabloid"
    assert "tabloid" in capsys.readouterr().out


def test_truth_cli_rejects_a_malformed_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("item,value,source\nt,1,a\nt,,b\n")
    assert main(["truth", str(path), "-o", str(tmp_path / "out")]) == EXIT_INPUT
    assert "claims.csv:row 2, field 'value'" in capsys.readouterr().err


def test_reliability_per_unit_separates_a_source_good_at_one_unit_only() -> None:
    rows = []
    for i in range(10):
        rows += [(f"t{i}", "a", 20 + i, "F"), (f"t{i}", "b", 20 + i, "F"), (f"t{i}", "c", 20 + i, "F"),
                 (f"p{i}", "a", 30.0, "inHg"), (f"p{i}", "b", 30.0, "inHg"), (f"p{i}", "c", 1016.0, "inHg")]
    obs = pd.DataFrame(rows, columns=["item", "source", "value", "unit"])
    per_unit = TruthDiscovery(prior_strength=4.0, reliability_by="source_unit").fit(obs).reliability_
    assert per_unit[("c", "F")] > 0.9 > 0.3 > per_unit[("c", "inHg")]
    per_source = TruthDiscovery(reliability_by="source").fit(obs).reliability_
    assert 0.3 < per_source["c"] < 0.7


def test_reliability_without_an_item_is_what_the_other_items_earned() -> None:
    rows = [("x", "a", 1), ("x", "b", 1), ("y", "a", 5), ("y", "b", 9), ("y", "c", 9)]
    engine = TruthDiscovery(prior_strength=4.0, reliability_by="source").fit(_obs(rows))
    only_y = TruthDiscovery(prior_strength=4.0, reliability_by="source").fit(_obs(rows[2:]))
    # a agreed on x and disagreed on y; without x, a keeps only y's evidence
    assert engine.reliability_without("a", {"x"}) == pytest.approx(2.8 / 5)
    assert engine.reliability_without("a", {"x", "y"}) == pytest.approx(0.7)
    assert engine.reliability_["a"] > engine.reliability_without("a", {"x"})
    assert only_y.reliability_["a"] == pytest.approx(2.8 / 5)


def test_truth_discovery_is_a_scikit_learn_estimator_and_refits_from_scratch() -> None:
    from sklearn.base import clone

    engine = TruthDiscovery(prior_strength=2.0)
    assert clone(engine).get_params()["prior_strength"] == 2.0
    first = pd.DataFrame({"item": ["x", "x", "x", "y", "y"], "source": ["a", "b", "c", "a", "b"],
                          "value": [10, 10, 40, 5, 5]})
    engine.set_params(reliability_by="source").fit(first)
    before = engine.reliability_without("c", {"x"})
    # a second fit on other data must not answer from the first fit's index
    second = pd.DataFrame({"item": ["x", "x", "z", "z"], "source": ["c", "d", "c", "d"], "value": [1, 1, 2, 2]})
    engine.fit(second)
    assert engine.reliability_without("c", set()) != before
    fresh = TruthDiscovery(prior_strength=2.0, reliability_by="source").fit(second)
    assert engine.reliability_without("c", {"x"}) == fresh.reliability_without("c", {"x"})

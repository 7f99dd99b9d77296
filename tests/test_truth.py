from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corroborate import ConfigError, InputError, RecordError
from corroborate.cli import EXIT_INPUT, EXIT_OK, main
from corroborate.ingest import ClaimTable, read_claims
from corroborate.ingest.claim_table import parse_value
from corroborate.scoring.truth import TruthDiscovery


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
        read_claims(path)
    path.write_text("item,value\nx,1\n")
    with pytest.raises(Exception, match="missing required column"):
        read_claims(path)


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


@pytest.mark.parametrize("raw,reason", [
    ("inf", "not a finite number: 'inf'"), ("-inf", "not a finite number: '-inf'"),
    ("Infinity", "not a finite number: 'Infinity'"),
    ("1e309", "too large to compare: '1e309' (limit 1e+15)"),
    ("-1e309", "too large to compare: '-1e309' (limit 1e+15)"),
])
def test_infinite_values_are_numbers_that_cannot_be_compared(raw: str, reason: str) -> None:
    assert parse_value(raw) == (None, reason)


def test_an_item_of_infinities_is_rejected_never_a_category() -> None:
    engine = TruthDiscovery().fit(_obs([("x", "a", "inf"), ("x", "b", "-inf"), ("x", "c", "1e309"),
                                        ("y", "a", 5), ("y", "b", "inf"), ("y", "c", 5)]))
    assert list(engine.items_["item"]) == ["y"]                 # x has no usable value: no consensus
    assert engine.results_[("y", None)].consensus == 5
    assert [(r["row"], r["reason"].split(":")[0]) for r in engine.rejected_] == [
        (1, "not a finite number"), (2, "not a finite number"), (3, "too large to compare"),
        (5, "not a finite number")]


def test_an_infinity_in_a_categorical_item_is_rejected() -> None:
    engine = TruthDiscovery().fit(_obs([("book", "a", "Ann Smith"), ("book", "b", "-inf"),
                                        ("book", "c", "Ann Smith"), ("book", "d", "Bob Jones")]))
    assert engine.results_[("book", None)].consensus == "Ann Smith"
    assert [r["row"] for r in engine.rejected_] == [2]


def test_a_value_outside_its_own_interval_is_rejected_by_the_engine() -> None:
    obs = pd.DataFrame({"item": ["x"] * 3, "source": ["a", "b", "c"], "value": [12, 3, 4],
                        "low": [1, 1, None], "high": [5, 5, 3]})
    engine = TruthDiscovery().fit(obs)
    assert [r["reason"] for r in engine.rejected_] == ["12 is outside its own interval [1, 5]",
                                                       "4 is outside its own interval [-inf, 3]"]
    assert engine.results_[("x", None)].n_sources == 1
    assert engine.accounting_ == {"read": 3, "used": 1, "rejected": 2}


def test_sources_are_sorted_by_reliability_per_unit_too() -> None:
    rows = [(f"i{i}", s, 10 if s != "a" else 99, "km") for i in range(4) for s in ("a", "b", "c", "d")]
    obs = pd.DataFrame(rows, columns=["item", "source", "value", "unit"])
    sources = TruthDiscovery(reliability_by="source_unit").fit(obs).sources_
    assert list(sources["source"]) == ["b", "c", "d", "a"]      # by reliability, ties by name
    assert sources["reliability"].is_monotonic_decreasing


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(text)
    return path


def test_read_claims_fails_on_a_value_outside_its_interval(tmp_path: Path) -> None:
    path = _write(tmp_path, "item,value,source,low,high\nx,3,a,1,5\nx,12,b,1,5\n")
    with pytest.raises(RecordError, match=r"claims\.csv:row 2, field 'value': 12 is outside its own "
                                          r"interval \[1, 5\]"):
        read_claims(path)


def test_read_claims_skips_bad_records_and_accounts_for_each(tmp_path: Path) -> None:
    path = _write(tmp_path, "item,value,source,low,high\nx,3,a,1,5\nx,,b,,\nx,12,c,1,5\n,4,d,,\nx,4,e,,\n")
    table = read_claims(path, errors="skip")
    assert list(table.frame["source"]) == ["a", "e"]
    assert isinstance(table, ClaimTable)
    assert [(r["location"], r["field"]) for r in table.rejected] == [
        (f"{path}:row 2", "value"), (f"{path}:row 3", "value"), (f"{path}:row 4", "item")]
    counted = table.accounting
    assert (counted["read"], counted["used"], counted["rejected"]) == (5, 2, 3)
    engine = TruthDiscovery().fit(table)
    assert engine.accounting_ == {"read": 5, "used": 2, "rejected": 3}
    assert [r["row"] for r in engine.rejected_] == [2, 3, 4]


def test_read_claims_stops_on_a_missing_column_in_either_mode(tmp_path: Path) -> None:
    path = _write(tmp_path, "item,value\nx,1\n")
    for errors in ("raise", "skip"):
        with pytest.raises(InputError, match="missing required column"):
            read_claims(path, errors=errors)  # type: ignore[arg-type]


def test_truth_cli_skips_bad_records_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "item,value,source\nt,5,a\nt,,b\nt,5,c\nu,inf,a\nu,-inf,c\n")
    out = tmp_path / "out"
    assert main(["truth", str(path), "-o", str(out), "-q"]) == EXIT_INPUT
    assert "claims.csv:row 2, field 'value': missing" in capsys.readouterr().err
    assert main(["truth", str(path), "-o", str(out), "-q", "--on-bad-record", "skip"]) == EXIT_OK
    assert "5 records read: 2 used, 3 rejected" in capsys.readouterr().out
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert [(r["row"], r["field"]) for r in rejected] == [(2, "value"), (4, "value"), (5, "value")]
    items = pd.read_csv(out / "items.csv")
    assert list(items["item"]) == ["t"] and list(items["kind"]) == ["numeric"]


def test_truth_cli_shows_the_most_and_least_reliable_sources(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # 24 sources: the "m..." ones agree on every item, the "a..." and "z..." ones never (so
    # alphabetical order would show unreliable sources first); the table shows 2 + 2
    names = [f"a{i:02d}" for i in range(6)] + [f"m{i:02d}" for i in range(12)] + [f"z{i:02d}" for i in range(6)]
    rows = "".join(f"i{k},{100 + k if n.startswith('m') else (900 + k) * 2 ** names.index(n)},{n},u\n"
                   for k in range(5) for n in names)
    path = _write(tmp_path, "item,value,source,unit\n" + rows)
    assert main(["truth", str(path), "-o", str(tmp_path / "out"), "-q", "--top", "2"]) == EXIT_OK
    table = capsys.readouterr().out.split("reliability", 1)[1]
    shown = [line.split()[0] for line in table.splitlines()[1:] if line.strip() and not line.startswith("wrote")]
    assert shown == ["m00", "m01", "z04", "z05"]           # by reliability, ties by name

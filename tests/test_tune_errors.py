"""`corroborate tune` on gold folders too small for its folds: a clear error before any work."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corroborate import Config, InputError
from corroborate.cli import EXIT_INPUT, main
from corroborate.scoring.features import FEATURES
from corroborate.training.tune import MIN_INCIDENTS, Rows, fold_problem, tune


def _gold(folder: Path, incidents: int) -> Path:
    folder.mkdir()
    articles = [{"article_id": f"a{i}", "source": f"s{i}", "text": f"{i + 2} people were killed in town {i}."}
                for i in range(incidents)]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles))
    (folder / "gold.jsonl").write_text("".join(
        json.dumps({"incident_id": f"inc{i}", "article_ids": [f"a{i}"], "num_killed": i + 2}) + "\n"
        for i in range(incidents)))
    return folder


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any preparation of a corpus fails the test: the error must come first."""
    from corroborate.pipeline import Corroborator

    def prepare(*args: object, **kwargs: object) -> None:
        raise AssertionError("the corpus was prepared before the gold size was checked")

    monkeypatch.setattr(Corroborator, "prepare", prepare)


@pytest.mark.parametrize("incidents", [1, 2])
def test_tune_on_too_few_incidents_fails_clearly_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], no_work: None, incidents: int) -> None:
    gold = _gold(tmp_path / "gold", incidents)
    code = main(["tune", "--data", str(gold), "-o", str(tmp_path / "m.json"), "-q"])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT, err
    assert f"{gold}: {incidents} incident(s) with articles in gold.jsonl" in err
    assert f"need at least {MIN_INCIDENTS} incidents across all --data folders" in err
    assert "no option sets them" in err and "Traceback" not in err and "n_splits" not in err
    assert not (tmp_path / "m.json").exists()


def test_the_incidents_of_every_folder_count_together(tmp_path: Path, no_work: None) -> None:
    one, two = _gold(tmp_path / "one", 1), _gold(tmp_path / "two", 1)
    with pytest.raises(InputError, match=r"one: 1 incident\(s\).*; .*two: 1 incident\(s\)"):
        tune([one, two], Config.default(), [0.34], log=lambda m: None)
    three = _gold(tmp_path / "three", 1)
    with pytest.raises(AssertionError, match="prepared"):           # enough: the work starts
        tune([one, two, three], Config.default(), [0.34], log=lambda m: None)


def _rows(groups: list[str], y: list[int]) -> Rows:
    return Rows(corpus="c", X=np.zeros((len(y), len(FEATURES))), y=np.array(y, dtype=np.int64),
                corpora=np.array(["c"] * len(y), dtype=object), incidents=np.array(groups, dtype=object),
                labelled=[], slots=0)


def test_fold_problems_of_labelled_rows_are_named() -> None:
    assert "only 2 incident(s) have clusters the gold can judge" in (fold_problem(_rows(["a", "b"], [0, 1])) or "")
    only_right = fold_problem(_rows(["a", "b", "c"], [1, 1, 1]))
    assert only_right is not None and "holds only right or only wrong clusters" in only_right
    mixed = [g for g in "abcdef" for _ in (0, 1)]
    assert fold_problem(_rows(mixed, [0, 1] * 6)) is None


def _noisy_rows(seed: int = 0) -> Rows:
    """Labels that only ``log_independent`` predicts; every other feature is noise (the ablation's prey)."""
    rng = np.random.default_rng(seed)
    n = 240
    X = rng.normal(size=(n, len(FEATURES)))
    y = (X[:, list(FEATURES).index("log_independent")] + rng.normal(scale=0.5, size=n) > 0).astype(np.int64)
    groups = np.array([f"i{k % 30}" for k in range(n)], dtype=object)
    return Rows(corpus="c", X=X, y=y, corpora=np.array(["c"] * n, dtype=object), incidents=groups,
                labelled=[], slots=0)


def test_a_kept_feature_survives_the_ablation() -> None:
    from corroborate.training.tune import prune_features
    rows = _noisy_rows()
    kept, pruned, _ = prune_features(rows, "none", log=lambda m: None)
    assert "denied" in pruned and "log_independent" in kept          # noise is pruned without --keep
    kept, pruned, table = prune_features(rows, "none", log=lambda m: None, keep=("denied",))
    assert "denied" in kept and "denied" not in pruned
    assert {a["feature"] for a in table} == set(kept)


def test_tune_refuses_an_unknown_feature_to_keep(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown feature"):
        tune([tmp_path], Config.default(), [0.34], log=lambda m: None, keep=("no_such_feature",))

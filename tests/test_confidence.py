"""The learned confidence: fitting, sign constraints, calibration, files, and the metrics."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from corroborate import ConfigError
from corroborate.scoring.confidence import ConfidenceModel, fit_confidence_model
from corroborate.scoring.features import FEATURES, SIGN
from corroborate.training.metrics import expected_calibration_error, reliability_table, summary
from corroborate.training.tune import choose_threshold, group_splits

from .conftest import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.realnews import auc, ece  # noqa: E402


def _data(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    independent = rng.integers(1, 9, n)
    agreement = rng.uniform(0.3, 1.0, n)
    noise = rng.normal(0, 1, n)
    z = -1.5 + 0.9 * np.log2(independent) + 2.0 * (agreement - 0.6)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
    X = np.column_stack([np.log2(independent), agreement, noise])
    groups = np.array([f"inc{i // 4}" for i in range(n)], dtype=object)
    return X, y, groups


NAMES = ["log_independent", "agreement", "lead_share"]   # the third: noise of either sign


def test_fit_recovers_the_signs_and_the_model_explains_itself() -> None:
    X, y, groups = _data()
    model, report = fit_confidence_model(X, y, NAMES, splits=group_splits(groups), calibrator="sigmoid")
    coef = dict(zip(model.features, model.coef, strict=True))
    assert coef["log_independent"] > 0 and coef["agreement"] > 0
    x = X[7]
    z = model.baseline + model.contributions(x[[NAMES.index(f) for f in model.features]]).sum()
    assert z == pytest.approx(float(model.log_odds(x[[NAMES.index(f) for f in model.features]])[0]))
    assert report.n == 400 and report.positives == int(y.sum())


def test_a_feature_whose_fitted_sign_contradicts_its_meaning_is_dropped() -> None:
    X, y, _ = _data()
    flipped = np.column_stack([X[:, 0], -X[:, 1]])     # "agreement" that now lowers the odds
    model, report = fit_confidence_model(flipped, y, ["log_independent", "agreement"], calibrator="none")
    assert SIGN["agreement"] == +1
    assert model.features == ("log_independent",) and report.dropped == ["agreement"]
    assert model.dropped == ("agreement",)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_our_calibrated_probability_is_scikit_learns(method: str) -> None:
    X, y, groups = _data()
    splits = group_splits(groups)
    model, _ = fit_confidence_model(X, y, NAMES, splits=splits, calibrator=method)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    keep = [NAMES.index(f) for f in model.features]
    reference = CalibratedClassifierCV(LogisticRegression(max_iter=2000), method=method, cv=splits,
                                       ensemble=False).fit(Z[:, keep], y)
    np.testing.assert_allclose(model.probability(X[:, keep]), reference.predict_proba(Z[:, keep])[:, 1],
                               atol=1e-9)


def test_calibrators_are_monotone_so_the_order_survives() -> None:
    X, y, groups = _data()
    for method in ("sigmoid", "isotonic"):
        model, _ = fit_confidence_model(X, y, NAMES, splits=group_splits(groups), calibrator=method)
        z = np.linspace(-6, 6, 200)
        assert np.all(np.diff(model.calibrate(z)) >= 0)


def test_model_round_trips_through_its_dictionary() -> None:
    X, y, groups = _data()
    model, _ = fit_confidence_model(X, y, NAMES, splits=group_splits(groups), calibrator="isotonic")
    again = ConfidenceModel.from_dict(model.to_dict())
    assert again == model


@pytest.mark.parametrize("doc,message", [
    ({"features": ["nonsense"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0}, "unknown feature"),
    ({"features": ["generic"], "mean": [0], "scale": [1], "coef": [1]}, "lacks 'intercept'"),
    ({"features": ["generic"], "mean": [0], "scale": [0], "coef": [1], "intercept": 0}, "scale must be > 0"),
    ({"features": ["generic"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0, "calibrator": "magic"},
     "calibrator must be one of"),
])
def test_bad_model_sections_are_explained(doc: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ConfidenceModel.from_dict(doc, "m.json")


def test_every_feature_has_a_sign_and_a_reason() -> None:
    from corroborate.scoring.features import REASON

    assert set(SIGN) == set(FEATURES) == set(REASON)


def test_a_threshold_must_earn_its_change() -> None:
    grid = [{"distance_threshold": 0.30, "figure_accuracy": 0.503},
            {"distance_threshold": 0.34, "figure_accuracy": 0.500},
            {"distance_threshold": 0.38, "figure_accuracy": 0.520}]
    assert choose_threshold(grid, 0.34) == 0.38
    grid[2]["figure_accuracy"] = 0.504
    assert choose_threshold(grid, 0.34) == 0.34          # within noise of the base value


# ---------------------------------------------------------------- metrics against scikit-learn

def test_metrics_agree_with_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(size=300)
    y = (rng.uniform(size=300) < p).astype(int)
    s = summary(p, y)
    assert s["roc_auc"] == pytest.approx(roc_auc_score(y, p))
    assert s["brier"] == pytest.approx(brier_score_loss(y, p))
    # the benchmark's own Mann-Whitney AUC and ECE (benchmarks/realnews.py) agree too
    assert auc(p[y == 1].tolist(), p[y == 0].tolist()) == pytest.approx(roc_auc_score(y, p))
    assert ece(list(zip(p.tolist(), y.tolist(), strict=True))) == pytest.approx(expected_calibration_error(p, y))


def test_calibration_error_by_hand() -> None:
    # two bins: [0.1, 0.2) holds 0.15 x2 (one right), [0.9, 1.0] holds 0.95 x2 (both right)
    p, y = [0.15, 0.15, 0.95, 0.95], [1, 0, 1, 1]
    assert [(b.n, b.share_right) for b in reliability_table(p, y)] == [(2, 0.5), (2, 1.0)]
    assert expected_calibration_error(p, y) == pytest.approx(0.5 * 0.35 + 0.5 * 0.05)
    assert expected_calibration_error([1.0, 0.0], [1, 0]) == 0.0
    assert math.isclose(summary([0.5, 0.5], [1, 1])["brier"], 0.25)

"""The learned confidence: a logistic regression on cluster features, then a calibrator.

A :class:`ConfidenceModel` holds everything needed to turn a feature vector
(:mod:`corroborate.scoring.features`) into a probability, as plain numbers that a
model file (``models/default.json``) stores:

* ``z = intercept + sum_k coef_k * (x_k - mean_k) / scale_k``: the score, in
  log-odds; each term is one feature's effect, shown as a reason;
* ``p = calibrator(z)``: ``"sigmoid"`` (Platt: ``1 / (1 + exp(a z + b))``),
  ``"isotonic"`` (piecewise linear through fitted points, non-decreasing) or
  ``"none"`` (``logistic(z)``). Both calibrators are monotone, so the order
  the regression gives, and the invariants its signs guarantee, survive.

:func:`fit_confidence_model` fits one with scikit-learn
(``LogisticRegression`` and ``CalibratedClassifierCV`` on splits grouped by
event or incident); features whose fitted sign contradicts
:data:`corroborate.scoring.features.SIGN` are dropped and the model refitted, so the
model cannot learn that more independent sources lower confidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from scipy.special import expit

from ..errors import ConfigError
from .features import FEATURES, SIGN

CALIBRATORS = ("sigmoid", "isotonic", "none")


@dataclass(frozen=True)
class ConfidenceModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    calibrator: str = "none"
    sigmoid: tuple[float, float] = (-1.0, 0.0)                   # (a, b)
    isotonic_x: tuple[float, ...] = ()
    isotonic_y: tuple[float, ...] = ()
    dropped: tuple[str, ...] = ()                                # features dropped for their sign

    def __post_init__(self) -> None:
        n = len(self.features)
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown:
            raise ConfigError(f"confidence model: unknown feature(s) {', '.join(unknown)}")
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ConfigError("confidence model: features, mean, scale and coef must have one entry each")
        if self.calibrator not in CALIBRATORS:
            raise ConfigError(f"confidence model: calibrator must be one of {', '.join(CALIBRATORS)}; "
                              f"got {self.calibrator!r}")
        if self.calibrator == "isotonic" and (len(self.isotonic_x) < 2
                                              or len(self.isotonic_x) != len(self.isotonic_y)):
            raise ConfigError("confidence model: isotonic calibrator needs matching x and y points")
        if any(s <= 0 for s in self.scale):
            raise ConfigError("confidence model: every scale must be > 0")

    # ---------------------------------------------------------------- scikit-learn parameters
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Its fields, so that :func:`sklearn.base.clone` copies it and a search can vary it."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def set_params(self, **params: Any) -> ConfidenceModel:
        """Change fields in place, checked as a new model would be (it stays immutable otherwise)."""
        checked = replace(self, **params)          # raises on an unknown field or a bad value
        for name in params:
            object.__setattr__(self, name, getattr(checked, name))
        return self

    # ---------------------------------------------------------------- use
    @property
    def baseline(self) -> float:
        """The score ``z`` of a claim whose every feature is 0: one source, no figure, no event."""
        return float(self.intercept - np.sum(np.asarray(self.coef) * np.asarray(self.mean)
                                             / np.asarray(self.scale)))

    def contributions(self, x: Sequence[float]) -> np.ndarray:
        """Each feature's term of the score: ``z = baseline + contributions(x).sum()``.

        Measured from 0, so a feature that is absent (no figure, no denial)
        contributes nothing and every effect reads as "what this evidence adds".
        """
        x = np.asarray(x, dtype=np.float64)
        return np.asarray(self.coef) * x / np.asarray(self.scale)

    def log_odds(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        return self.intercept + ((X - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef)

    def calibrate(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        if self.calibrator == "sigmoid":
            a, b = self.sigmoid
            return expit(-(a * z + b))
        if self.calibrator == "isotonic":
            return np.interp(z, self.isotonic_x, self.isotonic_y)
        return expit(z)

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability of each row of ``X`` (columns: :attr:`features`)."""
        return self.calibrate(self.log_odds(X))

    # ---------------------------------------------------------------- files
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
            "coef": list(self.coef), "intercept": self.intercept, "calibrator": self.calibrator,
            "dropped": list(self.dropped)}
        if self.calibrator == "sigmoid":
            out["sigmoid"] = list(self.sigmoid)
        if self.calibrator == "isotonic":
            out["isotonic_x"], out["isotonic_y"] = list(self.isotonic_x), list(self.isotonic_y)
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], origin: str = "model file") -> ConfidenceModel:
        try:
            return cls(features=tuple(doc["features"]), mean=tuple(map(float, doc["mean"])),
                       scale=tuple(map(float, doc["scale"])), coef=tuple(map(float, doc["coef"])),
                       intercept=float(doc["intercept"]), calibrator=str(doc.get("calibrator", "none")),
                       sigmoid=tuple(map(float, doc.get("sigmoid", (-1.0, 0.0)))),  # type: ignore[arg-type]
                       isotonic_x=tuple(map(float, doc.get("isotonic_x", ()))),
                       isotonic_y=tuple(map(float, doc.get("isotonic_y", ()))),
                       dropped=tuple(doc.get("dropped", ())))
        except KeyError as exc:
            raise ConfigError(f"{origin}: [confidence] lacks {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{origin}: [confidence] is malformed: {exc}") from None


@dataclass
class FitReport:
    """What :func:`fit_confidence_model` did: kept and dropped features, sample sizes."""

    n: int
    positives: int
    kept: list[str]
    dropped: list[str] = field(default_factory=list)


def _sign_consistent_regression(X: np.ndarray, y: np.ndarray, names: list[str], C: float,
                                weights: np.ndarray | None) -> tuple[Any, list[int], list[str]]:
    from sklearn.linear_model import LogisticRegression

    keep = list(range(len(names)))
    dropped: list[str] = []
    while True:
        model = LogisticRegression(C=C, max_iter=2000).fit(X[:, keep], y, sample_weight=weights)
        wrong = [(abs(c), j) for c, j in zip(model.coef_[0], keep, strict=True)
                 if SIGN[names[j]] and np.sign(c) == -SIGN[names[j]] and abs(c) > 1e-9]
        if not wrong:
            return model, keep, dropped
        _, worst = max(wrong)
        keep.remove(worst)
        dropped.append(names[worst])


def fit_confidence_model(X: np.ndarray, y: np.ndarray, names: Sequence[str], *,
                         splits: Iterable[tuple[np.ndarray, np.ndarray]] | None = None,
                         calibrator: str = "sigmoid", C: float = 1.0,
                         sample_weight: np.ndarray | None = None) -> tuple[ConfidenceModel, FitReport]:
    """Fit a :class:`ConfidenceModel` on feature rows ``X`` with labels ``y`` (1 = right).

    ``splits`` (train, test) index pairs, grouped by event or incident, feed
    ``CalibratedClassifierCV`` (``ensemble=False``: the calibrator is fitted on
    the regression's out-of-fold scores, the regression then on all rows).
    Without ``splits`` or with ``calibrator="none"`` the regression's own
    probabilities are used.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    names = list(names)
    if X.ndim != 2 or X.shape[1] != len(names) or len(y) != X.shape[0]:
        raise ValueError("fit_confidence_model: X must be (n, len(names)) and y (n,)")
    if calibrator not in CALIBRATORS:
        raise ValueError(f"calibrator must be one of {', '.join(CALIBRATORS)}; got {calibrator!r}")
    if len(set(y.tolist())) < 2:
        raise ValueError("fit_confidence_model: the labels need both right and wrong examples")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    Z = (X - mean) / scale
    base, keep, dropped = _sign_consistent_regression(Z, y, names, C, sample_weight)
    coef = np.zeros(len(names))
    coef[keep] = base.coef_[0]
    kept_names = [names[j] for j in keep]
    common: dict[str, Any] = dict(features=tuple(kept_names), mean=tuple(mean[keep].tolist()),
                                  scale=tuple(scale[keep].tolist()), coef=tuple(coef[keep].tolist()),
                                  intercept=float(base.intercept_[0]), dropped=tuple(dropped))
    report = FitReport(n=len(y), positives=int(y.sum()), kept=kept_names, dropped=dropped)
    split_list = list(splits) if splits is not None else []
    if calibrator == "none" or not split_list:
        return ConfidenceModel(**common, calibrator="none"), report
    calibrated = CalibratedClassifierCV(LogisticRegression(C=C, max_iter=2000), method=calibrator,
                                        cv=split_list, ensemble=False)
    calibrated.fit(Z[:, keep], y, sample_weight=sample_weight)
    inner = calibrated.calibrated_classifiers_[0]
    lr, cal = inner.estimator, inner.calibrators[0]
    common.update(coef=tuple(lr.coef_[0].tolist()), intercept=float(lr.intercept_[0]))
    if calibrator == "sigmoid":
        return ConfidenceModel(**common, calibrator="sigmoid", sigmoid=(float(cal.a_), float(cal.b_))), report
    xs, ys = np.asarray(cal.X_thresholds_, dtype=float), np.asarray(cal.y_thresholds_, dtype=float)
    if len(xs) < 2:                                   # a constant calibrator: two equal points
        xs, ys = np.array([xs[0] - 1.0, xs[0] + 1.0]), np.array([ys[0], ys[0]])
    return ConfidenceModel(**common, calibrator="isotonic", isotonic_x=tuple(xs.tolist()),
                           isotonic_y=tuple(ys.tolist())), report

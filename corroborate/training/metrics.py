"""How good a confidence is: ranking (ROC-AUC), accuracy of probabilities (Brier),
calibration (expected calibration error and the reliability table behind it).

ROC-AUC and Brier are scikit-learn's; the calibration error is ours (10 equal-width
bins, weighted by the share of items in each bin, as in Guo et al. 2017).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    mean_confidence: float
    share_right: float


def reliability_table(p: Sequence[float], y: Sequence[int], bins: int = 10) -> list[Bin]:
    """Items binned by confidence ([0, 0.1), ..., [0.9, 1.0]); empty bins left out."""
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    index = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            out.append(Bin(b / bins, (b + 1) / bins, int(mask.sum()), float(p[mask].mean()),
                           float(y[mask].mean())))
    return out


def expected_calibration_error(p: Sequence[float], y: Sequence[int], bins: int = 10) -> float:
    """Sum over bins of (items in bin / items) * |mean confidence - share right|."""
    n = len(p)
    if n == 0:
        raise ValueError("expected_calibration_error of no items")
    return float(sum(b.n / n * abs(b.mean_confidence - b.share_right) for b in reliability_table(p, y, bins)))


def summary(p: Sequence[float], y: Sequence[int]) -> dict[str, float | int | None]:
    """``n, positives, roc_auc, brier, ece, log_loss`` of probabilities ``p`` for labels ``y``."""
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    y = np.asarray(y, dtype=np.int64)
    both = len(set(y.tolist())) == 2
    return {"n": int(len(y)), "positives": int(y.sum()),
            "roc_auc": float(roc_auc_score(y, p)) if both else None,
            "brier": float(brier_score_loss(y, p)) if len(y) else None,
            "ece": expected_calibration_error(p, y) if len(y) else None,
            "log_loss": float(log_loss(y, np.clip(p, 1e-6, 1 - 1e-6), labels=[0, 1])) if len(y) else None}

"""The vectorised set and date features of article pairs equal their plain definitions."""

from __future__ import annotations

import numpy as np

from corroborate.grouping.pairs import UNKNOWN_DAYS, _closest_days, _Pairs, _SetOverlap


def _random_case(seed: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n = 60
    sets = [frozenset(rng.choice(12, size=rng.integers(0, 4), replace=False).tolist()) for _ in range(n)]
    dates = [np.sort(rng.uniform(0, 400, size=rng.integers(0, 5))) for _ in range(n)]
    a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
    return sets, dates, _Pairs.of(a, b)


def test_jaccard_and_conflict_of_every_pair() -> None:
    for seed in range(5):
        sets, _, pairs = _random_case(seed)
        overlap = _SetOverlap.of(sets, pairs)
        for k, (i, j) in enumerate(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)):
            a, b = sets[i], sets[j]
            assert overlap.jaccard()[k] == (len(a & b) / len(a | b) if a and b else 0.0)
            assert overlap.conflict()[k] == float(bool(a and b and not a & b))


def test_closest_days_of_every_pair(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("corroborate.grouping.pairs.PAIR_BLOCK", 37)     # several blocks
    for seed in range(5):
        _, dates, pairs = _random_case(seed)
        found = _closest_days(dates, pairs)
        for k, (i, j) in enumerate(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)):
            a, b = dates[i], dates[j]
            expected = UNKNOWN_DAYS if not len(a) or not len(b) else float(np.min(np.abs(a[:, None] - b[None, :])))
            assert found[k] == expected
    assert _closest_days([np.array([1.0]), np.zeros(0)], _Pairs.of(np.array([0]), np.array([1]))).tolist() == [UNKNOWN_DAYS]

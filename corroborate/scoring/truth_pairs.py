"""Which observations of one item agree: every ordered pair of them, compared once.

The agreement of two observations does not depend on the weights the truth
engine learns, so :func:`agreement_pairs` computes it once, before the
fixed-point iteration (:class:`corroborate.scoring.truth.TruthDiscovery`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def agreement_pairs(obs: pd.DataFrame, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ordered pair (j, k), j != k, of observations of the same item (``key``), and
    whether they agree: the intervals ``[low, high]`` (already widened for rounding) overlap
    (numbers) or the categories are equal. Two observations of one independence ``group``
    (copies of one story) are never a pair.

    Pairs come by item size, then by item in order of first appearance, then row-major within
    the item. Size: the sum over items of n_sources^2.
    """
    codes, _ = pd.factorize(obs["key"], sort=False)
    members = pd.Series(codes).groupby(codes, sort=True).indices        # item code -> its rows, in order
    by_size: dict[int, list[np.ndarray]] = {}
    for code in sorted(members):
        rows = members[code]
        if len(rows) > 1:
            by_size.setdefault(len(rows), []).append(rows)
    category = pd.factorize(obs["category"].fillna("\x00"))[0] if "category" in obs else None
    numeric = obs["numeric"].to_numpy(bool)
    js, ks = [], []
    for m in sorted(by_size):
        idx = np.vstack(by_size[m])                                     # (items, m)
        jj = np.repeat(idx, m, axis=1).reshape(-1)
        kk = np.tile(idx, (1, m)).reshape(-1)
        keep = jj != kk
        js.append(jj[keep])
        ks.append(kk[keep])
    if not js:
        empty = np.zeros(0, dtype=int)
        return empty, empty, np.zeros(0, dtype=bool)
    j, k = np.concatenate(js), np.concatenate(ks)
    if "group" in obs.columns:
        # copies of one story, or outlets quoting one origin, do not vouch for each other
        group = obs["group"].to_numpy(dtype=object)
        independent = np.array([a is None or b is None or a != b
                                for a, b in zip(group[j], group[k], strict=True)], dtype=bool)
        j, k = j[independent], k[independent]
    agree = np.where(numeric[j], (low[j] <= high[k]) & (low[k] <= high[j]),
                     category[j] == category[k] if category is not None else False)
    return j, k, agree

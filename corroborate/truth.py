"""Truth discovery: a consensus per item and a reliability per source, learned together.

Input is long format, one observation per row: ``item, source, value`` and
optionally ``low, high`` (a stated interval, e.g. from hedges), ``unit``,
``published_at`` and ``claim_id``. The text pipeline feeds it the quantities of
every cluster (item = cluster and unit); ``corroborate truth`` feeds it a CSV of
structured claims. One engine serves both.

The model, in four lines:

* a source's **reliability** r is how often it agrees with what the *other*
  sources say, smoothed by a Beta prior (mean ``prior_mean``, weight
  ``prior_strength`` pseudo-observations) so that a source seen once is not
  judged on one claim;
* its **weight** is the log-odds of r (clipped), so a 0.5-reliable source
  carries almost nothing and a 0.95-reliable one about 2.9;
* an item's **consensus** is the weighted median of its sources' values
  (numbers) or the weighted vote (categories);
* "agrees" is judged **leave-one-out**: a source's value against the weighted
  median (or vote) of the others, so no source can confirm itself, with
  interval overlap and a relative tolerance for rounding.

The two are iterated to a fixed point (TruthFinder / CRH style). The
confidence of an item is ``logistic(intercept + sum of the weights of the
sources that agree with the consensus - sum of the weights of those that do
not)``.

Values are parsed leniently where a user would expect it ("2 1/2" is 2.5,
"10,000" is 10000) and placeholders ("N/A", "--", "*") or values that are not
numbers in a numeric item are rejected with a reason, never dropped silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import ConfigError
from .score import MAX_WEIGHT, MIN_WEIGHT, UnitConsensus, logistic, numeric_consensus

PLACEHOLDERS = frozenset({"", "n/a", "na", "--", "-", "*", "null", "none", "nan", "unknown", "?"})
_FRACTION = re.compile(r"^([+-]?\d+)\s+(\d+)/(\d+)$|^([+-]?\d+)/(\d+)$")


def parse_value(raw: Any) -> tuple[float | None, str | None]:
    """``(number, None)``, or ``(None, reason)`` when ``raw`` is not a number.

    Accepts ints, floats, "10,000", "30.09", "-5", "2 1/2", "3/4".
    """
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        x = float(raw)
        return (x, None) if math.isfinite(x) else (None, "not a finite number")
    text = " ".join(str(raw).split())
    if text.casefold() in PLACEHOLDERS:
        return None, f"placeholder {text!r}"
    try:
        x = float(text.replace(",", "")) if re.fullmatch(r"[+-]?[\d,]*\.?\d+(e[+-]?\d+)?", text, re.I) else None
    except ValueError:
        x = None
    if x is None and (m := _FRACTION.match(text)):
        if m.group(1) is not None:
            whole, num, den = int(m.group(1)), int(m.group(2)), int(m.group(3))
            x = float(whole + (Fraction(num, den) if den else 0) * (1 if whole >= 0 else -1)) if den else None
        else:
            den = int(m.group(5))
            x = float(Fraction(int(m.group(4)), den)) if den else None
    if x is None or not math.isfinite(x):
        return None, f"not a number: {text[:40]!r}"
    return x, None


def category_key(raw: Any) -> str:
    """Categorical values compare case- and space-insensitively."""
    return " ".join(str(raw).split()).casefold()


@dataclass(frozen=True)
class ItemResult:
    item: str
    unit: str | None
    kind: str                       # numeric | categorical
    consensus: Any
    low: float | None
    high: float | None
    n_sources: int
    agreement: float                # weighted share of sources agreeing with the consensus
    confidence: float
    dissent: tuple[tuple[str, Any], ...]   # (source, value) pairs
    numeric: UnitConsensus | None = None


class TruthDiscovery:
    """Learn item consensus and source reliability from long-format observations.

    sklearn style: ``__init__`` stores parameters, ``fit`` computes, learned
    attributes end in ``_``.

    Parameters
    ----------
    prior_mean, prior_strength : Beta prior on reliability (mean, pseudo-count).
    rel_tolerance : relative widening of each stated interval before comparing
        (rounding: 10,000 vs 10,200 agree at 0.05).
    abs_tolerance : absolute widening, for quantities near zero.
    intercept : log-odds of an item's consensus before any source is counted.
    duplicates : what to do when a source states several values for one item:
        ``"first"`` keeps the earliest (by ``published_at``, then input order),
        ``"median"`` keeps the median value and the hull of the intervals.
    max_iter, tol : the fixed-point iteration.

    Attributes
    ----------
    items_ : DataFrame, one row per (item, unit)
    sources_ : DataFrame: source, reliability, weight, n_items, n_compared, n_agree
    observations_ : DataFrame, the observations used, with ``agrees`` (final consensus)
    rejected_ : list of dicts (row, item, source, value, reason)
    n_iter_ : iterations run
    """

    def __init__(self, *, prior_mean: float = 0.7, prior_strength: float = 4.0,
                 rel_tolerance: float = 0.05, abs_tolerance: float = 0.0,
                 intercept: float = -1.0, duplicates: Literal["first", "median"] = "first",
                 max_iter: int = 50, tol: float = 1e-6) -> None:
        self.prior_mean = prior_mean
        self.prior_strength = prior_strength
        self.rel_tolerance = rel_tolerance
        self.abs_tolerance = abs_tolerance
        self.intercept = intercept
        self.duplicates = duplicates
        self.max_iter = max_iter
        self.tol = tol

    # ------------------------------------------------------------------ checks
    def _validate(self) -> None:
        if not 0.0 < self.prior_mean < 1.0:
            raise ConfigError(f"TruthDiscovery: prior_mean must be in (0, 1); got {self.prior_mean!r}")
        if self.prior_strength < 0:
            raise ConfigError(f"TruthDiscovery: prior_strength must be >= 0; got {self.prior_strength!r}")
        if self.rel_tolerance < 0 or self.abs_tolerance < 0:
            raise ConfigError("TruthDiscovery: tolerances must be >= 0")
        if self.duplicates not in ("first", "median"):
            raise ConfigError(f"TruthDiscovery: duplicates must be 'first' or 'median'; got {self.duplicates!r}")

    # ------------------------------------------------------------------ prepare
    def _prepare(self, obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
        for col in ("item", "source", "value"):
            if col not in obs.columns:
                raise ConfigError(f"TruthDiscovery.fit: observations need a {col!r} column")
        frame = obs.reset_index(drop=True).copy()
        frame["row"] = np.arange(len(frame))
        frame["item"] = frame["item"].astype(str)
        frame["source"] = frame["source"].astype(str)
        unit = frame["unit"] if "unit" in frame.columns else pd.Series([None] * len(frame))
        frame["unit"] = [u if isinstance(u, str) and u else None for u in unit]
        if "published_at" not in frame.columns:
            frame["published_at"] = pd.NaT
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
        parsed = [parse_value(v) for v in frame["value"]]
        frame["number"] = [p[0] for p in parsed]
        frame["why_not_number"] = [p[1] for p in parsed]
        frame["key"] = list(zip(frame["item"], frame["unit"].fillna(""), strict=True))
        numeric_share = frame.assign(ok=frame["number"].notna()).groupby("key", sort=False)["ok"].mean()
        frame["numeric"] = (frame["key"].map(numeric_share) >= 0.5).astype(bool)
        rejected: list[dict[str, Any]] = []
        placeholder = frame["why_not_number"].map(lambda w: isinstance(w, str) and w.startswith("placeholder"))
        placeholder = placeholder.astype(bool)
        bad = (frame["numeric"] & frame["number"].isna()) | (~frame["numeric"] & placeholder)
        for r in frame[bad].itertuples():
            rejected.append({"row": int(r.row) + 1, "item": r.item, "source": r.source,
                             "value": str(r.value), "reason": r.why_not_number})
        frame = frame[~bad]
        numeric = frame[frame["numeric"]].copy()
        categorical = frame[~frame["numeric"]].copy()
        numeric["value"] = numeric["number"].astype(float)
        for col in ("low", "high"):
            if col in numeric.columns:
                numeric[col] = pd.to_numeric(numeric[col], errors="coerce").fillna(numeric["value"])
            else:
                numeric[col] = numeric["value"]
        numeric["low"] = np.minimum(numeric["low"], numeric["value"])
        numeric["high"] = np.maximum(numeric["high"], numeric["value"])
        categorical["category"] = categorical["value"].map(category_key)
        return self._collapse(numeric, numeric=True), self._collapse(categorical, numeric=False), rejected

    def _collapse(self, frame: pd.DataFrame, *, numeric: bool) -> pd.DataFrame:
        """One observation per (item, unit, source)."""
        if frame.empty:
            return frame
        frame = frame.sort_values(["published_at", "row"], na_position="last", kind="stable")
        if self.duplicates == "first" or not numeric:
            return frame.drop_duplicates(["key", "source"], keep="first").sort_values("row", kind="stable")
        agg = frame.groupby(["key", "source"], sort=False).agg(
            item=("item", "first"), unit=("unit", "first"), value=("value", "median"),
            low=("low", "min"), high=("high", "max"), row=("row", "first"),
            published_at=("published_at", "min"),
            claim_ids=("claim_id", lambda s: tuple(sorted(map(str, s)))) if "claim_id" in frame.columns
            else ("row", lambda s: tuple(map(str, s))),
        ).reset_index()
        return agg.sort_values("row", kind="stable")

    # ------------------------------------------------------------------ weights
    def _weights(self, reliability: np.ndarray) -> np.ndarray:
        r = np.clip(reliability, 1e-6, 1 - 1e-6)
        return np.clip(np.log(r / (1 - r)), MIN_WEIGHT, MAX_WEIGHT)   # as score._logit_weight

    # ------------------------------------------------------------------ numeric
    @staticmethod
    def _numeric_layout(num: pd.DataFrame, source_index: dict[str, int]) -> dict[str, np.ndarray]:
        key_codes, _ = pd.factorize(num["key"], sort=False)
        order = np.lexsort((num["value"].to_numpy(), key_codes))
        group = key_codes[order]
        starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
        ends = np.r_[starts[1:], len(group)]
        size = np.repeat(ends - starts, ends - starts)
        return {
            "value": num["value"].to_numpy(float)[order],
            "low": num["low"].to_numpy(float)[order],
            "high": num["high"].to_numpy(float)[order],
            "src": num["source"].map(source_index).to_numpy()[order],
            "start": np.repeat(starts, ends - starts),
            "end": np.repeat(ends, ends - starts),
            "size": size,
            "order": order,
        }

    def _numeric_agreement(self, lay: dict[str, np.ndarray], w: np.ndarray) -> np.ndarray:
        """Leave-one-out agreement of each observation (NaN where it is alone)."""
        n = len(lay["value"])
        if n == 0:
            return np.zeros(0)
        wo = w[lay["src"]]
        cum = np.cumsum(wo)
        base = np.where(lay["start"] > 0, cum[lay["start"] - 1], 0.0)
        total = cum[lay["end"] - 1] - base
        idx = np.arange(n)
        # lower weighted median of the others: first k != j with C'_k >= W'/2
        first = np.searchsorted(cum, base + (total - wo) / 2.0 - 1e-12, side="left")
        second = np.searchsorted(cum, base + (total + wo) / 2.0 - 1e-12, side="left")
        loo = np.where(first < idx, first, second)
        loo = np.clip(loo, lay["start"], lay["end"] - 1)
        loo = np.where(loo == idx, np.minimum(idx + 1, lay["end"] - 1), loo)
        agree = self._overlap(lay["low"], lay["high"], lay["low"][loo], lay["high"][loo])
        return np.where(lay["size"] > 1, agree.astype(float), np.nan)

    def _overlap(self, lo1: np.ndarray, hi1: np.ndarray, lo2: np.ndarray, hi2: np.ndarray) -> np.ndarray:
        def widen(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            with np.errstate(invalid="ignore"):
                return (lo - np.abs(lo) * self.rel_tolerance - self.abs_tolerance,
                        hi + np.abs(hi) * self.rel_tolerance + self.abs_tolerance)
        a_lo, a_hi = widen(lo1, hi1)
        return (a_lo <= hi2) & (lo2 <= a_hi)

    # ------------------------------------------------------------------ categorical
    @staticmethod
    def _categorical_agreement(cat: pd.DataFrame, w: np.ndarray,
                               source_index: dict[str, int]) -> np.ndarray:
        if cat.empty:
            return np.zeros(0)
        wo = w[cat["source"].map(source_index).to_numpy()]
        frame = pd.DataFrame({"key": cat["key"].to_numpy(), "cat": cat["category"].to_numpy(), "w": wo})
        sums = frame.groupby(["key", "cat"], sort=False)["w"].transform("sum").to_numpy()
        per_value = frame.groupby(["key", "cat"], sort=False)["w"].sum().reset_index()
        per_value = per_value.sort_values(["key", "w"], ascending=[True, False], kind="stable")
        top = per_value.groupby("key", sort=False).head(2)
        top1 = top.groupby("key", sort=False).nth(0).set_index("key")
        top2 = top.groupby("key", sort=False).nth(1).set_index("key")
        t1_cat = frame["key"].map(top1["cat"]).to_numpy()
        t1_w = frame["key"].map(top1["w"]).to_numpy(float)
        t2_w = frame["key"].map(top2["w"]).fillna(0.0).to_numpy(float)
        best_other = np.where(t1_cat == frame["cat"].to_numpy(), t2_w, t1_w)
        n = frame.groupby("key", sort=False)["w"].transform("size").to_numpy()
        agree = (sums - wo > best_other + 1e-12).astype(float)
        return np.where(n > 1, agree, np.nan)

    # ------------------------------------------------------------------ fit
    def fit(self, observations: pd.DataFrame) -> TruthDiscovery:
        self._validate()
        num, cat, rejected = self._prepare(observations)
        sources = sorted(set(num["source"]) | set(cat["source"]))
        source_index = {s: i for i, s in enumerate(sources)}
        a = self.prior_mean * self.prior_strength
        b = (1 - self.prior_mean) * self.prior_strength
        reliability = np.full(len(sources), self.prior_mean)
        lay = self._numeric_layout(num, source_index) if len(num) else None
        num_src = lay["src"] if lay is not None else np.zeros(0, dtype=int)
        cat_src = cat["source"].map(source_index).to_numpy() if len(cat) else np.zeros(0, dtype=int)
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):  # noqa: B007
            w = self._weights(reliability)
            agree_num = self._numeric_agreement(lay, w) if lay is not None else np.zeros(0)
            agree_cat = self._categorical_agreement(cat, w, source_index)
            agree = np.r_[agree_num, agree_cat]
            src = np.r_[num_src, cat_src].astype(int)
            compared = ~np.isnan(agree)
            n_agree = np.bincount(src[compared], weights=agree[compared], minlength=len(sources))
            n_compared = np.bincount(src[compared], minlength=len(sources))
            new = (a + n_agree) / (a + b + n_compared) if a + b > 0 else np.where(
                n_compared > 0, n_agree / np.maximum(n_compared, 1), self.prior_mean)
            delta = float(np.max(np.abs(new - reliability))) if len(sources) else 0.0
            reliability = new
            if delta < self.tol:
                break
        w = self._weights(reliability)
        weights = dict(zip(sources, w.tolist(), strict=True))
        n_items = np.bincount(np.r_[num_src, cat_src].astype(int), minlength=len(sources))
        self.sources_ = pd.DataFrame({
            "source": sources, "reliability": reliability, "weight": w, "n_items": n_items,
            "n_compared": n_compared if len(sources) else [], "n_agree": n_agree if len(sources) else [],
        }).sort_values(["reliability", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)
        self.reliability_ = dict(zip(sources, reliability.tolist(), strict=True))
        self.weights_ = weights
        self.n_iter_ = n_iter
        self.rejected_ = rejected
        results = self._summarise_numeric(num, weights) + self._summarise_categorical(cat, weights)
        self.results_ = {(r.item, r.unit): r for r in results}
        self.items_ = pd.DataFrame([{
            "item": r.item, "unit": r.unit, "kind": r.kind, "consensus": r.consensus,
            "low": r.low, "high": r.high, "n_sources": r.n_sources, "agreement": r.agreement,
            "confidence": r.confidence,
            "dissent": "; ".join(f"{v} ({s})" for s, v in r.dissent),
        } for r in results], columns=["item", "unit", "kind", "consensus", "low", "high", "n_sources",
                                     "agreement", "confidence", "dissent"])
        self.observations_ = pd.concat([num, cat], ignore_index=True) if len(num) or len(cat) else num
        return self

    def _confidence(self, agreeing: list[str], dissenting: list[str], weights: dict[str, float]) -> float:
        z = self.intercept + sum(weights[s] for s in agreeing) - sum(weights[s] for s in dissenting)
        return logistic(z)

    def _summarise_numeric(self, num: pd.DataFrame, weights: dict[str, float]) -> list[ItemResult]:
        out = []
        if num.empty:
            return out
        claim_ids = num["claim_ids"] if "claim_ids" in num.columns else (
            num["claim_id"].map(lambda c: (str(c),)) if "claim_id" in num.columns
            else num["row"].map(lambda r: (str(r + 1),)))
        records = num.assign(claim_ids=claim_ids)[["key", "item", "unit", "source", "value", "low",
                                                   "high", "claim_ids", "published_at"]]
        for key, group in records.groupby("key", sort=True):
            qs = [{"unit": key[1] or "(number)", "source": s, "value": v, "low": lo, "high": hi,
                   "claim_ids": c, "published_at": t}
                  for s, v, lo, hi, c, t in zip(group["source"], group["value"], group["low"],
                                                group["high"], group["claim_ids"],
                                                group["published_at"], strict=True)]
            (unit,) = numeric_consensus(qs, tolerance=self.rel_tolerance, weights=weights,
                                        abs_tolerance=self.abs_tolerance)
            dissenting = [d.source for d in unit.dissent]
            agreeing = [s for s in group["source"] if s not in set(dissenting)]
            out.append(ItemResult(
                item=key[0], unit=key[1] or None, kind="numeric", consensus=unit.consensus,
                low=unit.low, high=unit.high, n_sources=unit.n_sources, agreement=unit.agreement,
                confidence=self._confidence(agreeing, dissenting, weights),
                dissent=tuple((d.source, d.value) for d in unit.dissent), numeric=unit))
        return out

    def _summarise_categorical(self, cat: pd.DataFrame, weights: dict[str, float]) -> list[ItemResult]:
        out = []
        for key, group in cat.groupby("key", sort=True):
            score: dict[str, float] = {}
            shown: dict[str, Any] = {}
            for s, c, v in zip(group["source"], group["category"], group["value"], strict=True):
                score[c] = score.get(c, 0.0) + weights[s]
                shown.setdefault(c, v)
            best = min(score, key=lambda c: (-score[c], c))
            agreeing = [s for s, c in zip(group["source"], group["category"], strict=True) if c == best]
            dissent = tuple((s, v) for s, c, v in zip(group["source"], group["category"], group["value"],
                                                      strict=True) if c != best)
            total = sum(score.values())
            out.append(ItemResult(
                item=key[0], unit=key[1] or None, kind="categorical", consensus=shown[best],
                low=None, high=None, n_sources=len(group), agreement=score[best] / total if total else 1.0,
                confidence=self._confidence(agreeing, [s for s, _ in dissent], weights), dissent=dissent))
        return out

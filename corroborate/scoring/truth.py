"""Truth discovery: a consensus per item and a reliability per source, learned together.

Input is long format, one observation per row: ``item, source, value`` and
optionally ``low, high`` (a stated interval, e.g. from hedges), ``unit``,
``published_at``, ``claim_id`` and ``group`` (an independence group: two
observations of one group, such as copies of one wire story, never count as
agreeing with each other). The text pipeline feeds it the quantities of
every cluster (item = cluster and unit); ``corroborate truth`` feeds it a CSV of
structured claims. One engine serves both.

The model, in four lines:

* a source's **reliability** r is how often it agrees with what the *other*
  sources say, smoothed by a Beta prior (mean ``prior_mean``, weight
  ``prior_strength`` pseudo-observations) so that a source seen once is not
  judged on one claim;
* its **weight** is its log-odds relative to the average source,
  1 + logit(r) - mean logit(r), clipped to [0.05, 4]: an average source weighs
  1, and weights add up as evidence;
* an item's **consensus** is the weighted median of its sources' values
  (numbers) or the weighted vote (categories);
* "agrees" is judged against the **other** sources only, so no source can
  confirm itself: on each item, a source earns the reliability-weighted share
  of the other sources whose stated interval overlaps its own (after a
  relative tolerance for rounding), or who give the same category. With
  10,000 / 10,000 / 12,000 / 40,000, each 10,000 source earns 1/3 and the
  others 0, where a leave-one-out median would wrongly favour 12,000.

The two are iterated to a fixed point (TruthFinder / CRH style). The
confidence of an item is ``logistic(intercept + sum of the weights of the
sources that agree with the consensus - sum of the weights of those that do
not)``.

Values are parsed leniently where a user would expect it ("2 1/2" is 2.5,
"10,000" is 10000) and placeholders ("N/A", "--", "*") or values that are not
numbers in a numeric item are rejected with a reason, never dropped silently;
so are numbers that cannot be compared ("inf", "1e309", beyond 1e15) and a
value outside its own stated interval (:mod:`.truth_observations`). Which
observations agree is :mod:`.truth_pairs`. A claims file is read record by
record for ``corroborate truth`` by :func:`corroborate.ingest.read_claims`,
whose :class:`~corroborate.ingest.ClaimTable` ``fit`` takes as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sklearn.base import BaseEstimator

from ..errors import ConfigError
from ..ingest.claim_table import ClaimTable
from .consensus import MAX_WEIGHT, MIN_WEIGHT, UnitConsensus, numeric_consensus
from .truth_observations import prepare_observations
from .truth_pairs import agreement_pairs


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


class TruthDiscovery(BaseEstimator):  # type: ignore[misc]
    """Learn item consensus and source reliability from long-format observations.

    A scikit-learn estimator: ``__init__`` stores parameters (``get_params``,
    ``set_params`` and ``clone`` work), ``fit`` computes, learned attributes end
    in ``_``; a refit forgets everything the previous fit learned.

    Parameters
    ----------
    prior_mean, prior_strength : Beta prior on reliability (mean, pseudo-count).
    rel_tolerance : relative widening of each stated interval before comparing
        (rounding: 10,000 vs 10,200 agree at 0.05).
    abs_tolerance : absolute widening, for quantities near zero: one number, or
        a mapping unit -> number (units not listed get 0), e.g. ``{"F": 1}``.
    intercept : log-odds of an item's consensus before any source is counted.
    duplicates : what to do when a source states several values for one item:
        ``"first"`` keeps the earliest (by ``published_at``, then input order),
        ``"median"`` keeps the median value and the hull of the intervals.
    consensus : ``"median"`` (the weighted median, default) or ``"support"``
        (the stated figure with the most weighted support); see
        :func:`corroborate.scoring.consensus.numeric_consensus`. The median measured better on DAFNA
        weather (benchmarks/RESULTS.md).
    reliability_by : ``"source"`` (one reliability per source) or
        ``"source_unit"`` (one per source and unit: a site can be good at
        temperatures and bad at pressures). Without units the two are the same.
    max_iter, tol : the fixed-point iteration.

    The defaults of ``prior_mean`` (0.7), ``prior_strength`` (10), ``rel_tolerance`` (0.05)
    and ``intercept`` (-1) are the estimator's own, equal to those of the packaged model
    file (``models/default.json``) when this was written; the pipeline and ``corroborate
    truth`` always pass the values of the model file in use (``[reliability]``,
    ``[quantities] agreement_rel_tolerance``, ``[truth] intercept``), so a tuned model file
    never depends on these literals.

    Attributes
    ----------
    items_ : DataFrame, one row per (item, unit)
    sources_ : DataFrame: source, reliability, weight, n_items, n_compared, n_agree
    observations_ : DataFrame, the observations used (one per item, unit and source)
    rejected_ : list of dicts (location, field, row, item, source, value, reason), by row; the
        reader's rejections (:attr:`ClaimTable.rejected`, when ``fit`` is given a
        :class:`~corroborate.ingest.ClaimTable`) included
    accounting_ : dict: read, used, rejected (read = used + rejected)
    n_iter_ : iterations run
    """

    def __init__(self, *, prior_mean: float = 0.7, prior_strength: float = 10.0,
                 rel_tolerance: float = 0.05, abs_tolerance: float | Mapping[str, float] = 0.0,
                 intercept: float = -1.0, duplicates: Literal["first", "median"] = "first",
                 consensus: Literal["support", "median"] = "median",
                 reliability_by: Literal["source", "source_unit"] = "source_unit",
                 max_iter: int = 50, tol: float = 1e-6) -> None:
        self.prior_mean = prior_mean
        self.prior_strength = prior_strength
        self.rel_tolerance = rel_tolerance
        self.abs_tolerance = abs_tolerance
        self.intercept = intercept
        self.duplicates = duplicates
        self.consensus = consensus
        self.reliability_by = reliability_by
        self.max_iter = max_iter
        self.tol = tol

    # ------------------------------------------------------------------ checks
    def _resolve(self) -> None:
        """The learned copies of the numeric parameters (``prior_mean_``...), as floats."""
        for name in ("prior_mean", "prior_strength", "rel_tolerance", "intercept"):
            try:
                setattr(self, f"{name}_", float(getattr(self, name)))
            except (TypeError, ValueError):
                raise ConfigError(f"TruthDiscovery: {name} must be a number; got {getattr(self, name)!r}") from None

    def _validate(self) -> None:
        self._resolve()
        if not 0.0 < self.prior_mean_ < 1.0:
            raise ConfigError(f"TruthDiscovery: prior_mean must be in (0, 1); got {self.prior_mean_!r}")
        if self.prior_strength_ < 0:
            raise ConfigError(f"TruthDiscovery: prior_strength must be >= 0; got {self.prior_strength_!r}")
        abs_values = (self.abs_tolerance.values() if isinstance(self.abs_tolerance, Mapping)
                      else [self.abs_tolerance])
        if self.rel_tolerance_ < 0 or any(v < 0 for v in abs_values):
            raise ConfigError("TruthDiscovery: tolerances must be >= 0")
        if self.reliability_by not in ("source", "source_unit"):
            raise ConfigError("TruthDiscovery: reliability_by must be 'source' or 'source_unit'; "
                              f"got {self.reliability_by!r}")
        if self.duplicates not in ("first", "median"):
            raise ConfigError(f"TruthDiscovery: duplicates must be 'first' or 'median'; got {self.duplicates!r}")

    # ------------------------------------------------------------------ weights
    def _weights(self, reliability: np.ndarray) -> np.ndarray:
        """Relative log-odds weights: 1 + logit(r) - mean logit(r), clipped.

        A source as reliable as the average weighs 1; log-odds add up as
        evidence, so two sources at reliability 0.25 (0.52 each against an
        average of 0.37) weigh less together than one at 0.48 (1.51). Relative,
        because with many possible values chance agreement is far below 0.5 and
        an absolute log-odds would silence every source. (Doubling or tripling
        the spread measured worse on a development half of DAFNA weather.)
        """
        if reliability.size == 0:
            return reliability
        log_odds = logit(np.clip(reliability, 1e-6, 1 - 1e-6))
        return np.clip(1.0 + log_odds - log_odds.mean(), MIN_WEIGHT, MAX_WEIGHT)

    # ------------------------------------------------------------------ agreement
    def _widened(self, obs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        low = pd.to_numeric(obs["low"], errors="coerce").to_numpy(float)
        high = pd.to_numeric(obs["high"], errors="coerce").to_numpy(float)
        absolute = obs["unit"].map(self._abs_tolerance_of).to_numpy(float)
        with np.errstate(invalid="ignore"):
            return (low - np.abs(low) * self.rel_tolerance_ - absolute,
                    high + np.abs(high) * self.rel_tolerance_ + absolute)

    def _abs_tolerance_of(self, unit: str | None) -> float:
        if isinstance(self.abs_tolerance, Mapping):
            return float(self.abs_tolerance.get(unit or "", 0.0)) if unit else 0.0
        return float(self.abs_tolerance)

    # ------------------------------------------------------------------ fit
    def fit(self, observations: pd.DataFrame | ClaimTable, y: Any = None) -> TruthDiscovery:
        """Learn from ``observations``: a long-format frame, or the :class:`~corroborate.ingest.ClaimTable`
        of :func:`corroborate.ingest.read_claims` (its rejected records and count carry over)."""
        self._validate()
        self.__dict__.pop("_support_index", None)          # nothing carries over from a previous fit
        if isinstance(observations, ClaimTable):
            prepared = prepare_observations(observations.frame, duplicates=self.duplicates,
                                            rejected=observations.rejected,
                                            read=observations.accounting.get("read", len(observations.frame)))
        else:
            prepared = prepare_observations(observations, duplicates=self.duplicates)
        obs, rejected, self.accounting_ = prepared.frame, prepared.rejected, prepared.accounting
        # who is judged: a source, or a source within one unit
        judged = (list(zip(obs["source"], obs["unit"].fillna(""), strict=True))
                  if self.reliability_by == "source_unit" else list(zip(obs["source"], [""] * len(obs),
                                                                         strict=True)))
        sources = sorted(set(judged))
        source_index = {s: i for i, s in enumerate(sources)}
        src = np.array([source_index[x] for x in judged], dtype=int)
        reliability, n_compared, n_agree, support, compared, n_iter = self._fixed_point(obs, src, len(sources))
        self._summarise(obs, sources, src, reliability, n_compared, n_agree)
        self.n_iter_ = n_iter
        self.rejected_ = rejected
        # each observation's final support from the other sources (NaN: nobody to compare with)
        self.observations_ = obs.assign(support=np.where(compared, support, np.nan)
                                        if len(obs) else np.zeros(0))
        return self

    def _fixed_point(self, obs: pd.DataFrame, src: np.ndarray, n_sources: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """Reliability and support iterated together: (reliability, n_compared, n_agree,
        support of each observation, whether it was compared, iterations)."""
        j, k, agree = (agreement_pairs(obs, *self._widened(obs)) if len(obs)
                       else (np.zeros(0, int),) * 2 + (np.zeros(0, bool),))
        compared = np.bincount(j, minlength=len(obs)) > 0
        a = self.prior_mean_ * self.prior_strength_
        b = (1 - self.prior_mean_) * self.prior_strength_
        reliability = np.full(n_sources, self.prior_mean_)
        n_compared = np.bincount(src[compared], minlength=n_sources).astype(float)
        n_agree = np.zeros(n_sources)
        support = np.zeros(len(obs))
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):
            w = self._weights(reliability)[src[k]]
            # support of observation j: weighted share of the other sources that agree with it
            support = (np.bincount(j, weights=w * agree, minlength=len(obs))
                       / np.maximum(np.bincount(j, weights=w, minlength=len(obs)), 1e-12))
            n_agree = np.bincount(src[compared], weights=support[compared], minlength=n_sources)
            new = (a + n_agree) / np.maximum(a + b + n_compared, 1e-12)
            new = np.where(n_compared + a + b > 0, new, self.prior_mean_)
            delta = float(np.max(np.abs(new - reliability))) if n_sources else 0.0
            reliability = new
            if delta < self.tol:
                break
        return reliability, n_compared, n_agree, support, compared, n_iter

    def _summarise(self, obs: pd.DataFrame, sources: list[tuple[str, str]], src: np.ndarray,
                   reliability: np.ndarray, n_compared: np.ndarray, n_agree: np.ndarray) -> None:
        """``sources_``, ``reliability_``, ``weights_``, ``results_`` and ``items_``."""
        w = self._weights(reliability)
        weights = dict(zip(sources, w.tolist(), strict=True))        # (source, unit or "")
        n_items = np.bincount(src, minlength=len(sources))
        self.sources_ = pd.DataFrame({
            "source": [s for s, _ in sources], "unit": [u or None for _, u in sources],
            "reliability": reliability, "weight": w, "n_items": n_items,
            "n_compared": n_compared.astype(int), "n_agree": n_agree,
        })
        # most reliable first, ties by name (and unit): the order never depends on input order
        if self.reliability_by == "source":
            self.sources_ = (self.sources_.drop(columns="unit")
                             .sort_values(["reliability", "source"], ascending=[False, True], kind="stable")
                             .reset_index(drop=True))
        else:
            self.sources_ = (self.sources_.assign(_unit=self.sources_["unit"].fillna(""))
                             .sort_values(["reliability", "source", "_unit"], ascending=[False, True, True],
                                          kind="stable")
                             .drop(columns="_unit").reset_index(drop=True))
        per_source = self.reliability_by == "source"
        self.reliability_ = {(s if per_source else (s, u)): r
                             for (s, u), r in zip(sources, reliability.tolist(), strict=True)}
        self.weights_ = {(s if per_source else (s, u)): x for (s, u), x in weights.items()}
        results = (self._summarise_numeric(obs[obs["numeric"]], weights)
                   + self._summarise_categorical(obs[~obs["numeric"]], weights))
        self.results_ = {(r.item, r.unit): r for r in results}
        self.items_ = pd.DataFrame([{
            "item": r.item, "unit": r.unit, "kind": r.kind, "consensus": r.consensus,
            "low": r.low, "high": r.high, "n_sources": r.n_sources, "agreement": r.agreement,
            "confidence": r.confidence,
            "dissent": "; ".join(f"{v} ({s})" for s, v in r.dissent),
        } for r in results], columns=["item", "unit", "kind", "consensus", "low", "high", "n_sources",
                                     "agreement", "confidence", "dissent"])

    def reliability_without(self, source: str, items: set[str]) -> float:
        """The reliability of ``source`` learned from every item except ``items``.

        Lets a caller score a claim with what the source earned *elsewhere*,
        so agreement on a claim is not counted twice (once as agreement, once
        as reliability). Only for ``reliability_by="source"``. Constant time
        per item after the first call (sums are indexed once).
        """
        if self.reliability_by != "source":
            raise ConfigError("reliability_without needs reliability_by='source'")
        if not hasattr(self, "_support_index"):
            compared = self.observations_[self.observations_["support"].notna()]
            per_item = compared.groupby(["source", "item"])["support"].agg(["sum", "count"])
            totals = per_item.groupby(level="source").sum()
            self._support_index = ({s: (float(a), int(c)) for s, a, c in zip(
                                        totals.index, totals["sum"], totals["count"], strict=True)},
                                   {k: (float(a), int(c)) for k, a, c in zip(
                                        per_item.index, per_item["sum"], per_item["count"], strict=True)})
        by_source, per_item = self._support_index
        agree, n = by_source.get(source, (0.0, 0))
        for item in items:
            a_i, n_i = per_item.get((source, item), (0.0, 0))
            agree, n = agree - a_i, n - n_i
        a = self.prior_mean_ * self.prior_strength_
        b = (1 - self.prior_mean_) * self.prior_strength_
        if a + b + n <= 0:
            return self.prior_mean_
        return float((a + agree) / (a + b + n))

    def _unit_weights(self, weights: dict[tuple[str, str], float], unit: str) -> dict[str, float]:
        """source -> weight for the items of one unit."""
        wanted = unit if self.reliability_by == "source_unit" else ""
        return {s: w for (s, u), w in weights.items() if u == wanted}

    def _confidence(self, agreeing: list[str], dissenting: list[str], weights: dict[str, float]) -> float:
        z = self.intercept_ + sum(weights[s] for s in agreeing) - sum(weights[s] for s in dissenting)
        return float(expit(z))

    def _summarise_numeric(self, num: pd.DataFrame,
                           all_weights: dict[tuple[str, str], float]) -> list[ItemResult]:
        out = []
        if num.empty:
            return out
        claim_ids = num["claim_ids"] if "claim_ids" in num.columns else (
            num["claim_id"].map(lambda c: (str(c),)) if "claim_id" in num.columns
            else num["row"].map(lambda r: (f"row {r}",)))
        records = num.assign(claim_ids=claim_ids)[["key", "item", "unit", "source", "value", "low",
                                                   "high", "claim_ids", "published_at"]]
        for key, group in records.groupby("key", sort=True):
            weights = self._unit_weights(all_weights, key[1])
            qs = [{"unit": key[1] or "(number)", "source": s, "value": v, "low": lo, "high": hi,
                   "claim_ids": c, "published_at": t}
                  for s, v, lo, hi, c, t in zip(group["source"], group["value"], group["low"],
                                                group["high"], group["claim_ids"],
                                                group["published_at"], strict=True)]
            (unit,) = numeric_consensus(qs, tolerance=self.rel_tolerance_, weights=weights,
                                        abs_tolerance=self._abs_tolerance_of(key[1] or None),
                                        estimator=self.consensus)
            dissenting = [d.source for d in unit.dissent]
            agreeing = [s for s in group["source"] if s not in set(dissenting)]
            out.append(ItemResult(
                item=key[0], unit=key[1] or None, kind="numeric", consensus=unit.consensus,
                low=unit.low, high=unit.high, n_sources=unit.n_sources, agreement=unit.agreement,
                confidence=self._confidence(agreeing, dissenting, weights),
                dissent=tuple((d.source, d.value) for d in unit.dissent), numeric=unit))
        return out

    def _summarise_categorical(self, cat: pd.DataFrame,
                               all_weights: dict[tuple[str, str], float]) -> list[ItemResult]:
        out = []
        for key, group in cat.groupby("key", sort=True):
            weights = self._unit_weights(all_weights, key[1])
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

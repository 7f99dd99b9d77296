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
value outside its own stated interval. :func:`read_claims` reads a claims file
record by record for ``corroborate truth`` (fail at the first bad record, or
skip it and list it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .errors import ConfigError, InputError, RecordError
from .io import (CLAIM_TABLE_OPTIONAL, CLAIM_TABLE_REQUIRED, _blank, _csv_rows, _iter_frame, _iter_jsonl,
                 _optional_str, _parse_time, _read_parquet, _type_name)
from .schema import MAX_MAGNITUDE
from .score import MAX_WEIGHT, MIN_WEIGHT, UnitConsensus, logistic, numeric_consensus

PLACEHOLDERS = frozenset({"", "n/a", "na", "--", "-", "*", "null", "none", "nan", "unknown", "?",
                          "not available", "not applicable"})
_FRACTION = re.compile(r"^([+-]?\d+)\s+(\d+)/(\d+)$|^([+-]?\d+)/(\d+)$")
_INFINITE = re.compile(r"^[+-]?inf(?:inity)?$", re.IGNORECASE)
#: the reasons :func:`parse_value` gives for a number it cannot compare (it is still a number:
#: the item stays numeric, and the value is rejected in every item)
UNCOMPARABLE = ("not a finite number", "too large to compare")


def parse_value(raw: Any) -> tuple[float | None, str | None]:
    """``(number, None)``, or ``(None, reason)`` when ``raw`` is not a number.

    Accepts ints, floats, "10,000", "30.09", "-5", "2 1/2", "3/4".
    """
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        x = float(raw)
        if math.isnan(x):
            return None, "placeholder 'NaN'"
        if not math.isfinite(x):
            return None, "not a finite number"
        return (x, None) if abs(x) <= MAX_MAGNITUDE else (None, f"too large to compare: {x:g} (limit {MAX_MAGNITUDE:g})")
    text = " ".join(str(raw).split())
    if text.casefold() in PLACEHOLDERS:
        return None, f"placeholder {text!r}"
    if _INFINITE.match(text):
        return None, f"not a finite number: {text[:40]!r}"
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
    if x is None:
        return None, f"not a number: {text[:40]!r}"
    if abs(x) > MAX_MAGNITUDE:                          # also "1e309", which overflows to inf
        return None, f"too large to compare: {text[:40]!r} (limit {MAX_MAGNITUDE:g})"
    return x, None


# ------------------------------------------------------------------ reading structured claims

def read_claims(path: str | Path, *, errors: Literal["raise", "skip"] = "raise") -> pd.DataFrame:
    """Read long-format structured claims for ``corroborate truth``, record by record.

    A missing column stops the file; an empty ``item`` or ``source``, a missing
    ``value``, a bound that is not a finite number, ``low > high``, a bad date
    and a number outside its own ``low``/``high`` are bad records.
    ``errors="raise"`` stops at the first bad record with a :class:`RecordError`
    naming file, row (or line) and field;
    ``"skip"`` leaves it out and lists it in ``frame.attrs["rejected"]``
    (``location``, ``field``, ``row``, ``reason``), which :class:`TruthDiscovery`
    carries into ``rejected_``. ``frame.attrs["accounting"]`` holds ``read``,
    ``used`` and ``rejected`` (read = used + rejected). Columns: ``row`` (the
    record's 1-based position), ``location`` and the claim fields.
    """
    if errors not in ("raise", "skip"):
        raise ConfigError(f"read_claims: errors must be 'raise' or 'skip'; got {errors!r}")
    path = Path(path)
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    n_read = 0
    for n, (location, record) in enumerate(_claim_records(path), start=1):
        n_read += 1
        try:
            if isinstance(record, RecordError):
                raise record
            rows.append({"row": n, "location": location, **_claim_record(record, location)})
        except RecordError as err:
            if errors == "raise":
                raise
            raw = record if isinstance(record, Mapping) else {}
            rejected.append({"location": err.location, "field": err.field, "row": n,
                             **{k: _shown(raw.get(k)) for k in ("item", "source", "value")},
                             "reason": err.reason})
    if not rows:
        raise InputError(f"{path}: no claims" + (f" ({len(rejected)} rejected; first: {rejected[0]['location']}, "
                                                  f"field {rejected[0]['field']!r}: {rejected[0]['reason']})"
                                                  if rejected else ""))
    frame = pd.DataFrame(rows, columns=["row", "location", *CLAIM_TABLE_REQUIRED, *CLAIM_TABLE_OPTIONAL])
    frame.attrs["rejected"] = rejected
    frame.attrs["accounting"] = {"input": str(path), "read": n_read, "used": len(rows), "rejected": len(rejected)}
    return frame


def _shown(raw: Any) -> str | None:
    return None if raw is None else str(raw)[:200]


def _claim_records(path: Path) -> list[tuple[str, Any]]:
    """(location, raw record or RecordError) of every record of a claims file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return list(_iter_jsonl(path))
    if suffix == ".csv":
        header, records = _csv_rows(path)
        columns = set(header)
    elif suffix in (".parquet", ".pq"):
        frame = _read_parquet(path)
        records, columns = list(_iter_frame(frame, str(path))), set(map(str, frame.columns))
    else:
        raise InputError(f"{path}: unknown format {suffix!r}; use .csv, .jsonl or .parquet")
    missing = [c for c in CLAIM_TABLE_REQUIRED if c not in columns]
    if missing:                                       # the whole file is unusable, in either mode
        raise InputError(f"{path}: missing required column(s) {', '.join(missing)}; "
                         f"the columns are {', '.join(sorted(columns))}")
    return records


def _claim_record(record: Mapping[str, Any], location: str) -> dict[str, Any]:
    """One claim's fields, validated, or a :class:`RecordError` naming the field."""
    out: dict[str, Any] = {}
    for name in ("item", "source"):
        text = _optional_str(record.get(name), location, name)
        if text is None:
            raise RecordError(location, name, "missing or empty (required)")
        out[name] = text
    value = record.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordError(location, "value", "missing (required; write N/A for a placeholder)")
    if isinstance(value, (dict, list)):
        raise RecordError(location, "value", f"expected a number or text, got {_type_name(value)}")
    out["value"] = value                     # NaN stays: the engine lists it as a placeholder
    out["unit"] = _optional_str(record.get("unit"), location, "unit")
    out["published_at"] = _parse_time(record.get("published_at"), location)
    for bound in ("low", "high"):
        out[bound] = _claim_bound(record.get(bound), location, bound) if not _blank(record.get(bound)) else None
    low, high = out["low"], out["high"]
    if low is not None and high is not None and low > high:
        raise RecordError(location, "low", f"low {low:g} is above high {high:g}")
    number, _ = parse_value(value)
    if number is not None and ((low is not None and number < low) or (high is not None and number > high)):
        raise RecordError(location, "value", f"{number:g} is outside its own interval "
                                             f"[{_bound(low, '-inf')}, {_bound(high, 'inf')}]")
    return out


def _claim_bound(raw: Any, location: str, bound: str) -> float:
    if isinstance(raw, bool):
        raise RecordError(location, bound, f"not a number: {raw!r}")
    try:
        x = float(raw)
    except (TypeError, ValueError):
        raise RecordError(location, bound, f"not a number: {str(raw)[:40]!r}") from None
    if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
        limit = f"{MAX_MAGNITUDE:.0e}".replace("e+", "e")
        raise RecordError(location, bound, f"not a finite number up to {limit}: {str(raw)[:40]!r} "
                                           "(leave it empty for no bound)")
    return x


def _rejection(row: Any, reason: str) -> dict[str, Any]:
    """A rejected observation as listed in ``rejected.jsonl``: where, which field, why."""
    location = getattr(row, "location", None)
    return {"location": location if isinstance(location, str) else f"row {int(row.row)}",
            "field": "value", "row": int(row.row), "item": row.item, "source": row.source,
            "value": str(row.value), "reason": reason}


def _bound(x: Any, missing: str) -> str:
    return missing if pd.isna(x) else f"{float(x):g}"


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


class TruthDiscovery(BaseEstimator):  # type: ignore[misc]
    """Learn item consensus and source reliability from long-format observations.

    A scikit-learn estimator: ``__init__`` stores parameters (``get_params``,
    ``set_params`` and ``clone`` work), ``fit`` computes, learned attributes end
    in ``_``; a refit forgets everything the previous fit learned.

    Parameters
    ----------
    prior_mean, prior_strength : Beta prior on reliability (mean, pseudo-count).
        Every parameter left at ``None`` takes the model file's value.
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
        :func:`score.numeric_consensus`. The median measured better on DAFNA
        weather (benchmarks/RESULTS.md).
    reliability_by : ``"source"`` (one reliability per source) or
        ``"source_unit"`` (one per source and unit: a site can be good at
        temperatures and bad at pressures). Without units the two are the same.
    max_iter, tol : the fixed-point iteration.

    Attributes
    ----------
    items_ : DataFrame, one row per (item, unit)
    sources_ : DataFrame: source, reliability, weight, n_items, n_compared, n_agree
    observations_ : DataFrame, the observations used (one per item, unit and source)
    rejected_ : list of dicts (location, field, row, item, source, value, reason), by row; the
        reader's rejections (``observations.attrs["rejected"]``, from :func:`read_claims`) included
    accounting_ : dict: read, used, rejected (read = used + rejected)
    n_iter_ : iterations run
    """

    def __init__(self, *, prior_mean: float | None = None, prior_strength: float | None = None,
                 rel_tolerance: float | None = None, abs_tolerance: float | Mapping[str, float] = 0.0,
                 intercept: float | None = None, duplicates: Literal["first", "median"] = "first",
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
        """Parameters left at ``None`` take the model file's values (the one place defaults live):
        ``[reliability] prior_mean, prior_strength``, ``[quantities] agreement_rel_tolerance``,
        ``[truth] intercept``."""
        from .config import Config

        cfg = Config.default()
        self.prior_mean_ = float(cfg.reliability_prior_mean if self.prior_mean is None else self.prior_mean)
        self.prior_strength_ = float(cfg.reliability_prior_strength if self.prior_strength is None
                                     else self.prior_strength)
        self.rel_tolerance_ = float(cfg.agreement_rel_tolerance if self.rel_tolerance is None
                                    else self.rel_tolerance)
        self.intercept_ = float(cfg.truth_intercept if self.intercept is None else self.intercept)

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

    # ------------------------------------------------------------------ prepare
    def _prepare(self, obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
        for col in ("item", "source", "value"):
            if col not in obs.columns:
                raise ConfigError(f"TruthDiscovery.fit: observations need a {col!r} column")
        frame = obs.reset_index(drop=True).copy()
        # ``row`` is the 1-based position reported for rejected values; callers that
        # read a file pass its own row numbers
        if "row" not in frame.columns:
            frame["row"] = np.arange(1, len(frame) + 1)
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
        # "inf" and "1e309" are numbers too large to compare: they keep an item numeric (so they can
        # never become a category's consensus) and are rejected in every item
        uncomparable = frame["why_not_number"].map(lambda w: isinstance(w, str) and w.startswith(UNCOMPARABLE))
        uncomparable = uncomparable.astype(bool)
        is_number = frame["number"].notna() | uncomparable
        numeric_share = frame.assign(ok=is_number).groupby("key", sort=False)["ok"].mean()
        frame["numeric"] = (frame["key"].map(numeric_share) >= 0.5).astype(bool)
        placeholder = frame["why_not_number"].map(lambda w: isinstance(w, str) and w.startswith("placeholder"))
        placeholder = placeholder.astype(bool)
        bad = (frame["numeric"] & frame["number"].isna()) | (~frame["numeric"] & (placeholder | uncomparable))
        rejected = [_rejection(r, r.why_not_number) for r in frame[bad].itertuples()]
        frame = frame[~bad]
        numeric = frame[frame["numeric"]].copy()
        categorical = frame[~frame["numeric"]].copy()
        numeric["value"] = numeric["number"].astype(float)
        for col in ("low", "high"):
            numeric[col] = (pd.to_numeric(numeric[col], errors="coerce") if col in numeric.columns
                            else np.nan)
        outside = (numeric["low"] > numeric["value"]) | (numeric["high"] < numeric["value"])
        rejected += [_rejection(r, f"{r.value:g} is outside its own interval "
                                   f"[{_bound(r.low, '-inf')}, {_bound(r.high, 'inf')}]")
                     for r in numeric[outside].itertuples()]
        numeric = numeric[~outside]
        numeric["low"] = numeric["low"].fillna(numeric["value"])
        numeric["high"] = numeric["high"].fillna(numeric["value"])
        categorical["category"] = categorical["value"].map(category_key)
        # the reader's rejections (``read_claims(..., errors="skip")``) come first, then by row
        rejected = sorted([*obs.attrs.get("rejected", []), *rejected], key=lambda r: r["row"])
        self.accounting_ = {"read": int(obs.attrs.get("accounting", {}).get("read", len(obs))),
                            "used": int(len(numeric) + len(categorical)), "rejected": len(rejected)}
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
            **({"group": ("group", "first")} if "group" in frame.columns else {}),
            claim_ids=("claim_id", lambda s: tuple(sorted(map(str, s)))) if "claim_id" in frame.columns
            else ("row", lambda s: tuple(map(str, s))),
        ).reset_index()
        return agg.sort_values("row", kind="stable")

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
        r = np.clip(reliability, 1e-6, 1 - 1e-6)
        logit = np.log(r / (1 - r))
        return np.clip(1.0 + logit - logit.mean(), MIN_WEIGHT, MAX_WEIGHT)

    # ------------------------------------------------------------------ agreement
    def _pairs(self, obs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every ordered pair (j, k), j != k, of observations of the same item, and
        whether they agree: intervals overlap after widening (numbers) or equal
        values (categories). Independent of the weights, so computed once.

        Size: the sum over items of n_sources^2.
        """
        codes, _ = pd.factorize(obs["key"], sort=False)
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1] if len(order) else np.zeros(0, int)
        sizes = np.diff(np.r_[starts, len(order)]).astype(int)
        lo, hi = self._widened(obs)
        category = pd.factorize(obs["category"].fillna("\x00"))[0] if "category" in obs else None
        numeric = obs["numeric"].to_numpy(bool)
        js, ks = [], []
        for m in np.unique(sizes[sizes > 1]):
            group_starts = starts[sizes == m]
            idx = order[group_starts[:, None] + np.arange(m)[None, :]]          # (groups, m)
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
        agree = np.where(numeric[j], (lo[j] <= hi[k]) & (lo[k] <= hi[j]),
                         category[j] == category[k] if category is not None else False)
        return j, k, agree

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
    def fit(self, observations: pd.DataFrame, y: Any = None) -> TruthDiscovery:
        self._validate()
        self.__dict__.pop("_support_index", None)          # nothing carries over from a previous fit
        obs, rejected = self._observations(observations)
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

    def _observations(self, observations: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
        """One frame of numeric and categorical observations, one per item, unit and source."""
        num, cat, rejected = self._prepare(observations)
        num = num.assign(numeric=True)
        cat = cat.assign(numeric=False, low=np.nan, high=np.nan)
        obs = pd.concat([num, cat], ignore_index=True) if len(cat) else num.reset_index(drop=True)
        return obs, rejected

    def _fixed_point(self, obs: pd.DataFrame, src: np.ndarray, n_sources: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        """Reliability and support iterated together: (reliability, n_compared, n_agree,
        support of each observation, whether it was compared, iterations)."""
        j, k, agree = self._pairs(obs) if len(obs) else (np.zeros(0, int),) * 2 + (np.zeros(0, bool),)
        compared = np.bincount(j, minlength=len(obs)) > 0
        a = self.prior_mean_ * self.prior_strength_
        b = (1 - self.prior_mean_) * self.prior_strength_
        reliability = np.full(n_sources, self.prior_mean_)
        n_compared = np.bincount(src[compared], minlength=n_sources).astype(float)
        n_agree = np.zeros(n_sources)
        support = np.zeros(len(obs))
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):  # noqa: B007
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
            self._support_index = (per_item.groupby(level="source").sum(),
                                   {k: (float(v["sum"]), int(v["count"]))
                                    for k, v in per_item.iterrows()})
        totals, per_item = self._support_index
        if source in totals.index:
            agree, n = float(totals.loc[source, "sum"]), int(totals.loc[source, "count"])
        else:
            agree, n = 0.0, 0
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
        return logistic(z)

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

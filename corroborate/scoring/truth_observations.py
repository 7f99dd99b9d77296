"""The observations :class:`~corroborate.scoring.truth.TruthDiscovery` learns from, made ready.

:func:`prepare_observations` turns long-format observations (``item, source,
value`` and optionally ``low, high, unit, published_at, claim_id, group,
row``) into one frame of comparable observations, one per item, unit and
source: each value parsed (:func:`corroborate.ingest.claim_table.parse_value`),
each item judged numeric (most of its values are numbers) or categorical, and
the values that cannot be used (a placeholder, not a number in a numeric item,
a number too large to compare, a value outside its own interval) listed with a
reason instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..ingest.claim_table import UNCOMPARABLE, bound_text, parse_value


@dataclass(frozen=True)
class Observations:
    """``frame``: one observation per (item, unit, source), numeric ones first (column ``numeric``;
    ``low``/``high`` the stated interval of a number, ``category`` the key of a category).
    ``rejected``: the values left out, by row. ``accounting``: read, used, rejected."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]]
    accounting: dict[str, int]


def category_key(raw: Any) -> str:
    """Categorical values compare case- and space-insensitively."""
    return " ".join(str(raw).split()).casefold()


def _rejection(row: Any, reason: str) -> dict[str, Any]:
    """A rejected observation as listed in ``rejected.jsonl``: where, which field, why."""
    location = getattr(row, "location", None)
    return {"location": location if isinstance(location, str) else f"row {int(row.row)}",
            "field": "value", "row": int(row.row), "item": row.item, "source": row.source,
            "value": str(row.value), "reason": reason}


def prepare_observations(observations: pd.DataFrame, *, duplicates: str,
                         rejected: Sequence[dict[str, Any]] = (), read: int | None = None) -> Observations:
    """The observations to learn from. ``rejected`` and ``read`` are what the reader of the
    observations left out and counted (:class:`corroborate.ingest.ClaimTable`): its rejections
    come first in the list, then by row; ``read`` defaults to the number of observations."""
    num, cat, left_out = _split(observations)
    everything = sorted([*rejected, *left_out], key=lambda r: r["row"])
    accounting = {"read": int(len(observations) if read is None else read),
                  "used": int(len(num) + len(cat)), "rejected": len(everything)}
    num = _collapse(num, numeric=True, duplicates=duplicates).assign(numeric=True)
    cat = _collapse(cat, numeric=False, duplicates=duplicates).assign(numeric=False, low=np.nan, high=np.nan)
    frame = pd.concat([num, cat], ignore_index=True) if len(cat) else num.reset_index(drop=True)
    return Observations(frame, everything, accounting)


def _split(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """(numeric observations, categorical observations, values left out)."""
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
                               f"[{bound_text(r.low, '-inf')}, {bound_text(r.high, 'inf')}]")
                 for r in numeric[outside].itertuples()]
    numeric = numeric[~outside]
    numeric["low"] = numeric["low"].fillna(numeric["value"])
    numeric["high"] = numeric["high"].fillna(numeric["value"])
    categorical["category"] = categorical["value"].map(category_key)
    return numeric, categorical, rejected


def _collapse(frame: pd.DataFrame, *, numeric: bool, duplicates: str) -> pd.DataFrame:
    """One observation per (item, unit, source): the earliest (``duplicates="first"``), or the
    median value and the hull of the intervals (``"median"``, numbers only)."""
    if frame.empty:
        return frame
    frame = frame.sort_values(["published_at", "row"], na_position="last", kind="stable")
    if duplicates == "first" or not numeric:
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

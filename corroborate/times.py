"""Times as the output files write them: ISO 8601 text, and ``None`` for every kind of missing."""

from __future__ import annotations

from typing import Any

import pandas as pd


def iso_time(t: Any) -> str | None:
    """ISO text of a time (``Timestamp``, ``datetime``, or text kept as written);
    ``None`` for ``None``, ``NaT`` and ``NaN``."""
    if t is None or t is pd.NaT:
        return None
    if not isinstance(t, str) and pd.api.types.is_scalar(t) and pd.isna(t):
        return None
    return t.isoformat() if hasattr(t, "isoformat") else str(t)

"""Furniture that no pattern names: what an outlet prints on the pages of many events.

Patterns (``data/boilerplate.toml``, applied in :mod:`corroborate.text.claims`) catch
the furniture every site has. Real corpora give another signal for free: a
sentence that one outlet prints, word for word, on the pages of several
different events ("For more neighborhood news, listen to ... radio", a
reporter's contact line, a station promo) is furniture, not news about any
of them. Such sentences are dropped with the reason ``furniture:recurring``.

Before events are known, :func:`outlet_repeats` marks sentences an outlet
prints on ``min_articles`` or more of its pages; they are left out of the text
that events are compared on (a promo on every page makes pages alike) but kept
as claims until :func:`recurring_across_events` confirms they span events (an
outlet repeating a background sentence in follow-ups of one event is not
furniture, only not independent).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..schema import DROPPED_COLUMNS

MIN_ARTICLES = 3
MIN_EVENTS = 2
REASON = "furniture:recurring"
_NOT_WORD = re.compile(r"[^\w]+")


def _key(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def outlet_repeats(claims: pd.DataFrame, *, min_articles: int = MIN_ARTICLES) -> np.ndarray:
    """Claims whose text (case and punctuation aside) one outlet prints on at least
    ``min_articles`` of its articles."""
    if claims.empty:
        return np.zeros(0, dtype=bool)
    keys = claims["text"].map(_key)
    articles = pd.DataFrame({"source": claims["source"], "key": keys, "article": claims["article_id"]})
    spread = articles.groupby(["source", "key"])["article"].transform("nunique")
    return (spread >= min_articles).to_numpy(dtype=bool)


def recurring_across_events(claims: pd.DataFrame, repeats: np.ndarray, *,
                            min_events: int = MIN_EVENTS) -> np.ndarray:
    """Among ``repeats``, the claims whose text the outlet prints in ``min_events``
    or more events (``claims`` needs ``event_id``)."""
    if claims.empty:
        return np.zeros(0, dtype=bool)
    frame = pd.DataFrame({"source": claims["source"], "key": claims["text"].map(_key),
                          "event": claims["event_id"]})
    events = frame.groupby(["source", "key"])["event"].transform("nunique")
    return repeats & (events >= min_events).to_numpy(dtype=bool)


def drop(claims: pd.DataFrame, dropped: pd.DataFrame, mask: np.ndarray,
         reason: str = REASON) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move the claims under ``mask`` to the dropped sentences, with ``reason``."""
    if not mask.any():
        return claims, dropped
    moved = claims.loc[mask, [c for c in DROPPED_COLUMNS if c != "reason"]].assign(reason=reason)
    dropped = pd.concat([dropped, moved[list(DROPPED_COLUMNS)]], ignore_index=True)
    dropped = dropped.sort_values(["article_id", "sent_idx"], kind="stable").reset_index(drop=True)
    return claims.loc[~mask].reset_index(drop=True), dropped

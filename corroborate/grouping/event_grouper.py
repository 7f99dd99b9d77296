"""The event stage as a swappable part: anything with ``group(articles, leads, kept_text)``.

:class:`EventGrouper` is the contract (checked structurally, as the embedder's is);
:class:`PairModelEvents` is the default: the pair model of :mod:`corroborate.grouping.events`
cut by average linkage. Pass another to :class:`corroborate.Corroborator` as ``event_grouper``
(for example one that reads a gold ``incident`` column, or a time-window grouper).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .events import EventModel, group_events


@runtime_checkable
class EventGrouper(Protocol):
    """Puts each article in an event.

    ``articles`` is the articles frame (:mod:`corroborate.schema`), ``leads`` one unit vector
    per article (its title and first sentences), ``kept_text`` each article's claims joined
    (its text without furniture). Returns an integer event id per article, row order kept.
    """

    def group(self, articles: pd.DataFrame, leads: np.ndarray, kept_text: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class PairModelEvents:
    """The default: a probability per candidate pair of articles, cut by average linkage."""

    model: EventModel
    show_progress: bool = False

    def group(self, articles: pd.DataFrame, leads: np.ndarray, kept_text: Sequence[str]) -> np.ndarray:
        return group_events(articles, leads, self.model, kept_text=kept_text, show_progress=self.show_progress)


def check_event_grouper(grouper: object) -> EventGrouper:
    if not isinstance(grouper, EventGrouper):
        raise ConfigError("Corroborator: event_grouper must have a group(articles, leads, kept_text) method "
                          f"returning an event id per article; got {type(grouper).__name__}")
    return grouper


def checked_events(events: object, n_articles: int) -> np.ndarray:
    """The event ids a grouper returned, as int64, one per article."""
    out = np.asarray(events)
    if out.shape != (n_articles,) or not np.issubdtype(out.dtype, np.integer):
        raise ConfigError(f"event_grouper.group returned {out.dtype} of shape {out.shape}; "
                          f"expected one integer event id for each of the {n_articles} articles")
    return out.astype(np.int64)

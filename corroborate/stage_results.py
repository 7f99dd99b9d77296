"""What each stage hands on to the next, declared in one place.

The frames' columns are in :mod:`corroborate.schema`; these dataclasses say which frames, side
records and counts travel together between the stages of :class:`corroborate.Corroborator`::

    ingest    -> Corpus      articles, rejected records, accounting, where each article came from
    text      -> Texts       claims, dropped sentences, attribution/stance, quantities
    grouping  -> Grouping    event per article, cluster label and generic span per claim
    scoring   -> Independence (claims with their evidence keys, linked denials), then Scored

Nothing travels in ``DataFrame.attrs``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Corpus:
    """What :func:`read_corpus` read.

    ``articles``: the articles frame (the columns of :data:`corroborate.schema.ARTICLE_COLUMNS`,
    sorted by ``article_id``). ``rejected``: each record left out, as a dict with ``location``,
    ``field`` and ``reason``. ``accounting``: ``input``, ``read``, ``used`` and ``rejected``
    (read = used + rejected); where it applies, ``source_spellings`` (display name -> the
    spellings of that outlet in the input) and ``cleaned`` (articles whose text was HTML,
    entities decoded, control and format characters removed). ``locations``: article id ->
    where its record was (``file:line N``, ``file:row N``, a ``.txt`` path), by id.
    ``truncated``: the articles cut to a length limit (:mod:`corroborate.ingest.limits`);
    the reader cuts none.
    """

    articles: pd.DataFrame
    rejected: list[dict[str, Any]]
    accounting: dict[str, Any]
    locations: dict[str, str]
    truncated: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Texts:
    """The claims of the articles and what the parse read in them (row i of each is claim i)."""

    claims: pd.DataFrame
    dropped: pd.DataFrame
    attribution: pd.DataFrame
    quantities: pd.DataFrame


@dataclass(frozen=True)
class Grouping:
    """Which claims state the same thing: a cluster label per claim (row order of the claims),
    and the number of events each claim's wording recurs in when it is generic (else 0)."""

    labels: np.ndarray
    generic_events: np.ndarray


@dataclass(frozen=True)
class Independence:
    """The claims with the keys their independence is judged by (``attributed_to`` normalised,
    :data:`corroborate.scoring.independence.EVIDENCE_COLUMNS`), and the denials linked to
    each cluster."""

    claims: pd.DataFrame
    denial_links: dict[int, list[dict[str, Any]]]

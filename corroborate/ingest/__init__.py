"""The first stage: input files and frames in, checked records out.

What comes in: a path (JSONL, CSV, Parquet, a ``.txt`` file, a folder of ``.txt``
files with an optional ``metadata.csv``) or a pandas DataFrame of articles; for
``corroborate truth``, a claims table (CSV, JSONL or Parquet).

What goes out: a :class:`Corpus` (:func:`read_corpus`): the articles frame of
:mod:`corroborate.schema` (``ARTICLE_COLUMNS``, one row per article, sorted by
id), the records rejected with their location and reason, the accounting
(records read = used + rejected, what was cleaned) and where each article came
from; :func:`read_articles` returns the frame alone. For claims, a
:class:`ClaimTable` (:func:`read_claims`): the claims frame, the rejected
records and the accounting. Nothing is dropped or changed without a word.

The modules, by job: :mod:`.records` (one record's fields), :mod:`.formats`
(JSONL, CSV, Parquet, frames), :mod:`.folders` (``.txt`` files and the
sidecar), :mod:`.articles` (a corpus), :mod:`.claim_table` (a claims table);
:mod:`.markup` and :mod:`.outlets` clean text and outlet names,
:mod:`.limits` bounds article length and :mod:`.syndication` finds copies.
"""

from __future__ import annotations

from .articles import Corpus, read_articles, read_corpus
from .claim_table import ClaimTable, read_claims

__all__ = ["ClaimTable", "Corpus", "read_articles", "read_claims", "read_corpus"]

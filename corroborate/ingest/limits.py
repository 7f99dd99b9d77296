"""Limits that keep one giant page from stalling a run: article length, by setting.

An article longer than ``max_article_chars`` is cut at the last space before the
limit (``long_articles = "truncate"``, the default; the cut is noted in
``run.json``) or left out and listed in ``rejected.jsonl`` (``"reject"``).
Sentence limits (``max_sentences_per_article``, ``max_sentence_chars``) apply
when claims are extracted (:class:`corroborate.text.claims.SentenceLimits`).
Memory then grows with the corpus and the batch, never with one article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Limited:
    """What :func:`limit_articles` did: the articles kept, those rejected and the cuts made."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[dict[str, Any]] = field(default_factory=list)


def cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` to at most ``limit`` characters: after the last space, if there is one."""
    space = text.rfind(" ", 0, limit + 1)
    return space if space > limit // 2 else limit


def limit_articles(frame: pd.DataFrame, *, max_chars: int, mode: str,
                   locations: dict[str, str] | None = None) -> Limited:
    """Apply ``max_chars`` to every article's text (``mode``: ``truncate`` or ``reject``)."""
    lengths = frame["text"].str.len()
    over = lengths > max_chars
    if not over.any():
        return Limited(frame)
    locations = locations or {}
    out = Limited(frame)
    texts = frame["text"].tolist()
    keep = [True] * len(frame)
    for i in [int(j) for j in over.to_numpy().nonzero()[0]]:
        article_id, n = str(frame.at[i, "article_id"]), int(lengths.iat[i])
        where = locations.get(article_id, f"article {article_id}")
        if mode == "reject":
            keep[i] = False
            out.rejected.append({"location": where, "field": "text",
                                 "reason": f"{n:,} characters, more than max_article_chars = {max_chars:,}"})
        else:
            cut = cut_point(texts[i], max_chars)
            texts[i] = texts[i][:cut]
            out.truncated.append({"location": where, "article_id": article_id, "chars": n, "kept_chars": cut,
                                  "reason": f"more than max_article_chars = {max_chars:,}: cut at {cut:,}"})
    out.frame = frame.assign(text=texts)[keep].reset_index(drop=True)
    return out

"""Claims that share their wording but not their facts.

"The crash happened around 9 p.m. on Main Street" and "... around 11:30 p.m.
on 5th Avenue" embed close together; the streets, clock times and ages they
name tell them apart ("the 59-year-old victim" and "the 70-year-old victim" are
two claims about the victim, not one). :func:`split_conflicting_facts` splits
such clusters. Conflicting *counts* are never split: that is what numeric
agreement scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .mentions import ages

_STREET = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+)\s+(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|"
                    r"Drive|Lane|Boulevard|Blvd\.|Highway|Way|Place|Court)\b")
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)", re.IGNORECASE)


Anchors = tuple[frozenset[str], frozenset[str], frozenset[str]]


def fact_anchors(text: str) -> Anchors:
    """(streets, clock times, ages) a claim states: facts that tell claims apart."""
    streets = frozenset(m.group(0).casefold() for m in _STREET.finditer(text))
    times = frozenset(re.sub(r"\s+", "", m.group(0).casefold()) for m in _CLOCK.finditer(text))
    return streets, times, frozenset(str(a) for a in ages(text))


def split_conflicting_facts(labels: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Split clusters whose claims name different streets, clock times or ages.

    "The crash happened around 9 p.m. on Main Street" and "... around 11:30
    p.m. on 5th Avenue" share their wording, not their facts. Claims naming
    neither stay with the largest part. Conflicting *numbers* are not split:
    that is what numeric agreement scores. Labels are renumbered by first
    appearance.
    """
    labels = np.asarray(labels, dtype=np.int64).copy()
    anchors = [fact_anchors(t) for t in texts]
    next_label = int(labels.max()) + 1 if len(labels) else 0
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < 2:
            continue
        keys: dict[Anchors, list[int]] = {}
        for m in members:
            if any(anchors[m]):
                keys.setdefault(anchors[m], []).append(int(m))
        if len(keys) < 2:
            continue
        # keys that do not conflict (one names no street, time or age where the other does) merge
        merged: list[tuple[Anchors, list[int]]] = []
        for key, group in sorted(keys.items(), key=lambda kv: (-len(kv[1]), kv[1][0])):
            for other_key, other in merged:
                clash = any(a and b and a.isdisjoint(b) for a, b in zip(key, other_key, strict=True))
                if not clash:
                    other.extend(group)
                    break
            else:
                merged.append((key, list(group)))
        for _, group in merged[1:]:
            labels[group] = next_label
            next_label += 1
    return pd.factorize(labels)[0]

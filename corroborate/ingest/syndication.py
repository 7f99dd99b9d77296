"""Articles that are copies of one another, and articles credited to a news agency.

* **Copy groups**: articles whose word-shingle sets overlap by at least
  ``threshold`` (Jaccard), linked transitively. MinHash signatures (``datasketch``,
  with its banding for the threshold) put articles that may be copies in one bucket;
  a candidate is then checked with the exact Jaccard, so the result does not depend on
  hashing luck, and only against the copy groups of its bucket it is not already in, so
  a flood of near copies is linear work. The threshold is chosen by
  ``benchmarks/bench_copies.py``.
* **Wire credits**: "WASHINGTON (AP) —", "(Reuters) -", "Reuters reported",
  "according to AFP", "X contributed to this report". The agency becomes the
  article's origin; names come from ``data/attribution.toml`` ``[wires]``, and
  an unlisted dateline code is matched to a "contributed" credit by its
  initials ("(GWS)" = "Global Wire Service").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH
from scipy.cluster.hierarchy import DisjointSet

from ..lexicons import wire_names

SHINGLE = 3
NUM_PERM = 128
#: the articles a band's bucket holds: a band value that more articles share is a stock phrase of
#: many unrelated reports, not the mark of a copy; later articles are still checked against the
#: first ones, and copies share other bands (on the GVA dev corpus no bucket holds more than 7)
MAX_BUCKET = 64
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_DATELINE = re.compile(r"^[A-Z][A-Za-z0-9 .,'’-]{1,60}\(([A-Za-z][A-Za-z.&-]{1,15})\)\s*[—–-]", re.MULTILINE)
_CODE_ONLY = re.compile(r"^\(([A-Za-z][A-Za-z.&-]{1,15})\)\s*[—–-]", re.MULTILINE)
_CONTRIBUTED = re.compile(r"([A-Z][\w.&' -]{1,60}?)\s+contributed to this report", re.MULTILINE)
_REPORTED = re.compile(r"\b(?:according to|reported by|told)\s+([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})")
_WIRE_SAID = re.compile(r"\b([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})\s+(?:reported|said|reports)\b")


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = [w.casefold() for w in _TOKEN.findall(text)]
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def copy_groups(texts: Sequence[str], *, threshold: float) -> tuple[np.ndarray, list[tuple[int, int, float]]]:
    """Group ids (numbered by first appearance) and the confirmed pairs ``(i, j, jaccard)`` that
    joined two groups (a pair inside a group already joined is not checked: the groups are those
    of every candidate pair over the threshold, linked transitively, and the work in a flood of
    near copies grows with its articles, not with its pairs). A band's bucket holds at most
    :data:`MAX_BUCKET` articles, so an article meets at most that many candidates per band, and
    the work grows linearly with the corpus even where stock phrasing fills buckets.

    Stock phrases are *not* removed: a copy flood is many articles sharing the
    same phrases, and must stay one group. An article whose shingles equal an earlier one's
    is paired with that first one only (Jaccard 1.0), not with each of its copies. Reports of different events that
    recycle phrasing are kept apart by the event stage (places), not here.
    """
    n = len(texts)
    sets = [shingles(t) for t in texts]
    # articles with the same shingles are copies (Jaccard 1): only the first of them is hashed
    # and searched, the others join it, so a flood of one text is linear work, not quadratic
    first_of: dict[frozenset[str], int] = {}
    pairs: list[tuple[int, int, float]] = []
    kept: list[int] = []
    for i, s in enumerate(sets):
        key = frozenset(s)
        if s and key in first_of:
            pairs.append((first_of[key], i, 1.0))
        else:
            first_of.setdefault(key, i)
            kept.append(i)
    # MinHash LSH: articles that share a band of their signature are candidates (datasketch's
    # banding for this threshold); each candidate pair is then checked with the exact Jaccard
    bands = MinHashLSH(threshold=max(0.05, threshold * 0.7), num_perm=NUM_PERM).hashranges
    copies = DisjointSet(range(n))
    for i, j, _ in pairs:
        copies.merge(i, j)
    # each bucket holds its earlier articles by copy group; an article is checked against the
    # members of each *other* group of the bucket until one is a copy (then the groups join), so
    # a flood of near copies (one group) costs one look per bucket, not one check per pair
    buckets: dict[tuple[int, bytes], dict[int, list[int]]] = {}
    # one set of permutations for every signature (datasketch draws them again for each MinHash)
    template = MinHash(num_perm=NUM_PERM, seed=1)
    for i in kept:
        if not sets[i]:
            continue                                    # an empty text is nobody's copy
        m = MinHash(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
        m.update_batch([sh.encode("utf-8") for sh in sorted(sets[i])])   # the same values as update() one by one
        for band, (lo, hi) in enumerate(bands):
            groups = buckets.setdefault((band, m.hashvalues[lo:hi].tobytes()), {})
            for g in [g for g in groups if copies[g] != g]:  # groups joined since: file them under their root
                groups.setdefault(copies[g], []).extend(groups.pop(g))
            held = 0
            for g in sorted(groups):
                held += len(groups[g])
                if copies.connected(g, i):
                    continue
                for j in groups[g]:
                    score = jaccard(sets[j], sets[i])
                    if score >= threshold:
                        pairs.append((j, i, score))
                        copies.merge(i, j)
                        break
            if held < MAX_BUCKET:
                groups.setdefault(copies[i], []).append(i)
    pairs.sort()
    if n == 0:
        return np.zeros(0, dtype=np.int64), pairs
    return pd.factorize(np.array([copies[i] for i in range(n)], dtype=np.int64))[0], pairs


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isalpha()).casefold()


def _dateline_codes(text: str) -> list[str]:
    head = text[:400]
    return [m.group(1) for m in _DATELINE.finditer(head)] + [m.group(1) for m in _CODE_ONLY.finditer(head)]


def wire_credit(text: str, known_codes: frozenset[str] = frozenset()) -> str | None:
    """The news agency an article credits, normalised, or None.

    A listed agency name anywhere in a credit wins; else an unlisted dateline
    code ("(GWS) —"); else a "... contributed to this report" credit whose
    initials are a dateline code seen in the corpus (``known_codes``), so
    "Global Wire Service" joins "(GWS)" while "Jane Doe contributed" stays a
    person.
    """
    wires = wire_names()
    codes = _dateline_codes(text)
    contributed = [m.group(1).strip() for m in _CONTRIBUTED.finditer(text)]
    named = [m.group(1).strip() for m in _REPORTED.finditer(text)] + \
            [m.group(1).strip() for m in _WIRE_SAID.finditer(text)]
    for candidate in codes + contributed + named:
        key = candidate.casefold().strip(" .")
        if key in wires:
            return wires[key]
    if codes:
        return codes[0].casefold().replace(".", "")
    for name in contributed:
        if _initials(name) in known_codes:
            return _initials(name)
    return None


def syndication(articles: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
    """``article_id, copy_group, wire`` for each article, in the frame's order."""
    texts = articles["text"].tolist()
    groups, _ = copy_groups(texts, threshold=threshold)
    codes = frozenset(c.casefold().replace(".", "") for t in texts for c in _dateline_codes(t))
    return pd.DataFrame({"article_id": articles["article_id"].to_numpy(),
                         "copy_group": groups,
                         "wire": [wire_credit(t, codes) for t in texts]})

"""Sources: how independent their claims are, and how they fared.

What one claim independently rests on is written down as typed keys (never
strings parsed back):

* its **outlet** (``"source"``): an outlet repeating itself is one source;
* its article's **copy group** or **credit** (``"copy"``, ``"wire"``): a wire
  story and its reprints are one, whatever each reprint's attribution says; a
  station's dateline credit ("(WAVY) —") names that station, so its story run
  by another outlet counts with the station's own;
* its **origin** (``"origin"``, :mod:`corroborate.origins`): ten outlets quoting
  one spokesperson are one piece of evidence;
* its **text**: claims copied verbatim are one.

Two claims of a cluster are dependent when they share any key; the number of
**independent sources** is the number of connected groups
(:func:`independent_groups`). The claim's *primary* evidence (its copy group or
credit, else its origin, else its outlet) is kept on the claims frame as
``evidence_kind`` / ``evidence_name`` for display and for reliability learning.

:func:`source_table` gives, per outlet, its output, corroborated claims and
learned reliability (``sources.csv``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .score import ClusterScore
    from .truth import TruthDiscovery

SOURCE_COLUMNS = ("source", "n_articles", "n_claims", "n_corroborated_claims", "n_numeric_compared",
                  "n_numeric_agree", "reliability")
#: the kinds of evidence key, strongest first (the order names a group)
EVIDENCE_KINDS = ("origin", "wire", "copy", "source")
EVIDENCE_COLUMNS = ("evidence_kind", "evidence_name", "copy_kind", "copy_name")


def article_credits(articles: pd.DataFrame) -> pd.DataFrame:
    """``copy_kind, copy_name`` of each article (row order kept).

    A credit to an agency or station ("wire", its normalised name; a station
    whose code names an outlet of the corpus becomes that outlet, "source"), else
    the article's copy group when it has several articles ("copy", the group
    id), else nothing. A reprint that dropped the credit line takes its group's.
    """
    outlets = sorted(set(articles["source"].astype(str)))
    size = articles["copy_group"].map(articles["copy_group"].value_counts())
    credited = articles.dropna(subset=["wire"])
    group_wire = credited.drop_duplicates("copy_group").set_index("copy_group")["wire"]
    wires = articles["copy_group"].map(group_wire)
    kinds, names = [], []
    for group, wire, n in zip(articles["copy_group"], wires, size, strict=True):
        if isinstance(wire, str) and wire:
            outlet = _outlet_named(wire, outlets)
            kinds.append("source" if outlet else "wire")
            names.append(outlet or wire)
        elif n > 1:
            kinds.append("copy")
            names.append(str(group))
        else:
            kinds.append(None)
            names.append(None)
    return pd.DataFrame({"copy_kind": pd.Series(kinds, index=articles.index, dtype=object),
                         "copy_name": pd.Series(names, index=articles.index, dtype=object)})


def _outlet_named(code: str, outlets: Sequence[str]) -> str | None:
    """The corpus outlet a station code stands for ("wavy" -> "wavy.com"), if exactly one."""
    code = code.casefold()
    hits = [o for o in outlets if o.casefold().split(".")[0] == code] if len(code) >= 3 else []
    return hits[0] if len(hits) == 1 else None


def evidence_columns(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """:data:`EVIDENCE_COLUMNS` for each claim (index of ``claims``).

    The primary evidence is the article's copy group or credit (copies count
    once whatever their attribution), else the claim's origin, else its outlet.
    """
    credits = article_credits(articles)
    by_article = dict(zip(articles["article_id"], zip(credits["copy_kind"], credits["copy_name"],
                                                      strict=True), strict=True))
    rows = []
    for article_id, source, origin in zip(claims["article_id"], claims["source"],
                                          claims["attributed_to"], strict=True):
        copy_kind, copy_name = (x if isinstance(x, str) else None for x in by_article[article_id])
        if copy_kind is not None:
            kind, name = copy_kind, copy_name
        elif isinstance(origin, str) and origin:
            kind, name = "origin", origin
        else:
            kind, name = "source", source
        rows.append((kind, name, copy_kind, copy_name))
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS), index=claims.index, dtype=object)


def _keys(claim: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = [("source", str(claim["source"]))]
    if claim.get("copy_kind"):
        keys.append((str(claim["copy_kind"]), str(claim["copy_name"])))
    if claim.get("attributed_to"):
        keys.append(("origin", str(claim["attributed_to"])))
    if claim.get("text"):
        keys.append(("text", " ".join(str(claim["text"]).casefold().split())))
    return keys


def independent_groups(claims: Sequence[Mapping[str, Any]]) -> list[int]:
    """Group of each claim: claims sharing an outlet, copy group, credit, origin or
    verbatim text are one group (connected components). Groups numbered from 0
    in order of first appearance."""
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for i, claim in enumerate(claims):
        for key in _keys(claim):
            j = owner.setdefault(key, i)
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(claims))]


def group_name(members: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(kind, name) that names a group of dependent claims: its origin if one is quoted,
    else its credit or copy group, else its outlet (first in sorted order)."""
    best: tuple[int, str, str] | None = None
    for claim in members:
        for kind, name in _keys(claim):
            if kind == "text":
                continue
            rank = EVIDENCE_KINDS.index(kind)
            if best is None or (rank, name) < best[:2]:
                best = (rank, name, kind)
    assert best is not None
    return best[2], best[1]


def source_table(articles: pd.DataFrame, claims: pd.DataFrame, scores: Sequence[ClusterScore],
                 truth: TruthDiscovery) -> pd.DataFrame:
    """One row per source, by reliability then name (the rows of ``sources.csv``).

    ``reliability`` is the smoothed share of the source's figures that agree
    with the other sources' (leave-one-out); with no figure compared it stays
    at the prior.
    """
    corroborated: dict[str, int] = defaultdict(int)
    multi = {s.cluster_id for s in scores if s.n_sources >= 2}
    for source, cluster in zip(claims["source"], claims["cluster_id"], strict=True):
        if cluster in multi:
            corroborated[source] += 1
    learned = truth.sources_.set_index("source") if len(truth.sources_) else None
    rows = []
    for source, n_articles in articles["source"].value_counts().items():
        known = learned is not None and source in learned.index
        rows.append({
            "source": source,
            "n_articles": int(n_articles),
            "n_claims": int((claims["source"] == source).sum()),
            "n_corroborated_claims": corroborated[source],
            "n_numeric_compared": int(learned.loc[source, "n_compared"]) if known else 0,
            "n_numeric_agree": float(learned.loc[source, "n_agree"]) if known else 0.0,
            "reliability": float(learned.loc[source, "reliability"]) if known else truth.prior_mean_,
        })
    frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
    return frame.sort_values(["reliability", "source"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)

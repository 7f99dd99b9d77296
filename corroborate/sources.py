"""Sources: how independent their claims are, and how they fared.

* :func:`evidence_units`: what each claim independently rests on (its quoted
  origin, its wire or copy group, or its outlet), the basis of
  ``independent_sources``;
* :func:`source_table`: per outlet, its output, corroborated claims and
  learned reliability (``sources.csv``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from .score import ClusterScore
from .truth import TruthDiscovery

SOURCE_COLUMNS = ("source", "n_articles", "n_claims", "n_corroborated_claims", "n_numeric_compared",
                  "n_numeric_agree", "reliability")


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
            "reliability": float(learned.loc[source, "reliability"]) if known else truth.prior_mean,
        })
    frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
    return frame.sort_values(["reliability", "source"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def article_keys(articles: pd.DataFrame) -> pd.Series:
    """The independence key of each article: its wire, else its copy group when
    the group has several articles, else its outlet."""
    size = articles["copy_group"].map(articles["copy_group"].value_counts())
    # a reprint that dropped the credit line is still the wire's story
    group_wire = (articles.dropna(subset=["wire"]).drop_duplicates("copy_group")
                  .set_index("copy_group")["wire"])
    wires = articles["copy_group"].map(group_wire)
    keys = []
    for source, group, wire, n in zip(articles["source"], articles["copy_group"], wires,
                                      size, strict=True):
        if isinstance(wire, str) and wire:
            keys.append(f"wire:{wire}")
        elif n > 1:
            keys.append(f"copy:{group}")
        else:
            keys.append(f"source:{source}")
    return pd.Series(keys, index=articles.index)


def evidence_units(claims: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(evidence unit, copy key) of each claim.

    A claim's evidence unit is what it independently rests on: the origin it is
    attributed to ("origin:pentagon": ten outlets quoting one spokesperson are
    one piece of evidence), else its article's wire or copy group (a wire story
    and its reprints are one), else its outlet (an outlet repeating itself is
    one). Claims with the same text (copied verbatim) share one unit. The copy
    key is the article's wire or copy group, or None.
    """
    key_of = dict(zip(articles["article_id"], article_keys(articles), strict=True))
    units, copy_keys, by_text = [], [], {}
    for article_id, origin, text in zip(claims["article_id"], claims["attributed_to"], claims["text"],
                                        strict=True):
        article_key = key_of[article_id]
        unit = f"origin:{origin}" if isinstance(origin, str) and origin else article_key
        unit = by_text.setdefault(" ".join(text.casefold().split()), unit)
        units.append(unit)
        copy_keys.append(article_key if not article_key.startswith("source:") else None)
    return pd.Series(units, index=claims.index), pd.Series(copy_keys, index=claims.index, dtype=object)

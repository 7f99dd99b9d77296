"""The table of sources (``sources.csv``): what each outlet wrote, how much of it others
corroborated, and the reliability learned from its figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from .cluster_score import ClusterScore
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
            "reliability": float(learned.loc[source, "reliability"]) if known else truth.prior_mean_,
        })
    frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))
    return frame.sort_values(["reliability", "source"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)

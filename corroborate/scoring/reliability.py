"""How reliable each source is, learned from the numeric agreement of the clusters.

Every figure a claim states is an observation of its cluster (the item, keyed
by the cluster id) and unit; :class:`corroborate.scoring.truth.TruthDiscovery` learns,
per source, how often its figures agree with the *other* sources' figures on
the same item. Claims that rest on one copy group or credit (``copy_kind`` /
``copy_name``) or one origin never vouch for each other.
"""

from __future__ import annotations

import pandas as pd

from .truth import TruthDiscovery

OBSERVATION_COLUMNS = ("item", "unit", "source", "value", "low", "high", "claim_id", "published_at",
                       "group")


def observations(claims: pd.DataFrame, quantities: pd.DataFrame,
                 articles: pd.DataFrame) -> pd.DataFrame:
    """One row per stated figure with a unit: the input of the truth engine."""
    has_unit = quantities["unit"].map(lambda u: isinstance(u, str)).astype(bool)
    obs = quantities.loc[has_unit].merge(
        claims[["claim_id", "article_id", "source", "cluster_id", "evidence_kind", "evidence_name"]],
        on="claim_id")
    obs = obs.merge(articles[["article_id", "published_at"]], on="article_id", how="left")
    independent = obs["evidence_kind"] != "source"
    group = [(k, n) if ok else None
             for k, n, ok in zip(obs["evidence_kind"], obs["evidence_name"], independent, strict=True)]
    obs = obs.assign(item=obs["cluster_id"].astype(str), group=pd.Series(group, index=obs.index,
                                                                         dtype=object))
    return obs[list(OBSERVATION_COLUMNS)]


def reliability_engine(*, prior_mean: float, prior_strength: float, rel_tolerance: float,
                       intercept: float) -> TruthDiscovery:
    """The truth engine as the pipeline runs it: one reliability per source, a source's
    several figures for one cluster and unit reduced to their median."""
    return TruthDiscovery(prior_mean=prior_mean, prior_strength=prior_strength, rel_tolerance=rel_tolerance,
                          intercept=intercept, duplicates="median", reliability_by="source")


def learn_reliability(engine: TruthDiscovery, claims: pd.DataFrame, quantities: pd.DataFrame,
                      articles: pd.DataFrame) -> TruthDiscovery:
    """``engine`` fitted on the run's figures: ``sources_``, ``weights_`` and ``reliability_without``."""
    return engine.fit(observations(claims, quantities, articles))

"""Each stage of a run as one function: explicit inputs in, the stage's result out.

:class:`corroborate.Corroborator` calls them in order (``fit`` reads as this list); a test or a
notebook can call any one alone. What they hand on is declared in :mod:`corroborate.stage_results`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics.cluster import pair_confusion_matrix

from .config import Config
from .embed import Embedder
from .engines import Engine
from .errors import ConfigError
from .grouping.cluster import cluster_within_events
from .grouping.event_grouper import (
    EventGrouper,
    checked_events,
)
from .grouping.events import EventModel, kept_text, lead_text
from .grouping.facts import split_conflicting_facts
from .grouping.figures import figure_claims, group_figures
from .grouping.generic import generic_span
from .ingest import Corpus, read_corpus
from .ingest.limits import limit_articles
from .ingest.syndication import syndication
from .scoring.cluster_score import ScoringContext
from .scoring.reliability import learn_reliability, reliability_engine
from .scoring.score import score_clusters
from .scoring.source_table import source_table
from .stage_results import Grouping, Independence, Texts
from .text.claims import Sentence, SentenceLimits, extract_claims
from .text.measures import with_compared_units
from .text.parse_cache import ParseCache
from .text.parsing import analyse_claims
from .ties import unit_rows


def read_stage(articles: pd.DataFrame | str | Path | Corpus, cfg: Config) -> Corpus:
    """Read (a path, a frame, or a :class:`Corpus` from :func:`corroborate.ingest.read_corpus`)
    and apply the article limits; what they leave out joins the corpus's rejected records."""
    corpus = articles if isinstance(articles, Corpus) else read_corpus(articles)
    limited = limit_articles(corpus.articles, max_chars=cfg.max_article_chars, mode=cfg.long_articles,
                             locations=corpus.locations or None)
    records = dict(corpus.accounting)
    records.update(used=records["used"] - len(limited.rejected),
                   rejected=records["rejected"] + len(limited.rejected))
    return dataclasses.replace(corpus, articles=limited.frame, rejected=[*corpus.rejected, *limited.rejected],
                               accounting=records, truncated=limited.truncated)


def copies_stage(articles: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """The articles with their copy group and agency credit (:mod:`corroborate.ingest.syndication`)."""
    return articles.merge(syndication(articles, threshold=cfg.copy_threshold), on="article_id", how="left")


def claims_stage(articles: pd.DataFrame, cfg: Config, sentences: Sequence[list[Sentence]] | None = None,
                 engine: Engine | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims of every article and the sentences dropped (with their reasons); ``sentences``:
    each article's sentences when already split (:func:`corroborate.text.parse_cache.split_articles`);
    on ``engine``'s workers when given."""
    return extract_claims(articles, min_words=cfg.min_words, limits=SentenceLimits(
        max_sentences=cfg.max_sentences_per_article, max_chars=cfg.max_sentence_chars), sentences=sentences,
        engine=engine)


def event_model(cfg: Config) -> EventModel:
    """The pair model of the default event grouper, from the settings of a run."""
    return EventModel(cfg.event_weights, cfg.event_intercept, cfg.event_distance_threshold,
                      cfg.event_candidate_similarity, cfg.event_bare_lead_similarity,
                      far_days=cfg.event_far_days, far_weights=cfg.event_far_weights,
                      far_intercept=cfg.event_far_intercept)


def event_stage(articles: pd.DataFrame, claims: pd.DataFrame, repeats: np.ndarray, embedder: Embedder,
                grouper: EventGrouper, sentences: Sequence[list[Sentence]] | None = None) -> np.ndarray:
    """An event id per article, from its lead's vector and its text without the sentences its outlet
    repeats on other pages (``repeats``: :func:`corroborate.grouping.furniture.outlet_repeats`)."""
    split = sentences if sentences is not None else [None] * len(articles)
    leads = unit_rows(embedder.encode([lead_text(t, x, split=known) for t, x, known in zip(
        articles["title"], articles["text"], split, strict=True)]))
    kept = kept_text(articles, claims[~repeats])
    return checked_events(grouper.group(articles, leads, kept), len(articles))


def parse_stage(claims: pd.DataFrame, articles: pd.DataFrame, cfg: Config, *,
                show_progress: bool = False, cache: ParseCache | None = None,
                stats: dict[str, int] | None = None, engine: Engine | None = None) -> Texts:
    """Attribution, stance and quantities from one spaCy pass over the claims that need it
    (and that ``cache`` has not read before), on ``engine``'s workers when given."""
    attribution, quantities = analyse_claims(
        claims, approx_rel_width=cfg.approx_rel_width,
        published=dict(zip(articles["article_id"], articles["published_at"], strict=True)),
        show_progress=show_progress, cache=cache, stats=stats, engine=engine)
    claims = pd.concat([claims, attribution[["attributed_to", "speaker", "stance"]]], axis=1)
    return Texts(claims=claims, dropped=pd.DataFrame(), attribution=attribution, quantities=quantities)


def claim_vectors(embeddings: np.ndarray, n_claims: int) -> np.ndarray:
    """The claims' vectors checked and made unit length (one rounding of the norms on every CPU)."""
    if embeddings.shape[0] != n_claims:
        raise ConfigError(f"embedder returned {embeddings.shape[0]} vectors for {n_claims} texts")
    return unit_rows(embeddings)


def grouping_stage(texts: Texts, embeddings: np.ndarray, make_clusterer: Any, cfg: Config,
                   engine: Engine | None = None) -> Grouping:
    """Cluster claims within events (on ``engine``'s workers when given), split conflicting facts,
    gather figures, mark generic wording."""
    claims, quantities = texts.claims, texts.quantities
    events = claims["event_id"].to_numpy()
    labels = cluster_within_events(embeddings, events, make_clusterer, engine=engine)
    labels = split_conflicting_facts(labels, claims["text"].tolist())
    counting = figure_claims(claims, quantities)
    if cfg.group_figures:
        labels = group_figures(labels, claims, quantities)
    generic = generic_span(claims["text"].tolist(), embeddings, events,
                           claim_threshold=cfg.generic_distance_threshold, min_events=cfg.generic_min_events,
                           exempt=claims["claim_id"].isin(counting).to_numpy())
    return Grouping(labels=labels, generic_events=generic)


def scoring_stage(independence: Independence, texts: Texts, articles: pd.DataFrame,
                  embeddings: np.ndarray, cfg: Config) -> tuple[list[Any], pd.DataFrame]:
    """Reliability learned from the figures, every cluster scored, the source table."""
    claims = independence.claims
    quantities = with_compared_units(texts.quantities)      # "% change" is no share, "votes required" no tally
    truth = learn_reliability(reliability_engine(
        prior_mean=cfg.reliability_prior_mean, prior_strength=cfg.reliability_prior_strength,
        rel_tolerance=cfg.agreement_rel_tolerance, intercept=cfg.truth_intercept),
        claims, quantities, articles)
    context = ScoringContext(model=cfg.confidence_model, tolerance=cfg.agreement_rel_tolerance,
                             prior_reliability=cfg.reliability_prior_mean)
    scores = score_clusters(claims, quantities, embeddings,
                            dict(zip(articles["article_id"], articles["published_at"], strict=True)),
                            truth, independence.denial_links, context)
    return scores, source_table(articles, claims, scores, truth)


def pair_f1(gold: np.ndarray, found: np.ndarray) -> float:
    """F1 of the pairs put together by ``found`` against those of ``gold`` (1.0 when neither has any)."""
    (_, fp), (fn, tp) = pair_confusion_matrix(gold, found)
    return 1.0 if tp + fp + fn == 0 else float(2 * tp / (2 * tp + fp + fn))



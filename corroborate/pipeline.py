"""The Corroborator: wires read -> claims -> quantities -> embed -> cluster -> score.

A thin orchestrator over the pure stages; every stage is swappable through a
constructor argument (any object with the right methods), sklearn style:
``__init__`` only stores its arguments, ``fit`` validates and computes, and
learned attributes end in ``_``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from .claims import SentenceLimits, extract_claims
from .background import Background
from .cluster import ClaimClusterer, cluster_within_events
from .config import Config
from .denials import link_denials
from .embed import CachedEmbedder, Embedder, EmbeddingCache
from .embed.backends import make_embedder
from .embed.base import check_embedder
from .errors import ConfigError, NotFittedError
from .events import EventModel, event_table, group_events, kept_text, lead_text
from .facts import split_conflicting_facts
from .figures import figure_claims, group_figures
from .furniture import drop as drop_furniture
from .furniture import outlet_repeats, recurring_across_events
from .generic import generic_span
from .io import read_articles
from .limits import limit_articles
from .origins import normalise_claim_origins
from .parsing import analyse_claims
from .reliability import learn_reliability
from .report.model import Report
from .score import score_clusters
from .sources import evidence_columns, source_table
from .syndication import syndication
from .ties import unit_rows

logger = logging.getLogger(__name__)

#: embed the claims while spaCy parses them (exported backends only; benchmarks/RESULTS.md)
OVERLAP_EMBEDDING = True


@dataclass
class Prepared:
    """The stages that do not depend on the claim threshold or the scoring: read, copies,
    claims, events, furniture, parse, embeddings. ``corroborate tune`` prepares a corpus
    once and clusters and scores it for every setting it tries."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]]
    claims: pd.DataFrame
    dropped: pd.DataFrame
    attribution: pd.DataFrame
    quantities: pd.DataFrame
    embeddings: np.ndarray
    embedder: Embedder
    article_events: np.ndarray
    timings: dict[str, float]
    embedding_stats: dict[str, Any]
    accounting: dict[str, Any]              # records read/used/rejected, articles truncated


class _Laps:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._clock
        self._clock = now


class Corroborator(BaseEstimator):  # type: ignore[misc]
    """Score how well the claims of a news corpus are corroborated.

    A scikit-learn estimator: ``__init__`` only stores its parameters,
    ``get_params`` / ``set_params`` / ``clone`` work, ``fit`` computes, learned
    attributes end in ``_``. Each setting has one place: the ``config``.

    Parameters
    ----------
    config : Config, optional
        Every setting and the confidence model; defaults to :meth:`Config.default`
        (``models/default.json``). Derive variants with ``Config.replace``.
    embedder : Embedder, optional
        Anything with ``identity`` and ``encode(texts)``; defaults to the
        sentence-transformers model named by ``config.model``, behind the on-disk cache
        (unless ``config.cache`` is false).
    clusterer : estimator, optional
        Anything with ``fit(X)`` that sets ``labels_``, cloned for every event;
        defaults to :class:`ClaimClusterer` at ``config.distance_threshold``. Pass one
        to tune it with ``GridSearchCV`` (``clusterer__distance_threshold``).
    show_progress : bool
        Progress bars on the long stages (the CLI turns them on).

    Attributes (after ``fit``)
    --------------------------
    articles_, claims_, dropped_, quantities_ : DataFrame
        The frames of :mod:`corroborate.schema`; ``claims_`` has ``cluster_id``.
    rejected_ : list of dict
        Input records left out, with location and reason (``errors="skip"``).
    embeddings_ : ndarray (n_claims, d);  labels_ : ndarray (n_claims,)
    clusters_ : DataFrame
        One row per cluster, the fields of ``clusters.jsonl``, by confidence.
    scores_ : list of ClusterScore, same order.
    sources_ : DataFrame, one row per outlet with its learned reliability.
    events_ : DataFrame, one row per event; ``articles_`` and ``claims_`` carry ``event_id``.
    denial_links_ : dict, cluster id -> denying claims (from other clusters) linked to it.
    config_ : Config actually used;  timings_ : dict of seconds per stage.
    """

    def __init__(self, *, config: Config | None = None, embedder: Embedder | None = None,
                 clusterer: Any = None, show_progress: bool = False) -> None:
        self.config = config
        self.embedder = embedder
        self.clusterer = clusterer
        self.show_progress = show_progress

    # ------------------------------------------------------------------ wiring
    def _resolve_config(self) -> Config:
        base = self.config if self.config is not None else Config.default()
        if not isinstance(base, Config):
            raise ConfigError(f"Corroborator: config must be a Config; got {type(base).__name__}")
        return base

    def _resolve_embedder(self, cfg: Config) -> Embedder:
        if self.embedder is not None:
            inner = check_embedder(self.embedder)
        else:
            # one progress bar for all the texts, drawn by the caching layer (it encodes a slice at a time);
            # exported backends keep their ONNX files in the cache folder even when the cache is off
            inner = make_embedder(cfg.model, backend=cfg.backend, batch_size=cfg.batch_size, device=cfg.device,
                                  threads=cfg.threads, export_dir=cfg.cache_dir)
        cache = EmbeddingCache(cfg.cache_dir) if cfg.cache else None
        return CachedEmbedder(inner, cache, show_progress=self.show_progress)

    def _resolve_clusterer(self, cfg: Config) -> Any:
        if self.clusterer is None:
            return ClaimClusterer(distance_threshold=cfg.distance_threshold)
        if not hasattr(self.clusterer, "fit"):
            raise ConfigError("Corroborator: clusterer must have a fit(X) method that sets labels_; "
                              f"got {type(self.clusterer).__name__}")
        try:
            return clone(self.clusterer)
        except TypeError:
            return self.clusterer

    # ------------------------------------------------------------------ fit
    def fit(self, articles: pd.DataFrame | str | Path, y: Any = None) -> Corroborator:
        """Run the whole pipeline on ``articles`` (a frame or a path) and return ``self``."""
        cfg = self._resolve_config()
        return self.fit_prepared(self.prepare(articles, cfg), cfg)

    def prepare(self, articles: pd.DataFrame | str | Path, cfg: Config | None = None) -> Prepared:
        """The threshold-independent stages (see :class:`Prepared`)."""
        cfg = cfg or self._resolve_config()
        lap = _Laps()
        frame = read_articles(articles)
        # a frame from read_articles(..., errors="skip") carries what it left out, and where each came from
        given = articles.attrs if isinstance(articles, pd.DataFrame) else {}
        rejected = list(given.get("rejected", [])) + list(frame.attrs.get("rejected", []))
        records = dict(given.get("accounting") or frame.attrs["accounting"])
        limited = limit_articles(frame, max_chars=cfg.max_article_chars, mode=cfg.long_articles,
                                 locations=given.get("locations") or frame.attrs.get("locations"))
        frame = limited.frame
        rejected += limited.rejected
        records.update(used=records["used"] - len(limited.rejected),
                       rejected=records["rejected"] + len(limited.rejected))
        lap("read")
        frame = frame.merge(syndication(frame, threshold=cfg.copy_threshold), on="article_id", how="left")
        lap("syndication")
        claims, dropped = extract_claims(frame, min_words=cfg.min_words, limits=SentenceLimits(
            max_sentences=cfg.max_sentences_per_article, max_chars=cfg.max_sentence_chars))
        lap("claims")

        embedder = self._resolve_embedder(cfg)
        leads = unit_rows(embedder.encode([lead_text(t, x) for t, x in zip(frame["title"], frame["text"],
                                                                             strict=True)]))
        repeats = outlet_repeats(claims)
        article_events = group_events(frame, leads, EventModel(
            cfg.event_weights, cfg.event_intercept, cfg.event_distance_threshold,
            cfg.event_candidate_similarity, cfg.event_bare_lead_similarity),
            kept_text=kept_text(frame, claims[~repeats]), show_progress=self.show_progress)
        frame = frame.assign(event_id=article_events)
        claims = claims.assign(event_id=claims["article_id"].map(
            dict(zip(frame["article_id"], article_events, strict=True))).astype("int64"))
        lap("events")
        claims, dropped = drop_furniture(claims, dropped, recurring_across_events(claims, repeats))
        lap("furniture")

        # spaCy parses on one core; an exported backend embeds the claims meanwhile on worker threads
        # that release the GIL (torch, or an embedder passed in, waits its turn: torch's threads
        # would fight the parser for the cores)
        texts = claims["text"].tolist()
        overlap = OVERLAP_EMBEDDING and self.embedder is None and cfg.backend != "torch"
        embedding = Background(embedder.encode, texts, start=overlap)
        attribution, quantities = analyse_claims(
            claims, approx_rel_width=cfg.approx_rel_width,
            published=dict(zip(frame["article_id"], frame["published_at"], strict=True)),
            show_progress=self.show_progress)
        claims = pd.concat([claims, attribution[["attributed_to", "speaker", "stance"]]], axis=1)
        lap("parse")
        embeddings = embedding.result()
        claim_stats = dict(getattr(embedder, "last_stats", {}))   # the claims, not leads or denials
        if embeddings.shape[0] != len(claims):
            raise ConfigError(f"embedder returned {embeddings.shape[0]} vectors for {len(claims)} texts")
        embeddings = unit_rows(embeddings)        # one rounding of the norms on every CPU (ties.py)
        lap("embed")
        return Prepared(frame=frame, rejected=rejected, claims=claims, dropped=dropped,
                        attribution=attribution, quantities=quantities, embeddings=embeddings,
                        embedder=embedder, article_events=np.asarray(article_events),
                        timings=lap.timings, embedding_stats=claim_stats,
                        accounting={"records": records, "truncated": limited.truncated})

    def fit_prepared(self, prepared: Prepared, cfg: Config | None = None) -> Corroborator:
        """Cluster, weigh independence and score a prepared corpus; sets the fitted attributes."""
        cfg = cfg or self._resolve_config()
        lap = _Laps()
        frame, claims, quantities = prepared.frame, prepared.claims, prepared.quantities
        embeddings, embedder = prepared.embeddings, prepared.embedder
        labels = cluster_within_events(embeddings, claims["event_id"].to_numpy(),
                                       lambda: self._resolve_clusterer(cfg))
        labels = split_conflicting_facts(labels, claims["text"].tolist())
        counting = figure_claims(claims, quantities)
        if cfg.group_figures:
            labels = group_figures(labels, claims, quantities)
        generic = generic_span(claims["text"].tolist(), embeddings, claims["event_id"].to_numpy(),
                               claim_threshold=cfg.generic_distance_threshold,
                               min_events=cfg.generic_min_events,
                               exempt=claims["claim_id"].isin(counting).to_numpy())
        claims = claims.assign(cluster_id=labels, generic_events=generic)
        lap("cluster")

        claims = claims.assign(attributed_to=normalise_claim_origins(claims, frame))
        claims = pd.concat([claims, evidence_columns(claims, frame)], axis=1)
        links = link_denials(claims, prepared.attribution["content"], embeddings, embedder,
                             threshold=cfg.denial_link_threshold)
        lap("independence")
        truth = learn_reliability(cfg, claims, quantities, frame)
        scores = score_clusters(claims, quantities, embeddings,
                                dict(zip(frame["article_id"], frame["published_at"], strict=True)),
                                truth, links, cfg)
        sources = source_table(frame, claims, scores, truth)
        lap("score")

        self.config_ = cfg
        self.embedder_identity_ = embedder.identity
        # every text embedded for this run (leads, claims, denied clauses), when the embedder counts them
        self.embedding_stats_ = dict(getattr(embedder, "total_stats", None) or prepared.embedding_stats)
        self.articles_ = frame
        self.rejected_ = prepared.rejected
        self.claims_ = claims
        self.events_ = event_table(frame, prepared.article_events)
        self.denial_links_ = links
        self.dropped_ = prepared.dropped
        self.quantities_ = quantities
        self.embeddings_ = embeddings
        self.labels_ = labels
        self.scores_ = scores
        self.clusters_ = pd.DataFrame([sc.to_dict() for sc in scores])
        self.sources_ = sources
        self.timings_ = {**prepared.timings, **lap.timings}
        self.accounting_ = prepared.accounting
        return self

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise NotFittedError("this Corroborator is not fitted yet; call fit(articles) first")

    def report(self) -> Report:
        """The fitted results as a :class:`Report`, ready for any renderer."""
        self._check_fitted()
        return Report.build(articles=self.articles_, claims=self.claims_, quantities=self.quantities_,
                            dropped=self.dropped_, rejected=self.rejected_, sources=self.sources_,
                            events=self.events_, clusters=self.scores_, settings=self.config_.to_dict(),
                            model=self.embedder_identity_, accounting=self.accounting_)

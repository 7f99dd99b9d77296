"""The Corroborator: wires read -> text -> events -> embed -> grouping -> independence -> score.

A thin orchestrator over the stages (``ingest/``, ``text/``, ``embed/``, ``grouping/``,
``scoring/``); what each hands on is declared in :mod:`corroborate.stage_results`. Every stage
that a user may want to replace is a constructor argument checked against its Protocol
(``embedder``, ``clusterer``, ``event_grouper``, ``independence``), sklearn style:
``__init__`` only stores its arguments, ``fit`` validates and computes, learned attributes end
in ``_``. Every setting of the :class:`Config` is a parameter too (``config__<field>``), so
``GridSearchCV`` can tune any of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from .background import Background
from .config import Config
from .embed import CachedEmbedder, Embedder, EmbeddingCache
from .embed.backends import make_embedder
from .embed.base import check_embedder
from .embed.cache import default_cache_dir
from .embed.remote import EMBED_BATCH, EngineEmbedder, ModelRecipe, PickledEmbedder
from .engines import Engine, LocalEngine, is_local, make_engine
from .errors import ConfigError, NotFittedError
from .grouping.cluster import ClaimClusterer, fresh
from .grouping.event_grouper import (
    EventGrouper,
    PairModelEvents,
    check_event_grouper,
)
from .grouping.events import event_table
from .grouping.furniture import drop as drop_furniture
from .grouping.furniture import outlet_repeats, recurring_across_events
from .ingest import Corpus
from .report.model import FittedRun, Report
from .scoring.independence_stage import (
    IndependenceStage,
    SharedEvidence,
    check_independence,
    checked_independence,
)
from .stage_results import Grouping, Independence, Texts
from .stages import (
    claim_vectors,
    claims_stage,
    copies_stage,
    event_model,
    event_stage,
    grouping_stage,
    pair_f1,
    parse_stage,
    read_stage,
    scoring_stage,
)
from .text.parse_cache import ParseCache, split_articles

logger = logging.getLogger(__name__)

#: embed the claims while spaCy parses them (exported backends only; benchmarks/RESULTS.md)
OVERLAP_EMBEDDING = True

_CONFIG = "config__"


@dataclass
class Prepared:
    """The stages that do not depend on the claim threshold or the scoring: read, copies,
    claims, events, furniture, parse, embeddings. ``corroborate tune`` prepares a corpus
    once and clusters and scores it for every setting it tries."""

    corpus: Corpus
    texts: Texts
    embeddings: np.ndarray
    embedder: Embedder
    article_events: np.ndarray
    timings: dict[str, float]
    embedding_stats: dict[str, Any]
    parse_stats: dict[str, int] = dataclasses.field(default_factory=dict)


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
    attributes end in ``_``. Each setting has one place: the ``config``; each of its fields
    is also the parameter ``config__<field>`` (``set_params(config__distance_threshold=0.3)``
    derives a new config), so ``GridSearchCV`` tunes any setting.

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
        defaults to :class:`ClaimClusterer` at ``config.distance_threshold``.
    event_grouper : EventGrouper, optional
        Anything with ``group(articles, leads, kept_text)`` returning an event id per
        article (:class:`corroborate.grouping.event_grouper.EventGrouper`); defaults to
        the pair model of ``config``'s ``[events]`` settings.
    independence : IndependenceStage, optional
        Anything with ``weigh(claims, articles, denied, embeddings, embedder)``
        (:class:`corroborate.scoring.independence_stage.IndependenceStage`); defaults to
        :class:`~corroborate.scoring.independence_stage.SharedEvidence`.
    show_progress : bool
        Progress bars on the long stages (the CLI turns them on).
    engine : ``"local"``, ``"dask"`` or an engine, optional
        Where the work of each article and claim runs (splitting, the spaCy reading, embedding):
        in this process, or on a Dask cluster (:class:`corroborate.engines.DaskEngine`; ``"dask"``
        starts a ``LocalCluster`` for the run). The results are the same on every engine.

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
                 clusterer: Any = None, event_grouper: EventGrouper | None = None,
                 independence: IndependenceStage | None = None, show_progress: bool = False,
                 engine: str | Engine | None = None) -> None:
        self.config = config
        self.embedder = embedder
        self.clusterer = clusterer
        self.event_grouper = event_grouper
        self.independence = independence
        self.show_progress = show_progress
        self.engine = engine

    # ------------------------------------------------------------------ parameters
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters; with ``deep``, also ``config__<field>`` for every setting
        (of ``config``, or of the packaged defaults when it is ``None``)."""
        params: dict[str, Any] = super().get_params(deep=deep)
        if deep:
            cfg = self._resolve_config()
            params.update({_CONFIG + f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)})
        return params

    def set_params(self, **params: Any) -> Corroborator:
        """Set parameters; ``config__<field>=value`` replaces that setting of the config."""
        settings = {k[len(_CONFIG):]: v for k, v in params.items() if k.startswith(_CONFIG)}
        if settings:
            self.config = self._resolve_config().replace(**settings)
        rest = {k: v for k, v in params.items() if not k.startswith(_CONFIG)}
        if rest:
            super().set_params(**rest)
        return self

    def score(self, X: Any, y: Any) -> float:
        """Pair F1 of the events found in ``X`` against the gold event of each article ``y``
        (the estimator is fitted on ``X`` again: it learns nothing to carry across corpora
        but its settings). The default scorer of ``GridSearchCV`` over the event settings."""
        found = clone(self).fit(X).articles_["event_id"].to_numpy()
        return pair_f1(np.asarray(y), found)

    # ------------------------------------------------------------------ wiring
    def _resolve_config(self) -> Config:
        base = self.config if self.config is not None else Config.default()
        if not isinstance(base, Config):
            raise ConfigError(f"Corroborator: config must be a Config; got {type(base).__name__}")
        return base

    def _resolve_embedder(self, cfg: Config, engine: Engine | None = None) -> Embedder:
        if self.embedder is not None:
            inner = check_embedder(self.embedder)
        else:
            # one progress bar for all the texts, drawn by the caching layer (it encodes a slice at a time);
            # exported backends keep their ONNX files in the cache folder even when the cache is off
            inner = make_embedder(cfg.model, backend=cfg.backend, batch_size=cfg.batch_size, device=cfg.device,
                                  threads=cfg.threads, export_dir=cfg.cache_dir)
        cache = EmbeddingCache(cfg.cache_dir) if cfg.cache else None
        if engine is None or is_local(engine):
            return CachedEmbedder(inner, cache, show_progress=self.show_progress)
        return CachedEmbedder(self._remote_embedder(cfg, inner, engine), cache, show_progress=self.show_progress,
                              commit_every=EMBED_BATCH * 4 * max(1, getattr(engine, "workers", 1)))

    def _remote_embedder(self, cfg: Config, inner: Embedder, engine: Engine) -> EngineEmbedder:
        """``inner`` on the engine's workers: the configured model as a recipe each worker builds once
        (one thread each unless ``threads`` says more), or the given embedder pickled."""
        if self.embedder is not None:
            return EngineEmbedder(PickledEmbedder.of(inner), inner.identity, engine)
        if hasattr(inner, "prepare"):
            inner.prepare()        # export the ONNX file here, once, not on every worker at the same time
        recipe = ModelRecipe(cfg.model, cfg.backend, batch_size=cfg.batch_size, device=cfg.device,
                             threads=cfg.threads or 1, export_dir=str(cfg.cache_dir or default_cache_dir()))
        return EngineEmbedder(recipe, inner.identity, engine)

    @contextlib.contextmanager
    def _engine(self) -> Iterator[Engine]:
        """The engine of this run: one named here is started and closed around it; one passed in is
        started if need be and left running for its owner."""
        if self.engine is None or isinstance(self.engine, str):
            with make_engine(self.engine) as engine:
                yield engine
            return
        engine = make_engine(self.engine)
        if hasattr(engine, "start"):
            engine.start()
        yield engine

    def _resolve_clusterer(self, cfg: Config) -> Any:
        if self.clusterer is None:
            return ClaimClusterer(distance_threshold=cfg.distance_threshold)
        if not hasattr(self.clusterer, "fit"):
            raise ConfigError("Corroborator: clusterer must have a fit(X) method that sets labels_; "
                              f"got {type(self.clusterer).__name__}")
        return fresh(self.clusterer)

    def _resolve_event_grouper(self, cfg: Config) -> EventGrouper:
        if self.event_grouper is not None:
            return check_event_grouper(self.event_grouper)
        return PairModelEvents(event_model(cfg), show_progress=self.show_progress)

    def _resolve_independence(self, cfg: Config) -> IndependenceStage:
        if self.independence is not None:
            return check_independence(self.independence)
        return SharedEvidence(denial_link_threshold=cfg.denial_link_threshold)

    # ------------------------------------------------------------------ fit
    def fit(self, articles: pd.DataFrame | str | Path | Corpus, y: Any = None) -> Corroborator:
        """Run the whole pipeline on ``articles`` (a frame, a path or a :class:`Corpus`); return ``self``."""
        cfg = self._resolve_config()
        with self._engine() as engine:
            return self.fit_prepared(self.prepare(articles, cfg, engine=engine), cfg, engine=engine)

    def prepare(self, articles: pd.DataFrame | str | Path | Corpus, cfg: Config | None = None, *,
                engine: Engine | None = None) -> Prepared:
        """The threshold-independent stages (see :class:`Prepared`); ``engine`` runs the work of each
        article and claim (default: this process)."""
        cfg = cfg or self._resolve_config()
        engine = engine or LocalEngine()
        lap = _Laps()
        corpus = read_stage(articles, cfg)
        lap("read")
        frame = copies_stage(corpus.articles, cfg)
        lap("syndication")
        # articles split and sentences read, taken from the cache or not (keys of both in one dict)
        parse_cache, parse_stats = (ParseCache(cfg.cache_dir) if cfg.cache else None), {}
        try:
            sentences = split_articles(frame["text"].tolist(), parse_cache, parse_stats, engine=engine)
            claims, dropped = claims_stage(frame, cfg, sentences, engine=engine)
            lap("claims")
            embedder = self._resolve_embedder(cfg, engine)
            repeats = outlet_repeats(claims)
            article_events = event_stage(frame, claims, repeats, embedder, self._resolve_event_grouper(cfg),
                                         sentences)
            del sentences
            frame = frame.assign(event_id=article_events)
            claims = claims.assign(event_id=claims["article_id"].map(
                dict(zip(frame["article_id"], article_events, strict=True))).astype("int64"))
            lap("events")
            claims, dropped = drop_furniture(claims, dropped, recurring_across_events(claims, repeats))
            lap("furniture")
            # spaCy parses on one core; an exported backend embeds the claims meanwhile on worker threads
            # that release the GIL (torch, or an embedder passed in, waits its turn: torch's threads
            # would fight the parser for the cores)
            # (on a cluster both run on the workers, and this process only waits for them)
            overlap = OVERLAP_EMBEDDING and (not is_local(engine) or (self.embedder is None
                                                                        and cfg.backend != "torch"))
            embedding = Background(embedder.encode, claims["text"].tolist(), start=overlap)
            texts = dataclasses.replace(parse_stage(claims, frame, cfg, show_progress=self.show_progress,
                                                    cache=parse_cache, stats=parse_stats, engine=engine),
                                        dropped=dropped)
        finally:
            if parse_cache is not None:
                parse_cache.close()
        lap("parse")
        embeddings = claim_vectors(embedding.result(), len(claims))
        claim_stats = dict(getattr(embedder, "last_stats", {}))   # the claims, not leads or denials
        lap("embed")
        return Prepared(corpus=dataclasses.replace(corpus, articles=frame), texts=texts, embeddings=embeddings,
                        embedder=embedder, article_events=np.asarray(article_events), timings=lap.timings,
                        embedding_stats=claim_stats, parse_stats=parse_stats)

    def fit_prepared(self, prepared: Prepared, cfg: Config | None = None, *,
                     engine: Engine | None = None) -> Corroborator:
        """Cluster (on ``engine``'s workers when given), weigh independence and score a prepared
        corpus; sets the fitted attributes."""
        cfg = cfg or self._resolve_config()
        lap = _Laps()
        frame, texts, embeddings = prepared.corpus.articles, prepared.texts, prepared.embeddings
        grouping = grouping_stage(texts, embeddings, lambda: self._resolve_clusterer(cfg), cfg, engine=engine)
        claims = texts.claims.assign(cluster_id=grouping.labels, generic_events=grouping.generic_events)
        lap("cluster")
        independence = checked_independence(self._resolve_independence(cfg).weigh(
            claims, frame, texts.attribution["content"], embeddings, prepared.embedder), len(claims))
        lap("independence")
        scores, sources = scoring_stage(independence, texts, frame, embeddings, cfg)
        lap("score")
        self._set_fitted(prepared, cfg, grouping, independence, scores, sources)
        self.timings_ = {**prepared.timings, **lap.timings}
        return self

    def _set_fitted(self, prepared: Prepared, cfg: Config, grouping: Grouping, independence: Independence,
                    scores: list[Any], sources: pd.DataFrame) -> None:
        self.config_ = cfg
        self.embedder_identity_ = prepared.embedder.identity
        # every text embedded for this run (leads, claims, denied clauses), when the embedder counts them
        self.embedding_stats_ = dict(getattr(prepared.embedder, "total_stats", None) or prepared.embedding_stats)
        self.parse_stats_ = dict(prepared.parse_stats)      # claims read, and of them taken from the parse cache
        self.articles_ = prepared.corpus.articles
        self.rejected_ = prepared.corpus.rejected
        self.claims_ = independence.claims
        self.events_ = event_table(prepared.corpus.articles, prepared.article_events)
        self.denial_links_ = independence.denial_links
        self.dropped_ = prepared.texts.dropped
        self.quantities_ = prepared.texts.quantities
        self.embeddings_ = prepared.embeddings
        self.labels_ = grouping.labels
        self.scores_ = scores
        self.clusters_ = pd.DataFrame([sc.to_dict() for sc in scores])
        self.sources_ = sources
        self.accounting_ = {"records": prepared.corpus.accounting, "truncated": prepared.corpus.truncated}

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise NotFittedError("this Corroborator is not fitted yet; call fit(articles) first")

    def report(self) -> Report:
        """The fitted results as a :class:`Report`, ready for any renderer."""
        self._check_fitted()
        return Report.build(FittedRun(
            articles=self.articles_, claims=self.claims_, quantities=self.quantities_, dropped=self.dropped_,
            rejected=self.rejected_, sources=self.sources_, events=self.events_, clusters=self.scores_,
            settings=self.config_.to_dict(), model=self.embedder_identity_, accounting=self.accounting_))

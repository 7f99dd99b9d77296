"""The Corroborator: wires read -> claims -> quantities -> embed -> cluster -> score.

A thin orchestrator over the pure stages; every stage is swappable through a
constructor argument (any object with the right methods), sklearn style:
``__init__`` only stores its arguments, ``fit`` validates and computes, and
learned attributes end in ``_``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from .attribution import attribute_claims
from .claims import extract_claims
from .cluster import ClaimClusterer, medoid_index, medoid_indices, relabel_by_first_appearance
from .config import Config
from .embed import CachedEmbedder, Embedder, EmbeddingCache, SentenceTransformerEmbedder
from .embed.base import check_embedder
from .errors import ConfigError, NotFittedError
from .events import (
    event_table,
    generic_span,
    group_events,
    key_entities,
    lead_text,
    split_conflicting_facts,
)
from .io import read_articles
from .quantities import extract_quantities, quantities_by_claim
from .report.model import Report
from .score import ClusterScore, score_cluster
from .sources import evidence_units, source_table
from .syndication import syndication
from .truth import TruthDiscovery

logger = logging.getLogger(__name__)


def _majority_generic(members: list[dict[str, Any]]) -> int:
    """The events a cluster's claims span when most of its claims are generic, else 0."""
    spans = [int(m["generic_events"]) for m in members]
    generic = [x for x in spans if x]
    return max(generic) if len(generic) * 2 > len(spans) else 0


class Corroborator:
    """Score how well the claims of a news corpus are corroborated.

    Parameters
    ----------
    config : Config, optional
        Every tunable; defaults to :meth:`Config.default` (``models/scoring-v1.toml``).
    model, distance_threshold, cache_dir : optional
        Shortcuts that override the matching ``config`` fields.
    embedder : Embedder, optional
        Anything with ``identity`` and ``encode(texts)``; defaults to the
        sentence-transformers model named by ``config.model``, behind the on-disk cache
        (unless ``config.cache`` is false).
    clusterer : estimator, optional
        Anything with ``fit(X)`` that sets ``labels_``; defaults to
        :class:`ClaimClusterer` at ``config.distance_threshold``. It is cloned on fit.
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

    def __init__(self, *, config: Config | None = None, model: str | None = None,
                 distance_threshold: float | None = None, cache_dir: str | Path | None = None,
                 embedder: Embedder | None = None, clusterer: Any = None,
                 show_progress: bool = False) -> None:
        self.config = config
        self.model = model
        self.distance_threshold = distance_threshold
        self.cache_dir = cache_dir
        self.embedder = embedder
        self.clusterer = clusterer
        self.show_progress = show_progress

    # ------------------------------------------------------------------ wiring
    def _resolve_config(self) -> Config:
        base = self.config if self.config is not None else Config.default()
        if not isinstance(base, Config):
            raise ConfigError(f"Corroborator: config must be a Config; got {type(base).__name__}")
        return base.replace(model=self.model, distance_threshold=self.distance_threshold,
                            cache_dir=None if self.cache_dir is None else str(self.cache_dir))

    def _resolve_embedder(self, cfg: Config) -> Embedder:
        if self.embedder is not None:
            inner = check_embedder(self.embedder)
        else:
            inner = SentenceTransformerEmbedder(cfg.model, batch_size=cfg.batch_size,
                                                device=cfg.device, show_progress=self.show_progress)
        cache = EmbeddingCache(cfg.cache_dir) if cfg.cache else None
        return CachedEmbedder(inner, cache)

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
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = now - clock
            clock = now

        frame = read_articles(articles)
        # a frame from read_articles(..., errors="skip") carries what it left out
        earlier = articles.attrs.get("rejected", []) if isinstance(articles, pd.DataFrame) else []
        rejected = list(earlier) + list(frame.attrs.get("rejected", []))
        lap("read")

        frame = frame.merge(syndication(frame, threshold=cfg.copy_threshold), on="article_id",
                            how="left")
        lap("syndication")
        claims, dropped = extract_claims(frame, min_words=cfg.min_words)
        attribution = attribute_claims(claims["text"].tolist())
        claims = pd.concat([claims, attribution[["attributed_to", "speaker", "stance"]]], axis=1)
        lap("claims")
        quantities = extract_quantities(claims, approx_rel_width=cfg.approx_rel_width)
        lap("quantities")

        embedder = self._resolve_embedder(cfg)
        embeddings = embedder.encode(claims["text"].tolist())
        if embeddings.shape[0] != len(claims):
            raise ConfigError(f"embedder returned {embeddings.shape[0]} vectors for {len(claims)} texts")
        lap("embed")

        leads = [lead_text(t, x) for t, x in zip(frame["title"], frame["text"], strict=True)]
        places, entities = key_entities(leads)
        article_events = group_events(frame, embedder.encode(leads), places,
                                      distance_threshold=cfg.event_distance_threshold,
                                      window_days=cfg.event_window_days, entities=entities)
        frame = frame.assign(event_id=article_events)
        events = event_table(frame, article_events, entities)
        claim_events = claims["article_id"].map(dict(zip(frame["article_id"], article_events,
                                                         strict=True))).to_numpy(dtype=np.int64)
        lap("events")

        labels = split_conflicting_facts(self._cluster_within_events(cfg, embeddings, claim_events),
                                         claims["text"].tolist())
        generic = generic_span(claims["text"].tolist(), embeddings, claim_events,
                               claim_threshold=cfg.distance_threshold,
                               min_events=cfg.generic_min_events)
        claims = claims.assign(event_id=claim_events, generic_events=generic)
        lap("cluster")

        units, copy_keys = evidence_units(claims, frame)
        claims = claims.assign(cluster_id=labels, evidence_unit=units, copy_key=copy_keys)
        links = self._link_denials(cfg, claims, attribution["content"], embeddings, embedder)
        lap("independence")
        truth = self._learn_reliability(cfg, frame, claims, quantities)
        scores = self._score(cfg, frame, claims, quantities, embeddings, labels, truth, links)
        sources = source_table(frame, claims, scores, truth)
        lap("score")

        self.config_ = cfg
        self.embedder_identity_ = embedder.identity
        self.embedding_stats_ = dict(getattr(embedder, "last_stats", {}))
        self.articles_ = frame
        self.rejected_ = rejected
        self.claims_ = claims.drop(columns=["copy_key"])
        self.events_ = events
        self.denial_links_ = links
        self.dropped_ = dropped
        self.quantities_ = quantities
        self.embeddings_ = embeddings
        self.labels_ = labels
        self.scores_ = scores
        self.clusters_ = pd.DataFrame([s.to_dict() for s in scores])
        self.sources_ = sources
        self.timings_ = timings
        return self

    def _cluster_within_events(self, cfg: Config, embeddings: np.ndarray,
                               claim_events: np.ndarray) -> np.ndarray:
        """Cluster each event's claims on their own; labels numbered by first appearance."""
        n = len(claim_events)
        labels = np.zeros(n, dtype=np.int64)
        if n == 0:
            return labels
        order = np.argsort(claim_events, kind="stable")
        bounds = np.flatnonzero(np.diff(claim_events[order])) + 1
        next_label = 0
        for members in np.split(order, bounds):
            if len(members) == 1:
                sub = np.zeros(1, dtype=np.int64)
            else:
                sub = np.asarray(self._resolve_clusterer(cfg).fit(embeddings[members]).labels_,
                                 dtype=np.int64)
            labels[members] = sub + next_label
            next_label += int(sub.max()) + 1
        return relabel_by_first_appearance(labels)

    @staticmethod
    def _link_denials(cfg: Config, claims: pd.DataFrame, content: pd.Series, embeddings: np.ndarray,
                      embedder: Embedder) -> dict[int, list[dict[str, Any]]]:
        """Link each denial to the claim it denies: the nearest non-denying claim,
        within ``denial_link_threshold`` of the denied clause, in another cluster.

        Returns ``cluster_id -> [denying claim records]``.
        """
        is_denial = (claims["stance"] == "denied").to_numpy(dtype=bool)
        has_content = np.array([isinstance(c, str) and bool(c) for c in content], dtype=bool)
        denied = np.flatnonzero(is_denial & has_content)
        asserting = np.flatnonzero(~is_denial)
        links: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if not len(denied) or not len(asserting):
            return links
        vectors = embedder.encode([str(content.iloc[i]) for i in denied])
        similarity = vectors @ embeddings[asserting].T
        for row, i in enumerate(denied):
            best = int(np.argmax(similarity[row]))
            target = asserting[best]
            own, other = int(claims["cluster_id"].iloc[i]), int(claims["cluster_id"].iloc[target])
            if 1.0 - float(similarity[row, best]) <= cfg.denial_link_threshold and own != other:
                record = claims.iloc[i]
                links[other].append({"claim_id": record["claim_id"], "source": record["source"],
                                     "evidence_unit": record["evidence_unit"],
                                     "attributed_to": record["attributed_to"],
                                     "text": record["text"]})
        return links

    @staticmethod
    def _learn_reliability(cfg: Config, articles: pd.DataFrame, claims: pd.DataFrame,
                           quantities: pd.DataFrame) -> TruthDiscovery:
        """Reliability of each source from its numeric agreement across all clusters."""
        has_unit = quantities["unit"].map(lambda u: isinstance(u, str)).astype(bool)
        obs = quantities.loc[has_unit].merge(
            claims[["claim_id", "article_id", "source", "cluster_id", "evidence_unit"]], on="claim_id")
        obs = obs.merge(articles[["article_id", "published_at"]], on="article_id", how="left")
        obs = obs.assign(item=obs["cluster_id"].map(lambda c: f"cluster {c}"),
                         group=obs["evidence_unit"].where(obs["evidence_unit"].map(
                             lambda u: not str(u).startswith("source:")), None))
        engine = TruthDiscovery(prior_mean=cfg.reliability_prior_mean,
                                prior_strength=cfg.reliability_prior_strength,
                                rel_tolerance=cfg.agreement_rel_tolerance,
                                intercept=cfg.truth_intercept, duplicates="median",
                                reliability_by="source")
        return engine.fit(obs[["item", "unit", "source", "value", "low", "high", "claim_id",
                               "published_at", "group"]])

    def _score(self, cfg: Config, articles: pd.DataFrame, claims: pd.DataFrame,
               quantities: pd.DataFrame, embeddings: np.ndarray,
               labels: np.ndarray, truth: TruthDiscovery,
               links: dict[int, list[dict[str, Any]]]) -> list[ClusterScore]:
        if claims.empty:
            return []
        published = dict(zip(articles["article_id"], articles["published_at"], strict=True))
        records = claims[["claim_id", "article_id", "source", "text", "evidence_unit", "copy_key",
                          "attributed_to", "stance", "event_id", "generic_events"]].to_dict(orient="records")
        for r in records:
            for key in ("attributed_to", "copy_key"):
                if not isinstance(r[key], str):
                    r[key] = None
        for r in records:
            stamp = published.get(r["article_id"])
            r["published_at"] = None if stamp is None or pd.isna(stamp) else stamp.isoformat()
        compared_sources = set(truth.observations_["source"]) if len(truth.observations_) else set()
        by_cluster: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r, label in zip(records, labels.tolist(), strict=True):
            by_cluster[label].append(r)
        q_by_claim = quantities_by_claim(quantities)
        medoids = medoid_indices(embeddings, labels)
        positions = {r["claim_id"]: i for i, r in enumerate(records)}
        scores = []
        for label in sorted(by_cluster):
            members = by_cluster[label]
            qs = [{**q, "source": m["source"], "claim_id": m["claim_id"],
                   "published_at": m["published_at"]}
                  for m in members for q in q_by_claim.get(m["claim_id"], [])]
            # what each source earned on *other* clusters: agreement here is scored once
            here = {f"cluster {label}"}
            reliability = {m["source"]: (truth.reliability_without(m["source"], here)
                                         if m["source"] in compared_sources
                                         else cfg.reliability_prior_mean) for m in members}
            score = score_cluster(
                cluster_id=label, claims=members, quantities=qs,
                representative=records[medoids[label]]["text"],
                intercept=cfg.intercept, per_doubling_sources=cfg.per_doubling_sources,
                conflict_penalty=cfg.conflict_penalty,
                agreement_rel_tolerance=cfg.agreement_rel_tolerance,
                weights=truth.weights_, reliability=reliability,
                prior_reliability=cfg.reliability_prior_mean,
                per_reliability_logit=cfg.per_reliability_logit,
                linked_denials=links.get(label, []), denial_penalty=cfg.denial_penalty,
                hedge_penalty=cfg.hedge_penalty, event_id=int(members[0]["event_id"]),
                generic_events=_majority_generic(members),
            )
            dissenting = {c for q in score.quantities for d in q.dissent for c in d.claim_ids}
            if records[medoids[label]]["claim_id"] in dissenting:
                # never headline a cluster with the figure its sources reject
                agreeing = [positions[m["claim_id"]] for m in members
                            if m["claim_id"] not in dissenting]
                if agreeing:
                    best = agreeing[medoid_index(embeddings[agreeing])]
                    score = dataclasses.replace(score, representative=records[best]["text"])
            scores.append(score)
        scores.sort(key=lambda s: (-s.confidence, -s.n_sources, s.cluster_id))
        return scores

    # ------------------------------------------------------------------ results
    def _check_fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise NotFittedError("this Corroborator is not fitted yet; call fit(articles) first")

    def report(self) -> Report:
        """The fitted results as a :class:`Report`, ready for any renderer."""
        self._check_fitted()
        return Report.from_fitted(self)

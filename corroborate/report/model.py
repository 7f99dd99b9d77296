"""The :class:`Report`: everything a renderer needs, computed once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..quantities import quantities_by_claim
from ..score import ClusterScore

if TYPE_CHECKING:
    from ..pipeline import Corroborator


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corroborate")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass(frozen=True)
class Report:
    """Results of one run, independent of any output format.

    ``clusters`` are sorted by confidence (then sources, then id); ``claims``
    carries ``cluster_id`` and ``published_at``.
    """

    clusters: tuple[ClusterScore, ...]
    claims: pd.DataFrame
    quantities: pd.DataFrame
    dropped: pd.DataFrame
    rejected: tuple[dict[str, Any], ...]
    sources: pd.DataFrame
    denials: dict[int, list[dict[str, Any]]]
    events: pd.DataFrame
    summary: dict[str, Any]
    settings: dict[str, Any]
    model: str
    version: str

    @classmethod
    def from_fitted(cls, est: Corroborator) -> Report:
        articles = est.articles_
        published = articles.set_index("article_id")["published_at"]
        claims = est.claims_.assign(
            published_at=est.claims_["article_id"].map(published).map(
                lambda t: None if pd.isna(t) else t.isoformat()))
        dropped_by_reason = (est.dropped_["reason"].value_counts().sort_index().to_dict()
                             if len(est.dropped_) else {})
        summary = {
            "n_articles": int(len(articles)),
            "n_sources": int(articles["source"].nunique()),
            "n_claims": int(len(claims)),
            "n_clusters": len(est.scores_),
            "n_multi_source_clusters": sum(1 for s in est.scores_ if s.n_sources >= 2),
            "n_single_source_clusters": sum(1 for s in est.scores_ if s.n_sources < 2),
            "n_quantities": int(len(est.quantities_)),
            "n_dropped_sentences": int(len(est.dropped_)),
            "dropped_by_reason": {str(k): int(v) for k, v in dropped_by_reason.items()},
            "n_rejected_records": len(est.rejected_),
            "n_copy_groups": int((articles["copy_group"].value_counts() > 1).sum())
            if "copy_group" in articles else 0,
            "n_linked_denials": sum(len(v) for v in est.denial_links_.values()),
            "n_events": int(len(est.events_)),
            "n_generic_clusters": sum(1 for s in est.scores_ if s.generic),
        }
        return cls(
            clusters=tuple(est.scores_),
            claims=claims,
            quantities=est.quantities_,
            dropped=est.dropped_,
            rejected=tuple(est.rejected_),
            sources=est.sources_,
            denials=dict(est.denial_links_),
            events=est.events_,
            summary=summary,
            settings=est.config_.to_dict(),
            model=est.embedder_identity_,
            version=_package_version(),
        )

    # ------------------------------------------------------------------ views
    def claim_records(self) -> list[dict[str, Any]]:
        """Rows of ``claims.jsonl``: claim fields, cluster_id, published_at, quantities."""
        q = quantities_by_claim(self.quantities)
        records = self.claims.to_dict(orient="records")
        for r in records:
            r["quantities"] = q.get(r["claim_id"], [])
        return records

    def cluster_records(self) -> list[dict[str, Any]]:
        """Rows of ``clusters.jsonl``, by confidence."""
        return [s.to_dict() for s in self.clusters]

    def claims_by_cluster(self) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        for r in self.claim_records():
            out.setdefault(int(r["cluster_id"]), []).append(r)
        return out

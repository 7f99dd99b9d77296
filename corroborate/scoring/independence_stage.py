"""The independence stage as a swappable part: what each claim's independence is judged by.

:class:`IndependenceStage` is the contract; :class:`SharedEvidence` the default: origins named
one way per event (:mod:`corroborate.text.origins`), copy groups and credits
(:mod:`corroborate.scoring.independence`), and each denial linked to the cluster it denies
(:mod:`corroborate.text.denials`). Pass another to :class:`corroborate.Corroborator` as
``independence`` (for example one that trusts a curated table of outlet ownership).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..embed.base import Embedder
from ..errors import ConfigError
from ..stage_results import Independence
from ..text.denials import link_denials
from ..text.origins import normalise_claim_origins
from .independence import EVIDENCE_COLUMNS, evidence_columns


@runtime_checkable
class IndependenceStage(Protocol):
    """Gives each clustered claim the keys its independence is judged by.

    ``claims`` carries ``cluster_id``, ``event_id`` and ``attributed_to``; ``denied`` is the
    denied clause of each claim (``None`` when it does not deny); ``embeddings`` row i is
    claim i. Returns the claims with ``attributed_to`` (possibly renamed) and
    :data:`~corroborate.scoring.independence.EVIDENCE_COLUMNS`, and the denials linked to
    each cluster id.
    """

    def weigh(self, claims: pd.DataFrame, articles: pd.DataFrame, denied: pd.Series,
              embeddings: np.ndarray, embedder: Embedder) -> Independence: ...


@dataclass(frozen=True)
class SharedEvidence:
    """The default: claims sharing an outlet, copy group, credit, origin or wording are one."""

    denial_link_threshold: float

    def weigh(self, claims: pd.DataFrame, articles: pd.DataFrame, denied: pd.Series,
              embeddings: np.ndarray, embedder: Embedder) -> Independence:
        claims = claims.assign(attributed_to=normalise_claim_origins(claims, articles))
        claims = pd.concat([claims, evidence_columns(claims, articles)], axis=1)
        links = link_denials(claims, denied, embeddings, embedder, threshold=self.denial_link_threshold)
        return Independence(claims=claims, denial_links=links)


def check_independence(stage: object) -> IndependenceStage:
    if not isinstance(stage, IndependenceStage):
        raise ConfigError("Corroborator: independence must have a weigh(claims, articles, denied, embeddings, "
                          f"embedder) method; got {type(stage).__name__}")
    return stage


def checked_independence(result: object, n_claims: int) -> Independence:
    if not isinstance(result, Independence):
        raise ConfigError(f"independence.weigh returned {type(result).__name__}; expected an Independence")
    missing = [c for c in ("attributed_to", *EVIDENCE_COLUMNS) if c not in result.claims.columns]
    if missing or len(result.claims) != n_claims:
        raise ConfigError(f"independence.weigh must return the {n_claims} claims with "
                          f"{', '.join(('attributed_to', *EVIDENCE_COLUMNS))}; "
                          f"got {len(result.claims)} rows" + (f", missing {', '.join(missing)}" if missing else ""))
    return result

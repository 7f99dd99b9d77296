"""What scoring one cluster takes and gives: :class:`ClusterInput` and :class:`ScoringContext`
in, :class:`ClusterScore` (with its :class:`Reason` facts) out. Plain data, no computation but
the conversions to and from a row of ``clusters.jsonl``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from .confidence import ConfidenceModel
from .consensus import UnitConsensus, unit_from_dict


@dataclass(frozen=True)
class Reason:
    """One reason behind a confidence, as facts: the prose lives in the report templates.

    ``code`` names the reason (see :data:`REASON_VALUES`), ``effect`` is the change in
    the model's log-odds it stands for (0 when informational), ``values`` the facts a
    reader can check (sources, origins, figures, dissenters), plain JSON types only.
    """

    code: str
    effect: float
    values: dict[str, Any] = field(default_factory=dict)


#: every reason code and the keys of its ``values`` (corroborate/report/templates/reasons.txt.j2 says them)
REASON_VALUES: dict[str, tuple[str, ...]] = {
    "generic": ("events",),
    "single_source": ("source", "articles"),
    "multi_source": ("sources", "independent", "groups"),
    "single_origin": ("outlets", "origin"),
    "copies": ("outlets",),
    "one_source_dominates": ("source", "articles", "of"),
    "single_figure": ("unit", "value"),
    "evolving_numbers": ("unit", "steps"),
    "conflicting_numbers": ("unit", "agreement", "sources", "consensus", "dissent"),
    "numbers_agree": ("unit", "sources", "consensus", "low", "high"),
    "position": ("unit", "sentence", "lead_share"),
    "event": ("reports", "stating"),
    "source_reliability": ("reliability",),
    "contested": ("groups", "deniers"),
    "hedged": ("hedged", "claims"),
}


@dataclass(frozen=True)
class ClusterScore:
    cluster_id: int
    claim_ids: tuple[str, ...]
    representative: str
    n_claims: int
    n_articles: int
    n_sources: int
    sources: tuple[str, ...]
    effective_sources: float
    quantities: tuple[UnitConsensus, ...]
    numeric_agreement: float
    confidence: float
    reasons: tuple[Reason, ...]
    first_seen: str | None = None
    last_seen: str | None = None
    independent_sources: int = 0
    origins: tuple[str, ...] = ()
    copy_groups: tuple[tuple[str, ...], ...] = ()
    stance: dict[str, int] = field(default_factory=dict)
    linked_denials: tuple[str, ...] = ()
    event_id: int | None = None
    generic: bool = False
    generic_events: int = 0          # events its near-duplicates span, when generic
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = _plain(self)
        out.pop("extra")
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ClusterScore:
        """The inverse of :meth:`to_dict` on a row of ``clusters.jsonl`` (``null`` bounds are unbounded)."""
        known = {f.name for f in fields(cls)} - {"extra"}
        row = {k: v for k, v in record.items() if k in known}
        row["quantities"] = tuple(unit_from_dict(q) for q in record.get("quantities", ()))
        row["reasons"] = tuple(Reason(str(r["code"]), float(r["effect"]), dict(r.get("values") or {}))
                               for r in record.get("reasons", ()))
        for key in ("claim_ids", "sources", "origins", "linked_denials"):
            row[key] = tuple(record.get(key, ()))
        row["copy_groups"] = tuple(tuple(g) for g in record.get("copy_groups", ()))
        row["stance"] = dict(record.get("stance") or {})
        return cls(**row, extra={k: v for k, v in record.items() if k not in known})


@dataclass(frozen=True)
class ScoringContext:
    """What every cluster of a run is scored with."""

    model: ConfidenceModel
    tolerance: float = 0.05                          # agreement_rel_tolerance
    prior_reliability: float = 0.7
    weights: Mapping[str, float] | None = None       # source -> consensus weight (truth discovery)


@dataclass(frozen=True)
class ClusterInput:
    """One cluster to score. ``claims`` are dicts with ``claim_id, article_id, source``
    and optionally ``published_at`` (ISO text), ``text``, ``sent_idx``,
    ``attributed_to``, ``copy_kind``/``copy_name`` and ``stance``;
    ``quantities`` dicts with ``unit, value, low, high, source, claim_id``."""

    cluster_id: int
    claims: Sequence[Mapping[str, Any]]
    quantities: Sequence[Mapping[str, Any]] = ()
    representative: str = ""
    reliability: Mapping[str, float] | None = None   # source -> reliability on *other* clusters
    linked_denials: Sequence[Mapping[str, Any]] = ()
    event_id: int | None = None
    generic_events: int = 0                          # > 0: a generic sentence spanning that many events
    event_groups: int = 1                            # independent units reporting the event


def _plain(value: Any) -> Any:
    """What :func:`dataclasses.asdict` gives for a tree of dataclasses, tuples, lists, dicts
    and JSON values, without its deep copy of every leaf (a third of a large run's report)."""
    kind = type(value)
    if kind is str or kind is float or kind is int or kind is bool or value is None:
        return value
    if kind is tuple or kind is list:
        return kind([_plain(v) for v in value])
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not (is_dataclass(value) and not isinstance(value, type)):
            return value
        names = _FIELD_NAMES.setdefault(kind, tuple(f.name for f in fields(value)))
    return {name: _plain(getattr(value, name)) for name in names}


#: the field names of each dataclass :func:`_plain` has met
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}

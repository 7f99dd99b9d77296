"""Every tunable of the pipeline in one frozen dataclass.

Defaults come from the versioned scoring file in ``models/`` (see
``models/README.md``); a user TOML file with the same sections overrides them,
and keyword arguments override both::

    cfg = Config.from_toml("my.toml").replace(distance_threshold=0.3)
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .schema import EVENT_FEATURES

# neutral defaults; the packaged scoring file carries the fitted ones
_EVENT_WEIGHTS = {"body": 7.0, "title": 2.0, "proper": 10.0, "proper_lead": 2.0, "names": 3.0,
                  "lead_words": 4.0, "lead_embedding": 1.5, "ages_shared": 1.0, "ages_conflict": -1.0,
                  "streets_shared": 1.0, "streets_conflict": -1.0, "log_closest_days": -1.0,
                  "log_days": -0.2, "same_source": -2.0}

DEFAULT_SCORING_FILE = "scoring-v2.toml"

# Where each field lives in a TOML file: field -> (section, key). Fields not
# listed here are not settable from TOML.
_TOML_KEYS: dict[str, tuple[str, str]] = {
    "model": ("embedding", "model"),
    "batch_size": ("embedding", "batch_size"),
    "device": ("embedding", "device"),
    "cache": ("embedding", "cache"),
    "cache_dir": ("embedding", "cache_dir"),
    "min_words": ("claims", "min_words"),
    "distance_threshold": ("cluster", "distance_threshold"),
    "approx_rel_width": ("quantities", "approx_rel_width"),
    "agreement_rel_tolerance": ("quantities", "agreement_rel_tolerance"),
    "intercept": ("confidence", "intercept"),
    "per_doubling_sources": ("confidence", "per_doubling_sources"),
    "conflict_penalty": ("confidence", "conflict_penalty"),
    "per_reliability_logit": ("confidence", "per_reliability_logit"),
    "reliability_prior_mean": ("reliability", "prior_mean"),
    "reliability_prior_strength": ("reliability", "prior_strength"),
    "truth_intercept": ("truth", "intercept"),
    "copy_threshold": ("independence", "copy_threshold"),
    "denial_link_threshold": ("independence", "denial_link_threshold"),
    "denial_penalty": ("confidence", "denial_penalty"),
    "hedge_penalty": ("confidence", "hedge_penalty"),
    "event_distance_threshold": ("events", "distance_threshold"),
    "event_intercept": ("events", "intercept"),
    "event_weights": ("events", "weights"),
    "event_candidate_similarity": ("events", "candidate_similarity"),
    "event_bare_lead_similarity": ("events", "bare_lead_similarity"),
    "generic_min_events": ("events", "generic_min_events"),
    "generic_distance_threshold": ("events", "generic_distance_threshold"),
    "group_figures": ("cluster", "group_figures"),
}
_FIELD_OF = {place: name for name, place in _TOML_KEYS.items()}


def models_dir() -> Path:
    """Folder holding the model card and the scoring parameters.

    A wheel carries ``models/`` as ``corroborate/_models``; a source checkout
    (editable install) has it beside the package.
    """
    bundled = Path(str(resources.files("corroborate"))) / "_models"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent / "models"


@lru_cache(maxsize=8)
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _flatten(doc: dict[str, Any], origin: str) -> dict[str, Any]:
    """Map a sectioned TOML document onto Config field names, rejecting unknown keys."""
    flat: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                if (key, sub) not in _FIELD_OF:
                    raise ConfigError(f"{origin}: unknown setting [{key}] {sub!r}")
                flat[_FIELD_OF[(key, sub)]] = subvalue
        elif key == "version":
            flat["scoring_version"] = value
        else:
            raise ConfigError(f"{origin}: unknown top-level setting {key!r}")
    return flat


@dataclass(frozen=True)
class Config:
    """All settings of a run. Frozen: derive variants with :meth:`replace`."""

    # embedding
    model: str = "default"
    batch_size: int = 64
    device: str = "cpu"
    cache: bool = True
    cache_dir: str | None = None
    # claims
    min_words: int = 5
    # clustering (within an event)
    distance_threshold: float = 0.17
    group_figures: bool = True
    # quantities
    approx_rel_width: float = 0.10
    agreement_rel_tolerance: float = 0.05
    # confidence
    intercept: float = -1.0
    per_doubling_sources: float = 0.9
    conflict_penalty: float = 2.0
    per_reliability_logit: float = 1.0
    # source reliability (corroborate.truth)
    reliability_prior_mean: float = 0.7
    reliability_prior_strength: float = 10.0
    truth_intercept: float = -1.0
    # independence (corroborate.syndication, corroborate.attribution)
    copy_threshold: float = 0.27
    denial_link_threshold: float = 0.37
    denial_penalty: float = 2.0
    hedge_penalty: float = 0.5
    # events (corroborate.events): the pair model and its cut
    event_distance_threshold: float = 0.8
    event_intercept: float = -6.0
    event_weights: Mapping[str, float] = field(default_factory=lambda: dict(_EVENT_WEIGHTS))
    event_candidate_similarity: float = 0.05
    event_bare_lead_similarity: float = 0.75
    generic_min_events: int = 3
    generic_distance_threshold: float = 0.17
    # provenance
    scoring_version: str = field(default="unversioned")

    def __post_init__(self) -> None:
        def bad(name: str, allowed: str) -> ConfigError:
            value = getattr(self, name)
            return ConfigError(f"Config.{name} must be {allowed}; got {value!r}")

        if not isinstance(self.model, str) or not self.model:
            raise bad("model", "a non-empty model name or path")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise bad("batch_size", "an integer >= 1")
        if not isinstance(self.min_words, int) or self.min_words < 1:
            raise bad("min_words", "an integer >= 1")
        if not 0.0 < float(self.distance_threshold) < 2.0:
            raise bad("distance_threshold", "a cosine distance in (0, 2)")
        if not 0.0 <= float(self.approx_rel_width) < 1.0:
            raise bad("approx_rel_width", "a share in [0, 1)")
        if not 0.0 <= float(self.agreement_rel_tolerance) < 1.0:
            raise bad("agreement_rel_tolerance", "a share in [0, 1)")
        if float(self.per_doubling_sources) < 0:
            raise bad("per_doubling_sources", "a number >= 0")
        if float(self.conflict_penalty) < 0:
            raise bad("conflict_penalty", "a number >= 0")
        if not 0.0 < float(self.reliability_prior_mean) < 1.0:
            raise bad("reliability_prior_mean", "a probability in (0, 1)")
        if float(self.reliability_prior_strength) < 0:
            raise bad("reliability_prior_strength", "a number >= 0")
        if not 0.0 < float(self.copy_threshold) <= 1.0:
            raise bad("copy_threshold", "a Jaccard similarity in (0, 1]")
        if not 0.0 < float(self.denial_link_threshold) < 2.0:
            raise bad("denial_link_threshold", "a cosine distance in (0, 2)")
        if not 0.0 < float(self.event_distance_threshold) < 1.0:
            raise bad("event_distance_threshold", "a distance 1 - p in (0, 1)")
        if not 0.0 <= float(self.event_candidate_similarity) < 1.0:
            raise bad("event_candidate_similarity", "a cosine similarity in [0, 1)")
        if not 0.0 < float(self.event_bare_lead_similarity) <= 1.0:
            raise bad("event_bare_lead_similarity", "a cosine similarity in (0, 1]")
        weights = self.event_weights
        if (not isinstance(weights, Mapping) or set(weights) != set(EVENT_FEATURES)
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           and math.isfinite(v) for v in weights.values())):
            raise bad("event_weights", f"a table of finite numbers for exactly {', '.join(EVENT_FEATURES)}")
        object.__setattr__(self, "event_weights", MappingProxyType(dict(sorted(weights.items()))))
        if not 0.0 < float(self.generic_distance_threshold) < 2.0:
            raise bad("generic_distance_threshold", "a cosine distance in (0, 2)")
        if not isinstance(self.generic_min_events, int) or self.generic_min_events < 2:
            raise bad("generic_min_events", "an integer >= 2")
        if float(self.denial_penalty) < 0 or float(self.hedge_penalty) < 0:
            raise bad("denial_penalty" if float(self.denial_penalty) < 0 else "hedge_penalty",
                      "a number >= 0")

    @classmethod
    def default(cls) -> Config:
        """The packaged defaults (``models/scoring-v2.toml``)."""
        path = models_dir() / DEFAULT_SCORING_FILE
        return cls(**_flatten(_read_toml(path), str(path)))

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Packaged defaults overridden by the settings in ``path``."""
        path = Path(path)
        return cls.default().replace(**_flatten(_read_toml(path), str(path)))

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (``None`` values are ignored)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ConfigError(f"unknown Config setting(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["event_weights"] = dict(self.event_weights)
        return out

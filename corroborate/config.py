"""Every tunable of the pipeline in one frozen dataclass.

Values live in one place: a versioned **model file** (``models/default.json``,
written by ``corroborate tune``; see ``models/README.md``) holds every setting,
in the sections below, and the learned confidence model. ``Config`` has no
defaults of its own. A user TOML file with the same sections overrides the
settings, and keyword arguments override both::

    cfg = Config.from_toml("my.toml").replace(distance_threshold=0.3)
    cfg = Config.from_model_file("models/mine.json")
"""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .confidence import ConfidenceModel
from .errors import ConfigError
from .schema import EVENT_FEATURES

DEFAULT_MODEL_FILE = "default.json"
MODEL_FORMAT = "corroborate-model/1"

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
    "reliability_prior_mean": ("reliability", "prior_mean"),
    "reliability_prior_strength": ("reliability", "prior_strength"),
    "truth_intercept": ("truth", "intercept"),
    "copy_threshold": ("independence", "copy_threshold"),
    "denial_link_threshold": ("independence", "denial_link_threshold"),
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
def _read_model_file(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"model file not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("format") != MODEL_FORMAT:
        raise ConfigError(f"{path}: not a corroborate model file (\"format\" must be {MODEL_FORMAT!r})")
    for key in ("version", "settings", "confidence"):
        if key not in doc:
            raise ConfigError(f"{path}: model file lacks {key!r}")
    return doc


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
        else:
            raise ConfigError(f"{origin}: unknown top-level setting {key!r}")
    return flat


@dataclass(frozen=True, kw_only=True)
class Config:
    """All settings of a run. Frozen: derive variants with :meth:`replace`.

    No field has a default here: :meth:`default` reads them from the packaged
    model file, the one place they live.
    """

    # embedding
    model: str
    batch_size: int
    device: str
    cache: bool
    cache_dir: str | None
    # claims
    min_words: int
    # clustering (within an event)
    distance_threshold: float
    group_figures: bool
    # quantities
    approx_rel_width: float
    agreement_rel_tolerance: float
    # source reliability (corroborate.truth)
    reliability_prior_mean: float
    reliability_prior_strength: float
    truth_intercept: float
    # independence (corroborate.syndication, corroborate.attribution)
    copy_threshold: float
    denial_link_threshold: float
    # events (corroborate.events): the pair model and its cut
    event_distance_threshold: float
    event_intercept: float
    event_weights: Mapping[str, float]
    event_candidate_similarity: float
    event_bare_lead_similarity: float
    generic_min_events: int
    generic_distance_threshold: float
    # the learned confidence (corroborate.confidence) and where it came from
    confidence_model: ConfidenceModel
    scoring_version: str
    trained_on: str = ""

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
        if not isinstance(self.confidence_model, ConfidenceModel):
            raise bad("confidence_model", "a ConfidenceModel (the [confidence] of a model file)")

    @classmethod
    def default(cls) -> Config:
        """The packaged defaults (``models/default.json``)."""
        return cls.from_model_file(models_dir() / DEFAULT_MODEL_FILE)

    @classmethod
    def from_model_file(cls, path: str | Path) -> Config:
        """Every setting and the confidence model of a model file written by ``corroborate tune``."""
        path = Path(path)
        doc = _read_model_file(path.resolve())
        flat = _flatten(doc["settings"], str(path))
        trained = doc.get("trained", {})
        data = trained.get("data", []) if isinstance(trained, dict) else []
        missing = sorted({f.name for f in dataclasses.fields(cls)}
                         - set(flat) - {"confidence_model", "scoring_version", "trained_on"})
        if missing:
            raise ConfigError(f"{path}: settings lack {', '.join(missing)}")
        return cls(**flat, confidence_model=ConfidenceModel.from_dict(doc["confidence"], str(path)),
                   scoring_version=str(doc["version"]),
                   trained_on="; ".join(str(d.get("name", d)) if isinstance(d, dict) else str(d) for d in data))

    @classmethod
    def from_toml(cls, path: str | Path, base: Config | None = None) -> Config:
        """``base`` (default: the packaged defaults) overridden by the settings in ``path``."""
        path = Path(path)
        return (base or cls.default()).replace(**_flatten(_read_toml(path), str(path)))

    def settings_sections(self) -> dict[str, dict[str, Any]]:
        """The settings as the sections of a model file (the inverse of loading one)."""
        out: dict[str, dict[str, Any]] = {}
        for name, (section, key) in _TOML_KEYS.items():
            value = getattr(self, name)
            out.setdefault(section, {})[key] = dict(value) if isinstance(value, Mapping) else value
        return out

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
        out["confidence_model"] = self.confidence_model.to_dict()
        return out

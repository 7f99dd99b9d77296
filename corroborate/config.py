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

from .embed.backends import BACKENDS
from .errors import ConfigError
from .schema import EVENT_FEATURES
from .scoring.confidence import ConfidenceModel

DEFAULT_MODEL_FILE = "default.json"
MODEL_FORMAT = "corroborate-model/1"

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _given(value: Any) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", dict: "a table",
            list: "an array", type(None): "nothing"}.get(type(value), type(value).__name__)
    text = repr(value)
    return f"{text[:60]}{'…' if len(text) > 60 else ''} ({kind})"


@dataclass(frozen=True)
class Rule:
    """What a setting may be: its type and, for numbers, its range (``"[" / "("`` closed or open)."""

    kind: str                               # bool | int | float | text | optional_text | choice
    low: float | None = None
    high: float | None = None
    bounds: str = "[]"
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "bool":
            return "true or false"
        if self.kind in ("text", "optional_text"):
            return "a non-empty string" + (" (or absent)" if self.kind == "optional_text" else "")
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        what = "an integer" if self.kind == "int" else "a number"
        if self.low is None and self.high is None:
            return f"{what} (finite)"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"{what} in {self.bounds[0]}{lo}, {hi}{')' if self.high is None else self.bounds[1]}"

    def problem(self, value: Any) -> str | None:
        """``None`` when ``value`` is allowed, else what is allowed."""
        if self.kind == "bool":
            ok = isinstance(value, bool)
        elif self.kind == "text":
            ok = isinstance(value, str) and bool(value.strip())
        elif self.kind == "optional_text":
            ok = value is None or (isinstance(value, str) and bool(value.strip()))
        elif self.kind == "choice":
            ok = isinstance(value, str) and value in self.choices
        else:
            ok = (isinstance(value, int) and not isinstance(value, bool) if self.kind == "int"
                  else _is_number(value)) and math.isfinite(value)
            if ok and self.low is not None:
                ok = value >= self.low if self.bounds[0] == "[" else value > self.low
            if ok and self.high is not None:
                ok = value <= self.high if self.bounds[1] == "]" else value < self.high
        return None if ok else self.describe()


def setting(section: str | None = None, key: str | None = None, rule: Rule | None = None) -> Any:
    """A :class:`Config` field: where it lives in a TOML or model file (``[section] key``; none: not
    settable there) and what it may be. The one table of every setting."""
    return dataclasses.field(metadata={"toml": (section, key) if section else None, "rule": rule})


def check_settings(flat: Mapping[str, Any], origin: str) -> None:
    """Raise :class:`ConfigError` naming ``origin``, the section and key, what is allowed and what was given."""
    for name, value in flat.items():
        rule = RULES.get(name)
        problem = rule.problem(value) if rule is not None else None
        if problem:
            section, key = _TOML_KEYS[name]
            raise ConfigError(f"{origin}: [{section}] {key} must be {problem}; got {_given(value)}")


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
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {_not_utf8(path, exc)}; a model file is JSON in UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"model file {path}: cannot read it ({exc.strerror or exc})") from None
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
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {_not_utf8(path, exc)}; a configuration file is TOML in UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"configuration file {path}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> str:
    """``line 3: not valid UTF-8 (byte 0xe9 at column 12)``, counted in the file's bytes."""
    data = path.read_bytes()
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


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
    model: str = setting("embedding", "model", Rule("text"))
    batch_size: int = setting("embedding", "batch_size", Rule("int", 1, 65536))
    device: str = setting("embedding", "device", Rule("text"))
    threads: int = setting("embedding", "threads", Rule("int", 0, 1024))   # CPU threads; 0: all cores
    # torch | onnx | onnx-int8 | openvino (corroborate.embed.backends)
    backend: str = setting("embedding", "backend", Rule("choice", choices=BACKENDS))
    cache: bool = setting("embedding", "cache", Rule("bool"))
    cache_dir: str | None = setting("embedding", "cache_dir", Rule("optional_text"))
    # claims, and the limits that keep one giant article from stalling a run
    min_words: int = setting("claims", "min_words", Rule("int", 1, 1000))
    max_article_chars: int = setting("claims", "max_article_chars", Rule("int", 1000, 10_000_000))
    max_sentences_per_article: int = setting("claims", "max_sentences_per_article", Rule("int", 1, 100_000))
    max_sentence_chars: int = setting("claims", "max_sentence_chars", Rule("int", 50, 100_000))
    long_articles: str = setting("claims", "long_articles", Rule("choice", choices=("truncate", "reject")))
    # clustering (within an event)
    distance_threshold: float = setting("cluster", "distance_threshold", Rule("float", 0, 2, "()"))
    group_figures: bool = setting("cluster", "group_figures", Rule("bool"))
    # quantities
    approx_rel_width: float = setting("quantities", "approx_rel_width", Rule("float", 0, 1, "[)"))
    agreement_rel_tolerance: float = setting("quantities", "agreement_rel_tolerance", Rule("float", 0, 1, "[)"))
    # source reliability (corroborate.scoring.truth)
    reliability_prior_mean: float = setting("reliability", "prior_mean", Rule("float", 0, 1, "()"))
    reliability_prior_strength: float = setting("reliability", "prior_strength", Rule("float", 0, None))
    truth_intercept: float = setting("truth", "intercept", Rule("float"))
    # independence (corroborate.ingest.syndication, corroborate.text.attribution)
    copy_threshold: float = setting("independence", "copy_threshold", Rule("float", 0, 1, "(]"))
    denial_link_threshold: float = setting("independence", "denial_link_threshold", Rule("float", 0, 2, "()"))
    # events (corroborate.grouping.events): the pair model and its cut
    event_distance_threshold: float = setting("events", "distance_threshold", Rule("float", 0, 1, "()"))
    event_intercept: float = setting("events", "intercept", Rule("float"))
    event_weights: Mapping[str, float] = setting("events", "weights")
    # pairs published more than far_days apart: weights of their own (EventModel)
    event_far_days: float = setting("events", "far_days", Rule("float", 0, None))
    event_far_intercept: float = setting("events", "far_intercept", Rule("float"))
    event_far_weights: Mapping[str, float] = setting("events", "far_weights")
    event_candidate_similarity: float = setting("events", "candidate_similarity", Rule("float", 0, 1, "[)"))
    event_bare_lead_similarity: float = setting("events", "bare_lead_similarity", Rule("float", 0, 1, "(]"))
    generic_min_events: int = setting("events", "generic_min_events", Rule("int", 2, None))
    generic_distance_threshold: float = setting("events", "generic_distance_threshold", Rule("float", 0, 2, "()"))
    # the learned confidence (corroborate.scoring.confidence) and where it came from
    confidence_model: ConfidenceModel = setting()
    scoring_version: str = setting(rule=Rule("text"))
    trained_on: str = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> Config:
        return self                 # frozen and immutable: scikit-learn's clone may share it

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name in RULES:
                problem = RULES[f.name].problem(getattr(self, f.name))
                if problem:
                    raise ConfigError(f"Config.{f.name} must be {problem}; got {_given(getattr(self, f.name))}")
        for name in ("event_weights", "event_far_weights"):
            weights = getattr(self, name)
            if (not isinstance(weights, Mapping) or set(weights) != set(EVENT_FEATURES)
                    or not all(_is_number(v) and math.isfinite(v) for v in weights.values())):
                raise ConfigError(f"Config.{name} must be a table of finite numbers for exactly "
                                  f"{', '.join(EVENT_FEATURES)}; got {_given(weights)}")
            object.__setattr__(self, name, MappingProxyType(dict(sorted(weights.items()))))
        if not isinstance(self.confidence_model, ConfidenceModel):
            raise ConfigError("Config.confidence_model must be a ConfidenceModel (the \"confidence\" of a "
                              f"model file); got {_given(self.confidence_model)}")

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
        check_settings(flat, str(path))
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
        flat = _flatten(_read_toml(path), str(path))
        check_settings(flat, str(path))
        return (base or cls.default()).replace(**flat)

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
        out["event_far_weights"] = dict(self.event_far_weights)
        out["confidence_model"] = self.confidence_model.to_dict()
        return out


#: where each field lives in a TOML file: field -> (section, key), and the rule of each setting
#: (the event weights and confidence_model are checked as a whole), both read from the fields
_TOML_KEYS: dict[str, tuple[str, str]] = {f.name: f.metadata["toml"] for f in dataclasses.fields(Config)
                                          if f.metadata.get("toml")}
_FIELD_OF = {place: name for name, place in _TOML_KEYS.items()}
RULES: dict[str, Rule] = {f.name: f.metadata["rule"] for f in dataclasses.fields(Config) if f.metadata.get("rule")}

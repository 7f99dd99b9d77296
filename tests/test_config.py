from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from corroborate import Config, ConfigError
from corroborate.config import DEFAULT_SCORING_FILE, models_dir


def test_defaults_come_from_the_versioned_models_file() -> None:
    doc = tomllib.loads((models_dir() / DEFAULT_SCORING_FILE).read_text())
    cfg = Config.default()
    assert cfg.scoring_version == doc["version"] == "scoring-v2"
    assert cfg.distance_threshold == doc["cluster"]["distance_threshold"]
    assert cfg.intercept == doc["confidence"]["intercept"]
    assert dict(cfg.event_weights) == doc["events"]["weights"]
    assert cfg.event_distance_threshold == doc["events"]["distance_threshold"]


def test_event_weights_must_name_every_feature(tmp_path: Path) -> None:
    path = tmp_path / "events.toml"
    path.write_text("[events]\nweights = { body = 1.0 }\n")
    with pytest.raises(ConfigError, match="event_weights must be a table of finite numbers for exactly body"):
        Config.from_toml(path)


def test_user_toml_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text("[cluster]\ndistance_threshold = 0.3\n[embedding]\nbatch_size = 8\n")
    cfg = Config.from_toml(path)
    assert cfg.distance_threshold == 0.3 and cfg.batch_size == 8
    assert cfg.intercept == Config.default().intercept


@pytest.mark.parametrize("content,message", [
    ("[cluster]\nthreshold = 0.3\n", "unknown setting \\[cluster\\] 'threshold'"),
    ("[confidence]\ndistance_threshold = 0.3\n", "unknown setting"),
    ("[cluster\n", "invalid TOML"),
])
def test_bad_toml_is_explained(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Config.from_toml(path)


@pytest.mark.parametrize("change,message", [
    ({"distance_threshold": 0.0}, "distance_threshold must be a cosine distance in \\(0, 2\\); got 0.0"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ({"approx_rel_width": 1.5}, "approx_rel_width"),
    ({"nonsense": 1}, "unknown Config setting"),
])
def test_invalid_values_name_the_setting(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.default().replace(**change)


def test_config_is_frozen_and_replace_ignores_none() -> None:
    cfg = Config.default()
    with pytest.raises(AttributeError):
        cfg.batch_size = 3  # type: ignore[misc]
    assert cfg.replace(model=None) == cfg

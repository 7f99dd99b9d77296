from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from corroborate import Config, ConfigError
from corroborate.config import DEFAULT_MODEL_FILE, models_dir


def test_defaults_come_from_the_versioned_model_file() -> None:
    doc = json.loads((models_dir() / DEFAULT_MODEL_FILE).read_text())
    cfg = Config.default()
    assert cfg.scoring_version == doc["version"]
    assert cfg.distance_threshold == doc["settings"]["cluster"]["distance_threshold"]
    assert dict(cfg.event_weights) == doc["settings"]["events"]["weights"]
    assert cfg.event_distance_threshold == doc["settings"]["events"]["distance_threshold"]
    assert cfg.confidence_model.to_dict() == doc["confidence"]


def test_config_has_no_defaults_of_its_own() -> None:
    # one place for every value: the model file
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(Config) if f.name != "trained_on")
    with pytest.raises(TypeError):
        Config()  # type: ignore[call-arg]


def test_a_model_file_round_trips(tmp_path: Path) -> None:
    doc = json.loads((models_dir() / DEFAULT_MODEL_FILE).read_text())
    cfg = Config.default()
    assert cfg.settings_sections() == {k: v for k, v in doc["settings"].items()}
    doc["settings"]["cluster"]["distance_threshold"] = 0.21
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc))
    assert Config.from_model_file(path).distance_threshold == 0.21


@pytest.mark.parametrize("content,message", [
    ("{", "line 1: invalid JSON"),
    ('{"format": "other"}', "not a corroborate model file"),
    ('{"format": "corroborate-model/1", "version": "x", "settings": {}}', "lacks 'confidence'"),
])
def test_bad_model_file_is_explained(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Config.from_model_file(path)


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
    assert cfg.event_weights == Config.default().event_weights


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
    ({"distance_threshold": 0.0}, r"Config.distance_threshold must be a number in \(0, 2\); got 0.0 \(a number\)"),
    ({"batch_size": 0}, r"batch_size must be an integer in \[1, 65536\]; got 0"),
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

"""models/ is what the pipeline loads: check it says the truth."""

from __future__ import annotations

import hashlib
import re

import pytest

from corroborate.config import models_dir
from corroborate.embed.sbert import model_fingerprint, resolve_model_path


def _card() -> str:
    return (models_dir() / "all-MiniLM-L6-v2.md").read_text(encoding="utf-8")


def test_card_hash_matches_installed_weights() -> None:
    expected = re.search(r"weights sha256 \| `([0-9a-f]{64})`", _card())
    assert expected, "the card must state the weights' sha256"
    weights = resolve_model_path("default") / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest == expected.group(1)


def test_card_identity_matches_the_cache_key() -> None:
    identity = re.search(r"@([0-9a-f]{16})`", _card())
    assert identity and model_fingerprint(resolve_model_path("default")).startswith(identity.group(1))


@pytest.mark.parametrize("name", ["default.json", "default.md", "all-MiniLM-L6-v2.md", "README.md"])
def test_models_folder_is_complete(name: str) -> None:
    assert (models_dir() / name).is_file()

"""The contract every embedder meets (checked structurally, never by type name)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    """Turns sentences into L2-normalised float32 vectors.

    ``identity`` must change whenever ``encode`` would return different vectors
    for the same text (another model, other weights, other settings): the
    embedding cache is keyed by it.
    """

    @property
    def identity(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def check_embedder(obj: object) -> Embedder:
    if not isinstance(obj, Embedder):
        raise ConfigError(
            f"embedder must have an `identity` property and an `encode(texts)` method; "
            f"got {type(obj).__name__}"
        )
    return obj

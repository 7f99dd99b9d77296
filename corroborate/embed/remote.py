"""Embedding on the workers of an engine (:mod:`corroborate.engines`).

The model does not travel with the tasks. A task carries a **recipe**, and each worker
process builds the embedder from it once and keeps it (:func:`worker_embedder`): the model is
loaded once per worker, not once per batch.

* :class:`ModelRecipe`: the arguments of :func:`corroborate.embed.backends.make_embedder`
  (the default: the packaged model on the configured backend).
* :class:`PickledEmbedder`: an embedder passed in by the user, pickled once by the caller.

The embedding cache stays with the caller (:class:`corroborate.embed.CachedEmbedder` wraps an
:class:`EngineEmbedder`): it looks up every text, sends only the missing ones to the workers and
is the one writer of ``embeddings.sqlite3``. Workers on other machines need no access to the
cache folder, and SQLite never has two writers.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ..engines import Engine, batches_of
from .backends import make_embedder
from .base import Embedder

#: texts embedded per task
EMBED_BATCH = 256


@dataclass(frozen=True)
class ModelRecipe:
    """How a worker builds the configured model (``make_embedder``'s arguments)."""

    model: str
    backend: str
    batch_size: int = 64
    device: str = "cpu"
    threads: int = 1
    export_dir: str | None = None

    @property
    def key(self) -> str:
        return repr(self)

    def build(self) -> Embedder:
        return make_embedder(self.model, backend=self.backend, batch_size=self.batch_size, device=self.device,
                             threads=self.threads, export_dir=self.export_dir)


@dataclass(frozen=True)
class PickledEmbedder:
    """An embedder object, pickled once by the caller and unpickled once per worker."""

    payload: bytes
    key: str

    @classmethod
    def of(cls, embedder: Any) -> PickledEmbedder:
        try:
            import cloudpickle  # a dependency of dask: pickles classes defined in a script too

            payload = cloudpickle.dumps(embedder)
        except ImportError:
            payload = pickle.dumps(embedder)
        return cls(payload=payload, key="pickled:" + hashlib.sha256(payload).hexdigest())

    def build(self) -> Embedder:
        return pickle.loads(self.payload)


_BUILT: dict[str, Embedder] = {}
_BUILDS: dict[str, int] = {}
_LOCK = threading.Lock()


def worker_embedder(recipe: ModelRecipe | PickledEmbedder) -> Embedder:
    """The embedder of ``recipe`` in this process, built on first use."""
    with _LOCK:
        if recipe.key not in _BUILT:
            _BUILT[recipe.key] = recipe.build()
            _BUILDS[recipe.key] = _BUILDS.get(recipe.key, 0) + 1
        return _BUILT[recipe.key]


def builds() -> dict[str, int]:
    """How many times this process built each recipe's embedder (the tests ask every worker)."""
    with _LOCK:
        return dict(_BUILDS)


def encode_batch(texts: Sequence[str], *, recipe: ModelRecipe | PickledEmbedder) -> np.ndarray:
    """One task: the vectors of ``texts`` by this worker's embedder of ``recipe``."""
    return np.asarray(worker_embedder(recipe).encode(list(texts)), dtype=np.float32)


class EngineEmbedder:
    """An embedder whose ``encode`` runs on an engine's workers, :data:`EMBED_BATCH` texts a task.

    ``identity`` is given by the caller (from an embedder built there, which never loads its
    model to name it)."""

    def __init__(self, recipe: ModelRecipe | PickledEmbedder, identity: str, engine: Engine, *,
                 batch: int = EMBED_BATCH) -> None:
        self.recipe = recipe
        self._identity = identity
        self.engine = engine
        self.batch = batch

    @property
    def identity(self) -> str:
        return self._identity

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        parts = batches_of(list(texts), self.batch) or [[]]
        arrays = self.engine.map(partial(encode_batch, recipe=self.recipe), parts, label="embed")
        return np.concatenate(arrays, axis=0)

    def __repr__(self) -> str:
        return f"EngineEmbedder({self._identity!r}, engine={self.engine.name!r})"


__all__ = ["EMBED_BATCH", "ModelRecipe", "PickledEmbedder", "EngineEmbedder", "worker_embedder", "encode_batch",
           "builds"]

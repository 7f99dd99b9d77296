"""Which runtime embeds: ``torch`` (sentence-transformers as is) or an exported copy of the
same model (``onnx``, ``onnx-int8``, ``openvino``). Speed and quality of each are in
benchmarks/RESULTS.md ("Embedding backends"); the default is in models/default.json."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .base import Embedder
from .onnx_backend import ONNX_BACKENDS, OnnxEmbedder
from .sbert import SentenceTransformerEmbedder

BACKENDS = ("torch", *ONNX_BACKENDS)


def make_embedder(model: str, *, backend: str, batch_size: int = 64, device: str = "cpu", threads: int = 0,
                  export_dir: str | Path | None = None) -> Embedder:
    """The embedder for ``backend``; the exported backends run on the CPU only."""
    if backend == "torch":
        return SentenceTransformerEmbedder(model, batch_size=batch_size, device=device, threads=threads)
    if backend not in ONNX_BACKENDS:
        raise ConfigError(f"[embedding] backend: must be one of {', '.join(BACKENDS)}; given {backend!r}")
    if device != "cpu":
        raise ConfigError(f"[embedding] backend {backend!r} runs on the CPU; device {device!r} needs backend torch")
    return OnnxEmbedder(model, backend=backend, threads=threads, export_dir=export_dir)

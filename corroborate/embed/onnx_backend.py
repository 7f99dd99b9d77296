"""The same sentence-transformers model run by onnxruntime or OpenVINO.

The model is exported once (:mod:`corroborate.embed.export`); texts are
tokenised with the model's own ``tokenizer.json`` (the Rust ``tokenizers``
library, truncated at the model's ``max_seq_length``) and run **one text per
call**, on as many worker threads as the ``threads`` setting allows, each with
one intra-op thread.

One text per call is a choice, measured in benchmarks/RESULTS.md: with int8
dynamic quantisation the activation scale is computed over the whole input
tensor, so a sentence batched with others (and their padding) gets a different
vector (cosine down to 0.97 against itself alone); alone it gets the same
vector whatever else is in the run or in the cache. Without padding, one text
per call on two single-thread workers was also the fastest layout on 2 cores.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..ties import unit_rows
from .cache import default_cache_dir
from .export import VARIANT_FILES, export_folder, export_meta, exported_model
from .sbert import DEFAULT_MODEL_ALIASES, model_fingerprint, resolve_model_path

#: backend name -> (exported variant, runtime)
ONNX_BACKENDS = {"onnx": ("fp32", "onnxruntime"), "onnx-int8": ("int8", "onnxruntime"),
                 "openvino": ("fp32", "openvino")}


#: onnxruntime's exact u8u8 integer kernel on x86-64 CPUs without VNNI (off only to measure the other)
EXACT_INTEGER_PRODUCTS = True


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _Runner:
    """One loaded graph; ``__call__(inputs)`` is safe from several threads at once."""

    def __init__(self, path: Path, runtime: str, workers: int) -> None:
        self.runtime = runtime
        if runtime == "onnxruntime":
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise ModelError("the onnx backends need onnxruntime (pip install onnxruntime)") from exc
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            # exact integer products on x86-64 without VNNI (AVX2, AVX-512F): the default
            # u8s8 kernel there sums pairs in saturating 16-bit lanes, so an int8 model's
            # vectors would depend on the CPU. With this, every CPU gets the same integers
            # (VNNI is exact already); measured no slower here (bench_noise.py)
            if EXACT_INTEGER_PRODUCTS:
                options.add_session_config_entry("session.x64quantprecision", "1")
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self.inputs = [i.name for i in self.session.get_inputs()]
        else:
            try:
                import openvino as ov
            except ImportError as exc:
                raise ModelError("the openvino backend needs OpenVINO "
                                 "(pip install 'corroborate[openvino]')") from exc
            core = ov.Core()
            self.compiled = core.compile_model(str(path), "CPU", {
                "INFERENCE_NUM_THREADS": workers, "NUM_STREAMS": workers})
            self.inputs = [i.get_any_name() for i in self.compiled.inputs]
            self._local = threading.local()

    def __call__(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        if self.runtime == "onnxruntime":
            return np.asarray(self.session.run(None, feeds)[0])
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        return np.asarray(request.infer(feeds)[0]).copy()


_RUNNERS: dict[tuple[Path, str, int], _Runner] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(path: Path, runtime: str, workers: int) -> _Runner:
    key = (path, runtime, workers)
    with _RUNNERS_LOCK:
        if key not in _RUNNERS:
            _RUNNERS[key] = _Runner(path, runtime, workers)
        return _RUNNERS[key]


class OnnxEmbedder:
    """Embeds with an exported copy of a sentence-transformers model.

    Parameters
    ----------
    model : str
        As for :class:`SentenceTransformerEmbedder` (``"default"``, a folder, a cached name).
    backend : ``"onnx"`` (fp32, onnxruntime), ``"onnx-int8"`` (int8 weights, onnxruntime)
        or ``"openvino"`` (fp32, OpenVINO; needs the ``openvino`` extra).
    threads : worker threads; 0: every core this process may use.
    export_dir : folder that holds the exported files (the embedding cache folder's ``models/``).
    """

    def __init__(self, model: str = "default", *, backend: str = "onnx-int8", threads: int = 0,
                 export_dir: str | Path | None = None) -> None:
        self.model = model
        self.backend = backend
        self.threads = threads
        self.export_dir = export_dir

    # --------------------------------------------------------------- identity
    def _check_backend(self) -> tuple[str, str]:
        if self.backend not in ONNX_BACKENDS:
            raise ModelError(f"unknown backend {self.backend!r}; known: {', '.join(ONNX_BACKENDS)}")
        return ONNX_BACKENDS[self.backend]

    @property
    def path(self) -> Path:
        return resolve_model_path(self.model)

    @property
    def identity(self) -> str:
        variant, _ = self._check_backend()
        name = "all-MiniLM-L6-v2" if self.model in DEFAULT_MODEL_ALIASES else self.model
        # the runtime does not enter: onnxruntime and OpenVINO run the same fp32 graph to ~1e-6
        return f"sentence-transformers:{name}@{model_fingerprint(self.path)[:16]}+onnx-{variant}/1"

    @property
    def workers(self) -> int:
        return self.threads or available_cores()

    def _folder(self) -> Path:
        base = Path(self.export_dir) if self.export_dir is not None else default_cache_dir()
        name = "all-MiniLM-L6-v2" if self.model in DEFAULT_MODEL_ALIASES else Path(self.model).name
        return export_folder(base, name, model_fingerprint(self.path))

    def is_exported(self) -> bool:
        """Whether the exported file of this backend is already on disk (nothing is written)."""
        variant, _ = self._check_backend()
        return (self._folder() / VARIANT_FILES[variant]).is_file()

    def prepare(self) -> Path:
        """Export the model now if it is not on disk yet; returns the ONNX file."""
        variant, _ = self._check_backend()
        return exported_model(self.path, self._folder(), variant)

    # --------------------------------------------------------------- encoding
    def _tokenizer(self) -> Any:
        return _tokenizer(self.path, int(export_meta(self._folder()).get("max_seq_length") or _max_len(self.path)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        variant, runtime = self._check_backend()
        onnx_file = self.prepare()
        run = _runner(onnx_file, runtime, self.workers)
        if not texts:
            return np.zeros((0, _dimension(self.path)), dtype=np.float32)
        tokenizer = self._tokenizer()
        encodings = tokenizer.encode_batch(list(texts))

        def one(i: int) -> np.ndarray:
            enc = encodings[i]
            arrays = {"input_ids": enc.ids, "attention_mask": enc.attention_mask, "token_type_ids": enc.type_ids}
            return run({name: np.asarray([arrays[name]], dtype=np.int64) for name in run.inputs})[0]

        if self.workers == 1:
            rows = [one(i) for i in range(len(texts))]
        else:
            with ThreadPoolExecutor(self.workers, thread_name_prefix="corroborate-embed") as pool:
                rows = list(pool.map(one, range(len(texts)), chunksize=8))
        return unit_rows(np.stack(rows))

    def __repr__(self) -> str:
        return f"OnnxEmbedder(model={self.model!r}, backend={self.backend!r}, threads={self.threads})"


def _max_len(path: Path) -> int:
    config = path / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        if value:
            return int(value)
    return 512


def _dimension(path: Path) -> int:
    pooling = path / "1_Pooling" / "config.json"
    if pooling.is_file():
        cfg = json.loads(pooling.read_text(encoding="utf-8"))
        value = cfg.get("word_embedding_dimension") or cfg.get("embedding_dimension")
        if value:
            return int(value)
    hidden = json.loads((path / "config.json").read_text(encoding="utf-8")).get("hidden_size")
    return int(hidden)


_TOKENIZERS: dict[tuple[Path, int], Any] = {}


def _tokenizer(path: Path, max_length: int) -> Any:
    key = (path, max_length)
    if key not in _TOKENIZERS:
        file = path / "tokenizer.json"
        if not file.is_file():
            raise ModelError(f"{path}: the onnx backends need the model's tokenizer.json "
                             "(a fast tokenizer); use --backend torch for this model")
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        _TOKENIZERS[key] = tokenizer
    return _TOKENIZERS[key]

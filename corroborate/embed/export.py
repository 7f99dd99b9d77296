"""Turn a sentence-transformers model into ONNX files, once, cached on disk.

The whole sentence-transformers forward pass (transformer, pooling, normalise)
is traced into one ONNX graph with ``torch.onnx.export``; the int8 variant is
onnxruntime's dynamic quantisation of that graph (int8 weights per output
channel, reduced range: full-range int8 lost accuracy on AVX2 machines, see
benchmarks/RESULTS.md). Nothing is downloaded: the input is the local model
folder.

Files live under ``<cache folder>/models/<model name>-<fingerprint>/`` and are
keyed by the model's content fingerprint and :data:`RECIPE`; they are written
under a temporary name and renamed, so a run killed while exporting leaves no
half file. The sentence-transformers and torch imports happen only when an
export is missing.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..atomic import replace_atomically
from ..errors import ModelError

logger = logging.getLogger(__name__)

#: bump when the export or quantisation changes, so old files are never reused
RECIPE = "r1"
#: file name of each exported variant
VARIANT_FILES = {"fp32": "model.onnx", "int8": "model-int8.onnx"}


def export_folder(cache_dir: Path, name: str, fingerprint: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-60:]
    return cache_dir / "models" / f"{safe}-{fingerprint[:16]}-{RECIPE}"


def exported_model(model_path: Path, folder: Path, variant: str) -> Path:
    """The ONNX file of ``variant`` (``fp32`` or ``int8``) in ``folder``, exported now if missing."""
    if variant not in VARIANT_FILES:
        raise ModelError(f"unknown ONNX variant {variant!r}; known: {', '.join(VARIANT_FILES)}")
    target = folder / VARIANT_FILES[variant]
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    fp32 = folder / VARIANT_FILES["fp32"]
    if not fp32.is_file():
        logger.info("exporting %s to ONNX in %s (once; later runs reuse it)", model_path, folder)
        replace_atomically(fp32, lambda tmp: _export_fp32(model_path, tmp))
    if variant == "int8":
        logger.info("quantising %s to int8", fp32)
        replace_atomically(target, lambda tmp: _quantise_int8(fp32, tmp))
    return target


def _export_fp32(model_path: Path, out: Path) -> None:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:       # pragma: no cover - both are core dependencies
        raise ModelError(f"exporting to ONNX needs torch and sentence-transformers: {exc}") from exc

    try:
        model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True).eval()
    except Exception as exc:
        raise ModelError(f"cannot load sentence-transformers model from {model_path}: {exc}") from exc
    sample = model.preprocess(["An example sentence to trace the model with.", "Another one."])
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class Forward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]

    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"sentence_embedding": {0: "batch"}}
    with torch.no_grad(), _quiet_warnings():
        torch.onnx.export(Forward().eval(), tuple(sample[n] for n in names), str(out), input_names=names,
                          output_names=["sentence_embedding"], dynamic_axes=axes, opset_version=17,
                          dynamo=False)
    meta = {"recipe": RECIPE, "torch": torch.__version__, "inputs": names,
            "max_seq_length": int(model.max_seq_length or 512)}
    (out.parent / "export.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def _quantise_int8(fp32: Path, out: Path) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelError(f"int8 quantisation needs onnxruntime and onnx: {exc}") from exc
    with _quiet_warnings():
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True, extra_options={"MatMulConstBOnly": True})


@contextmanager
def _quiet_warnings() -> Iterator[None]:
    """The exporter's tracer warnings and the quantiser's advice are for model authors, not users."""
    root = logging.getLogger()
    level = root.level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.setLevel(logging.ERROR)
        try:
            yield
        finally:
            root.setLevel(level)


def export_meta(folder: Path) -> dict[str, object]:
    path = folder / "export.json"
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))

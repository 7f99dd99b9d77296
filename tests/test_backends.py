"""The exported backends (onnx, onnx-int8, openvino) against the real model run by torch.

The export runs once per test session, into the session's cache folder. OpenVINO runs in a
child process with a time limit: CI once stopped at its first test here, in the process where
torch and onnxruntime had already started their thread pools, and sat there until CI's limit
(stop 31's run; 25 runs of this file since did not hang). A hang must fail in minutes with a
message, not stall the whole suite."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corroborate import Config, ConfigError, Corroborator, ModelError
from corroborate.embed import BACKENDS, CachedEmbedder, OnnxEmbedder, make_embedder
from corroborate.embed import export as export_module

SENTENCES = [
    "North Korea has deployed approximately 10,000 troops to Russia, officials said.",
    "Some 12,000 North Korean soldiers are now in Russia's Kursk region, according to Seoul.",
    "A 4-year-old boy shot himself in the leg in the parking lot of a grocery store on Friday.",
    "Police said the driver was taken to hospital with minor injuries.",
    "The ministry denied that any troops had been sent abroad.",
    "Two people were killed and three others injured in the crash on Interstate 94.",
]
EXPORTED = [b for b in BACKENDS if b != "torch"]
HAS_OPENVINO = importlib.util.find_spec("openvino") is not None


#: seconds one OpenVINO child may take (about 5 s here, the model load included)
OPENVINO_LIMIT = 180
OPENVINO_CHILD = """
import json, sys
import numpy as np
from corroborate.embed import OnnxEmbedder
sentences = json.loads(sys.argv[1])
embedder = OnnxEmbedder("default", backend="openvino")
together = embedder.encode(sentences)
alone = np.stack([embedder.encode([s])[0] for s in sentences])
reversed_order = embedder.encode(sentences[::-1])[::-1]
np.savez(sys.argv[2], together=together, alone=alone, reversed_order=reversed_order)
"""


def _encodings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    """The sentences encoded together, one at a time and in reverse order."""
    if backend != "openvino":
        embedder = OnnxEmbedder("default", backend=backend)
        return {"together": embedder.encode(SENTENCES),
                "alone": np.stack([embedder.encode([s])[0] for s in SENTENCES]),
                "reversed_order": embedder.encode(SENTENCES[::-1])[::-1]}
    if not HAS_OPENVINO:
        pytest.skip("openvino is not installed (pip install 'corroborate[openvino]')")
    OnnxEmbedder("default", backend="onnx").prepare()       # the fp32 graph OpenVINO reads
    out = tmp_path_factory.mktemp("openvino") / "vectors.npz"
    command = [sys.executable, "-c", OPENVINO_CHILD, json.dumps(SENTENCES), str(out)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=OPENVINO_LIMIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the openvino backend did not encode {len(SENTENCES)} sentences within "
                    f"{OPENVINO_LIMIT} s (a hang in OpenVINO's CPU plugin)")
    assert done.returncode == 0, done.stderr[-2000:]
    with np.load(out) as saved:
        return {name: saved[name] for name in saved.files}


@pytest.fixture(scope="module")
def encodings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Each exported backend's vectors, made once per module (OpenVINO's in a child process)."""
    made: dict[str, dict[str, np.ndarray]] = {}

    def get(backend: str) -> dict[str, np.ndarray]:
        if backend not in made:
            made[backend] = _encodings(backend, tmp_path_factory)
        return made[backend]
    return get


def _embedder(backend: str, threads: int = 0) -> OnnxEmbedder:
    return OnnxEmbedder("default", backend=backend, threads=threads)


@pytest.fixture(scope="module")
def torch_vectors(real_embedder) -> np.ndarray:  # type: ignore[no-untyped-def]
    return real_embedder.encode(SENTENCES)


@pytest.mark.parametrize("backend", EXPORTED)
def test_each_backend_agrees_with_torch_fp32(backend: str, torch_vectors: np.ndarray,
                                             encodings) -> None:  # type: ignore[no-untyped-def]
    vectors = encodings(backend)["together"]
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosine = np.einsum("ij,ij->i", vectors, torch_vectors)
    if backend == "onnx-int8":
        # int8 weights: close, not equal (benchmarks/RESULTS.md: mean 0.99 on 5,000 news sentences)
        assert cosine.mean() >= 0.99 and cosine.min() >= 0.97, cosine
    else:
        assert cosine.min() >= 0.9999, cosine


@pytest.mark.parametrize("backend", EXPORTED)
def test_a_text_gets_the_same_vector_alone_or_among_others(
        backend: str, encodings) -> None:  # type: ignore[no-untyped-def]
    made = encodings(backend)
    np.testing.assert_array_equal(made["together"], made["alone"])
    np.testing.assert_array_equal(made["together"], made["reversed_order"])


def test_worker_count_does_not_change_vectors() -> None:
    one = _embedder("onnx-int8", threads=1).encode(SENTENCES)
    two = _embedder("onnx-int8", threads=2).encode(SENTENCES)
    np.testing.assert_array_equal(one, two)


def test_deduplication_returns_the_vectors_of_every_copy() -> None:
    inner = _embedder("onnx-int8")
    texts = [SENTENCES[0], SENTENCES[1], SENTENCES[0], SENTENCES[2], SENTENCES[1], SENTENCES[0]]
    cached = CachedEmbedder(inner, cache=None)
    deduplicated = cached.encode(texts)
    assert cached.last_stats["encoded"] == 3
    np.testing.assert_array_equal(deduplicated, inner.encode(texts))


def test_identity_names_the_variant_and_keeps_torch_unchanged() -> None:
    torch_id = make_embedder("default", backend="torch").identity
    ids = {b: make_embedder("default", backend=b).identity for b in EXPORTED}
    assert "+onnx" not in torch_id
    assert ids["onnx-int8"].endswith("+onnx-int8/1") and ids["onnx"].endswith("+onnx-fp32/1")
    assert ids["onnx"] == ids["openvino"]            # one fp32 graph, one set of cached vectors
    assert len({torch_id, ids["onnx"], ids["onnx-int8"]}) == 3


def test_export_is_made_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = OnnxEmbedder("default", backend="onnx-int8", export_dir=tmp_path)
    target = embedder.prepare()
    assert target.name == "model-int8.onnx" and (target.parent / "model.onnx").is_file()
    assert json.loads((target.parent / "export.json").read_text())["max_seq_length"] == 256
    assert target.parent.parent == tmp_path / "models"
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []

    def fail(*args: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(export_module, "_export_fp32", fail)
    monkeypatch.setattr(export_module, "_quantise_int8", fail)
    assert OnnxEmbedder("default", backend="onnx-int8", export_dir=tmp_path).prepare() == target


def test_a_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half(model_path: Path, out: Path) -> None:
        out.write_bytes(b"half an onnx file")
        raise KeyboardInterrupt

    monkeypatch.setattr(export_module, "_export_fp32", half)
    with pytest.raises(KeyboardInterrupt):
        OnnxEmbedder("default", backend="onnx", export_dir=tmp_path).prepare()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_unknown_backend_and_device_are_named() -> None:
    with pytest.raises(ConfigError, match="backend must be one of 'torch', 'onnx', 'onnx-int8', 'openvino'"):
        Config.default().replace(backend="tensorrt")
    with pytest.raises(ConfigError, match="needs backend torch"):
        make_embedder("default", backend="onnx", device="cuda")
    with pytest.raises(ModelError, match="unknown backend"):
        OnnxEmbedder("default", backend="tensorrt").encode(["x"])


def test_pipeline_runs_on_the_configured_backend(example_dir: Path) -> None:
    cfg = Config.default().replace(backend="onnx-int8", cache=False)
    est = Corroborator(config=cfg).fit(example_dir)
    assert est.embedder_identity_.endswith("+onnx-int8/1")
    assert est.embedding_stats_["encoded"] == est.embedding_stats_["distinct"] > len(est.claims_) // 2
    vectors = OnnxEmbedder("default", backend="onnx-int8").encode(est.claims_["text"].tolist())
    np.testing.assert_array_equal(est.embeddings_, vectors)


def test_a_run_on_an_exported_backend_never_imports_torch(example_dir: Path, tmp_path: Path) -> None:
    """~220 MB and seconds saved: neither the backend nor spaCy's thinc may pull torch in."""
    OnnxEmbedder("default", backend="onnx-int8").prepare()       # exported already (a session-wide folder)
    code = ("import sys; from corroborate.cli import main; "
            f"rc = main(['score', {str(example_dir)!r}, '-o', {str(tmp_path / 'out')!r}, '-q', '--no-cache', "
            "'--backend', 'onnx-int8']); print('TORCH', rc, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("TORCH ")[1].split() == ["0", "False"], done.stderr[-800:]
    assert done.stderr == ""                                            # -q: no bar, no message
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["settings"]["backend"] == "onnx-int8" and run["model"].endswith("+onnx-int8/1")

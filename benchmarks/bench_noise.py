"""How much the vectors of one model differ between kernels, instruction sets and thread counts.

    python benchmarks/bench_noise.py [--sentences 500] [--write]

Every decision of a run that compares floats must be robust to this noise
(corroborate/ties.py); tests/test_determinism.py perturbs the example's vectors by
more than the largest difference measured here. Each variant runs in a fresh
process, so an environment variable that picks a kernel (``OPENBLAS_CORETYPE``
for numpy's BLAS) takes effect:

* int8 onnxruntime with and without ``session.x64quantprecision`` (exact integer
  products on x86-64 CPUs without VNNI): equal bits expected when the weights
  use the reduced range, as ours do;
* the same fp32 graph on onnxruntime (MLAS) and OpenVINO (oneDNN): other
  kernels, other summation orders, one model (OpenVINO limited to SSE4.1 by
  ``ONEDNN_MAX_CPU_ISA`` returned no output here, so it is not a variant);
* torch fp32 at 1 and 2 threads;
* the cosine matrix of one set of vectors under two OpenBLAS kernels.

Reported per comparison: the largest difference of a component, of a cosine
between two sentences, and of a vector's norm from 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, news_sentences  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402

#: name -> (how to embed, extra environment)
VARIANTS: dict[str, tuple[str, dict[str, str]]] = {
    "int8": ("ort:int8:precise", {}),
    "int8-default-kernel": ("ort:int8:default", {}),
    "int8-2-threads": ("ort:int8:precise:2", {}),
    "ort-fp32": ("ort:fp32:precise", {}),
    "openvino-fp32": ("openvino", {}),
    "torch-fp32-1-thread": ("torch:1", {}),
    "torch-fp32-2-threads": ("torch:2", {}),
}
#: (label, left, right): what each row of the table compares
COMPARISONS = [
    ("int8: exact-integer option on / off (same CPU)", "int8", "int8-default-kernel"),
    ("int8: 1 / 2 worker threads", "int8", "int8-2-threads"),
    ("fp32 graph: onnxruntime / OpenVINO", "ort-fp32", "openvino-fp32"),
    ("fp32: torch / onnxruntime", "torch-fp32-1-thread", "ort-fp32"),
    ("fp32: torch 1 / 2 threads", "torch-fp32-1-thread", "torch-fp32-2-threads"),
]


def _embed(how: str, texts: list[str]) -> np.ndarray:
    from corroborate.embed.onnx_backend import OnnxEmbedder
    from corroborate.embed.sbert import SentenceTransformerEmbedder

    kind, *rest = how.split(":")
    if kind == "torch":
        return SentenceTransformerEmbedder("default", threads=int(rest[0])).encode(texts)
    if kind == "openvino":
        return OnnxEmbedder(backend="openvino", threads=1).encode(texts)
    variant, kernel = rest[0], rest[1]
    threads = int(rest[2]) if len(rest) > 2 else 1
    backend = "onnx-int8" if variant == "int8" else "onnx"
    if kernel == "default":                         # the runtime's own choice, without our option
        import corroborate.embed.onnx_backend as onnx_backend

        onnx_backend.EXACT_INTEGER_PRODUCTS = False
    return OnnxEmbedder(backend=backend, threads=threads).encode(texts)


def _child(how: str, texts_file: Path, out: Path) -> None:
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    np.save(out, np.asarray(_embed(how, texts), dtype=np.float32))


def _cosines(vectors: np.ndarray, coretype: str | None, folder: Path) -> np.ndarray:
    """Upper triangle of ``vectors @ vectors.T`` computed in a fresh process under an OpenBLAS kernel."""
    src, out = folder / "blas-in.npy", folder / f"blas-{coretype or 'default'}.npy"
    np.save(src, vectors)
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    code = ("import numpy as np,sys; v=np.load(sys.argv[1]); s=v@v.T; "
            "np.save(sys.argv[2], s[np.triu_indices(len(v),1)])")
    subprocess.run([sys.executable, "-c", code, str(src), str(out)], env=env, check=True)
    return np.load(out)


def _differences(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    upper = np.triu_indices(len(a), 1)
    return {"component": float(np.abs(a64 - b64).max()),
            "cosine": float(np.abs((a64 @ a64.T)[upper] - (b64 @ b64.T)[upper]).max()),
            "norm": float(max(np.abs(np.linalg.norm(a64, axis=1) - 1).max(),
                              np.abs(np.linalg.norm(b64, axis=1) - 1).max())),
            "equal_bits": float(np.array_equal(a, b))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sentences", type=int, default=500)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--child", nargs=3, metavar=("HOW", "TEXTS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    texts = news_sentences(args.data)[:args.sentences]
    vectors: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts_file = folder / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for name, (how, extra) in VARIANTS.items():
            out = folder / f"{name}.npy"
            env = {**os.environ, **extra}
            subprocess.run([sys.executable, __file__, "--child", how, str(texts_file), str(out)],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            vectors[name] = np.load(out)
            print(f"embedded {len(texts)} sentences: {name}", file=sys.stderr, flush=True)
        blas = {core: _cosines(vectors["int8"].astype(np.float64), core, folder)
                for core in (None, "Prescott", "Sandybridge")}
    rows = [(label, _differences(vectors[left], vectors[right])) for label, left, right in COMPARISONS]
    header = ("| compared | equal bits | max component difference | max cosine difference | max norm - 1 |\n"
              "|---|---|---|---|---|")
    lines = [header] + [f"| {label} | {'yes' if d['equal_bits'] else 'no'} | {d['component']:.2e} | "
                        f"{d['cosine']:.2e} | {d['norm']:.2e} |" for label, d in rows]
    for core in ("Prescott", "Sandybridge"):
        delta = float(np.abs(blas[None] - blas[core]).max())
        lines.append(f"| cosine matrix (float64 BLAS): OpenBLAS default kernel / {core} | "
                     f"{'yes' if delta == 0 else 'no'} | | {delta:.2e} | |")
    largest = max(max(d["component"], d["cosine"]) for _, d in rows)
    table = "\n".join(lines)
    print(table)
    print(f"\nlargest difference between kernels of one model: {largest:.2e}")
    if args.write:
        update_section("noise", "\n".join([
            "## Noise between kernels (`benchmarks/bench_noise.py`)", "",
            f"`python benchmarks/bench_noise.py --sentences {args.sentences} --write` at {commit()}, "
            f"{machine()}. {len(texts)} distinct MSRP/STS news sentences; each variant in a fresh process. "
            "Every float decision of a run is made robust to this noise (corroborate/ties.py: near ties "
            "within 1e-4 go to the first claim); tests/test_determinism.py perturbs every vector of the "
            "example by Gaussian noise of 1e-5 per component (ten times the largest difference below) "
            "and checks that claims, clusters, events, sources and report.md do not change.", "",
            table, "", f"Largest difference between two kernels of one model: **{largest:.1e}**."]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

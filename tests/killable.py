"""A ``corroborate score`` run that can be stopped at a chosen stage (for tests/test_runs.py).

    python -m tests.killable INPUT OUTDIR CACHE_DIR STAGE

STAGE is ``embed``, ``cluster``, ``write`` or ``none``. The run uses the fake
embedder (commits to the cache every 50 texts); when it reaches STAGE it prints
``REACHED <stage>`` and waits, so the test can SIGKILL it there. At a normal end
it prints ``ENCODED <n>``: how many texts the embedder was asked to encode.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import corroborate.embed.cache as cache_module
import corroborate.pipeline as pipeline
import corroborate.report.files as files
import corroborate.stages as stages
from corroborate.cli import main

from .conftest import FakeEmbedder


def _wait(stage: str) -> None:
    print(f"REACHED {stage}", flush=True)
    time.sleep(120)


class Counting(FakeEmbedder):
    def __init__(self, stop: bool) -> None:
        super().__init__()
        self.stop = stop
        self.batches = 0

    def encode(self, texts: Any) -> Any:
        out = super().encode(texts)
        self.batches += 1
        if self.stop and self.batches == 4:          # leads, then three slices of claims committed
            _wait("embed")
        return out


def run(argv: list[str]) -> int:
    source, outdir, cache, stage = argv
    cache_module.COMMIT_EVERY = 50
    embedder = Counting(stop=stage == "embed")
    pipeline.make_embedder = lambda *a, **k: embedder  # type: ignore[assignment]
    if stage == "cluster":
        real = stages.cluster_within_events

        def cluster(*a: Any, **k: Any) -> Any:
            _wait("cluster")
            return real(*a, **k)

        stages.cluster_within_events = cluster  # type: ignore[assignment]
    if stage == "write":
        real_text = files.write_text

        def write_text(path: Any, text: str) -> None:
            real_text(path, text)
            _wait("write")

        files.write_text = write_text  # type: ignore[assignment]
    code = main(["score", source, "-o", outdir, "--cache-dir", cache, "-q"])
    print(f"ENCODED {embedder.calls}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

"""The Dask engine gives the files of the local engine, byte for byte (issue 22).

Every test here runs a real ``dask.distributed`` cluster of two worker processes on this
machine: the work of each article and claim (sentence splitting, the spaCy reading,
embedding) is shipped to them as tasks and the results come back to this process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corroborate import Config, ConfigError, Corroborator, write_outputs
from corroborate.cli import EXIT_INPUT, EXIT_OK, main
from corroborate.embed.remote import builds
from corroborate.engines import DaskEngine, LocalEngine, make_engine

from .conftest import EXAMPLE, FakeEmbedder

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.gen_events import generate_world  # noqa: E402

#: the files whose bytes the issue compares, and the others that hold no timings
COMPARED = ("claims.jsonl", "clusters.jsonl", "events.jsonl", "articles.jsonl", "sources.csv", "report.md")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """One LocalCluster of two single-threaded worker processes for the module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local


@pytest.fixture
def dask_engine(cluster: object) -> Iterator[DaskEngine]:
    with DaskEngine(scheduler=cluster.scheduler_address) as engine:  # type: ignore[attr-defined]
        yield engine


def _files(est: Corroborator, out: Path) -> dict[str, bytes]:
    paths = write_outputs(est.report(), out)
    return {name: paths[name].read_bytes() for name in COMPARED}


def _fit(corpus: object, engine: object, embedder: object, cache_dir: Path | None = None) -> Corroborator:
    config = Config.default().replace(cache=cache_dir is not None,
                                      cache_dir=str(cache_dir) if cache_dir is not None else None)
    return Corroborator(config=config, embedder=embedder, engine=engine).fit(corpus)


def _world() -> pd.DataFrame:
    articles, _, _ = generate_world(n_events=24, seed=3)
    return articles


class KillOnce(FakeEmbedder):
    """The fake embedder, but the first worker to encode with it dies (``os._exit``) mid-task."""

    def __init__(self, marker: Path) -> None:
        super().__init__()
        self.marker = marker

    def encode(self, texts):  # type: ignore[no-untyped-def]
        try:
            distributed.get_worker()
        except ValueError:                   # not on a worker: the local run
            return super().encode(texts)
        if texts and not self.marker.exists():
            self.marker.write_text(str(os.getpid()))
            os._exit(17)
        return super().encode(texts)


class Refuses(FakeEmbedder):
    def encode(self, texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("the embedder refused")


@pytest.mark.model
def test_the_example_with_the_real_model_gives_the_same_files(dask_engine: DaskEngine, tmp_path: Path) -> None:
    # the configured model (onnx-int8), built on each worker from its recipe; no cache, so both runs
    # split, read and embed everything themselves
    local = _files(_fit(EXAMPLE, "local", None), tmp_path / "local")
    remote = _files(_fit(EXAMPLE, dask_engine, None), tmp_path / "dask")
    assert remote == local
    assert b"10,000" in remote["clusters.jsonl"]
    # the model was loaded on the workers, once per worker, and the work spread over both
    per_worker = dask_engine.client.run(builds)
    loads = [n for counts in per_worker.values() for key, n in counts.items() if "onnx-int8" in key]
    assert loads and all(n == 1 for n in loads), per_worker


def test_a_generated_corpus_gives_the_same_files_and_the_work_runs_on_the_workers(
        dask_engine: DaskEngine, tmp_path: Path) -> None:
    world = _world()
    here, there = FakeEmbedder(), FakeEmbedder()
    local = _files(_fit(world, LocalEngine(), here), tmp_path / "local")
    remote = _files(_fit(world, dask_engine, there), tmp_path / "dask")
    assert remote == local
    assert len(local["claims.jsonl"].splitlines()) > 200
    assert here.calls > 0 and there.calls == 0       # the copies on the workers did the encoding
    per_worker = dask_engine.client.run(builds)
    assert all(n == 1 for counts in per_worker.values() for n in counts.values())


def test_a_worker_killed_mid_run_is_replaced_and_the_files_do_not_change(
        dask_engine: DaskEngine, tmp_path: Path) -> None:
    world = _world()
    marker = tmp_path / "killed"
    local = _files(_fit(world, LocalEngine(), FakeEmbedder()), tmp_path / "local")
    remote = _files(_fit(world, dask_engine, KillOnce(marker)), tmp_path / "dask")
    assert marker.exists(), "no worker was killed"
    assert remote == local


def test_the_caches_are_written_by_the_caller_and_read_again(dask_engine: DaskEngine, tmp_path: Path) -> None:
    world = _world()
    cache = tmp_path / "cache"
    first = _fit(world, dask_engine, FakeEmbedder(), cache)
    again = _fit(world, dask_engine, FakeEmbedder(), cache)
    assert first.embedding_stats_["encoded"] > 0 and first.parse_stats_["read"] > 0
    assert again.embedding_stats_["encoded"] == 0
    assert again.parse_stats_["read"] == 0 and again.parse_stats_["articles_split"] == 0
    np.testing.assert_array_equal(first.labels_, again.labels_)


def test_an_error_on_a_worker_reaches_the_caller(dask_engine: DaskEngine) -> None:
    with pytest.raises(RuntimeError, match="the embedder refused"):
        _fit(_world(), dask_engine, Refuses())


@pytest.mark.model
def test_the_cli_starts_a_local_cluster_and_writes_the_same_files(tmp_path: Path) -> None:
    for engine in ("local", "dask"):
        args = ["score", str(EXAMPLE), "-o", str(tmp_path / engine), "-q", "--no-cache", "--engine", engine]
        assert main([*args, "--workers", "2"] if engine == "dask" else args) == EXIT_OK
    for name in COMPARED:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)     # import distributed now fails
    with pytest.raises(ConfigError, match=r"corroborate\[dask\]"):
        DaskEngine().start()
    assert main(["score", str(EXAMPLE), "-o", str(tmp_path / "out"), "-q", "--engine", "dask"]) == EXIT_INPUT
    assert "corroborate[dask]" in capsys.readouterr().err
    assert not (tmp_path / "out" / "claims.jsonl").exists()


def test_engine_arguments_are_checked() -> None:
    with pytest.raises(ConfigError, match="needs the dask engine"):
        make_engine("local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ConfigError, match="engine must be one of"):
        make_engine("spark")
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        DaskEngine(workers=0)
    with pytest.raises(ConfigError, match="map"):
        Corroborator(engine=object()).fit(EXAMPLE)


def test_an_estimator_with_an_engine_clones_and_shares_it(dask_engine: DaskEngine) -> None:
    from sklearn.base import clone

    est = Corroborator(engine=dask_engine, embedder=FakeEmbedder())
    copy = clone(est)
    assert copy.engine is dask_engine
    assert copy.get_params()["engine"] is dask_engine
    fitted = copy.fit(EXAMPLE)
    assert dask_engine.client.status == "running"         # a fit leaves an engine it was given running
    assert len(fitted.claims_) > 20

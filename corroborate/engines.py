"""Where the work of each article and claim runs: in this process, or on a Dask cluster.

An engine has one job: ``map(function, batches)``, the results in the order of the batches.
The stages that read one article or one claim at a time (sentence splitting, the spaCy
reading with its quantities, embedding) hand it their work in batches; everything that
compares articles or claims with each other (copies, events, clusters, scores) runs in the
calling process on the gathered results. So an engine changes where the work runs, never
what it computes: the files of a run are the same on every engine
(``tests/test_engines.py``).

* :class:`LocalEngine`: a plain loop in this process (the default).
* :class:`DaskEngine`: the batches are tasks of a ``dask.distributed`` cluster, at
  ``scheduler`` or on a ``LocalCluster`` it starts (one single-threaded worker process per
  core). A worker that dies mid-task is replaced and its task run again by Dask's scheduler;
  the function of a task is pure, so a task run twice gives the same result. Needs the
  ``dask`` extra (``pip install 'corroborate[dask]'``), imported only when this engine starts.

The functions mapped must be importable on the workers (module-level functions of
``corroborate``, and the same version of ``corroborate`` installed there).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from .errors import ConfigError
from .progress import Progress

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "dask")
#: how to install the Dask engine, named in the error when it is missing
DASK_EXTRA = "pip install 'corroborate[dask]'"


@runtime_checkable
class Engine(Protocol):
    """Anything that maps a function over batches and returns the results in order."""

    name: str

    def map(self, function: Callable[[Any], Any], batches: Sequence[Any], *, label: str = "work",
            progress: Progress | None = None, sizes: Sequence[int] | None = None) -> list[Any]: ...


class LocalEngine:
    """Each batch in turn, in this process."""

    name = "local"
    workers = 1

    def map(self, function: Callable[[T], R], batches: Sequence[T], *, label: str = "work",
            progress: Progress | None = None, sizes: Sequence[int] | None = None) -> list[R]:
        out = []
        for i, batch in enumerate(batches):
            out.append(function(batch))
            if progress is not None:
                progress.update(sizes[i] if sizes is not None else 1)
        return out

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"engine": "local"}


class DaskEngine:
    """The batches as tasks of a ``dask.distributed`` cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). Without it, :meth:`start` starts
        a ``LocalCluster`` of ``workers`` processes of one thread each, and closes it at the end.
    workers : int, optional
        Workers of the local cluster; default: the cores this process may use.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ConfigError(f"dask engine: workers must be at least 1; got {workers}")
        self.scheduler = scheduler
        self.n_workers = workers
        self._client: Any = None
        self._cluster: Any = None

    # --------------------------------------------------------------- life
    def start(self) -> DaskEngine:
        if self._client is not None:
            return self
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ConfigError(f"the dask engine needs the 'dask' extra: {DASK_EXTRA} ({exc})") from exc
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="30s")
            except OSError as exc:
                raise ConfigError(f"dask engine: no scheduler answers at {self.scheduler!r} ({exc})") from exc
        else:
            self._cluster = LocalCluster(n_workers=self.n_workers or _cores(), threads_per_worker=1,
                                         processes=True, dashboard_address=":0")
            self._client = Client(self._cluster)
        return self

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> DaskEngine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __deepcopy__(self, memo: dict[int, Any]) -> DaskEngine:
        # a handle on a cluster, shared by the copies of an estimator (sklearn's clone deep-copies)
        return self

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (starting the engine if needed)."""
        return self.start()._client

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def describe(self) -> dict[str, Any]:
        info = self.client.scheduler_info()
        return {"engine": "dask", "scheduler": info.get("address"), "workers": len(info.get("workers", {}))}

    # --------------------------------------------------------------- work
    def map(self, function: Callable[[T], R], batches: Sequence[T], *, label: str = "work",
            progress: Progress | None = None, sizes: Sequence[int] | None = None) -> list[R]:
        if not batches:
            return []
        from distributed import as_completed

        client = self.client
        # Dask's own keys: named keys made the scheduler hand the tasks out much more slowly. The
        # batches travel inside the graph (Dask warns above 10 MiB): so a task whose worker dies can
        # run again elsewhere, which data scattered to that worker would not allow
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
            futures = client.map(function, list(batches), pure=False)
        try:
            if progress is not None:
                index = {future.key: i for i, future in enumerate(futures)}
                for future in as_completed(futures):
                    progress.update(sizes[index[future.key]] if sizes is not None else 1)
            return client.gather(futures)      # raises a task's own exception, with its traceback
        finally:
            for future in futures:
                future.release()


def make_engine(engine: str | Engine | None, *, scheduler: str | None = None,
                workers: int | None = None) -> Any:
    """The engine named ``engine`` (``"local"``, ``"dask"``), or ``engine`` itself when it is one."""
    if engine is None or engine == "local":
        if scheduler:
            raise ConfigError("a scheduler address needs the dask engine (--engine dask)")
        return LocalEngine()
    if engine == "dask":
        return DaskEngine(scheduler=scheduler, workers=workers)
    if isinstance(engine, str):
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    if not callable(getattr(engine, "map", None)):
        raise ConfigError(f"engine must have a map(function, batches) method; got {type(engine).__name__}")
    return engine


def is_local(engine: Engine | None) -> bool:
    """Whether ``engine`` runs its work in this process (``None`` is the local engine)."""
    return engine is None or engine.name == "local"


def batches_of(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` cut into consecutive slices of at most ``size``."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # not on Linux
        return os.cpu_count() or 1


__all__ = ["ENGINES", "Engine", "LocalEngine", "DaskEngine", "make_engine", "is_local", "batches_of"]

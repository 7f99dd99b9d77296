"""Run one stage on a background thread while the caller runs another."""

from __future__ import annotations

import threading
from typing import Any


class Background:
    """``fn(arg)`` on a daemon thread when ``start`` (else on the caller's, at :meth:`result`).

    A daemon, so an interrupted run exits without waiting for it; its errors surface at
    :meth:`result`."""

    def __init__(self, fn: Any, arg: Any, *, start: bool) -> None:
        self._fn, self._arg = fn, arg
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if start:
            self._thread = threading.Thread(target=self._run, name="corroborate-background", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._fn(self._arg)
        except BaseException as exc:          # handed to the caller by result()
            self._error = exc

    def result(self) -> Any:
        if self._thread is None:
            return self._fn(self._arg)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value

"""Progress bars for the long stages (embedding, parsing, event grouping).

One switch: the estimator's ``show_progress`` (the CLI turns it on unless ``-q``,
which also silences the model's own loading bar). Bars are tqdm's, on stderr.
"""

from __future__ import annotations

from typing import Any


class Progress:
    """A bar of ``total`` steps named ``desc``, or nothing at all when ``enabled`` is false."""

    def __init__(self, total: int, desc: str, *, enabled: bool, unit: str = "text", minimum: int = 1) -> None:
        self._bar: Any = None
        if enabled and total >= minimum:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, leave=True, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

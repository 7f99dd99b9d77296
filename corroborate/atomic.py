"""Write files atomically: a reader sees the previous file or the new one, never half a file.

Every file corroborate writes goes through :func:`replace_atomically`: the new
content is written to a temporary file in the target's folder, given the mode a
new file gets under the user's umask, and renamed over the target in one step
(``os.replace``). A write that fails (a full disk, a file-size limit, a kill)
removes the temporary file and leaves what was there before untouched; the
error (an ``OSError`` the CLI names, see :func:`corroborate.errors.no_room`)
goes on to the caller. :func:`write_text`, :func:`write_jsonl` and
:func:`write_csv` are built on it; :func:`to_jsonable` turns the values of a
record (numpy numbers, timestamps, NaN) into plain JSON.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def current_umask() -> int:
    """The process's umask (reading it means setting it: it is put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets under the user's umask (mkstemp would make it 0600)."""
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    """The mode a new folder gets under the user's umask (mkdtemp would make it 0700)."""
    return 0o777 & ~current_umask()


def replace_atomically(target: str | Path, write: Callable[[Path], None]) -> None:
    """Make ``target`` hold what ``write(tmp)`` writes to ``tmp``, in one step.

    ``tmp`` is a new empty file beside ``target`` (same folder, so the rename never
    crosses file systems); the target's folder is made if missing. On any failure,
    ``write``'s included, ``tmp`` is removed and the exception raised again.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str | Iterable[str]) -> None:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends, atomically. ``text`` may be
    an iterable of pieces (a template's :meth:`~jinja2.Template.generate`), written as they come,
    so that a large report is never held whole as one string."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                for piece in text:
                    fh.write(piece)

    replace_atomically(path, write)


def write_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]], *, plain: bool = False) -> None:
    """Write one JSON object per line, atomically, in the order given (``plain``: the records are
    already :func:`to_jsonable` values, so they are not converted again)."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for r in records:                   # a line at a time: no copy of the whole file in memory
                fh.write(json.dumps(r if plain else to_jsonable(dict(r)), ensure_ascii=False))
                fh.write("\n")

    replace_atomically(path, write)


def write_csv(path: str | Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as CSV atomically, floats rounded to 6 decimals for stable bytes."""
    write_text(path, frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))


def to_jsonable(value: Any) -> Any:
    """Plain JSON types (what ``json.loads`` would give back); unbounded or missing numbers become
    ``null``; a value JSON cannot hold is a ``TypeError``, as ``json.dumps`` would raise."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    # the exact types first: a large report holds millions of floats, dicts and lists
    if kind is float:
        return round(value, 6) if math.isfinite(value) else None
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if (math.isnan(f) or math.isinf(f)) else round(f, 6)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return None if value is pd.NaT else value.isoformat()
    if value is pd.NaT:
        return None
    if isinstance(value, str):                      # numpy's str_, a str enum
        return str(value)
    if isinstance(value, int):                      # an int enum
        return int(value)
    raise TypeError(f"not a JSON value: {type(value).__name__} {value!r:.80}")

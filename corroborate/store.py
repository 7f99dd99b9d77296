"""One SQLite file of a cache: opened once, checked, set aside when unreadable, never trusted blind.

Both caches of a run live in the cache folder (:func:`default_cache_dir`): the sentence vectors
(:class:`corroborate.embed.cache.EmbeddingCache`) and the parses
(:class:`corroborate.text.parse_cache.ParseCache`). Each is a :class:`SqliteStore`:

* WAL journal, so several processes may read and write at once;
* a file SQLite cannot read (truncated, overwritten) is moved aside (kept for inspection) and
  rebuilt, with a warning: when it is opened (its header and schema; a small file is checked
  whole with ``PRAGMA quick_check``), or when a query first meets a malformed page. A large
  cache is not checked whole at each open: ``quick_check`` reads every page, about a second
  per 2 GB, which made a run's first lookup in a cache of a million vectors 8x slower;
* a query that meets a malformed page sets the file aside and is asked again of the new, empty
  file, so a read finds nothing (the rows are computed again) and a write is kept;
* a full disk, a quota or a file-size limit is a :class:`corroborate.errors.StorageError` that
  says what to do, and the rows stored before are kept.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .errors import StorageError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: keys asked in one ``IN (...)`` query
IN_CHUNK = 500
#: a file up to this size is checked whole (``PRAGMA quick_check``) when opened
QUICK_CHECK_BYTES = 32 * 2**20

#: what SQLite says when the disk, a quota or a file-size limit refuses a write
_NO_ROOM_MESSAGES = ("disk i/o error", "database or disk is full", "file too large")


def default_cache_dir() -> Path:
    """``$CORROBORATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/corroborate``, else ``~/.cache/corroborate``."""
    if os.environ.get("CORROBORATE_CACHE_DIR"):
        return Path(os.environ["CORROBORATE_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "corroborate"


def no_room(exc: sqlite3.Error) -> bool:
    """Did SQLite refuse a write for want of room (not because the file is corrupt)?"""
    return isinstance(exc, sqlite3.OperationalError) and any(m in str(exc).lower() for m in _NO_ROOM_MESSAGES)


class SqliteStore:
    """The SQLite file ``path`` with the tables of ``schema``; ``what`` names it in messages."""

    def __init__(self, path: Path, schema: str, what: str) -> None:
        self.path = Path(path)
        self.directory = self.path.parent
        self.schema = schema
        self.what = what
        self._conn: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                if no_room(exc):                # a full disk is not a corrupt file: keep it
                    raise self.storage_error(exc) from None
                self._set_aside(exc)
                self._conn = self._open()
        return self._conn

    def guarded(self, work: Callable[[sqlite3.Connection], T], *, again: bool = True) -> T:
        """``work(connection)``, a refusal for want of room turned into a :class:`StorageError`;
        a malformed file met on the way is set aside and ``work`` runs once more on a new one."""
        try:
            return work(self.connection())
        except sqlite3.DatabaseError as exc:
            if no_room(exc):
                raise self.storage_error(exc) from None
            if not (again and _malformed(exc)):
                raise
            self.close()
            self._set_aside(exc)
            return self.guarded(work, again=False)

    def rows_in(self, query: str, fixed: Sequence[Any], keys: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The rows of ``query`` (ending in ``... IN``) for ``keys``, asked :data:`IN_CHUNK` keys at
        a time (SQLite bounds the number of parameters), ``fixed`` the parameters before them."""
        def read(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
            rows: list[tuple[Any, ...]] = []
            for i in range(0, len(keys), IN_CHUNK):
                chunk = list(keys[i:i + IN_CHUNK])
                rows += conn.execute(f"{query} ({','.join('?' * len(chunk))})", [*fixed, *chunk]).fetchall()
            return rows
        return self.guarded(read)

    def storage_error(self, exc: sqlite3.Error) -> StorageError:
        return StorageError(f"{self.what} {self.path}: {exc} (the disk is full, or a quota or file-size "
                            "limit was reached); the rows stored before are kept: free some room, "
                            "choose another --cache-dir, or run with --no-cache")

    def _open(self) -> sqlite3.Connection:
        # one connection, used by one thread at a time (the pipeline may embed in a background thread)
        conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(self.schema)
            conn.commit()
            if self.path.stat().st_size <= QUICK_CHECK_BYTES:
                ok = conn.execute("PRAGMA quick_check(1)").fetchone()
                if not ok or ok[0] != "ok":
                    raise sqlite3.DatabaseError(f"integrity check: {ok[0] if ok else 'no answer'}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _set_aside(self, exc: Exception) -> None:
        """Move an unreadable file out of the way (kept for inspection) and start a new one."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            p = Path(f"{self.path}{suffix}")
            if p.exists():
                p.replace(Path(f"{aside}{suffix}"))
        logger.warning("%s %s is unreadable (%s): moved to %s and rebuilt", self.what, self.path, exc, aside)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _malformed(exc: sqlite3.DatabaseError) -> bool:
    """Does ``exc`` say the file is damaged (not busy, not locked, not a mistake in a query)?"""
    text = str(exc).lower()
    return any(m in text for m in ("malformed", "not a database", "integrity check", "disk image"))

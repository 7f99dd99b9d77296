"""On-disk embedding cache, keyed by embedder identity and a hash of the text.

One SQLite file (``embeddings.sqlite3``) in the cache folder; safe for several
processes at once (WAL). A second run over the same corpus embeds nothing new.
Texts repeated within one call (wire copies, reposts) are encoded once.

Vectors are committed every :data:`COMMIT_EVERY` texts, so a run killed while
embedding keeps what it encoded and the next run resumes. A cache file that
SQLite cannot read (truncated, overwritten) is moved aside and rebuilt, never
trusted; a stored vector of the wrong size or with a non-finite value is
ignored and encoded again.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..progress import Progress
from ..store import SqliteStore, default_cache_dir
from .base import Embedder

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    text_sha256 BLOB NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    UNIQUE (model, text_sha256)
)
"""
# a rowid table with a unique index, not WITHOUT ROWID: a 1.5 KB vector is far over the row size
# that suits a clustered key (SQLite's advice: under 1/20 of a page), which took 2.2x the disk
# and 3x the time to fill (benchmarks/bench_cache.py). A cache made before keeps its layout.
#: texts encoded between two commits of the cache
COMMIT_EVERY = 256


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Vectors stored per (model identity, sha256 of text), in ``embeddings.sqlite3``."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / "embeddings.sqlite3"
        self._store = SqliteStore(self.path, _SCHEMA, "embedding cache")

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        rows = self._store.rows_in("SELECT text_sha256, dim, vector FROM vectors WHERE model = ? AND text_sha256 IN",
                                   [model], keys)
        found: dict[bytes, np.ndarray] = {}
        for key, dim, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (dim,) and np.isfinite(vector).all():
                found[bytes(key)] = vector
        return found

    def put_many(self, model: str, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        rows = [(model, key, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for key, v in items]
        self._store.guarded(lambda conn: self._put_many(conn, rows))

    @staticmethod
    def _put_many(conn: sqlite3.Connection, rows: list[tuple[str, bytes, int, bytes]]) -> None:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO vectors (model, text_sha256, dim, vector) VALUES (?,?,?,?)",
                             rows)

    def count(self, model: str | None = None) -> int:
        query, args = (("SELECT COUNT(*) FROM vectors", ()) if model is None
                       else ("SELECT COUNT(*) FROM vectors WHERE model = ?", (model,)))
        return int(self._store.guarded(lambda conn: conn.execute(query, args).fetchone()[0]))

    def close(self) -> None:
        self._store.close()


class CachedEmbedder:
    """An :class:`Embedder` that looks vectors up in an :class:`EmbeddingCache`
    before asking the wrapped embedder, and encodes each distinct text once.

    ``last_stats`` tells what the latest call did: texts, distinct texts, hits,
    and how many were encoded.
    """

    def __init__(self, embedder: Embedder, cache: EmbeddingCache | None = None, *,
                 show_progress: bool = False, commit_every: int | None = None) -> None:
        self.embedder = embedder
        self.cache = cache
        self.show_progress = show_progress
        self.commit_every = commit_every if commit_every is not None else COMMIT_EVERY
        self.last_stats: dict[str, int] = {}
        self.total_stats: dict[str, int] = {"calls": 0, "texts": 0, "distinct": 0, "cache_hits": 0, "encoded": 0}

    @property
    def identity(self) -> str:
        return self.embedder.identity

    def _encode_missing(self, identity: str, texts: list[str], keys: list[bytes]) -> dict[bytes, np.ndarray]:
        """Encode ``texts`` a slice at a time, committing each slice to the cache before the next."""
        out: dict[bytes, np.ndarray] = {}
        with Progress(len(texts), "embedding", enabled=self.show_progress, minimum=self.commit_every + 1) as bar:
            for i in range(0, len(texts), self.commit_every):
                fresh = self.embedder.encode(texts[i:i + self.commit_every])
                items = list(zip(keys[i:i + self.commit_every], fresh, strict=True))
                out.update(items)
                if self.cache is not None:
                    self.cache.put_many(identity, items)
                bar.update(len(items))
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        distinct = list(dict.fromkeys(texts))
        keys = [text_key(t) for t in distinct]
        identity = self.embedder.identity
        found = self.cache.get_many(identity, keys) if self.cache is not None else {}
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            found.update(self._encode_missing(identity, [distinct[i] for i in missing], [keys[i] for i in missing]))
        self.last_stats = {"texts": len(texts), "distinct": len(distinct),
                           "cache_hits": len(distinct) - len(missing), "encoded": len(missing)}
        for key, value in self.last_stats.items():
            self.total_stats[key] += value
        self.total_stats["calls"] += 1
        logger.info("embedded %(texts)d texts: %(distinct)d distinct, %(cache_hits)d from cache, "
                    "%(encoded)d encoded", self.last_stats)
        if not texts:
            return self.embedder.encode([])
        matrix = np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
        if len(distinct) == len(texts):
            return matrix                 # every text once, in order: no second copy of the vectors
        position = {t: i for i, t in enumerate(distinct)}
        return matrix[[position[t] for t in texts]]

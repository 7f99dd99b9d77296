"""On-disk cache of what the parse read from each sentence: its attribution and its quantities.

The dependency parse is the slowest stage of a run on a CPU (~170 sentences a second). Scoring a
corpus again with a few new articles should parse only the new sentences, as the embedding
cache embeds only the new ones. ``parses.sqlite3`` in the cache folder (beside
``embeddings.sqlite3``; both are :class:`corroborate.store.SqliteStore` files) keeps, per
sentence, what :func:`corroborate.text.parsing.analyse_claims` made of it.

An entry is keyed by the sentence, the publication year (counts of an earlier year's event are
set aside) and the hedge width, under the identity of the **reader** (:func:`reader_identity`): a
hash of the source of every module of ``corroborate/text``, of the lexicons in
``corroborate/data``, and the spaCy model's name and version. Any change to how sentences are
read makes a new reader, so a stale reading is never served; the old entries are simply no
longer asked for.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path

from ..store import SqliteStore, default_cache_dir
from .attribution import Attribution
from .nlp import nlp
from .stated import Quantity

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parses (
    reader TEXT NOT NULL,
    key BLOB NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (reader, key)
) WITHOUT ROWID;
"""
#: what a sentence was read as: its attribution and its quantities
Reading = tuple[Attribution, list[Quantity]]


@lru_cache(maxsize=1)
def reader_identity() -> str:
    """A hash of everything that decides how a sentence is read (see the module docstring)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*(package / "text").glob("*.py"), *(package / "data").glob("*.toml"),
                        package / "lexicons.py", package / "schema.py"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    meta = nlp().meta
    digest.update(f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}".encode())
    return digest.hexdigest()[:32]


def sentence_key(text: str, year: int | None, approx_rel_width: float) -> bytes:
    return hashlib.sha256(f"{approx_rel_width!r}\x00{year}\x00{text}".encode()).digest()


class ParseCache:
    """Readings stored per (reader identity, sentence key), in ``parses.sqlite3``."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / "parses.sqlite3"
        self._store = SqliteStore(self.path, _SCHEMA, "parse cache")

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, Reading]:
        rows = self._store.rows_in("SELECT key, value FROM parses WHERE reader = ? AND key IN",
                                   [reader_identity()], keys)
        return {bytes(key): reading for key, value in rows if (reading := _decode(value)) is not None}

    def put_many(self, items: Iterable[tuple[bytes, Reading]]) -> None:
        reader = reader_identity()
        rows = [(reader, key, _encode(reading)) for key, reading in items]

        def write(conn):  # type: ignore[no-untyped-def]
            with conn:
                conn.executemany("INSERT OR REPLACE INTO parses (reader, key, value) VALUES (?,?,?)", rows)

        self._store.guarded(write)

    def count(self) -> int:
        return int(self._store.guarded(lambda conn: conn.execute("SELECT COUNT(*) FROM parses").fetchone()[0]))

    def close(self) -> None:
        self._store.close()


def _encode(reading: Reading) -> str:
    attribution, quantities = reading
    return json.dumps({"a": list(astuple(attribution)), "q": [list(astuple(q)) for q in quantities]})


def _decode(value: str) -> Reading | None:
    """A stored reading, or None when it cannot be one (then the sentence is parsed again)."""
    try:
        data = json.loads(value)
        return Attribution(*data["a"]), [Quantity(*q) for q in data["q"]]
    except (ValueError, TypeError, KeyError):
        return None

"""On-disk cache of what the parse read from each sentence: its attribution and its quantities.

The dependency parse is the slowest stage of a run on a CPU (~170 sentences a second). Scoring a
corpus again with a few new articles should parse only the new sentences, as the embedding
cache embeds only the new ones. ``parses.sqlite3`` in the cache folder (beside
``embeddings.sqlite3``; both are :class:`corroborate.store.SqliteStore` files) keeps, per
sentence, what :func:`corroborate.text.parsing.analyse_claims` made of it.

It keeps, too, where each article's sentences begin and end and which of them match a
boilerplate pattern (:func:`split_articles`): the sentence splitter and those patterns are the
next slowest parts of a run, and an article read before is not split or searched again. A parse entry is keyed by the sentence, the publication year (counts of an earlier year's event are
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

import numpy as np

from ..engines import Engine, LocalEngine, batches_of
from ..store import SqliteStore, default_cache_dir
from .attribution import Attribution
from .claims import Sentence, boilerplate_patterns, furniture_of, split_sentences
from .nlp import model_meta
from .stated import Quantity

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parses (
    reader TEXT NOT NULL,
    key BLOB NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (reader, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS splits (
    reader TEXT NOT NULL,
    key BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (reader, key)
) WITHOUT ROWID;
"""
#: what a sentence was read as: its attribution and its quantities
Reading = tuple[Attribution, list[Quantity]]
#: articles split per task of an engine
SPLIT_BATCH = 200


@lru_cache(maxsize=1)
def reader_identity() -> str:
    """A hash of everything that decides how a sentence is read (see the module docstring)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*(package / "text").glob("*.py"), *(package / "data").glob("*.toml"),
                        package / "lexicons.py", package / "schema.py"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    meta = model_meta()
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

    def get_splits(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The stored ``(start, end, furniture)`` rows of each article key found (:func:`article_key`)."""
        rows = self._store.rows_in("SELECT key, value FROM splits WHERE reader = ? AND key IN",
                                   [reader_identity()], keys)
        return {bytes(key): np.frombuffer(value, dtype="<i8").reshape(-1, 3) for key, value in rows
                if len(value) % 24 == 0}

    def put_splits(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        reader = reader_identity()
        rows = [(reader, key, np.ascontiguousarray(spans, dtype="<i8").tobytes()) for key, spans in items]

        def write(conn):  # type: ignore[no-untyped-def]
            with conn:
                conn.executemany("INSERT OR REPLACE INTO splits (reader, key, value) VALUES (?,?,?)", rows)

        self._store.guarded(write)

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


def article_key(text: str) -> bytes:
    return hashlib.sha256(f"split\x00{text}".encode()).digest()


def split_articles(texts: Sequence[str], cache: ParseCache | None = None,
                   stats: dict[str, int] | None = None, engine: Engine | None = None) -> list[list[Sentence]]:
    """:func:`corroborate.text.claims.split_sentences` of each text, the texts split before
    taken from ``cache`` (each distinct text split once). ``stats`` (when given) gets
    ``articles``, ``articles_from_cache`` and ``articles_split``. ``engine``
    (:mod:`corroborate.engines`) splits the others, in batches of :data:`SPLIT_BATCH` texts;
    the cache is read and written here only."""
    keys = [article_key(t) for t in texts]
    stored = cache.get_splits(list(dict.fromkeys(keys))) if cache is not None else {}
    done: dict[bytes, list[Sentence]] = {}
    for key, text in zip(keys, texts, strict=True):
        if key in done:
            continue
        spans = stored.get(key)
        if spans is not None and _spans_fit(spans, text):
            done[key] = _sentences(spans, text)
    todo: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in done:
            todo.setdefault(key, text)
    pending = list(todo.values())
    split = (engine or LocalEngine()).map(split_batch, batches_of(pending, SPLIT_BATCH), label="split")
    spans = dict(zip(todo, (one for batch in split for one in batch), strict=True))
    if cache is not None and spans:
        cache.put_splits(spans.items())
    fresh = {key: _sentences(spans[key], text) for key, text in todo.items()}
    if stats is not None:
        stats.update(articles=len(texts), articles_from_cache=len(done), articles_split=len(fresh))
    done.update(fresh)
    return [done[key] for key in keys]


def split_batch(texts: Sequence[str]) -> list[np.ndarray]:
    """Each of ``texts`` split: one row ``(start, end, furniture)`` per sentence, int64, the last
    the index of its boilerplate group in :func:`_groups` or -1 (one task of an engine: numbers
    travel back, not copies of the text)."""
    code = {group: i for i, group in enumerate(_groups())}
    return [np.array([(s.start, s.end, code.get(furniture_of(s.text), -1)) for s in split_sentences(text)],
                     dtype=np.int64).reshape(-1, 3) for text in texts]


@lru_cache(maxsize=1)
def _groups() -> tuple[str, ...]:
    """The boilerplate groups, in the order of their patterns (the lexicon is part of the reader)."""
    return tuple(dict.fromkeys(group for group, _ in boilerplate_patterns()))


def _sentences(rows: np.ndarray, text: str) -> list[Sentence]:
    groups = _groups()
    return [Sentence(a, b, text[a:b], groups[g] if g >= 0 else "") for a, b, g in rows.tolist()]


def _spans_fit(spans: np.ndarray, text: str) -> bool:
    """Could ``spans`` be sentences of ``text`` (inside it, each non-empty, in order, each with
    its furniture group)?"""
    if spans.ndim != 2 or spans.shape[1] != 3 or not (spans[:, 2] < len(_groups())).all():
        return False
    if not len(spans):
        return not text.strip()
    starts, ends = spans[:, 0], spans[:, 1]
    return bool((starts >= 0).all() and (ends <= len(text)).all() and (starts < ends).all()
                and (starts[1:] >= ends[:-1]).all())

"""Read ``.txt`` articles into raw records: one file, or a folder and its sub-folders.

Each ``.txt`` file is one article. Its metadata come from the folder's
``metadata.csv`` sidecar (a ``file`` column naming each text by its path in the
folder, and any article column but ``text``) when there is one, else from the
file name (``SOURCE[__YYYY-MM-DD][__title-words].txt``). Like the readers of
:mod:`corroborate.ingest.formats`, these yield ``(location, raw record or
RecordError)`` pairs; a folder that holds a file not listed in its sidecar, a
sidecar row naming no file, or a link leading out of the folder is a bad record,
never a silent one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError, RecordError
from ..schema import ARTICLE_COLUMNS
from .formats import RawItem, csv_rows, utf8_error
from .records import SURROGATE, shown_path

#: the sidecar of a folder of ``.txt`` articles
SIDECAR = "metadata.csv"
#: a part of a file name that is meant as a date or time: digits and date punctuation only
_DATE_PART = re.compile(r"\d[\d\-:.T+Z ]*")


def _metadata_from_name(path: Path, location: str) -> dict[str, Any]:
    """``SOURCE[__YYYY-MM-DD][__title-words].txt``; without ``__`` the stem is the source.

    The first part after the source written as a date is the date, checked as any date is
    (``2015-02-30`` is rejected as in JSONL); the other parts are the title."""
    if bad := SURROGATE.search(path.stem):
        byte = os.fsencode(bad.group(0))[0]
        raise RecordError(location, "source", f"the file name is not valid UTF-8 (byte 0x{byte:02x}): rename "
                                              f"the file, or give its source in {SIDECAR}")
    source, *parts = path.stem.split("__")
    meta: dict[str, Any] = {"source": source}
    dated = next((i for i, part in enumerate(parts) if _DATE_PART.fullmatch(part.strip())), None)
    if dated is not None:
        meta["published_at"] = parts.pop(dated).strip()
    title = " ".join(" ".join(part.replace("-", " ").replace("_", " ").split()) for part in parts).strip()
    if title:
        meta["title"] = title
    return meta


def _read_txt(path: Path) -> str | RecordError:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RecordError(shown_path(path), None, f"cannot read ({exc.strerror})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where, _, reason = utf8_error(path, data, exc).partition(": ")
        return RecordError(where, "text", reason)


Sidecar = dict[str, tuple[str, dict[str, Any]]]


def _iter_txt(paths: Iterable[Path], sidecar: Sidecar | None, folder: Path | None) -> Iterator[RawItem]:
    for path in paths:
        location = shown_path(path)
        name = path.relative_to(folder).as_posix() if folder is not None else path.name
        if sidecar is not None and name not in sidecar:
            yield location, RecordError(location, None, f"not listed in {SIDECAR}: add a row for it, "
                                                        "or move it out of the folder")
            continue
        text = _read_txt(path)
        if isinstance(text, RecordError):
            yield text.location, text
            continue
        if sidecar is not None:
            meta_location, meta = sidecar[name]
            yield f"{location} (metadata: {meta_location})", {**meta, "text": text}
            continue
        try:
            yield location, {**_metadata_from_name(path, location), "text": text}
        except RecordError as err:
            yield location, err


def _sidecar_problem(folder: Path, name: str, known: Sidecar) -> str | None:
    """What is wrong with the ``file`` of a sidecar row (a path inside the folder), if anything."""
    if not name:
        return "missing or empty"
    relative = PurePosixPath(name)
    if "\\" in name or relative.is_absolute() or ".." in relative.parts:
        return f"{name!r} is not a file name in {shown_path(folder)} (a path inside it, without '..')"
    if not (folder / relative).is_file():
        return f"no such file in {shown_path(folder)}: {name!r}"
    if relative.as_posix() in known:
        return f"{name!r} is listed twice (first at {known[relative.as_posix()][0]})"
    return None


def _load_sidecar(folder: Path) -> tuple[Sidecar | None, list[RawItem]]:
    """The rows of ``metadata.csv`` by file path in the folder (``None`` without one), and the
    rows that are bad."""
    path = folder / SIDECAR
    if not path.exists():
        return None, []
    header, items = csv_rows(path)
    shown = shown_path(path)
    if "file" not in header:
        raise InputError(f"{shown}: needs a 'file' column naming each .txt file")
    unknown = set(header) - set(ARTICLE_COLUMNS) - {"file"}
    if unknown:
        raise InputError(
            f"{shown}: unknown column(s) {', '.join(sorted(unknown))}; "
            f"allowed: file, {', '.join(c for c in ARTICLE_COLUMNS if c != 'text')}"
        )
    out: Sidecar = {}
    bad: list[RawItem] = []
    for location, item in items:
        if isinstance(item, RecordError):
            bad.append((location, item))
            continue
        row = dict(item)
        name = str(row.pop("file")).strip()
        if problem := _sidecar_problem(folder, name, out):
            bad.append((location, RecordError(location, "file", problem)))
            continue
        out[PurePosixPath(name).as_posix()] = (location, row)
    return out, bad


def _folder_articles(folder: Path) -> tuple[list[Path], list[RawItem]]:
    """The ``.txt`` files of ``folder`` and of its sub-folders; a link that leads out of the
    folder is refused, never read, and a linked folder is never followed (no loops, no file
    read twice: a folder linked from inside is read where it is)."""
    root = folder.resolve()
    files: list[Path] = []
    refused: list[RawItem] = []

    def refuse(path: Path, reason: str) -> None:
        refused.append((shown_path(path), RecordError(shown_path(path), None, reason)))

    def visit(directory: Path) -> None:
        try:
            entries = sorted(directory.iterdir())      # sorted: the same order on every file system
        except OSError as exc:
            refuse(directory, f"a folder that cannot be read ({exc.strerror}): its files are not read")
            return
        for p in entries:
            if p.is_symlink():
                inside = p.resolve().is_relative_to(root)
                if p.is_dir():
                    if not inside:
                        refuse(p, "a symbolic link to a folder outside the input folder: not read")
                    continue
                if p.suffix.lower() == ".txt" and not inside:
                    refuse(p, "a symbolic link to a file outside the input folder: not read")
                    continue
            elif p.is_dir():
                visit(p)
                continue
            if p.name == SIDECAR and directory != folder:
                raise InputError(f"{shown_path(p)}: only the {SIDECAR} at the top of {shown_path(folder)} is "
                                 "read; move its rows there (with paths such as sub/a.txt in 'file'), or "
                                 "read the sub-folder on its own")
            if p.suffix.lower() == ".txt" and p.is_file():
                files.append(p)

    visit(folder)
    return files, refused


def iter_folder(folder: Path) -> Iterator[RawItem]:
    """The articles of a folder of ``.txt`` files (sub-folders included): first the bad rows of its
    sidecar, then what could not be read, then each file in path order."""
    txts, refused = _folder_articles(folder)
    if not txts and not refused:
        raise InputError(f"{shown_path(folder)}: folder holds no .txt articles")
    sidecar, bad_rows = _load_sidecar(folder)
    yield from bad_rows
    yield from refused
    yield from _iter_txt(txts, sidecar, folder)


def iter_txt_file(path: Path) -> Iterator[RawItem]:
    """The one article of a ``.txt`` file, its metadata from the file name."""
    yield from _iter_txt([path], None, None)

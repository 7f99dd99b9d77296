"""Exceptions raised by corroborate.

The tree::

    CorroborateError            base of everything we raise on purpose
    ├── InputError              the user's data is unusable (CLI exit code 1)
    │   └── RecordError         one record is bad: names file, line/row and field
    ├── ConfigError             a parameter or config file is invalid (exit code 1)
    ├── ModelError              the embedding model cannot be loaded offline
    ├── StorageError            the disk refused a write: full, a quota or a file-size limit (exit code 1)
    └── NotFittedError          a fitted attribute was read before ``fit``

Anything else escaping the library is a bug (CLI exit code 2).
"""

from __future__ import annotations

import errno


class CorroborateError(Exception):
    """Base class of the errors corroborate raises on purpose."""


class InputError(CorroborateError):
    """The input data cannot be used."""


class RecordError(InputError):
    """One record of an input file is bad.

    ``location`` is ``"file:line N"`` or ``"file:row N"``; ``field`` names the
    offending field, when one is to blame.
    """

    def __init__(self, location: str, field: str | None, reason: str) -> None:
        self.location = location
        self.field = field
        self.reason = reason
        where = f"{location}, field {field!r}" if field else location
        super().__init__(f"{where}: {reason}")


class ConfigError(CorroborateError, ValueError):
    """A parameter or a configuration file has an invalid value."""


class ModelError(CorroborateError):
    """The embedding model could not be loaded (we never download at run time)."""


class StorageError(CorroborateError, OSError):
    """A write failed for lack of room (disk full, a quota, a file-size limit); what was
    there before is left as it was."""


#: the errno values that mean "no room to write", not a bug
NO_ROOM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def no_room(exc: BaseException) -> bool:
    """Whether ``exc`` is an operating-system refusal for lack of room."""
    return isinstance(exc, OSError) and exc.errno in NO_ROOM_ERRNOS


def describe_no_room(exc: OSError) -> str:
    """``path: No space left on device (the disk is full, ...)`` for an :func:`no_room` error."""
    where = f"{exc.filename}: " if exc.filename else ""
    return (f"{where}{exc.strerror or exc} (the disk is full, or a quota or file-size limit was reached)")


class NotFittedError(CorroborateError, AttributeError):
    """A learned attribute was accessed before ``fit`` was called."""

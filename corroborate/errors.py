"""Exceptions raised by corroborate.

The tree::

    CorroborateError            base of everything we raise on purpose
    ├── InputError              the user's data is unusable (CLI exit code 1)
    │   └── RecordError         one record is bad: names file, line/row and field
    ├── ConfigError             a parameter or config file is invalid (exit code 1)
    ├── ModelError              the embedding model cannot be loaded offline
    └── NotFittedError          a fitted attribute was read before ``fit``

Anything else escaping the library is a bug (CLI exit code 2).
"""

from __future__ import annotations


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


class NotFittedError(CorroborateError, AttributeError):
    """A learned attribute was accessed before ``fit`` was called."""

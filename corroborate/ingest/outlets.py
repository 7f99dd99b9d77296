"""One outlet, one source: the identity of a ``source`` as written, and the name shown for it.

``CNN.com``, ``cnn.com``, ``www.cnn.com`` and ``https://www.cnn.com/`` are one outlet; counted as
four, they would corroborate each other. :func:`outlet_identity` maps each spelling to one key:
Unicode NFKC, format characters (category Cf: zero-width and bidi characters) removed, case
folded, whitespace collapsed, a URL scheme, ``www.``, a port, any path of a URL form and a
trailing dot or slash taken off. :func:`display_names` then picks the name every later stage
uses for an identity: the spelling most articles use (format characters removed), ties going
to the smallest string, so that the choice does not depend on the order of the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from .markup import remove_format_characters

#: ``https://``, ``http://``, ``ftp://`` …
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
#: a host name (at least one dot, no space) with an optional port, then the end or a path
_HOST = re.compile(r"^(?P<host>[\w\-]+(?:\.[\w\-]+)+\.?)(?::\d+)?(?=[/?#]|$)")
_SPACES = re.compile(r"\s+")


def shown_spelling(source: str) -> str:
    """``source`` as it may be shown: format characters removed, whitespace collapsed."""
    without, _ = remove_format_characters(source, keep_joiners=False)
    return _SPACES.sub(" ", without).strip()


def outlet_identity(source: str) -> str:
    """The key of the outlet ``source`` names; ``""`` when nothing is left of it."""
    key = unicodedata.normalize("NFKC", source)
    key, _ = remove_format_characters(key, keep_joiners=False)
    key = _SPACES.sub(" ", key.casefold()).strip()
    had_scheme = bool(_SCHEME.match(key))
    key = _SCHEME.sub("", key)
    host = _HOST.match(key)
    if host is not None:
        key = host.group("host")                 # the outlet is the host, not the page
    elif had_scheme:
        key = re.split(r"[/?#]", key, maxsplit=1)[0]
    key = key.removeprefix("www.")
    return key.rstrip("./ ").strip()


def display_names(spellings: Iterable[str]) -> dict[str, str]:
    """Identity -> the name shown for it, one spelling per article in ``spellings``."""
    counts: dict[str, Counter[str]] = {}
    for spelling in spellings:
        counts.setdefault(outlet_identity(spelling), Counter())[shown_spelling(spelling)] += 1
    # most articles first, then the smallest string: never the order the articles came in
    return {identity: min(found.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            for identity, found in counts.items()}

"""One name per origin: the bodies that claims are attributed to.

:mod:`corroborate.text.attribution` finds who a claim is attributed to, one sentence
at a time ("the Raleigh Police Department", "Raleigh police", "FDLE"). Here the
spellings of one body become one origin, so that it counts once:

* the name is reduced to a key: lower case, no punctuation or possessive, no
  "the", "of", "for", "and", nor the generic heads "department", "office",
  "agency" ("Sheriff's Office" = "sheriff"; "Department of Justice" =
  "Justice Department");
* an acronym is expanded when some article of the corpus defines it ("the
  Florida Department of Law Enforcement (FDLE)");
* within one event, a generic name ("police", "sheriff", "officials": words
  of :data:`GENERIC_BODIES`) that is part of exactly one fuller name is that
  body ("police" = "raleigh police" when the event names no other police);
  a proper name ("NATO") is never stretched to a fuller one.

The origin shown is the commonest spelling of the key within the corpus.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import pandas as pd

_GENERIC_WORDS = frozenset({"the", "of", "for", "and", "a", "an", "department", "dept", "office",
                            "agency", "s"})
_WORD = re.compile(r"[a-z0-9]+")
#: words that name a kind of body, not a particular one
GENERIC_BODIES = frozenset({"police", "sheriff", "officials", "authorities", "deputies", "officers",
                            "investigators", "detectives", "prosecutors", "coroner", "troopers",
                            "fire", "firefighters", "spokesman", "spokeswoman", "spokesperson"})
_DEFINITION = re.compile(r"((?:[A-Z][a-z]+|of|for|and|the)(?:\s+(?:[A-Z][a-z]+|of|for|and|the)){1,8})"
                         r"\s+\(([A-Z]{2,8})\)")


def origin_words(name: str) -> frozenset[str]:
    """The content words of an origin name (see the module docstring)."""
    text = name.casefold().replace("’", "'").replace("'s", "")
    return frozenset(w for w in _WORD.findall(text) if w not in _GENERIC_WORDS)


def _initials(phrase: str) -> str:
    return "".join(w[0] for w in phrase.split() if w[:1].isupper())


def acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronym (lower case) -> the name it stands for, from definitions in the texts.

    "the Florida Department of Law Enforcement (FDLE)": the acronym must be the
    initials of the name's capitalised words (leading words may be dropped).
    """
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for m in _DEFINITION.finditer(text):
            words, acronym = m.group(1).split(), m.group(2)
            for start in range(len(words)):
                phrase = " ".join(words[start:])
                if words[start][:1].isupper() and _initials(phrase) == acronym:
                    found[acronym.casefold()][phrase] += 1
                    break
    return {a: names.most_common(1)[0][0] for a, names in sorted(found.items())}


def _key(name: str, expansions: dict[str, str]) -> frozenset[str]:
    compact = name.casefold().replace(".", "").strip()
    if compact in expansions:
        name = expansions[compact]
    return origin_words(name)


def normalise_origins(origins: Sequence[object], events: Sequence[int],
                      texts: Iterable[str] = ()) -> list[str | None]:
    """One name per body for each claim's origin (``None`` stays ``None``).

    ``events`` is each claim's event: bare names are resolved within it.
    ``texts`` are the article texts in which acronyms are defined.
    """
    expansions = acronyms(texts)
    keys = [_key(o, expansions) if isinstance(o, str) and o else None for o in origins]
    # within an event, "police" is the one "raleigh police" it names
    by_event: dict[int, set[frozenset[str]]] = defaultdict(set)
    for key, event in zip(keys, events, strict=True):
        if key:
            by_event[int(event)].add(key)
    resolved: list[frozenset[str] | None] = []
    for key, event in zip(keys, events, strict=True):
        if key and key <= GENERIC_BODIES:
            fuller = [k for k in by_event[int(event)] if key < k]
            maximal = [k for k in fuller if not any(k < other for other in fuller)]
            if len(maximal) == 1:
                key = maximal[0]
        resolved.append(key or None)
    # the commonest spelling of each key names it
    spellings: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for key, origin in zip(keys, origins, strict=True):
        if key:
            spellings[key][str(origin)] += 1
    display = {k: min(c, key=lambda s: (-c[s], len(s), s)) for k, c in spellings.items()}
    return [display.get(k, " ".join(sorted(k))) if k else None for k in resolved]


def normalise_claim_origins(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    """:func:`normalise_origins` on the claims frame (needs ``attributed_to`` and ``event_id``)."""
    return pd.Series(normalise_origins(claims["attributed_to"].tolist(), claims["event_id"].tolist(),
                                       articles["text"].tolist()), index=claims.index, dtype=object)

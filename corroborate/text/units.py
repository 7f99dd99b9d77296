"""What a number counts: the noun after it, through the lexicon of ``data/units.toml``.

"200 servicemen were wounded" counts ``wounded`` (a predicate sets the unit),
"12 tanks" counts ``tanks`` (a plural noun outside the lexicon), "three years"
is a duration, and "the 300 workers" of "half of the 300 workers were killed"
counts workers, not the killed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicons import data_file


@dataclass(frozen=True)
class Lexicon:
    units: dict[str, str]          # surface form -> canonical unit
    predicates: dict[str, str]     # predicate word(s) -> canonical unit
    durations: frozenset[str]
    not_units: frozenset[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    doc = data_file("units.toml")
    units = {form: canon for canon, forms in doc["units"].items() for form in forms}
    predicates = {form: canon for canon, forms in doc["predicates"].items() for form in forms}
    return Lexicon(
        units=units,
        predicates=predicates,
        durations=frozenset(doc["durations"]["units"]),
        not_units=frozenset(doc["not_units"]["words"]),
    )


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CLAUSE_END = re.compile(r"[.,;:()\[\]\"“”!?]")
_STATIVE = {"are", "were", "was", "is", "have", "has", "had", "been", "being", "be", "reported",
            "confirmed", "now", "later", "also", "all"}


def find_unit(after: str, *, allow_unlisted: bool, predicates: bool = True) -> tuple[str | None, str]:
    """(canonical unit, kind) from the words after a number.

    ``allow_unlisted`` lets a plural noun outside the lexicon ("12 tanks",
    "two terms") be the unit; it is off for the word "one", where "one
    message" or "no one knows" would otherwise count something. Without
    ``predicates`` the noun is the unit even when an outcome follows: "half of
    the 300 workers were killed" does not say 300 were killed.
    """
    lex = lexicon()
    m = _CLAUSE_END.search(after)
    words = [w.lower().replace("’", "'") for w in _WORD.findall(after[:m.start()] if m else after)]
    words = words[:6]

    def predicate(rest: list[str]) -> str | None:
        if not predicates:
            return None
        rest = [w for w in rest[:4] if w not in _STATIVE]
        if rest and rest[0] in lex.predicates:
            return lex.predicates[rest[0]]
        if len(rest) >= 2 and f"{rest[0]} {rest[1]}" in lex.predicates:
            return lex.predicates[f"{rest[0]} {rest[1]}"]
        return None

    for i, word in enumerate(words[:4]):
        pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair in lex.units:
            return predicate(words[i + 2:]) or lex.units[pair], "count"
        if word in lex.units:
            # "200 servicemen were wounded" counts the wounded, not the servicemen
            return predicate(words[i + 1:]) or lex.units[word], "count"
        if word in lex.durations and i <= 1:
            return (word if word.endswith("s") else word + "s"), "duration"
        if word in lex.not_units or word in _STATIVE:
            if i == 0:
                found = predicate(words)                       # "two are injured"
                if found:
                    return found, "count"
            break
    first = words[0] if words else ""
    if (allow_unlisted and len(first) > 2 and first.endswith("s") and first not in lex.not_units
            and first not in _STATIVE and after[:1].isspace()
            and first == _WORD.findall(after)[0]):
        return predicate(words[1:]) or first, "count"         # an unlisted plural noun
    return None, "number"


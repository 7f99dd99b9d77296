"""Whose figure it is: the proper words that name what a number counts.

"At least 219 Palestinian deaths", "killed at least seven Israelis" and "12 people have died in
Israel" all count the killed of one war, but not the same people. A figure's **referent** is
read from the words that state it: the capitalised words inside the stated quantity and in the
counted noun phrase and its predicate right after it, up to the end of the clause ("12 people
have died in Israel", "seven Israelis"). Sentence-initial words, months and weekdays are
not names.

A sentence that opens on a place ("In Chicago, 100 people were struck by gunfire resulting in
18 deaths") sets that place for every figure it states: the capitalised words of an opening
"In ...," or "Across ...," phrase join each figure's referent. So does the place of the act a
count follows as its result ("militants fired 250 rockets at Israel, killing two women": the
two were killed in Israel): the capitalised words of the last "at / in / on / into ..." phrase
of the clause before ", killing" (injuring, wounding, leaving). Both are the figure's
**scope** (:func:`scope_words`), a place rather than a people named in the count itself.

Two referents are the same when they share a name, spelled as a people or as a place: a word
that begins the other one, or that shares its first :data:`STEM` letters, matches ("Israel",
"Israeli", "Israelis"; "Palestinian", "Palestinians", "Palestine"). A figure with no such words
has no referent (most local reports: "two people were killed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: letters two spellings of one name share at least ("ukrain": Ukraine, Ukrainian)
STEM = 5
#: how many words after the quantity the counted phrase may run
WINDOW = 8

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|[,.;:!?()\"“”]")
#: words that end the counted phrase and its predicate (a new clause begins)
_STOP = frozenset("""
    who which that when while after before as because since but and or than including according
    said says say told
""".split())
_NOT_NAMES = frozenset("""
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    the a an at least more than about nearly some almost up to over
""".split())


#: an opening place phrase: "In Chicago,", "Across New York State,", "In the Gaza Strip,"
_FRAME = re.compile(r"\s*(?:In|Across|Throughout)\s+((?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)\s*,")


#: a count stated as the result of the act before it: ", killing at least"
_RESULT = re.compile(r",\s*(?:killing|injuring|wounding|leaving)(?:\s+(?:at\s+least|more\s+than|about|some|nearly))?\s*$",
                     re.IGNORECASE)
#: a place phrase of that act's clause: "at Israel", "in the Gaza Strip", "on Kabul"
_PLACE = re.compile(r"\b(?:at|in|on|into|near|across)\s+((?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)")


def scope_words(text: str, start: int) -> frozenset[str]:
    """The place names (casefolded) that scope the quantity starting at ``start``: the place the
    sentence opens on (:data:`_FRAME`), and the place of the act the count results from."""
    names: set[str] = set()
    frame = _FRAME.match(text)
    if frame and frame.end() <= start:
        for m in _WORD.finditer(text, *frame.span(1)):
            _take(text, m.start(), m.group(), names)
    result = _RESULT.search(text, 0, start)
    if result:
        clause_start = max(text.rfind(sep, 0, result.start()) for sep in (",", ";", ". ")) + 1
        places = list(_PLACE.finditer(text, clause_start, result.start()))
        if places:
            for m in _WORD.finditer(text, *places[-1].span(1)):
                _take(text, m.start(), m.group(), names)
    return frozenset(names)


def referent_words(text: str, start: int, end: int) -> frozenset[str]:
    """The names (casefolded) in the quantity ``text[start:end]`` and the phrase it counts, and
    its scope (:func:`scope_words`)."""
    names: set[str] = set(scope_words(text, start))
    inside = [m for m in _WORD.finditer(text, start, end)]
    for m in inside:
        _take(text, m.start(), m.group(), names)
    after = _WORD.finditer(text, end)
    for n, m in enumerate(after):
        word = m.group()
        if n >= WINDOW or word in ",.;:!?()\"“”":
            break
        if word.casefold() in _STOP:
            break
        _take(text, m.start(), word, names)
    return frozenset(names)


def _take(text: str, at: int, word: str, names: set[str]) -> None:
    low = word.casefold()
    if not word[:1].isupper() or low in _NOT_NAMES or len(low) < 3:
        return
    before = text[:at].rstrip()
    if not before or before.endswith((".", "!", "?", "\n")):
        return                                  # a sentence-initial word is not known to be a name
    names.add(low.rstrip("'’").removesuffix("'s").removesuffix("’s"))


def same_name(a: str, b: str) -> bool:
    """Two spellings of one people or place: one begins the other, or they share :data:`STEM` letters."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) or (len(short) >= STEM and long[:STEM] == short[:STEM])


def same_referent(a: Iterable[str], b: Iterable[str]) -> bool:
    """Do two (non-empty) referents share a name?"""
    return any(same_name(x, y) for x in a for y in b)

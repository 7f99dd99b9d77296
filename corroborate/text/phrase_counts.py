"""How many people one noun phrase names, read from the dependency parse.

"five others" (5), "two men and two women" (4), "a man", "the victim", "his
son", "Smith" (1), "both" (2), "no one", "no injuries" (0); nothing for a bare
plural ("people"), a share ("half of the workers", "a third of the soldiers")
or anything else unsure. Only numerals that modify the counted noun count, read
as the surface parse read them (:func:`numeral_value`).
"""

from __future__ import annotations

import math
from typing import Any

from ..schema import MAX_MAGNITUDE
from .count_lexicon import ADJ_TAGS, Lexicon, lexicon

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "dozen": 12,
}
_ORDINALS = frozenset({"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                       "ninth", "tenth"})
# shares of a group: "half of the workers", "a quarter were hurt" count no one by themselves
_FRACTIONS = frozenset({"half", "halves", "quarter", "quarters", "thirds", "fourths", "fifths",
                        "sixths", "sevenths", "eighths", "ninths", "tenths", "%", "percent"})
_ONE_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "another", "one", "each"})


def numeral_value(token: Any, stated: dict[int, float] | None = None) -> float | None:
    """The number a numeral token states: from the surface parse when it read one
    at this offset (``stated``: char offset -> value), else digits or a number word.

    Digits the surface parse read but set aside (a year, an age, "F-16", the
    "000" of "10 000", a power "10^100", a number beyond the largest magnitude
    compared) are no number here either: with ``stated`` given, digits count
    only where it read them. A NaN in ``stated`` marks a later word of a number
    read as a whole ("ten" in "nine out of ten"): no number by itself."""
    if stated is not None and token.idx in stated:
        value = stated[token.idx]
        return None if math.isnan(value) else value
    text = token.lower_.replace(",", "")
    if text.isdigit():
        if stated is not None or len(text) > len(str(int(MAX_MAGNITUDE))):
            return None
        return float(text)
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else None


def is_numeral(token: Any) -> bool:
    return token.tag_ == "CD" or token.lower_ in _NUMBER_WORDS


def _count_one(tok: Any, lex: Lexicon, stated: dict[int, float],
               listed: bool = False) -> tuple[float, tuple[int, ...], bool] | None:
    """(number, numeral offsets used, implicit) for one conjunct, or None if unsure.

    ``listed``: the conjunct is one item of a coordination ("both Smith and
    Jones"), so "both" is the list's, not a count of this item."""
    low = tok.lower_
    children = list(tok.children)
    if low in lex.totals:                             # "a total of 12 people"
        of = [g for c in children if c.dep_ == "prep" and c.lower_ == "of"
              for g in c.children if g.dep_ == "pobj"]
        return _count_one(of[0], lex, stated, listed) if of else None
    if low in lex.nobody or (low == "one" and any(c.lower_ == "no" for c in children)):
        return None if any(c.lower_ in lex.others for c in children) else (0.0, (), True)
    if low in _FRACTIONS or (low in _ORDINALS and any(c.dep_ == "prep" and c.lower_ == "of"
                                                      for c in children)):
        return None                                   # "a third of the soldiers": a share, not one
    if is_numeral(tok):
        value = numeral_value(tok, stated)
        return None if value is None else (value, (tok.idx,), False)
    numerals = [c for c in children if c.dep_ == "nummod" and is_numeral(c)]
    if numerals:
        value = numeral_value(numerals[0], stated)
        return None if value is None else (value, (numerals[0].idx,), False)
    if any(c.lower_ == "no" and c.dep_ == "det" for c in children):
        if tok.lower_ in lex.nouns:
            return 0.0, (), True                      # "no injuries were reported"
        return None if any(c.lower_ in lex.others for c in children) else (0.0, (), True)
    if low in lex.both or (not listed and any(c.lower_ in lex.both for c in children)):
        return 2.0, (), True
    if low in lex.not_people:
        return None
    if low in lex.pronouns or low in lex.reflexives:
        return 1.0, (), True
    if tok.tag_ == "NNP":
        # a name (the parse runs without entities for count-only sentences, so the
        # reading must not depend on them)
        return 1.0, (), True
    singular = tok.tag_ == "NN" or (tok.tag_ in ADJ_TAGS and low.endswith("old"))
    if singular:
        if any(c.dep_ == "det" and c.lower_ in _ONE_DETERMINERS for c in children):
            return 1.0, (), True                      # "a man", "the victim", "another"
        if any(c.dep_ == "poss" for c in children):
            return 1.0, (), True                      # "his son"
    if low in ("another", "one"):
        return 1.0, (), True
    if low in _ORDINALS and any(c.dep_ == "det" for c in children):
        return 1.0, (), True                          # "a third was critically wounded"
    return None


def count_phrase(tok: Any, lex: Lexicon | None = None,
                 stated: dict[int, float] | None = None) -> tuple[float, tuple[int, ...], bool, int, int] | None:
    """Count the noun phrase headed by ``tok`` and its conjuncts.

    Returns ``(value, numeral offsets, implicit, start, end)`` or ``None``.
    """
    lex = lex or lexicon()
    stated = stated or {}
    parts = [tok, *tok.conjuncts] if tok.dep_ != "conj" else [tok]
    if len(parts) == 1 and not any(c.dep_ == "nummod" for c in tok.children):
        # "A man, a woman and a child": spaCy reads the second item as an apposition
        listed = [c for c in tok.children if c.dep_ == "appos" and c.conjuncts]
        if listed:
            parts += [listed[0], *listed[0].conjuncts]
    total, numerals, implicit = 0.0, [], False
    for part in parts:
        one = _count_one(part, lex, stated, listed=len(parts) > 1)
        if one is None:
            return None
        total += one[0]
        numerals.extend(one[1])
        implicit = implicit or one[2]
    # the phrase as written, up to its last head word: "a man" of "a man who was shot"
    start = min(p.left_edge.idx for p in parts)
    end = max(p.idx + len(p.text) for p in parts)
    return total, tuple(numerals), implicit or len(parts) > 1, start, end

"""How many people a predicate applies to, read from the dependency parse.

News states counts implicitly as often as with a numeral: "a teenager was
killed" (1), "two men and two women were wounded" (4), "Smith and Jones were
shot and killed" (2), "no one was hurt" (0), "killing a 44-year-old man and
injuring five others" (killed 1, injured 5). This module finds, in a spaCy
parse, the words that state an outcome (:data:`data/counts.toml`), the people
each applies to (subject, object or modified noun, by the shape of the
clause), and counts that noun phrase:

* a numeral modifying it ("five others"), or the numeral itself ("two were killed");
* one for a singular noun with a determiner or possessive ("a man", "the
  victim", "his son"), a person's name, or a singular personal pronoun;
* the sum over coordinated phrases ("two men and two women");
* zero for "no one", "nobody", "none", "no <noun>" (but not "no one else":
  that only says the total is the people already named);
* nothing for a bare plural ("people were hurt") or anything else unsure.

The predicate sets the unit, not the noun: "five people were shot and
injured" counts injured, "three people shot to death" counts killed. When
several outcomes apply to the same people, the strongest wins (killed, then
injured, then shot: see ``precedence``). Ages ("a 16-year-old"), addresses
and dates never count: only numerals that modify the counted noun do.
A clause that tallies other events ("the third person killed this year") is
skipped.

The result is a list of :class:`Count`: the unit, the number, the numeral
tokens it was read from (so :mod:`corroborate.text.quantities` can reuse their
hedged intervals) and the span of the counted phrase.

The work is shared out by job: :mod:`corroborate.text.count_lexicon` (the
words, from ``data/counts.toml``), :mod:`corroborate.text.outcomes` (the
outcomes a sentence states and who each applies to),
:mod:`corroborate.text.phrase_counts` (how many people a noun phrase names),
and this module (the counts of a sentence: the strongest outcome for each
people, the survivors of a shooting, sums over one sentence, tallies set aside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .count_lexicon import Lexicon, lexicon
from .outcomes import outcomes, relative_head
from .phrase_counts import count_phrase

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class Count:
    """People that one outcome applies to, as the sentence states them."""

    unit: str
    value: int
    start: int                         # character span of the counted phrase
    end: int
    numerals: tuple[int, ...] = ()     # character offsets of the numerals summed
    implicit: bool = True              # read from articles, names or "no one", not a numeral
    tally: bool = False                # counts other events too ("killed this year"): not a count


def _tallies_other_events(trigger: Any, lex: Lexicon) -> bool:
    """"killed this year", "shot so far this month": a modifier of the outcome itself
    that makes it a tally over many events; "in separate shootings across the
    city" anywhere in the sentence makes it a round-up."""
    if lex.roundup.search(trigger.sent.text):
        return True
    for child in trigger.children:
        if child.dep_ in ("npadvmod", "prep", "advmod", "advcl", "pobj"):
            words = list(child.subtree)
            if lex.tally.search(" ".join(w.text for w in words)):
                return True
    return False


def counts(doc: Any, stated: dict[int, float] | None = None,
           reference_year: int | None = None) -> list[Count]:
    """The people each outcome in ``doc`` applies to, counted (in order of the counted phrase).

    ``stated`` maps the character offset of each numeral the surface parser read
    to its value ("10,000", "a dozen"), so both read numbers alike.
    ``reference_year`` is the year the sentence was published: a sentence naming
    an earlier year than the one before it ("In 2008, a man was killed at the
    same club") tells of another event, and its counts are tallies.
    """
    lex = lexicon()
    if reference_year is not None and any(1900 <= int(y) < reference_year - 1
                                          for y in _YEAR.findall(doc.text)):
        return [replace(c, tally=True) for c in counts(doc, stated)]
    rank = {u: i for i, u in enumerate(lex.precedence)}
    found: dict[int, tuple[int, str, Any, bool, Any]] = {}
    for unit, trigger, person in outcomes(doc, lex):
        person = relative_head(person)
        tally = _tallies_other_events(trigger, lex)
        strength = -1 if tally else rank.get(unit, len(rank))
        best = found.get(person.i)
        if best is None or strength < best[0]:
            found[person.i] = (strength, unit, person, tally, trigger)
    out = []
    by_trigger: dict[int, dict[str, Count]] = {}
    for _, unit, person, tally, trigger in found.values():
        counted = count_phrase(person, lex, stated)
        if counted is None:
            continue
        value, numerals, implicit, start, end = counted
        count = Count(unit=unit, value=int(value) if float(value).is_integer() else value,
                      start=start, end=end, numerals=numerals, implicit=implicit, tally=tally)
        out.append(count)
        by_trigger.setdefault(trigger.i, {})[unit] = count
    for group in by_trigger.values():
        # "four people were shot, one fatally": the other three were shot and survived
        shot, killed = group.get("shot"), group.get("killed")
        if shot and killed and killed.start > shot.end and 0 <= killed.value <= shot.value \
                and not shot.tally and "injured" not in group:
            out.append(Count(unit="injured", value=shot.value - killed.value, start=shot.start,
                             end=killed.end, implicit=True))
    # a conjunct counted on its own as well as inside its phrase ("Smith and Jones"):
    # keep the phrase
    out.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Count] = []
    for c in out:
        if any(k.unit == c.unit and k.start <= c.start and c.end <= k.end for k in kept):
            continue
        kept.append(c)
    return _sentence_totals(doc, kept, lex)


def _sentence_totals(doc: Any, found: list[Count], lex: Lexicon) -> list[Count]:
    """Counts of one outcome for different people in one sentence add up:
    "killed seven people before killing himself" states eight dead. A part of a
    group ("one of them") or a plain pronoun ("he", who may be someone already
    counted) never adds; such counts stand as they are."""
    by_unit: dict[str, list[Count]] = {}
    for c in found:
        if not c.tally:
            by_unit.setdefault(c.unit, []).append(c)
    out = list(found)
    for unit, group in by_unit.items():
        addable = [c for c in group if _addable(doc, c, lex)]
        if len(addable) < 2 or len(addable) < len(group):
            continue
        for c in addable:
            out.remove(c)
        out.append(Count(unit=unit, value=sum(c.value for c in addable),
                         start=min(c.start for c in addable), end=max(c.end for c in addable),
                         numerals=tuple(n for c in addable for n in c.numerals), implicit=True))
    return sorted(out, key=lambda c: (c.start, c.end))


def _addable(doc: Any, c: Count, lex: Lexicon) -> bool:
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None:
        return False
    head = span.root
    if head.lower_ in lex.pronouns:
        return False
    return not any(ch.dep_ == "prep" and ch.lower_ == "of" for ch in head.children)


def may_state_a_count(text: str) -> bool:
    """Cheap test: could ``text`` state a count this module reads? (Only those are parsed.)"""
    return bool(_cue().search(text))


@lru_cache(maxsize=1)
def _cue() -> re.Pattern[str]:
    lex = lexicon()
    words: set[str] = set()
    for table in (lex.passive, lex.intransitive, lex.adjectives, lex.nouns):
        words |= set(table)
    words |= {v for v, _ in lex.particles} | lex.lost | lex.fatal_adverbs | {"condition"}
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)


__all__ = ["Count", "counts", "may_state_a_count"]

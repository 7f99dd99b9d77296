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
tokens it was read from (so :mod:`corroborate.quantities` can reuse their
hedged intervals) and the span of the counted phrase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from .nlp import data_file
from .schema import MAX_MAGNITUDE

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "dozen": 12,
}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_ORDINALS = frozenset({"second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                       "ninth", "tenth"})
# shares of a group: "half of the workers", "a quarter were hurt" count no one by themselves
_FRACTIONS = frozenset({"half", "halves", "quarter", "quarters", "thirds", "fourths", "fifths",
                        "sixths", "sevenths", "eighths", "ninths", "tenths", "%", "percent"})
_ONE_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "another", "one", "each"})
_SUBJECTS = ("nsubjpass", "nsubj")
# the pipeline runs without the attribute ruler, so word classes come from fine-grained tags
_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_ADJ_TAGS = frozenset({"JJ", "JJR", "JJS"})
_NOMINAL_TAGS = _NOUN_TAGS | {"PRP", "CD", "DT"}


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


@dataclass(frozen=True)
class Lexicon:
    precedence: tuple[str, ...]
    passive: dict[str, str]
    intransitive: dict[str, str]
    adjectives: dict[str, str]
    adverbs: dict[str, str]
    nouns: dict[str, str]
    conditions: dict[str, str]
    injury_grades: frozenset[str]
    care_verbs: frozenset[str]
    fatal_adverbs: frozenset[str]
    to_death: frozenset[str]
    lost: frozenset[str]
    particles: dict[tuple[str, str], str]
    totals: frozenset[str]
    pronouns: frozenset[str]
    reflexives: frozenset[str]
    nobody: frozenset[str]
    both: frozenset[str]
    others: frozenset[str]
    not_people: frozenset[str]
    tally: re.Pattern[str]
    roundup: re.Pattern[str]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    doc = data_file("counts.toml")
    tables: dict[str, dict[str, str]] = {k: {} for k in ("passive", "intransitive", "adjectives",
                                                          "adverbs", "nouns", "conditions")}
    particles: dict[tuple[str, str], str] = {}
    for unit, forms in doc["outcomes"].items():
        for kind in tables:
            for form in forms.get(kind, []):
                if " " in form:                        # "laid off": verb and particle
                    verb, particle = form.split(" ", 1)
                    particles[(verb, particle)] = unit
                else:
                    tables[kind].setdefault(form, unit)
    killed = doc["outcomes"]["killed"]
    injured = doc["outcomes"]["injured"]
    people = doc["people"]
    phrases = sorted(doc["context"]["tally_phrases"], key=len, reverse=True)
    roundup = sorted(doc["context"]["roundup_phrases"], key=len, reverse=True)
    return Lexicon(
        precedence=tuple(doc["precedence"]), particles=particles,
        fatal_adverbs=frozenset(killed.get("adverbs", [])),
        to_death=frozenset(killed.get("to_death", [])), lost=frozenset(killed.get("lost", [])),
        totals=frozenset(people["totals"]), pronouns=frozenset(people["pronouns"]),
        reflexives=frozenset(people["reflexives"]), nobody=frozenset(people["nobody"]),
        both=frozenset(people["both"]), others=frozenset(people["others"]),
        not_people=frozenset(people["not_people"]),
        injury_grades=frozenset(injured.get("grades", [])),
        care_verbs=frozenset(injured.get("care_verbs", [])),
        tally=re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE),
        roundup=re.compile(r"\b(?:" + "|".join(re.escape(p) for p in roundup) + r")\b", re.IGNORECASE),
        **tables,
    )


# ------------------------------------------------------------------ numbers in the parse

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


def _is_numeral(token: Any) -> bool:
    return token.tag_ == "CD" or token.lower_ in _NUMBER_WORDS


# ------------------------------------------------------------------ who an outcome applies to

def _relative_head(token: Any) -> Any:
    """'who' / 'that' in "a man who was killed" stands for the noun it follows."""
    if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _subjects(verb: Any) -> list[Any]:
    found = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if found:
        return [_relative_head(found[0])]
    if verb.dep_ == "conj" and verb.head.tag_ in _VERB_TAGS | _ADJ_TAGS:
        return _subjects(verb.head)                   # "were shot and killed": shared subject
    if verb.dep_ in ("acl", "relcl", "amod") and verb.head.tag_ in _NOMINAL_TAGS:
        return [verb.head]                            # "a man killed Tuesday", "one person shot"
    return []


def _objects(verb: Any) -> list[Any]:
    return [c for c in verb.children if c.dep_ in ("dobj", "obj")]


def _is_finite_or_participle(verb: Any) -> bool:
    """Skip infinitives ("threatened to kill her") and modal clauses ("could have been killed")."""
    if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return False
    if any(c.tag_ == "MD" for c in verb.children):
        return False
    return not any(c.dep_ == "neg" for c in verb.children)


def _victims_of_verb(verb: Any, passive_form: bool) -> list[Any]:
    objects = _objects(verb) or [o for v in verb.conjuncts if v.i > verb.i for o in _objects(v)]
    if objects:
        return objects                                # "the gunman killed two people",
                                                      # "he shot and killed his wife"
    if any(c.dep_ == "auxpass" for c in verb.children) or verb.tag_ == "VBN" or passive_form:
        return _subjects(verb)                        # "two men were wounded", headlines
    return []


def _outcomes(doc: Any, lex: Lexicon) -> Iterator[tuple[str, Any, Any]]:
    """(unit, trigger token, people token) for each outcome the sentence states."""
    for tok in doc:
        low = tok.lower_
        if tok.tag_ in _VERB_TAGS:
            particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
            unit = lex.particles.get((low, particle)) if particle else None
            if unit is None and particle is None and low in lex.passive:   # not "shot down"
                unit = lex.passive[low]
                # "shot to death", "fatally shot", "shot dead": the outcome is death
                if any(c.dep_ == "prep" and any(g.lower_ in lex.to_death for g in c.children)
                       for c in tok.children):
                    unit = "killed"
                else:
                    for c in tok.children:
                        if c.dep_ in ("advmod", "oprd", "acomp") and c.lower_ in lex.adverbs:
                            unit = lex.adverbs[c.lower_]
                            break
            if unit is None and any(c.dep_ == "advmod" and c.lower_ in lex.fatal_adverbs
                                    for c in tok.children):
                unit = "killed"                           # "fatally struck", "fatally stabbed"
            if unit is not None:
                if _is_finite_or_participle(tok):
                    for person in _victims_of_verb(tok, passive_form=tok.dep_ in ("acl", "ROOT")):
                        yield unit, tok, person
                    for part in tok.children:             # "four were shot, two fatally"
                        if part.dep_ in ("npadvmod", "appos", "conj") and _is_numeral(part):
                            how = [c.lower_ for c in part.children if c.dep_ == "advmod"]
                            if how and how[0] in lex.adverbs:
                                yield lex.adverbs[how[0]], tok, part
                continue
            if low in lex.intransitive and _is_finite_or_participle(tok):
                for person in _subjects(tok):
                    yield lex.intransitive[low], tok, person
                continue
            if low in ("lost", "lose", "loses") and any(o.lower_ in lex.lost for o in _objects(tok)):
                for person in _subjects(tok):
                    yield "killed", tok, person
                continue
        if low in lex.adjectives and tok.tag_ in _ADJ_TAGS | _NOUN_TAGS | {"VBN", "VBG"}:
            unit = lex.adjectives[low]
            head = tok.head
            if tok.dep_ == "amod" and head.tag_ in _NOUN_TAGS | {"CD"}:
                yield unit, tok, head                     # "the dead man", "three injured people"
            elif tok.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and head is not tok:
                if any(c.tag_ == "MD" or c.dep_ == "neg" for c in head.children):
                    continue
                people = _objects(head) or _subjects(head)   # "left two dead", "was found dead"
                for person in people:
                    yield unit, tok, person
            elif tok.dep_ == "ROOT":
                for person in [c for c in tok.children if c.dep_ in _SUBJECTS]:
                    yield unit, tok, person               # "1 dead in shooting"
            continue
        if low == "condition" and tok.dep_ == "pobj" and tok.head.lower_ == "in":
            states = [c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")]
            unit = next((lex.conditions[s] for s in states if s in lex.conditions), None)
            if unit is not None:
                yield from ((unit, tok, p) for p in _bearers(tok.head))
            continue
        if low in lex.nouns and tok.tag_ in ("NN", "NNS"):
            yield from _noun_outcomes(tok, lex)


def _bearers(prep: Any) -> list[Any]:
    """Who a preposition phrase ("in critical condition", "with injuries") describes."""
    head = prep.head
    if head.tag_ in _NOMINAL_TAGS - {"DT"}:
        return [head]                                 # "a man with gunshot wounds"
    if head.tag_ in _VERB_TAGS:
        if any(c.tag_ == "MD" or c.dep_ == "neg" for c in head.children):
            return []
        return _objects(head) or _subjects(head)      # "found six people with wounds"
    return []


def _noun_outcomes(tok: Any, lex: Lexicon) -> Iterator[tuple[str, Any, Any]]:
    unit = lex.nouns[tok.lower_]
    head = tok.head
    if any(c.lower_ == "no" and c.dep_ == "det" for c in tok.children):
        if not any(c.lower_ in lex.others for c in tok.children):
            yield unit, tok, tok                      # "no injuries were reported": zero
        return
    # "wounds" and "injuries" also describe the dead ("found with a gunshot wound to the
    # head"): they count the injured only when the victim is cared for or the injury is
    # graded ("taken to a hospital with injuries", "non-life-threatening injuries")
    graded = any(c.lower_ in lex.injury_grades for c in tok.subtree)
    if tok.dep_ == "pobj" and head.lower_ == "with":
        if graded or head.head.lower_ in lex.care_verbs:
            yield from ((unit, tok, p) for p in _bearers(head))
    elif tok.dep_ in ("dobj", "obj") and head.lower_ in ("suffered", "sustained", "suffers",
                                                          "received", "suffering", "sustaining",
                                                          "had", "has"):
        if graded and not any(c.tag_ == "MD" or c.dep_ == "neg" for c in head.children):
            yield from ((unit, tok, p) for p in _subjects(head))


# ------------------------------------------------------------------ counting a noun phrase

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
    if _is_numeral(tok):
        value = numeral_value(tok, stated)
        return None if value is None else (value, (tok.idx,), False)
    numerals = [c for c in children if c.dep_ == "nummod" and _is_numeral(c)]
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
    singular = tok.tag_ == "NN" or (tok.tag_ in _ADJ_TAGS and low.endswith("old"))
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
    for unit, trigger, person in _outcomes(doc, lex):
        person = _relative_head(person)
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


__all__ = ["Count", "count_phrase", "counts", "may_state_a_count"]

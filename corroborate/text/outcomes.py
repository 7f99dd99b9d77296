"""Who an outcome applies to, read from the dependency parse.

The words that state an outcome (:mod:`corroborate.text.count_lexicon`) are
found in a spaCy parse, and with each the people it applies to, by the shape
of the clause: the object of an active verb ("the gunman killed two people"),
the subject of a passive one ("two men were wounded") or of an intransitive
one ("three died"), the noun an adjective modifies ("three injured people"),
the bearer of a condition or an injury ("a man in critical condition", "taken
to a hospital with injuries"). Infinitives, modal and negated clauses state no
outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .count_lexicon import ADJ_TAGS, NOMINAL_TAGS, NOUN_TAGS, SUBJECTS, VERB_TAGS, Lexicon
from .phrase_counts import is_numeral


def relative_head(token: Any) -> Any:
    """'who' / 'that' in "a man who was killed" stands for the noun it follows."""
    if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _subjects(verb: Any) -> list[Any]:
    found = [c for c in verb.children if c.dep_ in SUBJECTS]
    if found:
        return [relative_head(found[0])]
    if verb.dep_ == "conj" and verb.head.tag_ in VERB_TAGS | ADJ_TAGS:
        return _subjects(verb.head)                   # "were shot and killed": shared subject
    if verb.dep_ in ("acl", "relcl", "amod") and verb.head.tag_ in NOMINAL_TAGS:
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


def outcomes(doc: Any, lex: Lexicon) -> Iterator[tuple[str, Any, Any]]:
    """(unit, trigger token, people token) for each outcome the sentence states."""
    for tok in doc:
        low = tok.lower_
        if tok.tag_ in VERB_TAGS:
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
                        if part.dep_ in ("npadvmod", "appos", "conj") and is_numeral(part):
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
        if low in lex.adjectives and tok.tag_ in ADJ_TAGS | NOUN_TAGS | {"VBN", "VBG"}:
            unit = lex.adjectives[low]
            head = tok.head
            if tok.dep_ == "amod" and head.tag_ in NOUN_TAGS | {"CD"}:
                yield unit, tok, head                     # "the dead man", "three injured people"
            elif tok.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and head is not tok:
                if any(c.tag_ == "MD" or c.dep_ == "neg" for c in head.children):
                    continue
                people = _objects(head) or _subjects(head)   # "left two dead", "was found dead"
                for person in people:
                    yield unit, tok, person
            elif tok.dep_ == "ROOT":
                for person in [c for c in tok.children if c.dep_ in SUBJECTS]:
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
    if head.tag_ in NOMINAL_TAGS - {"DT"}:
        return [head]                                 # "a man with gunshot wounds"
    if head.tag_ in VERB_TAGS:
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

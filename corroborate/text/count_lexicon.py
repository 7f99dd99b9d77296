"""The words that state an outcome and the people it applies to (``data/counts.toml``),
and the word classes of the parse that :mod:`corroborate.text.counts` reads.

Data, not code: an outcome ("killed", "injured", "shot", ...) is stated by a
passive or intransitive verb, an adjective, an adverb, a noun or a condition;
the people words say what counts one person, nobody, both, or others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicons import data_file

SUBJECTS = ("nsubjpass", "nsubj")
# the pipeline runs without the attribute ruler, so word classes come from fine-grained tags
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
ADJ_TAGS = frozenset({"JJ", "JJR", "JJS"})
NOMINAL_TAGS = NOUN_TAGS | {"PRP", "CD", "DT"}


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

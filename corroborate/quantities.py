"""Numbers stated in a claim, as intervals with the noun they count.

"approximately 10,000 North Korean troops" -> value 10000, low 9000, high 11000,
unit "troops", kind "count", approx True. Number words and scales ("ten
thousand", "10k", "1.5 million", "a dozen") are read by
``recognizers-text-number``; what no library does is written here: hedges that
widen or bound the interval, ranges, vague plurals ("hundreds of"), the counted
noun (through the lexicon in ``data/units.toml``), and the numbers that are not
counts at all (years, dates, times, ages, identifiers such as "F-16" or
"No. 10", list numbering, phone numbers, scores such as "3-1").

A number is read right or left out, never misread: vulgar fractions ("½ a
dozen" is 6, "2½ million") are read here; shares ("a third of", "1/2 of",
"one in five") are percents, and ordinals ("a fourth day") nothing; a count
is whole and not negative ("-5 degrees" stays, as a signed number); the
group of a share ("half of the 300 workers were killed") is not the outcome's
count; powers ("10^100") and numbers beyond :data:`schema.MAX_MAGNITUDE`
(which the recognizer rounds) are left out.

``high`` is ``inf`` when a report only bounds a number from below ("more than
3,000"); writers turn it into ``null``. Always ``low <= value <= high``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from .counts import Count, counts, may_state_a_count
from .nlp import data_file, nlp
from .schema import MAX_MAGNITUDE, QUANTITY_COLUMNS

logger = logging.getLogger(__name__)

INF = math.inf

# ---------------------------------------------------------------- lexicon (data)


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


# ---------------------------------------------------------------- patterns

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|dozen|half|third|quarter"
)
_MAYBE_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS}|dozens|hundreds|thousands|millions|scores)\b",
                           re.IGNORECASE)
# "hundreds of civilians", and "dozens were injured" / "thousands fled" (no "of")
_VAGUE = re.compile(
    r"\b(tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions)"
    r"(?:\s+of\b|(?=\s+(?:more\s+)?[a-z]))", re.IGNORECASE)
# (value, low, high) for each vague plural
_VAGUE_INTERVALS: dict[str, tuple[float, float, float]] = {
    "dozens": (36, 24, 99),
    "scores": (60, 40, 99),
    "hundreds": (300, 200, 999),
    "thousands": (3_000, 2_000, 9_999),
    "tens of thousands": (30_000, 20_000, 99_999),
    "hundreds of thousands": (300_000, 200_000, 999_999),
    "millions": (3_000_000, 2_000_000, 9_999_999),
}
_SCALE = re.compile(r"(thousand|million|billion|trillion|bn|k|m)\b", re.IGNORECASE)
_SCALE_FACTOR = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6,
                 "billion": 1e9, "bn": 1e9, "trillion": 1e12}

# hedges, matched at the end of the text before the number: name -> interval rule
# first match wins: the longer phrases ("just over") come before their tails ("over")
_HEDGES: tuple[tuple[str, str], ...] = (
    ("approx", r"about|around|approximately|roughly|some|an estimated|estimated|close to|"
               r"circa|an approximate|approx\.|~"),
    ("just_over", r"just over|slightly more than|a little over|just above"),
    ("below_or_equal", r"nearly|almost|just under|just shy of|just below"),
    ("up_to", r"up to|as many as|at most|no more than|a maximum of|maximum of"),
    ("at_least", r"at least|more than|over|upwards of|in excess of|a minimum of|"
                 r"no fewer than|no less than"),
    ("under", r"fewer than|less than|under|below"),
)
_HEDGE_RES = tuple(
    (name, re.compile(rf"(?:^|\b|(?<=\s))(?:{alts})\s*(?:US\$|\$|£|€)?\s*$", re.IGNORECASE))
    for name, alts in _HEDGES
)
_MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTH})\.?\s*$", re.IGNORECASE)
_DATE_AFTER = re.compile(rf"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTH})\b", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^[/.]\d|^-\d{1,2}-\d")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_TIME_AFTER = re.compile(
    r"^(?::\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock|o’clock|gmt\b|utc\b|local time|hrs\b))",
    re.IGNORECASE)
_AGE_AFTER = re.compile(r"^\s*-?\s*(?:year|yr)s?[- ]old", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged|age|ages)\s*$", re.IGNORECASE)
_IDENT_BEFORE = re.compile(
    r"(?:\b(?:no|nos|number|article|section|chapter|resolution|route|highway|interstate|"
    r"flight|page|room|grade|level|phase|item|rule|clause|paragraph|version|channel|gate|"
    r"platform|ward|district|precinct|block|lot|unit|apartment|apt|suite|building|floor|"
    r"squad|team|camp|zone|sector|stage|round|game|week|day|vol|volume|type|model|class|category|"
    r"magnitude|series|mark|mk|size)\.?\s*#?\s*$)"
    r"|[#A-Za-z]-?$",
    re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|percent\b|per cent\b|pct\b|percentage points?\b)",
                            re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"(US\$|\$|£|€)\s*$")
_CURRENCY = {"US$": "USD", "$": "USD", "£": "GBP", "€": "EUR"}
_MONEY_AFTER = re.compile(r"^\s*(dollars|euros|pounds|rubles|roubles|won|yuan)\b", re.IGNORECASE)
_CURRENCY_WORD = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "rubles": "RUB",
                  "roubles": "RUB", "won": "KRW", "yuan": "CNY"}
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and)\s*(?:US\$|\$|£|€)?\s*$", re.IGNORECASE)
_CHANGE_VERB = re.compile(
    r"\b(?:rose|risen|rise|rising|grew|grown|increased?|jumped|climbed|fell|fallen|dropped|"
    r"declined?|decreased?|went|surged|soared|plunged|cut|raised|lowered|revised)\s+"
    r"(?:\w+\s+){0,2}from\s*$", re.IGNORECASE)
_TALLY_BEFORE = re.compile(r"\b(?:passed|voted|won|lost|beat|defeated|approved|rejected|carried|"
                           r"finished|ended)\b[^.]{0,20}$", re.IGNORECASE)
_SCORE_AFTER = re.compile(r"^\s*(?:win|victory|loss|defeat|draw|lead|home win|away win)\b",
                          re.IGNORECASE)
_COMPOUND_AFTER = re.compile(r"^-(?:year|month|week|day|hour|minute|second|point|member|"
                             r"storey|story|floor|mile|km)s?\b", re.IGNORECASE)
_NAME_AGE_BEFORE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:Jr|Sr|II|III)\.?)?\s*[,(]\s*$")
# written dates and phone numbers: their digits are never figures ("2015-03-04", "555-123-4567")
_NOT_NUMBER_SPANS = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s*|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b")
# "10^100", "3x10^6": powers the recognizer reads as their base
_POWER_AFTER = re.compile(r"^\s*(?:\^|\*\*|[x×]\s*10\s*(?:\^|\*\*))")
_POWER_BEFORE = re.compile(r"(?:\^|\*\*)\s*$")
#: vulgar fractions, which the recognizer skips ("½ a dozen" would read as 12)
_VULGAR = {"½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5,
           "⅗": 3 / 5, "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8, "⅞": 7 / 8}
_VULGAR_NUMBER = re.compile(rf"(?:\b(\d+)\s?)?([{''.join(_VULGAR)}])"
                            r"(?:\s*(a\s+)?(dozen|hundred|thousand|million|billion)\b)?", re.IGNORECASE)
_WORD_SCALE = {"dozen": 12.0, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
# "one in five", "nine out of ten": a share, not a count of anything
_RATIO = re.compile(r"\s(?:in|out of)\s", re.IGNORECASE)
_RATIO_DENOMINATOR_BEFORE = re.compile(rf"\b(?:{_NUMBER_WORDS}|\d+)\s+(?:in|out\s+of)\s+$",
                                       re.IGNORECASE)
# "half of the 300 workers were killed": the 300 are the group, not the killed
_PARTITIVE_BEFORE = re.compile(
    rf"(?:\b(?:{_NUMBER_WORDS}|halves|thirds|quarters|fourths|fifths|most|many|some|several|few|"
    r"none|each|majority|minority|rest|dozens|hundreds|thousands)|\d|%|\bpercent|\bper cent)"
    r"\s+of\s+(?:(?:the|these|those|its|their|our|his|her)\s+)?$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CLAUSE_END = re.compile(r"[.,;:()\[\]\"“”!?]")
_STATIVE = {"are", "were", "was", "is", "have", "has", "had", "been", "being", "be", "reported",
            "confirmed", "now", "later", "also", "all"}


@dataclass(frozen=True)
class Quantity:
    """One number stated in a claim. Offsets index into the claim text."""

    value: float
    low: float
    high: float
    unit: str | None
    kind: str            # count | money | percent | duration | number
    approx: bool
    raw: str
    start: int
    end: int
    implicit: bool = False   # counted from the parse ("a man was killed": 1), not a stated numeral


@dataclass
class _Candidate:
    start: int
    end: int                # exclusive
    value: float
    is_word: bool           # written without digits ("ten thousand")
    vague: str | None = None
    low: float | None = None
    high: float | None = None


@lru_cache(maxsize=1)
def _number_model() -> Any:
    from recognizers_number import Culture, NumberRecognizer

    return NumberRecognizer(Culture.English).get_number_model()


def _recognised(text: str) -> list[_Candidate]:
    try:
        results = _number_model().parse(text)
    except Exception as exc:  # the recognizer's regexes can fail on odd input
        logger.warning("number recognizer failed on %r: %s", text[:80], exc)
        return []
    out = []
    for r in results:
        start, end = int(r.start), int(r.end) + 1        # the recognizer's end is inclusive
        try:
            value = float(r.resolution["value"])
        except (KeyError, TypeError, ValueError):
            continue
        raw = text[start:end]
        if not _comparable_magnitude(text, start, end, value):
            continue
        if raw.startswith("-"):
            before = text[start - 1] if start > 0 else ""
            if before.isalpha():
                continue                                  # "F-16": an identifier
            if before.isdigit() or text[:start].rstrip()[-1:].isdigit():
                start, value = start + 1, abs(value)       # "10,000-12,000", "5 -10": a range dash
            # else a minus sign ("-5 degrees"): the value stays negative
        before = text[max(0, start - 12):start].lower()
        if raw.lower().startswith("a ") and re.search(r"\bhalf\s+$", before):
            start -= len(before) - re.search(r"\bhalf\s+$", before).start()  # type: ignore[union-attr]
            value /= 2                                       # "half a million"
        is_word = not any(c.isdigit() for c in raw)
        if is_word and raw.lower() == "one" and (re.search(r"\bno\s+$", before)
                                                 or re.match(r"\s+of\b", text[end:end + 5])):
            continue                                         # "no one", "one of the soldiers"
        out.append(_Candidate(start, end, value, is_word=is_word))
    return _with_halves_and_scales(text, out)


def _comparable_magnitude(text: str, start: int, end: int, value: float) -> bool:
    """Whether a recognised number is one the project compares: finite, at most
    :data:`schema.MAX_MAGNITUDE`, and written so that its value can be trusted.
    The recognizer rounds long numerals ("10,000" followed by 396 zeros resolves
    as 1E+4) and reads "10^100" as 10: such figures are left out, never misread."""
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return False
    if (_POWER_AFTER.match(text[end:end + 12]) or _POWER_BEFORE.search(text[max(0, start - 4):start])
            or "^" in text[start:end]):
        return False
    whole = text[start:end].split(".")[0]
    return sum(ch.isdigit() for ch in whole) <= len(str(int(MAX_MAGNITUDE)))


def _with_halves_and_scales(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """"2 and a half million": the recognizer reads "2" and "a half"; join them, and
    apply a scale word it left after a number ("two and a half thousand")."""
    out: list[_Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (prev is not None and c.value == 0.5 and c.is_word and float(prev.value).is_integer()
                and re.fullmatch(r"\s+and\s+", text[prev.end:c.start], re.IGNORECASE)):
            out[-1] = _Candidate(prev.start, c.end, prev.value + 0.5, prev.is_word)
            continue
        out.append(c)
    for c in out:
        raw = text[c.start:c.end]
        scale = re.match(r"\s+(thousand|million|billion|trillion)\b", text[c.end:], re.IGNORECASE)
        if scale and not _SCALE.search(raw):
            c.value *= _SCALE_FACTOR[scale.group(1).lower()]
            c.end += scale.end()
    return [c for c in out if abs(c.value) <= MAX_MAGNITUDE]


def _vulgar(text: str) -> list[_Candidate]:
    """Numbers written with a vulgar fraction: "½ a dozen" (6), "2½ million", "1 ¾"."""
    out = []
    for m in _VULGAR_NUMBER.finditer(text):
        whole, fraction, article, scale = m.group(1), m.group(2), m.group(3), m.group(4)
        if article and whole:
            continue                                       # "2 ½ a dozen": not a number we can read
        value = (int(whole) if whole else 0) + _VULGAR[fraction]
        if scale:
            value *= _WORD_SCALE[scale.lower()]
        out.append(_Candidate(m.start(), m.end(), value, is_word=False))
    return out


def _vague(text: str) -> list[_Candidate]:
    out = []
    for m in _VAGUE.finditer(text):
        value, low, high = _VAGUE_INTERVALS[m.group(1).lower()]
        out.append(_Candidate(m.start(), m.end(), value, is_word=True, vague=m.group(1).lower(),
                              low=low, high=high))
    return out


def _scale_of(raw: str) -> float:
    m = _SCALE.search(raw)
    return _SCALE_FACTOR[m.group(1).lower()] if m else 1.0


def _merge_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    out: list[_Candidate] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands) and a.vague is None and cands[i + 1].vague is None:
            b = cands[i + 1]
            gap = text[a.end:b.start]
            before = text[max(0, a.start - 40):a.start]
            sep = gap.strip().lower().rstrip("$£€").removesuffix("us").strip()
            is_range = bool(_RANGE_GAP.match(gap)) and (
                (sep == "and" and re.search(r"\bbetween\s*(?:US\$|\$|£|€)?\s*$", before, re.I))
                or (sep == "to" and not _CHANGE_VERB.search(before)
                    and not _TALLY_BEFORE.search(before))            # "passed 52 to 48"
                or sep in {"-", "–", "—"}
            )
            if is_range and sep in {"-", "–", "—"} and a.value > b.value:
                i += 2                                        # "3-1", "45-12": a score or a code,
                continue                                      # never a range written backwards
            if is_range:
                low = a.value
                a_raw, b_raw = text[a.start:a.end], text[b.start:b.end]
                if _scale_of(b_raw) > 1 and _scale_of(a_raw) == 1 and a.value * 1000 <= b.value:
                    low = a.value * _scale_of(b_raw)          # "between 10 and 12 million"
                lo, hi = sorted((low, b.value))
                out.append(_Candidate(a.start, b.end, (lo + hi) / 2, a.is_word and b.is_word,
                                      vague="range", low=lo, high=hi))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _not_a_count(text: str, c: _Candidate) -> bool:
    """Years, dates, times, ages, ordinals, identifiers and list numbering."""
    before, after = text[max(0, c.start - 40):c.start], text[c.end:c.end + 40]
    raw = text[c.start:c.end]
    if c.vague is None and not c.is_word and _IDENT_BEFORE.search(before) and not _MONEY_BEFORE.search(before):
        return True
    if _DATE_BEFORE.search(before) and not c.is_word and c.value <= 31:
        return True
    if _DATE_AFTER.match(after) or _SLASH_DATE.match(after) or re.search(r"\d[/.:]$", before):
        return True
    if _ORDINAL_AFTER.match(after) or _TIME_AFTER.match(after) or ":" in raw:
        return True
    if _AGE_AFTER.match(after) or _AGE_BEFORE.search(before):
        return True
    if _NAME_AGE_BEFORE.search(before) and re.match(r"^\s*[,)]", after) and c.value < 120:
        return True                                           # "Rafael Garcia, 40, and ..."
    if re.match(r"^\s*block\b", after, re.IGNORECASE):
        return True                                           # "the 5200 block of Main Street"
    if _COMPOUND_AFTER.match(after):
        return True                                           # "a five-year plan", "a 10-point lead"
    if c.vague == "range" and _SCORE_AFTER.match(after):
        return True                                           # "the 2-1 win"
    if not text[:c.start].strip() and re.match(r"^[.)]\s", after):
        return True                                           # "1. The first point"
    return False


def _find_unit(after: str, *, allow_unlisted: bool, predicates: bool = True) -> tuple[str | None, str]:
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


def _hedge(before: str) -> str | None:
    for name, pattern in _HEDGE_RES:
        if pattern.search(before):
            return name
    return None


def _interval(value: float, hedge: str | None, width: float) -> tuple[float, float]:
    lo, hi = sorted((value * (1 - width), value * (1 + width)))
    if hedge == "approx":
        return lo, hi
    if hedge == "below_or_equal":
        return lo, value
    if hedge == "just_over":
        return value, hi
    if hedge in ("up_to", "under"):
        return min(0.0, value), value
    if hedge == "at_least":
        return value, INF
    return value, value


def parse_quantities(text: str, *, approx_rel_width: float = 0.10, doc: Any = None,
                     parse: bool = True, reference_year: int | None = None) -> list[Quantity]:
    """All quantities stated in ``text`` (one sentence), in order of appearance.

    Numbers are read from the surface (:func:`stated_quantities`); then the
    dependency parse (``doc``, a spaCy parse of ``text``; parsed here when
    ``parse`` and the sentence may state a count) decides what each counts and
    adds the counts stated without numerals (:mod:`corroborate.counts`).
    ``reference_year`` (the year of publication) lets it set aside the counts
    of a sentence about an earlier year's event.
    """
    stated = stated_quantities(text, approx_rel_width=approx_rel_width)
    if doc is None and parse and may_state_a_count(text):
        doc = nlp()(text)
    if doc is None:
        return stated
    return merge_counts(text, stated, counts(doc, stated=_stated_offsets(text, stated),
                                             reference_year=reference_year))


def _stated_offsets(text: str, stated: list[Quantity]) -> dict[int, float]:
    """Offset -> value of every stated number, for :func:`counts.counts`; the later
    words of a number ("ten" in "nine out of ten", "a dozen" in "½ a dozen") map to
    NaN: they state no number by themselves."""
    out: dict[int, float] = {}
    for q in stated:
        for m in re.finditer(r"(?<![\w.,])[\w½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]", text[q.start + 1:q.end]):
            out.setdefault(q.start + 1 + m.start(), math.nan)
    out.update({q.start: q.value for q in stated})
    return out


def merge_counts(text: str, stated: list[Quantity], found: list[Count]) -> list[Quantity]:
    """Stated numbers with the parse's reading of what they count.

    A count read from one stated numeral relabels it (the predicate sets the
    unit: "five people were shot and injured" counts injured, keeping the
    numeral's hedged interval); a sum ("two men and two women") replaces its
    parts; a count stated without a numeral ("a man", "no one") is added.
    """
    by_start = {q.start: i for i, q in enumerate(stated)}
    out: list[Quantity | None] = list(stated)
    added: list[Quantity] = []
    for c in found:
        parts = [by_start[o] for o in c.numerals if o in by_start]
        if any(stated[i].kind in ("percent", "money") for i in parts):
            continue                                       # "20% of the workers were killed"
        if c.tally:
            for i in parts:
                out[i] = None                              # "40 killed so far this year"
            continue
        if len(c.numerals) == 1 and parts and stated[parts[0]].value == c.value:
            i = parts[0]
            q = stated[i]
            out[i] = Quantity(q.value, q.low, q.high, c.unit, "count", q.approx, q.raw,
                              q.start, q.end, implicit=False)
            continue
        for i in parts:
            out[i] = None                                  # summed into the phrase's count
        if any(q is not None and q.unit == c.unit and q.start < c.end and c.start < q.end
               for q in out):
            continue                                       # already stated at that place
        # a sum keeps its stated parts' hedges: "about 10 soldiers and two officers"
        rest = float(c.value) - sum(stated[i].value for i in parts)
        low = rest + sum(stated[i].low for i in parts)
        high = rest + sum(stated[i].high for i in parts)
        added.append(Quantity(float(c.value), float(low), float(high), c.unit, "count",
                              any(stated[i].approx for i in parts), text[c.start:c.end],
                              c.start, c.end, implicit=c.implicit))
    merged = [q for q in out if q is not None] + added
    return sorted(merged, key=lambda q: (q.start, q.end))


def stated_quantities(text: str, *, approx_rel_width: float = 0.10) -> list[Quantity]:
    """The numbers written in ``text``, read from the surface: numerals and number
    words, hedges, ranges, vague plurals; the counted noun from the words after."""
    if not _MAYBE_NUMBER.search(text):
        return []
    own = _vague(text) + _vulgar(text)
    taken = [(v.start, v.end) for v in own]
    cands = [c for c in _recognised(text)
             if not any(s < c.end and c.start < e for s, e in taken)]
    not_numbers = [m.span() for m in _NOT_NUMBER_SPANS.finditer(text)]
    cands = sorted((c for c in cands + own if not any(s < c.end and c.start < e for s, e in not_numbers)),
                   key=lambda c: (c.start, c.end))
    out: list[Quantity] = []
    for c in _merge_ranges(text, cands):
        if _not_a_count(text, c):
            continue
        start, end, value = c.start, c.end, c.value
        before, after = text[max(0, start - 40):start], text[end:end + 60]
        kind, unit = "number", None
        money = _MONEY_BEFORE.search(before)
        if money:
            kind, unit = "money", _CURRENCY[money.group(1)]
            start -= len(before) - money.start()
            before = text[max(0, start - 40):start]
        elif (pm := _PERCENT_AFTER.match(after)):
            kind, unit = "percent", "%"
            end += pm.end()
        elif (cm := _MONEY_AFTER.match(after)):
            kind, unit = "money", _CURRENCY_WORD[cm.group(1).lower()]
            end += cm.end()
        elif _is_fraction(text, c):
            if not (re.match(r"^\s*of\b", after) or _RATIO.search(text[c.start:c.end])):
                continue              # "a fourth day", "the 1/2 mark": an ordinal or a bare fraction
            kind, unit, value = "percent", "%", value * 100     # "a third of the troops", "one in five"
        elif _RATIO_DENOMINATOR_BEFORE.search(before):
            continue                                            # the 10 of "one in 10 soldiers"
        else:
            unit, kind = _find_unit(after, allow_unlisted=not c.is_word or value >= 2,
                                    predicates=not _PARTITIVE_BEFORE.search(before))
        if not _plausible(value, unit, kind, c):
            continue
        if value < 0 and kind == "count":
            kind = "number"                   # "-5 degrees": a signed measure, not a count
        raw = text[start:end]
        if kind == "number" and re.fullmatch(r"\d{4}", raw) and 1800 <= value <= 2100:
            continue                                          # a year
        if kind == "number" and c.is_word:
            continue          # "one message", "no one": word numbers must count something
        hedge = None if c.vague else _hedge(before)
        if c.vague:
            low, high = float(c.low), float(c.high)           # type: ignore[arg-type]
            value = min(max(value, low), high)
        else:
            low, high = _interval(value, hedge, approx_rel_width)
            if kind == "percent" and (c.is_word or _RATIO.search(text[c.start:c.end])):
                low, high = _interval(value, "approx", approx_rel_width)
        out.append(Quantity(
            value=float(value), low=float(low), high=float(high), unit=unit, kind=kind,
            approx=bool(c.vague or hedge or (kind == "percent" and low < value)),
            raw=raw, start=start, end=end,
        ))
    return out


def _is_fraction(text: str, c: _Candidate) -> bool:
    """A share written as a fraction: "a third", "1/2", "½", "one in five"; never a count."""
    if c.vague is not None or not 0 < c.value < 1:
        return False
    raw = text[c.start:c.end]
    return c.is_word or "/" in raw or any(ch in _VULGAR for ch in raw)


def _plausible(value: float, unit: str | None, kind: str, c: _Candidate) -> bool:
    """Whether ``value`` can be what ``unit`` measures. A count is whole and not
    negative ("-5 people", "1.5 people" and "magnitude 7.8 ... killed" are
    misreadings); a duration is not negative. A negative number before a noun
    outside the lexicon ("-5 degrees") stays, as a signed measure."""
    if kind == "duration":
        return value >= 0
    if kind != "count":
        return True
    if c.vague is None and abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
        return False                          # (a tolerance: "1.1" times a million is not exact)
    lex = lexicon()
    counted = set(lex.units.values()) | set(lex.predicates.values())
    return value >= 0 or unit not in counted


def extract_quantities(
    claims: pd.DataFrame, *, approx_rel_width: float = 0.10,
    docs: Mapping[int, Any] | None = None,
) -> pd.DataFrame:
    """One row per quantity in ``claims`` (columns in :data:`schema.QUANTITY_COLUMNS`).

    ``docs`` maps a row position to its spaCy parse; without it, sentences that
    may state a count are parsed here. With it, rows it lacks are read from the
    surface only (the caller parsed every sentence that needed it).
    """
    rows: list[tuple[Any, ...]] = []
    for i, (claim_id, text) in enumerate(zip(claims["claim_id"], claims["text"], strict=True)):
        doc = docs.get(i) if docs is not None else None
        for q in parse_quantities(text, approx_rel_width=approx_rel_width, doc=doc,
                                  parse=docs is None):
            rows.append((claim_id, *astuple(q)))
    return quantity_frame(rows)


def quantity_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The quantities frame from ``(claim_id, *astuple(Quantity))`` rows."""
    fields = ("claim_id", *(f.name for f in dataclasses.fields(Quantity)))
    frame = pd.DataFrame(rows, columns=list(fields))
    frame = frame[list(QUANTITY_COLUMNS)]
    return frame.astype({"value": "float64", "low": "float64", "high": "float64",
                         "approx": "bool", "start": "int64", "end": "int64", "implicit": "bool"})


def quantities_by_claim(quantities: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """``claim_id -> [quantity dicts]`` in order of appearance."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in quantities.to_dict(orient="records"):
        if not isinstance(record.get("unit"), str):
            record["unit"] = None          # pandas' string dtype stores a missing unit as NaN
        claim_id = record.pop("claim_id")
        out.setdefault(claim_id, []).append(record)
    return out



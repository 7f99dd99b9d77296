"""The quantities a sentence states in writing, read from the surface.

Each number read by :mod:`corroborate.text.numerals` becomes a
:class:`Quantity`: its kind (count, money, percent, duration, number), its
unit (:mod:`corroborate.text.units`), and an interval that hedges widen or
bound ("about", "more than", "up to"). Numbers that are not counts at all are
left out: years, dates, times, ages, identifiers such as "F-16" or "No. 10",
list numbering, scores such as "3-1". Shares ("a third of", "1/2 of", "one in
five") are percents, and ordinals ("a fourth day") nothing; a count is whole
and not negative ("-5 degrees" stays, as a signed number); the group of a
share ("half of the 300 workers were killed") is not the outcome's count.

``high`` is ``inf`` when a report only bounds a number from below ("more than
3,000"). Always ``low <= value <= high``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .numerals import NUMBER_WORDS, RATIO, Candidate, is_fraction, read_numbers
from .units import find_unit, lexicon

INF = math.inf

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
_SCORE_AFTER = re.compile(r"^\s*(?:win|victory|loss|defeat|draw|lead|home win|away win)\b",
                          re.IGNORECASE)
_COMPOUND_AFTER = re.compile(r"^-(?:year|month|week|day|hour|minute|second|point|member|"
                             r"storey|story|floor|mile|km)s?\b", re.IGNORECASE)
_NAME_AGE_BEFORE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:Jr|Sr|II|III)\.?)?\s*[,(]\s*$")
_RATIO_DENOMINATOR_BEFORE = re.compile(rf"\b(?:{NUMBER_WORDS}|\d+)\s+(?:in|out\s+of)\s+$",
                                       re.IGNORECASE)
# "half of the 300 workers were killed": the 300 are the group, not the killed
_PARTITIVE_BEFORE = re.compile(
    rf"(?:\b(?:{NUMBER_WORDS}|halves|thirds|quarters|fourths|fifths|most|many|some|several|few|"
    r"none|each|majority|minority|rest|dozens|hundreds|thousands)|\d|%|\bpercent|\bper cent)"
    r"\s+of\s+(?:(?:the|these|those|its|their|our|his|her)\s+)?$", re.IGNORECASE)


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
    measure: str | None = None   # "change" | "required" | None (:mod:`corroborate.text.measures`)


def stated_quantities(text: str, *, approx_rel_width: float = 0.10) -> list[Quantity]:
    """The numbers written in ``text``, read from the surface: numerals and number
    words, hedges, ranges, vague plurals; the counted noun from the words after."""
    out: list[Quantity] = []
    for c in read_numbers(text):
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
        elif is_fraction(text, c):
            if not (re.match(r"^\s*of\b", after) or RATIO.search(text[c.start:c.end])):
                continue              # "a fourth day", "the 1/2 mark": an ordinal or a bare fraction
            kind, unit, value = "percent", "%", value * 100     # "a third of the troops", "one in five"
        elif _RATIO_DENOMINATOR_BEFORE.search(before):
            continue                                            # the 10 of "one in 10 soldiers"
        else:
            unit, kind = find_unit(after, allow_unlisted=not c.is_word or value >= 2,
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
            if kind == "percent" and (c.is_word or RATIO.search(text[c.start:c.end])):
                low, high = _interval(value, "approx", approx_rel_width)
        out.append(Quantity(
            value=float(value), low=float(low), high=float(high), unit=unit, kind=kind,
            approx=bool(c.vague or hedge or (kind == "percent" and low < value)),
            raw=raw, start=start, end=end,
        ))
    return out


def _not_a_count(text: str, c: Candidate) -> bool:
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


def _plausible(value: float, unit: str | None, kind: str, c: Candidate) -> bool:
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

"""Numbers as they are written, read into candidate numbers with their spans.

Number words and scales ("ten thousand", "10k", "1.5 million", "a dozen") are
read by ``recognizers-text-number``; read here are what it misses or misreads:
vulgar fractions ("½ a dozen" is 6, "2½ million"), halves and trailing scale
words ("2 and a half million"), vague plurals ("hundreds of"), and ranges
("10,000-12,000", "between 10 and 12 million"; "3-1" is a score, never a range
written backwards). Powers ("10^100"), numbers beyond
:data:`schema.MAX_MAGNITUDE` (which the recognizer rounds), written dates and
phone numbers are left out.

What a candidate number counts, and whether it is a count at all, is decided
by :mod:`corroborate.text.stated`.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from recognizers_number import Culture, NumberRecognizer

from ..schema import MAX_MAGNITUDE

logger = logging.getLogger(__name__)

NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|dozen|half|third|quarter"
)
_MAYBE_NUMBER = re.compile(rf"\d|\b({NUMBER_WORDS}|dozens|hundreds|thousands|millions|scores)\b",
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
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and)\s*(?:US\$|\$|£|€)?\s*$", re.IGNORECASE)
_CHANGE_VERB = re.compile(
    r"\b(?:rose|risen|rise|rising|grew|grown|increased?|jumped|climbed|fell|fallen|dropped|"
    r"declined?|decreased?|went|surged|soared|plunged|cut|raised|lowered|revised)\s+"
    r"(?:\w+\s+){0,2}from\s*$", re.IGNORECASE)
_TALLY_BEFORE = re.compile(r"\b(?:passed|voted|won|lost|beat|defeated|approved|rejected|carried|"
                           r"finished|ended)\b[^.]{0,20}$", re.IGNORECASE)
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
RATIO = re.compile(r"\s(?:in|out of)\s", re.IGNORECASE)


@dataclass
class Candidate:
    """A number read from the text; ``vague`` names a vague plural or "range"."""

    start: int
    end: int                # exclusive
    value: float
    is_word: bool           # written without digits ("ten thousand")
    vague: str | None = None
    low: float | None = None
    high: float | None = None


def read_numbers(text: str) -> list[Candidate]:
    """The numbers written in ``text``, in order of appearance, ranges merged:
    the recognizer's, the vague plurals and the vulgar fractions, less written
    dates and phone numbers."""
    if not _MAYBE_NUMBER.search(text):
        return []
    own = _vague(text) + _vulgar(text)
    taken = [(v.start, v.end) for v in own]
    cands = [c for c in _recognised(text)
             if not any(s < c.end and c.start < e for s, e in taken)]
    not_numbers = [m.span() for m in _NOT_NUMBER_SPANS.finditer(text)]
    cands = sorted((c for c in cands + own if not any(s < c.end and c.start < e for s, e in not_numbers)),
                   key=lambda c: (c.start, c.end))
    return _merge_ranges(text, cands)


def is_fraction(text: str, c: Candidate) -> bool:
    """A share written as a fraction: "a third", "1/2", "½", "one in five"; never a count."""
    if c.vague is not None or not 0 < c.value < 1:
        return False
    raw = text[c.start:c.end]
    return c.is_word or "/" in raw or any(ch in _VULGAR for ch in raw)


@lru_cache(maxsize=1)
def _number_model() -> Any:
    return NumberRecognizer(Culture.English).get_number_model()


def _recognised(text: str) -> list[Candidate]:
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
        out.append(Candidate(start, end, value, is_word=is_word))
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


def _with_halves_and_scales(text: str, cands: list[Candidate]) -> list[Candidate]:
    """"2 and a half million": the recognizer reads "2" and "a half"; join them, and
    apply a scale word it left after a number ("two and a half thousand")."""
    out: list[Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (prev is not None and c.value == 0.5 and c.is_word and float(prev.value).is_integer()
                and re.fullmatch(r"\s+and\s+", text[prev.end:c.start], re.IGNORECASE)):
            out[-1] = Candidate(prev.start, c.end, prev.value + 0.5, prev.is_word)
            continue
        out.append(c)
    for c in out:
        raw = text[c.start:c.end]
        scale = re.match(r"\s+(thousand|million|billion|trillion)\b", text[c.end:], re.IGNORECASE)
        if scale and not _SCALE.search(raw):
            c.value *= _SCALE_FACTOR[scale.group(1).lower()]
            c.end += scale.end()
    return [c for c in out if abs(c.value) <= MAX_MAGNITUDE]


def _vulgar(text: str) -> list[Candidate]:
    """Numbers written with a vulgar fraction: "½ a dozen" (6), "2½ million", "1 ¾"."""
    out = []
    for m in _VULGAR_NUMBER.finditer(text):
        whole, fraction, article, scale = m.group(1), m.group(2), m.group(3), m.group(4)
        if article and whole:
            continue                                       # "2 ½ a dozen": not a number we can read
        value = (int(whole) if whole else 0) + _VULGAR[fraction]
        if scale:
            value *= _WORD_SCALE[scale.lower()]
        out.append(Candidate(m.start(), m.end(), value, is_word=False))
    return out


def _vague(text: str) -> list[Candidate]:
    out = []
    for m in _VAGUE.finditer(text):
        value, low, high = _VAGUE_INTERVALS[m.group(1).lower()]
        out.append(Candidate(m.start(), m.end(), value, is_word=True, vague=m.group(1).lower(),
                             low=low, high=high))
    return out


def _scale_of(raw: str) -> float:
    m = _SCALE.search(raw)
    return _SCALE_FACTOR[m.group(1).lower()] if m else 1.0


def _merge_ranges(text: str, cands: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
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
                out.append(Candidate(a.start, b.end, (lo + hi) / 2, a.is_word and b.is_word,
                                     vague="range", low=lo, high=hi))
                i += 2
                continue
        out.append(a)
        i += 1
    return out

"""What an article names, for telling one event's reports from another's.

Real reports of one event share their specifics: the people's names and ages,
the street, the proper words (names, places, datelines), and the days they are
about. Each function here reads one of them from an article's text:
:func:`proper_words`, :func:`names`, :func:`ages`, :func:`streets`,
:func:`mentioned_days`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_PROPER = re.compile(r"(?<=[a-z0-9,;:]\s)([A-Z][a-z]{2,})|\b([A-Z]{3,})\b")
# capitalised words that name no particular event
_COMMON_PROPER = frozenset({
    "the", "he", "she", "they", "police", "officers", "sheriff", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "county",
    "street", "avenue", "road", "department", "office", "news", "photo"})
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+)+")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_AGE = re.compile(r"\b(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[- ]year[- ]old", re.IGNORECASE)
_NAME_AGE = re.compile(r"\b[A-Z][a-z]+,\s+(\d{1,3}),")
_STREET = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+)\s+(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|"
                     r"Drive|Lane|Boulevard|Blvd\.|Highway|Way|Place|Court|Parkway)\b")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_MONTH_DAY = re.compile(_MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|"
                         r"November|December)\s+(?:of\s+)?(\d{4})\b")
_WEEKDAYS = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_YESTERDAY = re.compile(r"\b(?:yesterday|last night)\b", re.IGNORECASE)
WEEKDAY_CHARS = 1200          # a report names the day of the event near its start
_COMMON_NAME_WORDS = frozenset({"Police", "Sheriff", "County", "Department", "News", "The", "Monday",
                                "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
MAX_MENTIONED_YEARS = 3


def proper_words(text: str) -> list[str]:
    """Capitalised words that are not at a sentence start, and upper-case words, lower-cased."""
    found = ((a or b).casefold() for a, b in _PROPER.findall(text))
    return [w for w in found if w not in _COMMON_PROPER]


def names(text: str) -> list[str]:
    """Multi-word capitalised names, joined ("jamick_dakota_corley")."""
    out = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w not in _COMMON_NAME_WORDS]
        if len(words) >= 2:
            out.append("_".join(words).casefold())
    return out


def ages(text: str) -> frozenset[int]:
    """Ages stated: "a 16-year-old", "two-year-old", "John Smith, 34,"."""
    found = {int(a) if a.isdigit() else _NUMBER_WORDS[a.casefold()] for a in _AGE.findall(text)}
    return frozenset(found | {int(a) for a in _NAME_AGE.findall(text)})


def streets(text: str) -> frozenset[str]:
    return frozenset(m.group(0).casefold().replace(".", "") for m in _STREET.finditer(text))


def mentioned_days(published: pd.Timestamp | None, text: str) -> np.ndarray:
    """Days (since 1970) an article is about: its publication day and the dates it
    mentions ("Oct. 20", "October 20, 2015", "July 2014"; a date without a year
    is the latest one not after publication), and near its start the weekdays
    ("early Sunday": the latest Sunday on or before publication) and
    "yesterday" / "last night". Empty when undated."""
    if published is None or pd.isna(published):
        return np.zeros(0)
    stamp = pd.Timestamp(published)
    day = (stamp.tz_convert(None) if stamp.tzinfo is not None else stamp).normalize()
    found = {day}
    for m in _MONTH_DAY.finditer(text):
        month, number = _MONTHS[m.group(1)[:3].casefold()], int(m.group(2))
        year = int(m.group(3)) if m.group(3) else day.year
        try:
            date = pd.Timestamp(year, month, number)
            if not m.group(3) and date > day + pd.Timedelta(days=2):
                date = pd.Timestamp(year - 1, month, number)
        except ValueError:
            continue
        found.add(date)
    for m in _MONTH_YEAR.finditer(text):
        found.add(pd.Timestamp(int(m.group(2)), _MONTHS[m.group(1)[:3].casefold()], 15))
    for m in _WEEKDAY.finditer(text[:WEEKDAY_CHARS]):
        # "early Sunday": the latest Sunday on or before publication
        back = (day.day_of_week - _WEEKDAYS[m.group(1).casefold()]) % 7
        found.add(day - pd.Timedelta(days=back))
    if _YESTERDAY.search(text[:WEEKDAY_CHARS]):
        found.add(day - pd.Timedelta(days=1))
    horizon = pd.Timedelta(days=365 * MAX_MENTIONED_YEARS)
    kept = sorted(d for d in found if abs(d - day) <= horizon)
    return np.array([(d - pd.Timestamp("1970-01-01")).days for d in kept], dtype=np.float64)

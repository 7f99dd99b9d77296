"""What a stated number measures besides its unit: a change, or a requirement.

Two figures of one unit are compared only when they measure the same thing. Two readings that
the unit alone does not tell apart are set here, from the words around the number:

* ``"change"``: a percentage that states a rise or a fall ("infections shot up almost 50
  percent", "a 20% increase") is not a share or a level ("37.3% of adults were vaccinated").
* ``"required"``: a threshold ("the 60 votes needed to proceed", "the 1,495,709 signatures
  required", "the bill will need 60 votes") is not a tally ("1,626,042 signatures were
  collected"). A verb with an object ("two people needed hospital treatment") is no threshold.

* ``"rate"``: a count per period ("a seven-day moving average of about 330 deaths", "684 new
  deaths had been reported", "1,000 cases a day") is not a running total ("over 600,000
  deaths"). Counts only.

* a **part of a period** ("first quarter", "first half", "second quarter"): a figure stated for
  part of a year ("$3.5 billion in revenue in the first three months of this year") is not
  the figure of the whole ("$26 billion in sales this year"). Money and counts; "the first
  three months" and "the first quarter" are one period.

* ``"part"``: money stated as a part of something ("a plan with $1 trillion in new spending",
  "the bill includes $200 billion for preschool") is not its whole ("a $1.8 trillion plan").
  Like a threshold, each part is compared only with the same part (the same value).

Every other number measures ``None``: its unit says what it counts. :func:`compared_unit` is
the name a figure is compared under ("% change", "signatures required (1,495,709)").

A threshold is compared only with the same threshold: two outlets stating "51 votes needed"
and "60 votes needed" in one event almost always state two rules (a simple majority to pass,
three fifths to end a filibuster), not rival figures of one, because a rule is fixed, not
estimated. So each required value is its own figure, and neither is ever shown as dissent
against the other. The cost: "1.5 million signatures needed" and "1,495,709 needed" do not
corroborate each other.
"""

from __future__ import annotations

import math
import re

import pandas as pd

#: the words that make a percentage a change when they come just before it
_CHANGE_BEFORE = re.compile(
    r"(?:\b(?:up|down|rose|rise[sn]?|rising|fell|fall(?:s|en|ing)?|jump(?:s|ed|ing)?|"
    r"increas(?:e[sd]?|ing)|decreas(?:e[sd]?|ing)|gr[eo]w(?:s|n|ing)?|drop(?:s|ped|ping)?|"
    r"climb(?:s|ed|ing)?|surg(?:e[sd]?|ing)|soar(?:s|ed|ing)?|plung(?:e[sd]?|ing)|"
    r"declin(?:e[sd]?|ing)|slump(?:s|ed|ing)?|spik(?:e[sd]?|ing)|doubl(?:e[sd]?|ing)|"
    r"cut|gain(?:s|ed|ing)?)"
    r"(?:\s+(?:by|of|some|about|almost|nearly|roughly|around|more\s+than|over|just|another|an?))*\s*$)",
    re.IGNORECASE)
#: the words that make a percentage a change when they come just after it
_CHANGE_AFTER = re.compile(
    r"^\s*(?:points?\s+)?(?:increase|rise|jump|drop|decrease|decline|gain|growth|surge|fall|spike|"
    r"cut|reduction|higher|lower|more|less|fewer)\b", re.IGNORECASE)
#: "up to 10 percent" bounds a figure (it may follow a change: "rise up to 10 percent")
_UP_TO = re.compile(r"\bup\s+to\s*$", re.IGNORECASE)
#: "made up 40 percent" is a share
_MADE_UP = re.compile(r"\b(?:make|makes|made|making)\s+up\s*$", re.IGNORECASE)

#: a threshold named before the number ("will need 60 votes", "a simple majority of 51 votes")
_REQUIRED_BEFORE = re.compile(
    r"\b(?:needs?|needed|requires?|required|requiring|threshold\s+of|majority\s+of|"
    r"quorum\s+of)(?:\s+(?:at\s+least|the|a|an|some|about|roughly|nearly|only|just))*\s*$",
    re.IGNORECASE)
#: a threshold named after the counted words ("60 votes needed to", "signatures required.")
_REQUIRED_AFTER = re.compile(
    r"^\s*(?:[a-z][\w\-]*\s+){0,2}?(?:needed|required|necessary)(?=\s*(?:$|[,.;:!?)\"”]|"
    r"(?:to|for|in|under|by|and|or|so|of)\b))", re.IGNORECASE)

#: a count per period named before the number ("a seven-day moving average of about 330 deaths")
_RATE_BEFORE = re.compile(
    r"\b(?:(?:seven|7|fourteen|14|three|3)[-\s]day\s+(?:moving\s+|rolling\s+)?)?average(?:d|s)?"
    r"(?:\s+(?:of|about|roughly|nearly|some|around|more\s+than|over|almost|just))*\s*$", re.IGNORECASE)
#: a count per period named after it ("684 new deaths", "300 daily cases", "1,000 cases a day")
_RATE_AFTER = re.compile(
    r"^\s*(?:(?:new|daily)\b|(?:[a-z]+\s+){0,2}?(?:a|per|each)\s+(?:day|week|month)\b"
    r"(?!\s+(?:after|before|later|earlier|ago|of|when)\b))", re.IGNORECASE)
#: a part of a year stated after the number ("in revenue in the first three months of this year")
_PERIOD_AFTER = re.compile(
    r"^[^.;:!?]{0,40}?\b(?:in|during|for|over|of)\s+(?:the\s+|its\s+)?"
    r"(first|second|third|fourth|final|last|latest|past)\s+"
    r"(quarter|half|three\s+months|six\s+months|nine\s+months)\b", re.IGNORECASE)
#: the name of each part of a year, keyed by (ordinal, span)
_PERIODS = {("first", "three months"): "first quarter", ("first", "six months"): "first half",
            ("first", "nine months"): "first nine months", ("past", "three months"): "last quarter",
            ("last", "three months"): "last quarter", ("latest", "quarter"): "last quarter",
            ("past", "quarter"): "last quarter", ("final", "quarter"): "fourth quarter",
            ("past", "six months"): "last half", ("last", "six months"): "last half"}
#: money named as a part of something before it ("includes $200 billion", "with $1 trillion in")
_PART_BEFORE = re.compile(
    r"\b(?:includ(?:es?|ed|ing)|contain(?:s|ed|ing)?)(?:\s+(?:about|some|nearly|roughly|almost|"
    r"more\s+than|over|an?\s+additional|another))*\s*$", re.IGNORECASE)
_WITH_BEFORE = re.compile(r"\bwith(?:\s+(?:about|some|nearly|roughly|almost|more\s+than|over))*\s*$",
                          re.IGNORECASE)
_IN_AFTER = re.compile(r"^\s+in\b", re.IGNORECASE)
#: a count stated by an article, not a number ("a booster shot", "an officer")
_ARTICLE = re.compile(r"(?:an?|another|no)\b", re.IGNORECASE)


def measure_of(text: str, start: int, end: int, kind: str) -> str | None:
    """What the number ``text[start:end]`` (of ``kind``) measures besides its unit."""
    before, after = text[max(0, start - 60):start], text[end:end + 60]
    if kind == "percent":
        unhedged = _UP_TO.sub("", before)
        if not _MADE_UP.search(unhedged) and (_CHANGE_BEFORE.search(unhedged) or _CHANGE_AFTER.match(after)):
            return "change"
    if _ARTICLE.match(text[start:end]):
        return None                  # "you don't need a booster shot": no threshold is stated
    if _REQUIRED_BEFORE.search(before) or _REQUIRED_AFTER.match(after):
        return "required"
    if kind == "count" and (_RATE_BEFORE.search(before) or _RATE_AFTER.match(after)):
        return "rate"
    if kind == "money" and (_PART_BEFORE.search(before) or (_WITH_BEFORE.search(before) and _IN_AFTER.match(after))):
        return "part"
    if kind in ("money", "count"):
        period = _PERIOD_AFTER.match(after)
        if period:
            ordinal, span = period.group(1).lower(), " ".join(period.group(2).lower().split())
            return _PERIODS.get((ordinal, span), f"{ordinal} {span}")
    return None


#: what joins a percentage to the change just before it ("rose 0.9% from May and 5.4% over the year")
_COORDINATED = re.compile(r"^[^.;:!?]{0,40}\b(?:and|or)\s+(?:by\s+)?(?:about\s+|almost\s+|nearly\s+)?$",
                          re.IGNORECASE)

#: "40% of adults" is a share, whatever comes before it
_SHARE_AFTER = re.compile(r"\s*of\b", re.IGNORECASE)


def measures_of(text: str, spans: list[tuple[int, int, str]]) -> list[str | None]:
    """The measure of each ``(start, end, kind)`` number of ``text``, in order: :func:`measure_of`,
    and a percentage coordinated with a change before it is a change too."""
    out: list[str | None] = []
    for i, (start, end, kind) in enumerate(spans):
        measure = measure_of(text, start, end, kind)
        if measure is None and kind == "percent" and i and out[-1] == "change" and spans[i - 1][2] == "percent" \
                and _COORDINATED.match(text[spans[i - 1][1]:start]) and not _SHARE_AFTER.match(text[end:]):
            measure = "change"
        out.append(measure)
    return out


def compared_unit(unit: str | None, measure: str | None, value: float | None = None) -> str | None:
    """The name a figure is compared under: its unit, qualified by its measure, and for a
    threshold or a part by its value too (see the module docstring)."""
    if not isinstance(unit, str) or not unit:
        return None
    if not (isinstance(measure, str) and measure):
        return unit
    if measure in ("required", "part") and value is not None and math.isfinite(value):
        return f"{unit} {measure} ({value:,.0f})" if float(value).is_integer() else f"{unit} {measure} ({value:,})"
    return f"{unit} {measure}"


def with_compared_units(quantities: pd.DataFrame) -> pd.DataFrame:
    """``quantities`` with each ``unit`` replaced by the name it is compared under
    (:func:`compared_unit`): the frame the consensus and the reliability of sources read."""
    if "measure" not in quantities or quantities["measure"].isna().all():
        return quantities
    units = [compared_unit(u, m, float(v)) for u, m, v in zip(quantities["unit"], quantities["measure"],
                                                              quantities["value"], strict=True)]
    return quantities.assign(unit=pd.Series(units, index=quantities.index, dtype=object))

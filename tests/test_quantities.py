from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.text.quantities import Quantity, extract_quantities, parse_quantities
from corroborate.text.units import lexicon

from .conftest import CASES

QUANTITY_FILES = sorted((CASES / "quantities").glob("*.txt"))


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for path in QUANTITY_FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() and not line.startswith("#"):
                sentence, expected = line.split(" => ")
                out.append((f"{path.stem}:{n}", sentence.strip(), expected.strip()))
    return out


def _num(x: float) -> str:
    if math.isinf(x):
        return "inf"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.10g}"


def describe(q: Quantity) -> str:
    text = f"{_num(q.value)} [{_num(q.low)}, {_num(q.high)}] {q.unit or '-'} {q.kind}"
    return text + (" ~" if q.approx else "") + (" implied" if q.implicit else "")


CASES_ = _cases()


@pytest.mark.parametrize("case_id,sentence,expected", CASES_, ids=[c[0] for c in CASES_])
def test_quantity_golden_case(case_id: str, sentence: str, expected: str) -> None:
    got = " ; ".join(describe(q) for q in parse_quantities(sentence)) or "none"
    assert got == expected


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES_) >= 200


def test_raw_and_offsets_point_into_the_sentence() -> None:
    s = "Officials said approximately 10,000 North Korean troops and $2.3 billion were involved."
    for q in parse_quantities(s):
        assert s[q.start:q.end] == q.raw
    assert [q.raw for q in parse_quantities(s)] == ["10,000", "$2.3 billion"]


def test_approx_width_is_a_parameter() -> None:
    (q,) = parse_quantities("About 1,000 troops arrived.", approx_rel_width=0.25)
    assert (q.low, q.high) == (750.0, 1250.0)


def test_lexicon_is_data_and_maps_synonyms() -> None:
    lex = lexicon()
    assert lex.units["soldiers"] == lex.units["servicemen"] == "troops"
    assert lex.units["wounded"] == "injured"


def test_extract_quantities_frame() -> None:
    claims = pd.DataFrame({"claim_id": ["a:0", "a:1"],
                           "text": ["About 10,000 troops arrived.", "Nothing to count here at all."]})
    frame = extract_quantities(claims)
    assert frame["claim_id"].tolist() == ["a:0"]
    assert frame.loc[0, "unit"] == "troops" and frame.loc[0, "approx"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_crashes_and_intervals_are_ordered(text: str) -> None:
    for q in parse_quantities(text):
        assert q.low <= q.value <= q.high
        assert 0 <= q.start < q.end <= len(text)


NUMBERISH = st.lists(
    st.sampled_from(["about", "between", "and", "to", "-", "up to", "at least", "some", "10,000",
                     "12,000", "3", "ten", "thousand", "dozens of", "troops", "people", "killed",
                     "$", "1.5", "million", "%", "2024", "Oct.", "No.", "F-16", "aged", "year-old",
                     "were", "hurt", "nearly", ",", "."]),
    max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(NUMBERISH)
def test_parser_on_number_heavy_text(text: str) -> None:
    for q in parse_quantities(text):
        assert q.low <= q.value <= q.high
        assert text[q.start:q.end] == q.raw


def test_a_sentence_about_an_earlier_year_states_no_count_of_this_event() -> None:
    sentence = "In 2008, Dion Wiley, 20, was killed and five others injured at the same club."
    assert [q.unit for q in parse_quantities(sentence)] == ["killed", "injured"]
    assert parse_quantities(sentence, reference_year=2013) == []
    # the year before publication may be this event's ("a July 2014 shooting", written in 2015)
    follow_up = "A July 2014 shooting left a 13-year-old boy dead."
    assert [q.unit for q in parse_quantities(follow_up, reference_year=2015)] == ["killed"]


@pytest.mark.parametrize("numeral", ["1" * 400, "9" * 400, "10,000" + "0" * 396, "1" + "0" * 16,
                                     "10,000,000,000,000,000"])
def test_numbers_beyond_the_largest_magnitude_are_left_out(numeral: str) -> None:
    # the recognizer rounds long numerals (one of them resolves as 1E+4) and the parse would
    # read the digits as inf: both layers must leave them out, whatever the sentence says
    for sentence in (f"{numeral} people were killed.", f"Officials said {numeral} soldiers died."):
        assert parse_quantities(sentence) == []


def test_the_largest_magnitude_itself_is_still_read() -> None:
    (q,) = parse_quantities("1,000,000,000,000,000 people were counted.")
    assert q.value == 1e15 and q.unit == "people"


def test_the_parse_counts_no_digit_the_surface_set_aside() -> None:
    # "000" of "10 000" and the 10 of a power are no numbers of their own
    assert [q.value for q in parse_quantities("10 000 people were evacuated.")] == [10000.0]
    assert parse_quantities("10^100 people were killed.") == []

"""Property tests over the readers, the sentence splitter, the quantity parser and the truth
reader: whatever the input, only the project's documented errors come out, in bounded time.

The default run is short (a few dozen examples each); ``pytest -m fuzz`` runs the long one
(benchmarks/RESULTS.md, "Fuzzing", has its example count and result).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate import split_sentences
from corroborate.errors import InputError
from corroborate.ingest import read_corpus
from corroborate.ingest.claim_table import parse_value, read_claims
from corroborate.text.quantities import parse_quantities

SHORT = settings(max_examples=40, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=10_000, deadline=5000, suppress_health_check=[HealthCheck.too_slow])

# values a scraped record may hold, JSON-encodable
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8)
record = st.fixed_dictionaries({}, optional={
    "text": json_values | st.text(min_size=1, max_size=300), "source": json_values | st.text(min_size=1, max_size=20),
    "title": json_values, "url": json_values, "article_id": json_values,
    "published_at": json_values | st.sampled_from(["2015-03-04", "now", "0001-01-01", "1.7e9", "March 4, 2015"])})
raw_lines = st.lists(st.one_of(
    record.map(lambda r: json.dumps(r).encode()), st.binary(max_size=120),
    st.text(max_size=120).map(lambda t: t.encode("utf-8", "surrogatepass"))), min_size=1, max_size=8)
news_text = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Z", "S", "Cc")),
                    max_size=400)


def _jsonl_never_surprises(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
        for mode in ("skip", "raise"):
            try:
                corpus = read_corpus(path, errors=mode)  # type: ignore[arg-type]
            except InputError:
                continue
            frame, acct = corpus.articles, corpus.accounting
            assert acct["read"] == acct["used"] + acct["rejected"] and acct["used"] == len(frame)
            assert frame["source"].map(lambda s: isinstance(s, str) and bool(s)).all()


def _splitter_keeps_offsets(text: str) -> None:
    for s in split_sentences(text):
        assert 0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.text


def _quantities_are_intervals(text: str) -> None:
    for q in parse_quantities(text, parse=False):
        assert q.low <= q.value <= q.high and not math.isnan(q.value)


def _truth_reader_never_surprises(rows: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.csv"
        path.write_bytes(b"item,value,source,low,high\n" + b"\n".join(rows) + b"\n")
        try:
            table = read_claims(path)
        except InputError:
            return
        for v in table.frame["value"]:
            parse_value(v)                                  # a number or a reason, never an exception


csv_rows = st.lists(st.lists(st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass"))
                             | st.sampled_from([b"5", b"inf", b"-1e308", b"N/A", b"1,000", b"2 1/2"]),
                             min_size=1, max_size=6).map(lambda cells: b",".join(cells)), min_size=1, max_size=6)


@SHORT
@given(raw_lines)
def test_jsonl_reader_raises_only_input_errors(lines: list[bytes]) -> None:
    _jsonl_never_surprises(lines)


@SHORT
@given(news_text)
def test_splitter_keeps_offsets(text: str) -> None:
    _splitter_keeps_offsets(text)


@SHORT
@given(news_text | st.from_regex(r"(about|some|at least|up to)? ?[0-9,.]{1,12} (troops|people|dead|injured)",
                                 fullmatch=True))
def test_quantity_parser_gives_intervals(text: str) -> None:
    _quantities_are_intervals(text)


@SHORT
@given(csv_rows)
def test_truth_reader_raises_only_input_errors(rows: list[bytes]) -> None:
    _truth_reader_never_surprises(rows)


@pytest.mark.fuzz
@LONG
@given(raw_lines)
def test_long_jsonl(lines: list[bytes]) -> None:
    _jsonl_never_surprises(lines)


@pytest.mark.fuzz
@LONG
@given(news_text)
def test_long_splitter(text: str) -> None:
    _splitter_keeps_offsets(text)


@pytest.mark.fuzz
@LONG
@given(news_text)
def test_long_quantities(text: str) -> None:
    _quantities_are_intervals(text)


@pytest.mark.fuzz
@LONG
@given(csv_rows)
def test_long_truth_reader(rows: list[bytes]) -> None:
    _truth_reader_never_surprises(rows)

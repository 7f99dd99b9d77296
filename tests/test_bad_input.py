"""The catalogue of bad input (README, "Bad input"): one case per kind of awkward record.

Each kind either stops the run with a clear error (file, line or row, field, what
was expected; exit code 1) or, with ``errors="skip"`` / ``--on-bad-record skip``,
is left out and listed in ``rejected.jsonl`` with its reason. Nothing is lost
silently: for every kind, records read = used + rejected.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corroborate import read_articles
from corroborate.errors import InputError, RecordError
from corroborate.ingest import read_corpus
from corroborate.text.claims import extract_claims

GOOD = {"text": "Police said twelve people were hurt in the warehouse fire on Main Street.",
        "source": "a.example", "published_at": "2015-03-04T10:00:00Z", "title": "Warehouse fire"}
GOOD2 = {"text": "Firefighters said the warehouse fire on Main Street hurt twelve people.",
         "source": "b.example", "published_at": "2015-03-04T11:00:00Z"}


def _jsonl(tmp: Path, *lines: bytes | dict) -> Path:  # type: ignore[type-arg]
    path = tmp / "corpus.jsonl"
    path.write_bytes(b"".join((x if isinstance(x, bytes) else json.dumps(x).encode()) + b"\n" for x in lines))
    return path


def _record(**changes: object) -> dict:  # type: ignore[type-arg]
    return {**GOOD, **changes}


@dataclass(frozen=True)
class Case:
    """``build(tmp)`` writes the input; ``error`` is in the message of the failing run (or
    ``None`` when the input is accepted); ``rejected`` counts the records skip mode leaves out."""

    build: Callable[[Path], Path | pd.DataFrame]
    error: str | None
    rejected: int = 1
    skip_reason: str | None = None           # what rejected.jsonl says, when not the error's words
    all_bad: bool = False                    # no record is usable: skip mode stops too, saying why
    whole_file: bool = False                 # a problem of the file: skip mode stops too, with the same error


def _parquet(tmp: Path, frame: pd.DataFrame) -> Path:
    path = tmp / "corpus.parquet"
    frame.to_parquet(path)
    return path


def _folder(tmp: Path, files: dict[str, bytes | str], sidecar: str | None = None) -> Path:
    folder = tmp / "articles"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    if sidecar is not None:
        (folder / "metadata.csv").write_text(sidecar, encoding="utf-8")
    return folder


def _jsonl_text(tmp: Path, *lines: str) -> Path:
    """JSONL written as given: escapes such as \\ud800 stay escapes for the reader to decode."""
    path = tmp / "corpus.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _with_raw(field: str, raw_json: str) -> str:
    """GOOD as a JSON line whose ``field`` is ``raw_json``, written as it is."""
    record = {k: v for k, v in GOOD.items() if k != field}
    return json.dumps(record)[:-1] + f', "{field}": {raw_json}}}'


LONE_SURROGATE = '"fire \\ud800 here"'                 # JSON text: the escape, not the character
DIGITS_5000 = "1" * 5000


def _tree(tmp: Path) -> Path:
    folder = _folder(tmp, {"a.example.txt": GOOD["text"]})
    (folder / "2015" / "03").mkdir(parents=True)
    (folder / "2015" / "b.example.txt").write_text(GOOD2["text"], encoding="utf-8")
    (folder / "2015" / "03" / "c.example.txt").write_text(GOOD["text"] + " Again.", encoding="utf-8")
    return folder


def _parquet_table(tmp: Path, columns: dict[str, object]) -> Path:
    """Parquet written by pyarrow itself (no pandas metadata to bring dtypes back)."""
    path = tmp / "corpus.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def _sub_sidecar(tmp: Path) -> Path:
    folder = _folder(tmp, {"a.example.txt": GOOD["text"]})
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(GOOD2["text"], encoding="utf-8")
    (folder / "sub" / "metadata.csv").write_text("file,source\nb.txt,b.example\n", encoding="utf-8")
    return folder


def _outside_link(tmp: Path) -> Path:
    secret = tmp / "secret.txt"
    secret.write_text("The password of the newsroom is hunter2, said the admin.", encoding="utf-8")
    folder = _folder(tmp, {"a.example.txt": GOOD["text"]})
    os.symlink(secret, folder / "stolen.txt")
    return folder


def _inside_link(tmp: Path) -> Path:
    folder = _folder(tmp, {"a.example.txt": GOOD["text"]})
    os.symlink(folder / "a.example.txt", folder / "b.example.txt")
    return folder


CASES: dict[str, Case] = {
    # ---- JSONL
    "jsonl_bad_utf8": Case(lambda t: _jsonl(t, GOOD, b'{"text": "caf\xe9 fire", "source": "x"}', GOOD2),
                           "line 2: not valid UTF-8 (byte 0xe9 at column 14"),
    "jsonl_truncated_line": Case(lambda t: _jsonl(t, GOOD, b'{"text": "a fire", "source": ', GOOD2),
                                 "line 2: invalid JSON: the line ends at column 28 before its JSON object is complete"),
    "jsonl_broken_middle": Case(lambda t: _jsonl(t, GOOD, b'{"text" "a", "source": "x"}', GOOD2),
                                "line 2: invalid JSON at column 9"),
    "jsonl_not_an_object": Case(lambda t: _jsonl(t, GOOD, b"[1, 2, 3]", GOOD2), "line 2: expected a JSON object"),
    "jsonl_deep_nesting": Case(lambda t: _jsonl(t, GOOD, b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                                                GOOD2), "line 2"),
    "jsonl_bom": Case(lambda t: _jsonl(t, b"\xef\xbb\xbf" + json.dumps(GOOD).encode(), GOOD2), None, 0),
    "jsonl_blank_lines": Case(lambda t: _jsonl(t, b"", b"   ", GOOD, b"", GOOD2), None, 0),
    "jsonl_missing_text": Case(lambda t: _jsonl(t, {"source": "x"}, GOOD2), "line 1, field 'text': missing"),
    "jsonl_empty_text": Case(lambda t: _jsonl(t, _record(text="   "), GOOD2), "field 'text': missing or empty"),
    "jsonl_text_number": Case(lambda t: _jsonl(t, _record(text=42), GOOD2),
                              "field 'text': expected text, got a number (42)"),
    "jsonl_text_only_control": Case(lambda t: _jsonl(t, _record(text="\u0000\u0007"), GOOD2),
                                    "holds only control characters"),
    "jsonl_source_missing": Case(lambda t: _jsonl(t, _record(source=None), GOOD2), "field 'source': missing"),
    "jsonl_source_number": Case(lambda t: _jsonl(t, _record(source=42), GOOD2),
                                "field 'source': expected text, got a number (42)"),
    "jsonl_source_list": Case(lambda t: _jsonl(t, _record(source=["a", "b"]), GOOD2),
                              "field 'source': expected text, got a list"),
    "jsonl_source_control": Case(lambda t: _jsonl(t, _record(source="a\u001b[31m.example"), GOOD2),
                                 "field 'source': contains the control character U+001B"),
    "jsonl_title_object": Case(lambda t: _jsonl(t, _record(title={"en": "x"}), GOOD2),
                               "field 'title': expected text, got an object"),
    "jsonl_url_number": Case(lambda t: _jsonl(t, _record(url=3), GOOD2), "field 'url': expected text"),
    "jsonl_article_id_bool": Case(lambda t: _jsonl(t, _record(article_id=True), GOOD2),
                                  "field 'article_id': expected text, got a boolean"),
    "jsonl_date_number": Case(lambda t: _jsonl(t, _record(published_at=5), GOOD2),
                              "field 'published_at': a number (5), not a date"),
    "jsonl_date_epoch_float": Case(lambda t: _jsonl(t, _record(published_at=1.7e9), GOOD2),
                                   "field 'published_at': a number (1700000000.0)"),
    "jsonl_date_digits_text": Case(lambda t: _jsonl(t, _record(published_at="1700000000"), GOOD2),
                                   "field 'published_at': a number '1700000000'"),
    "jsonl_date_now": Case(lambda t: _jsonl(t, _record(published_at="now"), GOOD2),
                           "field 'published_at': not an absolute date: 'now'"),
    "jsonl_date_today": Case(lambda t: _jsonl(t, _record(published_at="Today"), GOOD2),
                             "not an absolute date: 'Today'"),
    "jsonl_date_words": Case(lambda t: _jsonl(t, _record(published_at="last Tuesday"), GOOD2),
                             "not an absolute date"),
    "jsonl_date_unparseable": Case(lambda t: _jsonl(t, _record(published_at="2015-13-45"), GOOD2),
                                   "field 'published_at': not a date or time"),
    "jsonl_date_year_0001": Case(lambda t: _jsonl(t, _record(published_at="0001-01-01"), GOOD2),
                                 "year 1 is outside 1900-2100"),
    "jsonl_date_bool": Case(lambda t: _jsonl(t, _record(published_at=True), GOOD2), "a number (True)"),
    "jsonl_duplicate_same_text": Case(lambda t: _jsonl(t, _record(article_id="x"), _record(article_id="x"), GOOD2),
                                      None, 1),
    "jsonl_duplicate_other_text": Case(lambda t: _jsonl(t, _record(article_id="x"),
                                                        _record(article_id="x", text=GOOD2["text"]), GOOD2),
                                       "line 2, field 'article_id': 'x' already used by", 2,
                                       "'x' has 2 different texts"),
    "jsonl_all_bad": Case(lambda t: _jsonl(t, {"source": "x"}, b"[]"), "line 1, field 'text': missing", 2,
                          all_bad=True),
    **{f"jsonl_lone_surrogate_{name}": Case(
        lambda t, name=name: _jsonl_text(t, _with_raw(name, LONE_SURROGATE), json.dumps(GOOD2)),
        f"line 1, field '{name}': not valid Unicode: a lone surrogate U+D800 at character 6")
       for name in ("text", "source", "title", "url", "article_id", "published_at")},
    "jsonl_article_id_5000_digits": Case(lambda t: _jsonl_text(t, _with_raw("article_id", DIGITS_5000),
                                                               json.dumps(GOOD2)),
                                         "line 1, field 'article_id': an integer of 5,000 digits: too long"),
    "jsonl_date_5000_digits": Case(lambda t: _jsonl_text(t, _with_raw("published_at", DIGITS_5000), json.dumps(GOOD2)),
                                   "line 1, field 'published_at': a number (an integer of 5,000 digits), not a date"),
    "jsonl_text_5000_digits": Case(lambda t: _jsonl_text(t, _with_raw("text", DIGITS_5000), json.dumps(GOOD2)),
                                   "line 1, field 'text': expected text, got a number (an integer of 5,000"),
    "jsonl_key_twice": Case(lambda t: _jsonl_text(t, json.dumps(GOOD)[:-1] + ', "source": "b.example"}',
                                                          json.dumps(GOOD2)),
                            "line 1, field 'source': named twice in the line's JSON object"),
    "jsonl_date_past_2100_in_utc": Case(lambda t: _jsonl(t, _record(published_at="2100-12-31T23:59:59-05:00"), GOOD2),
                                        "field 'published_at': year 2101 (in UTC: 2101-01-01T04:59:59+00:00) is "
                                        "outside 1900-2100"),
    "jsonl_date_before_1900_in_utc": Case(lambda t: _jsonl(t, _record(published_at="1900-01-01T01:00:00+05:00"),
                                                           GOOD2), "field 'published_at': year 1899"),
    "jsonl_source_only_invisible": Case(lambda t: _jsonl(t, _record(source="\u200b\u202e"), GOOD2),
                                        "field 'source': empty once format characters, a URL scheme and 'www.' "
                                        "are removed"),
    "jsonl_source_only_scheme": Case(lambda t: _jsonl(t, _record(source="https://"), GOOD2),
                                     "field 'source': empty once format characters"),
    "jsonl_article_id_invisible": Case(lambda t: _jsonl(t, _record(article_id="a-1\u200b"), GOOD2),
                                       "field 'article_id': contains the invisible format character U+200B"),
    "jsonl_text_only_markup": Case(lambda t: _jsonl(t, _record(text="<p> </p><script>alert(1)</script>"), GOOD2),
                                   "field 'text': holds only control characters, format characters or markup"),
    "jsonl_text_html": Case(lambda t: _jsonl(t, _record(text="<p>Police said twelve &amp; more.</p>"), GOOD2), None, 0),
    # ---- CSV
    "csv_bad_utf8": Case(lambda t: _write(t, "c.csv", b"text,source\n\"fine text here\",a\n\"caf\xe9\",b\n"),
                         "c.csv:line 3: not valid UTF-8 (byte 0xe9 at column 5)"),
    "csv_bom": Case(lambda t: _write(t, "c.csv", "\ufefftext,source\n" + GOOD["text"] + ",a.example\n"), None, 0),
    "csv_missing_source": Case(lambda t: _write(t, "c.csv", f"text,source\n{GOOD['text']},\n{GOOD2['text']},b\n"),
                               "c.csv:row 1, field 'source': missing"),
    "csv_ragged_row": Case(lambda t: _write(t, "c.csv", f"text,source\n{GOOD['text']},a,extra,more\n{GOOD2['text']},b\n"),
                           "c.csv:row 1: has 4 fields; the header (line 1) has 2"),
    "csv_empty_file": Case(lambda t: _write(t, "c.csv", ""), "cannot parse CSV"),
    "csv_relative_date": Case(lambda t: _write(t, "c.csv", f"text,source,published_at\n{GOOD['text']},a,yesterday\n"
                                                          f"{GOOD2['text']},b,2015-03-04\n"),
                              "c.csv:row 1, field 'published_at': not an absolute date: 'yesterday'"),
    "csv_quote_never_closed": Case(lambda t: _write(t, "c.csv", f'text,source\n"{GOOD["text"]},a\n{GOOD2["text"]},b\n'),
                                   "c.csv:line 2 (row 1), field 'text': cannot parse CSV: the quote that opens "
                                   "this field is never closed", whole_file=True),
    "csv_quote_takes_in_rows": Case(lambda t: _write(t, "c.csv", f'text,source\n{GOOD["text"]},a\n"Fire crews came,b\n'
                                                                f'"{GOOD2["text"]}",c\n'),
                                    "c.csv:line 3 (row 2), field 'text': cannot parse CSV: the quote that opens this "
                                    "field is not closed on its line; it takes in the lines after it up to line 4",
                                    whole_file=True),
    "csv_quote_not_doubled": Case(lambda t: _write(t, "c.csv", f'text,source\n"He said "no" to it",a\n{GOOD2["text"]},b\n'),
                                  "c.csv:row 1: cannot parse CSV at line 2"),
    "csv_column_twice": Case(lambda t: _write(t, "c.csv", f"text,source,source\n{GOOD['text']},a,b\n"),
                             "c.csv:line 1: column 'source' is named twice (fields 2 and 3)", whole_file=True),
    "csv_field_over_131072_chars": Case(lambda t: _write(t, "c.csv", "text,source\n" + "word " * 30_000 + ",a\n"),
                                        None, 0),
    # ---- Parquet
    "parquet_source_list": Case(lambda t: _parquet(t, pd.DataFrame({"text": [GOOD["text"], GOOD2["text"]],
                                                                   "source": [["a", "b"], ["c"]]})),
                                "field 'source': expected text, got a list", 2, all_bad=True),
    "parquet_source_bytes": Case(lambda t: _parquet(t, pd.DataFrame({"text": [GOOD["text"], GOOD2["text"]],
                                                                    "source": [b"a", b"b"]})),
                                 "field 'source': expected text, got bytes", 2, all_bad=True),
    "parquet_source_float": Case(lambda t: _parquet(t, pd.DataFrame({"text": [GOOD["text"], GOOD2["text"]],
                                                                    "source": [1.5, 2.5]})),
                                 "field 'source': expected text, got a number (1.5)", 2, all_bad=True),
    "parquet_epoch_seconds": Case(lambda t: _parquet(t, pd.DataFrame({
        "text": [GOOD["text"], GOOD2["text"]], "source": ["a", "b"], "published_at": [1425463200, None]})),
        "field 'published_at': a number (1425463200.0)"),
    "parquet_timestamps": Case(lambda t: _parquet(t, pd.DataFrame({
        "text": [GOOD["text"]], "source": ["a"], "published_at": pd.to_datetime(["2015-03-04T10:00:00Z"])})),
        None, 0),
    "parquet_corrupt": Case(lambda t: _write(t, "c.parquet", b"PAR1 this is not parquet"), "cannot read Parquet"),
    "parquet_integer_id_with_null": Case(lambda t: _parquet_table(t, {
        "text": [f"{GOOD['text']} {i}." for i in range(4)], "source": ["a", "b", "c", "d"],
        "article_id": pa.array([1, 2, None, 4], pa.int64())}), None, 0),
    # ---- .txt folders
    "txt_bad_utf8": Case(lambda t: _folder(t, {"a.txt": GOOD["text"], "b.txt": b"Line one.\nSecond caf\xe9 line"}),
                         "b.txt:line 2, field 'text': not valid UTF-8"),
    "txt_empty_file": Case(lambda t: _folder(t, {"a.txt": GOOD["text"], "b.txt": ""}),
                           "b.txt, field 'text': missing or empty"),
    "txt_symlink_outside": Case(_outside_link, "stolen.txt: a symbolic link to a file outside the input folder"),
    "txt_symlink_inside": Case(_inside_link, None, 0),
    "txt_sidecar_missing_file": Case(lambda t: _folder(t, {"a.txt": GOOD["text"]},
                                                       "file,source\na.txt,a.example\nmissing.txt,b.example\n"),
                                     "metadata.csv:row 2, field 'file': no such file"),
    "txt_sidecar_traversal": Case(lambda t: _folder(t, {"a.txt": GOOD["text"]},
                                                    "file,source\na.txt,a.example\n../a.txt,b.example\n"),
                                  "metadata.csv:row 2, field 'file': '../a.txt' is not a file name"),
    "txt_sidecar_listed_twice": Case(lambda t: _folder(t, {"a.txt": GOOD["text"]},
                                                       "file,source\na.txt,a.example\na.txt,b.example\n"),
                                     "metadata.csv:row 2, field 'file': 'a.txt' is listed twice"),
    "txt_unlisted_file": Case(lambda t: _folder(t, {"a.txt": GOOD["text"], "b.txt": GOOD2["text"]},
                                                "file,source\na.txt,a.example\n"), "b.txt: not listed in metadata.csv"),
    "txt_bad_sidecar_date": Case(lambda t: _folder(t, {"a.txt": GOOD["text"], "b.txt": GOOD2["text"]},
                                                   "file,source,published_at\na.txt,a,now\nb.txt,b,2015-03-04\n"),
                                 "field 'published_at': not an absolute date: 'now'"),
    "txt_sub_folders": Case(_tree, None, 0),
    "txt_name_impossible_date": Case(lambda t: _folder(t, {"a.example__2015-02-30__title.txt": GOOD["text"],
                                                           "b.example.txt": GOOD2["text"]}),
                                     "a.example__2015-02-30__title.txt, field 'published_at': not a date or time: "
                                     "'2015-02-30'"),
    "txt_name_date_without_title": Case(lambda t: _folder(t, {"a.example__2015-03-04__.txt": GOOD["text"]}), None, 0),
    "txt_name_not_utf8": Case(lambda t: _folder(t, {os.fsdecode(b"caf\xe9.example.txt"): GOOD["text"],
                                                    "b.example.txt": GOOD2["text"]}),
                              "caf\\xe9.example.txt, field 'source': the file name is not valid UTF-8 (byte 0xe9)"),
    "txt_sidecar_in_sub_folder": Case(_sub_sidecar, "only the metadata.csv at the top of", whole_file=True),
    "txt_sidecar_ragged_row": Case(lambda t: _folder(t, {"a.txt": GOOD["text"], "b.txt": GOOD2["text"]},
                                                     "file,source\na.txt,a.example,extra\nb.txt,b.example\n"),
                                   "metadata.csv:row 1: has 3 fields; the header (line 1) has 2", 2,
                                   skip_reason="metadata.csv"),
    # ---- DataFrames
    "frame_source_none": Case(lambda t: pd.DataFrame([_record(source=None), GOOD2]), "<DataFrame>:row 1, field 'source'"),
    "frame_text_nan": Case(lambda t: pd.DataFrame([_record(text=float("nan")), GOOD2]), "field 'text': missing"),
    "frame_date_int": Case(lambda t: pd.DataFrame([_record(published_at=5), GOOD2]), "a number (5)"),
    "frame_lone_surrogate": Case(lambda t: pd.DataFrame([_record(title="fire \ud800"), GOOD2], dtype=object),
                                 "<DataFrame>:row 1, field 'title': not valid Unicode: a lone surrogate U+D800"),
    "frame_column_twice": Case(lambda t: pd.DataFrame([[GOOD["text"], "a", "b"]], columns=["text", "source", "source"]),
                               "<DataFrame>: column(s) 'source' named more than once", whole_file=True),
    "frame_float_article_id": Case(lambda t: pd.DataFrame([_record(article_id=1.0), _record(article_id=float("nan"),
                                                                                           text=GOOD2["text"])]),
                                   "row 1, field 'article_id': expected text or an integer, got a number (1.0): an "
                                   "integer column with a missing value"),
    "frame_na_title": Case(lambda t: pd.DataFrame([_record(title=pd.NA), GOOD2], dtype=object), None, 0),
}


def _write(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_the_catalogue_has_forty_kinds() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("kind", sorted(CASES))
def test_bad_input_fails_clearly_or_is_listed(kind: str, tmp_path: Path) -> None:
    case = CASES[kind]
    src = case.build(tmp_path)
    if case.error is None:
        corpus = read_corpus(src)                        # accepted as it is
        assert corpus.accounting["rejected"] == case.rejected
    else:
        with pytest.raises(InputError) as err:
            read_articles(src)
        assert case.error in str(err.value), str(err.value)
        if isinstance(err.value, RecordError):
            assert err.value.location and err.value.reason
    if case.all_bad:
        with pytest.raises(InputError, match=f"no usable article .{case.rejected} rejected; first: "):
            read_articles(src, errors="skip")
        return
    if case.whole_file:
        with pytest.raises(InputError) as err:
            read_articles(src, errors="skip")
        assert case.error in str(err.value), str(err.value)
        return
    if (case.error or "").startswith("cannot") or kind in ("csv_bad_utf8", "csv_empty_file"):
        return                                           # a whole-file problem: no record can be used
    corpus = read_corpus(src, errors="skip")
    frame, rejected, acct = corpus.articles, corpus.rejected, corpus.accounting
    assert len(rejected) == case.rejected == acct["rejected"], rejected
    assert acct["read"] == acct["used"] + acct["rejected"] and acct["used"] == len(frame)
    said = [f"{r['location']}, field {r['field']!r}: {r['reason']}" if r["field"] else f"{r['location']}: {r['reason']}"
            for r in rejected]
    if case.skip_reason is not None:
        assert all(case.skip_reason in x for x in said), said
    elif case.error is not None and case.rejected:
        assert any(case.error in x for x in said), said
    for column in ("text", "source", "title"):
        for value in frame[column].dropna():
            assert "\x00" not in value and "\x1b" not in value


def test_skip_keeps_every_record_after_a_bad_byte(tmp_path: Path) -> None:
    rows = [dict(GOOD, article_id=f"a{i}", text=f"{GOOD['text']} Number {i}.") for i in range(140)]
    lines = [json.dumps(r).encode() for r in rows]
    lines.insert(62, b'{"text": "caf\xe9", "source": "x"}')
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    corpus = read_corpus(path, errors="skip")
    assert len(corpus.articles) == 140 and [r["location"] for r in corpus.rejected] == [f"{path}:line 63"]
    assert corpus.accounting == {"input": str(path), "read": 141, "used": 140, "rejected": 1}


def test_control_characters_are_cleaned_from_text_and_title(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, _record(text="Police\u0000 said \u001b[31mtwelve\u001b[0m were hurt.", title="A\u0007B"))
    row = read_articles(path).iloc[0]
    assert row["text"] == "Police  said      twelve     were hurt." and row["title"] == "A B"


def test_duplicate_ids_with_different_texts_do_not_depend_on_order(tmp_path: Path) -> None:
    a, b = _record(article_id="x"), _record(article_id="x", text=GOOD2["text"])
    (tmp_path / "1").mkdir()
    (tmp_path / "2").mkdir()
    one = read_corpus(_jsonl(tmp_path / "1", a, b, GOOD2), errors="skip")
    two = read_corpus(_jsonl(tmp_path / "2", b, a, GOOD2), errors="skip")
    assert one.articles.equals(two.articles) and list(one.articles["source"]) == ["b.example"]
    assert all("none is used" in r["reason"] for r in one.rejected)


def test_chinese_articles_are_split_into_claims() -> None:
    frame = pd.DataFrame([{"article_id": "zh", "source": "x", "title": None,
                           "text": "北京市政府周一表示，暴雨造成至少十二人死亡。救援人员仍在搜寻失踪者和被困的居民。"}])
    claims, dropped = extract_claims(frame, min_words=5)
    assert list(claims["text"]) == ["北京市政府周一表示，暴雨造成至少十二人死亡。", "救援人员仍在搜寻失踪者和被困的居民。"]
    assert dropped.empty

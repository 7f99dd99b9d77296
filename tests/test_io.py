from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corroborate import InputError, RecordError, read_articles
from corroborate.atomic import write_jsonl
from corroborate.ingest import read_corpus
from corroborate.ingest.records import stable_article_id

ROWS = [
    {"text": "Troops arrived in the region on Monday.", "source": "a.example", "title": "T1",
     "published_at": "2024-10-28T10:00:00Z", "url": "https://a.example/1"},
    {"text": "The ministry denied the report on Tuesday.", "source": "b.example",
     "article_id": "b-1", "published_at": "2024-10-29"},
]


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_reads_and_normalises(tmp_path: Path) -> None:
    corpus = read_corpus(_jsonl(tmp_path / "c.jsonl", ROWS))
    frame = corpus.articles
    assert list(frame.columns) == ["article_id", "source", "title", "url", "published_at", "text"]
    assert len(frame) == 2
    by_source = frame.set_index("source")
    assert by_source.loc["b.example", "article_id"] == "b-1"
    assert by_source.loc["a.example", "article_id"] == stable_article_id("a.example", ROWS[0]["text"])
    assert str(by_source.loc["b.example", "published_at"]) == "2024-10-29 00:00:00+00:00"
    assert corpus.rejected == [] and frame.attrs == {}


def test_malformed_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n\n" + '{"text": "broken", "source": \n', encoding="utf-8")
    with pytest.raises(RecordError) as err:
        read_articles(path)
    assert f"{path}:line 3" in str(err.value)
    assert "invalid JSON" in str(err.value)


@pytest.mark.parametrize("record,field", [
    ({"source": "a"}, "text"),
    ({"text": "   ", "source": "a"}, "text"),
    ({"text": "Some text here.", "source": ""}, "source"),
    ({"text": "Some text here.", "source": "a", "published_at": "not a date"}, "published_at"),
    ({"text": ["a", "list"], "source": "a"}, "text"),
])
def test_bad_field_is_named(tmp_path: Path, record: dict[str, object], field: str) -> None:
    path = _jsonl(tmp_path / "c.jsonl", [ROWS[0], record])
    with pytest.raises(RecordError) as err:
        read_articles(path)
    assert err.value.field == field
    assert f"{path}:line 2, field '{field}'" in str(err.value)


def test_skip_mode_reports_every_rejected_record(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\nnot json\n" + json.dumps({"source": "x"}) + "\n"
                    + json.dumps(ROWS[1]) + "\n", encoding="utf-8")
    corpus = read_corpus(path, errors="skip")
    assert len(corpus.articles) == 2
    rejected = corpus.rejected
    assert [(r["location"], r["field"]) for r in rejected] == [
        (f"{path}:line 2", None), (f"{path}:line 3", "text")]


def test_exact_duplicate_is_reported_not_fatal(tmp_path: Path) -> None:
    corpus = read_corpus(_jsonl(tmp_path / "c.jsonl", [ROWS[0], ROWS[0]]))
    assert len(corpus.articles) == 1
    assert corpus.rejected[0]["reason"].startswith("duplicate of ")


def test_conflicting_article_ids_fail(tmp_path: Path) -> None:
    rows = [{**ROWS[1]}, {**ROWS[1], "text": "A different text entirely."}]
    with pytest.raises(RecordError, match="already used by"):
        read_articles(_jsonl(tmp_path / "c.jsonl", rows))


def test_csv_parquet_and_frame_agree(tmp_path: Path) -> None:
    frame = pd.DataFrame(ROWS)
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "c.parquet")
    from_csv = read_articles(tmp_path / "c.csv")
    from_parquet = read_articles(tmp_path / "c.parquet")
    from_frame = read_articles(frame)
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    pd.testing.assert_frame_equal(from_csv, from_frame)


def test_csv_row_is_named(tmp_path: Path) -> None:
    pd.DataFrame([ROWS[0], {"text": "", "source": "z"}]).to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(RecordError, match=r"c\.csv:row 2, field 'text'"):
        read_articles(tmp_path / "c.csv")


def test_input_order_does_not_matter(tmp_path: Path) -> None:
    a = read_articles(_jsonl(tmp_path / "a.jsonl", ROWS))
    b = read_articles(_jsonl(tmp_path / "b.jsonl", list(reversed(ROWS))))
    pd.testing.assert_frame_equal(a, b)


def test_txt_folder_with_sidecar(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Troops arrived on Monday in the region.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,source,title,published_at\none.txt,ap.example,Troops arrive,2024-10-28T09:00:00Z\n",
        encoding="utf-8")
    frame = read_articles(tmp_path).set_index("source")
    assert frame.loc["ap.example", "title"] == "Troops arrive"


def test_txt_folder_metadata_from_file_names(tmp_path: Path) -> None:
    (tmp_path / "reuters__2024-10-28__troops-arrive.txt").write_text(
        "Officials confirmed the troops arrived.\n", encoding="utf-8")
    frame = read_articles(tmp_path).set_index("source")
    assert frame.loc["reuters", "title"] == "troops arrive"            # from the file name
    assert frame.loc["reuters", "published_at"] == pd.Timestamp("2024-10-28", tz="UTC")


def test_txt_not_listed_in_the_sidecar_is_never_used_silently(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Troops arrived on Monday in the region.\n", encoding="utf-8")
    (tmp_path / "stray.txt").write_text("Officials confirmed the troops arrived.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,source\none.txt,ap.example\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"stray\.txt: not listed in metadata\.csv"):
        read_articles(tmp_path)
    corpus = read_corpus(tmp_path, errors="skip")
    assert list(corpus.articles["source"]) == ["ap.example"]
    assert [r["location"] for r in corpus.rejected] == [str(tmp_path / "stray.txt")]


def test_sidecar_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Troops arrived on Monday.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,source\nmissing.txt,ap\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"metadata\.csv:row 1, field 'file'"):
        read_articles(tmp_path)


def test_non_utf8_text_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 troops arrived on Monday")
    with pytest.raises(RecordError, match=r"bad\.txt:line 1, field 'text': not valid UTF-8 \(byte 0xe9 at column 4\)"):
        read_articles(tmp_path)


@pytest.mark.parametrize("name,message", [
    ("missing.jsonl", "no such file"),
    ("data.xml", "unknown input format"),
])
def test_unusable_paths(tmp_path: Path, name: str, message: str) -> None:
    if name.endswith(".xml"):
        (tmp_path / name).write_text("<x/>", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_articles(tmp_path / name)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds no .txt"):
        read_articles(tmp_path)


def test_example_corpus_reads(example_dir: Path) -> None:
    frame = read_articles(example_dir)
    assert len(frame) >= 12
    assert frame["source"].nunique() >= 8
    assert frame["published_at"].notna().all()


def test_write_jsonl_is_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "out" / "x.jsonl"
    write_jsonl(path, [{"a": float("inf"), "b": pd.Timestamp("2024-01-01", tz="UTC"), "c": 0.1234567891}])
    assert json.loads(path.read_text()) == {"a": None, "b": "2024-01-01T00:00:00+00:00", "c": 0.123457}
    assert not list(path.parent.glob(".*tmp"))


# --------------------------------------------------------------------------- locations, outlets, cleaning

def test_errors_after_a_reject_name_the_true_line(tmp_path: Path, fake_embedder: object) -> None:
    from corroborate import Corroborator

    path = _jsonl(tmp_path / "c.jsonl", [{"source": "x"}, *ROWS, {**ROWS[0], "text": "Troops left on Friday."}])
    corpus = read_corpus(path, errors="skip")            # line 1 is rejected: rows no longer match lines
    frame = corpus.articles
    assert [r["location"] for r in corpus.rejected] == [f"{path}:line 1"]
    late = frame["text"] == "Troops left on Friday."
    frame.loc[late, "published_at"] = pd.Timestamp("1850-01-01", tz="UTC")   # a fault found after reading
    with pytest.raises(RecordError, match=rf"{path}:line 4, field 'published_at': year 1850"):
        read_articles(frame)
    with pytest.raises(RecordError, match=rf"{path}:line 4, field 'published_at'"):
        Corroborator(embedder=fake_embedder).prepare(frame)   # the pipeline reads the frame again


def test_a_date_in_2100_local_but_2101_in_utc_is_rejected_at_its_line(tmp_path: Path) -> None:
    rows = [ROWS[0], {**ROWS[1], "published_at": "2100-12-31T23:59:59-05:00"},
            {**ROWS[1], "article_id": "b-2", "published_at": "2100-12-31T23:59:59Z"},
            {**ROWS[1], "article_id": "b-3", "published_at": "1900-01-01T00:00:00Z"}]
    path = _jsonl(tmp_path / "c.jsonl", rows)
    corpus = read_corpus(path, errors="skip")
    frame = corpus.articles
    assert [(r["location"], r["field"]) for r in corpus.rejected] == [(f"{path}:line 2", "published_at")]
    assert "year 2101 (in UTC: 2101-01-01T04:59:59+00:00) is outside 1900-2100" in corpus.rejected[0]["reason"]
    pd.testing.assert_frame_equal(read_articles(frame), frame)   # what the reader kept passes it again


SPELLINGS = ["CNN.com", "cnn.com", "www.cnn.com", "https://www.cnn.com/"]


@pytest.mark.parametrize("hidden", ["", "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u200f"])
def test_one_outlet_spelled_many_ways_is_one_source(hidden: str) -> None:
    rows = [{"text": f"Troops arrived in the region, report number {i}.", "source": hidden + s + hidden}
            for i, s in enumerate(SPELLINGS)]
    corpus = read_corpus(pd.DataFrame(rows))
    assert list(corpus.articles["source"].unique()) == ["CNN.com"]          # one article each: the smallest string
    spellings = corpus.accounting["source_spellings"]
    assert spellings == {"CNN.com": sorted(hidden + s + hidden for s in SPELLINGS)}
    again = read_corpus(pd.DataFrame(rows[::-1]))
    pd.testing.assert_frame_equal(again.articles, corpus.articles)
    assert again.accounting == corpus.accounting


def test_the_display_name_is_the_spelling_most_articles_use() -> None:
    rows = [{"text": f"Troops arrived, report {i}.", "source": s}
            for i, s in enumerate(["Reuters", "reuters", "Reuters", "REUTERS."])]
    frame = read_articles(pd.DataFrame(rows))
    assert list(frame["source"].unique()) == ["Reuters"]
    # the hash id depends on the outlet, not on how it was spelled
    assert read_articles(pd.DataFrame([{**rows[0], "source": "REUTERS"}]))["article_id"].tolist() == [
        stable_article_id("reuters", rows[0]["text"])]


def test_sources_that_are_not_one_outlet_stay_apart() -> None:
    rows = [{"text": f"Troops arrived, report {i}.", "source": s}
            for i, s in enumerate(["cnn.com", "cnn.co.uk", "edition.cnn.com", "AP/Reuters", "ap"])]
    corpus = read_corpus(pd.DataFrame(rows))
    assert sorted(corpus.articles["source"]) == ["AP/Reuters", "ap", "cnn.co.uk", "cnn.com", "edition.cnn.com"]
    assert "source_spellings" not in corpus.accounting


def test_html_is_turned_into_text_and_counted() -> None:
    page = ("<html><head><title>Fire</title><style>p {color: red}</style></head><body>"
            "<h1>Warehouse fire</h1><p>Police said twelve people were hurt &amp; two are missing.</p>"
            "<script>track('x < y')</script><p>It&#8217;s the <b>third</b> fire\nthis year.</p></body></html>")
    rows = [{"text": page, "source": "a.example", "title": "<b>Fire</b> on Main St &amp; 5th"},
            {"text": "If a < b and x<3, nothing is markup &amp; AT&T stays.", "source": "b.example"}]
    corpus = read_corpus(pd.DataFrame(rows))
    frame = corpus.articles.set_index("source")
    assert frame.loc["a.example", "text"] == ("Warehouse fire\n\nPolice said twelve people were hurt & two are "
                                              "missing.\n\nIt’s the third fire this year.")
    assert frame.loc["a.example", "title"] == "Fire on Main St & 5th"
    assert frame.loc["b.example", "text"] == "If a < b and x<3, nothing is markup & AT&T stays."
    assert corpus.accounting["cleaned"] == {"entities": 4, "html": 1}


def test_bidi_and_zero_width_characters_are_removed_and_offsets_fit() -> None:
    from corroborate.text.claims import extract_claims

    text = "Officials said \u202eLLIK 21\u202c people were hurt in the fire.\u200b Police con\u00adfirmed it today."
    corpus = read_corpus(pd.DataFrame([{"text": text, "source": "a\u200b.example", "title": "Fire\u2066!\u2069"}]))
    frame = corpus.articles
    row = frame.iloc[0]
    assert row["text"] == "Officials said LLIK 21 people were hurt in the fire. Police confirmed it today."
    assert row["title"] == "Fire!" and row["source"] == "a.example"
    assert corpus.accounting["cleaned"] == {"format_characters": 6}        # the source's is not text
    claims, _ = extract_claims(frame, min_words=3)
    assert len(claims) == 2
    assert all(row["text"][s:e] == t for s, e, t in zip(claims["start"], claims["end"], claims["text"], strict=True))


def test_joiners_that_a_script_needs_stay() -> None:
    text = "The minister said the plan is final: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 today."
    assert read_articles(pd.DataFrame([{"text": text, "source": "a"}]))["text"].iloc[0] == text


def test_reading_a_read_frame_again_decodes_nothing_twice() -> None:
    rows = [{"text": "The code &amp;lt;b&amp;gt; was shown in <i>the</i> report on Monday.", "source": "a"}]
    frame = read_articles(pd.DataFrame(rows))
    assert frame["text"].iloc[0] == "The code &lt;b&gt; was shown in the report on Monday."
    pd.testing.assert_frame_equal(read_articles(frame), frame)


def test_a_read_frame_read_again_is_the_corpus_it_came_from(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", [{"source": "x"}, *ROWS])
    first = read_corpus(path, errors="skip")
    again = read_corpus(first.articles)
    pd.testing.assert_frame_equal(again.articles, first.articles)
    assert (again.rejected, again.accounting, again.locations) == (first.rejected, first.accounting, first.locations)
    copy = read_corpus(first.articles.copy())          # another frame: read as any frame is
    assert copy.rejected == [] and copy.accounting["input"] == "<DataFrame>"
    assert set(copy.locations.values()) == {"<DataFrame>:row 1", "<DataFrame>:row 2"}


def test_duplicates_keep_the_same_copy_whatever_their_order(tmp_path: Path) -> None:
    a, b = {**ROWS[1], "title": "First title"}, {**ROWS[1], "title": "Another title"}
    one = read_corpus(_jsonl(tmp_path / "1.jsonl", [a, b]))
    two = read_corpus(_jsonl(tmp_path / "2.jsonl", [b, a]))
    pd.testing.assert_frame_equal(one.articles, two.articles)
    assert one.articles["title"].tolist() == ["Another title"]
    assert one.rejected[0]["reason"].endswith("(their title differ: the first in sorted order is kept)")


def test_csv_quote_never_closed_names_the_line_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text('text,source\nTroops arrived on Monday.,a\n"Troops left,b\nThey came back,c\n', encoding="utf-8")
    for mode in ("raise", "skip"):
        with pytest.raises(InputError, match=r"c\.csv:line 3 \(row 2\), field 'text': cannot parse CSV: the quote "
                                             "that opens this field is never closed"):
            read_articles(path, errors=mode)  # type: ignore[arg-type]


def test_csv_long_articles_are_read(tmp_path: Path) -> None:
    text = "Troops arrived on Monday. " * 8_000                    # 208,000 characters, over csv's 131,072
    pd.DataFrame([{"text": text, "source": "a"}]).to_csv(tmp_path / "c.csv", index=False)
    assert read_articles(tmp_path / "c.csv")["text"].iloc[0] == text


def test_sidecar_rows_are_numbered_as_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("Troops arrived on Monday.\n", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,source\n\none.txt,ap\nmissing.txt,b\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"metadata\.csv:row 3, field 'file': no such file"):
        read_articles(tmp_path)


def test_txt_sub_folders_are_read(tmp_path: Path) -> None:
    (tmp_path / "2024" / "10").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("Troops arrived on Monday in the region.\n", encoding="utf-8")
    (tmp_path / "2024" / "b.txt").write_text("Officials confirmed the troops arrived.\n", encoding="utf-8")
    (tmp_path / "2024" / "10" / "c.txt").write_text("The ministry denied the report.\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert corpus.accounting["read"] == 3 and sorted(corpus.articles["source"]) == ["b", "c", "top"]
    (tmp_path / "metadata.csv").write_text("file,source\ntop.txt,a\n2024/b.txt,b\n./2024/10/c.txt,c\n",
                                           encoding="utf-8")
    corpus = read_corpus(tmp_path)
    frame = corpus.articles
    assert sorted(frame["source"]) == ["a", "b", "c"]
    assert corpus.locations[frame.set_index("source").loc["c", "article_id"]] == (
        f"{tmp_path / '2024' / '10' / 'c.txt'} (metadata: {tmp_path / 'metadata.csv'}:row 3)")


def test_txt_names_dates_are_checked_as_any_date(tmp_path: Path) -> None:
    (tmp_path / "a.example__2015-02-30__fire.txt").write_text("Troops arrived on Monday.\n", encoding="utf-8")
    (tmp_path / "b.example__2015-03-04__.txt").write_text("Officials confirmed it.\n", encoding="utf-8")
    (tmp_path / "c.example__2015-03-04__big-fire__update.txt").write_text("The ministry denied it.\n",
                                                                          encoding="utf-8")
    corpus = read_corpus(tmp_path, errors="skip")
    frame = corpus.articles.set_index("source")
    [rejected] = corpus.rejected
    jsonl = _jsonl(tmp_path / "c.jsonl", [{"text": "x", "source": "a", "published_at": "2015-02-30"}])
    with pytest.raises(RecordError) as err:
        read_articles(jsonl)
    assert rejected["reason"] == err.value.reason == "not a date or time: '2015-02-30'"
    assert frame.loc["b.example", "published_at"] == pd.Timestamp("2015-03-04", tz="UTC")
    assert pd.isna(frame.loc["b.example", "title"])
    assert frame.loc["c.example", "title"] == "big fire update"        # every title part, not the last


def test_parquet_integer_ids_with_a_null_are_not_made_float(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"Troops arrived on Monday, report {i}." for i in range(4)]
    pq.write_table(pa.table({"text": texts, "source": ["a", "b", "c", "d"],
                             "article_id": pa.array([1, 2, None, 4], pa.int64())}), tmp_path / "c.parquet")
    frame = read_articles(tmp_path / "c.parquet").set_index("source")
    assert frame["article_id"].to_dict() == {"a": "1", "b": "2", "c": stable_article_id("c", texts[2]), "d": "4"}

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corroborate import InputError, RecordError, read_articles
from corroborate.io import stable_article_id, write_jsonl

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
    frame = read_articles(_jsonl(tmp_path / "c.jsonl", ROWS))
    assert list(frame.columns) == ["article_id", "source", "title", "url", "published_at", "text"]
    assert len(frame) == 2
    by_source = frame.set_index("source")
    assert by_source.loc["b.example", "article_id"] == "b-1"
    assert by_source.loc["a.example", "article_id"] == stable_article_id("a.example", ROWS[0]["text"])
    assert str(by_source.loc["b.example", "published_at"]) == "2024-10-29 00:00:00+00:00"
    assert frame.attrs["rejected"] == []


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
    frame = read_articles(path, errors="skip")
    assert len(frame) == 2
    rejected = frame.attrs["rejected"]
    assert [(r["location"], r["field"]) for r in rejected] == [
        (f"{path}:line 2", None), (f"{path}:line 3", "text")]


def test_exact_duplicate_is_reported_not_fatal(tmp_path: Path) -> None:
    frame = read_articles(_jsonl(tmp_path / "c.jsonl", [ROWS[0], ROWS[0]]))
    assert len(frame) == 1
    assert frame.attrs["rejected"][0]["reason"].startswith("duplicate of ")


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
    frame = read_articles(tmp_path, errors="skip")
    assert list(frame["source"]) == ["ap.example"]
    assert [r["location"] for r in frame.attrs["rejected"]] == [str(tmp_path / "stray.txt")]


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

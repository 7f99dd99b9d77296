"""The parse cache: a second run reads (parses) and embeds only the sentences it has not seen."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corroborate import Config, Corroborator
from corroborate.text import parse_cache as pc
from corroborate.text.claims import split_sentences
from corroborate.text.parsing import analyse_claims
from tests.conftest import FakeEmbedder

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nk-troops"
LATE = ("11_world_report.txt", "12_asia_monitor.txt")


def _claims(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"claim_id": [f"a{i}:0" for i in range(len(texts))], "article_id": [f"a{i}" for i in range(len(texts))],
                         "text": texts})


TEXTS = ["Pentagon spokesperson Sabrina Singh said about 10,000 North Korean troops were sent to Russia.",
         "Two people were killed and five injured in the crash.",
         "The Kremlin denied that North Korean troops were in Russia.",
         "No arrests have been made.",
         "Two people were killed and five injured in the crash."]          # a repeat: read once


def test_a_second_reading_comes_from_the_cache_and_equals_the_first(tmp_path: Path) -> None:
    cache = pc.ParseCache(tmp_path)
    stats: dict[str, int] = {}
    first = analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=cache, stats=stats)
    assert stats == {"sentences": 5, "distinct": 4, "from_cache": 0, "read": 4}
    again: dict[str, int] = {}
    second = analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=pc.ParseCache(tmp_path), stats=again)
    assert again == {"sentences": 5, "distinct": 4, "from_cache": 4, "read": 0}
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    uncached = analyse_claims(_claims(TEXTS), approx_rel_width=0.1)
    for a, b in zip(first, uncached, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert second[0]["stance"].tolist()[2] == "denied" and second[1]["unit"].tolist().count("killed") == 2
    # another hedge width is another reading
    other: dict[str, int] = {}
    analyse_claims(_claims(TEXTS), approx_rel_width=0.2, cache=pc.ParseCache(tmp_path), stats=other)
    assert other["read"] == 4


def test_another_reader_never_gets_a_stale_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=pc.ParseCache(tmp_path))
    monkeypatch.setattr(pc, "reader_identity", lambda: "changed-code")
    stats: dict[str, int] = {}
    analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=pc.ParseCache(tmp_path), stats=stats)
    assert stats["read"] == 4 and stats["from_cache"] == 0


def test_an_unreadable_entry_is_read_again(tmp_path: Path) -> None:
    analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=pc.ParseCache(tmp_path))
    with sqlite3.connect(tmp_path / "parses.sqlite3") as conn:
        conn.execute("UPDATE parses SET value = 'not json'")
    stats: dict[str, int] = {}
    attribution, _ = analyse_claims(_claims(TEXTS), approx_rel_width=0.1, cache=pc.ParseCache(tmp_path), stats=stats)
    assert stats["read"] == 4 and attribution["stance"].tolist()[2] == "denied"


def test_an_article_split_before_gives_the_same_sentences_and_bad_spans_are_split_again(tmp_path: Path) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.txt"))]
    expected = [split_sentences(t) for t in texts]
    stats: dict[str, int] = {}
    assert pc.split_articles(texts, pc.ParseCache(tmp_path), stats) == expected
    assert stats == {"articles": len(texts), "articles_from_cache": 0, "articles_split": len(texts)}
    assert pc.split_articles(texts, pc.ParseCache(tmp_path), stats) == expected
    assert stats["articles_from_cache"] == len(texts) and stats["articles_split"] == 0
    with sqlite3.connect(tmp_path / "parses.sqlite3") as conn:       # spans past the end of the text
        conn.execute("UPDATE splits SET value = ?", (np.array([[0, 10**6]], dtype="<i8").tobytes(),))
    assert pc.split_articles(texts, pc.ParseCache(tmp_path), stats) == expected
    assert stats["articles_split"] == len(texts)


def test_the_reader_identity_follows_the_code() -> None:
    identity = pc.reader_identity()
    assert len(identity) == 32 and identity == pc.reader_identity()


def _corpus(folder: Path, leave_out: tuple[str, ...]) -> Path:
    folder.mkdir()
    for path in EXAMPLE.glob("*.txt"):
        if path.name not in leave_out:
            shutil.copy(path, folder / path.name)
    with open(EXAMPLE / "metadata.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"] not in leave_out]
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_run_with_new_articles_parses_and_embeds_only_their_new_sentences(tmp_path: Path) -> None:
    config = Config.default().replace(cache_dir=str(tmp_path / "cache"))
    before = Corroborator(embedder=FakeEmbedder(), config=config).fit(_corpus(tmp_path / "old", LATE))
    assert before.parse_stats_["from_cache"] == 0 and before.parse_stats_["read"] > 30
    after = Corroborator(embedder=FakeEmbedder(), config=config).fit(_corpus(tmp_path / "all", ()))
    old_texts = set(before.claims_["text"])
    new_texts = set(after.claims_["text"]) - old_texts
    assert new_texts                                               # the two late articles add sentences
    assert after.parse_stats_["read"] == len(new_texts)
    assert after.parse_stats_["from_cache"] == after.parse_stats_["distinct"] - len(new_texts)
    assert after.embedding_stats_["encoded"] <= len(new_texts) + 2 * len(LATE)   # new claims, leads, titles
    assert before.parse_stats_["articles_split"] == before.parse_stats_["articles"] == 14 - len(LATE)
    assert after.parse_stats_["articles_split"] == len(LATE)       # only the new articles are split
    assert after.parse_stats_["articles_from_cache"] == 14 - len(LATE)
    fresh = Corroborator(embedder=FakeEmbedder(), config=config.replace(cache=False)).fit(_corpus(tmp_path / "x", ()))
    pd.testing.assert_frame_equal(after.quantities_, fresh.quantities_)
    assert after.claims_["stance"].tolist() == fresh.claims_["stance"].tolist()

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corroborate.text.claims import (
    boilerplate_patterns,
    drop_reason,
    extract_claims,
    split_sentences,
)

from .conftest import CASES

SENTENCE_CASES = sorted((CASES / "sentences").glob("*.txt"))


def _parse_case(path: Path) -> tuple[str | None, str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("--- "):
            current = line[4:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    title = "\n".join(sections["title"]).strip() or None
    return title, "\n".join(sections["text"]) + "\n", [x for x in sections["claims"] if x.strip()]


def _render(article: pd.DataFrame) -> list[str]:
    claims, dropped = extract_claims(article, min_words=5)
    rows = [(r.sent_idx, f"+ {r.text}") for r in claims.itertuples()]
    rows += [(r.sent_idx, f"- {r.reason} | {r.text}") for r in dropped.itertuples()]
    return [line for _, line in sorted(rows)]


@pytest.mark.parametrize("path", SENTENCE_CASES, ids=lambda p: p.stem)
def test_sentence_golden_case(path: Path) -> None:
    title, text, expected = _parse_case(path)
    article = pd.DataFrame([{"article_id": "a", "source": "s", "title": title, "text": text}])
    assert _render(article) == expected


def test_golden_cases_exist() -> None:
    assert len(SENTENCE_CASES) >= 5


@pytest.mark.parametrize("path", SENTENCE_CASES, ids=lambda p: p.stem)
def test_offsets_index_the_article_text(path: Path) -> None:
    _, text, _ = _parse_case(path)
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_claim_ids_and_columns_are_stable() -> None:
    article = pd.DataFrame([{"article_id": "abc", "source": "s", "title": None,
                             "text": "Rain flooded three towns on Tuesday night. It was the worst storm in years."}])
    claims, dropped = extract_claims(article)
    assert list(claims.columns) == ["claim_id", "article_id", "source", "sent_idx", "start", "end", "text"]
    assert claims["claim_id"].tolist() == ["abc:0", "abc:1"]
    assert dropped.empty


@pytest.mark.parametrize("group", ["byline", "subscription", "media_credit", "site", "gallery", "video",
                                   "social", "comments", "account", "station"])
def test_every_boilerplate_group_is_loaded(group: str) -> None:
    assert any(name == group for name, _ in boilerplate_patterns())


@pytest.mark.parametrize("sentence", [
    "By JANE SMITH",
    "Reporting by Tom Hale; editing by Ann Roe",
    "Sign up for our newsletter to get the news in your inbox.",
    "Image: Reuters",
    "(c) 2024 Example Media",
])
def test_furniture_is_not_a_claim(sentence: str) -> None:
    assert drop_reason(sentence, min_words=5) is not None


@pytest.mark.parametrize("sentence", [
    "By Monday, the troops had reached the Kursk region near the border.",
    "The minister said the photo was taken in Kursk last week.",
])
def test_claims_that_resemble_furniture_are_kept(sentence: str) -> None:
    assert drop_reason(sentence, min_words=5) is None


def test_a_sentence_an_outlet_prints_in_several_events_is_furniture() -> None:
    from corroborate.grouping.furniture import drop, outlet_repeats, recurring_across_events

    promo = "For more neighborhood news, listen to our radio station here."
    background = "The shooting happened on Elm Street on Jan. 5, police said."
    rows = [("a1", "x.example", 0, promo), ("a2", "x.example", 0, promo), ("a3", "x.example", 0, promo),
            ("a1", "x.example", 1, background), ("a2", "x.example", 1, background),
            ("a3", "x.example", 1, background), ("b1", "y.example", 0, promo)]
    claims = pd.DataFrame([{"claim_id": f"{a}:{i}", "article_id": a, "source": s, "sent_idx": i,
                            "start": 0, "end": len(t), "text": t} for a, s, i, t in rows])
    repeats = outlet_repeats(claims)
    assert repeats.tolist() == [True, True, True, True, True, True, False]   # y printed it once
    # the promo runs on pages of two events; the background sentence only in follow-ups of one
    claims = claims.assign(event_id=[0, 0, 1, 0, 0, 0, 2])
    mask = recurring_across_events(claims, repeats)
    assert mask.tolist() == [True, True, True, False, False, False, False]
    kept, dropped = drop(claims, pd.DataFrame(columns=["article_id", "source", "sent_idx", "start", "end",
                                                       "text", "reason"]), mask)
    assert len(kept) == 4 and set(dropped["reason"]) == {"furniture:recurring"}
    assert kept.loc[kept["text"] == promo, "source"].tolist() == ["y.example"]

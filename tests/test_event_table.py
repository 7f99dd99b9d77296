"""The rows of events.jsonl (``grouping.events.event_table``): labels, spans, undated articles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corroborate.grouping.events import event_table


def _articles() -> pd.DataFrame:
    rows = [  # article_id, source, title, text, published_at
        ("a3", "s2", "Later report on the Elm Street fire", "Firefighters in Dover said the fire was out.",
         "2024-03-02T10:00:00Z"),
        ("a1", "s1", "Fire on Elm Street", "A fire broke out in Dover on Elm Street.", "2024-03-01T09:00:00Z"),
        ("a2", "s1", None, "Dover firefighters fought the blaze.", "2024-03-01T09:00:00Z"),
        ("b1", "s3", "Undated council note", "The Dover council met.", None),
        ("b2", "s2", "Budget vote in Dover", "The council of Dover voted on the budget.", "2024-05-01T08:00:00Z"),
        ("c1", "s4", None, "Kent and Dover agreed on a new bridge near Kent.", None),
    ]
    frame = pd.DataFrame(rows, columns=["article_id", "source", "title", "text", "published_at"])
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    return frame


def test_rows_of_each_event() -> None:
    table = event_table(_articles(), np.array([7, 7, 7, 2, 2, 5]))
    assert table["event_id"].tolist() == [2, 5, 7]
    by_id = {r["event_id"]: r for r in table.to_dict(orient="records")}
    fire = by_id[7]
    # the first title by publication, ties by article id; an article without a title is skipped
    assert fire["label"] == "Fire on Elm Street"
    assert fire["n_articles"] == 3 and fire["sources"] == ["s1", "s2"] and fire["article_ids"] == ["a1", "a2", "a3"]
    assert (fire["first_seen"], fire["last_seen"]) == ("2024-03-01T09:00:00+00:00", "2024-03-02T10:00:00+00:00")
    assert "dover" in fire["entities"] and len(fire["entities"]) <= 5
    # an undated article comes after the dated ones and takes no part in the span
    council = by_id[2]
    assert council["label"] == "Budget vote in Dover"
    assert council["first_seen"] == council["last_seen"] == "2024-05-01T08:00:00+00:00"
    # no title and no date: the top names (proper words as read: lower case, ties by name), no span
    bridge = by_id[5]
    assert bridge["label"] == "dover, kent" and pd.isna(bridge["first_seen"]) and pd.isna(bridge["last_seen"])


def test_no_articles_no_rows() -> None:
    frame = _articles().iloc[:0]
    table = event_table(frame, np.zeros(0, dtype=np.int64))
    assert len(table) == 0 and list(table.columns)[:3] == ["event_id", "label", "n_articles"]

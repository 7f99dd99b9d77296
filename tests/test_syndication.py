from __future__ import annotations

import pandas as pd
import pytest

from corroborate import read_articles
from corroborate.sources import evidence_units
from corroborate.syndication import copy_groups, jaccard, shingles, syndication, wire_credit

BASE = ("The Pentagon said on Monday that about 10,000 North Korean troops have been sent to Russia "
        "for training and possible combat. Officials said some units had moved closer to Ukraine. "
        "The troops could be used in the Kursk region, where fighting continues.")


@pytest.mark.parametrize("text,wire", [
    ("WASHINGTON (AP) — Officials said the troops arrived.", "ap"),
    ("MOSCOW, Oct 28 (Reuters) - The Kremlin said nothing.", "reuters"),
    ("The ministry confirmed it, according to AFP.", "afp"),
    ("Officials confirmed the figure, Reuters reported.", "reuters"),
    ("Jane Doe contributed to this report.", None),
    ("The council met on Monday.", None),
])
def test_wire_credits(text: str, wire: str | None) -> None:
    assert wire_credit(text) == wire


def test_an_unlisted_wire_is_matched_by_its_initials() -> None:
    codes = frozenset({"gws"})
    assert wire_credit("Global Wire Service contributed to this report.", codes) == "gws"
    assert wire_credit("Global Wire Service contributed to this report.") is None


def test_light_copies_group_and_independent_reports_do_not() -> None:
    copy = BASE.replace("on Monday", "Monday").replace("possible combat", "combat")
    independent = ("North Korea has deployed approximately 10,000 soldiers to Russia, the U.S. Defense "
                   "Department confirmed, adding that units are near the Kursk region.")
    groups, pairs = copy_groups([BASE, copy, independent, "The central bank kept rates unchanged."],
                                threshold=0.27)
    assert groups[0] == groups[1] != groups[2] != groups[3]
    assert pairs and pairs[0][:2] == (0, 1) and pairs[0][2] == jaccard(shingles(BASE), shingles(copy))


def test_example_wire_story_is_one_copy_group(example_dir) -> None:  # type: ignore[no-untyped-def]
    articles = read_articles(example_dir)
    synd = syndication(articles, threshold=0.27).assign(source=articles["source"])
    wire_group = synd[synd["source"] == "gws-wire.example"]["copy_group"].iloc[0]
    members = set(synd[synd["copy_group"] == wire_group]["source"])
    assert members == {"gws-wire.example", "metro-herald.example", "valley-courier.example"}
    assert synd.groupby("copy_group").size().max() == 3


def test_evidence_units_prefer_origin_then_copy_then_outlet() -> None:
    articles = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "source": ["x", "y", "z", "z"],
                             "copy_group": [0, 0, 1, 2], "wire": ["ap", None, None, None]})
    claims = pd.DataFrame({"article_id": ["a", "b", "c", "d", "d"],
                           "attributed_to": [None, None, None, "pentagon", None],
                           "text": ["One.", "Two.", "Three.", "Four.", "One."]})
    units, copy_keys = evidence_units(claims, articles)
    assert units.tolist() == ["wire:ap", "wire:ap", "source:z", "origin:pentagon", "wire:ap"]
    assert copy_keys.tolist() == ["wire:ap", "wire:ap", None, None, None]

from __future__ import annotations

import pandas as pd
import pytest

from corroborate import read_articles
from corroborate.ingest.syndication import copy_groups, jaccard, shingles, syndication, wire_credit
from corroborate.scoring.independence import evidence_columns, independent_groups

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


def test_primary_evidence_is_the_copy_group_then_the_origin_then_the_outlet() -> None:
    articles = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "source": ["x", "y", "z", "z"],
                             "copy_group": [0, 0, 1, 2], "wire": ["ap", None, None, None]})
    claims = pd.DataFrame({"article_id": ["a", "b", "c", "d", "d"], "source": ["x", "y", "z", "z", "z"],
                           "attributed_to": ["police", None, None, "pentagon", None],
                           "text": ["One.", "Two.", "Three.", "Four.", "One."]})
    got = evidence_columns(claims, articles)
    # a reprint keeps its wire's credit whatever it quotes; "b" dropped the credit line
    assert list(zip(got["evidence_kind"], got["evidence_name"], strict=True)) == [
        ("wire", "ap"), ("wire", "ap"), ("source", "z"), ("origin", "pentagon"), ("source", "z")]
    assert got["copy_kind"].tolist() == ["wire", "wire", None, None, None]


def test_a_station_credit_names_the_outlet_of_that_station() -> None:
    articles = pd.DataFrame({"article_id": ["a", "b"], "source": ["wavy.com", "wtkr.com"],
                             "copy_group": [0, 1], "wire": [None, "wavy"]})
    claims = pd.DataFrame({"article_id": ["a", "b"], "source": ["wavy.com", "wtkr.com"],
                           "attributed_to": [None, None], "text": ["One.", "Two."]})
    got = evidence_columns(claims, articles)
    assert list(zip(got["copy_kind"], got["copy_name"], strict=True)) == [(None, None), ("source", "wavy.com")]
    groups = independent_groups([{**c, **e} for c, e in zip(claims.to_dict("records"),
                                                             got.to_dict("records"), strict=True)])
    assert groups == [0, 0]                        # the station's story, run by another outlet


def test_independent_groups_join_on_any_shared_key() -> None:
    def claim(source: str, origin: str | None = None, copy: str | None = None,
              text: str = "") -> dict[str, object]:
        return {"source": source, "attributed_to": origin, "copy_kind": "copy" if copy else None,
                "copy_name": copy, "text": text or source}
    # copies of one story count once even when their attributions differ
    assert independent_groups([claim("a", "cbs", "1"), claim("b", "police", "1")]) == [0, 0]
    # two outlets quoting one origin count once; a third outlet is independent
    assert independent_groups([claim("a", "police"), claim("b", "police"), claim("c")]) == [0, 0, 1]
    # verbatim text is one piece of evidence
    assert independent_groups([claim("a", text="Same words."), claim("b", text="same  words.")]) == [0, 0]
    # chains: a shares its copy group with b, b its origin with c
    assert independent_groups([claim("a", copy="1"), claim("b", "fbi", "1"), claim("c", "fbi"),
                               claim("d")]) == [0, 0, 0, 1]


def test_a_flood_of_one_text_is_one_group_paired_with_its_first_copy() -> None:
    texts = [BASE] * 50 + ["The central bank kept rates unchanged."] + [BASE.replace("on Monday", "Monday")] + ["", ""]
    groups, pairs = copy_groups(texts, threshold=0.27)
    assert len(set(groups[:50].tolist() + [groups[51]])) == 1 and groups[50] != groups[0]
    assert groups[52] != groups[53]                               # empty texts are nobody's copies
    exact = [(i, j) for i, j, score in pairs if score == 1.0]
    assert exact == [(0, j) for j in range(1, 50)]                # 49 pairs, not 50 * 49 / 2
    assert (0, 51) in {(i, j) for i, j, _ in pairs}


def test_a_flood_of_near_copies_groups_as_every_pair_over_the_threshold_would() -> None:
    """Skipping the candidates already in one group changes no group: brute force agrees."""
    import random

    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    rng = random.Random(3)
    bases = [BASE, "A fire destroyed three homes on Elm Street in Springfield on Tuesday night, officials "
                   "said, and two firefighters were treated for smoke inhalation at the scene.",
             "The city council voted five to two on Monday to approve the road repair budget, which "
             "sets aside four million dollars for the worst streets in the northern districts."]
    texts = []
    for _ in range(60):
        words = rng.choice(bases).split()
        for _ in range(rng.randint(0, 3)):
            words[rng.randrange(len(words))] = rng.choice(["quickly", "reportedly", "late", "local"])
        texts.append(" ".join(words))
    texts += [f"Unrelated note number {i} about the weather in a town far away." for i in range(5)]
    groups, pairs = copy_groups(texts, threshold=0.27)
    sets = [shingles(t) for t in texts]
    over = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts)) if jaccard(sets[i], sets[j]) >= 0.27]
    graph = coo_matrix(([1.0] * len(over), ([i for i, _ in over], [j for _, j in over])), shape=(len(texts),) * 2)
    expected = pd.factorize(connected_components(graph, directed=False)[1])[0]
    assert groups.tolist() == expected.tolist()
    assert len(pairs) == len(texts) - len(set(groups.tolist()))      # one pair per join: a spanning forest

"""A figure knows whose count it is: referents read from the words that state it, and figure
clusters that never compare the counts of two referents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corroborate.grouping.figures import Stated, group_figures, referent_groups
from corroborate.text.quantities import parse_quantities
from corroborate.text.referents import referent_words, same_name


def _names(sentence: str) -> list[list[str]]:
    return [sorted(referent_words(sentence, q.start, q.end)) for q in parse_quantities(sentence)]


@pytest.mark.parametrize(("sentence", "names"), [
    ("The bombardment has led to at least 219 Palestinian deaths, officials said.", [["palestinian"]]),
    ("Rocket attacks have killed at least seven Israelis.", [["israelis"]]),
    ("At least 12 people have died in Israel.", [["israel"]]),
    ("The attack left more than 200 people dead.", [[]]),
    ("Two people were killed and three were hurt on Friday.", [[], []]),
    ("Some 10,000 North Korean troops are in Russia.", [["korean", "north", "russia"]]),
    ("Police said two men were shot, according to the Raleigh police.", [[]]),     # a new clause ends it
    # a sentence that opens on a place sets it for each of its figures
    ("In Chicago, 100 people were struck by gunfire resulting in 18 deaths since Friday night.",
     [["chicago"], ["chicago"]]),
    ("Across New York State, 12 people died.", [["new", "state", "york"]]),
    ("In March, 40 people were hurt.", [[]]),                        # a month is not a place
    ("In a statement, police said 3 people died.", [[]]),            # nor is a lower-case phrase
    # a count that results from the act before it is scoped by that act's place
    ("Militants fired more than 250 rockets at Israel, killing two women.", [["israel"], ["israel"]]),
    ("An airstrike hit a tower in Gaza City, killing at least 10 people.", [["city", "gaza"]]),
    ("A gunman opened fire at a party, killing two people.", [[]]),  # a lower-case place names nothing
])
def test_referent_words(sentence: str, names: list[list[str]]) -> None:
    assert _names(sentence) == names


def test_spellings_of_one_name_match() -> None:
    assert same_name("israel", "israelis") and same_name("palestinian", "palestine")
    assert same_name("ukraine", "ukrainian") and same_name("korea", "korean")
    assert not same_name("israel", "palestinians") and not same_name("gaza", "israel")


def _stated(row: int, value: float, names: tuple[str, ...] = (), high: float | None = None) -> Stated:
    return Stated(row, value, value, value if high is None else high, frozenset(names))


def test_one_referent_or_none_is_one_figure() -> None:
    figures = [_stated(0, 2), _stated(1, 2, ("raleigh",)), _stated(2, 3)]
    assert referent_groups(figures) == {0: 0, 1: 0, 2: 0}


def test_two_sides_are_two_figures_and_unnamed_claims_join_the_one_they_fit() -> None:
    figures = [_stated(0, 219, ("palestinian",), np.inf), _stated(1, 12, ("israel",), np.inf),
               _stated(2, 7, ("israelis",)), _stated(3, 230, ("palestinians",)),
               _stated(4, 200, (), np.inf),            # "more than 200 people dead": only the Palestinian count
               _stated(5, 26)]                          # fits neither: compared with neither
    groups = referent_groups(figures)
    assert groups[0] == groups[3] == groups[4] and groups[1] == groups[2] and groups[0] != groups[1]
    assert 5 not in groups


def test_a_claim_counting_both_sides_for_one_unit_joins_neither() -> None:
    figures = [_stated(0, 219, ("palestinians",)), _stated(1, 12, ("israelis",)),
               _stated(2, 219, ("palestinians",)), _stated(2, 12, ("israelis",))]
    assert referent_groups(figures) == {0: 0, 1: 1} or referent_groups(figures) == {0: 1, 1: 0}


def test_group_figures_keeps_the_killed_of_two_sides_apart() -> None:
    texts = ["At least 219 Palestinians were killed in the strikes.", "The strikes killed 230 Palestinians.",
             "At least 12 people have died in Israel.", "Rockets killed seven Israelis.",
             "The war left more than 200 people dead."]
    claims = pd.DataFrame({"claim_id": [f"a{i}:0" for i in range(5)], "event_id": 0, "text": texts})
    rows = [(f"a{i}:0", q) for i, t in enumerate(texts) for q in parse_quantities(t)]
    quantities = pd.DataFrame([{"claim_id": c, "value": q.value, "low": q.low, "high": q.high, "unit": q.unit,
                                "kind": q.kind, "start": q.start, "end": q.end} for c, q in rows])
    labels = group_figures(np.arange(5), claims, quantities)
    assert labels[0] == labels[1] == labels[4] and labels[2] == labels[3] and labels[0] != labels[2]


def test_two_names_for_one_count_stay_one_figure() -> None:
    """"Two Raleigh men" and "two people killed in Durham": the figures agree, so one figure."""
    figures = [_stated(0, 2, ("raleigh",)), _stated(1, 2, ("durham",)), _stated(2, 2)]
    assert referent_groups(figures) == {0: 0, 1: 0, 2: 0}


def test_a_figure_card_is_headed_by_a_claim_that_states_its_figure(fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from corroborate import Config, Corroborator

    text = ("Two people were killed in the fire on Main Street, officials said. The fire on Main Street "
            "destroyed the old mill and a warehouse beside it. Firefighters fought the fire on Main Street for hours.")
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "source": ["x.com", "y.com", "z.com"],
                             "published_at": ["2024-03-01"] * 3, "title": ["Fire"] * 3,
                             "text": [text, text.replace("Two people", "2 people"), text]})
    est = Corroborator(embedder=fake_embedder, config=Config.default().replace(cache=False,
                                                                                cache_dir=str(tmp_path))).fit(articles)
    figure_cards = [s for s in est.scores_ if s.extra.get("headline_unit")]
    assert figure_cards
    for score in figure_cards:
        unit = score.extra.get("headline_unit")
        if unit:
            stated = est.quantities_[est.quantities_["unit"] == unit]["claim_id"]
            texts = set(est.claims_[est.claims_["claim_id"].isin(stated)]["text"])
            assert score.representative in texts


def test_a_place_that_only_scopes_a_count_is_a_part_when_the_counts_cannot_agree() -> None:
    """"In Chicago, ... 18 deaths" beside "189 killed" nationwide: a part, not a dissent."""
    chicago = frozenset({"chicago"})
    figures = [_stated(0, 189), _stated(1, 150, high=np.inf),
               Stated(2, 18, 18, 18, chicago, chicago)]
    groups = referent_groups(figures)
    assert groups[0] == groups[1] != groups[2]
    # the same scope with a count that can agree is one figure, as before
    agreeing = [_stated(0, 18), Stated(1, 18, 18, 18, chicago, chicago)]
    assert referent_groups(agreeing) == {0: 0, 1: 0}
    # a name of the counted phrase itself ("a Chicago man") is no scope: one figure, its dissent shown
    named = [_stated(0, 2), _stated(1, 3), _stated(2, 1, ("chicago",))]
    assert referent_groups(named) == {0: 0, 1: 0, 2: 0}

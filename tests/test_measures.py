"""A figure's measure: a change or a threshold is not compared with a level or a tally."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corroborate.grouping.figures import group_figures
from corroborate.scoring.consensus import numeric_consensus
from corroborate.text.measures import compared_unit, with_compared_units
from corroborate.text.quantities import parse_quantities


def _measures(text: str) -> list[tuple[str, str | None]]:
    return [(q.raw, q.measure) for q in parse_quantities(text, parse=False)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Daily new infections have shot up almost 50 percent in the United States.", [("50 percent", "change")]),
    ("By Tuesday, 37.3% of U.S. adults were fully vaccinated.", [("37.3%", None)]),
    ("Sales were 20% higher than last year.", [("20%", "change")]),
    ("It was a 15 percent increase.", [("15 percent", "change")]),
    ("Prices could rise up to 10 percent.", [("10 percent", "change")]),
    ("Up to 10 percent of voters were undecided.", [("10 percent", None)]),
    ("Black residents made up 40 percent of those arrested.", [("40 percent", None)]),
    ("Consumer prices rose 0.9% from May and 5.4% over the past year.",
     [("0.9%", "change"), ("5.4%", "change")]),
    ("Cases rose 10% and 40% of adults were vaccinated.", [("10%", "change"), ("40%", None)]),
    ("Republicans say he will not have the 60 votes needed to proceed.", [("60", "required")]),
    ("The bill will need 60 votes to pass.", [("60", "required")]),
    ("The count exceeds the 1,495,709 signatures required.", [("1,495,709", "required")]),
    ("Two people needed hospital treatment after the crash.", [("Two", None)]),
    ("You don't need a booster shot.", []),
    ("Approximately 10,000 North Korean troops were deployed.", [("10,000", None)]),
    ("The CDC data indicate a seven-day moving average of about 330 deaths.", [("330", "rate")]),
    ("As of Wednesday, 684 new deaths had been reported.", [("684", "rate")]),
    ("The state reported 1,000 cases a day last week.", [("1,000", "rate")]),
    ("The U.S. recorded over 600,000 deaths attributed to coronavirus.", [("600,000", None)]),
    ("Three people were killed a day after the protest.", [("Three", None)]),
    ("The company hired 300 people over the past six months.", [("300", "last half")]),
])
def test_the_measure_of_a_stated_number(text, expected):
    found = [(raw, m) for raw, m in _measures(text) if raw[:1].isdigit() or raw[:1].isupper()]
    assert found == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The vaccine brought in $3.5 billion in revenue in the first three months of this year.", "first quarter"),
    ("Profit rose to $2 billion in the first quarter.", "first quarter"),
    ("Sales reached $9 billion during its second quarter.", "second quarter"),
    ("Pfizer expects $26 billion in sales this year.", None),
    ("The plan would cost $1.8 trillion over 10 years.", None),
    # a part of a whole is compared only with the same part
    ("Biden's American Families Plan, with $1 trillion in new spending, goes to Congress.", "part"),
    ("The bill includes $200 billion for universal preschool.", "part"),
    ("The agency ended the year with $3 billion, officials said.", None),
])
def test_money_for_a_part_is_not_compared_with_its_whole(text, expected):
    """A quarter's revenue, or a part of a plan, is never shown as dissent against the whole."""
    money = [q for q in parse_quantities(text, parse=False) if q.kind == "money"]
    assert [q.measure for q in money] == [expected]


def test_a_booster_that_is_not_needed_states_no_threshold():
    assert all(q.measure is None for q in parse_quantities("You don't need a booster shot.", parse=True))


def test_the_compared_unit_names_the_measure():
    assert compared_unit("%", "change") == "% change"
    assert compared_unit("votes", "required") == "votes required"
    assert compared_unit("votes", "required", 60.0) == "votes required (60)"
    assert compared_unit("signatures", "required", 1495709.0) == "signatures required (1,495,709)"
    assert compared_unit("%", "change", 50.0) == "% change"                # only a threshold names its value
    assert compared_unit("killed", None) == "killed"
    assert compared_unit(None, "change") is None
    frame = pd.DataFrame({"unit": ["%", "votes", "killed"], "measure": ["change", None, float("nan")],
                          "value": [50.0, 60.0, 3.0]})
    assert with_compared_units(frame)["unit"].tolist() == ["% change", "votes", "killed"]
    assert frame["unit"].tolist() == ["%", "votes", "killed"]            # the input is left as it was


def test_a_share_is_no_dissent_against_a_change():
    """37.3% of adults vaccinated and a 50% rise in cases, in one cluster: two figures, no dissent."""
    texts = {"a:0": "By Tuesday, 37.3% of U.S. adults were fully vaccinated.",
             "b:0": "Daily new infections have shot up almost 50 percent.",
             "c:0": "The CDC said 37.3% of adults in the U.S. are fully vaccinated."}
    rows = [{**q.__dict__, "claim_id": cid, "source": cid[0]}
            for cid, text in texts.items() for q in parse_quantities(text, parse=False)]
    compared = with_compared_units(pd.DataFrame(rows))
    units = {u.unit: u for u in numeric_consensus(compared.to_dict(orient="records"), tolerance=0.1)}
    assert set(units) == {"%", "% change"}
    assert units["%"].consensus == 37.3 and not units["%"].dissent
    assert units["% change"].consensus == 50.0 and not units["% change"].dissent
    # read under the bare unit, the same figures would be shown as a dissent
    (bare,) = numeric_consensus(pd.DataFrame(rows).to_dict(orient="records"), tolerance=0.1)
    assert [d.value for d in bare.dissent] == [50.0]


def test_a_threshold_is_a_figure_apart_from_the_tally():
    """Within one event, "needed 60 votes" claims form one figure, the votes cast another."""
    texts = ["The bill needed 60 votes to advance.", "Democrats will need 60 votes to end debate.",
             "The motion failed with 50 votes.", "Only 50 votes were cast in favour."]
    claims = pd.DataFrame({"claim_id": [f"a{i}:0" for i in range(4)], "event_id": 0, "text": texts})
    rows = [{"claim_id": f"a{i}:0", **q.__dict__} for i, t in enumerate(texts) for q in parse_quantities(t)]
    quantities = pd.DataFrame(rows)
    assert quantities["measure"].fillna("").tolist() == ["required", "required", "", ""]
    labels = group_figures(np.arange(4), claims, quantities)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    # without the measure, all four would be one figure of votes
    assert len(set(group_figures(np.arange(4), claims, quantities.drop(columns="measure")))) == 1


def test_two_thresholds_are_two_figures_never_dissent():
    """51 votes to pass and 60 to end a filibuster, in one event: two rules, not rival figures."""
    texts = {"a:0": "The bill needs 51 votes to pass the Senate.",
             "b:0": "Republicans say Democrats will need 60 votes to end debate.",
             "c:0": "The measure would need 60 votes to overcome a filibuster."}
    rows = [{**q.__dict__, "claim_id": cid, "source": cid[0]}
            for cid, text in texts.items() for q in parse_quantities(text)]
    assert [r["measure"] for r in rows] == ["required"] * 3
    units = {u.unit: u for u in numeric_consensus(with_compared_units(pd.DataFrame(rows)).to_dict(orient="records"),
                                                   tolerance=0.05)}
    assert set(units) == {"votes required (51)", "votes required (60)"}
    assert units["votes required (60)"].n_sources == 2 and not any(u.dissent for u in units.values())
    claims = pd.DataFrame({"claim_id": list(texts), "event_id": 0, "text": list(texts.values())})
    labels = group_figures(np.arange(3), claims, pd.DataFrame(rows))
    assert labels[1] == labels[2] != labels[0]

from __future__ import annotations

import pytest

from corroborate.text.attribution import attribute_claims, normalise_origin

CASES = [
    # sentence, attributed_to, stance
    ("Pentagon spokesperson Sabrina Singh said on Monday that 10,000 troops have been sent to Russia.",
     "pentagon", "asserted"),
    ("North Korea has deployed 10,000 soldiers to Russia, the U.S. Defense Department confirmed on Monday.",
     "pentagon", "asserted"),
    ("Some 10,000 troops have been sent to Russia, according to NATO.", "nato", "asserted"),
    ("NATO Secretary-General Mark Rutte confirmed that troops have been sent to Russia.", "nato", "asserted"),
    ("U.S. officials suspect the soldiers may directly engage in combat.", "u.s. officials", "hedged"),
    ("Kremlin spokesman Dmitry Peskov denied that North Korean troops had been deployed to Russia.",
     "kremlin", "denied"),
    ("The ministry rejected reports that troops had crossed the border.", "ministry", "denied"),
    ("Troops have reportedly been moved closer to the border.", None, "hedged"),
    ("There is no evidence that the troops reached the front line.", None, "denied"),
    ("The claim could not be independently verified by reporters.", None, "hedged"),
    ("The central bank kept its benchmark interest rate unchanged on Tuesday.", None, "asserted"),
    ("Ukraine's Foreign Minister Andrii Sybiha said he had warned for weeks about the deployment.",
     "ukraine", "asserted"),
    # real local-news shapes: the body a spokesperson speaks for; never a place alone
    ("Lt. John Unfred of the Lakewood police said the boy was shot near the fence.", "lakewood police",
     "asserted"),
    ("Raleigh police spokesman Jim Sughrue said officers found the child.", "raleigh police", "asserted"),
    ("South Korea's spy agency said the soldiers were moved by ship.", "south korean intelligence",
     "asserted"),
    ("In Lakewood, police said the teen was shot twice.", "police", "asserted"),
]


@pytest.mark.parametrize("sentence,origin,stance", CASES, ids=[c[0][:40] for c in CASES])
def test_attribution_and_stance(sentence: str, origin: str | None, stance: str) -> None:
    row = attribute_claims([sentence]).iloc[0]
    assert (row["attributed_to"] if isinstance(row["attributed_to"], str) else None) == origin
    assert row["stance"] == stance


def test_denial_content_is_the_denied_clause() -> None:
    row = attribute_claims(["Peskov denied that North Korean troops had been deployed to Russia."]).iloc[0]
    assert row["content"] == "North Korean troops had been deployed to Russia"


@pytest.mark.parametrize("name,expected", [
    ("The Pentagon", "pentagon"), ("the U.S. Defense Department", "pentagon"), ("Mark Rutte", "nato"),
    ("Reuters's", "reuters"), ("  the   Ministry ", "ministry"),
])
def test_origin_names_are_normalised_through_the_alias_table(name: str, expected: str) -> None:
    assert normalise_origin(name) == expected


def test_spellings_of_one_body_are_one_origin() -> None:
    from corroborate.text.origins import acronyms, normalise_origins

    texts = ["Agents of the Florida Department of Law Enforcement (FDLE) arrived at noon."]
    assert acronyms(texts) == {"fdle": "Florida Department of Law Enforcement"}
    origins = ["FDLE", "florida department of law enforcement", "the Sheriff's Office", "sheriff",
               "police", "raleigh police", "police"]
    events = [0, 0, 0, 0, 0, 0, 1]
    got = normalise_origins(origins, events, texts)
    assert got[0] == got[1]                       # the acronym the corpus defines
    assert got[2] == got[3]                       # "Sheriff's Office" is the sheriff
    assert got[4] == got[5] == "raleigh police"   # a bare "police" is the event's one police
    assert got[6] == "police"                     # in another event it stays bare

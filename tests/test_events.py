"""Event anchoring (real model): no corroboration across different events."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.gen_events import FURNITURE, GENERIC, generate
from corroborate import Config, Corroborator
from corroborate.grouping.generic import is_specific, specifics
from corroborate.grouping.mentions import ages, mentioned_days, names, proper_words, streets

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def slice_fit(real_embedder, tmp_path_factory):  # type: ignore[no-untyped-def]
    articles, _ = generate(n_events=12, seed=3)
    est = Corroborator(embedder=real_embedder,
                       config=Config.default().replace(cache_dir=str(tmp_path_factory.mktemp("cache")))).fit(
        articles.drop(columns="gold_event"))
    gold = dict(zip(articles["article_id"], articles["gold_event"], strict=True))
    return est, gold


def _gold_events(score, gold) -> set[int]:  # type: ignore[no-untyped-def]
    return {gold[c.rsplit(":", 1)[0]] for c in score.claim_ids}


def test_generic_sentences_never_corroborate_across_events(slice_fit) -> None:  # type: ignore[no-untyped-def]
    est, gold = slice_fit
    procedural = {s for sentences in GENERIC.values() for s in sentences}
    by_id = dict(zip(est.claims_["claim_id"], est.claims_["text"], strict=True))
    seen = 0
    for score in est.scores_:
        texts = {by_id[c] for c in score.claim_ids}
        if texts & procedural:
            seen += 1
            if len(_gold_events(score, gold)) > 1:
                assert score.generic                  # across events only as a generic cluster
            if score.generic:
                # and then it earns nothing: no more than one source with nothing else to show
                model = est.config_.confidence_model
                assert score.confidence <= float(model.calibrate([model.baseline])[0]) + 1e-6
    assert seen and any(s.generic for s in est.scores_)


def test_no_cross_event_cluster_among_the_top_cards(slice_fit) -> None:  # type: ignore[no-untyped-def]
    est, gold = slice_fit
    top = [s for s in est.scores_ if not s.generic and s.n_sources >= 2][:20]
    assert top and all(len(_gold_events(s, gold)) == 1 for s in top)


def test_site_furniture_never_reaches_the_claims(slice_fit) -> None:  # type: ignore[no-untyped-def]
    est, _ = slice_fit
    text = " ".join(est.claims_["text"])
    for furniture in FURNITURE:
        assert furniture.split(".")[0] not in text


def test_same_event_counts_cluster_and_conflict(real_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = "{n} people were killed in the crash on Main Street in Ashford on Tuesday, police said."
    other = "Two people were killed in the crash on Oak Road in Brookvale on Friday, police said."
    rows = [{"source": "a.example", "text": base.format(n="Three"), "published_at": "2024-03-05"},
            {"source": "b.example", "text": base.format(n="Three"), "published_at": "2024-03-05"},
            {"source": "c.example", "text": base.format(n="Two"), "published_at": "2024-03-06"},
            {"source": "d.example", "text": other, "published_at": "2024-03-08"},
            {"source": "e.example", "text": other, "published_at": "2024-03-08"}]
    est = Corroborator(embedder=real_embedder,
                       config=Config.default().replace(cache_dir=str(tmp_path))).fit(pd.DataFrame(rows))
    ashford = next(s for s in est.scores_ if "Ashford" in s.representative)
    assert ashford.n_sources == 3
    assert any(r.code == "conflicting_numbers" for r in ashford.reasons)
    brookvale = next(s for s in est.scores_ if "Brookvale" in s.representative)
    assert brookvale.event_id != ashford.event_id and brookvale.n_sources == 2


@pytest.mark.parametrize("text,specific", [
    ("No arrests have been made.", False),
    ("The investigation is ongoing, police said.", False),
    ("Four people were taken to hospital with burns.", True),
    ("A crash on Main Street in Ashford killed two people.", True),
])
def test_specifics(text: str, specific: bool) -> None:
    assert is_specific(text) is specific


def test_a_procedural_sentence_keeps_its_specifics_across_events() -> None:
    assert specifics("The Red Cross is assisting the displaced residents.") == {"red", "cross"}
    assert specifics("A crash in Ashford killed two people.") != specifics("A crash in Brookvale killed two people.")


def test_article_specifics_for_event_grouping() -> None:
    text = ("LAKEWOOD, Wash. - A 17-year-old boy is under arrest after the shooting of his 13-year-old "
            "friend near 150th Street and Woodbrook Drive, said Lt. John Unfred. Maria Lopez, 34, saw it.")
    assert ages(text) == {17, 13, 34}
    assert ages("A two-year-old boy was hurt.") == {2}
    assert streets(text) == {"150th street", "woodbrook drive"}
    assert "john_unfred" in names(text) and "maria_lopez" in names(text)
    assert "lakewood" in proper_words(text) and "woodbrook" in proper_words(text)
    assert "the" not in proper_words("He said. The man left.")


def test_mentioned_days_resolve_to_the_latest_past_date() -> None:
    import pandas as pd

    def day(s: str) -> float:
        return float((pd.Timestamp(s) - pd.Timestamp("1970-01-01")).days)

    published = pd.Timestamp("2015-12-08T10:00:00Z")
    got = mentioned_days(published, "He was shot on Oct. 20 and the trial is set for Jan. 27. "
                                    "A July 2014 shooting was different.")
    assert list(got) == sorted([day("2015-12-08"), day("2015-10-20"), day("2015-01-27"), day("2014-07-15")])
    assert len(mentioned_days(None, "Oct. 20")) == 0
    assert list(mentioned_days(published, "In March 1990, nothing.")) == [day("2015-12-08")]


def test_same_wording_different_facts_are_split() -> None:
    import numpy as np

    from corroborate.grouping.facts import split_conflicting_facts

    texts = ["The crash happened around 9 p.m. on Main Street, police said.",
             "The crash happened around 9 p.m. on Main Street, officials said.",
             "The crash happened around 11:30 p.m. on 5th Avenue, police said.",
             "The crash happened on Main Street, police said.",
             "Three people were killed in the crash, police said.",
             "Two people were killed in the crash, police said."]
    labels = split_conflicting_facts(np.array([0, 0, 0, 0, 1, 1]), texts)
    assert labels[0] == labels[1] == labels[3] != labels[2]
    assert labels[4] == labels[5]                      # conflicting numbers stay together


def test_different_ages_of_one_victim_are_different_claims() -> None:
    import numpy as np

    from corroborate.grouping.facts import split_conflicting_facts

    texts = ["Relatives identified the 59-year-old victim as Felix Quinn.",
             "The victim was identified as Felix Quinn, 59, of Hazelbridge.",
             "Relatives identified the 70-year-old victim as Felix Quinn.",
             "Relatives identified the victim as Felix Quinn."]
    labels = split_conflicting_facts(np.array([0, 0, 0, 0]), texts)
    assert labels[0] == labels[1] == labels[3] != labels[2]

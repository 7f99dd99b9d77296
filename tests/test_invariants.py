"""Invariants the packaged, learned confidence model must keep, whatever data it was fitted on.

The copy-flood and one-origin invariants run end to end with the real model in
test_adversarial.py; here, the model itself, and one source against three.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corroborate import Config, Corroborator
from corroborate.scoring.evidence import Evidence, FigureEvidence
from corroborate.scoring.features import FEATURES, SIGN, event_silence


def test_every_weight_keeps_the_sign_its_feature_means() -> None:
    model = Config.default().confidence_model
    for name, coef in zip(model.features, model.coef, strict=True):
        assert SIGN[name] == 0 or np.sign(coef) in (0, SIGN[name]), name


def test_independent_sources_raise_the_probability() -> None:
    model = Config.default().confidence_model
    assert "log_independent" in model.features, "the model must weigh independent sources"
    coef = dict(zip(model.features, model.coef, strict=True))["log_independent"]
    assert coef > 0
    # and the calibrated probability follows: one, three, ten independent groups
    base = np.array(model.mean)
    i = model.features.index("log_independent")
    rows = np.repeat(base[None, :], 3, axis=0)
    rows[:, i] = np.log2([1, 3, 10])
    p = model.probability(rows)
    assert p[0] < p[1] < p[2]


def test_no_feature_counts_outlets() -> None:
    # every count a feature reads is of independent groups (see corroborate/scoring/evidence.py)
    assert not any("source" in f and "independent" not in f for f in FEATURES)


CLAIM = "The bridge over the Elm River was closed on Tuesday after inspectors found cracks, {origin} said."
# each outlet's own reporting around the claim, so that the three are not copies of one story
OWN = [["Traffic was diverted through the town centre.", "Repairs could take several weeks.",
        "A ferry service will run from Thursday."],
       ["Commuters faced long queues on the ring road.", "The council has asked for emergency funds.",
        "Local shops fear a drop in trade."],
       ["The span was built in 1962 and last inspected in spring.", "Engineers will return next week.",
        "Cyclists may still use the footpath."]]
ORIGINS = ["the transport department", "the mayor", "the county engineer"]


@pytest.mark.model
def test_one_source_never_outranks_three_independent_ones(real_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = Config.default().replace(cache_dir=str(tmp_path))
    one = pd.DataFrame([{"source": "solo.example", "text": " ".join([CLAIM.format(origin=ORIGINS[0])] + OWN[0])}])
    three = pd.DataFrame([{"source": f"paper-{i}.example", "text": " ".join([CLAIM.format(origin=ORIGINS[i])] + OWN[i])}
                          for i in range(3)])
    single = Corroborator(embedder=real_embedder, config=cfg).fit(one)
    several = Corroborator(embedder=real_embedder, config=cfg).fit(three)

    def bridge(est: Corroborator) -> tuple[float, int]:
        hits = est.claims_[est.claims_["text"].str.contains("bridge over", regex=False)]
        label = int(hits["cluster_id"].value_counts().idxmax())
        s = next(s for s in est.scores_ if s.cluster_id == label)
        return s.confidence, s.independent_sources

    (p1, n1), (p3, n3) = bridge(single), bridge(several)
    assert (n1, n3) == (1, 3)
    assert p1 < p3




FIGURE = FigureEvidence(unit="killed", consensus=2.0, groups=1, groups_at_consensus=1, agreement=1.0,
                        dissent_groups=0, relative_spread=0.0, lead_share=1.0, first_sentence=0,
                        implicit_share=0.0, evolving=False)


def _evidence(groups: int, event_reports: int, stating: int, figure: FigureEvidence | None = FIGURE) -> Evidence:
    return Evidence(n_claims=stating, n_sources=stating, independent_sources=groups, origins=0,
                    denying_groups=0, hedged_share=0.0, figure=figure, reliability_shift=0.0,
                    generic=False, event_groups=event_reports, event_units_stating=stating)


def test_event_silence_counts_the_reports_of_the_event_that_leave_the_claim_out() -> None:
    assert SIGN["event_silence"] == -1
    assert event_silence(_evidence(5, 5, 5)) == 0.0              # every report of the event states it
    assert event_silence(_evidence(1, 8, 2)) == pytest.approx(2.0)  # 2 of 8 reports: log2(8 / 2)
    assert event_silence(_evidence(1, 1, 3)) == 0.0              # never below 0, whatever the counts
    assert event_silence(_evidence(1, 8, 2, figure=None)) == 0.0  # a sentence without a figure: a detail
    # ten outlets quoting one origin leave no report silent, and neither does one outlet alone
    assert event_silence(_evidence(1, 10, 10)) == event_silence(_evidence(1, 1, 1)) == 0.0
    # one more report of the event that states the claim adds one to both counts: never raises it
    for reports in range(1, 12):
        for stating in range(1, reports + 1):
            assert event_silence(_evidence(1, reports + 1, stating + 1)) <= event_silence(_evidence(1, reports, stating))

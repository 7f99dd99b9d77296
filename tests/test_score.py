from __future__ import annotations

import math

import pytest

from corroborate.report import reason_text
from corroborate.scoring.cluster_score import ClusterInput, ScoringContext
from corroborate.scoring.confidence import ConfidenceModel
from corroborate.scoring.consensus import numeric_consensus, weighted_median
from corroborate.scoring.independence import effective_source_count
from corroborate.scoring.score import score_cluster

# a hand-set model, so that the arithmetic can be checked: z = -1 + 0.9 log2(independent) + ...
MODEL = ConfidenceModel(features=("log_independent", "has_figure", "agreement", "dissent", "denied", "hedged"),
                        mean=(0.0,) * 6, scale=(1.0,) * 6, coef=(0.9, 0.0, 1.0, -1.5, -2.0, -0.5),
                        intercept=-1.0)
CONTEXT = ScoringContext(model=MODEL, tolerance=0.05)


def _score(claims: list[dict[str, object]], quantities: list[dict[str, object]], **kw: object):  # type: ignore[no-untyped-def]
    # each figure is stated by its source's claim
    first = {}
    for c in claims:
        first.setdefault(c["source"], c["claim_id"])
    quantities = [{**q, "claim_id": first.get(q["source"], q["claim_id"])} for q in quantities]
    return score_cluster(ClusterInput(cluster_id=0, claims=claims, quantities=quantities, representative="x",
                                      **kw), CONTEXT)  # type: ignore[arg-type]


def _claims(sources: list[str]) -> list[dict[str, object]]:
    return [{"claim_id": f"{s}-{i}:0", "article_id": f"{s}-{i}", "source": s}
            for i, s in enumerate(sources)]


def _q(source: str, value: float, low: float | None = None, high: float | None = None,
       unit: str = "troops") -> dict[str, object]:
    return {"source": source, "claim_id": f"{source}:0", "unit": unit, "value": value,
            "low": value if low is None else low, "high": value if high is None else high}


def test_effective_sources() -> None:
    assert effective_source_count({"a": 10}) == pytest.approx(1.0)
    assert effective_source_count({"a": 1, "b": 1, "c": 1, "d": 1}) == pytest.approx(4.0)
    assert 1.0 < effective_source_count({"a": 9, "b": 1}) < 1.5


def test_weighted_median_is_a_stated_value() -> None:
    assert weighted_median([3000, 10000, 10000, 12000]) == 10000
    assert weighted_median([1, 2, 3], [1, 1, 5]) == 3
    with pytest.raises(ValueError):
        weighted_median([])


def test_one_source_repeating_itself_stays_low() -> None:
    once = _score(_claims(["a"]), [])
    tenfold = _score(_claims(["a"] * 10), [])
    assert once.confidence == tenfold.confidence < 0.3
    assert tenfold.reasons[0].code == "single_source"
    assert tenfold.reasons[0].values == {"source": "a", "articles": 10}
    assert "(10 articles)" in reason_text(tenfold.reasons[0])


def test_confidence_rises_with_independent_sources() -> None:
    conf = [_score(_claims([f"s{i}" for i in range(k)]), []).confidence for k in (1, 2, 4, 8)]
    assert conf == sorted(conf) and conf[0] < 0.3 < 0.8 < conf[-1]
    assert conf[1] == pytest.approx(1 / (1 + math.exp(-(-1.0 + 0.9))))


def test_hedged_numbers_that_overlap_agree() -> None:
    qs = [_q("a", 10000, 9000, 11000), _q("b", 10000, 10000, 12000), _q("c", 10500), _q("d", 9800)]
    (unit,) = numeric_consensus(qs, tolerance=0.05)
    assert unit.consensus == 10000 and unit.agreement == 1.0 and unit.dissent == ()


def test_outlier_is_named_and_lowers_confidence() -> None:
    qs = [_q("a", 10000, 9000, 11000), _q("b", 10000), _q("c", 10000), _q("d", 40000)]
    claims = _claims(["a", "b", "c", "d"])
    agreeing = _score(claims, qs[:3])
    conflicting = _score(claims, qs)
    (unit,) = conflicting.quantities
    assert [d.source for d in unit.dissent] == ["d"] and unit.agreement == 0.75
    assert conflicting.confidence < agreeing.confidence
    codes = [r.code for r in conflicting.reasons]
    assert "conflicting_numbers" in codes and "numbers_agree" not in codes
    reason = next(r for r in conflicting.reasons if r.code == "conflicting_numbers")
    assert reason.values["dissent"] == [{"value": 40000.0, "source": "d"}]
    assert "40,000 (d)" in reason_text(reason)


def test_a_source_counts_once_per_unit() -> None:
    qs = [_q("a", 3000), _q("a", 3000), _q("a", 3000), _q("b", 10000), _q("c", 10000)]
    (unit,) = numeric_consensus(qs, tolerance=0.05)
    assert unit.n_sources == 3 and unit.consensus == 10000


def test_a_source_of_two_figures_stands_for_one_it_stated() -> None:
    """ "dropped 30 percent citywide ... compared with 9 percent": not 19.5, a figure nobody stated."""
    qs = [_q("a", 30, unit="%"), {**_q("a", 9, unit="%"), "claim_id": "a:1"}, _q("b", 9, unit="%")]
    (unit,) = numeric_consensus(qs, tolerance=0.05)
    assert unit.consensus == 9 and unit.dissent == () and unit.agreement == 1.0
    (alone,) = numeric_consensus(qs[:2], tolerance=0.05)
    assert alone.consensus == 9                        # alone: the lower of its two figures


def test_unbounded_intervals_are_handled() -> None:
    qs = [_q("a", 3000, 3000, math.inf), _q("b", 10000), _q("c", 10000)]
    (unit,) = numeric_consensus(qs, tolerance=0.05)
    assert unit.agreement == 1.0            # "at least 3,000" is consistent with 10,000


def test_reasons_effects_add_up_to_the_log_odds() -> None:
    qs = [_q("a", 10000), _q("b", 10000), _q("c", 40000)]
    s = _score(_claims(["a", "b", "c"]), qs)
    z = MODEL.baseline + sum(r.effect for r in s.reasons)
    assert s.confidence == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-4)


def test_overlapping_hedges_agree_but_flat_figures_do_not() -> None:
    about_10k = [_q("a", 10000, 9000, 11000), _q("b", 10000, 9000, 11000)]
    (hedged,) = numeric_consensus(about_10k + [_q("c", 12000, 10800, 13200)], tolerance=0.05)
    assert hedged.agreement == 1.0                         # "some 12,000" overlaps "about 10,000"
    (flat,) = numeric_consensus(about_10k + [_q("c", 12000)], tolerance=0.05)
    assert [d.source for d in flat.dissent] == ["c"]       # a flat 12,000 does not


def _dated(source: str, value: float, when: str, low: float | None = None,
           high: float | None = None) -> dict[str, object]:
    return {**_q(source, value, low, high), "published_at": when}


def test_an_earlier_smaller_figure_is_evolution_not_conflict() -> None:
    qs = [_dated("early", 3000, "2024-10-23"),
          _dated("a", 10000, "2024-10-28", 9000, 11000), _dated("b", 10000, "2024-10-28"),
          _dated("c", 10000, "2024-10-29")]
    s = _score(_claims(["early", "a", "b", "c"]), qs)
    (unit,) = s.quantities
    assert unit.evolving and [d.source for d in unit.dissent] == ["early"]
    assert [(e.value, e.first_seen) for e in unit.evolution] == [(3000, "2024-10-23"), (10000, "2024-10-28")]
    codes = {r.code: r.effect for r in s.reasons}
    # no dissent penalty: the figure earns what full agreement earns
    assert codes["evolving_numbers"] == pytest.approx(1.0) and "conflicting_numbers" not in codes
    assert s.numeric_agreement == 1.0


def test_a_later_outlier_is_still_a_conflict() -> None:
    qs = [_dated("a", 10000, "2024-10-28"), _dated("b", 10000, "2024-10-28"),
          _dated("late", 40000, "2024-10-30")]
    s = _score(_claims(["a", "b", "late"]), qs)
    assert not s.quantities[0].evolving
    assert any(r.code == "conflicting_numbers" for r in s.reasons)


def test_weights_decide_between_two_figures() -> None:
    qs = [_q("trusted", 10000), _q("doubtful", 40000)]
    (unit,) = numeric_consensus(qs, tolerance=0.05, weights={"trusted": 2.0, "doubtful": 0.5})
    assert unit.consensus == 10000 and unit.agreement == pytest.approx(0.8)
    (flipped,) = numeric_consensus(qs, tolerance=0.05, weights={"trusted": 0.5, "doubtful": 2.0})
    assert flipped.consensus == 40000


def test_one_source_stating_2_to_56_killed_does_not_agree_with_itself() -> None:
    # the largest figure stands for the source (parts of a total), but the claims disagree
    qs = [{"unit": "killed", "value": v, "low": v, "high": v, "source": "a.example", "claim_id": f"c{i}"}
          for i, v in enumerate([2.0, 5.0, 17.0, 56.0])]
    (unit,) = numeric_consensus(qs, tolerance=0.05, totals={"killed"})
    assert unit.consensus == 56.0 and unit.n_sources == 1
    assert unit.agreement == 1.0 and unit.spread == 0.0            # one value per source: nothing to compare
    assert unit.n_claims == 4
    assert unit.claim_agreement == pytest.approx(0.25)               # only the 56 meets it
    assert unit.claim_spread == pytest.approx((51.0 + 39.0) / 2)     # median of 54, 51, 39, 0


def test_claims_that_agree_are_described_as_agreeing() -> None:
    qs = [{"unit": "troops", "value": v, "low": v * 0.9, "high": v * 1.1, "source": s, "claim_id": f"c{i}"}
          for i, (s, v) in enumerate([("a", 10000.0), ("a", 10000.0), ("b", 10500.0)])]
    (unit,) = numeric_consensus(qs, tolerance=0.05)
    assert unit.n_claims == 3 and unit.claim_agreement == 1.0

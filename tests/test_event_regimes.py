"""The two-part event model (near and far pairs) and the rarity features it reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import csr_matrix

from corroborate import Config
from corroborate.errors import ConfigError
from corroborate.grouping.events import EventModel
from corroborate.grouping.pairs import FEATURES, pair_features
from corroborate.grouping.rarity import burst_rarity, inverse_df, rare_columns, rare_tfidf
from corroborate.stages import event_model


def _weights(**set_: float) -> dict[str, float]:
    return {f: set_.get(f, 0.0) for f in FEATURES}


def _rows(log_days: list[float], body: list[float]) -> np.ndarray:
    x = np.zeros((len(log_days), len(FEATURES)))
    x[:, FEATURES.index("log_days")] = log_days
    x[:, FEATURES.index("body")] = body
    return x


def test_far_pairs_are_judged_by_their_own_weights() -> None:
    model = EventModel(_weights(body=4.0, log_days=-2.0), -1.0, 0.5, far_days=7.0,
                       far_weights=_weights(body=1.0), far_intercept=-3.0)
    x = _rows([np.log1p(1), np.log1p(7), np.log1p(8), np.log1p(400)], [0.5, 0.5, 0.5, 0.5])
    p = model.probability(x)
    near = 1 / (1 + np.exp(-(-1.0 + 4.0 * 0.5 - 2.0 * x[:2, FEATURES.index("log_days")])))
    far = 1 / (1 + np.exp(-(-3.0 + 1.0 * 0.5)))
    np.testing.assert_allclose(p[:2], near)                # 7 days apart is still near
    np.testing.assert_allclose(p[2:], far)                 # the far model has no time penalty
    assert model.is_far(x).tolist() == [False, False, True, True]


def test_one_model_when_no_far_weights() -> None:
    model = EventModel(_weights(body=4.0), -1.0, 0.5)
    x = _rows([0.0, 6.0], [0.5, 0.5])
    assert np.allclose(model.probability(x), 1 / (1 + np.exp(-1.0)))
    assert not model.is_far(x).any()


def test_far_weights_must_name_every_feature() -> None:
    bad = _weights()
    del bad["body"]
    with pytest.raises(ValueError, match="far_weights must name exactly"):
        EventModel(_weights(), 0.0, 0.5, far_weights=bad)


def test_config_checks_the_far_weights_and_wires_them_to_the_model() -> None:
    cfg = Config.default()
    model = event_model(cfg)
    assert model.far_days == cfg.event_far_days and model.far_intercept == cfg.event_far_intercept
    assert dict(model.far_weights or {}) == dict(cfg.event_far_weights)
    assert dict(cfg.event_far_weights) != dict(cfg.event_weights)      # the shipped model has two parts
    with pytest.raises(ConfigError, match="event_far_weights"):
        cfg.replace(event_far_weights={"body": 1.0})
    with pytest.raises(ConfigError, match="event_far_days"):
        cfg.replace(event_far_days=-1.0)


def test_shipped_far_model_holds_no_time_penalty_for_publication_days() -> None:
    """The point of the second part: a follow-up months later is not judged by its days apart."""
    cfg = Config.default()
    assert cfg.event_weights["log_days"] < 0
    assert cfg.event_far_weights["log_days"] == 0.0


def _proper(rows: list[list[int]], n_words: int) -> csr_matrix:
    dense = np.zeros((len(rows), n_words))
    for i, words in enumerate(rows):
        dense[i, words] = 1.0
    return csr_matrix(dense)


def test_burst_rarity_is_one_for_a_word_only_the_pair_names() -> None:
    # word 0: only articles 0 and 1 (days 0 and 1); word 1: named every week
    rows = [[0, 1], [0, 1], [1], [1], [1], [1]]
    days = np.array([0.0, 1.0, 10.0, 20.0, 30.0, 40.0])
    score = burst_rarity(_proper(rows, 2), days, np.array([0, 2]), np.array([1, 3]))
    assert score[0] == pytest.approx(1.0)
    # articles 2 and 3 share only word 1, which 4 other articles name outside their days
    assert score[1] == pytest.approx(np.log(6 / 5) / np.log(6))


def test_burst_rarity_does_not_shrink_with_the_corpus() -> None:
    """A plain idf of a burst-only word is small in a small corpus; this score is not."""
    small = burst_rarity(_proper([[0], [0], [1]], 2), np.array([0.0, 0.0, 9.0]), np.array([0]), np.array([1]))
    big_rows = [[0], [0]] + [[1]] * 500
    big = burst_rarity(_proper(big_rows, 2), np.r_[0.0, 0.0, np.arange(500) + 9.0], np.array([0]), np.array([1]))
    assert small[0] == pytest.approx(1.0) and big[0] == pytest.approx(1.0)


def test_burst_rarity_window_and_undated_articles() -> None:
    rows = [[0], [0], [0]]
    # the third mention is 3 days after the later of the pair: inside the window of 3 days
    inside = burst_rarity(_proper(rows, 1), np.array([0.0, 1.0, 4.0]), np.array([0]), np.array([1]))
    outside = burst_rarity(_proper(rows, 1), np.array([0.0, 1.0, 4.5]), np.array([0]), np.array([1]))
    assert inside[0] == pytest.approx(1.0) and outside[0] < 1.0
    # an undated third article is never outside the window; a pair of undated articles sees every dated one
    undated = burst_rarity(_proper(rows, 1), np.array([0.0, 1.0, np.nan]), np.array([0]), np.array([1]))
    both_undated = burst_rarity(_proper(rows, 1), np.array([np.nan, np.nan, 5.0]), np.array([0]), np.array([1]))
    assert undated[0] == pytest.approx(1.0)
    assert both_undated[0] == pytest.approx(np.log(3 / 2) / np.log(3))
    assert burst_rarity(_proper([[0], [1]], 2), np.array([0.0, 0.0]), np.array([0]), np.array([1]))[0] == 0.0


def test_rare_matrices() -> None:
    rows = [[0, 1], [0, 2], [0], [1]]
    m = _proper(rows, 3)
    assert rare_columns(m, max_df=2).shape == (4, 2)          # word 0 (df 3) is not rare
    weighted = inverse_df(m)
    # rows 0 and 1 share word 0 (df 3): 1 / (3 - 1)
    assert (weighted[0] @ weighted[1].T).toarray()[0, 0] == pytest.approx(0.5)
    cos = rare_tfidf(m, max_df=2)
    assert np.allclose(np.asarray((cos.multiply(cos)).sum(axis=1)).ravel(), [1.0, 1.0, 0.0, 1.0])


def test_rarity_features_on_articles() -> None:
    articles = pd.DataFrame({
        "article_id": ["a", "b", "c", "d"], "source": ["s1", "s2", "s3", "s4"],
        "title": ["Shooting on Elm", "Elm shooting victim named", "Council vote", "Budget vote"],
        "text": ["Police said Jamal Okafor was shot near Lindenwood Park on Monday.",
                 "Jamal Okafor, 24, was shot near Lindenwood Park, police said.",
                 "The Harwick council voted on the budget.",
                 "The Harwick council passed the budget."],
        "published_at": pd.to_datetime(["2015-03-02", "2015-03-03", "2015-05-01", "2015-06-20"], utc=True),
    })
    vectors = np.eye(4)[[0, 0, 1, 1]] + 0.01
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = pair_features(articles, vectors, candidate_similarity=0.0)
    got = {(int(a), int(b)): dict(zip(FEATURES, row, strict=True))
           for a, b, row in zip(pairs.left, pairs.right, pairs.values, strict=True)}
    shooting, council = got[(0, 1)], got[(2, 3)]
    assert shooting["burst_rarity"] == pytest.approx(1.0)
    assert shooting["rare_proper"] > 0 and shooting["log_days_unshared"] == 0.0
    for row in got.values():
        assert 0.0 <= row["body_relative"] <= 1.0 and 0.0 <= row["lead_relative"] <= 1.0
        assert row["log_days_unburst"] == pytest.approx(row["log_days"] * (1 - row["burst_rarity"]))
    assert council["log_days"] == pytest.approx(np.log1p(50))

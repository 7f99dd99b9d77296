"""Every setting is a scikit-learn parameter: ``GridSearchCV`` tunes the claim threshold and an
event setting of the Corroborator, the confidence model clones, stages swap through Protocols."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold

from benchmarks.gen_events import generate
from corroborate import ConfidenceModel, Config, Corroborator
from corroborate.errors import ConfigError
from corroborate.stage_results import Independence


@pytest.fixture(scope="module")
def small_gold() -> tuple[pd.DataFrame, np.ndarray]:
    articles, _ = generate(n_events=6, seed=5)
    return articles.drop(columns="gold_event").reset_index(drop=True), articles["gold_event"].to_numpy()


def _base(fake_embedder, tmp_path) -> Corroborator:  # type: ignore[no-untyped-def]
    return Corroborator(embedder=fake_embedder, config=Config.default().replace(cache=False,
                                                                                cache_dir=str(tmp_path)))


def corroborated_within_events(est: Corroborator, X: pd.DataFrame, y: np.ndarray) -> float:
    """A scorer on the held-out articles: the share of their claims that sit in a cluster of two or
    more sources lying within one gold event, minus the share in clusters that span gold events."""
    fitted = clone(est).fit(X)
    gold = dict(zip(X["article_id"], y, strict=True))
    claims = fitted.claims_.assign(gold=fitted.claims_["article_id"].map(gold))
    by_cluster = claims.groupby("cluster_id").agg(sources=("source", "nunique"), events=("gold", "nunique"),
                                                  n=("claim_id", "size"))
    good = by_cluster[(by_cluster.sources >= 2) & (by_cluster.events == 1)].n.sum()
    mixed = by_cluster[by_cluster.events > 1].n.sum()
    return float((good - mixed) / len(claims))


def test_every_setting_is_a_parameter(fake_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    est = _base(fake_embedder, tmp_path)
    params = est.get_params()
    assert params["config__distance_threshold"] == est.config.distance_threshold
    assert {"config__event_distance_threshold", "config__copy_threshold", "config__confidence_model"} <= set(params)
    est.set_params(config__distance_threshold=0.21, config__event_distance_threshold=0.4)
    assert (est.config.distance_threshold, est.config.event_distance_threshold) == (0.21, 0.4)
    twin = clone(est)
    assert twin.config is est.config and twin.get_params()["config__distance_threshold"] == 0.21
    with pytest.raises(ConfigError, match="unknown Config setting"):
        est.set_params(config__no_such_setting=1)
    with pytest.raises(ConfigError, match="distance_threshold"):
        est.set_params(config__distance_threshold=5.0)


def test_the_default_config_is_reachable_too() -> None:
    est = Corroborator()
    assert est.get_params()["config__distance_threshold"] == Config.default().distance_threshold
    assert est.set_params(config__min_words=7).config.min_words == 7


def test_confidence_model_clones() -> None:
    model = Config.default().confidence_model
    copy = clone(model)
    assert copy == model and copy is not model
    changed = clone(model).set_params(intercept=model.intercept + 1.0)
    assert changed.intercept == model.intercept + 1.0 and model.intercept != changed.intercept
    with pytest.raises(ConfigError):
        clone(model).set_params(calibrator="nope")
    assert isinstance(copy, ConfidenceModel)


def test_grid_search_tunes_the_claim_threshold_and_an_event_setting(fake_embedder, tmp_path,  # type: ignore[no-untyped-def]
                                                                    small_gold) -> None:
    X, y = small_gold
    grid = {"config__distance_threshold": [0.05, 0.5], "config__event_distance_threshold": [0.05, 0.9]}
    search = GridSearchCV(_base(fake_embedder, tmp_path), grid, scoring=corroborated_within_events,
                          cv=GroupKFold(n_splits=2), refit=True, error_score="raise")
    search.fit(X, y, groups=y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4
    # the parameters reached the pipeline: the four settings do not all score alike
    assert len(set(np.round(scores, 9))) > 1
    best = search.best_params_
    assert search.best_estimator_.config_.distance_threshold == best["config__distance_threshold"]
    assert search.best_estimator_.config_.event_distance_threshold == best["config__event_distance_threshold"]


def test_the_default_score_is_event_pair_f1(fake_embedder, tmp_path, small_gold) -> None:  # type: ignore[no-untyped-def]
    X, y = small_gold
    est = _base(fake_embedder, tmp_path)
    one_event = est.set_params(event_grouper=_OneEvent()).score(X, y)
    n = len(y)
    same = sum(int(a == b) for i, a in enumerate(y) for b in y[i + 1:])
    assert one_event == pytest.approx(2 * same / (same + n * (n - 1) / 2))


class _OneEvent:
    """An event grouper that puts every article in one event."""

    def group(self, articles, leads, kept_text):  # type: ignore[no-untyped-def]
        return np.zeros(len(articles), dtype=np.int64)


class _EveryOutletIndependent:
    """An independence stage that trusts every outlet: no copies, no shared origins, no denials."""

    def weigh(self, claims, articles, denied, embeddings, embedder):  # type: ignore[no-untyped-def]
        keys = pd.DataFrame({"evidence_kind": "source", "evidence_name": claims["source"], "copy_kind": None,
                             "copy_name": None}, index=claims.index)
        return Independence(claims=pd.concat([claims.assign(attributed_to=None), keys], axis=1), denial_links={})


def test_stages_swap(fake_embedder, tmp_path, small_gold) -> None:  # type: ignore[no-untyped-def]
    X, _ = small_gold
    est = _base(fake_embedder, tmp_path).set_params(event_grouper=_OneEvent(),
                                                    independence=_EveryOutletIndependent()).fit(X)
    assert est.articles_["event_id"].nunique() == 1 and len(est.events_) == 1
    assert est.claims_["attributed_to"].isna().all() and (est.claims_["evidence_kind"] == "source").all()
    assert est.denial_links_ == {} and all(not s.copy_groups and not s.origins for s in est.scores_)
    with pytest.raises(ConfigError, match="event_grouper must have a group"):
        _base(fake_embedder, tmp_path).set_params(event_grouper=object()).fit(X)
    with pytest.raises(ConfigError, match="independence must have a weigh"):
        _base(fake_embedder, tmp_path).set_params(independence=object()).fit(X)

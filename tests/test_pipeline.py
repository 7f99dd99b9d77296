"""The wiring, with the fast fake embedder (the real model runs in test_integration.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import AgglomerativeClustering

from corroborate import Config, Corroborator, NotFittedError, read_articles, write_outputs

from .conftest import FakeEmbedder

ARTICLES = pd.DataFrame([
    {"source": "a.example", "text": "About 10,000 North Korean troops were sent to Russia, officials said."},
    {"source": "b.example", "text": "About 10,000 North Korean troops were sent to Russia, officials said on Monday."},
    {"source": "c.example", "text": "Some 12,000 North Korean troops were sent to Russia, officials said."},
    {"source": "d.example", "text": "The central bank kept its interest rate unchanged at 4.5 percent."},
    {"source": "a.example", "text": "The central bank kept its interest rate unchanged at 4.5 percent today."},
])


def _fit(frame: pd.DataFrame = ARTICLES, **kw: object) -> Corroborator:
    kw.setdefault("config", Config.default().replace(distance_threshold=0.35))
    return Corroborator(embedder=FakeEmbedder(), **kw).fit(frame)  # type: ignore[arg-type]


def test_fit_sets_learned_attributes() -> None:
    est = _fit()
    assert len(est.claims_) == 5 and est.labels_.shape == (5,)
    assert est.embeddings_.shape == (5, 256)
    assert est.claims_["cluster_id"].tolist() == est.labels_.tolist()
    assert list(est.clusters_["confidence"]) == sorted(est.clusters_["confidence"], reverse=True)
    troops = next(s for s in est.scores_ if s.quantities and s.quantities[0].unit == "troops")
    # three outlets, but near-verbatim copies of one another: one independent unit
    assert troops.n_sources == 3 and troops.independent_sources == 1
    assert list(est.timings_) == ["read", "syndication", "claims", "events", "furniture", "parse",
                                  "embed", "cluster", "independence", "score"]


def test_unfitted_report_raises() -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        Corroborator().report()


def test_it_is_a_scikit_learn_estimator() -> None:
    from sklearn.base import clone

    est = Corroborator(clusterer=AgglomerativeClustering(distance_threshold=0.3, n_clusters=None))
    assert est.get_params(deep=False)["config"] is None          # __init__ only stores
    copy = clone(est).set_params(clusterer__distance_threshold=0.5, show_progress=True)
    assert copy.get_params()["clusterer__distance_threshold"] == 0.5 and copy.show_progress
    assert est.get_params()["clusterer__distance_threshold"] == 0.3     # the original is untouched


def test_same_input_same_bytes_whatever_the_order(tmp_path: Path) -> None:
    shuffled = ARTICLES.sample(frac=1.0, random_state=3).reset_index(drop=True)
    for name, frame in (("a", ARTICLES), ("b", ARTICLES), ("c", shuffled)):
        write_outputs(_fit(frame).report(), tmp_path / name)
    for file in ("claims.jsonl", "clusters.jsonl", "report.md", "run.json", "dropped.jsonl"):
        a = (tmp_path / "a" / file).read_bytes()
        assert a == (tmp_path / "b" / file).read_bytes() == (tmp_path / "c" / file).read_bytes(), file


def test_any_sklearn_clusterer_can_be_swapped_in() -> None:
    est = _fit(clusterer=AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average"),
               config=Config.default().replace(group_figures=False))
    # claims are clustered within each event: two events (troops, bank), two clusters each
    assert est.events_["n_articles"].tolist() == [3, 2]
    assert len(est.scores_) == 4


def test_claims_counting_one_thing_form_one_figure_per_event() -> None:
    est = _fit(clusterer=AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average"))
    troops = [s for s in est.scores_ if any(q.unit == "troops" for q in s.quantities)]
    assert len(troops) == 1 and troops[0].n_claims == 3      # however the clusterer split them
    assert len(est.scores_) == 3


def test_rejected_records_reach_the_outputs(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(ARTICLES.iloc[:2].to_json(orient="records", lines=True) + "{oops\n")
    est = _fit(read_articles(path, errors="skip"))
    paths = write_outputs(est.report(), tmp_path / "out")
    assert f"{path}:line 3" in paths["rejected.jsonl"].read_text()
    assert "1 input records were rejected" in paths["report.md"].read_text()


def test_cache_is_used_on_the_second_fit(tmp_path: Path) -> None:
    inner = FakeEmbedder()
    Corroborator(embedder=inner, config=Config.default().replace(cache_dir=str(tmp_path))).fit(ARTICLES)
    calls = inner.calls
    est = Corroborator(embedder=inner, config=Config.default().replace(cache_dir=str(tmp_path))).fit(ARTICLES)
    assert inner.calls == calls and est.embedding_stats_["encoded"] == 0


def test_corpus_without_claims_still_reports(tmp_path: Path) -> None:
    est = _fit(pd.DataFrame([{"source": "a", "text": "Subscribe to our newsletter."}]))
    assert est.scores_ == [] and len(est.dropped_) == 1
    paths = write_outputs(est.report(), tmp_path)
    assert paths["clusters.jsonl"].read_text() == ""
    assert np.asarray(est.labels_).size == 0


def test_a_dissenting_claim_never_heads_its_cluster() -> None:
    frame = pd.DataFrame([  # "a1" sorts first, so it would win a tie for the medoid
        {"article_id": "a1", "source": "x", "text": "Officials said 40,000 troops were sent to Russia."},
        {"article_id": "b1", "source": "y", "text": "Officials said 10,000 troops were sent to Russia."},
        {"article_id": "c1", "source": "z", "text": "Officials said 10,000 troops were sent to Russia today."},
    ])
    (score,) = _fit(frame).scores_
    assert [d.source for q in score.quantities for d in q.dissent] == ["x"]
    assert "10,000" in score.representative

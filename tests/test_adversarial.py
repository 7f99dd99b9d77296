"""Independence under attack (issue: copy-flood resistance), with the real model."""

from __future__ import annotations

import pandas as pd
import pytest

from corroborate import Config, Corroborator

pytestmark = pytest.mark.model

FALSE = ("The health ministry said that 500 patients were cured by the new drug within a week. "
         "Officials said the trial took place at three hospitals in the capital. "
         "The drug will be sold in pharmacies from next month.")
# light rewordings an outlet might make to copy
SWAPS = [("within a week", "in a week"), ("Officials said", "Officials added"),
         ("from next month", "starting next month"), ("The drug", "The medicine"),
         ("in the capital", "in the capital city")]
# three independent reports of one event; like real reports, they name the place
GENUINE = [
    ("utility.example", "Water service was restored across Millbrook on Friday, the utility company said. "
                        "Crews had worked through the night to repair the main pipe under Elm Street."),
    ("mayor-daily.example", "Water service was restored to all of Millbrook on Friday, the mayor's office said. "
                            "Schools will reopen on Monday after the outage on Elm Street."),
    ("region-news.example", "On Friday water service was restored throughout Millbrook, regional officials "
                            "said. The repair cost of the Elm Street main was not disclosed."),
]


def _flood_corpus(k: int) -> pd.DataFrame:
    rows = [{"source": "origin.example", "article_id": "false-0", "text": FALSE}]
    for i in range(1, k + 1):
        old, new = SWAPS[i % len(SWAPS)]
        rows.append({"source": f"copycat-{i:02d}.example", "article_id": f"false-{i}",
                     "text": FALSE.replace(old, new)})
    rows += [{"source": s, "article_id": f"genuine-{n}", "text": t} for n, (s, t) in enumerate(GENUINE)]
    return pd.DataFrame(rows)


def _confidence_of(est: Corroborator, needle: str) -> tuple[float, int, int]:
    hits = est.claims_[est.claims_["text"].str.contains(needle, regex=False)]
    label = int(hits["cluster_id"].value_counts().idxmax())
    score = next(s for s in est.scores_ if s.cluster_id == label)
    return score.confidence, score.n_sources, score.independent_sources


def test_copy_flood_does_not_raise_a_false_claim(real_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    false_conf, genuine_conf = {}, {}
    for k in range(1, 21):
        est = Corroborator(embedder=real_embedder,
                       config=Config.default().replace(cache_dir=str(tmp_path))).fit(_flood_corpus(k))
        conf, n_sources, independent = _confidence_of(est, "500 patients")
        assert n_sources == k + 1 and independent == 1, (k, n_sources, independent)
        false_conf[k] = conf
        genuine_conf[k], n_genuine, independent_genuine = _confidence_of(est, "Water service")
        assert n_genuine == 3 and independent_genuine == 3
    assert max(false_conf.values()) - min(false_conf.values()) <= 0.02
    # a calibrated probability for one source is high on our data (most single reports are right),
    # so the margin is what three independent sources add over one: strictly more, every time
    assert min(genuine_conf.values()) > max(false_conf.values())


CLAIM = "Ten miners were rescued from the collapsed mine on Sunday, {origin} said."
ORIGINS = ["the fire department", "the mayor", "police", "the mining company", "a hospital spokesman"]
CONTEXT = ["Rescue work went on overnight.", "The cause of the collapse is not yet known.",
           "Families waited at the entrance for hours.", "The mine had been inspected in March.",
           "Heavy rain had fallen in the area all week.", "Local schools were closed on Monday.",
           "It was the second accident at the site this year.", "Unions called for an inquiry.",
           "The regional governor visited the site.", "Traffic was diverted around the area."]


def test_ten_outlets_one_origin_score_below_five_outlets_five_origins(real_embedder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    one_origin = pd.DataFrame([{"source": f"outlet-{i}.example",
                                "text": CLAIM.format(origin="the fire department") + " " + CONTEXT[i]}
                               for i in range(10)])
    # five independent reports: the same sentence from five origins, each with its own
    # reporting around it (with one context sentence each they would be copies of one story)
    five_origins = pd.DataFrame([{"source": f"paper-{i}.example",
                                  "text": CLAIM.format(origin=ORIGINS[i]) + " " + CONTEXT[i] + " "
                                  + CONTEXT[(i + 5) % len(CONTEXT)]}
                                 for i in range(5)])
    single = Corroborator(embedder=real_embedder,
                       config=Config.default().replace(cache_dir=str(tmp_path))).fit(one_origin)
    several = Corroborator(embedder=real_embedder,
                       config=Config.default().replace(cache_dir=str(tmp_path))).fit(five_origins)
    conf_single, n_single, ind_single = _confidence_of(single, "miners were rescued")
    conf_several, n_several, ind_several = _confidence_of(several, "miners were rescued")
    assert (n_single, ind_single) == (10, 1)
    assert (n_several, ind_several) == (5, 5)
    assert conf_single < conf_several
    top = next(s for s in single.scores_ if s.n_sources == 10)
    assert any(r.code == "single_origin" and "fire department" in r.values["origin"] for r in top.reasons)

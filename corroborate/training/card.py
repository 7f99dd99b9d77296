"""The model card written beside a model file by ``corroborate tune`` (its data, held-out
metrics, threshold sweep, weights, ablation and limits), from the model document alone."""

from __future__ import annotations

from typing import Any


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def model_card(doc: dict[str, Any]) -> str:
    """A Markdown model card for a model document."""
    tr = doc["trained"]
    conf = doc["confidence"]
    lines = [f"# Model card: `{doc['name']}` ({doc['version']})", "",
             "Written by `corroborate tune`; do not edit by hand (rerun the command).", "",
             "## What it is",
             "The settings of a `corroborate score` run and the model that turns each cluster's evidence into "
             "a probability that the cluster is right: a logistic regression on the features below "
             f"(standardised), then a `{conf['calibrator']}` calibrator fitted on out-of-fold scores "
             "(scikit-learn `CalibratedClassifierCV`, folds grouped by incident).", "",
             f"Trained {tr['date']} at commit `{tr['commit']}`.", "",
             "## Data", "", "| corpus | articles | labelled clusters | right | figure rows | claim rows | gold slots |",
             "|---|---|---|---|---|---|---|"]
    for d in tr["data"]:
        lines.append(f"| {d['name']} | {d['articles']} | {d['labelled_clusters']} | {d['right']} | "
                     f"{d['figure_rows']} | {d['claim_rows']} | {d['gold_slots']} |")
    lines += ["", "A figure cluster is right when its consensus equals the gold count of its majority incident; "
              "a claim cluster when most of its claims with claim-level truth are true.", "",
              "## Held-out metrics (5 folds grouped by incident)", "",
              "| corpus | items | ROC-AUC | Brier | ECE (10 bins) | figure accuracy |", "|---|---|---|---|---|---|"]
    for name, m in tr["per_corpus"].items():
        lines.append(f"| {name} | {m['n']} | {_f(m['roc_auc'])} | {_f(m['brier'])} | {_f(m['ece'])} | "
                     f"{_f(m['figure_accuracy'])} |")
        for kind in ("figure", "claim"):
            if kind in m:
                k = m[kind]
                lines.append(f"| {name}, {kind} clusters | {k['n']} | {_f(k['roc_auc'])} | {_f(k['brier'])} | "
                             f"{_f(k['ece'])} | |")
    h = tr["held_out"]
    lines += [f"| all | {h['n']} | {_f(h['roc_auc'])} | {_f(h['brier'])} | {_f(h['ece'])} | "
              f"{_f(h['figure_accuracy'])} |", "",
              "Calibrators compared (held out, all corpora): "
              + "; ".join(f"{c}: Brier {_f(m['brier'])}, ECE {_f(m['ece'])}, AUC {_f(m['roc_auc'])}"
                          for c, m in tr["calibrators"].items()) + f". Chosen: **{tr['chosen_calibrator']}**.", "",
              "Claim threshold (cosine distance within an event), by held-out figure accuracy:", "",
              "| threshold | labelled clusters | figure accuracy | ROC-AUC | Brier |", "|---|---|---|---|---|"]
    for g in tr["grid"]:
        lines.append(f"| {g['distance_threshold']:.2f} | {g['rows']} | {_f(g['figure_accuracy'])} | "
                     f"{_f(g['roc_auc'])} | {_f(g['brier'])} |")
    lines += ["", f"Chosen: **{doc['settings']['cluster']['distance_threshold']:.2f}**.", "",
              "## Features and their weights", "",
              "| feature | coefficient (per s.d.) | training mean | held-out ROC-AUC without it "
              "| Brier change without it |",
              "|---|---|---|---|---|"]
    ab = {a["feature"]: a for a in tr["ablation"]}
    for f, c, m in zip(conf["features"], conf["coef"], conf["mean"], strict=True):
        a = ab.get(f, {})
        lines.append(f"| {f} | {c:+.3f} | {m:.3f} | {_f(a.get('roc_auc'))} | {a.get('d_brier', 0):+.4f} |")
    for f in conf.get("dropped", []):
        lines.append(f"| {f} | dropped in the final fit (fitted sign contradicts its meaning) | | | |")
    pruned = tr["held_out"].get("pruned_by_ablation", [])
    if pruned:
        lines += ["", "Pruned by ablation (held-out Brier no worse without them), in order: "
                  + ", ".join(f"`{f}`" for f in pruned) + "."]
    kept_on_request = tr["held_out"].get("kept_by_request", [])
    if kept_on_request:
        lines += ["", "Kept whatever the ablation says (`--keep`): " + ", ".join(f"`{f}`" for f in kept_on_request) + "."]
    lines += ["", "A positive Brier change means the model is worse without the feature: it earns its place.", "",
              "## Intended use and limits",
              "- Ranking and weighing clusters of claims from news reports of local events (shootings, fires, "
              "crashes) in English, as `corroborate score` forms them with these settings.",
              "- The settings `tune` does not fit are those of the base model file; the event model (`[events]`) "
              "is fitted by `benchmarks/tune_events.py` on real local and national news.",
              "- The probability is calibrated on the corpora above; on other kinds of reporting it is a "
              "ranking with a reasonable scale, not a tested probability. Re-run `corroborate tune` on gold "
              "from your own domain.",
              "- Real-news labels exist only for casualty figures; clusters without a number are judged by "
              "the synthetic world alone.",
              "- Each reason's effect in the report is the feature's term in the regression's score (log-odds "
              "before calibration); calibration is monotone, so a larger score never means a lower probability."]
    return "\n".join(lines) + "\n"

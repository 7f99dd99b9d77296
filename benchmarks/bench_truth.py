"""Numeric truth discovery on real data, side by side with the classic algorithms.

DAFNA weather (16 sites, 5 properties of city-hour objects, January 2010):
AccuWeather's values are the reference; AccuWeather's own claims are not in
the input. Every method gets the same observations, built once:

* one claim per source and item: the first crawl (earliest timestamp, then file
  order); where the reference has several rows for an item, its first crawl too;
* values parsed by corroborate's engine ("2 1/2" is 2.5); placeholders ("N/A",
  "--", "*") and values that are not numbers ("16-Apr", "Unlimited") are left
  out of every method's input alike (counted below);
* items: those with a reference value and at least one observation.

Methods: corroborate's engine (stated tolerances, and its defaults), majority
vote on exact values, the median, and Sums, AverageLog, Investment,
PooledInvestment and TruthFinder from the ``truthdiscovery`` package (run in
the benchmark-only environment ``.venv-bench``: ``benchmarks/peers/setup.sh``).

Metrics: exact accuracy; accuracy within the stated tolerance (Temperature and
RealFeel 1 °F, Humidity 2 points, Pressure 0.02 inHg, Visibility 0.5 mi, chosen
a priori from each measurement's resolution, not tuned); mean absolute error;
ROC-AUC of each method's confidence for "the chosen value is correct within
tolerance".

    python benchmarks/bench_truth.py [--data ../shared/data] [--peers-python .venv-bench/bin/python] [--write]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, dafna  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate.ingest.claim_table import parse_value  # noqa: E402
from corroborate.scoring.truth import TruthDiscovery  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = {"Temperature": 1.0, "RealFeel": 1.0, "Humidity": 2.0, "Pressure": 0.02, "Visibility": 0.5}


def first_crawl(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    frame = frame.assign(order=np.arange(len(frame)))
    return frame.sort_values(["seen", "order"], na_position="last", kind="stable").drop_duplicates(by)


def prepare(data: Path) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
    claims, gold = dafna(data, "dafna_weather")
    claims = claims[claims["source"] != "accuweather"]
    claims = first_crawl(claims, ["item", "source"])
    parsed = claims["value"].map(parse_value)
    claims = claims.assign(number=[p[0] for p in parsed], why=[p[1] for p in parsed])
    counts = {
        "first-crawl claims": len(claims),
        "placeholders": int(claims["why"].fillna("").str.startswith("placeholder").sum()),
        "not numbers": int(claims["why"].fillna("").str.startswith("not").sum()),
    }
    obs = claims[claims["number"].notna()]
    gold = first_crawl(gold, ["item"])
    gold_value = gold.set_index("item")["value"].map(lambda v: parse_value(v)[0]).dropna()
    items = sorted(set(obs["item"]) & set(gold_value.index))
    obs = obs[obs["item"].isin(items)].reset_index(drop=True)
    counts.update({"observations": len(obs), "items": len(items),
                   "sources": obs["source"].nunique()})
    return obs, gold_value.loc[items], counts


def corroborate_method(obs: pd.DataFrame, **kw: object) -> pd.DataFrame:
    frame = pd.DataFrame({"item": obs["item"], "source": obs["source"], "value": obs["number"],
                          "unit": obs["property"], "published_at": obs["seen"]})
    engine = TruthDiscovery(**kw).fit(frame)  # type: ignore[arg-type]
    items = engine.items_
    return pd.DataFrame({"item": items["item"], "value": items["consensus"].astype(float),
                         "confidence": items["confidence"]})


def majority(obs: pd.DataFrame) -> pd.DataFrame:
    counts = obs.groupby(["item", "number"]).size().rename("n").reset_index()
    counts = counts.sort_values(["item", "n", "number"], ascending=[True, False, True], kind="stable")
    best = counts.drop_duplicates("item")
    total = obs.groupby("item").size()
    return pd.DataFrame({"item": best["item"], "value": best["number"],
                         "confidence": best["n"].to_numpy() / total.loc[best["item"]].to_numpy()})


def median(obs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for item, group in obs.groupby("item", sort=True):
        values = np.sort(group["number"].to_numpy(float))
        chosen = values[(len(values) - 1) // 2]
        tol = TOLERANCE[group["property"].iloc[0]]
        rows.append((item, chosen, float(np.mean(np.abs(values - chosen) <= tol))))
    return pd.DataFrame(rows, columns=["item", "value", "confidence"])


def peers(obs: pd.DataFrame, python: Path) -> dict[str, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        triples, out = Path(tmp) / "in.tsv", Path(tmp) / "out.jsonl"
        with open(triples, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t")
            writer.writerows(zip(obs["source"], obs["item"], obs["number"], strict=True))
        subprocess.run([str(python), str(ROOT / "benchmarks/peers/run_truthdiscovery.py"),
                        str(triples), str(out)], check=True)
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    frame = pd.DataFrame(rows)
    return {name: g[["item", "value", "confidence", "seconds"]].reset_index(drop=True)
            for name, g in frame.groupby("method", sort=False)}


def evaluate(result: pd.DataFrame, gold: pd.Series, prop: pd.Series) -> dict[str, float]:
    r = result.set_index("item").reindex(gold.index)
    chosen = r["value"].to_numpy(float)
    truth = gold.to_numpy(float)
    tol = prop.loc[gold.index].map(TOLERANCE).to_numpy(float)
    error = np.abs(chosen - truth)
    exact = np.isclose(chosen, truth, rtol=0, atol=1e-9)
    within = error <= tol + 1e-9
    confidence = r["confidence"].fillna(0.0).to_numpy(float)
    auc = roc_auc_score(within, confidence) if 0 < within.sum() < len(within) else float("nan")
    return {"exact": float(exact.mean()), "within": float(within.mean()),
            "mae": float(np.nanmean(error)), "auc": float(auc)}


# ---------------------------------------------------------------- books (categorical)

def author_key(value: str) -> str:
    """Order- and format-free form of an author list: its sorted alphabetic name tokens.

    "Knuth, Donald E." and "Donald E. Knuth" both become "donald knuth"
    (one-letter initials dropped). Applied to every method's input and to the reference alike.
    """
    tokens = {t for t in re.findall(r"[^\W\d_]+", value.casefold()) if len(t) > 1}
    return " ".join(sorted(tokens))


def run_books(data: Path, peers_python: Path) -> str:
    claims, gold = dafna(data, "dafna_books")
    gold_rows = [line.split("\t", 1) for line in
                 (data / "dafna_books" / "truth" / "book_golden.txt").read_text(encoding="utf-8",
                                                                                 errors="replace").splitlines()
                 if "\t" in line]
    reference = pd.Series({isbn.strip(): author_key(authors) for isbn, authors in gold_rows})
    claims = claims.assign(order=np.arange(len(claims)))
    usable = claims["value"].map(lambda v: parse_value(v)[1] is None or not
                                 parse_value(v)[1].startswith("placeholder"))  # type: ignore[union-attr]
    usable &= ~claims["value"].str.casefold().isin({"not available", "n/a", ""})
    claims = claims[usable].drop_duplicates(["object", "source"])
    obs = claims.assign(number=claims["value"].map(author_key))
    obs = obs[obs["number"] != ""]
    items = sorted(set(obs["object"]) & set(reference.index))
    counts = {"claims": len(claims), "items": len(items), "sources": obs["source"].nunique(),
              "observations on gold books": int(obs["object"].isin(items).sum())}

    def score(result: pd.DataFrame) -> tuple[float, float]:
        r = result.set_index("item").reindex(items)
        correct = (r["value"].astype(str) == reference.loc[items].to_numpy()).to_numpy()
        confidence = r["confidence"].fillna(0).to_numpy(float)
        auc = roc_auc_score(correct, confidence) if 0 < correct.sum() < len(correct) else float("nan")
        return float(correct.mean()), float(auc)

    frame = pd.DataFrame({"item": obs["object"], "source": obs["source"], "value": obs["number"]})
    engine = TruthDiscovery().fit(frame)
    ours = pd.DataFrame({"item": engine.items_["item"], "value": engine.items_["consensus"],
                         "confidence": engine.items_["confidence"]})
    counts_by = frame.groupby(["item", "value"]).size().rename("n").reset_index()
    counts_by = counts_by.sort_values(["item", "n", "value"], ascending=[True, False, True])
    best = counts_by.drop_duplicates("item")
    total = frame.groupby("item").size()
    vote = pd.DataFrame({"item": best["item"], "value": best["value"],
                         "confidence": best["n"].to_numpy() / total.loc[best["item"]].to_numpy()})
    results = {"corroborate": ours, "majority vote": vote}
    if peers_python.exists():
        peer_obs = pd.DataFrame({"source": frame["source"], "item": frame["item"], "number": frame["value"]})
        for name, result in peers(peer_obs, peers_python).items():
            results[f"truthdiscovery {name}"] = result
    rows = "\n".join(f"| {name} | {score(r)[0]:.2f} | {score(r)[1]:.3f} |" for name, r in results.items())
    return f"""### Categorical: DAFNA books

{counts['claims']} first claims per seller and book ({counts['sources']} sellers; "Not Available" left out of
every input); author lists compared in one stated canonical form (sorted alphabetic name tokens: order,
punctuation, case and initials ignored), for every method's input and the reference alike;
{len(items)} reference books.

| method | accuracy | ROC-AUC |
|---|---|---|
{rows}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--peers-python", type=Path, default=ROOT / ".venv-bench" / "bin" / "python")
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args()

    obs, gold, counts = prepare(args.data)
    prop = obs.drop_duplicates("item").set_index("item")["property"]
    methods: dict[str, tuple[pd.DataFrame, float]] = {}

    def timed(name: str, fn, *a, **kw) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        methods[name] = (fn(*a, **kw), time.perf_counter() - started)

    timed("corroborate (stated tolerances)", corroborate_method, obs, rel_tolerance=0.0,
          abs_tolerance=TOLERANCE)
    timed("corroborate (stated tolerances, one reliability per source)",
          corroborate_method, obs, rel_tolerance=0.0, abs_tolerance=TOLERANCE,
          reliability_by="source")
    timed("corroborate (stated tolerances, support instead of median)", corroborate_method, obs,
          rel_tolerance=0.0, abs_tolerance=TOLERANCE, consensus="support")
    timed("corroborate (defaults: 5% relative)", corroborate_method, obs)
    timed("majority vote (exact values)", majority, obs)
    timed("median", median, obs)
    if args.peers_python.exists():
        for name, frame in peers(obs, args.peers_python).items():
            methods[f"truthdiscovery {name}"] = (frame, float(frame["seconds"].iloc[0]))
        peer_note = "truthdiscovery 1.0.4 in `.venv-bench` (benchmarks/peers/setup.sh)"
    else:
        peer_note = f"NOT RUN: no peer environment at {args.peers_python} (run benchmarks/peers/setup.sh)"

    rows = []
    for name, (result, seconds) in methods.items():
        m = evaluate(result, gold, prop)
        rows.append(f"| {name} | {m['exact']:.3f} | {m['within']:.3f} | {m['mae']:.3f} | "
                    f"{m['auc']:.3f} | {seconds:.1f} |")
    per_property = []
    for p in sorted(TOLERANCE):
        items = gold.index[prop.loc[gold.index] == p]
        line = [f"{p} ({len(items)})"]
        for name in methods:
            m = evaluate(methods[name][0], gold.loc[items], prop)
            line.append(f"{m['within']:.3f}")
        per_property.append("| " + " | ".join(line) + " |")
    body = f"""## Numeric truth discovery: DAFNA weather (bench_truth.py)

Command: `python benchmarks/bench_truth.py --data ../shared/data --write`
Machine: {machine()}; commit {commit()}. Peers: {peer_note}.
Input: {counts['first-crawl claims']} first-crawl claims from {counts['sources']} sources (AccuWeather, the
reference, excluded); {counts['placeholders']} placeholders and {counts['not numbers']} non-numbers left out of every
method's input alike; {counts['observations']} observations on {counts['items']} items with a reference value.
Tolerance: Temperature and RealFeel 1 °F, Humidity 2 points, Pressure 0.02 inHg, Visibility 0.5 mi (stated a
priori). AUC: confidence vs "chosen value within tolerance of the reference".

| method | exact accuracy | accuracy within tolerance | MAE | ROC-AUC | seconds |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Accuracy within tolerance by property (items):

| property | {" | ".join(methods)} |
|---|{"---|" * len(methods)}
{chr(10).join(per_property)}
"""
    body += "\n" + run_books(args.data, args.peers_python)
    print(body)
    if args.write:
        update_section("bench_truth", body)


if __name__ == "__main__":
    main()

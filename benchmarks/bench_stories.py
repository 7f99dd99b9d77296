"""Events and figures on a dense stream of national news: the AllSides dev corpus beside GVA.

The national-news development corpus (``../shared/realnews/make_stories.py``: AllSides round-ups,
April-July 2021, 294 stories, 856 articles; gold = the story) is a dense stream of running
stories. This benchmark scores a ``corroborate score`` output folder of it, and, beside it, one of
the GVA local-news dev corpus, on the same measures:

* event pair precision / recall / F1 (article pairs put in one event against the gold story or
  incident: ``benchmarks.realnews.pair_counts``);
* the share of article pairs put in one event that were published more than 7 days apart;
* the largest event (articles) and its span in days;
* the share of multi-source claim clusters whose claims come from more than one gold story
  (incident);
* figure clusters on the hand labels of ``benchmarks/fixtures/stories_figure_labels.csv``
  (AllSides only: claim ids and a referent key per figure, never article text; see
  ``benchmarks/fixtures/README.md``): of the clusters with two or more labelled figures of a
  unit, the share whose figures all count one referent, and the number of clusters whose
  dissent or evolution holds a figure of another referent than the consensus.

    python benchmarks/bench_stories.py [--stories OUT] [--gva OUT] [--write]

Without ``--stories``/``--gva`` the pipeline runs on ``/tmp/realnews/stories/dev`` and
``/tmp/realnews/dev/full`` first (into a temporary folder). Gold dated after the dev periods
(GVA after 2015, AllSides after 2021-07-31) is refused: it is held out.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.realnews import pair_counts, read_jsonl  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate.cli import main as cli  # noqa: E402
from corroborate.text.measures import compared_unit  # noqa: E402

STORIES_DIR = Path("/tmp/realnews/stories/dev")
GVA_DIR = Path("/tmp/realnews/dev/full")
LAST_DAY = {"stories": "2021-07-31", "gva": "2015-12-31"}
LABELS = Path(__file__).resolve().parent / "fixtures" / "stories_figure_labels.csv"
FAR_DAYS = 7
NOT_A_FIGURE = "not-a-figure"


@dataclass(frozen=True)
class Gold:
    folder: Path
    story_of: dict[str, str]          # article_id -> story / incident
    published: dict[str, pd.Timestamp]


def load_gold(folder: Path, kind: str) -> Gold:
    gold = read_jsonl(folder / "gold.jsonl")
    late = [g["incident_id"] for g in gold if str(g["date"])[:10] > LAST_DAY[kind]]
    if late:
        raise SystemExit(f"{folder}: {len(late)} stories dated after {LAST_DAY[kind]}: held-out data, never used")
    corpus = read_jsonl(folder / "corpus.jsonl")
    return Gold(folder=folder, story_of={a: g["incident_id"] for g in gold for a in g["article_ids"]},
                published={r["article_id"]: pd.Timestamp(r["published_at"]) for r in corpus})


def _days(a: pd.Timestamp, b: pd.Timestamp) -> float:
    return abs((a.tz_localize(None) if a.tzinfo else a) - (b.tz_localize(None) if b.tzinfo else b)).days


def event_measures(out: Path, gold: Gold) -> dict[str, Any]:
    articles = read_jsonl(out / "articles.jsonl")
    event_of = {a["article_id"]: a["event_id"] for a in articles}
    counts = pair_counts(event_of, gold.story_of)
    members: dict[Any, list[str]] = defaultdict(list)
    for article, event in sorted(event_of.items()):
        members[event].append(article)
    pairs = far = 0
    for group in members.values():
        for x, y in itertools.combinations(group, 2):
            pairs += 1
            far += _days(gold.published[x], gold.published[y]) > FAR_DAYS
    largest = max(members.values(), key=lambda g: (len(g), sorted(g)))
    stamps = [gold.published[a] for a in largest]
    return {"event_precision": counts.precision, "event_recall": counts.recall, "event_f1": counts.f1,
            "far_pairs": far / pairs if pairs else 0.0, "event_pairs": pairs,
            "largest_event": len(largest), "largest_span_days": _days(min(stamps), max(stamps)),
            "events": len(members), "gold_events": len(set(gold.story_of.values()))}


def cluster_measures(out: Path, gold: Gold) -> dict[str, Any]:
    claims = {c["claim_id"]: c for c in read_jsonl(out / "claims.jsonl")}
    clusters = read_jsonl(out / "clusters.jsonl")
    multi = [c for c in clusters if c["n_sources"] >= 2]
    spanning = [c for c in multi if len({gold.story_of.get(claims[i]["article_id"]) for i in c["claim_ids"]}) > 1]
    return {"multi_source_clusters": len(multi), "spanning_share": len(spanning) / len(multi) if multi else 0.0}


def read_labels(path: Path = LABELS) -> dict[tuple[str, str, float], str]:
    """(claim_id, unit, value) -> referent key."""
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["claim_id"], r["unit"], float(r["value"])): r["referent"] for r in csv.DictReader(fh)}


def figure_measures(out: Path, labels: dict[tuple[str, str, float], str]) -> dict[str, Any]:
    """Purity of the figure clusters on the labels, and dissent or evolution across referents."""
    claims = {c["claim_id"]: c for c in read_jsonl(out / "claims.jsonl")}
    judged = pure = crossed = 0
    for cluster in read_jsonl(out / "clusters.jsonl"):
        for unit in cluster["quantities"]:
            referent_of: dict[str, set[str]] = defaultdict(set)   # claim -> referents of its figures
            for claim_id in cluster["claim_ids"]:
                for q in claims[claim_id]["quantities"]:
                    key = labels.get((claim_id, q["unit"], float(q["value"])))
                    if compared_unit(q["unit"], q.get("measure"), q.get("value")) == unit["unit"] and key and key != NOT_A_FIGURE:
                        referent_of[claim_id].add(key)
            figures = [k for keys in referent_of.values() for k in keys]
            if len(figures) < 2:
                continue
            judged += 1
            pure += len(set(figures)) == 1
            main = Counter(figures).most_common(1)[0][0]
            held = {c for d in unit.get("dissent", ()) for c in d["claim_ids"]}
            held |= {c for c in referent_of if unit.get("evolving")}
            crossed += any(referent_of.get(c, {main}) - {main} for c in held)
    return {"figure_clusters_judged": judged, "figure_purity": pure / judged if judged else None,
            "cross_referent_dissent": crossed}


def _score(folder: Path, tmp: Path, name: str) -> Path:
    out = tmp / name
    code = cli(["score", str(folder / "corpus.jsonl"), "-o", str(out), "-q"])
    if code:
        raise SystemExit(f"corroborate score failed on {folder} (exit {code})")
    return out


def _pct(x: Any) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def table(rows: dict[str, dict[str, Any]]) -> list[str]:
    names = list(rows)
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    spec = [("event pair precision", "event_precision", lambda x: f"{x:.3f}"),
            ("event pair recall", "event_recall", lambda x: f"{x:.3f}"),
            ("event pair F1", "event_f1", lambda x: f"{x:.3f}"),
            (f"pairs in one event > {FAR_DAYS} days apart", "far_pairs", _pct),
            ("largest event (articles, span in days)", None, None),
            ("events found / gold", None, None),
            ("multi-source clusters spanning stories", "spanning_share", _pct),
            ("multi-source clusters", "multi_source_clusters", str),
            ("figure clusters pure on the labels", "figure_purity", _pct),
            ("figure clusters judged", "figure_clusters_judged", str),
            ("figures with dissent or evolution across referents", "cross_referent_dissent", str)]
    for label, key, fmt in spec:
        cells = []
        for name in names:
            r = rows[name]
            if key is None and label.startswith("largest"):
                cells.append(f"{r['largest_event']} ({r['largest_span_days']} d)")
            elif key is None:
                cells.append(f"{r['events']} / {r['gold_events']}")
            else:
                cells.append("-" if r.get(key) is None else fmt(r[key]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=Path, help="output folder of corroborate score on the AllSides dev corpus")
    ap.add_argument("--gva", type=Path, help="output folder of corroborate score on the GVA dev corpus")
    ap.add_argument("--stories-data", type=Path, default=STORIES_DIR)
    ap.add_argument("--gva-data", type=Path, default=GVA_DIR)
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind, out, data in (("AllSides dev (national)", "stories", args.stories, args.stories_data),
                                      ("GVA dev (local)", "gva", args.gva, args.gva_data)):
            gold = load_gold(data, kind)
            out = out or _score(data, Path(tmp), kind)
            rows[name] = {**event_measures(out, gold), **cluster_measures(out, gold)}
            if kind == "stories" and LABELS.is_file():
                rows[name].update(figure_measures(out, read_labels()))
    lines = table(rows)
    print("\n".join(lines))
    if args.write:
        update_section("bench_stories", "\n".join([
            "## Events and figures on national news (bench_stories.py, issue 20)", "",
            f"Commit {commit()}, {machine()}. `python benchmarks/bench_stories.py --write`; figure labels: "
            "`benchmarks/fixtures/stories_figure_labels.csv`.", "", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

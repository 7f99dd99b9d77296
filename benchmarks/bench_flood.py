"""Copy-flood resistance: a false claim pushed by k copycat outlets (k = 1..20).

The corpus is the one of tests/test_adversarial.py (the test asserts the
bounds; this prints the curve): one article with a false claim, k outlets
that copy it with light rewording, and three genuinely independent outlets
confirming another claim with their own words and their own quoted origins.

    python benchmarks/bench_flood.py [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results import commit, machine, update_section  # noqa: E402
from corroborate import Corroborator  # noqa: E402
from corroborate.embed import SentenceTransformerEmbedder  # noqa: E402
from tests.test_adversarial import _confidence_of, _flood_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    embedder = SentenceTransformerEmbedder()
    rows = []
    for k in (1, 2, 3, 5, 10, 15, 20):
        est = Corroborator(embedder=embedder).fit(_flood_corpus(k))
        false, n_false, ind_false = _confidence_of(est, "500 patients")
        genuine, n_genuine, ind_genuine = _confidence_of(est, "Water service")
        rows.append(f"| {k} | {n_false} | {ind_false} | {false:.3f} | {n_genuine} | {ind_genuine} | {genuine:.3f} |")
    body = f"""## Copy-flood resistance (bench_flood.py)

Command: `python benchmarks/bench_flood.py --write`
Machine: {machine()}; commit {commit()}.

| copycat outlets k | false claim: outlets | independent | confidence | genuine claim: outlets | independent | confidence |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

The copies form one copy group (Jaccard >= 0.27), so the false claim stays one independent source
whatever k; agreement between copies does not raise their reliability either (same independence
group). Denials are linked to the claim they deny within cosine distance 0.37 of the denied clause: the
F1-optimal MSRP threshold of bench_threshold.py, looser than the clustering threshold because a link is
shown to the reader rather than merged.
"""
    print(body)
    if args.write:
        update_section("bench_flood", body)


if __name__ == "__main__":
    main()

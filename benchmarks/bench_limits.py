"""Limits: one giant article and many tiny ones, through ``corroborate score``, cold.

* giant: one 5 MB article of ~74,000 distinct sentences (no full stop every so
  often, like a scraped page of listings) beside 20 ordinary articles;
* tiny: 10,000 briefs of one or two real news sentences each (MSRP and STS
  news from ``--data``), 200 outlets.

Each is scored by ``corroborate score INPUT -o OUT --no-cache -q`` in a fresh
process (real model); wall time and the process's peak RSS, medians of
``--repeats`` runs.

    python benchmarks/bench_limits.py [--repeats 1] [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import DEFAULT_DATA, news_sentences  # noqa: E402
from benchmarks.results import commit, machine, update_section  # noqa: E402

WORDS = ("police fire council school river bridge officials residents storm road market hospital "
         "station court budget water power workers families district county mayor report").split()


def _sentence(rng: random.Random, i: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 14))
    return f"Item {i}: {' '.join(words)} near block {rng.randint(1, 9999)}."


def giant_corpus(path: Path) -> None:
    rng = random.Random(5)
    sentences, size = [], 0
    while size < 5_000_000:
        s = _sentence(rng, len(sentences))
        sentences.append(s)
        size += len(s) + 1
    rows = [{"article_id": "giant", "source": "listings.example", "text": " ".join(sentences)}]
    for a in range(20):
        rows.append({"source": f"outlet{a}.example", "published_at": "2015-03-04",
                     "text": " ".join(_sentence(rng, a * 100 + k) for k in range(12))})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def tiny_corpus(path: Path, data: Path) -> None:
    """10,000 briefs of one or two real news sentences (MSRP and STS news, read in place)."""
    sentences = news_sentences(data)
    rng = random.Random(7)
    rows, i = [], 0
    for a in range(10_000):
        k = rng.randint(1, 2)
        rows.append({"source": f"outlet{a % 200}.example", "published_at": f"2015-03-{1 + a % 28:02d}",
                     "text": " ".join(sentences[(i + j) % len(sentences)] for j in range(k))})
        i += k
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def score(corpus: Path, out: Path) -> tuple[float, float, dict[str, object]]:
    """Wall seconds and peak RSS (MB) of one cold `corroborate score` in a fresh process."""
    code = ("import resource, sys; from corroborate.cli import main; rc = main(sys.argv[1:]); "
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "score", str(corpus), "-o", str(out), "--no-cache", "-q"],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"corroborate score failed ({done.returncode}):\n{done.stderr[-2000:]}")
    rss = int(done.stdout.split("MAXRSS ")[1].split()[0]) / 1024
    run = json.loads((out / "run.json").read_text())
    return wall, rss, run["summary"]["accounting"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data (MSRP, STS news)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for name in ("giant", "tiny"):
            corpus = base / f"{name}.jsonl"
            giant_corpus(corpus) if name == "giant" else tiny_corpus(corpus, args.data)
            runs = [score(corpus, base / f"out-{name}-{i}") for i in range(args.repeats)]
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            acct = runs[0][2]
            rows.append((name, corpus.stat().st_size / 1e6, wall, rss, acct))
            print(name, f"{wall:.1f} s", f"{rss:.0f} MB", json.dumps(acct)[:300], flush=True)
    lines = ["| corpus | input | wall (cold, --no-cache) | peak RSS | what the limits did |", "|---|---|---|---|---|"]
    for name, mb, wall, rss, acct in rows:
        rec, sent, cut = acct["records"], acct["sentences"], acct["truncated"]
        did = (f"{rec['used']} articles; {sent['claims']:,} claims, {sent['dropped']:,} sentences dropped"
               + (f"; {len(cut)} article cut from {cut[0]['chars']:,} to {cut[0]['kept_chars']:,} characters"
                  if cut else ""))
        label = ("one 5 MB article (~74,000 sentences) + 20 ordinary" if name == "giant"
                 else "10,000 briefs of 1-2 real news sentences (MSRP, STS news), 200 outlets")
        lines.append(f"| {label} | {mb:.1f} MB | {wall:.0f} s | {rss:,.0f} MB | {did} |")
    lines += ["", f"`python benchmarks/bench_limits.py --repeats {args.repeats}`; default limits "
                  "(max_article_chars 200,000, max_sentences_per_article 1,000, max_sentence_chars 1,500); "
                  f"commit {commit()}; {machine()}."]
    body = "\n".join(lines)
    print(body)
    if args.write:
        update_section("Limits (bench_limits.py)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())

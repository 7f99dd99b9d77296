"""Loaders for the public data in ../shared/data (read in place, never copied).

Every benchmark takes ``--data`` so the same code runs where the data lives elsewhere.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

STS_NEWS_FILES = (
    "2012.MSRpar.train.tsv", "2012.MSRpar.test.tsv", "2012.SMTnews.test.tsv",
    "2013.headlines.test.tsv", "2014.headlines.test.tsv", "2014.deft-news.test.tsv",
    "2014.tweet-news.test.tsv",
)


@dataclass(frozen=True)
class Pair:
    left: str
    right: str
    label: float          # MSRP: 1.0 paraphrase / 0.0 not; STS: similarity 0-5
    subset: str


def msrp(data: Path, split: str) -> list[Pair]:
    """MSRP pairs of ``split`` (train, val or test)."""
    path = data / "msrp" / f"msr-para-{split}.tsv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    if header[0] != "Quality":
        raise ValueError(f"{path}: unexpected header {header}")
    return [Pair(r[3], r[4], float(r[0]), f"msrp-{split}") for r in body if len(r) == 5]


def sts_news(data: Path) -> list[Pair]:
    """STS 2012-2014 news pairs with a gold score."""
    out: list[Pair] = []
    for name in STS_NEWS_FILES:
        path = data / "sts_news" / name
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) >= 3 and row[0].strip():
                    out.append(Pair(row[1], row[2], float(row[0]), name.removesuffix(".tsv")))
    return out


def news_sentences(data: Path) -> list[str]:
    """Distinct real news sentences of MSRP (test, then train) and STS news: six words or more,
    no question, whitespace normalised, in file order."""
    seen: dict[str, None] = {}
    for pair in msrp(data, "test") + msrp(data, "train") + sts_news(data):
        for sentence in (pair.left, pair.right):
            sentence = " ".join(sentence.split())
            if len(sentence.split()) >= 6 and not sentence.endswith("?"):
                seen.setdefault(sentence)
    return list(seen)


DAFNA_COLUMNS = ("claim_id", "entity", "object", "property", "value", "source", "timestamp")


def _read_dafna(path: Path) -> list[list[str]]:
    rows = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = [p.strip() for p in line.rstrip("\n").split("|\t")]
            if len(parts) >= 7 and parts[0] and parts[0] != "claimId":
                rows.append(parts[:7])
    return rows


def dafna(data: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(claims, gold) of a DAFNA dataset folder (``dafna_weather`` or ``dafna_books``).

    Frames have the columns of DAFNA_COLUMNS plus ``item`` = object/property and
    ``seen`` (the parsed crawl time). Values are kept as written.
    """
    folder = data / name
    claims = [r for path in sorted((folder / "claims").glob("*.txt")) for r in _read_dafna(path)]
    gold = [r for path in sorted((folder / "truth").glob("*.txt")) for r in _read_dafna(path)]
    frames = []
    for rows in (claims, gold):
        frame = pd.DataFrame(rows, columns=list(DAFNA_COLUMNS))
        frame["item"] = frame["object"] + "/" + frame["property"]
        frame["seen"] = pd.to_datetime(frame["timestamp"].str.split().str.join(" "),
                                       format="%a %b %d %H:%M:%S %Y", errors="coerce", utc=True)
        frames.append(frame)
    return frames[0], frames[1]

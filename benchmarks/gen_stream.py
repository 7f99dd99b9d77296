"""A seeded stream of many local events over a year, for sizes no real corpus here reaches.

Events of the kinds of :mod:`benchmarks.gen_events` (fires, shootings, crashes)
happen every day in one of 600 invented towns; each is reported by 2-5 of 300
outlets within a day or so, in the words of ``gen_events``; one event in five
gets a follow-up weeks later (an arrest, a funeral) naming the victim and the
town. Everyone named is named in one event only. Gold: the event of each article.

    from benchmarks.gen_stream import generate_stream
    articles = generate_stream(n_articles=10_000, seed=0)     # has a gold_event column
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pandas as pd

from benchmarks.gen_events import (
    FURNITURE,
    GENERIC,
    STREETS,
    TIMES,
    TOWN_HEADS,
    TOWN_TAILS,
    WORLD_FIRST,
    Event,
    _facts,
    _title,
)

SYLLABLES = ["ba", "ko", "ri", "man", "del", "sto", "vi", "ne", "tar", "lo", "gu", "fen", "ra", "shi",
             "mo", "ul", "bre", "zan", "ti", "ock"]
OUTLETS = [f"outlet-{i:03d}.example" for i in range(300)]
FOLLOW_UPS = [
    "Police arrested a suspect on {day:%A} in connection with the {when:%B %d} {noun} in {town} that killed {victim}.",
    "A funeral was held for {victim}, {age}, who died in the {noun} on {street} in {town} last month.",
    "Prosecutors charged a man with the {when:%B %d} {noun} on {street} in {town}, which killed {victim}.",
]
NOUN = {"fire": "house fire", "shooting": "shooting", "crash": "crash"}


def _people(rng: random.Random) -> Iterator[str]:
    """Names never repeated: a first name and an invented surname of four syllables (160,000
    surnames: two per event, enough for about 280,000 articles)."""
    surnames = ["".join(s).capitalize() for s in itertools.product(SYLLABLES, repeat=4)]
    rng.shuffle(surnames)
    return iter(f"{rng.choice(WORLD_FIRST)} {s}" for s in surnames)


def generate_stream(n_articles: int, seed: int = 0, days: int = 365) -> pd.DataFrame:
    """About ``n_articles`` articles (exactly, after trimming) with a ``gold_event`` column."""
    rng = random.Random(seed)
    towns = [h + t for h in TOWN_HEADS for t in TOWN_TAILS]
    people = _people(rng)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    rows: list[dict] = []
    event_id = 0
    while len(rows) < n_articles:
        date = start + pd.Timedelta(days=rng.randrange(days))
        e = Event(event_id=event_id, kind=rng.choice(["fire", "shooting", "crash"]), town=rng.choice(towns),
                  street=rng.choice(STREETS), time=rng.choice(TIMES), date=date,
                  killed=rng.randint(1, 4), injured=rng.randint(1, 5),
                  official=next(people), victim=next(people), age=rng.randint(18, 80))
        for n, outlet in enumerate(rng.sample(OUTLETS, k=rng.randint(2, 5))):
            sentences = _facts(e, e.killed, e.injured, rng)
            sentences += rng.sample(GENERIC[e.kind], k=rng.randint(1, 2))
            if rng.random() < 0.5:
                sentences.append(rng.choice(FURNITURE))
            rows.append(_row(f"s{event_id}-{n}", outlet, _title(e, rng), sentences,
                             date + pd.Timedelta(hours=rng.randint(1, 30)), event_id))
        if rng.random() < 0.2:
            day = date + pd.Timedelta(days=rng.randint(7, 60))
            follow = rng.choice(FOLLOW_UPS).format(day=day, when=date, noun=NOUN[e.kind], town=e.town,
                                                   victim=e.victim, age=e.age, street=e.street)
            rows.append(_row(f"s{event_id}-f", rng.choice(OUTLETS), f"Update: {NOUN[e.kind]} in {e.town}",
                             [follow, rng.choice(GENERIC[e.kind])], day, event_id))
        event_id += 1
    frame = pd.DataFrame(rows[:n_articles])
    return frame.sort_values(["published_at", "article_id"], kind="stable").reset_index(drop=True)


def _row(article_id: str, source: str, title: str, sentences: list[str], published: pd.Timestamp,
         event_id: int) -> dict:
    return {"article_id": article_id, "source": source, "title": title, "text": "\n".join(sentences),
            "published_at": published.isoformat(), "gold_event": event_id}

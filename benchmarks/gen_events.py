"""A seeded corpus of many similar local events, each reported by several outlets.

Every event is of the same few kinds (house fires, shootings, traffic crashes)
in a different invented town, street and date; each is reported by 2-5
outlets in different words. Procedural sentences that recur in every report of
a kind ("No arrests have been made."), site furniture ("Please enable
JavaScript to watch this video.") and, now and then, an outlet's different
count of the dead or hurt are sprinkled in. Gold event labels and counts come
with it. All names are invented; as in real reporting, no person is named in two events.

    from benchmarks.gen_events import generate
    articles, gold = generate(n_events=36, seed=0)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pandas as pd

TOWNS = ["Millbrook", "Ashford", "Cedar Falls", "Harlow", "Brookvale", "Dunmore", "Elmstead",
         "Fairhaven", "Glenwood", "Hollis", "Ironbridge", "Kestrel Bay", "Lakemont", "Marlow",
         "Northgate", "Oakridge", "Pinecrest", "Quarry Hill", "Redmond Falls", "Silverton",
         "Thornbury", "Upton Vale", "Westbrook", "Yarrow", "Alder Creek", "Birchwood", "Coldwater",
         "Deerfield", "Eastwick", "Foxhollow", "Greystone", "Hawthorne", "Juniper Bay", "Kingsbury",
         "Larchmont", "Maplewood", "Newhaven", "Orchard Park", "Pebble Beach", "Ravensworth"]
STREETS = ["Main Street", "Oak Road", "Elm Street", "Harbor Drive", "Pine Lane", "5th Avenue",
           "Mill Road", "Church Street", "Station Road", "Maple Avenue", "River Road", "Park Lane"]
TIMES = ["around 9 p.m.", "around 11:30 p.m.", "shortly after 2 a.m.", "around 6 a.m.",
         "just before noon", "around 4:15 p.m."]
OUTLETS = [f"{name}.example" for name in
           ("daily-ledger", "county-times", "metro-voice", "valley-post", "river-news", "tri-county-herald",
            "channel-7", "news-radio-95", "the-gazette", "community-wire", "evening-star", "the-courier")]
FIRST = ["Maria", "James", "Aisha", "Tom", "Elena", "Sam", "Priya", "David", "Lucia", "Omar"]
LAST = ["Reyes", "Walker", "Okafor", "Brennan", "Novak", "Chen", "Haddad", "Moreau", "Lindqvist", "Park"]
NUMBER_WORDS = ["no one", "one", "two", "three", "four", "five", "six"]

GENERIC = {
    "fire": ["The cause of the fire remains under investigation.",
             "No firefighters were injured, officials said.",
             "The Red Cross is assisting the displaced residents."],
    "shooting": ["No arrests have been made.",
                 "Police are asking anyone with information to call the tip line.",
                 "The investigation is ongoing, police said."],
    "crash": ["The crash remains under investigation.",
              "The road was closed for several hours.",
              "Police are asking witnesses to come forward."],
}
FURNITURE = ["Please enable JavaScript to watch this video.",
             "Read or share this story: https://example.invalid/story",
             "Copyright 2024 Local Media Group. All rights reserved.",
             "Sign up for our newsletter to get local news in your inbox."]


@dataclass(frozen=True)
class Event:
    event_id: int
    kind: str
    town: str
    street: str
    time: str
    date: pd.Timestamp
    killed: int
    injured: int
    official: str
    victim: str
    age: int


def _count(n: int, noun_one: str, noun_many: str) -> str:
    word = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)
    return f"{word} {noun_one if n == 1 else noun_many}"


def _facts(e: Event, killed: int, injured: int, rng: random.Random) -> list[str]:
    k_people = _count(killed, "person", "people").capitalize()
    i_people = _count(injured, "person", "people")
    if e.kind == "fire":
        options = [
            [f"A house fire on {e.street} in {e.town} killed {_count(killed, 'person', 'people')} {e.time} on {e.date:%A}.",
             f"{k_people} died and {i_people} were hurt when flames tore through a home in {e.town}."],
            [f"Firefighters were called to the blaze on {e.street} {e.time}, fire chief {e.official} said.",
             f"{e.official}, the {e.town} fire chief, said crews arrived within minutes."],
            [f"{_count(injured, 'person was', 'people were').capitalize()} taken to hospital with burns.",
             f"The fire also injured {i_people}, officials said."],
        ]
    elif e.kind == "shooting":
        options = [
            [f"A shooting on {e.street} in {e.town} left {_count(killed, 'person', 'people')} dead {e.time} on {e.date:%A}.",
             f"{k_people} were killed and {i_people} wounded in a shooting in {e.town}."],
            [f"Police spokesperson {e.official} said officers responded to reports of gunfire {e.time}.",
             f"Officers arrived on {e.street} {e.time}, said {e.official}, a {e.town} police spokesperson."],
            [f"{_count(injured, 'person was', 'people were').capitalize()} wounded in the shooting.",
             f"The gunfire also wounded {i_people}, police said."],
        ]
    else:
        options = [
            [f"A crash on {e.street} in {e.town} killed {_count(killed, 'person', 'people')} {e.time} on {e.date:%A}.",
             f"{k_people} died in a two-car collision in {e.town} on {e.street}."],
            [f"The collision happened {e.time}, according to {e.official} of the {e.town} police.",
             f"{e.official}, a {e.town} police sergeant, said the cars collided {e.time}."],
            [f"{_count(injured, 'person was', 'people were').capitalize()} injured in the crash.",
             f"The collision also injured {i_people}, police said."],
        ]
    options.append([f"The victim was identified as {e.victim}, {e.age}.",
                    f"{e.victim}, {e.age}, was among the victims, {e.official} said."])
    return [rng.choice(pair) for pair in options]


def _title(e: Event, rng: random.Random) -> str:
    noun = {"fire": "house fire", "shooting": "shooting", "crash": "crash"}[e.kind]
    return rng.choice([f"{e.town} {noun} leaves {e.killed} dead", f"Deadly {noun} on {e.street} in {e.town}",
                       f"{noun.capitalize()} in {e.town}: what we know"])


def generate(n_events: int = 36, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(articles, gold). Articles have the reader's fields plus ``gold_event``."""
    if 2 * n_events > len(FIRST) * len(LAST):
        raise ValueError(f"generate: at most {len(FIRST) * len(LAST) // 2} events (each names two new people)")
    rng = random.Random(seed)
    towns = rng.sample(TOWNS, k=min(n_events, len(TOWNS)))
    kinds = ["fire", "shooting", "crash"]
    # as in real reporting, people are named once: no official or victim recurs across events
    people = rng.sample([f"{first} {last}" for first in FIRST for last in LAST], k=2 * n_events)
    streets = [STREETS[i % len(STREETS)] for i in rng.sample(range(n_events), k=n_events)]
    events = []
    for i in range(n_events):
        events.append(Event(
            event_id=i, kind=kinds[i % 3], town=towns[i % len(towns)], street=streets[i],
            time=rng.choice(TIMES), date=pd.Timestamp("2024-03-01", tz="UTC") + pd.Timedelta(days=2 * i),
            killed=rng.randint(1, 4), injured=rng.randint(1, 5),
            official=people[2 * i], victim=people[2 * i + 1], age=rng.randint(18, 80)))
    rows, gold = [], []
    for e in events:
        outlets = rng.sample(OUTLETS, k=rng.randint(2, 5))
        for n, outlet in enumerate(outlets):
            killed, injured = e.killed, e.injured
            if rng.random() < 0.2:
                killed = max(1, killed - 1)             # an early or different count
            sentences = _facts(e, killed, injured, rng)
            rng.shuffle(sentences)
            sentences.insert(0, sentences.pop(0))
            sentences += rng.sample(GENERIC[e.kind], k=rng.randint(1, 2))
            text = "\n".join(sentences)
            if rng.random() < 0.6:
                text += "\n" + rng.choice(FURNITURE)
            published = e.date + pd.Timedelta(hours=rng.randint(1, 30))
            rows.append({"article_id": f"e{e.event_id:02d}-{n}", "source": outlet, "title": _title(e, rng),
                         "text": text, "published_at": published.isoformat(), "gold_event": e.event_id})
        gold.append({"event_id": e.event_id, "kind": e.kind, "town": e.town, "killed": e.killed,
                     "injured": e.injured, "n_outlets": len(outlets)})
    return pd.DataFrame(rows), pd.DataFrame(gold)

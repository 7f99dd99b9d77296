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


# ------------------------------------------------------------------ the synthetic world (issue 9)
#
# Gold for every claim, not only for counts: outlets of known reliability and bias
# report events; wire stories are reprinted (sometimes by a flood of copycats);
# claims quote origins, hedge, deny; rumours circulate; early counts are revised.

WIRES = ["ap", "reuters", "upi"]
TOWN_HEADS = ["Ash", "Birch", "Cedar", "Dun", "Elm", "Fern", "Glen", "Hazel", "Iver", "Juniper", "Kings",
              "Lark", "Marsh", "North", "Oak", "Pine", "Quarry", "Raven", "Stone", "Thorn", "Upper", "Wolf",
              "Yew", "Brack", "Col"]
TOWN_TAILS = ["ford", "field", "ham", "ton", "wick", "bury", "dale", "mouth", "stead", "well", "moor",
              "gate", "by", "worth", "combe", "ley", "hurst", "minster", "port", "side", "bridge", "haven",
              "holm", "cliff"]
WORLD_FIRST = FIRST + ["Hannah", "Kwame", "Ines", "Yusuf", "Greta", "Mateo", "Nadia", "Felix", "Rosa", "Ivan",
                       "Mei", "Tariq", "Sofia", "Ben", "Leila", "Oscar", "Amara", "Jonas", "Chloe", "Ravi"]
WORLD_LAST = LAST + ["Adeyemi", "Fischer", "Kowalski", "Silva", "Nakamura", "O'Brien", "Petrov", "Quinn",
                     "Rossi", "Schmidt", "Tanaka", "Ulloa", "Varga", "Weiss", "Yilmaz", "Zhou", "Abbott",
                     "Baptiste", "Costa", "Dubois"]
CAUSES = {"fire": ["faulty wiring", "an unattended candle", "a space heater", "a kitchen stove"],
          "shooting": ["a dispute between neighbours", "a robbery", "an argument at a party", "a road-rage quarrel"],
          "crash": ["a driver running a red light", "icy roads", "speeding", "a tyre blowout"]}
ORIGINS = ["police said", "officials said", "a spokesperson said", "according to the county",
           "the sheriff's office said", "authorities said"]
HEARSAY = ["a neighbour claimed", "witnesses said on social media", "a relative told reporters",
           "according to an unconfirmed report"]
KILLED_T = ["{n} killed in {town} {noun}", "{N} were killed in the {noun} on {street} in {town}, {origin}.",
            "The {noun} in {town} left {n} dead, {origin}.", "{N} died after the {noun} on {street}, {origin}.",
            "Authorities confirmed {n} deaths in the {town} {noun}.", "The {noun} claimed {n_lives}, {origin}."]
INJURED_T = ["{N} were injured in the {noun} in {town}, {origin}.", "The {noun} also left {n} hurt, {origin}.",
             "{N} were taken to hospital after the {noun} on {street}.",
             "Another {n} suffered injuries in the {town} {noun}, {origin}."]
CAUSE_T = ["Investigators believe the {noun} was caused by {cause}, {origin}.",
           "The {noun} on {street} was blamed on {cause}, {origin}.",
           "Officials traced the {town} {noun} to {cause}."]
VICTIM_T = ["The victim was identified as {victim}, {age}, of {town}.",
            "{victim}, {age}, was named as one of the victims of the {noun}, {origin}.",
            "Relatives identified the {age}-year-old victim as {victim}."]
RUMOUR_T = ["The {noun} was part of a string of attacks on {street}, {hearsay}.",
            "A second {noun} broke out nearby the same night, {hearsay}.",
            "Looters targeted homes on {street} after the {noun}, {hearsay}."]
DENIAL_T = ["Police denied that the {noun} was part of a string of attacks on {street}.",
            "Officials denied that a second {noun} broke out nearby the same night.",
            "Police said there was no looting on {street} after the {noun}."]
HEDGE = ["reportedly ", "possibly ", ""]


@dataclass(frozen=True)
class Outlet:
    name: str
    reliability: float     # chance each fact it states is the true one
    bias: int              # added to the counts it gets wrong


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 < n < len(NUMBER_WORDS) else str(n)


def _people(n: int) -> str:
    return f"{_number(n)} {'person' if n == 1 else 'people'}"


def _fill(template: str, **kw: object) -> str:
    n = int(kw.get("count", 0))
    text = template.format(n=_people(n), N=_people(n).capitalize(), n_lives=f"{_number(n)} {'life' if n == 1 else 'lives'}",
                           **{k: v for k, v in kw.items() if k != "count"})
    return text[0].upper() + text[1:]


def generate_world(n_events: int = 30, seed: int = 0) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """(articles, gold rows, claim truth rows) of a seeded synthetic world.

    ``gold`` rows follow the gold-folder format of :mod:`corroborate.training.gold`
    (``incident_id, article_ids, num_killed, num_injured``); ``claims`` rows are
    ``article_id, text, true`` for every sentence an article states.
    """
    rng = random.Random(seed)
    # every event of every seed (up to 60 events a seed, 10 seeds) has its own town and victim
    names = [f"{f} {last}" for f in WORLD_FIRST for last in WORLD_LAST]
    random.Random(-1).shuffle(names)
    places = [f"{a}{b}" for a in TOWN_HEADS for b in TOWN_TAILS]
    random.Random(-2).shuffle(places)
    if n_events > 60:
        raise ValueError("generate_world: at most 60 events a seed")
    outlets = [Outlet(o, rng.choice([0.95, 0.9, 0.8, 0.65, 0.5]), rng.choice([1, 1, 2, -1]))
               for o in OUTLETS] + [Outlet(f"copycat-{i:02d}.example", 0.3, 2) for i in range(15)]
    rows, gold, truth = [], [], []
    for i in range(n_events):
        kind = ["fire", "shooting", "crash"][i % 3]
        noun = {"fire": "fire", "shooting": "shooting", "crash": "crash"}[kind]
        town, street = places[60 * seed + i], rng.choice(STREETS)
        killed, injured = rng.randint(1, 5), rng.randint(0, 6)
        cause, victim, age = rng.choice(CAUSES[kind]), names[60 * seed + i], rng.randint(18, 85)
        # worlds of different seeds lie a year apart, in differently named towns
        date = pd.Timestamp("2024-03-01", tz="UTC") + pd.Timedelta(days=365 * seed + 3 * i)
        rumour = rng.randrange(len(RUMOUR_T)) if rng.random() < 0.4 else None
        hearsay = rng.choice(HEARSAY)
        reporters = rng.sample([o for o in outlets if not o.name.startswith("copycat")], k=rng.randint(2, 6))
        wire = rng.choice(WIRES) if rng.random() < 0.5 else None
        flood = rng.randint(3, 12) if rng.random() < 0.2 else 0
        ids = []

        def article(outlet: Outlet, hours: int, revised: bool, lie: bool, credit: str | None) -> list[tuple[str, bool]]:
            def pick(value: object, wrong: object) -> tuple[object, bool]:
                ok = not lie and rng.random() < outlet.reliability
                return (value, True) if ok else (wrong, False)

            early = revised and rng.random() < 0.5
            k_true = max(killed - 1, 1) if early else killed
            # an outlet's errors lean its way (bias) but rarely coincide with another outlet's
            k, k_ok = pick(k_true, max(killed + outlet.bias + rng.choice([0, 1, 2]), 1))
            k_ok = k_ok and k == killed
            inj, inj_ok = pick(injured, max(injured + outlet.bias + rng.choice([0, 1, 2]), 0))
            c, c_ok = pick(cause, rng.choice([x for x in CAUSES[kind] if x != cause]))
            a, a_ok = pick(age, age + rng.choice([-7, 5, 11]))
            kw = dict(town=town, street=street, noun=noun, victim=victim, origin=rng.choice(ORIGINS))
            out = [(_fill(rng.choice(KILLED_T[1:]), count=k, **kw), k_ok)]
            if inj:
                out.append((_fill(rng.choice(INJURED_T), count=inj, **{**kw, "origin": rng.choice(ORIGINS)}), inj_ok))
            out.append((_fill(rng.choice(CAUSE_T), cause=c, **{**kw, "origin": rng.choice(ORIGINS)})
                        .replace(" was caused", f" was {rng.choice(HEDGE)}caused"), c_ok))
            out.append((_fill(rng.choice(VICTIM_T), age=a, **{**kw, "origin": rng.choice(ORIGINS)}), a_ok))
            if rumour is not None and (lie or outlet.reliability < 0.7) and rng.random() < 0.7:
                # a rumour has one origin, however many outlets pass it on
                out.append((_fill(RUMOUR_T[rumour], hearsay=hearsay, **kw), False))
            if rumour is not None and outlet.reliability >= 0.9 and rng.random() < 0.5:
                out.append((_fill(DENIAL_T[rumour], **kw), True))
            out.append((rng.choice(GENERIC[kind]), True))
            if credit:
                out[0] = (f"{town.upper()} ({credit.upper()}) — " + out[0][0], out[0][1])
            return out

        story = None
        for n, outlet in enumerate(reporters):
            revised = n == 0 and rng.random() < 0.5
            if wire and n > 0 and rng.random() < 0.5:
                story = story or article(Outlet(wire, 0.9, 1), 2, False, False, wire)
                sentences = story
            else:
                sentences = article(outlet, 2 + 6 * n, revised, False, None)
            aid = f"w{seed}-e{i:02d}-{n}"
            ids.append(aid)
            hours = 1 if revised else 3 + 5 * n
            rows.append({"article_id": aid, "source": outlet.name, "title": f"{noun.capitalize()} in {town}",
                         "text": " ".join(s for s, _ in sentences),
                         "published_at": (date + pd.Timedelta(hours=hours)).isoformat()})
            truth += [{"article_id": aid, "text": s, "true": int(ok)} for s, ok in sentences]
        if flood:
            fake = article(Outlet("copycat", 0.0, 2), 4, False, True, None)
            for j in range(flood):
                aid = f"w{seed}-e{i:02d}-flood{j}"
                ids.append(aid)
                rows.append({"article_id": aid, "source": outlets[len(OUTLETS) + j].name,
                             "title": f"{noun.capitalize()} in {town}", "text": " ".join(s for s, _ in fake),
                             "published_at": (date + pd.Timedelta(hours=6 + j)).isoformat()})
                truth += [{"article_id": aid, "text": s, "true": int(ok)} for s, ok in fake]
        gold.append({"incident_id": f"w{seed}-{i}", "article_ids": ids, "num_killed": killed,
                     "num_injured": injured, "kind": kind})
    return pd.DataFrame(rows), gold, truth


def write_world(folder: str, n_events: int = 30, seeds: int | list[int] = 0) -> None:
    """Write a gold folder (corpus.jsonl, gold.jsonl, claims_gold.jsonl) for ``corroborate tune``:
    ``n_events`` events of each seed in ``seeds`` (the worlds of different seeds share no town)."""
    import json
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    parts = [generate_world(n_events, s) for s in ([seeds] if isinstance(seeds, int) else seeds)]
    articles = pd.concat([p[0] for p in parts], ignore_index=True)
    gold = [g for p in parts for g in p[1]]
    truth = [t for p in parts for t in p[2]]
    articles.to_json(out / "corpus.jsonl", orient="records", lines=True, force_ascii=False)
    for name, rows in (("gold.jsonl", gold), ("claims_gold.jsonl", truth)):
        with open(out / name, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write synthetic-world gold folders for corroborate tune.")
    parser.add_argument("folder")
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, e.g. 0,1,2,3,4")
    args = parser.parse_args()
    write_world(args.folder, args.events, [int(x) for x in args.seeds.split(",")])

"""The grouping stage: which articles report one event, and which claims say one thing.

In: the articles with their lead vectors (one unit embedding per article: its
title and first sentences) and the claims with their vectors (and the
quantities they state). Out: an event id per article (the event table beside
it), and a cluster label per claim: claims that state the same proposition
within one event form a claim cluster, claims that count the same thing in one
event a figure cluster; clusters whose claims name conflicting facts are split;
generic claims (wording that recurs across many events) are marked; furniture
an outlet prints on the pages of many events is dropped.

Modules:

* ``events``: articles into events (the pair model, average linkage) and the event table;
* ``pairs``: the features of a pair of articles (word, name, age, street, date and outlet overlap);
* ``mentions``: what an article names: proper words, names, ages, streets, days mentioned;
* ``event_grouper``: the event stage as a swappable part, the pair model as its default;
* ``cluster``: claims into claim clusters within each event (exact linkage, without the n x n matrix);
* ``figures``: numeric claims into one figure cluster per counted unit and event;
* ``facts``: clusters split where their claims name conflicting streets, clock times or ages;
* ``generic``: generic claims, wording that recurs across many events;
* ``furniture``: sentences an outlet prints on the pages of many events, dropped as furniture.
"""

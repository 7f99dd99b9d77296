"""The text stage: what each article says, sentence by sentence.

In: the articles frame (:mod:`corroborate.schema`: one row per article, with its
outlet, title and text). Out: the claims frame (one row per kept sentence, with
its character offsets into the article); the dropped sentences beside it
(furniture, questions, fragments, repeats, each with its reason); the
attribution of each claim (who it is attributed to, the speaker, and its stance:
asserts, hedges or denies, with the denied content); and the quantities frame
(each number a claim states, as an interval with its unit and kind).

Modules:

* ``claims``: split articles into sentences and keep the checkable ones (claims, dropped);
* ``parsing``: one spaCy pass over the claims for attribution, stance and quantities;
* ``attribution``: who a claim is attributed to, and whether it asserts, hedges or denies;
* ``origins``: one name per origin, the bodies that claims are attributed to;
* ``denials``: link each denial to the claim it denies;
* ``quantities``: the numbers a claim states, the surface and the parse merged (the quantities frame);
* ``numerals``: numbers as written (numerals, number words, fractions, ranges) read into candidates;
* ``units``: what a number counts, the noun after it (``data/units.toml``);
* ``stated``: the quantities a sentence states in writing: kind, unit, hedged interval;
* ``counts``: how many people each outcome of a sentence applies to, from the dependency parse;
* ``outcomes``: the outcomes a sentence states and the people each applies to;
* ``phrase_counts``: how many people one noun phrase names;
* ``count_lexicon``: the outcome and people words (``data/counts.toml``), the parse's word classes;
* ``nlp``: shared language resources: spaCy's English pipeline and the data files.
"""

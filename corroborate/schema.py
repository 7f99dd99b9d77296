"""Column names of the frames that flow between stages, and their validators.

articles (one row per article; ``read_articles``)
    article_id   str     stable id (given, or a hash of source and text)
    source       str     outlet, e.g. a domain
    title        str|None
    url          str|None
    published_at Timestamp (UTC) | NaT
    text         str     full text; claim offsets index into it

claims (one row per kept sentence; ``extract_claims``)
    claim_id     str     ``<article_id>:<sent_idx>``
    article_id, source
    sent_idx     int     index of the sentence among all the article's sentences
    start, end   int     character offsets into the article text
    text         str     the sentence, ``article.text[start:end]``

dropped (one row per sentence that is not a claim, with the reason)
    article_id, source, sent_idx, start, end, text, reason

quantities (one row per number stated in a claim; ``extract_quantities``)
    claim_id, value, low, high (``inf`` when unbounded), unit, kind, approx,
    raw, start, end (offsets within the claim text), implicit (counted from the
    parse without a numeral: "a man was killed" is 1 killed), measure ("change" for a
    rise or fall, "required" for a threshold, else None: ``corroborate.text.measures``)

embeddings: float32 array (n_claims, d), L2-normalised, row i is claims row i.
labels: int array (n_claims,), the cluster of each claim.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

STANCES = ("asserted", "hedged", "denied")
#: the largest figure compared (structured claims and their bounds); beyond it a value is a parsing
#: accident more often than data, and products of such values overflow
MAX_MAGNITUDE = 1e15
ARTICLE_COLUMNS = ("article_id", "source", "title", "url", "published_at", "text")
REQUIRED_ARTICLE_FIELDS = ("text", "source")
CLAIM_COLUMNS = ("claim_id", "article_id", "source", "sent_idx", "start", "end", "text")
DROPPED_COLUMNS = ("article_id", "source", "sent_idx", "start", "end", "text", "reason")
QUANTITY_COLUMNS = (
    "claim_id", "value", "low", "high", "unit", "kind", "approx", "raw", "start", "end", "implicit",
    "measure",
)


#: features of an article pair that the event model weighs (corroborate/grouping/events.py)
EVENT_FEATURES = ("body", "title", "proper", "proper_lead", "names", "lead_words", "lead_embedding",
                  "ages_shared", "ages_conflict", "streets_shared", "streets_conflict",
                  "log_closest_days", "log_days", "same_source",
                  "rare_proper", "body_relative", "lead_relative", "log_days_unshared", "shared_rarity",
                  "rare_proper_cosine", "log_closest_unshared", "burst_rarity",
                  "log_closest_unburst", "log_days_unburst")


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ``ValueError`` naming the frame and the missing columns."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} frame lacks column(s) {', '.join(missing)}; "
            f"has {', '.join(map(str, frame.columns))}"
        )

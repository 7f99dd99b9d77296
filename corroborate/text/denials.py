"""Link each denial to the claim it denies.

"Kremlin spokesman Dmitry Peskov denied that North Korean troops had been
deployed to Russia" sits in a cluster of its own (negation barely moves an
embedding, but its wording differs). Its denied clause (``content``, from
:mod:`corroborate.text.attribution`) is embedded and linked to the nearest
non-denying claim within ``threshold`` cosine distance in another cluster, so
the report shows the claim and its denial together and the confidence counts
the denial (``contested``). The nearest claims come from one bounded search
(:func:`corroborate.neighbours.nearest`), never a table of every denial against every claim.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from ..embed.base import Embedder
from ..neighbours import nearest
from ..ties import SIMILARITY_TIE, unit_rows

#: the nearest asserting claims searched for each denial; the one linked is the first (lowest
#: row) within ``SIMILARITY_TIE`` of the best, as long as fewer near ties than this exist
DENIAL_CANDIDATES = 64

#: the fields of a denying claim that a linked cluster needs
DENIAL_FIELDS = ("claim_id", "source", "attributed_to", "copy_kind", "copy_name", "text")


def link_denials(claims: pd.DataFrame, content: pd.Series, embeddings: np.ndarray,
                 embedder: Embedder, *, threshold: float) -> dict[int, list[dict[str, Any]]]:
    """``cluster_id -> [denying claim records]`` (records: :data:`DENIAL_FIELDS`).

    ``content`` is the denied clause of each claim (``None`` when it does not deny).
    """
    is_denial = (claims["stance"] == "denied").to_numpy(dtype=bool)
    has_content = np.array([isinstance(c, str) and bool(c) for c in content], dtype=bool)
    denied = np.flatnonzero(is_denial & has_content)
    asserting = np.flatnonzero(~is_denial)
    links: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not len(denied) or not len(asserting):
        return links
    vectors = unit_rows(embedder.encode([str(content.iloc[i]) for i in denied]))
    # only a claim within the threshold can be linked; near ties of it are searched too
    rows, cols, sims = nearest(vectors, embeddings[asserting], DENIAL_CANDIDATES,
                               radius=1.0 - threshold - SIMILARITY_TIE)
    cluster = claims["cluster_id"].to_numpy(dtype=np.int64)
    starts = np.searchsorted(rows, np.arange(len(denied) + 1))
    for row, i in enumerate(denied):
        hits, scores = cols[starts[row]:starts[row + 1]], sims[starts[row]:starts[row + 1]]
        if not len(hits):
            continue
        near = hits[scores >= scores.max() - SIMILARITY_TIE]
        best = int(near.min())                          # the first of near ties: no CPU decides
        target = asserting[best]
        similarity = float(scores[hits == best][0])
        if 1.0 - similarity <= threshold and cluster[i] != cluster[target]:
            record = claims.iloc[i]
            links[int(cluster[target])].append(
                {f: (record[f] if isinstance(record[f], str) else None) for f in DENIAL_FIELDS})
    return links

"""Denial links: a denial bears on the nearest claim of its own event, never on another event's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corroborate.text.denials import link_denials


class TableEmbedder:
    """Vectors looked up by text: the test chooses every similarity."""

    identity = "table"

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.array([self.table[t] for t in texts], dtype=np.float64)


def _unit(*values: float) -> list[float]:
    v = np.array(values, dtype=np.float64)
    return (v / np.linalg.norm(v)).tolist()


def _claims(rows: list[tuple[str, int, int, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"claim_id": c, "cluster_id": k, "event_id": e, "stance": s, "source": f"s{i}",
                          "attributed_to": None, "copy_kind": None, "copy_name": None, "text": c}
                         for i, (c, k, e, s) in enumerate(rows)])


def test_a_denial_is_linked_within_its_event_even_when_another_event_holds_a_closer_claim() -> None:
    claims = _claims([("held without bail (event 1)", 0, 1, "asserted"),
                      ("held without bail (event 2)", 1, 2, "asserted"),
                      ("judge denied bail (event 2)", 2, 2, "denied"),
                      ("an unrelated claim (event 3)", 3, 3, "asserted"),
                      ("a denial alone in its event (event 4)", 4, 4, "denied")])
    vectors = np.array([_unit(1, 0.05, 0), _unit(1, 0.3, 0), _unit(0, 0, 1), _unit(0, 1, 0), _unit(0, 0, 1)])
    embedder = TableEmbedder({"bail": _unit(1, 0, 0), "anything": _unit(1, 0, 0)})
    content = pd.Series([None, None, "bail", None, "anything"])
    links = link_denials(claims, content, vectors, embedder, threshold=0.2)
    # event 1's claim is nearer (cosine 0.999 against 0.958), but the denial is event 2's
    assert set(links) == {1}
    assert [r["claim_id"] for r in links[1]] == ["judge denied bail (event 2)"]


def test_without_events_every_claim_may_be_denied() -> None:
    claims = _claims([("held without bail", 0, 1, "asserted"), ("judge denied bail", 2, 2, "denied")])
    claims = claims.drop(columns="event_id")
    links = link_denials(claims, pd.Series([None, "bail"]), np.array([_unit(1, 0.05, 0), _unit(0, 0, 1)]),
                         TableEmbedder({"bail": _unit(1, 0, 0)}), threshold=0.2)
    assert [r["claim_id"] for r in links[0]] == ["judge denied bail"]

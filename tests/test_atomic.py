"""JSON values and atomic writes (``corroborate.atomic``)."""

from __future__ import annotations

import enum
import json
import math

import numpy as np
import pandas as pd
import pytest

from corroborate.atomic import to_jsonable, write_jsonl, write_text


class _Kind(enum.IntEnum):
    ONE = 1


def test_values_become_what_json_gives_back() -> None:
    value = {"f": 0.1234567891, "nan": math.nan, "inf": -math.inf, "np": np.float32(0.5), "i": np.int64(7),
             "b": np.bool_(True), "s": np.str_("x"), "e": _Kind.ONE, "t": (1, 2), "a": np.arange(2),
             3: "key", "when": pd.Timestamp("2024-10-28T16:05:00Z"), "nat": pd.NaT}
    plain = to_jsonable(value)
    assert plain == json.loads(json.dumps(plain))
    assert plain == {"f": 0.123457, "nan": None, "inf": None, "np": 0.5, "i": 7, "b": True, "s": "x", "e": 1,
                     "t": [1, 2], "a": [0, 1], "3": "key", "when": "2024-10-28T16:05:00+00:00", "nat": None}
    assert type(plain["s"]) is str and type(plain["e"]) is int


def test_a_value_json_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError, match="not a JSON value: object"):
        to_jsonable({"x": [object()]})


def test_a_record_that_cannot_be_written_leaves_the_file_as_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "claims.jsonl"
    write_jsonl(target, [{"a": 1}, {"a": 2}])
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n{"a": 2}\n'
    with pytest.raises(TypeError):
        write_jsonl(target, [{"a": 3}, {"a": object()}])
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n{"a": 2}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["claims.jsonl"]        # no temporary file left


def test_text_written_in_pieces_is_whole_or_not_there(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """report.html is written as the template's pieces: a render that fails half-way must leave
    the previous file as it was, never half a report."""
    target = tmp_path / "report.html"
    write_text(target, iter(["<html>", "one", "</html>\n"]))
    assert target.read_text(encoding="utf-8") == "<html>one</html>\n"

    def failing():  # type: ignore[no-untyped-def]
        yield "<html>two"
        raise RuntimeError("a template error half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        write_text(target, failing())
    assert target.read_text(encoding="utf-8") == "<html>one</html>\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]

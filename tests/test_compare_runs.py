"""benchmarks/compare_runs.py tells identical, equivalent and different output folders apart."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.compare_runs import compare_file, main


def _write(folder: Path, name: str, rows: list[dict[str, object]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


CLAIMS = [{"claim_id": "a:0", "cluster_id": 0, "event_id": 0, "text": "x"},
          {"claim_id": "b:0", "cluster_id": 0, "event_id": 0, "text": "y"},
          {"claim_id": "c:0", "cluster_id": 1, "event_id": 1, "text": "z"}]
CLUSTERS = [{"cluster_id": 0, "claim_ids": ["a:0", "b:0"], "confidence": 0.8, "event_id": 0},
            {"cluster_id": 1, "claim_ids": ["c:0"], "confidence": 0.3, "event_id": 1}]


def test_identical_equivalent_and_different(tmp_path: Path) -> None:
    before = _write(tmp_path / "a", "clusters.jsonl", CLUSTERS)
    assert compare_file(before, _write(tmp_path / "b", "clusters.jsonl", CLUSTERS), 1e-9)[0] == "identical"
    # relabelled, reordered, and noise below the tolerance: the same result
    relabelled = [{**CLUSTERS[1], "cluster_id": 0, "event_id": 5},
                  {**CLUSTERS[0], "cluster_id": 1, "confidence": 0.8 + 1e-12, "event_id": 7}]
    assert compare_file(before, _write(tmp_path / "c", "clusters.jsonl", relabelled), 1e-9) == ("equivalent", [])
    moved = [{**CLUSTERS[0], "confidence": 0.8 + 1e-6}, CLUSTERS[1]]
    verdict, problems = compare_file(before, _write(tmp_path / "d", "clusters.jsonl", moved), 1e-9)
    assert verdict == "different" and "confidence" in problems[0]


def test_a_changed_partition_is_named(tmp_path: Path) -> None:
    before = _write(tmp_path / "a", "claims.jsonl", CLAIMS)
    split = [CLAIMS[0], {**CLAIMS[1], "cluster_id": 2}, CLAIMS[2]]
    verdict, problems = compare_file(before, _write(tmp_path / "b", "claims.jsonl", split), 1e-9)
    assert verdict == "different" and any("partition by cluster_id" in p for p in problems)
    renamed = [{**c, "cluster_id": 9 - int(c["cluster_id"])} for c in CLAIMS]   # type: ignore[call-overload]
    assert compare_file(before, _write(tmp_path / "c", "claims.jsonl", renamed), 1e-9)[0] == "equivalent"


def test_exit_status(tmp_path: Path) -> None:
    for side in ("a", "b"):
        _write(tmp_path / side, "claims.jsonl", CLAIMS)
        _write(tmp_path / side, "clusters.jsonl", CLUSTERS)
        _write(tmp_path / side, "events.jsonl", [{"event_id": 0, "article_ids": ["a", "b"]}])
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    _write(tmp_path / "b", "events.jsonl", [{"event_id": 0, "article_ids": ["a"]}])
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1

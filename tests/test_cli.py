"""The command line, in-process through ``main`` (exit codes, messages, files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborate.cli import EXIT_INPUT, EXIT_OK, main


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    for option in ("--output", "--model", "--threshold", "--config", "--cache-dir", "--no-cache",
                   "--on-bad-record", "--top", "--quiet"):
        assert option in out


def test_malformed_jsonl_exits_1_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "Troops arrived on Monday in Kursk.", "source": "a"}\n{"text": oops}\n')
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{path}:line 2" in err and "invalid JSON" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args,message", [
    (["--threshold", "5"], "distance_threshold must be a number in (0, 2); got 5.0"),
    (["--top", "-1"], "Invalid value for '--top'"),
    (["--model", "/nonexistent/model"], "never downloads models"),
])
def test_bad_options_exit_1(example_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            args: list[str], message: str) -> None:
    code = main(["score", str(example_dir), "-o", str(tmp_path / "out"), "-q", *args])
    assert code == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_missing_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path)]) == EXIT_INPUT
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.model
def test_skip_mode_scores_and_lists_rejects(real_embedder: object, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.jsonl"
    good = {"text": "About 10,000 North Korean troops were sent to Russia, officials said.", "source": "a"}
    path.write_text(json.dumps(good) + "\n" + '{"source": "b"}\n')
    out = tmp_path / "out"
    assert main(["score", str(path), "-o", str(out), "-q", "--on-bad-record", "skip"]) == EXIT_OK
    rejected = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert rejected == [{"location": f"{path}:line 2", "field": "text",
                         "reason": "missing or empty (required)"}]
    assert "1 records rejected" in " ".join(capsys.readouterr().out.split())


def test_model_file_option_loads_another_model_or_explains(example_dir: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert "--model-file" in (main(["score", "--help"]) == EXIT_OK and capsys.readouterr().out)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    code = main(["score", str(example_dir), "-o", str(tmp_path / "out"), "-q", "--model-file", str(bad)])
    assert code == EXIT_INPUT and "not a corroborate model file" in capsys.readouterr().err


def test_tune_help_and_a_bad_threshold_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tune", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    for option in ("--data", "--output", "--thresholds", "--model-file"):
        assert option in out
    gold = tmp_path / "gold"
    gold.mkdir()
    code = main(["tune", "--data", str(gold), "-o", str(tmp_path / "m.json"), "--thresholds", "0.3,x", "-q"])
    assert code == EXIT_INPUT and "--thresholds" in capsys.readouterr().err

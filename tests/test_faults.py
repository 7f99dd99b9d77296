"""The machine says no: a full disk, a file-size limit, a cache folder that cannot be written,
configuration files that are not UTF-8. Each is a clear error (exit 1) or a run that still works,
and the previous output is never touched."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from corroborate.cli import EXIT_INPUT, EXIT_OK, main

from .conftest import ROOT, FakeEmbedder

#: a corroborate run in a fresh process with the fake embedder, so limits apply to it alone
RUNNER = ("import sys; from tests.conftest import FakeEmbedder; import corroborate.pipeline as p; "
          "p.make_embedder = lambda *a, **k: FakeEmbedder(); from corroborate.cli import main; "
          "sys.exit(main(sys.argv[1:]))")


def _corpus(path: Path, n: int = 40, words: str = "fire") -> Path:
    rows = [{"article_id": f"a{i:03d}", "source": f"outlet{i % 5}.example",
             "published_at": f"2015-03-{1 + i % 20:02d}", "text": " ".join(
                 f"Officials said {s + 2} crews fought the {words} number {i * 10 + s} near dock {s}."
                 for s in range(6))} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(args: list[str], file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", RUNNER, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False, preexec_fn=limit, env=env)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("faults")
    done = _run(["score", str(_corpus(base / "old.jsonl")), "-o", str(base / "out"), "-q", "--no-cache"])
    assert done.returncode == EXIT_OK, done.stderr
    return base / "out", _snapshot(base / "out")


def test_a_file_size_limit_on_the_output_stops_cleanly(previous: tuple[Path, dict[str, bytes]],
                                                        tmp_path: Path) -> None:
    out, before = previous
    corpus = _corpus(tmp_path / "new.jsonl", words="flood")
    done = _run(["score", str(corpus), "-o", str(out), "-q", "--no-cache"], file_size_limit=20_000)
    assert done.returncode == EXIT_INPUT, done.stderr
    assert "File too large (the disk is full, or a quota or file-size limit was reached)" in done.stderr
    assert f"The run stopped; nothing in {out} was changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert _snapshot(out) == before                                  # every byte of the previous run
    assert [p.name for p in out.parent.iterdir() if ".staging" in p.name] == []


def test_a_file_size_limit_on_the_cache_is_named_not_a_corrupt_cache(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", n=200)
    cache = tmp_path / "cache"
    done = _run(["score", str(corpus), "-o", str(tmp_path / "out"), "-q", "--cache-dir", str(cache)],
                file_size_limit=60_000)
    assert done.returncode == EXIT_INPUT, done.stderr
    # the first cache file to reach the limit is named (the parse cache keeps the articles' sentences first)
    assert (f"parse cache {cache / 'parses.sqlite3'}:" in done.stderr
            or f"embedding cache {cache / 'embeddings.sqlite3'}:" in done.stderr)
    assert "free some room, choose another --cache-dir, or run with --no-cache" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(cache.glob("*.corrupt-*"))                       # a full disk is not corruption
    assert not (tmp_path / "out").exists()


def test_a_full_disk_stops_cleanly(tmp_path: Path) -> None:
    disk = tmp_path / "small"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(disk)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    try:
        done = _run(["score", str(_corpus(tmp_path / "c.jsonl")), "-o", str(disk / "out"), "-q", "--no-cache"])
        assert done.returncode == EXIT_INPUT, done.stderr
        assert "No space left on device (the disk is full" in done.stderr
        assert "Traceback" not in done.stderr
        assert list(disk.iterdir()) == []                            # no output, no staging folder left
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_an_unwritable_cache_folder_with_no_cache_still_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEmbedder()
    monkeypatch.setattr("corroborate.pipeline.make_embedder", lambda *a, **k: fake)
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", n=6)), "-o", str(tmp_path / "out"),
                 "--no-cache", "--cache-dir", "/proc/corroborate-cache", "-q"])
    err = capsys.readouterr().err
    assert code == EXIT_OK, err
    assert "cache folder /proc/corroborate-cache: cannot write there" in err
    assert "the model is exported for this run only" in err
    assert fake.calls > 0 and (tmp_path / "out" / "clusters.jsonl").is_file()


def test_the_same_folder_with_the_cache_on_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEmbedder()
    monkeypatch.setattr("corroborate.pipeline.make_embedder", lambda *a, **k: fake)
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", n=6)), "-o", str(tmp_path / "out"),
                 "--cache-dir", "/proc/corroborate-cache", "-q"])
    assert code == EXIT_INPUT and fake.calls == 0
    assert "cache folder /proc/corroborate-cache: cannot write there" in capsys.readouterr().err


@pytest.mark.parametrize("option, name, content, message", [
    ("--config", "bad.toml", b"[cluster]\ndistance_threshold = 0.3  # caf\xe9\n",
     "bad.toml: line 2: not valid UTF-8 (byte 0xe9 at column 32); a configuration file is TOML in UTF-8"),
    ("--model-file", "bad.json", b'{"format":\n "caf\xe9"}',
     "bad.json: line 2: not valid UTF-8 (byte 0xe9 at column 6); a model file is JSON in UTF-8"),
])
def test_config_files_that_are_not_utf8_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  option: str, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", n=2)), "-o", str(tmp_path / "out"),
                 option, str(tmp_path / name), "-q"])
    assert code == EXIT_INPUT
    assert message in capsys.readouterr().err

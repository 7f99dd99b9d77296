"""Runs as a user meets them: failing early, transactions under SIGKILL, resuming the cache,
limits on giant articles, accounting, configs and `corroborate truth` on bad values."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from corroborate import Config, Corroborator, EmbeddingCache
from corroborate.cli import EXIT_INPUT, EXIT_OK, main

from .conftest import ROOT, FakeEmbedder


def _corpus(path: Path, n_articles: int = 60, sentences: int = 8, **extra: object) -> Path:
    rows = []
    for a in range(n_articles):
        body = " ".join(f"Officials in district {a} said {s + 3} firefighters fought blaze number {a * 100 + s} "
                        f"near warehouse row {s}." for s in range(sentences))
        rows.append({"article_id": f"art{a:03d}", "source": f"outlet{a % 7}.example", "text": body,
                     "published_at": f"2015-03-{1 + a % 27:02d}T10:00:00Z", **extra})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    embedder = FakeEmbedder()
    monkeypatch.setattr("corroborate.pipeline.make_embedder", lambda *a, **k: embedder)
    return embedder


# ------------------------------------------------------------------ failing before the work

def test_output_naming_a_file_fails_before_any_work(tmp_path: Path, fake: FakeEmbedder,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "taken").write_text("x")
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", 3)), "-o", str(tmp_path / "taken"), "-q"])
    assert code == EXIT_INPUT and fake.calls == 0
    assert f"output folder {tmp_path / 'taken'}: is a file, not a folder" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_output_under_proc_fails_before_any_work(tmp_path: Path, fake: FakeEmbedder,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", 3)), "-o", "/proc/corroborate-out", "-q"])
    assert code == EXIT_INPUT and fake.calls == 0
    assert "cannot write there" in capsys.readouterr().err


def test_cache_dir_naming_a_file_fails_before_any_work(tmp_path: Path, fake: FakeEmbedder,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cachefile").write_text("x")
    corpus = str(_corpus(tmp_path / "c.jsonl", 3))
    code = main(["score", corpus, "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cachefile"), "-q"])
    assert code == EXIT_INPUT and "Invalid value for '--cache-dir'" in capsys.readouterr().err
    (tmp_path / "c.toml").write_text(f'[embedding]\ncache_dir = "{tmp_path / "cachefile"}"\n')
    code = main(["score", corpus, "-o", str(tmp_path / "out"), "--config", str(tmp_path / "c.toml"), "-q"])
    assert code == EXIT_INPUT and fake.calls == 0
    assert f"cache folder {tmp_path / 'cachefile'}: is a file, not a folder" in capsys.readouterr().err
    code = main(["score", corpus, "-o", str(tmp_path / "out"), "--cache-dir", "/proc/corroborate-cache", "-q"])
    assert code == EXIT_INPUT and fake.calls == 0
    assert "cache folder /proc/corroborate-cache: cannot write there" in capsys.readouterr().err


def test_a_folder_of_other_files_is_never_replaced(tmp_path: Path, fake: FakeEmbedder,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    code = main(["score", str(_corpus(tmp_path / "c.jsonl", 3)), "-o", str(out), "-q"])
    assert code == EXIT_INPUT and (out / "thesis.docx").read_text() == "years of work"
    assert "holds files that corroborate did not write (thesis.docx)" in capsys.readouterr().err


def test_output_files_follow_the_umask(tmp_path: Path, fake: FakeEmbedder) -> None:
    old = os.umask(0o022)
    try:
        assert main(["score", str(_corpus(tmp_path / "c.jsonl", 3)), "-o", str(tmp_path / "out"), "-q",
                     "--no-cache"]) == EXIT_OK
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()}
    assert set(modes.values()) == {0o644}, modes
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755


# ------------------------------------------------------------------ records and accounting

def test_an_undated_article_in_a_corroborated_cluster(tmp_path: Path, fake: FakeEmbedder) -> None:
    text = "Police said twelve people were hurt in the warehouse fire on Main Street on Monday."
    rows = [{"source": "a.example", "text": text, "published_at": "2015-03-04"},
            {"source": "b.example", "text": text + " More later."},
            {"source": "c.example", "text": text + " Details to come.", "published_at": ""}]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q", "--no-cache"]) == EXIT_OK
    report = (tmp_path / "out" / "report.md").read_text()
    assert "undated" in report and (tmp_path / "out" / "report.html").exists()


def test_run_json_accounts_for_every_record_and_sentence(tmp_path: Path, fake: FakeEmbedder) -> None:
    path = _corpus(tmp_path / "c.jsonl", 5)
    with open(path, "ab") as fh:
        fh.write(b'{"text": "caf\xe9", "source": "x"}\n[1]\n{"source": "x"}\n')
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q", "--no-cache",
                 "--on-bad-record", "skip"]) == EXIT_OK
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    acct = run["summary"]["accounting"]
    assert acct["records"] == {"input": str(path), "read": 8, "used": 5, "rejected": 3}
    rejected = (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()
    assert len(rejected) == acct["records"]["rejected"]
    sentences = acct["sentences"]
    n_claims = len((tmp_path / "out" / "claims.jsonl").read_text().splitlines())
    n_dropped = len((tmp_path / "out" / "dropped.jsonl").read_text().splitlines())
    assert sentences == {"total": n_claims + n_dropped, "claims": n_claims, "dropped": n_dropped}


def test_a_giant_line_is_cut_not_fatal(tmp_path: Path, fake: FakeEmbedder) -> None:
    giant = ("word " * 250_000).strip()                     # 1.25 million characters, no full stop
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"article_id": "big", "source": "a.example", "text": giant}) + "\n"
                    + json.dumps({"source": "b.example", "text": "Police said twelve people were hurt."}) + "\n")
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q", "--no-cache"]) == EXIT_OK
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    cut = run["summary"]["accounting"]["truncated"]
    assert [c["article_id"] for c in cut] == ["big"] and cut[0]["chars"] == len(giant)
    assert cut[0]["kept_chars"] <= Config.default().max_article_chars
    dropped = [json.loads(x) for x in (tmp_path / "out" / "dropped.jsonl").read_text().splitlines()]
    assert {d["reason"] for d in dropped if d["article_id"] == "big"} == {"too_long"}
    assert "cut at" in (tmp_path / "out" / "report.md").read_text()


def test_long_articles_can_be_rejected_instead(tmp_path: Path, fake: FakeEmbedder) -> None:
    (tmp_path / "limits.toml").write_text('[claims]\nmax_article_chars = 2000\nlong_articles = "reject"\n')
    path = _corpus(tmp_path / "c.jsonl", 4, sentences=30)       # ~2,900 characters each
    with open(path, "a") as fh:
        fh.write(json.dumps({"source": "z.example", "text": "Police said twelve people were hurt."}) + "\n")
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q", "--no-cache",
                 "--config", str(tmp_path / "limits.toml")]) == EXIT_OK
    rejected = [json.loads(x) for x in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert len(rejected) == 4 and all("more than max_article_chars = 2,000" in r["reason"] for r in rejected)
    assert rejected[0]["location"] == f"{path}:line 1"
    acct = json.loads((tmp_path / "out" / "run.json").read_text())["summary"]["accounting"]["records"]
    assert (acct["read"], acct["used"], acct["rejected"]) == (5, 1, 4)


def test_sentences_past_the_limit_are_dropped_with_their_reason(tmp_path: Path, fake: FakeEmbedder) -> None:
    (tmp_path / "limits.toml").write_text("[claims]\nmax_sentences_per_article = 5\n")
    path = _corpus(tmp_path / "c.jsonl", 2, sentences=9)
    assert main(["score", str(path), "-o", str(tmp_path / "out"), "-q", "--no-cache",
                 "--config", str(tmp_path / "limits.toml")]) == EXIT_OK
    dropped = [json.loads(x) for x in (tmp_path / "out" / "dropped.jsonl").read_text().splitlines()]
    over = sorted(d["sent_idx"] for d in dropped if d["reason"] == "over_sentence_limit")
    assert over == [5, 5, 6, 6, 7, 7, 8, 8]


# ------------------------------------------------------------------ configs

@pytest.mark.parametrize("toml,message", [
    ('[embedding]\ncache = "no"\n', '[embedding] cache must be true or false; got \'no\' (a string)'),
    ("[cluster]\ndistance_threshold = true\n", "[cluster] distance_threshold must be a number in (0, 2); got True"),
    ('[truth]\nintercept = "high"\n', "[truth] intercept must be a number (finite); got 'high' (a string)"),
    ('[events]\ngeneric_min_events = "7"\n', "[events] generic_min_events must be an integer in [2, inf); got '7' (a string)"),
    ('[cluster]\ndistance_threshold = "0.2"\n', "[cluster] distance_threshold must be a number in (0, 2); got '0.2'"),
    ('[claims]\nlong_articles = "maybe"\n', "[claims] long_articles must be one of 'truncate', 'reject'"),
    ("[claims]\nmax_article_chars = 10\n", "[claims] max_article_chars must be an integer in [1000, 1e+07]"),
    ("[cluster]\nwindow_days = 7\n", "unknown setting [cluster] 'window_days'"),
    ("[embedding]\nthreads = -1\n", "[embedding] threads must be an integer in [0, 1024]; got -1"),
])
def test_config_values_are_checked_by_type_and_range(tmp_path: Path, toml: str, message: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "my.toml"
    path.write_text(toml)
    assert main(["score", str(ROOT / "examples" / "nk-troops"), "-o", str(tmp_path / "out"), "-q",
                 "--config", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert str(path) in err and message in err, err


# ------------------------------------------------------------------ corroborate truth

@pytest.mark.parametrize("rows,message", [
    ("item,value,source,low,high\nt,5,a,6,4\n", "row 1, field 'low': low 6 is above high 4"),
    ("item,value,source,low,high\nt,5,a,inf,\n", "row 1, field 'low': not a finite number up to 1e15"),
    ("item,value,source,low,high\nt,5,a,,1e400\n", "row 1, field 'high': not a finite number up to 1e15"),
])
def test_truth_refuses_impossible_bounds(tmp_path: Path, rows: str, message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(rows)
    assert main(["truth", str(path), "-o", str(tmp_path / "out"), "-q"]) == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_truth_nan_is_a_placeholder_in_every_format(tmp_path: Path) -> None:
    rows = [{"item": "t", "value": v, "source": s} for v, s in ((5, "a"), (5, "b"), (float("nan"), "c"))]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))   # json writes NaN
    (tmp_path / "c.csv").write_text("item,value,source\nt,5,a\nt,5,b\nt,NaN,c\n")
    for name in ("c.jsonl", "c.csv"):
        assert main(["truth", str(tmp_path / name), "-o", str(tmp_path / name[2:]), "-q"]) == EXIT_OK
        rejected = [json.loads(x) for x in (tmp_path / name[2:] / "rejected.jsonl").read_text().splitlines()]
        assert [(r["row"], r["source"], r["reason"].split(" ")[0]) for r in rejected] == [(3, "c", "placeholder")]


def test_truth_huge_values_are_rejected_without_warnings(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("item,value,source\nt,5,a\nt,1e308,b\nt,5,c\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["truth", str(tmp_path / "c.csv"), "-o", str(tmp_path / "out"), "-q"]) == EXIT_OK
    rejected = (tmp_path / "out" / "rejected.jsonl").read_text()
    assert "too large to compare" in rejected


# ------------------------------------------------------------------ transactions under SIGKILL

def _run(args: list[str], stop: bool) -> subprocess.Popen[str] | subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "tests.killable", *args]
    if not stop:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _kill_at(args: list[str], stage: str) -> None:
    proc = _run([*args[:3], stage], stop=True)
    assert isinstance(proc, subprocess.Popen) and proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("REACHED"):
            break
    else:
        raise AssertionError(f"the run ended before reaching {stage}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, bytes], int]:
    base = tmp_path_factory.mktemp("killed")
    corpus = _corpus(base / "corpus.jsonl")
    args = [str(corpus), str(base / "out"), str(base / "cache")]
    done = _run([*args, "none"], stop=False)
    assert isinstance(done, subprocess.CompletedProcess) and done.returncode == 0, done.stdout
    encoded = int(done.stdout.split("ENCODED ")[1].split()[0])
    return args, _snapshot(base / "out"), encoded


@pytest.mark.parametrize("stage", ["embed", "cluster", "write"])
def test_a_kill_leaves_the_previous_output_whole(scored: tuple[list[str], dict[str, bytes], int], stage: str) -> None:
    args, before, _ = scored
    if stage == "embed":                      # a cold cache, so that the run embeds
        args = [*args[:2], args[2] + "-cold"]
    _kill_at(args, stage)
    assert _snapshot(Path(args[1])) == before                     # the previous run's files, every byte


def test_a_kill_while_embedding_keeps_what_was_encoded(tmp_path: Path,
                                                       scored: tuple[list[str], dict[str, bytes], int]) -> None:
    _, _, full = scored
    corpus = _corpus(tmp_path / "corpus.jsonl")
    args = [str(corpus), str(tmp_path / "out"), str(tmp_path / "cache")]
    _kill_at(args, "embed")
    assert not (tmp_path / "out").exists()                        # no output, not half of one
    again = _run([*args, "none"], stop=False)
    assert isinstance(again, subprocess.CompletedProcess) and again.returncode == 0
    resumed = int(again.stdout.split("ENCODED ")[1].split()[0])
    assert resumed <= full - 50 - 60                              # leads and a slice of claims were kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_a_corrupt_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    cache.put_many("m", [(b"k" * 32, FakeEmbedder().encode(["x"])[0])])
    cache.close()
    data = (tmp_path / "embeddings.sqlite3").read_bytes()
    (tmp_path / "embeddings.sqlite3").write_bytes(data[:100] + b"\x00garbage" * 50)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / 'embeddings.sqlite3'}{suffix}").unlink(missing_ok=True)
    fresh = EmbeddingCache(tmp_path)
    assert fresh.count() == 0                                     # rebuilt empty
    assert list(tmp_path.glob("embeddings.sqlite3.corrupt-*"))     # the bad file kept aside
    est = Corroborator(embedder=FakeEmbedder(), config=Config.default().replace(cache_dir=str(tmp_path)))
    est.fit(ROOT / "examples" / "nk-troops")
    assert EmbeddingCache(tmp_path).count() > 0


def test_a_large_cache_is_not_read_whole_when_opened_but_a_bad_page_is_still_caught(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corroborate import store
    cache = EmbeddingCache(tmp_path)
    vectors = FakeEmbedder().encode([f"sentence {i}" for i in range(2000)])
    keys = [bytes([i % 256, i // 256]) * 16 for i in range(2000)]
    cache.put_many("m", list(zip(keys, vectors, strict=True)))
    cache.close()
    with sqlite3.connect(tmp_path / "embeddings.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = tmp_path / "embeddings.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    data[middle:middle + 8 * page] = b"\xff\x13" * (4 * page)       # eight pages overwritten
    path.write_bytes(bytes(data))
    checks: list[str] = []
    monkeypatch.setattr(store, "QUICK_CHECK_BYTES", 0)                   # as if it were a large file
    real_open = store.SqliteStore._open

    def counting_open(self: store.SqliteStore) -> sqlite3.Connection:
        conn = real_open(self)
        checks.append("opened")
        return conn
    monkeypatch.setattr(store.SqliteStore, "_open", counting_open)
    fresh = EmbeddingCache(tmp_path)
    found = fresh.get_many("m", keys)
    assert checks == ["opened", "opened"]                   # opened without a check, then rebuilt once
    assert found == {}                                      # nothing trusted from the damaged file
    assert list(tmp_path.glob("embeddings.sqlite3.corrupt-*"))
    fresh.put_many("m", [(keys[0], vectors[0])])
    assert fresh.count("m") == 1                            # the new file works


def test_a_stored_vector_of_the_wrong_shape_is_encoded_again(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    conn = sqlite3.connect(tmp_path / "embeddings.sqlite3")
    from corroborate.embed.cache import text_key

    cache.count()
    conn.execute("INSERT INTO vectors VALUES (?,?,?,?)", ("fake-bow-256", text_key("hello"), 256, b"\x00" * 12))
    conn.commit()
    inner = FakeEmbedder()
    from corroborate.embed import CachedEmbedder

    vectors = CachedEmbedder(inner, cache).encode(["hello"])
    assert inner.calls == 1 and vectors.shape == (1, 256)

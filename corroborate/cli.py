"""Command line: ``corroborate score INPUT -o OUTDIR``, ``corroborate report OUTDIR``,
``corroborate truth CLAIMS -o OUTDIR`` and ``corroborate tune --data DIR -o models/NAME.json``.

Exit codes: 0 success; 1 bad input or usage (unreadable corpus, bad record,
bad option or config, a model that is not on disk) or no room to write (disk
full, a quota, a file-size limit); 2 internal error (a bug:
please report it with the traceback shown by ``--verbose``).
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from .config import Config
from .embed.backends import BACKENDS, make_embedder
from .embed.cache import default_cache_dir
from .embed.sbert import quiet_model_loading
from .engines import ENGINES, make_engine
from .errors import CorroborateError, InputError, StorageError, describe_no_room, no_room
from .ingest import read_articles, read_claims
from .pipeline import Corroborator
from .report import (
    FORMAT_FILES,
    OUTPUT_FILES,
    TRUTH_OUTPUT_FILES,
    Report,
    render,
    render_table,
    render_truth_table,
    write_outputs,
    write_truth_outputs,
)
from .report.transaction import OutputFolder, check_writable_folder
from .scoring.truth import TruthDiscovery
from .training.tune import model_document, write_model
from .training.tune import tune as run_tune

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2
logger = logging.getLogger("corroborate")


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"
                                           if verbose else "%(message)s"))
    root = logging.getLogger("corroborate")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _load_config(model_file: Path | None, config_path: Path | None) -> Config:
    base = Config.from_model_file(model_file) if model_file else Config.default()
    return Config.from_toml(config_path, base=base) if config_path else base


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="corroborate")
def cli() -> None:
    """Tell which claims in a pile of news are well corroborated."""


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path),
              help="Folder for claims.jsonl, clusters.jsonl, report.md and the other outputs "
                   "(created if missing; files in it are replaced).")
@click.option("--model", default=None,
              help="Embedding model: 'default' (the packaged all-MiniLM-L6-v2), a local folder, "
                   "or a model name already in the Hugging Face cache. Never downloaded.")
@click.option("--threshold", type=float, default=None,
              help="Cosine distance under which claims are merged into one cluster "
                   "(default from the model file). Lower: stricter, smaller clusters.")
@click.option("--model-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Model file written by `corroborate tune` (settings and the calibrated confidence); "
                   "default: the packaged models/default.json.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML file overriding settings of the model file "
                                 "(same sections as its \"settings\").")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Embedding cache folder (default: $CORROBORATE_CACHE_DIR or ~/.cache/corroborate).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--threads", type=click.IntRange(min=0, max=1024), default=None,
              help="CPU threads for the embedding model (default from the model file: 0, all cores). "
                   "Use 1 when another busy process shares the machine.")
@click.option("--backend", type=click.Choice(BACKENDS), default=None,
              help="Runtime of the embedding model (default from the model file). torch: "
                   "sentence-transformers as is; onnx / onnx-int8 / openvino: the same model exported "
                   "once to ONNX (kept in the cache folder) and run by onnxruntime (fp32 or int8 "
                   "weights) or OpenVINO (needs the openvino extra). Speed and quality of each: "
                   "benchmarks/RESULTS.md.")
@click.option("--device", default=None, help="Device of the torch backend: cpu (default), cuda, cuda:1, mps.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Where splitting, the spaCy reading and embedding run: this process, or a Dask cluster at "
                   "--scheduler or started for the run (pip install 'corroborate[dask]'). Same files either way.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Address of a running Dask scheduler (tcp://host:8786); needs --engine dask.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Workers of the LocalCluster that --engine dask starts (default: one per core).")
@click.option("--on-bad-record", type=click.Choice(["fail", "skip"]), default="fail",
              show_default=True,
              help="fail: stop at the first unusable record, naming file, line and field. "
                   "skip: leave it out and list it in rejected.jsonl.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="Rows of the summary table printed on the terminal.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or progress messages.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def score(input_path: Path, outdir: Path, **options: object) -> None:
    """Score the claims of the corpus INPUT and write the results to OUTDIR.

    INPUT is a JSONL, CSV or Parquet file with the fields text and source
    (optional: article_id, title, url, published_at), or a folder of .txt
    articles with an optional metadata.csv sidecar.
    """
    opts = ScoreOptions(**options)  # type: ignore[arg-type]
    _configure_logging(opts.verbose, opts.quiet)
    if opts.quiet:
        quiet_model_loading()
    config = _load_config(opts.model_file, opts.config_path)
    config = config.replace(model=opts.model, distance_threshold=opts.threshold, threads=opts.threads,
                            backend=opts.backend, device=opts.device,
                            cache_dir=None if opts.cache_dir is None else str(opts.cache_dir))
    config = config.replace(cache=False) if opts.no_cache else config
    with tempfile.TemporaryDirectory(prefix="corroborate-models-") as scratch:
        _score(input_path, outdir, config, opts, Path(scratch))


@dataclass(frozen=True)
class ScoreOptions:
    """The options of ``corroborate score`` (its settings go into the run's :class:`Config`)."""

    model: str | None = None
    threshold: float | None = None
    model_file: Path | None = None
    config_path: Path | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    threads: int | None = None
    backend: str | None = None
    device: str | None = None
    engine: str = "local"
    scheduler: str | None = None
    workers: int | None = None
    on_bad_record: str = "fail"
    top: int = 10
    quiet: bool = False
    verbose: int = 0


def _model_files_folder(config: Config, scratch: Path) -> Config:
    """Check the cache folder before any work; with the cache off, a folder we may not write is
    still fine when it holds the exported model, and otherwise the model is exported into
    ``scratch`` for this run only."""
    folder = Path(config.cache_dir) if config.cache_dir else default_cache_dir()
    if config.cache or config.backend == "torch":
        if config.cache:
            check_writable_folder(folder, "cache folder")
        return config
    embedder = make_embedder(config.model, backend=config.backend, export_dir=folder)
    if getattr(embedder, "is_exported", lambda: False)():
        return config
    try:
        check_writable_folder(folder, "cache folder")
    except InputError as exc:
        logger.warning("%s; the cache is off, so the model is exported for this run only "
                       "(about 20 s; a writable --cache-dir keeps it for the next runs)", exc)
        return config.replace(cache_dir=str(scratch))
    return config


def _score(input_path: Path, outdir: Path, config: Config, opts: ScoreOptions, scratch: Path) -> None:

    started = time.perf_counter()
    # everything that can fail without the corpus fails now, before minutes of work
    output = OutputFolder(outdir, owned=set(OUTPUT_FILES) | set(FORMAT_FILES.values()))
    output.check()
    config = _model_files_folder(config, scratch)
    try:
        # a Dask cluster starts (or its scheduler answers) before the corpus is read
        with make_engine(opts.engine, scheduler=opts.scheduler, workers=opts.workers) as engine:
            if opts.engine != "local":
                logger.info("engine: %s", engine.describe())
            articles = read_articles(input_path, errors="raise" if opts.on_bad_record == "fail" else "skip")
            logger.info("read %d articles from %s", len(articles), input_path)
            est = Corroborator(config=config, show_progress=not opts.quiet, engine=engine).fit(articles)
        report = est.report()
        with output as staging:
            write_outputs(report, staging)
    except StorageError as exc:
        raise StorageError(f"{exc}. The run stopped; nothing in {outdir} was changed") from None
    except OSError as exc:
        if not no_room(exc):
            raise
        raise StorageError(f"{describe_no_room(exc)}. The run stopped; nothing in {outdir} was changed") from None
    paths = {name: outdir / name for name in OUTPUT_FILES}
    click.echo(render_table(report, top=opts.top))
    click.echo("")
    for name in OUTPUT_FILES:
        click.echo(f"wrote {paths[name]}")
    click.echo(f"\nopen {paths['report.html'].resolve().as_uri()} to read the report")
    stats, parsed = est.embedding_stats_, est.parse_stats_
    logger.info("done in %.1f s (embedding: %d distinct texts, %d from cache, %d encoded; parse: %d distinct "
                "sentences, %d from cache, %d read; articles: %d split before, %d split)",
                time.perf_counter() - started, stats.get("distinct", 0),
                stats.get("cache_hits", 0), stats.get("encoded", 0), parsed.get("distinct", 0),
                parsed.get("from_cache", 0), parsed.get("read", 0), parsed.get("articles_from_cache", 0),
                parsed.get("articles_split", 0))


@cli.command()
@click.argument("outdir", metavar="OUTDIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(sorted(FORMAT_FILES)),
              help="Format to write (repeat for several; default: html and md). "
                   "html: report.html; md: report.md; json: report.json (the whole Report); "
                   "csv: clusters.csv (one flat row per cluster).")
@click.option("-o", "--output", "target", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write into (default: OUTDIR itself).")
def report(outdir: Path, formats: tuple[str, ...], target: Path | None) -> None:
    """Re-render the report of a scored output folder OUTDIR, without recomputing.

    Reads the files `corroborate score` wrote (clusters.jsonl, claims.jsonl,
    articles.jsonl, events.jsonl, sources.csv, dropped.jsonl, rejected.jsonl,
    run.json); no model is loaded. Every file is checked first, on its own and
    against the others: a file edited by hand or cut short is named with its
    line and field, and nothing is written.
    """

    loaded = Report.read(outdir)
    destination = target or outdir
    check_writable_folder(destination, "output folder")
    for fmt in dict.fromkeys(formats or ("html", "md")):       # -f md -f md writes it once
        try:
            path = render(loaded, fmt, destination)
        except OSError as exc:               # a full disk, a file turned read-only meanwhile
            raise InputError(f"output folder {destination}: cannot write {FORMAT_FILES[fmt]} "
                             f"({exc.strerror or exc})") from None
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("input_path", metavar="CLAIMS", type=click.Path(exists=True, dir_okay=False,
                                                                path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path),
              help="Folder for items.csv, sources.csv, rejected.jsonl and run.json.")
@click.option("--rel-tolerance", type=click.FloatRange(min=0), default=None,
              help="Relative widening of each value before comparing (rounding); "
                   "default [quantities] agreement_rel_tolerance = 0.05.")
@click.option("--abs-tolerance", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Absolute widening of each value before comparing (for values near zero).")
@click.option("--duplicates", type=click.Choice(["first", "median"]), default="first",
              show_default=True,
              help="A source giving several values for one item: keep the earliest "
                   "(by published_at, then file order) or the median.")
@click.option("--reliability-by", type=click.Choice(["source_unit", "source"]), default="source_unit",
              show_default=True,
              help="Learn one reliability per source and unit (a site can be good at temperatures "
                   "and bad at pressures), or one per source.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML file overriding [reliability] and [truth] settings.")
@click.option("--on-bad-record", type=click.Choice(["fail", "skip"]), default="fail",
              show_default=True,
              help="fail: stop at the first unusable record, naming file, row and field. "
                   "skip: leave it out and list it in rejected.jsonl.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="Sources shown on the terminal (most and least reliable).")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr.")
def truth(input_path: Path, outdir: Path, rel_tolerance: float | None, abs_tolerance: float,
          duplicates: str, reliability_by: str, config_path: Path | None, on_bad_record: str, top: int,
          quiet: bool, verbose: int) -> None:
    """Find the consensus of structured claims and the reliability of their sources.

    CLAIMS is a long-format CSV (or JSONL / Parquet) with the columns item,
    value, source and optionally unit, published_at, low, high: one value
    per row. Numbers are compared as intervals; other values by vote.
    """

    _configure_logging(verbose, quiet)
    cfg = _load_config(None, config_path)
    table = read_claims(input_path, errors="raise" if on_bad_record == "fail" else "skip")
    logger.info("read %d claims from %s", table.accounting["read"], input_path)
    engine = TruthDiscovery(
        prior_mean=cfg.reliability_prior_mean, prior_strength=cfg.reliability_prior_strength,
        rel_tolerance=cfg.agreement_rel_tolerance if rel_tolerance is None else rel_tolerance,
        abs_tolerance=abs_tolerance, intercept=cfg.truth_intercept,
        duplicates=duplicates,  # type: ignore[arg-type]
        reliability_by=reliability_by,  # type: ignore[arg-type]
    ).fit(table)
    settings = {"rel_tolerance": engine.rel_tolerance_, "abs_tolerance": engine.abs_tolerance,
                "duplicates": duplicates, "reliability_by": reliability_by,
                "prior_mean": engine.prior_mean_,
                "prior_strength": engine.prior_strength_, "intercept": engine.intercept_,
                "scoring_version": cfg.scoring_version}
    paths = write_truth_outputs(engine, outdir, settings)
    click.echo(render_truth_table(engine, top=top))
    click.echo("")
    for name in TRUTH_OUTPUT_FILES:
        click.echo(f"wrote {paths[name]}")


@cli.command()
@click.option("--data", "folders", multiple=True, required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Gold folder (corpus.jsonl, gold.jsonl, optional claims_gold.jsonl); repeat for several.")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Model file to write (JSON); its model card goes beside it (.md).")
@click.option("--thresholds", default=None,
              help="Comma-separated claim thresholds to try (default: the base value and +/- 0.04).")
@click.option("--model-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Base settings (default: the packaged models/default.json).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML file overriding base settings.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Embedding cache folder (default: $CORROBORATE_CACHE_DIR or ~/.cache/corroborate).")
@click.option("--keep", multiple=True, metavar="FEATURE", help="A feature never pruned (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages.")
def tune(folders: tuple[Path, ...], out: Path, thresholds: str | None, model_file: Path | None,
         config_path: Path | None, cache_dir: Path | None, keep: tuple[str, ...], quiet: bool) -> None:
    """Fit the claim threshold and the calibrated confidence on gold folders; write a model file.

    Every choice is made on held-out folds grouped by incident; the model card
    beside the file reports them. Use the result with `corroborate score --model-file`.
    """
    _configure_logging(0, quiet)
    base = _load_config(model_file, config_path)
    if cache_dir is not None:
        base = base.replace(cache_dir=str(cache_dir))
    try:
        grid = ([float(x) for x in thresholds.split(",") if x.strip()] if thresholds
                else [round(base.distance_threshold + d, 2) for d in (-0.04, 0.0, 0.04)])
    except ValueError:
        raise click.BadParameter(f"not a comma-separated list of numbers: {thresholds!r}",
                                 param_hint="--thresholds") from None
    result = run_tune([str(f) for f in folders], base, grid, log=lambda m: logger.info("%s", m), keep=keep)
    doc = model_document(result, base, out.stem)
    path, card = write_model(doc, out)
    h = result.held_out
    click.echo(f"threshold {result.threshold:.2f}, calibrator {result.calibrator}; held out: "
               f"ROC-AUC {h['roc_auc']:.3f}, Brier {h['brier']:.4f}, ECE {h['ece']:.4f} "
               f"over {h['n']} labelled clusters")
    click.echo(f"wrote {path}\nwrote {card}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run the benchmarks of a source checkout: the same as `python -m benchmarks run ARGS`
    (e.g. `corroborate bench --suite quality --write`)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / "__main__.py").is_file():
        raise click.UsageError("the benchmarks come with a source checkout of corroborate, not with the package")
    code = subprocess.run([sys.executable, "-m", "benchmarks", "run", *args], cwd=root, check=False).returncode
    if code:
        raise click.exceptions.Exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``corroborate`` script; returns the exit code."""
    try:
        cli.main(args=argv, prog_name="corroborate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except CorroborateError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_INPUT
    except OSError as exc:
        if not no_room(exc):
            return _internal_error()
        click.echo(f"error: {describe_no_room(exc)}. The command stopped; a file it was writing keeps "
                   "its previous content", err=True)
        return EXIT_INPUT
    except Exception:
        return _internal_error()
    return EXIT_OK


def _internal_error() -> int:
    logger.exception("internal error")
    click.echo("internal error: this is a bug in corroborate; the traceback is above", err=True)
    return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

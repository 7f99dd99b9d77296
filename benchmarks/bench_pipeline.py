"""Every stage of a run on a generated stream at 10k and 100k claims: where the time goes as it grows.

The whole pipeline (``Corroborator.fit``, then the report and the output files) runs on the
generated stream of ``benchmarks/gen_stream.py`` (seed 0: planted events over a year, 300
outlets, template reports, stock sentences), with two stand-ins, both named in the results:

* hashed bags of words for the sentence vectors (``bench_scale.HashedEmbedder``): the model's
  cost is measured by ``bench_backends.py`` and is the same per claim at any size;
* the surface reader for every sentence instead of the spaCy parse (the numbers and stances
  a sentence states, without the dependency parse): the parse is cached per sentence and its
  cost is linear (~170 sentences a second on 2 cores), so 100k claims would take it 10 min.

Reported per size and stage: seconds (``Corroborator.timings_``, then report and write), the
growth exponent between sizes, and the process's peak memory; and the event pair F1 against
the planted events. Each size runs in its own process.

    python benchmarks/bench_pipeline.py [--sizes 10000,100000] [--write]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from benchmarks.bench_scale import SENTENCES_PER_ARTICLE, HashedEmbedder  # noqa: E402
from benchmarks.gen_stream import generate_stream  # noqa: E402

#: the stages of ``Corroborator.timings_`` in run order, then the report and the files
STAGES = ("read", "syndication", "claims", "events", "furniture", "parse", "embed", "cluster",
          "independence", "score", "report", "write")


def _surface_reader() -> None:
    """Replace the spaCy parse by the surface reading of every sentence (see the docstring)."""
    from corroborate.text import parsing
    from corroborate.text.attribution import stance_only
    from corroborate.text.quantities import parse_quantities

    def read(texts, years, todo, approx_rel_width, batch_size, show_progress):  # type: ignore[no-untyped-def]
        return {i: (stance_only(texts[i]), parse_quantities(texts[i], approx_rel_width=approx_rel_width,
                                                            parse=False)) for i in todo}
    parsing._read = read


def one(n: int) -> dict:
    import numpy as np

    from corroborate import Config, Corroborator
    from corroborate.report.files import write_outputs
    from corroborate.stages import pair_f1
    _surface_reader()
    articles = generate_stream(int(n / SENTENCES_PER_ARTICLE) + 1, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        est = Corroborator(embedder=HashedEmbedder(), config=Config.default().replace(cache=False))
        started = time.perf_counter()
        est.fit(articles.drop(columns=["gold_event"]))
        fitted = time.perf_counter()
        report = est.report()
        reported = time.perf_counter()
        write_outputs(report, tmp)
        written = time.perf_counter()
    timings = {**est.timings_, "report": reported - fitted, "write": written - reported}
    gold = articles.set_index("article_id")["gold_event"].reindex(est.articles_["article_id"]).to_numpy()
    return {"claims": int(len(est.claims_)), "articles": int(len(articles)),
            "seconds": {s: float(timings.get(s, 0.0)) for s in STAGES}, "total_s": written - started,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "event_f1": pair_f1(gold, np.asarray(est.articles_["event_id"]))}


def table(rows: list[dict]) -> str:
    from benchmarks.results import growth
    head = " | ".join(f"{r['claims']:,} claims ({r['articles']:,} articles)" for r in rows)
    lines = [f"| stage | {head} | growth exponent |", "|---|" + "---|" * len(rows) + "---|"]
    for stage in (*STAGES, "total"):
        seconds = [r["total_s"] if stage == "total" else r["seconds"][stage] for r in rows]
        exponent = "–" if len(rows) < 2 or min(seconds[-2:]) < 0.05 else \
            f"{growth(seconds[-2], seconds[-1], rows[-2]['claims'], rows[-1]['claims']):.2f}"
        lines.append(f"| {stage} | " + " | ".join(f"{s:.1f} s" for s in seconds) + f" | {exponent} |")
    lines.append("| peak memory | " + " | ".join(f"{r['peak_mb']:,.0f} MB" for r in rows) + " | |")
    lines.append("| event pair F1 (planted) | " + " | ".join(f"{r['event_f1']:.3f}" for r in rows) + " | |")
    return "\n".join(lines)


def main() -> None:
    from benchmarks.results import scale_main
    scale_main(__file__, __doc__, "10000,100000", one, table, "bench_pipeline",
               "## Every stage of a run as the corpus grows (bench_pipeline.py, issue 21)",
               "Generated stream (seed 0); hashed 384-d vectors instead of the model and the surface "
               "reader instead of the spaCy parse (both linear per sentence, measured elsewhere); "
               "no cache. Each size in its own process.")


if __name__ == "__main__":
    main()

"""End-to-end ingest throughput against bare spaCy ``nlp.pipe`` on the same texts.

Generates a corpus of invented news articles (``tests/newsgen.py``: text pages, HTML pages and
JSON Lines feeds, deterministic for a seed), ingests it into a fresh database the way
``newsweave ingest`` does (clean and extract in worker processes, one writer committing and
clustering, then corroboration of every touched story), and then runs bare ``nlp.pipe`` over
the cleaned bodies the ingest stored, in the same run: spaCy's pipeline as shipped
(``spacy.load``), in one process and with as many processes as the ingest had workers, and
newsweave's own copy of the pipeline (``load_nlp``: the same models with its faster attribute
rules, the paragraph breaks, and the models' matrix products in numpy instead of blis) with as
many processes. The ratio (ours / bare) is our overhead;
the goal is at least 80 % of bare spaCy with as many processes as we use.

Also prints where the time went: CPU seconds per article in the workers (clean + extract) and
in the writer, the writer's stages, and with ``--profile`` its hottest functions (cProfile).

    .venv/bin/python bench/throughput.py [--n 10000] [--workers N] [--profile] [--no-results]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))  # the article generator lives with the tests that also use it

from newsgen import write_corpus  # noqa: E402
from newsweave import cluster, pipeline  # noqa: E402
from newsweave.clean import clean  # noqa: E402
from newsweave.extract import extract  # noqa: E402
from newsweave.extract.nlp import load_nlp, pipeline_name  # noqa: E402
from newsweave.ingest import iter_inputs  # noqa: E402
from newsweave.records import RawDocument  # noqa: E402
from newsweave.store import Store  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
WORK = REPO / "bench" / "_work" / "throughput"


# ---------------------------------------------------------------- shared with bench/memory.py


def corpus_dir(work: Path, n: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The generated corpus of ``n`` articles under ``work`` (made once, reused by later runs)."""
    root = work / f"corpus-{n}-{seed}"
    marker = root / ".counts.json"  # a dot file: ingest skips it
    if marker.exists():
        return root, json.loads(marker.read_text())
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    counts = write_corpus(root, n, seed=seed)
    marker.write_text(json.dumps(counts))
    print(f"generated {n:,} articles in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    return root, counts


def fresh_db(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_section(heading: str, body: str, results: Path = RESULTS) -> None:
    """Replace the ``## heading`` section of RESULTS.md (or append it), leaving the others alone."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == f"## {heading}"), None)
    section = [f"## {heading}", "", *body.strip("\n").splitlines(), ""]
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section
    results.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)"


def blis_kernels() -> str:
    """Which kernels blis (spaCy's matrix products as shipped) picked for this CPU, as it says itself."""
    import subprocess

    probe = "import numpy, blis.py; a = numpy.ones((4, 4), dtype='float32'); blis.py.gemm(a, a)"
    said = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "BLIS_ARCH_DEBUG": "1"},
                          capture_output=True, text=True).stderr
    found = [line.split("sub-configuration", 1)[1].strip(" '.") for line in said.splitlines() if "sub-configuration" in line]
    return found[0] if found else "unknown"


# ---------------------------------------------------------------- measuring the writer


class StageTimer:
    """Wall time the writer (this process) spends in each stage, by wrapping the stage functions.

    Only the writer's functions are wrapped; the workers' clean + extract show as CPU time of
    the child processes instead.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def wrap_iterator(self, owner: Any, name: str, label: str) -> None:
        """Time spent inside a generator's ``next`` (here: waiting for the worker pool's results)."""
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            inner = original(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(inner)
                except StopIteration:
                    return
                finally:
                    self.seconds[label] += time.perf_counter() - started
                yield item

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


def cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children) user + system CPU seconds."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def measure(label: str, run: Callable[[], Any]) -> tuple[float, float, float, Any]:
    """(wall seconds, own CPU seconds, children's CPU seconds, result) of ``run()``."""
    cpu0, kids0 = cpu_seconds()
    started = time.perf_counter()
    value = run()
    wall = time.perf_counter() - started
    cpu1, kids1 = cpu_seconds()
    print(f"{label}: {wall:.1f} s", flush=True)
    return wall, cpu1 - cpu0, kids1 - kids0, value


def per_article_stages(corpus: Path, sample: int, batch_size: int) -> list[tuple[str, float]]:
    """What a worker spends per article, stage by stage, in this one process (ms per article),
    on every n-th input (this reads the corpus into memory: fine at benchmark sizes).

    Read + decode, clean (per input format), the bare spaCy parse of the cleaned bodies, and the
    whole extract stage (which includes that parse): extract minus parse is newsweave's own
    extractors.
    """
    started = time.perf_counter()
    inputs = [d for d in iter_inputs([corpus]) if isinstance(d, RawDocument)]
    read = (time.perf_counter() - started) * sample / len(inputs)  # charge the sample its share
    stride = max(1, len(inputs) // sample)  # every outlet and format, not the first folder's
    docs = inputs[::stride][:sample]
    del inputs
    rows = [("read + decode inputs", read)]
    articles = []
    for fmt in ("txt", "html", "jsonl"):
        of_format = [d for d in docs if d.format == fmt]
        started = time.perf_counter()
        articles += [clean(d) for d in of_format]
        rows.append((f"clean, {fmt} ({len(of_format)} of {len(docs)}; ms per article of any format)",
                     time.perf_counter() - started))
    nlp = load_nlp()
    started = time.perf_counter()
    for _doc in nlp.pipe((a.body for a in articles), batch_size=batch_size):
        pass
    parse = time.perf_counter() - started
    started = time.perf_counter()
    list(extract(articles, nlp=nlp, batch_size=batch_size))
    whole = time.perf_counter() - started
    rows += [("spaCy parse (newsweave's pipeline, nlp.pipe)", parse), ("newsweave extractors (extract minus the parse)", whole - parse)]
    return [(label, 1000 * seconds / len(docs)) for label, seconds in rows]


# ---------------------------------------------------------------- the benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles to generate and ingest")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=pipeline.default_workers(),
                        help="ingest worker processes, and nlp.pipe processes for the fair comparison")
    parser.add_argument("--batch-size", type=int, default=16, help="articles per batch (ingest and nlp.pipe)")
    parser.add_argument("--work", type=Path, default=WORK, help="where the corpus and database go")
    parser.add_argument("--profile", action="store_true", help="cProfile the writer process and print hot spots")
    parser.add_argument("--sample", type=int, default=300,
                        help="articles for the single-process, stage-by-stage breakdown of a worker's time")
    parser.add_argument("--no-results", action="store_true", help=f"do not update {RESULTS.name}")
    args = parser.parse_args()

    corpus, counts = corpus_dir(args.work, args.n, args.seed)
    db = fresh_db(args.work / f"throughput-{args.n}.db")
    print(f"machine: {machine()}", flush=True)

    # 1. our ingest, end to end: prepare in workers + commit, then corroborate the touched stories
    timer = StageTimer()
    timer.wrap_iterator(pipeline, "_prepare_in_pool", "waiting for workers")
    timer.wrap(pipeline, "link_extractions", "entity linking (link_extractions)")
    timer.wrap(Store, "entities_like", "linking candidates query (Store.entities_like)")
    timer.wrap(Store, "save_article", "article + extraction rows (Store.save_article)")
    timer.wrap(cluster, "assign", "clustering (cluster.assign)")
    profiler = cProfile.Profile() if args.profile else None
    with Store(db) as store:
        if profiler:
            profiler.enable()
        commit_wall, commit_cpu, worker_cpu, result = measure("ingest (clean + extract in workers, commit)", lambda: (
            pipeline.ingest(store, [corpus], batch_size=args.batch_size, workers=args.workers, analyze=False)))
        analyze_wall, analyze_cpu, analyze_kids_cpu, analyzed = measure("corroborate touched stories", lambda: (
            pipeline.analyze_stories(store, store.stale_stories(), workers=args.workers)))
        if profiler:
            profiler.disable()
        bodies = [r[0] for r in store.conn.execute("SELECT body FROM articles ORDER BY seq")]
        stories = store.count_stories()
    timer.restore()
    ours = commit_wall + analyze_wall
    articles = len(result.added)
    words = sum(len(b.split()) for b in bodies)
    assert not result.errors, result.errors[:3]
    assert articles == counts["articles"], f"stored {articles} of {counts['articles']} articles"

    # 2. bare spaCy on the same cleaned texts, same batch size: spaCy's pipeline as shipped in one
    # process and in as many as our workers, then newsweave's copy of it in as many
    import spacy

    shipped = spacy.load(pipeline_name())
    nlp = load_nlp()
    bare_runs = [("spaCy as shipped", shipped, 1), ("spaCy as shipped", shipped, args.workers),
                 ("newsweave's pipeline", nlp, args.workers)]
    if args.workers == 1:
        bare_runs.pop(1)
    bare: list[tuple[str, int, float, float]] = []  # (pipeline, processes, wall s, CPU s)
    for label, model, processes in bare_runs:
        for _ in model.pipe(bodies[:32], batch_size=args.batch_size):  # warm up
            pass

        def run(model: Any = model, processes: int = processes) -> None:
            # BLAS on one thread, as in newsweave's workers (spaCy as shipped multiplies in blis: no change)
            with pipeline.one_blas_thread():
                for _doc in model.pipe(bodies, batch_size=args.batch_size, n_process=processes):
                    pass
        wall, cpu, kids_cpu, _ = measure(f"bare nlp.pipe, {label}, n_process={processes}", run)
        bare.append((label, processes, wall, cpu + kids_cpu))

    # 3. a worker's time, stage by stage, on a sample (one process, after the timed runs)
    with pipeline.one_blas_thread():
        stages = per_article_stages(corpus, min(args.sample, articles), args.batch_size)

    # 4. report
    rate = articles / ours
    ours_cpu = worker_cpu + commit_cpu + analyze_cpu + analyze_kids_cpu
    lines = [
        f"{articles:,} generated articles ({counts.get('txt', 0):,} text pages, {counts.get('html', 0):,} HTML pages, "
        f"{counts.get('jsonl', 0):,} JSON Lines rows in {counts['files']:,} files), {words:,} words after cleaning "
        f"({words / articles:.0f} per article); {stories:,} stories, {len(analyzed):,} analysed. "
        f"Batch size {args.batch_size}; {args.workers} ingest workers. spaCy as shipped: `{shipped.meta['name']}` "
        f"({', '.join(shipped.pipe_names)}); newsweave's pipeline: the same models as "
        f"{', '.join(nlp.pipe_names)} (its attribute rules give the attribute ruler's result token for token; its "
        f"models' matrix products run in numpy's OpenBLAS: blis, which spaCy as shipped uses, picks its "
        f"'{blis_kernels()}' kernels on this CPU). "
        f"The goal: ours at least 80 % of bare spaCy as shipped with n_process={args.workers}; the last row "
        "compares with newsweave's own pipeline, so it counts only our work beyond the parse.",
        f"Machine: {machine()} at the end of the run.",
        "",
        "| run | wall s | articles/s | words/s | throughput: ours / this | CPU ms / article |",
        "|---|---:|---:|---:|---:|---:|",
        f"| newsweave ingest, end to end ({args.workers} workers) | {ours:,.1f} | {rate:,.1f} | {words / ours:,.0f} "
        f"| | {1000 * ours_cpu / articles:,.0f} |",
    ]
    for label, processes, seconds, cpu_seconds in bare:
        lines.append(f"| bare `nlp.pipe`, {label}, n_process={processes} | {seconds:,.1f} | "
                     f"{articles / seconds:,.1f} | {words / seconds:,.0f} | **{100 * seconds / ours:.0f} %** | "
                     f"{1000 * cpu_seconds / articles:,.0f} |")
    stage_rows = [
        ("workers: clean + extract (CPU s, all workers)", worker_cpu),
        ("writer: commit (CPU s)", commit_cpu),
        ("corroborate touched stories (wall s)", analyze_wall),
        ("corroborate touched stories (CPU s, writer + analysis workers)", analyze_cpu + analyze_kids_cpu),
        *sorted(((f"writer: {k} (wall s)", v) for k, v in timer.seconds.items()), key=lambda kv: -kv[1]),
    ]
    lines += ["", "Where the time went (ms per article):", "", "| stage | ms / article |", "|---|---:|"]
    lines += [f"| {label} | {1000 * seconds / articles:,.1f} |" for label, seconds in stage_rows]
    lines += ["", f"Ingest wall time {commit_wall:,.1f} s, then corroboration {analyze_wall:,.1f} s "
                  f"({args.workers} worker processes; the writer saves the analyses)."]
    lines += ["", f"A worker's time per article, measured in one process on {min(args.sample, articles)} inputs "
                  "spread over the corpus:", "", "| stage | ms / article |", "|---|---:|"]
    lines += [f"| {label} | {ms:,.1f} |" for label, ms in stages]
    report = "\n".join(lines)
    print("\n" + report)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print("\nwriter process, hottest functions (tottime):\n" + out.getvalue())
    if not args.no_results:
        cmd = "bench/throughput.py" + ("" if args.n == 10_000 else f" --n {args.n}")
        write_section("Throughput", f"`.venv/bin/python {cmd}` ({time.strftime('%Y-%m-%d')})\n\n{report}")
        print(f"wrote the Throughput section of {RESULTS}")


if __name__ == "__main__":
    main()

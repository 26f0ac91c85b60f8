"""The writer's cost per article alone: commit prepared articles into a fresh store in one process.

``newsweave ingest`` has one writer (dedupe, entity linking, storage, clustering) beside the
workers that clean and extract. In a real run the writer shares the cores with them, so its
CPU time is noisy; this replays only its part. The articles of a generated corpus (every n-th
input of ``bench/throughput.py``'s corpus) are cleaned and extracted once and kept in a pickle
under bench/_work; each run commits them, in input order and in groups of ``--batch-size`` as
ingest does, into a fresh database and prints CPU ms per article, split by stage, and with
``--profile`` the hottest functions. Corroboration is not part of it (``--analyze`` adds it).

    .venv/bin/python bench/writer_replay.py [--n 10000] [--every 4] [--repeat 3] [--profile] [--analyze]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pickle
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from newsweave import cluster, pipeline  # noqa: E402
from newsweave.ingest import iter_inputs  # noqa: E402
from newsweave.records import RawDocument  # noqa: E402
from newsweave.store import Store  # noqa: E402
from throughput import WORK, StageTimer, corpus_dir, fresh_db, machine  # noqa: E402


def prepared_articles(n: int, seed: int, every: int, batch_size: int) -> list[pipeline.Prepared]:
    """Every ``every``-th input of the generated corpus, cleaned and extracted (cached on disk)."""
    corpus, _ = corpus_dir(WORK, n, seed)
    cache = WORK / f"prepared-{n}-{seed}-every{every}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    inputs = [d for d in iter_inputs([corpus]) if isinstance(d, RawDocument)][::every]
    started = time.perf_counter()
    with pipeline.one_blas_thread():
        prepared = [p for batch in pipeline.batches(inputs, batch_size) for p in pipeline.prepare_batch(batch)]
    print(f"prepared {len(prepared):,} inputs in {time.perf_counter() - started:.0f} s", flush=True)
    cache.write_bytes(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    return prepared


def replay(prepared: list[pipeline.Prepared], batch_size: int, analyze: bool, profile: bool) -> None:
    db = fresh_db(WORK / "writer-replay.db")
    timer = StageTimer()
    timer.wrap(cluster, "assign", "clustering (cluster.assign)")
    timer.wrap(Store, "save_article", "article + extraction rows (Store.save_article)")
    timer.wrap(Store, "entities_like", "linking candidates query (Store.entities_like)")
    timer.wrap(pipeline, "link_extractions", "entity linking (link_extractions)")
    profiler = cProfile.Profile() if profile else None
    with Store(db) as store:
        result = pipeline.IngestResult(details=False)
        started_cpu, started = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        with pipeline.one_blas_thread():
            pipeline.commit(store, iter(prepared), result, lambda what, where: None, batch_size)
            committed_cpu = time.process_time()
            if analyze:
                pipeline.analyze_stories(store, store.stale_stories(), workers=1)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
        n = max(result.n_added, 1)
        print(f"committed {result.n_added:,} articles ({result.n_duplicates} duplicates, {len(result.errors)} errors) "
              f"into {store.count_stories():,} stories: {1000 * (committed_cpu - started_cpu) / n:.2f} CPU ms "
              f"per article to commit" + (f", {1000 * cpu / n:.2f} with corroboration" if analyze else "")
              + f" ({wall:.1f} s wall)", flush=True)
    timer.restore()
    for label, seconds in sorted(timer.seconds.items(), key=lambda kv: -kv[1]):
        print(f"  {label}: {1000 * seconds / n:.2f} ms per article (wall)")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="size of the generated corpus to sample")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--every", type=int, default=4, help="replay every n-th input of the corpus")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="replays (each into a fresh store)")
    parser.add_argument("--analyze", action="store_true", help="also corroborate the stories (one process)")
    parser.add_argument("--profile", action="store_true", help="cProfile the last replay")
    args = parser.parse_args()
    prepared = prepared_articles(args.n, args.seed, args.every, args.batch_size)
    print(f"machine: {machine()}", flush=True)
    for i in range(args.repeat):
        replay(prepared, args.batch_size, args.analyze, args.profile and i == args.repeat - 1)


if __name__ == "__main__":
    main()

"""Peak memory of ``newsweave ingest`` at 1k, 10k and 100k generated articles: flat is the goal.

Each size is ingested in a fresh subprocess (so one size's heap never inflates the next) running
the real ``newsweave ingest`` command over a folder of generated files (``tests/newsgen.py``,
streamed to disk, never held in memory) into a fresh database, with worker processes as the CLI
uses by default. Reported per size: peak RSS of the writer (the process running the command) and
of the largest worker, peak RSS of all of them together, and RSS as the run went on (sampled from
/proc every two seconds) at 1k, 10k, 25k, ... committed articles, so growth within a run shows.

A run that exceeds ``--time-limit`` is killed (SIGKILL: ingest is crash-safe) and reported as
partial, with the checkpoints it reached.

    .venv/bin/python bench/memory.py [--sizes 1000,10000,100000] [--workers N] [--time-limit S]
    .venv/bin/python bench/memory.py --sizes ""     # rewrite the table from the runs saved in bench/_work
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from throughput import corpus_dir, fresh_db, machine, write_section  # noqa: E402

WORK = REPO / "bench" / "_work" / "memory"
CHECKPOINTS = (1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 75_000, 100_000)


@dataclass
class Run:
    size: int
    files: int
    seconds: float = 0.0
    articles: int = 0
    finished: bool = False
    exit_code: int | None = None
    writer_peak_mb: float = 0.0  # sampled; getrusage's figure replaces it when the run finishes
    worker_peak_mb: float = 0.0  # the largest single worker
    total_peak_mb: float = 0.0  # writer + workers at the same moment
    # committed articles -> (writer RSS MB, largest worker RSS MB) when the count first reached it
    at: dict[int, tuple[float, float]] = field(default_factory=dict)
    date: str = ""
    workers: int = 0
    commit: str = ""  # the code measured (git HEAD of this checkout), so rows of other code are not compared

    def save(self, work: Path) -> None:
        (work / f"memory-{self.size}.json").write_text(json.dumps(asdict(self)))

    @classmethod
    def saved(cls, work: Path) -> list[Run]:
        """Every size measured in ``work`` by this or an earlier invocation (the table shows them all)."""
        runs = []
        for path in work.glob("memory-*.json"):
            data = json.loads(path.read_text())
            data["at"] = {int(k): tuple(v) for k, v in data["at"].items()}
            runs.append(cls(**data))
        return sorted(runs, key=lambda r: r.size)


def code_commit() -> str:
    """The checkout's HEAD commit (short), "+" when it has uncommitted changes; "" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+" if dirty else "")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def committed(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def child(corpus: str, db: str, workers: int) -> None:
    """Run the real command in this process, then report this process's and its workers' peaks."""
    from newsweave.cli import app

    code = app(["ingest", corpus, "--db", db, "--workers", str(workers)], standalone_mode=False)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"exit_code": code, "self_kb": me.ru_maxrss, "children_kb": kids.ru_maxrss}))


def measure(size: int, workers: int, seed: int, work: Path, time_limit: float) -> Run:
    corpus, counts = corpus_dir(work, size, seed)
    db = fresh_db(work / f"memory-{size}.db")
    run = Run(size, counts["files"], date=time.strftime("%Y-%m-%d"), workers=workers, commit=code_commit())
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(corpus), str(db), str(workers)],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    last_count = 0.0
    while proc.poll() is None:
        writer = rss_mb(proc.pid)
        worker = [rss_mb(c) for c in children(proc.pid)]
        run.writer_peak_mb = max(run.writer_peak_mb, writer)
        run.worker_peak_mb = max(run.worker_peak_mb, *worker, 0.0)
        run.total_peak_mb = max(run.total_peak_mb, writer + sum(worker))
        if time.perf_counter() - last_count > 15:  # the count costs a query: not at every sample
            last_count = time.perf_counter()
            done = committed(db)
            for mark in CHECKPOINTS:
                if done >= mark and mark not in run.at:
                    run.at[mark] = (writer, max(worker, default=0.0))
                    print(f"  {size:,}: {done:,} committed after {last_count - started:,.0f} s, writer {writer:,.0f} MB, "
                          f"largest worker {max(worker, default=0.0):,.0f} MB", flush=True)
        if time.perf_counter() - started > time_limit:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(2)
    run.seconds = time.perf_counter() - started
    out, _ = proc.communicate()
    run.articles = committed(db)
    if proc.returncode is not None and proc.returncode >= 0 and out.strip():
        report = json.loads(out.strip().splitlines()[-1])
        run.finished, run.exit_code = True, report["exit_code"] or 0  # typer returns None for success
        run.writer_peak_mb = report["self_kb"] / 1024  # exact peaks, not samples
        run.worker_peak_mb = report["children_kb"] / 1024
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=4 * 3600, help="seconds per size before it is killed")
    parser.add_argument("--work", type=Path, default=WORK, help="where the corpora and databases go")
    parser.add_argument("--no-results", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--child", nargs=3, metavar=("CORPUS", "DB", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]  # --sizes "": only rewrite the table
    ran = bool(sizes)
    for size in sizes:
        run = measure(size, args.workers, args.seed, args.work, args.time_limit)
        run.save(args.work)
        state = f"exit {run.exit_code}" if run.finished else f"killed after {args.time_limit:,.0f} s"
        print(f"{size:>7,} articles: {run.articles:,} stored in {run.seconds:,.0f} s ({state}); writer peak "
              f"{run.writer_peak_mb:,.0f} MB, largest worker {run.worker_peak_mb:,.0f} MB, all together "
              f"{run.total_peak_mb:,.0f} MB", flush=True)
    runs = Run.saved(args.work)
    lines = [
        "`newsweave ingest FOLDER --db NEW.db --workers N` over folders of generated articles "
        "(text pages, HTML pages, JSON Lines feeds of 500 rows), each size in a fresh process, real spaCy model. "
        + (f"Machine: {machine()} at the end." if ran else "Each row is its own run (see its date and commit)."),
        "",
        "| articles | stored | workers | wall s | articles/s | writer peak RSS MB | largest worker peak MB | "
        "all processes peak MB | measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        partial = "" if r.finished else f" (run stopped after {r.seconds / 3600:.1f} h)"
        lines.append(f"| {r.size:,} | {r.articles:,}{partial} | {r.workers} | {r.seconds:,.0f} | "
                     f"{r.articles / r.seconds:,.1f} | {r.writer_peak_mb:,.0f} | {r.worker_peak_mb:,.0f} | "
                     f"{r.total_peak_mb:,.0f} | {r.date} {r.commit or '(commit not recorded)'} |")
    marks = sorted({m for r in runs for m in r.at})
    if marks:
        lines += ["", "RSS (MB) of the writer / the largest worker when a run had committed so many articles:", "",
                  "| run | " + " | ".join(f"{m:,}" for m in marks) + " |", "|---|" + "---:|" * len(marks)]
        for r in runs:
            cells = [f"{r.at[m][0]:,.0f} / {r.at[m][1]:,.0f}" if m in r.at else "" for m in marks]
            lines.append(f"| {r.size:,} articles | " + " | ".join(cells) + " |")
    # Growth only between runs of the same code: a row kept from an earlier invocation may be older code.
    finished = [r for r in runs if r.finished and r.commit and r.commit == runs[-1].commit]
    if len(finished) > 1:
        small, large = finished[-2], finished[-1]
        growth = 100 * (large.writer_peak_mb / small.writer_peak_mb - 1)
        worker_growth = 100 * (large.worker_peak_mb / small.worker_peak_mb - 1)
        lines += ["", f"From {small.size:,} to {large.size:,} articles the writer's peak grew {growth:+.0f} % and the "
                      f"largest worker's {worker_growth:+.0f} %."]
    elif len(runs) > 1:
        lines += ["", "Rows of different commits are not compared here: rerun the sizes on one commit for that."]
    report = "\n".join(lines)
    print("\n" + report)
    if not args.no_results:
        write_section("Memory", f"`.venv/bin/python bench/memory.py [--sizes 1000,10000,100000]` (each size's row "
                                f"is from its last run)\n\n{report}")


if __name__ == "__main__":
    main()

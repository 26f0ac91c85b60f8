"""Crash safety: an ingest killed with SIGKILL mid-batch loses nothing committed, leaves nothing
half-written, and a rerun resumes where it stopped without redoing finished articles.

The ingest runs as a real ``newsweave ingest`` process over a folder of generated articles; the
test watches the database from outside (as a second process would) and kills the process group
once some articles are committed, while the writer is in the middle of a batch.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsgen import write_corpus
from newsweave.ingest import iter_inputs
from newsweave.records import RawDocument
from store_checks import article_count, connect, store_problems

N_ARTICLES = 40
TIMEOUT = 240  # seconds for one ingest process; a healthy run takes a few


def start_ingest(corpus: Path, db: Path, workers: int, batch_size: int = 16) -> subprocess.Popen[str]:
    # its own session, so a SIGKILL to the group also takes its worker processes down with it
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave.cli", "ingest", str(corpus), "--db", str(db),
         "--workers", str(workers), "--batch-size", str(batch_size)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def kill_when_committed(proc: subprocess.Popen[str], db: Path, at_least: int) -> int:
    """SIGKILL ``proc`` (and its workers) as soon as ``at_least`` articles are committed."""
    deadline = time.monotonic() + TIMEOUT
    while article_count(db) < at_least:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"ingest ended (exit {proc.returncode}) before {at_least} articles were committed:\n{err}")
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"fewer than {at_least} articles committed after {TIMEOUT} s")
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    return article_count(db)


def committed(db: Path) -> dict[str, tuple[int, str]]:
    """article id -> (sequence number, hash of its raw input): what must survive unchanged."""
    conn = connect(db)
    try:
        return {r["id"]: (r["seq"], hashlib.sha256(bytes(r["raw"])).hexdigest()) for r in conn.execute(
            "SELECT a.id, a.seq, r.raw FROM articles a JOIN raw_inputs r ON r.article_id = a.id")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash") / "corpus"
    counts = write_corpus(root, N_ARTICLES, seed=11, rows_per_feed=4)
    assert counts["articles"] == N_ARTICLES
    return root


def test_killed_ingest_loses_nothing_and_the_rerun_completes_the_batch(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    inputs = {hashlib.sha256(d.raw).hexdigest() for d in iter_inputs([corpus]) if isinstance(d, RawDocument)}
    assert len(inputs) == N_ARTICLES

    # 1. one process, killed a few articles into its first batch of 16
    first = kill_when_committed(start_ingest(corpus, db, workers=1), db, at_least=3)
    assert 3 <= first < N_ARTICLES
    assert store_problems(db) == []
    before = committed(db)
    assert len(before) == first

    # 2. resumed with worker processes, killed again in a later batch (small batches: many kill points)
    second = kill_when_committed(start_ingest(corpus, db, workers=2, batch_size=4), db, at_least=first + 9)
    assert first + 9 <= second < N_ARTICLES
    assert store_problems(db) == []
    after = committed(db)
    assert {k: after[k] for k in before} == before, "a committed article was lost or rewritten"

    # 3. resumed to the end: skips the committed inputs before any work, stores the rest once
    run = subprocess.run(
        [sys.executable, "-m", "newsweave.cli", "ingest", str(corpus), "--db", str(db), "--workers", "1"],
        capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert run.returncode == 0, run.stderr
    summary = re.search(r"ingested (\d+) article\(s\), (\d+) duplicate\(s\) skipped, (\d+) error", run.stderr)
    assert summary, run.stderr
    assert tuple(map(int, summary.groups())) == (N_ARTICLES - second, second, 0)
    final = committed(db)
    assert {k: final[k] for k in after} == after, "a committed article was lost or rewritten"
    assert len(final) == N_ARTICLES
    assert {raw_hash for _seq, raw_hash in final.values()} == inputs
    assert store_problems(db, settled=True) == []

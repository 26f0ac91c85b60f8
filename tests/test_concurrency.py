"""Two ``newsweave ingest`` processes on one database at once: neither fails, the database stays
consistent, and every article is stored exactly once, whether their inputs overlap or not.

The articles are generated about shared stories and split between the two processes, so both
write to the same stories (clustering and corroboration race, not just the article rows).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen import iter_articles, render_html, render_jsonl, render_txt
from newsweave import pipeline
from newsweave.corroborate import analyze_story
from newsweave.ingest import iter_inputs
from newsweave.records import RawDocument
from newsweave.store import Store
from store_checks import connect, store_problems

N_ARTICLES = 48
TIMEOUT = 300
SUMMARY = re.compile(r"ingested (\d+) article\(s\), (\d+) duplicate\(s\) skipped, (\d+) error")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folders ``one``, ``both`` and ``two``: a third of the articles each, all formats in each."""
    root = tmp_path_factory.mktemp("concurrency")
    feeds: dict[str, list[str]] = {}
    for a in iter_articles(N_ARTICLES, seed=23, per_story=6):
        folder = ("one", "both", "two")[a.number % 3]
        (root / folder).mkdir(exist_ok=True)
        if a.outlet.fmt == "jsonl":
            feeds.setdefault(folder, []).append(render_jsonl(a))
        else:
            text = render_txt(a) if a.outlet.fmt == "txt" else render_html(a)
            (root / folder / f"{a.number:03d}.{a.outlet.fmt}").write_text(text, encoding="utf-8")
    for folder, rows in feeds.items():
        (root / folder / "feed.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def input_hashes(*paths: Path) -> set[str]:
    return {hashlib.sha256(d.raw).hexdigest() for d in iter_inputs(paths) if isinstance(d, RawDocument)}


def run_both(db: Path, first: list[Path], second: list[Path], workers: int = 1) -> list[tuple[int, int, int]]:
    """Start two ingests on ``db`` at the same moment; their (added, duplicates, errors) summaries."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "newsweave.cli", "ingest", *map(str, paths), "--db", str(db),
             "--workers", str(workers), "--batch-size", "4"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for paths in (first, second)
    ]
    summaries = []
    for proc in procs:
        _out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
        found = SUMMARY.search(err)
        assert found, err
        summaries.append(tuple(map(int, found.groups())))
    return summaries  # type: ignore[return-value]


def stored_hashes(db: Path) -> list[str]:
    conn = connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT content_hash FROM articles")]
    finally:
        conn.close()


def test_overlapping_and_disjoint_inputs_are_each_stored_once(corpus: Path, tmp_path: Path) -> None:
    one, both, two = corpus / "one", corpus / "both", corpus / "two"
    db = tmp_path / "shared.db"  # new: both processes also race to create the schema
    (added1, dup1, err1), (added2, dup2, err2) = run_both(db, [one, both], [both, two])
    everything = input_hashes(one, both, two)
    assert len(everything) == N_ARTICLES
    assert err1 == err2 == 0
    assert added1 + added2 == N_ARTICLES
    assert dup1 + dup2 == len(input_hashes(both))  # each shared input: stored by one, skipped by the other
    stored = stored_hashes(db)
    assert len(stored) == N_ARTICLES and set(stored) == everything
    assert store_problems(db, settled=True) == []


def test_the_same_inputs_twice_at_once_are_stored_once(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "same.db"
    (added1, dup1, _), (added2, dup2, _) = run_both(db, [corpus], [corpus], workers=2)
    assert added1 + added2 == N_ARTICLES
    assert dup1 + dup2 == N_ARTICLES
    stored = stored_hashes(db)
    assert len(stored) == N_ARTICLES and set(stored) == input_hashes(corpus)
    assert store_problems(db, settled=True) == []


def test_an_analysis_overtaken_by_another_writer_leaves_the_story_stale(tmp_path: Path) -> None:
    """The interleaving two real processes hit only by chance, made deterministic with two connections.

    Writer A reads a story to analyse it; writer B adds an article to that story; A saves its
    analysis. A's analysis lacks B's article, so it must not mark the story current: B (which
    analyses what it touched once its commits are done) or the next run has to redo it.
    """
    feed = tmp_path / "feed"
    feed.mkdir()
    articles = list(iter_articles(24, seed=5, per_story=4))
    for part, rows in (("a", articles[:16]), ("b", articles[16:])):
        (feed / f"{part}.jsonl").write_text("\n".join(map(render_jsonl, rows)) + "\n", encoding="utf-8")
    db = tmp_path / "interleaved.db"
    with Store(db) as a, Store(db) as b:
        pipeline.ingest(a, [feed / "a.jsonl"], analyze=False)
        read_by_a = {sid: analyze_story(a, sid) for sid in a.stale_stories()}
        joined = {x.story_id for x in pipeline.ingest(b, [feed / "b.jsonl"], analyze=False).assignments}
        overtaken = joined & set(read_by_a)
        assert overtaken, "B's articles should join stories A is analysing"
        for story in read_by_a.values():
            assert story is not None
            a.save_analysis(story)
        assert overtaken <= set(b.stale_stories())
        pipeline.analyze_stories(b, b.stale_stories())
    assert store_problems(db, settled=True) == []

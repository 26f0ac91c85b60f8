"""The whole pipeline over a store: engines agree, runs resume, bad input never sinks a batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from newsweave import pipeline
from newsweave.cli import app
from newsweave.store import Store

CORPUS = EXAMPLES / "corpus"


def snapshot(store: Store) -> dict[str, object]:
    """Everything a user can read back, in a comparable form."""
    articles = {a.id: (a.title, a.outlet, a.published, a.body) for a in store.articles()}
    extraction = {}
    for article_id in articles:
        ex = store.extraction(article_id)
        extraction[article_id] = (
            [(m.entity_id, m.start) for m in ex.mentions],
            [(t.value, t.start) for t in ex.timexes],
            [(q.speaker_entity_id, q.start) for q in ex.quotes],
            [(e.plover, e.actor1, e.actor2, e.date) for e in ex.events],
        )
    stories = sorted(sorted(r["article_ids"]) for r in store.story_rows())
    facts = sorted(
        (f["status"], tuple(sorted(f["article_ids"])), f["text"])
        for r in store.story_rows() for f in store.analysis(r["id"])["facts"]
    )
    return {"articles": articles, "extraction": extraction, "stories": stories, "facts": facts}


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    with Store(tmp_path_factory.mktemp("seq") / "seq.db") as store:
        result = pipeline.ingest(store, [CORPUS], workers=1)
        assert not result.errors and len(result.added) == 16
        return snapshot(store)


def test_worker_processes_store_the_same_as_one_process(
    sequential: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sample corpus has six stories: have worker processes corroborate them too
    monkeypatch.setattr(pipeline, "PARALLEL_ANALYSIS_MIN", 2)
    with Store(tmp_path / "par.db") as store:
        result = pipeline.ingest(store, [CORPUS], workers=2, batch_size=3)
        assert not result.errors
        assert len(result.stories_analyzed) == len(store.story_rows()) == 6
        assert store.stale_stories() == []
        assert snapshot(store) == sequential


def test_an_interrupted_run_resumes_without_redoing_stored_articles(
    sequential: dict[str, object], tmp_path: Path
) -> None:
    first_half = tmp_path / "half"
    shutil.copytree(CORPUS, first_half)
    for outlet in ("harbour-gazette", "nbn-news", "feeds"):
        shutil.rmtree(first_half / outlet)
    with Store(tmp_path / "resume.db") as store:
        done = pipeline.ingest(store, [first_half])
        assert done.added and not done.errors
        resumed = pipeline.ingest(store, [CORPUS])
        assert len(done.added) + len(resumed.added) == 16
        # the finished articles were recognised by their content before any cleaning
        assert sorted(d.existing_id for d in resumed.duplicates) == sorted(done.added)
        assert all(d.reason == "same input" for d in resumed.duplicates)
        assert snapshot(store)["articles"] == sequential["articles"]
        assert snapshot(store)["stories"] == sequential["stories"]


def test_bad_items_are_reported_and_the_rest_is_stored(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(CORPUS / "norland-herald" / "2026-03-11-holt-arai-call.txt", batch / "good.txt")
    (batch / "empty.txt").write_text("")
    (batch / "nav-only.html").write_text(
        "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
        "<footer>© Example</footer></body></html>"
    )
    feed_rows = [json.dumps({"text": "Officials in Brennholm opened a new ferry terminal on Monday after two years "
                                     "of construction, the port authority said in a statement.",
                             "title": "Ferry terminal opens", "outlet": "Test Wire"}),
                 "{not json", json.dumps({"title": "no body"})]
    (batch / "feed.jsonl").write_text("\n".join(feed_rows) + "\n")
    db = tmp_path / "cli.db"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(batch), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 1, result.output
    output = result.output
    assert f"{batch / 'empty.txt'}: empty input" in output
    assert f"{batch / 'feed.jsonl'}:2: broken JSON" in output
    assert f"{batch / 'feed.jsonl'}:3:" in output
    assert "nav-only.html: no article text found in the page" in output
    with Store(db) as store:
        assert sorted(a.title or "" for a in store.articles()) == sorted(
            ["Ferry terminal opens", "Holt presses Japan on salmon ban in 40-minute call with Arai"])
    again = runner.invoke(app, ["ingest", str(batch / "good.txt"), "--db", str(db), "--workers", "1"])
    assert again.exit_code == 0 and "1 duplicate(s) skipped" in again.output


def test_a_result_without_details_keeps_counts_not_a_record_per_article(tmp_path: Path) -> None:
    with Store(tmp_path / "counts.db") as store:
        lean = pipeline.ingest(store, [CORPUS], result=pipeline.IngestResult(details=False), analyze=False)
        again = pipeline.ingest(store, [CORPUS], result=pipeline.IngestResult(details=False), analyze=False)
        assert lean.n_added == 16 and lean.added == [] and lean.assignments == []
        assert len(lean.touched_stories) == len(store.story_rows()) == 6
        assert lean.new_stories <= lean.touched_stories
        assert again.n_added == 0 and again.n_duplicates == 16 and again.duplicates == []

"""The SQLite store: migrations, round trips, full-text search, all-or-nothing writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsweave.records import (
    Article,
    ArticleExtraction,
    Entity,
    Event,
    Mention,
    Quote,
    RawDocument,
    Sentence,
    Timex,
)
from newsweave.store import (
    CACHE_KIB,
    MIGRATIONS,
    READER_CACHE_KIB,
    SCHEMA_VERSION,
    Store,
    StoreError,
    _split_sql,
    fts_query,
)

BODY = "The harbour board approved a new ferry route on Monday.\nThe route opens in May."


def make(article_id: str = "a1", body: str = BODY, **kw: object) -> tuple[Article, RawDocument]:
    raw = RawDocument(path=f"{article_id}.txt", format="txt", raw=body.encode(), text=body)
    fields: dict[str, object] = {"title": "Ferry route approved", "outlet": "Harbour Times", "authors": ["Ana Ruiz"],
                                 "published": "2026-03-09T10:00:00+01:00", **kw}
    article = Article(id=article_id, path=raw.path, body=body, content_hash="h-" + article_id,
                      body_hash="b-" + article_id, **fields)  # type: ignore[arg-type]
    return article, raw


def extraction(article_id: str) -> ArticleExtraction:
    return ArticleExtraction(
        article_id=article_id,
        extracted=True,
        sentences=[Sentence(0, 55, BODY[:55])],
        entities=[Entity(id="org:harbour-board", name="Harbour Board", type="ORG", aliases=["harbour board"])],
        mentions=[Mention("harbour board", 4, 17, "org:harbour-board")],
        timexes=[Timex("Monday", 48, 54, "DATE", "2026-03-09")],
        quotes=[Quote("The route opens in May.", 56, 79, False, "Harbour Board", "org:harbour-board")],
        events=[Event(plover="AGREE", actor1="Harbour Board", sentence=BODY[:55], start=0, end=55, cameo="057",
                      date="2026-03-09")],
    )


def test_migrations_reach_the_current_version_and_reopen_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    with Store(db) as store:  # a second open runs no step again
        assert store.schema_version() == SCHEMA_VERSION


def test_a_version_4_store_keeps_its_analyses_when_they_move_to_their_own_table(tmp_path: Path) -> None:
    db = tmp_path / "v4.db"
    conn = sqlite3.connect(db)
    for step in MIGRATIONS[:4]:
        for statement in _split_sql(step):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    for sid, seq, analysis, dirty in (("s-a", 1, '{"id": "s-a", "facts": [{"status": "corroborated"}]}', "false"),
                                      ("s-b", 2, None, "true")):
        conn.execute("INSERT INTO stories (id, seq, title, created_at, updated_at, state, analysis) "
                     "VALUES (?, ?, 't', 'now', 'now', ?, ?)", (sid, seq, f'{{"dirty": {dirty}}}', analysis))
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert "analysis" not in [r["name"] for r in store.conn.execute("PRAGMA table_info(stories)")]
        assert store.analysis("s-a") == {"id": "s-a", "facts": [{"status": "corroborated"}]}
        assert store.analysis("s-b") is None
        assert store.stale_stories() == ["s-b"]
        assert store.fact_status_counts(["s-a", "s-b"]) == {"s-a": {"corroborated": 1}, "s-b": {}}
        exported = {r["id"]: r["analysis"] for r in store.table_rows("stories")}
        assert exported["s-b"] is None and '"corroborated"' in exported["s-a"]
        assert store.table_columns("stories")[-1] == "analysis"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="upgrade newsweave"):
        Store(db)


def test_article_round_trip_with_raw_input_and_extraction(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        article, raw = make()
        assert store.save_article(article, raw, extraction("a1"))
        assert not store.save_article(article, raw)  # idempotent
        back = store.article("a1")
        assert back == article
        assert store.raw_input("a1") == (raw.raw, "txt", "utf-8")
        ex = store.extraction("a1")
        assert ex is not None and ex.extracted
        assert ex.timexes[0].value == "2026-03-09"
        assert ex.quotes[0].direct is False and ex.quotes[0].speaker_entity_id == "org:harbour-board"
        assert ex.events[0].cameo == "057"
        assert [e.id for e in ex.entities] == ["org:harbour-board"]
        assert store.entity("org:harbour-board").article_ids == ["a1"]
        assert store.known_content("h-a1") == "a1" and store.known_body("b-a1") == "a1"


def test_the_writer_has_a_large_page_cache_and_can_give_it_back(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
        article, raw = make()
        store.save_article(article, raw, extraction("a1"))
        store.release_memory()  # before forking workers; the store goes on working
        assert store.article("a1") == article
    with Store(tmp_path / "n.db", cache_kib=READER_CACHE_KIB) as reader:  # a web reader: SQLite's small default
        reader.set_query_only()
        assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -READER_CACHE_KIB
        assert reader.article("a1") == article
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.conn.execute("DELETE FROM articles")


def test_entity_aliases_merge_across_articles(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.save_article(*make("a1"), extraction("a1"))
        ex2 = extraction("a2")
        ex2.entities[0].aliases = ["the board"]
        store.save_article(*make("a2", BODY + " More."), ex2)
        entity = store.entity("org:harbour-board")
        assert entity.aliases == ["harbour board", "the board"]
        assert entity.article_ids == ["a1", "a2"]


def test_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.save_article(*make("a1"), extraction("a1"))
        article, raw = make("a2", BODY + " Again.")
        broken = extraction("a2")
        broken.events[0].actor1 = None  # type: ignore[assignment]  # NOT NULL column: the insert fails mid-article
        with pytest.raises(sqlite3.IntegrityError):
            store.save_article(article, raw, broken)
        assert store.article("a2") is None
        assert store.raw_input("a2") is None
        assert store.conn.execute("SELECT COUNT(*) FROM timexes WHERE article_id = 'a2'").fetchone()[0] == 0
        assert store.article("a1") is not None  # earlier work untouched
        assert store.count_articles() == 1


def test_full_text_search_and_filters(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.save_article(*make("a1"))
        store.save_article(*make("a2", "Storm closes the airport for two days.", outlet="Coast Daily", title="Airport shut"))
        hits = store.search("ferry route")
        assert [a.id for a, _, _ in hits] == ["a1"]
        assert "[ferry]" in hits[0][1]
        assert [a.id for a in store.articles(outlet="Coast Daily")] == ["a2"]
        assert [a.id for a in store.articles(query="airport")] == ["a2"]
        assert store.count_articles(since="2026-03-10") == 0
        assert store.search('"); DROP TABLE articles; --') == []  # user text never reaches FTS syntax raw


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('ferry AND "route" OR x*') == '"ferry" "AND" "route" "OR" "x"'
    assert fts_query("  ") == '""'


def test_extractions_read_together_equal_the_ones_read_one_by_one(tmp_path: Path, seeds_dir: Path) -> None:
    """Corroboration reads a story's extractions with a few queries, and only the parts it uses."""
    from newsweave import pipeline

    with Store(tmp_path / "n.db") as store:
        pipeline.ingest(store, [seeds_dir], analyze=False)
        article, raw = make()
        assert store.save_article(article, raw, extraction("a1"))
        ids = [a.id for a in store.articles()]
        assert len(ids) == 4
        one_by_one = {i: store.extraction(i) for i in ids}
        assert store.extractions([*ids, "no-such-article"]) == one_by_one
        assert all(ex.statements and ex.mentions and ex.entities for i, ex in one_by_one.items() if i != "a1")

        some = store.extractions(ids, parts=("statements", "entities"))  # entities come with their mentions
        for i in ids:
            assert some[i].statements == one_by_one[i].statements
            assert some[i].entities == one_by_one[i].entities and some[i].mentions == one_by_one[i].mentions
            assert some[i].sentences == [] and some[i].timexes == [] and some[i].events == []
        assert store.extractions(ids, parts=("timexes",))["a1"].timexes == one_by_one["a1"].timexes
        with pytest.raises(ValueError, match="unknown extraction parts"):
            store.extractions(ids, parts=("statements", "tokens"))

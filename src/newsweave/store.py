"""The embedded store: SQLite in WAL mode, with FTS5 over article text.

This is the only module that writes SQL. Every other module hands it records and gets
records back. Each article is written in one transaction together with everything derived
from it, so a crash or a bad item never leaves half an article behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import sqlite3
import string
import threading
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from newsweave.records import (
    Article,
    ArticleExtraction,
    Entity,
    Event,
    Mention,
    Quantity,
    Quote,
    RawDocument,
    Sentence,
    Statement,
    Story,
    StoryAssignment,
    Timex,
)

DEFAULT_DB = "newsweave.db"

# The first and the last word of an entity's name, lowercased the way SQLite's lower() does (ASCII
# only: see _sql_lower). Queries must spell them exactly so, or SQLite ignores migration 4's indexes.
_FIRST_WORD = "lower(substr(name, 1, instr(name || ' ', ' ') - 1))"
_LAST_WORD = "lower(replace(name, rtrim(name, replace(name, ' ', '')), ''))"  # rtrim drops the last word
# See Store.entities_like: a name word shared by more stored people than this links no one-word name.
MAX_NAMESAKES = 32
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# Versioned migrations: index i holds the SQL that takes the schema from version i to i+1.
# Never edit a released step; append a new one.
MIGRATIONS: list[str] = [
    # 1: articles, their raw input, and full-text search over them
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        path TEXT NOT NULL,
        line INTEGER,
        format TEXT NOT NULL,
        url TEXT,
        outlet TEXT,
        title TEXT,
        subtitle TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        updated TEXT,
        language TEXT NOT NULL,
        body TEXT NOT NULL,
        headings TEXT NOT NULL DEFAULT '[]',
        content_hash TEXT NOT NULL UNIQUE,
        body_hash TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX articles_body_hash ON articles(body_hash);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE TABLE raw_inputs (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        format TEXT NOT NULL,
        encoding TEXT,
        raw BLOB NOT NULL
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='rowid', tokenize='unicode61'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    """,
    # 2: what extraction found in each article
    """
    CREATE TABLE extractions (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        extracted INTEGER NOT NULL,
        note TEXT,
        pipeline TEXT,
        sentences TEXT NOT NULL DEFAULT '[]',
        statements TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        country TEXT,
        aliases TEXT NOT NULL DEFAULT '[]',
        roles TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX entities_name ON entities(name);
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        entity_id TEXT NOT NULL,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind TEXT NOT NULL
    );
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE TABLE timexes (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        type TEXT NOT NULL, value TEXT NOT NULL, anchored INTEGER NOT NULL
    );
    CREATE INDEX timexes_article ON timexes(article_id);
    CREATE TABLE quantities (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        value REAL NOT NULL, unit TEXT NOT NULL, kind TEXT NOT NULL, approx TEXT NOT NULL,
        low REAL, high REAL
    );
    CREATE INDEX quantities_article ON quantities(article_id);
    CREATE TABLE quotes (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, direct INTEGER NOT NULL,
        speaker TEXT, speaker_entity_id TEXT, cue TEXT
    );
    CREATE INDEX quotes_article ON quotes(article_id);
    CREATE INDEX quotes_speaker ON quotes(speaker_entity_id);
    CREATE TABLE events (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        plover TEXT NOT NULL, actor1 TEXT NOT NULL, sentence TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        cameo TEXT, mode TEXT, actor2 TEXT,
        actor1_entity_id TEXT, actor2_entity_id TEXT, actor1_country TEXT, actor2_country TEXT,
        date TEXT, location TEXT, trigger TEXT, trigger_start INTEGER, trigger_end INTEGER,
        symmetric INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_date ON events(date);
    """,
    # 3: stories (clustering) and their corroborated analysis
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        title TEXT NOT NULL,
        event_date TEXT,
        first_published TEXT,
        last_published TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}',
        analysis TEXT
    );
    CREATE INDEX stories_event_date ON stories(event_date);
    -- MAX(seq) runs on every insert: without these it reads the whole table (bodies, states).
    CREATE INDEX stories_seq ON stories(seq);
    CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story_id TEXT NOT NULL REFERENCES stories(id),
        new_story INTEGER NOT NULL,
        scores TEXT NOT NULL DEFAULT '{}',
        reason TEXT NOT NULL DEFAULT '',
        duplicate_of TEXT,
        assigned_at TEXT NOT NULL
    );
    CREATE INDEX story_articles_story ON story_articles(story_id);
    -- Clustering's candidate index: an article's top terms / entities ("e:<id>"), partitioned by the
    -- article's event day ('' when unknown) so a lookup reads only postings near the new article's date.
    CREATE TABLE index_terms (
        term TEXT NOT NULL,
        day TEXT NOT NULL DEFAULT '',
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        weight REAL NOT NULL,
        PRIMARY KEY (term, day, article_id)
    ) WITHOUT ROWID;
    -- No index on article_id (it would double the writes per article): nothing deletes articles;
    -- a feature that does should add one, or the ON DELETE CASCADE scans this table.
    -- Document frequencies for IDF over every clustered (non-duplicate) article; the row with
    -- term '' holds the number of those articles.
    CREATE TABLE term_df (
        term TEXT PRIMARY KEY,
        df INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE minhash_bands (
        band TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (band, article_id)
    ) WITHOUT ROWID;
    -- Ids of stories merged into another one (clustering repairs a split): old id -> surviving id.
    CREATE TABLE story_aliases (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL
    );
    CREATE TABLE minhash_signatures (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        signature BLOB NOT NULL
    );
    """,
    # 4: entity linking looks stored people up by the last and first word of their name; without
    # these it scanned every entity per batch (11 s per batch of 16 articles at 100k stored people)
    f"""
    CREATE INDEX entities_person_words ON entities({_LAST_WORD}, {_FIRST_WORD}) WHERE type = 'PERSON';
    CREATE INDEX entities_person_first ON entities({_FIRST_WORD}) WHERE type = 'PERSON';
    """,
    # 5: a story's analysis in a table of its own. Clustering rewrites the story row (its state) for
    # every article that joins, and SQLite rewrites a whole row: an analysis stored in it (megabytes
    # for a big story) was copied each time (8.7 ms per join at 3.8 MB, vs 0.01 ms without).
    """
    CREATE TABLE story_analyses (
        story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        analysis TEXT NOT NULL
    );
    INSERT INTO story_analyses (story_id, analysis) SELECT id, analysis FROM stories WHERE analysis IS NOT NULL;
    ALTER TABLE stories DROP COLUMN analysis;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

_EXTRACTION_TABLES: dict[str, type] = {
    "mentions": Mention,
    "timexes": Timex,
    "quantities": Quantity,
    "quotes": Quote,
    "events": Event,
}
_ARTICLE_JSON_FIELDS = ("authors", "headings")
# What Store.extractions can read of an article's extraction.
EXTRACTION_PARTS = ("sentences", "statements", *_EXTRACTION_TABLES, "entities")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _columns(record_type: type) -> list[str]:
    return [f.name for f in fields(record_type)]


def _quote(name: str) -> str:
    return f'"{name}"'


# Ids per "WHERE id IN (...)" query: well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500
_Item = TypeVar("_Item")


def _chunks(items: Sequence[_Item], size: int) -> Iterator[Sequence[_Item]]:
    """``items`` in slices of ``size``: one query each, under SQLite's bound-parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


# SQLite's page cache per connection (KiB; it fills only as pages are read). The default 2 MiB
# makes a writer re-read index pages from the OS on every commit: replaying the commits of 10,000
# prepared articles spent 1.8 ms of system time per article with it and 0.9 ms with 64 MiB.
# Readers that load one story at a time (analysis workers, the web app) keep SQLite's default;
# a large cache buys them nothing and would be held by every reader.
CACHE_KIB = 65_536
READER_CACHE_KIB = 2_048

class StoreError(RuntimeError):
    """The database cannot be opened or is from a newer newsweave."""


class Store:
    """One SQLite database holding articles and everything derived from them."""

    def __init__(self, path: str | Path = DEFAULT_DB, timeout: float = 60.0, cache_kib: int = CACHE_KIB) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if self.path != ":memory:":
            self._enable_wal(timeout)
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.migrate()

    def _enable_wal(self, timeout: float) -> None:
        """Switch to WAL mode, waiting for the lock that takes.

        SQLite does not call the busy handler for this switch: when two processes open the same
        new database at once, one gets "database is locked" at once; so retry until ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreError(f"cannot open database {self.path}: {exc}") from exc
                time.sleep(0.05)

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken IMMEDIATE so concurrent writers queue instead of failing."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION, one versioned step per transaction."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                version = self.schema_version()
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"database {self.path} has schema version {version}; "
                        f"this newsweave knows up to {SCHEMA_VERSION}: upgrade newsweave"
                    )
                for step in range(version, SCHEMA_VERSION):
                    for statement in _split_sql(MIGRATIONS[step]):
                        self.conn.execute(statement)
                    self.conn.execute(f"PRAGMA user_version = {step + 1}")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # ------------------------------------------------------------ articles

    def known_content(self, content_hash: str) -> str | None:
        """The id of the article stored from exactly this raw input, if any."""
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return row["id"] if row else None

    def known_body(self, body_hash: str) -> str | None:
        """The id of an article with the same normalised body (the same text in another wrapper)."""
        row = self.conn.execute("SELECT id FROM articles WHERE body_hash = ?", (body_hash,)).fetchone()
        return row["id"] if row else None

    def save_article(
        self,
        article: Article,
        raw: RawDocument,
        extraction: ArticleExtraction | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> bool:
        """Store one article with its raw input and extraction. False if it was already stored."""
        if conn is None:
            with self.transaction() as tx:
                return self.save_article(article, raw, extraction, conn=tx)
        if conn.execute("SELECT 1 FROM articles WHERE id = ? OR content_hash = ?",
                        (article.id, article.content_hash)).fetchone():
            return False
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
        row = asdict(article)
        for key in _ARTICLE_JSON_FIELDS:
            row[key] = json.dumps(row[key], ensure_ascii=False)
        row["published_estimated"] = int(article.published_estimated)
        row["seq"] = seq
        row["ingested_at"] = _now()
        columns = list(row)
        conn.execute(
            f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            [row[c] for c in columns],
        )
        conn.execute(
            "INSERT INTO raw_inputs (article_id, format, encoding, raw) VALUES (?, ?, ?, ?)",
            (article.id, raw.format, raw.encoding, raw.raw),
        )
        if extraction is not None:
            self._save_extraction(conn, extraction)
        return True

    def _save_extraction(self, conn: sqlite3.Connection, ex: ArticleExtraction) -> None:
        from newsweave.extract import PIPELINE_VERSION

        conn.execute(
            "INSERT OR REPLACE INTO extractions (article_id, extracted, note, pipeline, sentences, statements) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (ex.article_id, int(ex.extracted), ex.note, PIPELINE_VERSION,
             json.dumps([[s.start, s.end] for s in ex.sentences]),
             # default=vars gives the same JSON as asdict() without its deep copies (a third of the
             # writer's time per article went to them)
             json.dumps(ex.statements, ensure_ascii=False, default=vars)),
        )
        for table, record_type in _EXTRACTION_TABLES.items():
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (ex.article_id,))
            records = getattr(ex, table)
            if not records:
                continue
            cols = _columns(record_type)
            sql = (
                f"INSERT INTO {table} (article_id, {', '.join(map(_quote, cols))}) "
                f"VALUES (?, {', '.join('?' for _ in cols)})"
            )
            conn.executemany(sql, [(ex.article_id, *(getattr(r, c) for c in cols)) for r in records])
        for entity in ex.entities:
            self._merge_entity(conn, entity)

    def _merge_entity(self, conn: sqlite3.Connection, entity: Entity) -> None:
        row = conn.execute("SELECT aliases, roles, country FROM entities WHERE id = ?", (entity.id,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO entities (id, name, type, country, aliases, roles) VALUES (?, ?, ?, ?, ?, ?)",
                (entity.id, entity.name, entity.type, entity.country,
                 json.dumps(sorted(set(entity.aliases)), ensure_ascii=False),
                 json.dumps(sorted(set(entity.roles)), ensure_ascii=False)),
            )
            return
        stored_aliases, stored_roles = json.loads(row["aliases"]), json.loads(row["roles"])
        aliases = sorted(set(stored_aliases) | set(entity.aliases))
        roles = sorted(set(stored_roles) | set(entity.roles))
        if aliases == stored_aliases and roles == stored_roles and (row["country"] or not entity.country):
            return  # nothing new: a recurring entity (a country, a ministry) is not rewritten per article
        conn.execute(
            "UPDATE entities SET aliases = ?, roles = ?, country = COALESCE(country, ?) WHERE id = ?",
            (json.dumps(aliases, ensure_ascii=False), json.dumps(roles, ensure_ascii=False),
             entity.country, entity.id),
        )

    def replace_extraction(self, extraction: ArticleExtraction) -> None:
        with self.transaction() as tx:
            self._save_extraction(tx, extraction)

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article_from_row(row) if row else None

    def find_article_id(self, prefix: str) -> list[str]:
        """Article ids starting with ``prefix`` (so users can type a short id)."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 3", (prefix, prefix + "\uffff")
        ).fetchall()
        return [r["id"] for r in rows]

    def articles(
        self,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        query: str | None = None,
    ) -> list[Article]:
        """Articles in ingestion order, optionally filtered."""
        where, params = self._article_filters(ids, outlet, since, until, entity_id, query)
        sql = f"SELECT a.* FROM articles a {where} ORDER BY a.seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_article_from_row(r) for r in self.conn.execute(sql, params)]

    def count_articles(self, **filters: Any) -> int:
        where, params = self._article_filters(**filters) if filters else ("", [])
        return int(self.conn.execute(f"SELECT COUNT(*) FROM articles a {where}", params).fetchone()[0])

    def _article_filters(
        self,
        ids: Sequence[str] | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        query: str | None = None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if ids is not None:
            clauses.append(f"a.id IN ({', '.join('?' for _ in ids)})" if ids else "0")
            params += list(ids)
        if outlet:
            clauses.append("a.outlet = ?")
            params.append(outlet)
        if since:
            clauses.append("substr(a.published, 1, 10) >= ?")
            params.append(since[:10])
        if until:
            clauses.append("substr(a.published, 1, 10) <= ?")
            params.append(until[:10])
        if entity_id:
            clauses.append("a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
            params.append(entity_id)
        if query:
            clauses.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(fts_query(query))
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str, float]]:
        """Full-text search: (article, snippet with [matches] marked, bm25 rank), best first."""
        rows = self.conn.execute(
            "SELECT a.*, snippet(articles_fts, 1, '[', ']', ' … ', 24) AS snip, bm25(articles_fts) AS rank "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (fts_query(query), limit, offset),
        ).fetchall()
        return [(_article_from_row(r), r["snip"], float(r["rank"])) for r in rows]

    def raw_input(self, article_id: str) -> tuple[bytes, str, str | None] | None:
        row = self.conn.execute(
            "SELECT raw, format, encoding FROM raw_inputs WHERE article_id = ?", (article_id,)
        ).fetchone()
        return (bytes(row["raw"]), row["format"], row["encoding"]) if row else None

    # ------------------------------------------------------------ extraction

    def extraction(self, article_id: str) -> ArticleExtraction | None:
        return self.extractions([article_id]).get(article_id)

    def extractions(self, article_ids: Sequence[str], parts: Collection[str] = EXTRACTION_PARTS,
                    ) -> dict[str, ArticleExtraction]:
        """Several articles' extractions, read with a few queries per 500 articles instead of eight
        per article. Only ``parts`` (of EXTRACTION_PARTS) are read; the others stay empty:
        corroborating a story of 400 articles needs no sentences, time expressions or quantities.
        An article's entities are those its mentions name, so asking for entities reads the mentions
        too. Articles without an extraction are left out."""
        unknown = set(parts) - set(EXTRACTION_PARTS)
        if unknown:
            raise ValueError(f"unknown extraction parts: {sorted(unknown)}")
        wanted = set(parts) | ({"mentions"} if "entities" in parts else set())
        out: dict[str, ArticleExtraction] = {}
        for chunk in _chunks(list(dict.fromkeys(article_ids)), _IDS_PER_QUERY):
            out.update(self._extraction_chunk(chunk, wanted))
        return {i: out[i] for i in article_ids if i in out}

    def _extraction_chunk(self, ids: list[str], parts: set[str]) -> dict[str, ArticleExtraction]:
        marks = ", ".join("?" for _ in ids)
        columns = ["article_id", "extracted", "note", *(p for p in ("sentences", "statements") if p in parts)]
        rows = self.conn.execute(
            f"SELECT {', '.join(columns)} FROM extractions WHERE article_id IN ({marks})", ids).fetchall()
        bodies = {}
        if "sentences" in parts:
            bodies = {r["id"]: r["body"] for r in self.conn.execute(
                f"SELECT id, body FROM articles WHERE id IN ({marks})", ids)}
        out: dict[str, ArticleExtraction] = {}
        for row in rows:
            article_id = row["article_id"]
            ex = ArticleExtraction(article_id=article_id, extracted=bool(row["extracted"]), note=row["note"])
            if "sentences" in parts:
                body = bodies[article_id]
                ex.sentences = [Sentence(s, e, body[s:e]) for s, e in json.loads(row["sentences"])]
            if "statements" in parts:
                ex.statements = [_statement_from_json(st) for st in json.loads(row["statements"])]
            out[article_id] = ex
        for table, record_type in _EXTRACTION_TABLES.items():
            if table not in parts:
                continue
            cols = _columns(record_type)
            found = self.conn.execute(
                f"SELECT article_id AS _article, {', '.join(map(_quote, cols))} FROM {table} "
                f"WHERE article_id IN ({marks}) ORDER BY article_id, start, rowid", ids)
            for row in found:
                if (ex := out.get(row["_article"])) is not None:
                    getattr(ex, table).append(_record_from_row(record_type, row, cols))
        if "entities" in parts:
            # An article's entities as extraction made them (``article_ids`` is just this article),
            # the most mentioned in it first. Counting every stored mention of each entity instead
            # (``entities()``' order) cost time growing with the store.
            mentions_of = {i: Counter(m.entity_id for m in ex.mentions) for i, ex in out.items()}
            entity_ids = sorted({e for counts in mentions_of.values() for e in counts})
            known: dict[str, sqlite3.Row] = {}
            for chunk in _chunks(entity_ids, _IDS_PER_QUERY):
                known.update((r["id"], r) for r in self.conn.execute(
                    f"SELECT * FROM entities WHERE id IN ({', '.join('?' for _ in chunk)})", chunk))
            for article_id, ex in out.items():
                counts = mentions_of[article_id]
                rows = [known[e] for e in sorted(counts) if e in known]
                found = [Entity(id=r["id"], name=r["name"], type=r["type"], country=r["country"],
                                aliases=json.loads(r["aliases"]), roles=json.loads(r["roles"]),
                                article_ids=[article_id]) for r in rows]
                ex.entities = sorted(found, key=lambda e: (-counts[e.id], e.name))
        return out

    def events(
        self,
        article_ids: Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[tuple[str, Event]]:
        """(article_id, event) pairs, filtered by article, date range or actor entity."""
        clauses, params = [], []
        if article_ids is not None:
            clauses.append(f"article_id IN ({', '.join('?' for _ in article_ids)})" if article_ids else "0")
            params += list(article_ids)
        if since:
            clauses.append("date >= ?")
            params.append(since)
        if until:
            clauses.append("substr(date, 1, 10) <= ?")
            params.append(until)
        if entity_id:
            clauses.append("(actor1_entity_id = ? OR actor2_entity_id = ?)")
            params += [entity_id, entity_id]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        cols = _columns(Event)
        sql = f"SELECT article_id, {', '.join(map(_quote, cols))} FROM events {where} ORDER BY date, article_id, start"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [(r["article_id"], _record_from_row(Event, r, cols)) for r in self.conn.execute(sql, params)]

    def quotes_by_entity(self, entity_id: str) -> list[tuple[str, Quote]]:
        cols = _columns(Quote)
        rows = self.conn.execute(
            f"SELECT article_id, {', '.join(map(_quote, cols))} FROM quotes WHERE speaker_entity_id = ? "
            "ORDER BY article_id, start",
            (entity_id,),
        ).fetchall()
        return [(r["article_id"], _record_from_row(Quote, r, cols)) for r in rows]

    # ------------------------------------------------------------ entities

    def entities(
        self,
        ids: Sequence[str] | None = None,
        query: str | None = None,
        type: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Entity]:
        clauses, params = [], []
        if ids is not None:
            clauses.append(f"e.id IN ({', '.join('?' for _ in ids)})" if ids else "0")
            params += list(ids)
        if query:
            clauses.append("(e.name LIKE ? OR e.aliases LIKE ?)")
            params += [f"%{query}%", f"%{query}%"]
        if type:
            clauses.append("e.type = ?")
            params.append(type.upper())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (
            "SELECT e.*, (SELECT json_group_array(DISTINCT article_id) FROM mentions m WHERE m.entity_id = e.id) "
            f"AS article_ids, (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id) AS n FROM entities e {where} "
            "ORDER BY n DESC, e.name"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [
            Entity(
                id=r["id"], name=r["name"], type=r["type"], country=r["country"],
                aliases=json.loads(r["aliases"]), roles=json.loads(r["roles"]),
                article_ids=sorted(json.loads(r["article_ids"] or "[]")),
            )
            for r in self.conn.execute(sql, params)
        ]

    def entities_like(
        self, entities: Iterable[Entity], max_namesakes: int = MAX_NAMESAKES
    ) -> tuple[list[Entity], set[str]]:
        """Stored people whom ``link_entities`` may merge with these people, and the name words
        too common to link a one-word name by.

        It merges a full name only with names of the same first and last word, and a one-word
        name ("Holt") with names whose first or last word it is. So the candidates are: stored
        people with the first and last word of a full name here; stored one-word people named
        by a first or last word here; and every stored person with a first or last word equal
        to one of those one-word names. Indexed lookups (migration 4), in stored order: the cost
        follows the matches, not the size of the store (a shared first name alone is no match).

        A word borne by more than ``max_namesakes`` stored people ("Lee" in a year of Korean
        news) could not pick one of them out by itself anyway; its namesakes are not loaded, and
        it comes back in the second set, so one-word names of it stay unlinked. Without the
        bound, linking cost grew with the store (every "Lee" loaded for every "Lee").
        """
        pairs: set[tuple[str, str]] = set()
        single: set[str] = set()
        for e in entities:
            words = _sql_lower(e.name).split() if e.type == "PERSON" else []
            if len(words) == 1:
                single.add(words[0])
            elif words:
                pairs.add((words[-1], words[0]))
        rows: dict[str, sqlite3.Row] = {}
        name_words = {w for pair in pairs for w in pair} | single
        one_word = self._people_by_words(pairs={(w, w) for w in name_words})
        single |= {_sql_lower(r["name"]) for r in one_word if " " not in r["name"]}
        common = {w for w, n in self._namesake_counts(single).items() if n > max_namesakes}
        for found in (self._people_by_words(pairs=pairs), one_word, self._people_by_words(words=single - common)):
            rows.update((r["id"], r) for r in found)
        known = [
            Entity(id=r["id"], name=r["name"], type=r["type"], country=r["country"],
                   aliases=list(_json_strings(r["aliases"])), roles=list(_json_strings(r["roles"])))
            for r in sorted(rows.values(), key=lambda r: r["rowid"])
        ]
        return known, common

    def _namesake_counts(self, words: Iterable[str]) -> dict[str, int]:
        """How many stored people have each word as their first or last name word (index-only counts)."""
        counts: dict[str, int] = {}
        for w, n in self._by_name_word(words, "{word}, count(*)", " GROUP BY 1"):
            counts[w] = counts.get(w, 0) + n
        return counts

    def _by_name_word(self, words: Iterable[str], columns: str, tail: str = "") -> Iterator[sqlite3.Row]:
        """Rows of stored people whose last, then first, name word is one of ``words`` (``columns``
        may name the word as ``{word}``), in chunks that stay under SQLite's parameter limit."""
        words = sorted(words)
        for chunk in _chunks(words, 400):
            marks = ", ".join("?" for _ in chunk)
            for word in (_LAST_WORD, _FIRST_WORD):
                yield from self.conn.execute(
                    f"SELECT {columns.format(word=word)} FROM entities "
                    f"WHERE type = 'PERSON' AND {word} IN ({marks}){tail}", chunk)

    def _people_by_words(
        self, pairs: Iterable[tuple[str, str]] = (), words: Iterable[str] = ()
    ) -> list[sqlite3.Row]:
        """Stored people by (last, first) word of their name, or by either word alone.

        Written so SQLite searches migration 4's indexes (a join from VALUES, one IN per index);
        an OR of the same conditions makes it scan the index and compute both words per row.
        """
        found: list[sqlite3.Row] = []
        pairs = sorted(pairs)
        for chunk in _chunks(pairs, 400):
            found += self.conn.execute(
                f"WITH q(last, first) AS (VALUES {', '.join('(?, ?)' for _ in chunk)}) "
                f"SELECT e.rowid, e.* FROM q CROSS JOIN entities e ON {_LAST_WORD} = q.last "
                f"AND {_FIRST_WORD} = q.first WHERE e.type = 'PERSON'",
                [w for pair in chunk for w in pair]).fetchall()
        found += self._by_name_word(words, "rowid, *")
        return found

    def entity(self, entity_id: str) -> Entity | None:
        found = self.entities([entity_id])
        return found[0] if found else None

    # ------------------------------------------------------------ stories

    def story_of(self, article_id: str) -> StoryAssignment | None:
        row = self.conn.execute("SELECT * FROM story_articles WHERE article_id = ?", (article_id,)).fetchone()
        return _assignment_from_row(row) if row else None

    def assignments(self, story_id: str | None = None) -> list[StoryAssignment]:
        sql = "SELECT sa.* FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
        params: list[Any] = []
        if story_id is not None:
            sql += " WHERE sa.story_id = ?"
            params.append(story_id)
        return [_assignment_from_row(r) for r in self.conn.execute(sql + " ORDER BY a.seq", params)]

    def save_assignment(self, assignment: StoryAssignment, conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO story_articles "
            "(article_id, story_id, new_story, scores, reason, duplicate_of, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (assignment.article_id, assignment.story_id, int(assignment.new_story),
             json.dumps(assignment.scores), assignment.reason, assignment.duplicate_of, _now()),
        )

    def upsert_story(
        self,
        conn: sqlite3.Connection,
        story_id: str,
        title: str,
        event_date: str | None,
        first_published: str | None,
        last_published: str | None,
        state: dict[str, Any],
    ) -> None:
        now = _now()
        exists = conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone()
        if exists:
            # Keep a title the analysis wrote until the analysis reruns (the state is marked dirty).
            conn.execute(
                "UPDATE stories SET title = CASE WHEN EXISTS (SELECT 1 FROM story_analyses WHERE story_id = ?) "
                "THEN title ELSE ? END, event_date = ?, first_published = ?, last_published = ?, state = ?, "
                "updated_at = ? WHERE id = ?",
                (story_id, title, event_date, first_published, last_published, json.dumps(state), now, story_id),
            )
        else:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM stories").fetchone()[0]
            conn.execute(
                "INSERT INTO stories (id, seq, title, event_date, first_published, last_published, created_at, "
                "updated_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (story_id, seq, title, event_date, first_published, last_published, now, now, json.dumps(state)),
            )

    def story_state(self, story_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT state FROM stories WHERE id = ?", (story_id,)).fetchone()
        return json.loads(row["state"]) if row else None

    def story_states(self, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The running representation (``state``) of several stories at once."""
        if not story_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT id, state FROM stories WHERE id IN ({', '.join('?' for _ in story_ids)})", list(story_ids)
        ).fetchall()
        return {r["id"]: json.loads(r["state"]) for r in rows}

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id -> story id, for the given articles that are assigned."""
        out: dict[str, str] = {}
        ids = list(article_ids)
        for chunk in _chunks(ids, 5000):
            rows = self.conn.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({', '.join('?' for _ in chunk)})",
                chunk,
            ).fetchall()
            out.update((r["article_id"], r["story_id"]) for r in rows)
        return out

    def merge_stories(self, conn: sqlite3.Connection, gone: str, keep: str, note: str) -> None:
        """Move every article of story ``gone`` into ``keep``; ``gone`` remains as an alias."""
        conn.execute("UPDATE story_articles SET story_id = ?, reason = reason || ? WHERE story_id = ?",
                     (keep, f" [story {gone} {note}]", gone))
        conn.execute("UPDATE story_aliases SET story_id = ? WHERE story_id = ?", (keep, gone))
        conn.execute("INSERT OR REPLACE INTO story_aliases (id, story_id) VALUES (?, ?)", (gone, keep))
        conn.execute("DELETE FROM stories WHERE id = ?", (gone,))

    def story_alias(self, story_id: str) -> str | None:
        """The story a merged-away story id now lives in, if any."""
        row = self.conn.execute("SELECT story_id FROM story_aliases WHERE id = ?", (story_id,)).fetchone()
        return row["story_id"] if row else None

    def partition(self) -> dict[str, str]:
        """Every assignment as article id -> story id (to compare clusterings)."""
        return {r["article_id"]: r["story_id"]
                for r in self.conn.execute("SELECT article_id, story_id FROM story_articles")}

    def story_rows(
        self,
        limit: int | None = None,
        offset: int = 0,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        outlet: str | None = None,
        query: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Story summaries (id, title, dates, article and outlet counts), newest event first."""
        clauses, params = [], []
        if ids is not None:
            clauses.append(f"s.id IN ({', '.join('?' for _ in ids)})" if ids else "0")
            params += list(ids)
        if since:
            clauses.append("COALESCE(s.event_date, substr(s.last_published, 1, 10)) >= ?")
            params.append(since[:10])
        if until:
            clauses.append("COALESCE(s.event_date, substr(s.first_published, 1, 10)) <= ?")
            params.append(until[:10])
        if entity_id:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN mentions m ON m.article_id = sa.article_id "
                "WHERE m.entity_id = ?)"
            )
            params.append(entity_id)
        if outlet:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                "WHERE a.outlet = ?)"
            )
            params.append(outlet)
        if query:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                "WHERE a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
            )
            params.append(fts_query(query))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (
            "SELECT s.id, s.title, s.event_date, s.first_published, s.last_published, s.updated_at, "
            "(SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id) AS n_articles, "
            "(SELECT COUNT(DISTINCT COALESCE(a.outlet, a.id)) FROM story_articles sa JOIN articles a "
            " ON a.id = sa.article_id WHERE sa.story_id = s.id) AS n_outlets, "
            "(SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id AND sa.duplicate_of IS NOT NULL) "
            " AS n_copies, "
            "(SELECT json_group_array(article_id) FROM story_articles sa WHERE sa.story_id = s.id) AS article_ids "
            f"FROM stories s {where} "
            "ORDER BY COALESCE(s.event_date, s.last_published) DESC, n_articles DESC, s.seq"
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        out = []
        for r in self.conn.execute(sql, params):
            row = dict(r)
            row["article_ids"] = json.loads(row["article_ids"] or "[]")
            if row["n_articles"]:
                out.append(row)
        return out

    def count_stories(self) -> int:
        return int(self.conn.execute(
            "SELECT COUNT(DISTINCT story_id) FROM story_articles").fetchone()[0])

    def find_story_id(self, prefix: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE id >= ? AND id < ? ORDER BY id LIMIT 3", (prefix, prefix + "\uffff")
        ).fetchall()
        return [r["id"] for r in rows]

    def save_analysis(self, story: Story) -> None:
        with self.transaction() as tx:
            # Another process may have added an article to the story since the analysis read it: then
            # the analysis is out of date already, so keep the story stale (that process, or the next
            # run, analyses it again) instead of marking an analysis without that article current.
            current = {r[0] for r in tx.execute("SELECT article_id FROM story_articles WHERE story_id = ?",
                                                 (story.id,))}
            if current != set(story.article_ids):
                return
            # The analysis is now current: clear the clustering stage's "dirty" mark (see stale_stories).
            tx.execute("INSERT OR REPLACE INTO story_analyses (story_id, analysis) VALUES (?, ?)",
                       (story.id, json.dumps(asdict(story), ensure_ascii=False)))
            tx.execute("UPDATE stories SET title = ?, event_date = ?, state = json_set(state, '$.dirty', json('false')) "
                       "WHERE id = ?", (story.title, story.event_date, story.id))

    def analysis(self, story_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT analysis FROM story_analyses WHERE story_id = ?", (story_id,)).fetchone()
        return json.loads(row["analysis"]) if row and row["analysis"] else None

    def story_sizes(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Number of articles in each of these stories."""
        sizes: dict[str, int] = {}
        ids = list(story_ids)
        for chunk in _chunks(ids, 400):
            sizes.update((r[0], r[1]) for r in self.conn.execute(
                f"SELECT story_id, COUNT(*) FROM story_articles WHERE story_id IN ({', '.join('?' for _ in chunk)}) "
                "GROUP BY story_id", chunk))
        return sizes

    def stale_stories(self) -> list[str]:
        """Stories whose analysis is missing or older than their last change."""
        rows = self.conn.execute(
            "SELECT id FROM stories s WHERE json_extract(state, '$.dirty') = 1 "
            "OR NOT EXISTS (SELECT 1 FROM story_analyses a WHERE a.story_id = s.id) ORDER BY seq"
        ).fetchall()
        return [r["id"] for r in rows]

    # ------------------------------------------------------------ candidate index (clustering)

    def add_index_terms(
        self, conn: sqlite3.Connection, article_id: str, terms: dict[str, float], day: str = ""
    ) -> None:
        """Post an article's top terms / entity keys, under its event day ('' when unknown)."""
        conn.executemany(
            "INSERT OR REPLACE INTO index_terms (term, day, article_id, weight) VALUES (?, ?, ?, ?)",
            [(t, day, article_id, w) for t, w in terms.items()],
        )

    def articles_with_terms(
        self,
        terms: dict[str, float],
        limit: int = 200,
        days: tuple[str, str] | None = None,
    ) -> list[tuple[str, float, float]]:
        """Candidate generation without a scan: articles sharing weighted index terms.

        Returns (article_id, score over every key, score over plain terms only), best first; the
        scores are dot products of the query weights with the posted weights. With ``days`` only
        postings dated inside that inclusive window (or undated) are read: the (term, day) primary
        key turns each term's lookup into a range scan, so the cost follows the window, not the store.
        """
        if not terms:
            return []
        values = ", ".join("(?, ?)" for _ in terms)
        params: list[Any] = [x for item in terms.items() for x in item]
        if days is None:
            hits = "SELECT i.article_id, i.term, i.weight * q.w AS s FROM q JOIN index_terms i ON i.term = q.term"
        else:
            hits = (
                "SELECT i.article_id, i.term, i.weight * q.w AS s FROM q JOIN index_terms i "
                "ON i.term = q.term AND i.day BETWEEN ? AND ? "
                "UNION ALL SELECT i.article_id, i.term, i.weight * q.w AS s FROM q JOIN index_terms i "
                "ON i.term = q.term AND i.day = ''"
            )
            params += [days[0], days[1]]
        rows = self.conn.execute(
            f"WITH q(term, w) AS (VALUES {values}), hits AS ({hits}) "
            "SELECT article_id, SUM(s) AS total, SUM(CASE WHEN substr(term, 1, 2) = 'e:' THEN 0 ELSE s END) AS text "
            "FROM hits GROUP BY article_id ORDER BY total DESC, article_id LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [(r["article_id"], float(r["total"]), float(r["text"])) for r in rows]

    def term_document_frequency(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequency of each term among clustered articles (absent terms are left out)."""
        terms = [t for t in terms if t]
        out: dict[str, int] = {}
        for chunk in _chunks(terms, 5000):
            rows = self.conn.execute(
                f"SELECT term, df FROM term_df WHERE term IN ({', '.join('?' for _ in chunk)})", chunk
            ).fetchall()
            out.update((r["term"], int(r["df"])) for r in rows)
        return out

    def indexed_document_count(self) -> int:
        """How many articles the document frequencies count (the IDF's N)."""
        row = self.conn.execute("SELECT df FROM term_df WHERE term = ''").fetchone()
        return int(row["df"]) if row else 0

    def add_document_frequencies(self, conn: sqlite3.Connection, terms: Iterable[str]) -> None:
        """Count one more document containing each of ``terms`` (and one more document overall)."""
        conn.executemany(
            "INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET df = df + 1",
            [(t,) for t in {"", *terms}],
        )

    def add_minhash_bands(
        self, conn: sqlite3.Connection, article_id: str, bands: Iterable[str], signature: bytes | None = None
    ) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO minhash_bands (band, article_id) VALUES (?, ?)", [(b, article_id) for b in bands]
        )
        if signature is not None:
            conn.execute(
                "INSERT OR REPLACE INTO minhash_signatures (article_id, signature) VALUES (?, ?)",
                (article_id, signature),
            )

    def articles_with_bands(self, bands: Iterable[str], published: tuple[str, str] | None = None) -> list[str]:
        """Articles sharing a MinHash band with these; with ``published`` (first, last ISO day) only
        those published in that range, or undated."""
        bands = list(bands)
        if not bands:
            return []
        params: list[Any] = list(bands)
        join = where = ""
        if published is not None:
            join = " JOIN articles a ON a.id = b.article_id"
            where = " AND (a.published IS NULL OR substr(a.published, 1, 10) BETWEEN ? AND ?)"
            params += list(published)
        sql = f"SELECT DISTINCT b.article_id FROM minhash_bands b{join} WHERE b.band IN ({', '.join('?' for _ in bands)}){where}"
        rows = self.conn.execute(sql + " ORDER BY b.article_id", params).fetchall()
        return [r["article_id"] for r in rows]

    def minhash_signatures(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        if not article_ids:
            return {}
        rows = self.conn.execute(
            f"SELECT article_id, signature FROM minhash_signatures "
            f"WHERE article_id IN ({', '.join('?' for _ in article_ids)})",
            list(article_ids),
        ).fetchall()
        return {r["article_id"]: bytes(r["signature"]) for r in rows}

    def clear_stories(self) -> None:
        """Forget every story assignment and the clustering index (for ``recluster``).

        Articles and extraction stay; the index and document frequencies are rebuilt as the
        articles are assigned again.
        """
        with self.transaction() as tx:
            for table in ("story_articles", "stories", "story_aliases", "index_terms", "term_df", "minhash_bands",
                          "minhash_signatures"):
                tx.execute(f"DELETE FROM {table}")

    # ------------------------------------------------------------ export

    EXPORT_TABLES = ("articles", "raw_inputs", "extractions", "entities", "mentions", "timexes", "quantities",
                     "quotes", "events", "stories", "story_articles")

    # A story's analysis lives in its own table (see migration 5); exported, it stays a column of stories.
    _EXPORT_QUERIES = {"stories": "SELECT s.*, a.analysis FROM stories s LEFT JOIN story_analyses a "
                                  "ON a.story_id = s.id ORDER BY s.rowid"}

    def table_rows(self, table: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row of one exportable table as a dict, streamed in batches (memory stays flat)."""
        if table not in self.EXPORT_TABLES:
            raise ValueError(f"unknown table {table!r}; exportable: {', '.join(self.EXPORT_TABLES)}")
        cursor = self.conn.execute(self._export_query(table))
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield dict(row)

    def table_columns(self, table: str) -> list[str]:
        if table not in self.EXPORT_TABLES:
            raise ValueError(f"unknown table {table!r}")
        return [d[0] for d in self.conn.execute(f"{self._export_query(table)} LIMIT 0").description]

    def _export_query(self, table: str) -> str:
        return self._EXPORT_QUERIES.get(table, f"SELECT * FROM {table} ORDER BY rowid")

    # ------------------------------------------------------------ stats

    def stats(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "entities", "events", "quotes", "timexes", "stories"):
            out[table] = int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        return out

    def outlets(self) -> list[tuple[str, int]]:
        rows = self.conn.execute(
            "SELECT outlet, COUNT(*) AS n FROM articles WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY n DESC"
        )
        return [(r["outlet"], int(r["n"])) for r in rows]

    # ---- web/API queries (newsweave.web): read-only helpers for the HTTP API and the pages

    def release_memory(self) -> None:
        """Give back this connection's page cache (and free heap pages) before forking workers.

        A forked process's RSS counts the pages it inherits: with the writer's 64 MiB cache full,
        each analysis worker of a 2,000-article ingest peaked 60 MB higher.
        """
        self.conn.execute("PRAGMA shrink_memory")
        # glibc keeps freed small blocks resident unless asked (measured: the worker's peak went
        # 449 -> 417 MB with it); other C libraries have no malloc_trim and skip this
        with contextlib.suppress(OSError, AttributeError, TypeError):
            ctypes.CDLL(None).malloc_trim(0)

    def set_query_only(self) -> None:
        """Make this connection refuse every write: the web app's reader connections never write."""
        self.conn.execute("PRAGMA query_only = ON")

    @contextmanager
    def read_snapshot(self) -> Iterator[Store]:
        """One read transaction, so every query of a web request sees the same committed state.

        Deferred BEGIN takes no write lock; under WAL a writer can commit meanwhile.
        """
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def article_ids(self, **filters: Any) -> list[str]:
        """Ids of the articles matching ``articles()``' filters, in ingestion order (no bodies read)."""
        where, params = self._article_filters(**filters)
        return [r["id"] for r in self.conn.execute(f"SELECT a.id FROM articles a {where} ORDER BY a.seq", params)]

    def count_story_rows(
        self,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
        outlet: str | None = None,
        query: str | None = None,
    ) -> int:
        """How many rows ``story_rows`` returns for the same filters (its clauses, mirrored)."""
        clauses = ["EXISTS (SELECT 1 FROM story_articles sa WHERE sa.story_id = s.id)"]
        params: list[Any] = []
        if since:
            clauses.append("COALESCE(s.event_date, substr(s.last_published, 1, 10)) >= ?")
            params.append(since[:10])
        if until:
            clauses.append("COALESCE(s.event_date, substr(s.first_published, 1, 10)) <= ?")
            params.append(until[:10])
        if entity_id:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN mentions m ON m.article_id = sa.article_id "
                "WHERE m.entity_id = ?)"
            )
            params.append(entity_id)
        if outlet:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                "WHERE a.outlet = ?)"
            )
            params.append(outlet)
        if query:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                "WHERE a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
            )
            params.append(fts_query(query))
        sql = f"SELECT COUNT(*) FROM stories s WHERE {' AND '.join(clauses)}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def fact_status_counts(self, story_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """story id -> {status: number of facts} from the stored analyses, counted inside SQLite."""
        out: dict[str, dict[str, int]] = {sid: {} for sid in story_ids}
        if not story_ids:
            return out
        rows = self.conn.execute(
            "SELECT s.story_id AS id, json_extract(f.value, '$.status') AS status, COUNT(*) AS n "
            "FROM story_analyses s, json_each(s.analysis, '$.facts') f "
            f"WHERE s.story_id IN ({', '.join('?' for _ in story_ids)}) GROUP BY s.story_id, status",
            list(story_ids),
        ).fetchall()
        for r in rows:
            out[r["id"]][r["status"]] = int(r["n"])
        return out

    def search_marked(
        self, query: str, limit: int = 20, offset: int = 0, marks: tuple[str, str] = ("\x02", "\x03")
    ) -> list[tuple[Article, str, float]]:
        """Like ``search`` but with caller-chosen match markers (control characters by default), so a
        snippet's own brackets are never mistaken for matches."""
        rows = self.conn.execute(
            "SELECT a.*, snippet(articles_fts, 1, ?, ?, ' … ', 24) AS snip, bm25(articles_fts) AS rank "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (marks[0], marks[1], fts_query(query), limit, offset),
        ).fetchall()
        return [(_article_from_row(r), r["snip"], float(r["rank"])) for r in rows]

    def count_search(self, query: str) -> int:
        return int(self.conn.execute(
            "SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (fts_query(query),)
        ).fetchone()[0])

    def count_entities(self, query: str | None = None, type: str | None = None) -> int:
        """How many rows ``entities`` returns for the same filters."""
        clauses, params = [], []
        if query:
            clauses.append("(e.name LIKE ? OR e.aliases LIKE ?)")
            params += [f"%{query}%", f"%{query}%"]
        if type:
            clauses.append("e.type = ?")
            params.append(type.upper())
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return int(self.conn.execute(f"SELECT COUNT(*) FROM entities e {where}", params).fetchone()[0])

    def count_events(
        self,
        article_ids: Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        entity_id: str | None = None,
    ) -> int:
        """How many rows ``events`` returns for the same filters."""
        clauses, params = [], []
        if article_ids is not None:
            clauses.append(f"article_id IN ({', '.join('?' for _ in article_ids)})" if article_ids else "0")
            params += list(article_ids)
        if since:
            clauses.append("date >= ?")
            params.append(since)
        if until:
            clauses.append("substr(date, 1, 10) <= ?")
            params.append(until)
        if entity_id:
            clauses.append("(actor1_entity_id = ? OR actor2_entity_id = ?)")
            params += [entity_id, entity_id]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return int(self.conn.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0])


@lru_cache(maxsize=4096)
def _json_strings(text: str) -> tuple[str, ...]:
    """A stored JSON list of strings, decoded once: linking reads the same people batch after batch."""
    return tuple(json.loads(text))


def _sql_lower(text: str) -> str:
    """Lowercase as SQLite's lower() does: ASCII letters only (so "Åse" stays "Åse" on both sides)."""
    return text.translate(_ASCII_LOWER)


def fts_query(text: str) -> str:
    """Turn user text into a safe FTS5 query: every word a quoted term, all required."""
    words = [w for w in "".join(ch if ch.isalnum() else " " for ch in text).split() if w]
    return " ".join(f'"{w}"' for w in words) or '""'


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (which contain ';') whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    if "\n".join(current).strip():
        statements.append("\n".join(current))
    return statements


def _record_from_row(record_type: type, row: sqlite3.Row, cols: list[str]) -> Any:
    """A record from a row, turning SQLite's 0/1 back into bools where the field is a bool."""
    bool_cols = _bool_fields(record_type)
    return record_type(**{c: (bool(row[c]) if c in bool_cols else row[c]) for c in cols})


@functools.cache
def _bool_fields(record_type: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(record_type) if f.type in ("bool", bool))


def _statement_from_json(data: dict[str, Any]) -> Statement:
    data = dict(data)
    data["timexes"] = [Timex(**t) for t in data.get("timexes", [])]
    data["quantities"] = [Quantity(**q) for q in data.get("quantities", [])]
    return Statement(**data)


def _article_from_row(row: sqlite3.Row) -> Article:
    names = {f.name for f in fields(Article)}
    data = {k: row[k] for k in row.keys() if k in names}  # noqa: SIM118 - a Row iterates values
    for key in _ARTICLE_JSON_FIELDS:
        data[key] = json.loads(data[key])
    data["published_estimated"] = bool(data["published_estimated"])
    return Article(**data)


def _assignment_from_row(row: sqlite3.Row) -> StoryAssignment:
    return StoryAssignment(
        article_id=row["article_id"],
        story_id=row["story_id"],
        new_story=bool(row["new_story"]),
        scores=json.loads(row["scores"]),
        reason=row["reason"],
        duplicate_of=row["duplicate_of"],
    )

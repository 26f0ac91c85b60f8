"""Consistency checks of a newsweave database, shared by the fuzz, crash and concurrency tests.

Each check reads the SQLite file directly (not through ``Store``), so it sees exactly what a crash
or a second writer left on disk, and names every problem it finds rather than stopping at the first.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path


def connect(db: Path) -> sqlite3.Connection:
    """A plain connection; opening it replays the WAL like any later newsweave run would."""
    conn = sqlite3.connect(db, timeout=60)
    conn.row_factory = sqlite3.Row
    return conn


def store_problems(db: Path, settled: bool = False) -> list[str]:
    """Everything wrong with the database at ``db``; empty when it is consistent.

    Always checked: SQLite's own integrity and foreign keys, the full-text index against the
    articles, and that every stored article is whole (raw input whose hash is the article's
    content hash, extraction row, story assignment) and stored once. With ``settled`` (no run
    in progress, none killed), also that every story's analysis is current and covers exactly
    the story's articles.
    """
    problems: list[str] = []
    conn = connect(db)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {[tuple(r) for r in fk[:5]]}")
        try:  # rank 1: also compare the index with the external content table (articles)
            conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
        for table, what in (("raw_inputs", "raw input"), ("extractions", "extraction"),
                            ("story_articles", "story assignment")):
            missing = [r[0] for r in conn.execute(
                f"SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.article_id = a.id)")]
            if missing:
                problems.append(f"{len(missing)} article(s) without {what}: {missing[:5]}")
        for row in conn.execute(
                "SELECT a.id, a.content_hash, r.raw FROM articles a JOIN raw_inputs r ON r.article_id = a.id"):
            if hashlib.sha256(bytes(row["raw"])).hexdigest() != row["content_hash"]:
                problems.append(f"article {row['id']}: raw input does not match its content hash")
        twice = conn.execute(
            "SELECT seq, COUNT(*) AS n FROM articles GROUP BY seq HAVING n > 1").fetchall()
        if twice:
            problems.append(f"articles sharing a sequence number: {[tuple(r) for r in twice[:5]]}")
        orphans = conn.execute(
            "SELECT COUNT(*) FROM story_articles sa WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = sa.story_id)"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{orphans} assignment(s) to a story that does not exist")
        # clustering's running count of a story's articles: a lost update between writers shows here
        drift = conn.execute(
            "SELECT s.id, json_extract(s.state, '$.n') AS n, (SELECT COUNT(*) FROM story_articles sa "
            "WHERE sa.story_id = s.id) AS actual FROM stories s WHERE json_extract(s.state, '$.n') IS NOT NULL "
            "AND json_extract(s.state, '$.n') != (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id)"
        ).fetchall()
        if drift:
            problems.append(f"story article counts out of step: {[tuple(r) for r in drift[:5]]}")
        if settled:
            problems += _analysis_problems(conn)
    finally:
        conn.close()
    return problems


def _analysis_problems(conn: sqlite3.Connection) -> list[str]:
    problems = []
    members: dict[str, set[str]] = {}
    for row in conn.execute("SELECT story_id, article_id FROM story_articles"):
        members.setdefault(row["story_id"], set()).add(row["article_id"])
    for row in conn.execute("SELECT s.id, a.analysis, json_extract(s.state, '$.dirty') AS dirty FROM stories s "
                            "LEFT JOIN story_analyses a ON a.story_id = s.id"):
        if row["id"] not in members:
            continue
        if row["analysis"] is None or row["dirty"] == 1:
            problems.append(f"story {row['id']} was never analysed or its analysis is stale")
            continue
        analysed = set(json.loads(row["analysis"]).get("article_ids", []))
        if analysed != members[row["id"]]:
            problems.append(f"story {row['id']}: analysis covers {len(analysed)} article(s), the story has "
                            f"{len(members[row['id']])} (missing {sorted(members[row['id']] - analysed)[:3]})")
    return problems


def article_count(db: Path) -> int:
    """Committed articles, read the way a second process sees them (0 while the schema is being made)."""
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:  # no table yet, or the schema is being created
        return 0

"""The Spark engine: the same input through Spark ``local[2]`` and the local engine stores the same."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from newsweave import pipeline
from newsweave.cli import app
from newsweave.ingest import iter_inputs
from newsweave.records import RawDocument
from newsweave.spark import (
    PARQUET_COLUMNS,
    SparkEngineError,
    ingest_spark,
    prepared_from_row,
    prepared_to_row,
    spark_session,
)
from newsweave.store import Store

# `make test` installs pyspark (the dev extra) and Java: their absence is a failure, not a skip,
# or the engine-equivalence test would silently stop running.
try:
    import pyspark  # noqa: F401 - checks the extra is installed
except ImportError as exc:  # pragma: no cover - a broken setup
    raise RuntimeError("pyspark is missing: install the dev extra (make test does)") from exc
if shutil.which("java") is None:  # pragma: no cover - a broken setup
    raise RuntimeError("Spark needs Java 17: make test installs openjdk-17-jre-headless when missing")

CORPUS = EXAMPLES / "corpus"
# When each row was written differs between any two runs; everything else must not.
TIMESTAMPS = {"ingested_at", "created_at", "updated_at", "assigned_at"}


def database(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored table, row by row in storage order, without the write timestamps."""
    conn = sqlite3.connect(path)
    try:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'articles_fts%' "
            "ORDER BY name").fetchall()
        dump = {}
        for table, sql in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in TIMESTAMPS]
            quoted = ", ".join(f'"{c}"' for c in cols)
            order = "" if "WITHOUT ROWID" in sql.upper() else " ORDER BY rowid"  # else: primary key order
            dump[table] = conn.execute(f"SELECT {quoted} FROM {table}{order}").fetchall()
        return dump
    finally:
        conn.close()


def outcome(result: pipeline.IngestResult) -> dict[str, object]:
    """What an ingest run reports, errors and duplicates sorted (engines meet them at other times)."""
    return {
        "added": result.added,
        "duplicates": sorted((d.where, d.existing_id, d.reason) for d in result.duplicates),
        "errors": sorted((e.where, e.message) for e in result.errors),
        "assignments": [dataclasses.asdict(a) for a in result.assignments],
        "stories_analyzed": result.stories_analyzed,
    }


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], dict[str, list]]:
    db = tmp_path_factory.mktemp("local") / "local.db"
    with Store(db) as store:
        result = pipeline.ingest(store, [CORPUS], workers=1)
    assert not result.errors and len(result.added) == 16
    return outcome(result), database(db)


def test_prepared_records_survive_a_parquet_row() -> None:
    docs = [d for d in iter_inputs([CORPUS]) if isinstance(d, RawDocument)][:6]
    for seq, p in enumerate(pipeline.prepare_batch(docs)):
        row = dict(zip(PARQUET_COLUMNS, prepared_to_row(seq, p), strict=True))
        assert row["seq"] == seq and row["path"] == p.raw.path
        assert prepared_from_row(row) == p  # nested records (statements' timexes, ...) included


def test_spark_stores_the_same_as_the_local_engine(
    spark: object, local_run: tuple[dict[str, object], dict[str, list]], tmp_path: Path
) -> None:
    expected_result, expected_db = local_run
    out = tmp_path / "parquet"
    with Store(tmp_path / "spark.db") as store:
        # a chunk smaller than the corpus: several Spark jobs, merged in order
        result = ingest_spark(store, [CORPUS], spark=spark, work_dir=str(out), chunk_size=7)
    assert outcome(result) == expected_result
    assert database(tmp_path / "spark.db") == expected_db
    # the kept Parquet: one folder per job, one row per input, readable by any Parquet reader
    frame = spark.read.parquet(str(out))  # type: ignore[attr-defined]
    assert sorted(frame.columns) == sorted([*PARQUET_COLUMNS, "chunk"])
    assert frame.count() == 16 and frame.where("error IS NOT NULL").count() == 0


def test_uris_read_by_the_executors_store_the_same(
    spark: object, local_run: tuple[dict[str, object], dict[str, list]], tmp_path: Path
) -> None:
    expected_result, expected_db = local_run
    with Store(tmp_path / "uri.db") as store:
        result = ingest_spark(store, [CORPUS.resolve().as_uri()], spark=spark, chunk_bytes=30_000)
        # a second run skips every stored input before any Spark task
        again = ingest_spark(store, [CORPUS.resolve().as_uri()], spark=spark, analyze=False)
    assert outcome(result) == expected_result
    assert database(tmp_path / "uri.db") == expected_db
    assert not again.added and len(again.duplicates) == 16
    assert {d.reason for d in again.duplicates} == {"same input"}


@pytest.fixture
def bad_batch(tmp_path: Path) -> Path:
    batch = tmp_path / "batch"
    batch.mkdir()
    good = CORPUS / "norland-herald" / "2026-03-11-holt-arai-call.txt"
    shutil.copy(good, batch / "good.txt")
    shutil.copy(good, batch / "good-copy.txt")  # the same input twice
    (batch / "empty.txt").write_text("")
    (batch / "menu.html").write_text("<html><body><nav>Home | News</nav></body></html>")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (batch / "big.txt").write_text("x" * 200_000)
    (batch / "skipped.pdf").write_text("not an input type: skipped inside a folder")
    (batch / "feed.jsonl").write_text(
        '{"text": "' + good.read_text(encoding="utf-8").replace("\n", "\\n").replace('"', '\\"') + '", '
        '"outlet": "Feed Wire"}\n'
        "{broken json\n"
        '{"title": "no body"}\n'
        "\n"
        '["not", "an", "object"]\n',
        encoding="utf-8",
    )
    return batch


def test_bad_inputs_fail_the_same_way_as_locally(spark: object, bad_batch: Path, tmp_path: Path) -> None:
    inputs = [bad_batch, bad_batch / "missing.txt", bad_batch / "skipped.pdf", bad_batch / "good.txt"]
    with Store(tmp_path / "local.db") as store:
        local = pipeline.ingest(store, inputs, workers=1, max_bytes=100_000)
    expected = outcome(local)
    assert len(expected["errors"]) == 9 and len(expected["added"]) == 1  # type: ignore[arg-type]
    assert len(expected["duplicates"]) == 3  # type: ignore[arg-type]  # a copy, a row, a file named twice
    with Store(tmp_path / "spark.db") as store:
        assert outcome(ingest_spark(store, inputs, spark=spark, max_bytes=100_000)) == expected
    uris = [str(p.resolve().as_uri()) for p in inputs]
    with Store(tmp_path / "uri.db") as store:
        assert outcome(ingest_spark(store, uris, spark=spark, max_bytes=100_000)) == expected
    assert database(tmp_path / "spark.db") == database(tmp_path / "local.db") == database(tmp_path / "uri.db")


def test_a_kept_parquet_folder_is_never_overwritten(spark: object, tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "something.txt").write_text("the user's")
    with Store(tmp_path / "x.db") as store, pytest.raises(SparkEngineError, match="not an empty folder"):
        ingest_spark(store, [CORPUS / "feeds"], spark=spark, work_dir=str(out))
    assert (out / "something.txt").read_text() == "the user's"


def test_cli_ingest_with_the_spark_engine(spark: object, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    outlet = str(CORPUS / "harbour-gazette")
    run = CliRunner().invoke(app, ["ingest", "--engine", "spark", "--master", "local[2]", "--db", str(db), outlet])
    assert run.exit_code == 0, run.output
    assert "ingested 2 article(s)" in run.output
    assert spark.sparkContext._jsc is not None  # type: ignore[attr-defined]  # the shared session still runs
    bad = CliRunner().invoke(app, ["ingest", "--engine", "rocket", "--db", str(db), outlet])
    assert bad.exit_code == 2 and "unknown engine" in bad.output


def test_cli_says_how_to_install_spark_when_pyspark_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import pyspark.sql now fails
    run = CliRunner().invoke(app, ["ingest", "--engine", "spark", "--db", str(tmp_path / "x.db"), str(CORPUS)])
    assert run.exit_code == 2
    assert "pip install 'newsweave[spark]'" in run.output


def test_cli_says_java_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("newsweave.spark._active_session", lambda: None)  # as if no session ran yet
    monkeypatch.setattr("newsweave.spark.shutil.which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    run = CliRunner().invoke(app, ["ingest", "--engine", "spark", "--db", str(tmp_path / "x.db"), str(CORPUS)])
    assert run.exit_code == 2
    assert "Java was not found" in run.output


def test_ingest_help_names_the_spark_extra() -> None:
    # rich reads "[spark]" as markup and drops it unless escaped
    run = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "300"})
    assert run.exit_code == 0
    assert "pip install 'newsweave[spark]'" in run.output

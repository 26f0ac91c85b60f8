"""Exports of every table in JSON Lines, CSV and Parquet, and the report as JSON."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsweave import pipeline
from newsweave.cli import app
from newsweave.export import DERIVED_TABLES, export
from newsweave.store import Store


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    db = tmp_path_factory.mktemp("export") / "seeds.db"
    with Store(db) as store:
        assert not pipeline.ingest(store, [seeds_dir]).errors
    return db


def test_parquet_holds_every_table_with_every_row(seeds_db: Path, tmp_path: Path) -> None:
    with Store(seeds_db) as store:
        written = export(store, tmp_path, "parquet")
        assert {p.stem for p in written} == {*Store.EXPORT_TABLES, *DERIVED_TABLES}
        for table in Store.EXPORT_TABLES:
            count = store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            assert pq.read_table(tmp_path / f"{table}.parquet").num_rows == count, table
        facts = pq.read_table(tmp_path / "facts.parquet").to_pylist()
        story = store.story_rows()[0]
        assert len(facts) == len(store.analysis(story["id"])["facts"])
        raw = pq.read_table(tmp_path / "raw_inputs.parquet").to_pylist()
        assert {r["article_id"]: r["raw"] for r in raw} == {
            a.id: store.raw_input(a.id)[0] for a in store.articles()
        }
    assert not list(tmp_path.glob("*.tmp"))


def test_jsonl_and_csv_round_trip_text_and_raw_bytes(seeds_db: Path, tmp_path: Path) -> None:
    with Store(seeds_db) as store:
        export(store, tmp_path / "jsonl", "jsonl", ["articles", "raw_inputs", "evidence"])
        export(store, tmp_path / "csv", "csv", ["events"])
        bodies = {a.id: a.body for a in store.articles()}
        raws = {a.id: store.raw_input(a.id)[0] for a in store.articles()}
        n_events = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    rows = [json.loads(line) for line in (tmp_path / "jsonl" / "articles.jsonl").read_text().splitlines()]
    assert {r["id"]: r["body"] for r in rows} == bodies
    for line in (tmp_path / "jsonl" / "raw_inputs.jsonl").read_text().splitlines():
        row = json.loads(line)
        assert base64.b64decode(row["raw"]) == raws[row["article_id"]]
    for line in (tmp_path / "jsonl" / "evidence.jsonl").read_text().splitlines():
        ev = json.loads(line)
        assert bodies[ev["article_id"]][ev["start"]:ev["end"]].strip() == ev["sentence"]
    with (tmp_path / "csv" / "events.csv").open(encoding="utf-8") as fh:
        events = list(csv.DictReader(fh))
    assert len(events) == n_events
    assert {"plover", "cameo", "actor1", "actor2", "date", "sentence"} <= set(events[0])


def test_cli_export_and_unknown_format(seeds_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(seeds_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["articles"]) == 3 and report["stories"]
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(seeds_db), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "unknown format" in result.output

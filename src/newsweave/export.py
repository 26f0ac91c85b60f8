"""Exports: every stored table as JSON Lines, CSV or Parquet (for Spark, DuckDB, pandas), or the report as JSON.

Tables are streamed from the store in batches, so exporting a large database keeps memory flat.
Besides the stored tables, the corroborated analyses are flattened into ``facts``,
``evidence`` and ``timeline`` tables.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsweave.store import Store

FORMATS = ("json", "jsonl", "csv", "parquet")
DERIVED_TABLES = ("facts", "evidence", "timeline")
_SQL_TO_ARROW = {"TEXT": "string", "INTEGER": "int64", "REAL": "float64", "BLOB": "binary"}


def export(store: Store, out_dir: Path, fmt: str, tables: list[str] | None = None) -> list[Path]:
    """Write the export in ``fmt`` under ``out_dir``; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        from newsweave.report import build_report

        path = out_dir / "report.json"
        _atomic_write_text(path, json.dumps(build_report(store), ensure_ascii=False, indent=2))
        return [path]
    names = tables or [*Store.EXPORT_TABLES, *DERIVED_TABLES]
    written = []
    for name in names:
        columns, types = _schema(store, name)
        path = out_dir / f"{name}.{fmt}"
        tmp = path.with_name(path.name + ".tmp")
        rows = _rows(store, name)
        if fmt == "jsonl":
            _write_jsonl(tmp, rows)
        elif fmt == "csv":
            _write_csv(tmp, columns, rows)
        else:
            _write_parquet(tmp, columns, types, rows)
        tmp.replace(path)  # readers never see a half-written file
        written.append(path)
    return written


def _schema(store: Store, table: str) -> tuple[list[str], dict[str, str]]:
    if table == "facts":
        cols = {"story_id": "string", "fact_id": "string", "text": "string", "status": "string",
                "article_ids": "string", "outlets": "string", "conflict": "string"}
    elif table == "evidence":
        cols = {"story_id": "string", "fact_id": "string", "article_id": "string", "sentence": "string",
                "start": "int64", "end": "int64", "clause": "string"}
    elif table == "timeline":
        cols = {"story_id": "string", "date": "string", "text": "string", "article_ids": "string"}
    else:
        types = {r["name"]: _SQL_TO_ARROW.get((r["type"] or "TEXT").upper(), "string")
                 for r in store.conn.execute(f"PRAGMA table_info({table})")} if table in Store.EXPORT_TABLES else {}
        if not types:
            raise ValueError(f"unknown table {table!r}")
        cols = types
    return list(cols), cols


def _rows(store: Store, table: str) -> Iterator[dict[str, Any]]:
    if table not in DERIVED_TABLES:
        yield from store.table_rows(table)
        return
    for story in store.story_rows():
        analysis = store.analysis(story["id"])
        if analysis is None:
            continue
        if table == "timeline":
            for entry in analysis["timeline"]:
                yield {"story_id": story["id"], "date": entry["date"], "text": entry["text"],
                       "article_ids": json.dumps(entry["article_ids"])}
            continue
        for fact in analysis["facts"]:
            if table == "facts":
                yield {"story_id": story["id"], "fact_id": fact["id"], "text": fact["text"], "status": fact["status"],
                       "article_ids": json.dumps(fact["article_ids"]), "outlets": json.dumps(fact.get("outlets", [])),
                       "conflict": json.dumps(fact["conflict"], ensure_ascii=False) if fact["conflict"] else None}
            else:
                for ev in fact["evidence"]:
                    yield {"story_id": story["id"], "fact_id": fact["id"], "article_id": ev["article_id"],
                           "sentence": ev["sentence"], "start": ev["start"], "end": ev["end"],
                           "clause": ev.get("clause")}


def _text_value(value: Any) -> Any:
    """Bytes (the raw inputs) as base64 text where the format has no binary type."""
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes | memoryview) else value


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({k: _text_value(v) for k, v in row.items()}, ensure_ascii=False) + "\n")


def _write_csv(path: Path, columns: list[str], rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _text_value(v) for k, v in row.items()})


def _write_parquet(path: Path, columns: list[str], types: dict[str, str], rows: Iterator[dict[str, Any]],
                   batch: int = 2000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, getattr(pa, types[c])()) for c in columns])
    with pq.ParquetWriter(path, schema) as writer:
        buffer: list[dict[str, Any]] = []
        for row in rows:
            buffer.append(row)
            if len(buffer) >= batch:
                writer.write_table(pa.Table.from_pylist(buffer, schema=schema))
                buffer = []
        if buffer:
            writer.write_table(pa.Table.from_pylist(buffer, schema=schema))


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

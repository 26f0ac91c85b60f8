"""`make demo`: run the whole pipeline on the bundled sample corpus and say where the results are."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from newsweave import pipeline
from newsweave.brief import brief_html
from newsweave.report import build_report
from newsweave.store import Store

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"
# The three real seed articles live beside the repository, not in it (their text is the
# outlets'); when present they join the demo database as one more story.
SEEDS = Path(os.environ.get("NEWSWEAVE_SHARED", REPO.parent / "shared")) / "seeds"
OUT = REPO / "out"


def main(corpus: Path = CORPUS, out_dir: Path = OUT) -> int:
    console = Console()
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "demo.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    sources = [corpus] + ([SEEDS] if SEEDS.is_dir() else [])
    console.print(f"[bold]newsweave demo[/]: ingesting {', '.join(str(p) for p in sources)} ...")
    with Store(db) as store:
        result = pipeline.ingest(store, sources)
        for error in result.errors:
            console.print(f"[red]error:[/] {error}")
        report = build_report(store)
        rows = store.story_rows()
    report_path = out_dir / "report.json"
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(
        f"{len(result.added)} articles, {len(report['entities'])} entities, {len(report['stories'])} stories "
        f"({len(result.errors)} errors)"
    )
    if not report["stories"]:
        console.print("[red]no stories were formed[/]")
        return 1
    largest_id = max(rows, key=lambda r: (r["n_articles"], r["n_outlets"]))["id"]
    largest = next(s for s in report["stories"] if s["id"] == largest_id)
    console.rule(f"brief of the largest story ({len(largest['article_ids'])} articles)")
    console.print(Markdown(largest["brief"]))
    console.rule()
    brief_path = out_dir / "brief.md"
    brief_path.write_text(largest["brief"], encoding="utf-8")
    html_path = out_dir / "brief.html"
    html_path.write_text(brief_html(largest["brief"], largest["title"]), encoding="utf-8")
    counts = {s: sum(f["status"] == s for f in largest["facts"]) for s in ("corroborated", "single_source", "conflicting")}
    console.print(f"facts in that story: {counts}")
    console.print(f"report:   {report_path}")
    console.print(f"brief:    {brief_path} and {html_path}")
    console.print(f"database: {db}  (try: .venv/bin/newsweave stories --db {db})")
    return 0 if not result.errors else 1


if __name__ == "__main__":
    sys.exit(main())

"""The ``newsweave`` command line: a thin shell over the library."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from newsweave import pipeline
from newsweave.ingest import DEFAULT_MAX_BYTES, count_inputs
from newsweave.records import Article
from newsweave.store import DEFAULT_DB, Store, StoreError

app = typer.Typer(
    help="newsweave: turn many reports of the same events into one verified, cited account.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)  # one error, one line: never wrapped mid-path

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="NEWSWEAVE_DB", help="SQLite database file (created when missing)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _open(db: Path) -> Store:
    try:
        return Store(db)
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _run_ingest(store: Store, paths: list[str], max_bytes: int, batch_size: int, quiet: bool,
                workers: int = 1, engine: str = "local", master: str | None = None,
                spark_out: str | None = None, details: bool = False) -> pipeline.IngestResult:
    """Ingest with a progress bar. ``details`` keeps a record per article (``analyze`` needs the
    ids); without it only counts are kept, so memory does not grow with the input."""
    total = count_inputs(paths)
    columns = (
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, disable=quiet or not err.is_terminal, transient=True) as progress:
        task = progress.add_task("ingest", total=total or None, rate="")
        # The files seen lately: a file's lines are reported close together (at most a few batches
        # apart), so a bounded window counts each file once without a set of every path.
        recent_files: OrderedDict[str, None] = OrderedDict()
        files_done = 0

        def on_progress(what: str, where: str) -> None:
            nonlocal files_done
            path = where.rsplit(":", 1)[0] if where.rsplit(":", 1)[-1].isdigit() else where
            if path not in recent_files:
                recent_files[path] = None
                if len(recent_files) > 10_000:
                    recent_files.popitem(last=False)
                files_done += 1
                progress.advance(task)
                elapsed = progress.tasks[0].elapsed or 0
                if elapsed > 0:
                    progress.update(task, rate=f"{files_done / elapsed:.1f} files/s")

        stdin = sys.stdin.buffer if "-" in paths else None
        if engine == "spark":  # imported here: pyspark is an optional extra
            from newsweave.spark import ingest_spark

            return ingest_spark(store, paths, master=master, batch_size=batch_size, work_dir=spark_out,
                                max_bytes=max_bytes, on_progress=on_progress, stdin=stdin)
        return pipeline.ingest(store, paths, max_bytes=max_bytes, batch_size=batch_size, on_progress=on_progress,
                               stdin=stdin, workers=workers, result=pipeline.IngestResult(details=details))


def _print_ingest_summary(result: pipeline.IngestResult, quiet: bool) -> None:
    for error in result.errors:
        err.print(f"[red]error:[/] {escape(str(error))}")
    if not quiet:
        err.print(
            f"ingested {result.n_added} article(s), {result.n_duplicates} duplicate(s) skipped, "
            f"{len(result.errors)} error(s); {len(result.touched_stories)} story(ies) touched "
            f"({len(result.new_stories)} new)"
        )


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    db: DbOption = Path(DEFAULT_DB),
    max_bytes: Annotated[int, typer.Option(help="Reject input files larger than this.")] = DEFAULT_MAX_BYTES,
    batch_size: Annotated[int, typer.Option(help="Articles per spaCy batch and per write transaction.")] = 16,
    workers: Annotated[int, typer.Option(help="Worker processes for cleaning and extraction (default: all cores).")
                       ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    engine: Annotated[str, typer.Option(
        help="local: worker processes on this machine; spark: Spark tasks (pip install 'newsweave\\[spark]').")
    ] = "local",
    master: Annotated[str | None, typer.Option(
        help="Spark master for --engine spark: local[2], spark://host:7077, yarn, k8s://... "
             "(default: what spark-submit set, else local[*]).")] = None,
    spark_out: Annotated[str | None, typer.Option(
        "--spark-out", help="Keep the Spark engine's Parquet results in this new folder (on a cluster: an "
                            "hdfs:// or s3a:// folder the driver can read too). Default: a temporary one.")] = None,
) -> None:
    """Ingest articles (.txt scraped text, .html pages, .jsonl feeds): clean, extract, cluster, store.

    Already stored inputs are skipped before any work, so an interrupted run resumes where it
    stopped. Exits 1 when any input failed (the rest is still stored). With --engine spark,
    PATHs may also be URIs the cluster reads (hdfs://, s3a://, file://); the store stays here.
    """
    if engine not in ("local", "spark"):
        err.print(f"[red]error:[/] unknown engine {escape(engine)!r}; choose local or spark")
        raise typer.Exit(2)
    if engine == "local" and (master or spark_out):
        err.print("[red]error:[/] --master and --spark-out need --engine spark")
        raise typer.Exit(2)
    # newsweave.spark imports pyspark only when the engine runs: safe without the extra
    from newsweave.spark import SparkEngineError, SparkUnavailable

    with _open(db) as store:
        try:
            result = _run_ingest(store, paths, max_bytes, batch_size, quiet, workers or pipeline.default_workers(),
                                 engine, master, spark_out)
        except (SparkUnavailable, SparkEngineError) as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
    _print_ingest_summary(result, quiet)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def articles(
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many to list.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Full-text search.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List stored articles."""
    with _open(db) as store:
        rows = store.articles(limit=limit, offset=offset, outlet=outlet, query=query)
        total = store.count_articles(outlet=outlet, query=query)
    if as_json:
        print(json.dumps([_article_summary(a) for a in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{total} article(s)" + (f", showing {offset + 1}-{offset + len(rows)}" if rows else ""))
    for col in ("id", "published", "outlet", "title", "words"):
        table.add_column(col, overflow="fold")
    for a in rows:
        published = (a.published or "")[:16] + (" ~" if a.published_estimated else "")
        table.add_row(a.id, published, a.outlet or "", a.title or "", str(len(a.body.split())))
    out.print(table)


def _article_summary(a: Article) -> dict[str, object]:
    return {"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published,
            "published_estimated": a.published_estimated, "authors": a.authors, "path": a.path,
            "language": a.language}


def _resolve_article(store: Store, article_id: str) -> str:
    found = store.find_article_id(article_id)
    if len(found) == 1:
        return found[0]
    if not found:
        err.print(f"[red]error:[/] no article with id {escape(article_id)}")
    else:
        err.print(f"[red]error:[/] id prefix {escape(article_id)} is ambiguous: {', '.join(found)}")
    raise typer.Exit(2)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (a unique prefix is enough).")],
    db: DbOption = Path(DEFAULT_DB),
    raw: Annotated[bool, typer.Option("--raw", help="Print the raw input as it was ingested.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Print one article: metadata, clean body, and what extraction found."""
    from newsweave import views
    from newsweave.report import article_record

    with _open(db) as store:
        aid = _resolve_article(store, article_id)
        if raw:
            data, _fmt, encoding = store.raw_input(aid) or (b"", "", "utf-8")
            sys.stdout.write(data.decode(encoding or "utf-8", errors="replace"))
            return
        article = store.article(aid)
        assert article is not None
        extraction = store.extraction(aid)
        assignment = store.story_of(aid)
        if as_json:
            record = article_record(article, extraction)
            record["story"] = None if assignment is None else {
                "id": assignment.story_id, "scores": assignment.scores, "reason": assignment.reason,
                "duplicate_of": assignment.duplicate_of,
            }
            print(json.dumps(record, ensure_ascii=False, indent=2))
            return
        views.print_article(out, article, extraction, assignment)


@app.command()
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Where to write the JSON report.")] = Path(
        "report.json"),
    db: Annotated[Path | None, typer.Option("--db", help="Keep the database here (default: a temporary one).")] = None,
    max_bytes: Annotated[int, typer.Option(help="Reject input files larger than this.")] = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Run every stage on PATHs and write the report (articles, entities, stories) as JSON."""
    from newsweave.report import build_report

    with tempfile.TemporaryDirectory(prefix="newsweave-") as tmp:
        store = _open(db or Path(tmp) / "analyze.db")
        try:
            result = _run_ingest(store, paths, max_bytes, 16, quiet, details=True)
            ids = list(dict.fromkeys([*result.added, *(d.existing_id for d in result.duplicates)]))
            report = build_report(store, ids)
        finally:
            store.close()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out_path.with_name(out_path.name + ".tmp")
    tmp_out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp_out, out_path)  # never leave a half-written report behind
    _print_ingest_summary(result, quiet)
    if not quiet:
        err.print(f"report: {out_path} ({len(report['articles'])} articles, {len(report['entities'])} entities, "
                  f"{len(report['stories'])} stories)")
    if result.failed:
        raise typer.Exit(1)


@app.command()
def brief(
    story_id: Annotated[str, typer.Argument(help="Story id (a unique prefix is enough).")],
    db: DbOption = Path(DEFAULT_DB),
    html: Annotated[Path | None, typer.Option("--html", help="Also write the brief as an HTML page here.")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print raw Markdown, not rendered.")] = False,
) -> None:
    """Print a story's cited brief: what all outlets agree on, where they differ, who said what, timeline."""
    from rich.markdown import Markdown

    from newsweave.brief import brief_html

    with _open(db) as store:
        found = store.find_story_id(story_id)
        if len(found) != 1:
            err.print(f"[red]error:[/] {'no story' if not found else 'ambiguous story id'} {escape(story_id)}")
            raise typer.Exit(2)
        if found[0] in store.stale_stories():
            pipeline.analyze_stories(store, found)
        analysis = store.analysis(found[0])
    if analysis is None:
        err.print(f"[red]error:[/] story {escape(found[0])} has no analysis yet")
        raise typer.Exit(2)
    if html is not None:
        html.write_text(brief_html(analysis["brief"], analysis["title"]), encoding="utf-8")
        err.print(f"HTML brief: {html}")
    if markdown or not out.is_terminal:
        sys.stdout.write(analysis["brief"])
    else:
        out.print(Markdown(analysis["brief"]))


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the export into.")],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", "-f", help="json (the report), jsonl, csv or parquet.")] = "parquet",
    table: Annotated[list[str] | None, typer.Option("--table", "-t", help="Only these tables (repeatable).")] = None,
) -> None:
    """Export every table (articles, entities, events, quotes, stories, facts, evidence, ...) for analysis
    in Spark, DuckDB or pandas, or the whole report as JSON."""
    from newsweave.export import export as run_export

    with _open(db) as store:
        try:
            written = run_export(store, out_dir, fmt, table)
        except ValueError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc
    for path in written:
        out.print(str(path))


def _register_subcommands() -> None:
    """Commands that live in their own modules (stories, serve), registered on the one app."""
    from newsweave.cli_serve import register as register_serve
    from newsweave.cli_stories import register as register_stories

    register_stories(app)
    register_serve(app)


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

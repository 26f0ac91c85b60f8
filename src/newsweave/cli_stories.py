"""The ``stories``, ``story`` and ``recluster`` commands (registered on the main Typer app).

Kept apart from ``newsweave.cli`` so the clustering commands can evolve without touching it;
``newsweave.cli`` calls ``register(app)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from newsweave.store import DEFAULT_DB, Store, StoreError

out = Console()
err = Console(stderr=True)

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


def _resolve_story(store: Store, story_id: str) -> str:
    alias = store.story_alias(story_id)
    if alias is not None:  # merged into another story since
        err.print(f"note: story {escape(story_id)} was merged into {alias}")
        return alias
    found = store.find_story_id(story_id)
    if not found and not story_id.startswith("s-"):
        found = store.find_story_id("s-" + story_id)  # accept the article-id part alone
    if len(found) == 1:
        return found[0]
    if not found:
        err.print(f"[red]error:[/] no story with id {escape(story_id)}")
    else:
        err.print(f"[red]error:[/] id prefix {escape(story_id)} is ambiguous: {', '.join(found)}")
    raise typer.Exit(2)


def _day(value: str | None) -> str:
    return (value or "")[:10]


def stories(
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many to list.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    since: Annotated[str | None, typer.Option(help="Only stories on or after this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Only stories on or before this day.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only stories mentioning this entity id.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only stories with an article from this outlet.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Full-text search in their articles.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List stories: title, event date, publication range, number of articles and outlets."""
    with _open(db) as store:
        rows = store.story_rows(limit=limit, offset=offset, since=since, until=until, entity_id=entity,
                                outlet=outlet, query=query)
        total = store.count_stories()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{total} story(ies)" + (f", showing {offset + 1}-{offset + len(rows)}" if rows else ""))
    for col in ("id", "event date", "title", "articles", "outlets", "published"):
        table.add_column(col, overflow="fold")
    for r in rows:
        published = _day(r["first_published"])
        if _day(r["last_published"]) != published:
            published += f" .. {_day(r['last_published'])}"
        table.add_row(r["id"], r["event_date"] or "", escape(r["title"] or ""), str(r["n_articles"]),
                      str(r["n_outlets"]), published)
    out.print(table)


def story(
    story_id: Annotated[str, typer.Argument(help="Story id (a unique prefix is enough).")],
    db: DbOption = Path(DEFAULT_DB),
    as_json: JsonOption = False,
) -> None:
    """Show one story: its articles and, for each, the scores and reason of its assignment."""
    with _open(db) as store:
        sid = _resolve_story(store, story_id)
        row = store.story_rows(ids=[sid])
        state = store.story_state(sid) or {}
        assignments = store.assignments(sid)
        articles = {a.id: a for a in store.articles(ids=[x.article_id for x in assignments])}
    info: dict[str, Any] = row[0] if row else {"id": sid, "title": state.get("title", sid), "event_date": None,
                                               "first_published": None, "last_published": None,
                                               "n_articles": 0, "n_outlets": 0}
    records = []
    for x in assignments:
        a = articles.get(x.article_id)
        records.append({
            "id": x.article_id, "outlet": a.outlet if a else None, "published": a.published if a else None,
            "title": a.title if a else None, "duplicate_of": x.duplicate_of, "new_story": x.new_story,
            "scores": x.scores, "reason": x.reason,
        })
    if as_json:
        print(json.dumps({
            "id": sid, "title": info["title"], "event_date": info["event_date"],
            "first_published": info["first_published"], "last_published": info["last_published"],
            "n_articles": info["n_articles"], "n_outlets": info["n_outlets"],
            "n_independent": state.get("n_unique"), "articles": records,
        }, ensure_ascii=False, indent=2))
        return
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    for label, value in (
        ("id", sid), ("title", info["title"]), ("event date", info["event_date"] or "unknown"),
        ("published", f"{_day(info['first_published'])} .. {_day(info['last_published'])}"),
        ("articles", f"{info['n_articles']} from {info['n_outlets']} outlet(s), "
                     f"{state.get('n_unique', info['n_articles'])} independent (near-duplicates counted once)"),
    ):
        meta.add_row(label, escape(str(value)))
    out.print(Panel(meta, title="story", expand=False))
    table = Table(title="articles and why they are here")
    for col in ("article", "outlet", "published", "title", "duplicate of", "assignment"):
        table.add_column(col, overflow="fold")
    for r in records:
        main = ("score", "text", "link", "entities", "event", "date_gap", "dup_jaccard")
        scores = ", ".join(f"{k}={r['scores'][k]:g}" for k in main if k in r["scores"])
        table.add_row(r["id"], escape(r["outlet"] or ""), escape((r["published"] or "")[:16]),
                      escape(r["title"] or ""), r["duplicate_of"] or "",
                      escape(r["reason"]) + (f"\n[dim]{escape(scores)}[/]" if scores else ""))
    out.print(table)


def recluster_command(
    db: DbOption = Path(DEFAULT_DB),
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze",
                                          help="Recompute the stories' analysis afterwards.")] = True,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Re-cluster every stored article from scratch and report what changed."""
    from newsweave.cluster import recluster

    with _open(db) as store:
        result = recluster(store)
        analyzed: list[str] = []
        if analyze:
            from newsweave import pipeline

            analyzed = pipeline.analyze_stories(store, store.stale_stories(), workers=pipeline.default_workers())
    if as_json:
        print(json.dumps({
            "articles": result.articles, "stories_before": result.stories_before,
            "stories_after": result.stories_after, "same_partition": result.same_partition,
            "moved": [m.__dict__ for m in result.moved], "retired": result.retired, "created": result.created,
            "analyzed": len(analyzed),
        }, indent=2))
        return
    if quiet:
        return
    out.print(result.summary())
    if result.moved:
        table = Table(title="articles that changed story")
        for col in ("article", "before", "after"):
            table.add_column(col)
        for m in result.moved[:50]:
            table.add_row(m.article_id, m.before or "", m.after)
        out.print(table)
        if len(result.moved) > 50:
            out.print(f"... and {len(result.moved) - 50} more (use --json for all)")


def register(app: typer.Typer) -> None:
    """Add ``stories``, ``story`` and ``recluster`` to the newsweave command line."""
    app.command("stories")(stories)
    app.command("story")(story)
    app.command("recluster")(recluster_command)

"""Terminal rendering of articles and stories for the CLI (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from newsweave.records import Article, ArticleExtraction, StoryAssignment


def print_article(
    console: Console,
    article: Article,
    extraction: ArticleExtraction | None,
    assignment: StoryAssignment | None,
) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    published = article.published or "unknown"
    if article.published_estimated:
        published += " (estimated)"
    for label, value in (
        ("id", article.id),
        ("title", article.title),
        ("subtitle", article.subtitle),
        ("outlet", article.outlet or "unknown"),
        ("authors", ", ".join(article.authors) or "none given"),
        ("published", published),
        ("updated", article.updated),
        ("language", article.language),
        ("source", article.path + (f":{article.line}" if article.line else "")),
        ("url", article.url),
    ):
        if value:
            meta.add_row(label, escape(str(value)))
    console.print(Panel(meta, title="article", expand=False))

    headings = set(article.headings)
    for paragraph in article.body.split("\n"):
        if paragraph in headings:
            console.print(f"\n[bold underline]{escape(paragraph)}[/]")
        else:
            console.print(escape(paragraph), soft_wrap=False)
            console.print()

    if assignment is not None:
        scores = ", ".join(f"{k}={v:.2f}" for k, v in sorted(assignment.scores.items()))
        dup = f"; near-duplicate of {assignment.duplicate_of}" if assignment.duplicate_of else ""
        console.print(Panel(
            f"story [bold]{escape(assignment.story_id)}[/] ({'new story' if assignment.new_story else 'joined'})"
            f"{escape(dup)}\n{escape(assignment.reason)}\nscores: {escape(scores)}",
            title="story", expand=False,
        ))
    if extraction is None:
        return
    if not extraction.extracted:
        console.print(f"[yellow]not extracted:[/] {escape(extraction.note or '')}")
        return
    _print_extraction(console, extraction)


def _print_extraction(console: Console, ex: ArticleExtraction) -> None:
    if ex.entities:
        table = Table(title="entities")
        for col in ("id", "name", "type", "country", "aliases in this article"):
            table.add_column(col, overflow="fold")
        for entity in ex.entities:
            aliases = sorted({m.text for m in ex.mentions if m.entity_id == entity.id})
            table.add_row(entity.id, entity.name, entity.type, entity.country or "", escape("; ".join(aliases)))
        console.print(table)
    if ex.timexes:
        table = Table(title="time expressions")
        for col in ("text", "type", "value", "offsets"):
            table.add_column(col)
        for t in ex.timexes:
            table.add_row(escape(t.text), t.type, t.value, f"{t.start}-{t.end}")
        console.print(table)
    if ex.quantities:
        table = Table(title="quantities")
        for col in ("text", "value", "unit", "approx", "offsets"):
            table.add_column(col)
        for q in ex.quantities:
            table.add_row(escape(q.text), f"{q.value:g}", q.unit, q.approx, f"{q.start}-{q.end}")
        console.print(table)
    if ex.quotes:
        table = Table(title="quotes")
        for col in ("speaker", "quote", "direct"):
            table.add_column(col, overflow="fold")
        for q in ex.quotes:
            table.add_row(escape(q.speaker or "?"), escape(q.text), "yes" if q.direct else "reported")
        console.print(table)
    if ex.events:
        table = Table(title="events")
        for col in ("date", "plover", "cameo", "actor1", "actor2", "location", "sentence"):
            table.add_column(col, overflow="fold")
        for e in ex.events:
            table.add_row(e.date or "", e.plover + (f"/{e.mode}" if e.mode else ""), e.cameo or "",
                          escape(e.actor1), escape(e.actor2 or ""), escape(e.location or ""), escape(e.sentence))
        console.print(table)

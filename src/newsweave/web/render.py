"""HTML fragments the pages need that templates cannot express: marked-up article bodies,
the SVG timeline and fact bars, the brief as HTML, and the coverage matrix.

Every function here escapes the text it is given and returns ``Markup``: stored article text
is untrusted (an article may well contain ``<script>``), so nothing reaches a page unescaped.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

from newsweave.records import Article, ArticleExtraction

STATUSES = ("corroborated", "conflicting", "single_source")
STATUS_LABELS = {"corroborated": "corroborated", "conflicting": "conflicting", "single_source": "single-source"}


def attr(value: object) -> str:
    """An attribute value, escaped (quotes included)."""
    return escape(str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: a stored ``javascript:`` URL must never become a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def path_id(value: str) -> str:
    """An id as one URL path segment (entity ids contain ':'; any id could contain '/')."""
    return quote(value, safe=":@-._~")


def outlet_name(article: Article) -> str:
    """Display name of an article's outlet (the brief's rule: unknown outlets are named by their file)."""
    return article.outlet or f"unknown outlet ({article.path.rsplit('/', 1)[-1]})"


# ------------------------------------------------------------------ marked text


@dataclass(frozen=True)
class Mark:
    """One span of the body to wrap: ``open``/``close`` are trusted tag strings built with ``attr``."""

    start: int
    end: int
    open: str
    close: str
    rank: int = 0  # among marks with the same extent, the lower rank is the outer one
    first_open: str | None = None  # the opening tag for the first piece (e.g. with an anchor id)


def render_marked(text: str, marks: Iterable[Mark], headings: Iterable[str] = ()) -> Markup:
    """The body as ``<p>`` paragraphs (one per line) with every mark wrapped around its span.

    Marks may nest or cross: crossing ones are closed and reopened around the other's end, so
    the HTML always nests properly. Text between tags is escaped.
    """
    heading_set = set(headings)
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    out: list[str] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        inside = [m for m in valid if m.start < end and m.end > start]
        tag = "h3" if line in heading_set else "p"
        out.append(f"<{tag}>{_render_line(text, start, end, inside)}</{tag}>")
    return Markup("\n".join(out))


def _render_line(text: str, start: int, end: int, marks: list[Mark]) -> str:
    # Outer marks first: earlier start, then longer, then rank.
    order = {id(m): (max(m.start, start), -min(m.end, end), m.rank, i) for i, m in enumerate(marks)}
    starts: dict[int, list[Mark]] = defaultdict(list)
    ends: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        starts[max(m.start, start)].append(m)
        ends[min(m.end, end)].append(m)
    points = sorted({start, end, *starts, *ends})
    active: list[Mark] = []
    stack: list[Mark] = []
    opened: set[int] = set()
    out: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        active = [m for m in active if id(m) not in {id(x) for x in ends.get(a, ())}]
        active += starts.get(a, [])
        active.sort(key=lambda m: order[id(m)])
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
            keep += 1
        out.extend(m.close for m in reversed(stack[keep:]))
        for m in active[keep:]:
            out.append(m.first_open if m.first_open and id(m) not in opened else m.open)
            opened.add(id(m))
        stack = list(active)
        out.append(escape(text[a:b], quote=False))
    out.extend(m.close for m in reversed(stack))
    return "".join(out)


def locate(body: str, start: int, end: int, sentence: str | None) -> tuple[int, int] | None:
    """The span of an evidence sentence: its offsets when they still match the body, else where the
    sentence is found (offsets go stale if a body is re-cleaned), else None."""
    if 0 <= start < end <= len(body) and (not sentence or body[start:end].strip() == sentence.strip()):
        return start, end
    if sentence and sentence.strip():
        found = body.find(sentence.strip())
        if found >= 0:
            return found, found + len(sentence.strip())
    return None


def evidence_marks(article: Article, facts: Sequence[Mapping[str, Any]], selected: str | None) -> list[Mark]:
    """One ``span.ev`` per evidence span of this article; facts sharing a span share the mark."""
    by_span: dict[tuple[int, int], list[str]] = defaultdict(list)
    for fact in facts:
        for ev in fact.get("evidence") or []:
            if ev.get("article_id") != article.id:
                continue
            span = locate(article.body, int(ev.get("start", -1)), int(ev.get("end", -1)), ev.get("sentence"))
            if span and fact["id"] not in by_span[span]:
                by_span[span].append(fact["id"])
    marks = []
    first_of_fact: set[str] = set()
    for (start, end), fact_ids in sorted(by_span.items()):
        classes = "ev hl" if selected in fact_ids else "ev"
        base = f'<span class="{classes}" data-facts="{attr(" ".join(fact_ids))}"'
        anchors = [f for f in fact_ids if f not in first_of_fact]
        first_of_fact.update(fact_ids)
        # The first span of each fact gets an anchor, so "?fact=ID#ev-ARTICLE-FACT" links work without JS.
        first = base + (f' id="{attr(evidence_anchor(article.id, anchors[0]))}"' if anchors else "") + ">"
        marks.append(Mark(start, end, base + ">", "</span>", first_open=first))
    return marks


def evidence_anchor(article_id: str, fact_id: str) -> str:
    return f"ev-{article_id}-{fact_id}"


def article_marks(article: Article, ex: ArticleExtraction | None, entity_names: Mapping[str, str]) -> list[Mark]:
    """Events (outermost), quotes, dates, quantities and entity mentions (innermost, as links)."""
    if ex is None:
        return []
    marks: list[Mark] = []
    for e in ex.events:
        who = e.actor1 + (f" → {e.actor2}" if e.actor2 else "")
        title = f"event {e.plover}{f' ({e.cameo})' if e.cameo else ''}: {who}" + (f", {e.date}" if e.date else "")
        marks.append(Mark(e.start, e.end, f'<span class="mk evt" title="{attr(title)}">', "</span>", rank=0))
    for q in ex.quotes:
        title = f"{'quote' if q.direct else 'reported speech'}: {q.speaker or 'unattributed'}"
        marks.append(Mark(q.start, q.end, f'<span class="mk quote" title="{attr(title)}">', "</span>", rank=1))
    for t in ex.timexes:
        title = f"{t.type} {t.value}"
        marks.append(Mark(t.start, t.end, f'<time class="mk tx" title="{attr(title)}">', "</time>", rank=2))
    for n in ex.quantities:
        title = f"{n.kind}: {n.value:g} {n.unit} ({n.approx})"
        marks.append(Mark(n.start, n.end, f'<span class="mk qty" title="{attr(title)}">', "</span>", rank=2))
    # Links cannot nest: keep the longest of overlapping mentions.
    taken: list[tuple[int, int]] = []
    for m in sorted(ex.mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if any(m.start < e and m.end > s for s, e in taken):
            continue
        taken.append((m.start, m.end))
        name = entity_names.get(m.entity_id, m.entity_id)
        marks.append(Mark(
            m.start, m.end,
            f'<a class="mk ent" href="/entities/{attr(path_id(m.entity_id))}" title="{attr(name)}">', "</a>", rank=3,
        ))
    return marks


# ------------------------------------------------------------------ SVG


def fact_bar(counts: Mapping[str, int], width: int = 160, height: int = 10) -> Markup:
    """A stacked bar of corroborated / conflicting / single-source facts (SVG; no inline styles)."""
    total = sum(counts.get(s, 0) for s in STATUSES)
    label = ", ".join(f"{counts.get(s, 0)} {STATUS_LABELS[s]}" for s in STATUSES)
    parts = [f'<svg class="factbar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{attr(label)}"><title>{escape(label)}</title>']
    if not total:
        parts.append(f'<rect class="fb-none" x="0" y="0" width="{width}" height="{height}"/>')
    x = 0.0
    for status in STATUSES:
        n = counts.get(status, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect class="fb-{status}" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}"/>')
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))


def parse_day(value: str | None) -> date | None:
    """The first day a TIMEX-style date stands for ("2026", "2026-03", "2026-03-10T..."), or None."""
    if not value:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def timeline_svg(entries: Sequence[Mapping[str, Any]], numbers: Mapping[str, int], width: int = 760) -> Markup:
    """The timeline on a vertical axis: a dot per entry, the date on the left, the text and its
    citations on the right. Gaps between dates add space on a log scale (a day apart reads
    differently from three months apart) and long gaps are drawn dashed."""
    dated = sorted(((parse_day(e.get("date")), e) for e in entries), key=lambda de: (de[0] is None, de[0] or date.min))
    if not dated:
        return Markup("")
    axis_x, text_x, top, line_h = 118, 138, 24, 17
    chars = max(30, (width - text_x - 10) // 7)
    items: list[str] = []
    axis: list[str] = []
    y, prev_day, prev_bottom = float(top), None, float(top) - 10
    for d, e in dated:
        lines = textwrap.wrap(str(e.get("text") or ""), chars) or [""]
        gap_days = (d - prev_day).days if d is not None and prev_day is not None else 0
        y = prev_bottom + 10 + (min(60.0, 9 * math.log2(1 + gap_days)) if gap_days > 0 else 0) if items else float(top)
        if gap_days > 14:
            axis.append(f'<line class="tl-gap" x1="{axis_x}" y1="{prev_bottom - 8:.0f}" x2="{axis_x}" y2="{y - 8:.0f}"/>'
                        f'<text class="tl-gaptext" x="{axis_x + 12}" y="{(prev_bottom + y) / 2:.0f}">'
                        f"{_gap_words(gap_days)} later</text>")
        ids = list(e.get("article_ids") or [])
        cites = "".join(f"[{numbers[a]}]" for a in sorted((a for a in ids if a in numbers), key=numbers.__getitem__))
        multi = " tl-multi" if len(ids) > 1 else ""
        label = str(e.get("date") or "undated")
        tspans = "".join(
            f'<tspan x="{text_x}" dy="{0 if i == 0 else line_h}">{escape(line, quote=False)}</tspan>'
            for i, line in enumerate(lines)
        )
        items.append(
            f'<g class="tl-entry{multi}"><title>{escape(label)}: {escape(str(e.get("text") or ""))} '
            f"({len(ids)} source(s))</title>"
            f'<circle cx="{axis_x}" cy="{y:.0f}" r="{6 if multi else 5}"/>'
            f'<text class="tl-date" x="{axis_x - 14}" y="{y + 4:.0f}" text-anchor="end">{escape(label)}</text>'
            f'<text class="tl-text" x="{text_x}" y="{y + 4:.0f}">{tspans}'
            f'<tspan class="tl-cite" dx="6">{escape(cites)}</tspan></text></g>'
        )
        prev_bottom = y + (len(lines) - 1) * line_h + 18
        prev_day = d if d is not None else prev_day
    height = int(prev_bottom + 10)
    summary = f"Timeline of {len(entries)} entries"
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{attr(summary)}"><title>{escape(summary)}</title>'
        f'<line class="tl-axis" x1="{axis_x}" y1="{top - 14}" x2="{axis_x}" y2="{height - 6}"/>'
        + "".join(axis) + "".join(items) + "</svg>"
    )


def _gap_words(days: int) -> str:
    if days >= 700:
        return f"{round(days / 365.25)} years"
    if days >= 60:
        return f"{round(days / 30.44)} months"
    return f"{days} days"


# ------------------------------------------------------------------ brief


def brief_markup(markdown: str, number_links: Mapping[int, str], drop_title: bool = True) -> Markup:
    """The brief as HTML: raw HTML in it is escaped (``html: False``), and each citation ``[n]``
    becomes a link to that source's column. Citations are linked in text tokens only, never
    inside attributes."""
    if drop_title and markdown.startswith("# "):
        markdown = markdown.split("\n", 1)[1] if "\n" in markdown else ""
    md = MarkdownIt("commonmark", {"html": False})

    def text_rule(renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        content = escape(tokens[idx].content, quote=False)

        def link(m: re.Match[str]) -> str:
            target = number_links.get(int(m.group(1)))
            return f'<a class="cite" href="{attr(target)}">[{m.group(1)}]</a>' if target else m.group(0)

        return re.sub(r"\[(\d{1,4})\]", link, content)

    md.add_render_rule("text", text_rule)
    return Markup(md.render(markdown))


# ------------------------------------------------------------------ coverage matrix


@dataclass
class Column:
    outlet: str
    article_ids: list[str] = field(default_factory=list)


@dataclass
class Cell:
    kind: str  # "yes", "no", "value"
    text: str
    title: str


@dataclass
class Row:
    fact: Mapping[str, Any]
    cells: list[Cell]


def outlet_columns(articles: Sequence[Article]) -> list[Column]:
    """One column per outlet, in the order the outlet first appears; an outlet's articles share it."""
    cols: dict[str, Column] = {}
    for a in articles:
        cols.setdefault(outlet_name(a), Column(outlet_name(a))).article_ids.append(a.id)
    return list(cols.values())


def coverage_rows(facts: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> list[Row]:
    """Facts × outlets: ✓ the outlet states the fact, ✗ it does not, or the value it gives when
    the sources conflict."""
    rows = []
    for fact in facts:
        stating = set(fact.get("article_ids") or [])
        conflict = fact.get("conflict")
        cells = []
        for col in columns:
            mine = set(col.article_ids)
            if conflict:
                values = [str(v["value"]) for v in conflict.get("values", []) if mine & set(v.get("article_ids", []))]
                if values:
                    text = " / ".join(values)
                    cells.append(Cell("value", text, f"{col.outlet} gives {conflict.get('slot')} as {text}"))
                    continue
            if mine & stating:
                cells.append(Cell("yes", "✓", f"{col.outlet} states this"))
            else:
                cells.append(Cell("no", "✗", f"{col.outlet} does not state this"))
        rows.append(Row(fact, cells))
    return rows

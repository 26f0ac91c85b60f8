"""Server-rendered pages: home, story, article, entity, search. Readable without JavaScript;
``static/app.js`` only adds click-to-highlight without a reload and the mark toggles.

Templates are Jinja2 with autoescape on; the few HTML fragments built in Python come from
``newsweave.web.render``, which escapes everything it is given.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from newsweave.web import render
from newsweave.web.api import (
    DATE_RE,
    article_summary,
    not_found,
    raw_response,
    reading,
    split_snippet,
    story_analysis,
    until_day,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
# Pages load only their own CSS and JS: no inline script or style, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

env = Environment(
    loader=PackageLoader("newsweave.web", "templates"),
    autoescape=True,  # every {{ value }} is escaped unless it is Markup from render.py
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(
    path_id=render.path_id,
    safe_url=render.safe_url,
    fact_bar=render.fact_bar,
    status_labels=render.STATUS_LABELS,
)


def html(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    body = env.get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(body, status_code=status, headers={"content-security-policy": PAGE_CSP})


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return html(request, "error.html", status=status, status_code=status, message=message, title=f"Error {status}")


def _pager(request: Request, offset: int, count: int, total: int, size: int) -> dict[str, str | None]:
    """Links to the previous and next page, keeping the other query parameters."""

    def at(new_offset: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset" and v]
        if new_offset:
            params.append(("offset", str(new_offset)))
        return request.url.path + ("?" + urlencode(params) if params else "")

    return {
        "prev": at(max(0, offset - size)) if offset > 0 else None,
        "next": at(offset + size) if offset + count < total else None,
        "from": str(offset + 1 if count else 0), "to": str(offset + count), "total": str(total),
    }


# ------------------------------------------------------------------ home


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    since: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    until: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    outlet: str | None = None,
    entity: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    filters = {"since": since, "until": until_day(until), "outlet": outlet or None, "entity_id": entity or None}
    with reading(request) as store:
        rows = store.story_rows(limit=PAGE_SIZE, offset=offset, **filters)
        total = store.count_story_rows(**filters)
        counts = store.fact_status_counts([r["id"] for r in rows])
        outlets = store.outlets()
        stats = store.stats()
        entity_obj = store.entity(entity) if entity else None
    return html(
        request, "home.html", title="Stories", rows=rows, counts=counts, outlets=outlets, stats=stats,
        pager=_pager(request, offset, len(rows), total, PAGE_SIZE),
        filters={"since": since or "", "until": until or "", "outlet": outlet or "", "entity": entity or ""},
        entity=entity_obj,
    )


# ------------------------------------------------------------------ story


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, fact: str | None = None) -> HTMLResponse:
    with reading(request) as store:
        analysis = story_analysis(store, story_id)
        articles = store.articles(ids=analysis["article_ids"])
        entity_ids = sorted({q["speaker_entity_id"] for q in analysis.get("quotes", []) if q.get("speaker_entity_id")})
        names = {e.id: e.name for e in store.entities(entity_ids)} if entity_ids else {}
        assignments = {a.article_id: a for a in store.assignments(story_id)}
    order = {aid: i for i, aid in enumerate(analysis["article_ids"])}
    articles.sort(key=lambda a: order.get(a.id, len(order)))
    numbers = {a.id: i for i, a in enumerate(articles, start=1)}
    facts = analysis.get("facts") or []
    selected = next((f for f in facts if f["id"] == fact), None)
    columns = render.outlet_columns(articles)
    by_id = {a.id: a for a in articles}

    article_cols = []
    for a in articles:
        marks = render.evidence_marks(a, facts, selected["id"] if selected else None)
        dup = assignments[a.id].duplicate_of if a.id in assignments else None
        article_cols.append({
            "article": a, "number": numbers[a.id], "outlet": render.outlet_name(a),
            "body": render.render_marked(a.body, marks, a.headings), "duplicate_of": dup,
            "n_evidence": len(marks),
        })

    quotes_by_speaker: dict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
    for q in analysis.get("quotes") or []:
        sid = q.get("speaker_entity_id")
        name = names.get(sid) if sid else None
        quotes_by_speaker[(name or q.get("speaker") or "Unattributed", sid)].append(q)
    speakers = sorted(quotes_by_speaker.items(), key=lambda kv: (kv[0][0] == "Unattributed", -len(kv[1]), kv[0][0]))

    statuses = {s: [f for f in facts if f["status"] == s] for s in render.STATUSES}
    links = {n: f"#col-{aid}" for aid, n in numbers.items()}
    return html(
        request, "story.html", title=analysis.get("title") or story_id, story=analysis, story_id=story_id,
        articles=articles, by_id=by_id, numbers=numbers, columns=columns,
        rows=render.coverage_rows(facts, columns), statuses=statuses, selected=selected,
        counts={s: len(v) for s, v in statuses.items()},
        brief=render.brief_markup(analysis.get("brief") or "", links),
        timeline=render.timeline_svg(analysis.get("timeline") or [], numbers),
        speakers=speakers, article_cols=article_cols, outlet_name=render.outlet_name,
        evidence_anchor=render.evidence_anchor,
        cited=lambda ids: sorted((a for a in ids if a in numbers), key=numbers.__getitem__),
        evidence_in={e["article_id"] for e in selected.get("evidence", [])} if selected else set(),
    )


# ------------------------------------------------------------------ article


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    with reading(request) as store:
        article = store.article(article_id)
        if article is None:
            raise not_found("article", article_id)
        ex = store.extraction(article_id)
        assignment = store.story_of(article_id)
        story = store.story_rows(ids=[assignment.story_id]) if assignment else []
    entities = {e.id: e for e in (ex.entities if ex else [])}
    names = {eid: e.name for eid, e in entities.items()}
    body = render.render_marked(article.body, render.article_marks(article, ex, names), article.headings)
    mention_counts: dict[str, int] = defaultdict(int)
    for m in ex.mentions if ex else []:
        mention_counts[m.entity_id] += 1
    return html(
        request, "article.html", title=article.title or article.id, article=article, ex=ex, body=body,
        entities=sorted(entities.values(), key=lambda e: (-mention_counts[e.id], e.name)),
        mention_counts=mention_counts, story=story[0] if story else None, assignment=assignment,
        outlet=render.outlet_name(article),
    )


@router.get("/articles/{article_id}/raw")
def article_raw(request: Request, article_id: str) -> Response:
    return raw_response(request, article_id)


# ------------------------------------------------------------------ entities


@router.get("/entities", response_class=HTMLResponse)
def entities_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query(max_length=20)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    size = 50
    with reading(request) as store:
        rows = store.entities(query=q or None, type=type or None, limit=size, offset=offset)
        total = store.count_entities(query=q or None, type=type or None)
    return html(request, "entities.html", title="Entities", rows=rows, q=q or "", type=type or "",
                pager=_pager(request, offset, len(rows), total, size))


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    with reading(request) as store:
        entity = store.entity(entity_id)
        if entity is None:
            raise not_found("entity", entity_id)
        rows = store.story_rows(entity_id=entity_id)
        counts = store.fact_status_counts([r["id"] for r in rows])
        quotes = store.quotes_by_entity(entity_id)
        events = store.events(entity_id=entity_id, limit=200)
        ids = sorted({aid for aid, _ in quotes} | {aid for aid, _ in events} | set(entity.article_ids))
        articles = {a.id: a for a in store.articles(ids=ids)} if ids else {}
        stories = store.stories_of(ids)
    quotes_by_article: dict[str, list[Any]] = defaultdict(list)
    for aid, q in quotes:
        quotes_by_article[aid].append(q)
    return html(
        request, "entity.html", title=entity.name, entity=entity, rows=rows, counts=counts,
        quotes_by_article=dict(quotes_by_article), events=events, articles=articles, stories=stories,
        outlet_name=render.outlet_name,
        mentioned_in=[articles[i] for i in entity.article_ids if i in articles],
    )


# ------------------------------------------------------------------ search


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    q = q.strip()
    hits: list[dict[str, Any]] = []
    story_rows: list[dict[str, Any]] = []
    total = 0
    if q:
        with reading(request) as store:
            found = store.search_marked(q, limit=PAGE_SIZE, offset=offset)
            total = store.count_search(q)
            stories = store.stories_of([a.id for a, _, _ in found])
            story_rows = store.story_rows(query=q, limit=10) if offset == 0 else []
        for article, snippet, _rank in found:
            text, spans = split_snippet(snippet)
            hits.append({**article_summary(article, stories.get(article.id)), "snippet": _marked(text, spans),
                         "outlet_name": render.outlet_name(article)})
    return html(request, "search.html", title=f"Search: {q}" if q else "Search", q=q, hits=hits,
                story_rows=story_rows, pager=_pager(request, offset, len(hits), total, PAGE_SIZE))


def _marked(text: str, spans: list[list[int]]) -> Any:
    marks = [render.Mark(s, e, "<mark>", "</mark>") for s, e in spans]
    return render.render_marked(text.replace("\n", " "), marks)

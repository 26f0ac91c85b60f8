"""The JSON (and CSV) HTTP API under ``/api``.

Every handler is a thin read over the Store (one pooled read-only connection, one snapshot per
request) or, for ``POST /api/ingest``, a call into ``newsweave.pipeline``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from newsweave import pipeline
from newsweave.brief import brief_html
from newsweave.ingest import SUPPORTED_SUFFIXES, iter_inputs
from newsweave.records import Article, Event, IngestError, RawDocument
from newsweave.report import article_record
from newsweave.store import Store
from newsweave.web.context import WebContext


class ApiError(BaseModel):
    """Every error answer: a message for people, with the HTTP status telling programs what happened."""

    error: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiError, "description": text}
    for code, text in ((404, "Not found"), (422, "Invalid parameters or body"), (500, "Unexpected server error"))
}
router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

MAX_LIMIT = 1000
MAX_CSV_ROWS = 100_000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
DATE_RE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty: no bound (what an empty form field sends)
Since = Annotated[str | None, Query(pattern=DATE_RE, description="From this date (inclusive): YYYY[-MM[-DD]].")]
Until = Annotated[str | None, Query(pattern=DATE_RE, description="Up to this date (inclusive): YYYY[-MM[-DD]].")]
OutletQ = Annotated[str | None, Query(description="Only this outlet (exact name).")]
EntityQ = Annotated[str | None, Query(description="Only where this entity id is mentioned.")]
TextQ = Annotated[str | None, Query(max_length=500, description="Full-text query: every word must appear.")]

EVENT_CSV_COLUMNS = (
    "event_id", "date", "plover", "cameo", "mode", "actor1_name", "actor1_country", "actor1_entity_id",
    "actor2_name", "actor2_country", "actor2_entity_id", "location", "trigger", "article_id", "story_id",
    "outlet", "source_url", "published", "sentence",
)


def ctx_of(request: Request) -> WebContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


@contextmanager
def reading(request: Request) -> Iterator[Store]:
    with ctx_of(request).readers.reader() as store:
        yield store


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def until_day(value: str | None) -> str | None:
    """An inclusive upper bound as a day: "2026-03" means up to the end of March."""
    if not value:
        return value
    return value + ("-12-31" if len(value) == 4 else "-31" if len(value) == 7 else "")


def not_found(what: str, ident: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {ident!r}")


def article_summary(a: Article, story_id: str | None = None) -> dict[str, Any]:
    return {
        "id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published,
        "published_estimated": a.published_estimated, "url": a.url, "authors": a.authors, "language": a.language,
        "path": a.path, "words": len(a.body.split()), "story_id": story_id,
    }


def story_summary(row: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    return {
        **row,
        "facts": {"corroborated": counts.get("corroborated", 0), "single_source": counts.get("single_source", 0),
                  "conflicting": counts.get("conflicting", 0)},
    }


def story_analysis(store: Store, story_id: str) -> dict[str, Any]:
    """The stored corroborated story (the report contract's ``stories`` entry), or a placeholder
    while its analysis is pending; 404 when no such story has articles."""
    rows = store.story_rows(ids=[story_id])
    if not rows:
        raise not_found("story", story_id)
    analysis = store.analysis(story_id)
    if analysis is None:
        row = rows[0]
        analysis = {"id": story_id, "title": row["title"], "article_ids": row["article_ids"],
                    "event_date": row["event_date"], "facts": [], "quotes": [], "events": [], "timeline": [],
                    "brief": "", "pending": True}
    return analysis


# ------------------------------------------------------------------ meta


@router.get("/health", tags=["meta"], summary="Liveness and what the database holds")
def health(request: Request) -> dict[str, Any]:
    with reading(request) as store:
        return {"status": "ok", "counts": store.stats(), "writes_need_token": ctx_of(request).token is not None}


@router.get("/outlets", tags=["articles"], summary="Outlets with their number of articles")
def outlets(request: Request) -> dict[str, Any]:
    with reading(request) as store:
        rows = [{"outlet": o, "articles": n} for o, n in store.outlets()]
    return page(rows, len(rows), len(rows), 0)


# ------------------------------------------------------------------ articles


@router.get("/articles", tags=["articles"], summary="Articles, filtered and paginated (ingestion order)")
def list_articles(
    request: Request, since: Since = None, until: Until = None, outlet: OutletQ = None, entity: EntityQ = None,
    q: TextQ = None, limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    filters = {"since": since, "until": until_day(until), "outlet": outlet, "entity_id": entity, "query": q}
    with reading(request) as store:
        rows = store.articles(limit=limit, offset=offset, **filters)
        total = store.count_articles(**filters)
        stories = store.stories_of([a.id for a in rows])
    return page([article_summary(a, stories.get(a.id)) for a in rows], total, limit, offset)


@router.get("/articles/{article_id}", tags=["articles"], summary="One article: clean body, metadata, extraction")
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    with reading(request) as store:
        article = store.article(article_id)
        if article is None:
            raise not_found("article", article_id)
        record = article_record(article, store.extraction(article_id))
        assignment = store.story_of(article_id)
    record["story"] = None if assignment is None else {
        "id": assignment.story_id, "new_story": assignment.new_story, "scores": assignment.scores,
        "reason": assignment.reason, "duplicate_of": assignment.duplicate_of,
    }
    return record


@router.get(
    "/articles/{article_id}/raw", tags=["articles"], summary="The raw input exactly as ingested (text/plain)",
    response_class=PlainTextResponse,
)
def get_raw(request: Request, article_id: str) -> Response:
    return raw_response(request, article_id)


def raw_response(request: Request, article_id: str) -> Response:
    """The raw bytes as text/plain, never rendered: a raw HTML page is shown as source."""
    with reading(request) as store:
        raw = store.raw_input(article_id)
    if raw is None:
        raise not_found("article", article_id)
    data, _fmt, encoding = raw
    text = data.decode(encoding or "utf-8", errors="replace")
    return PlainTextResponse(text, headers={"content-security-policy": "sandbox; default-src 'none'"})


# ------------------------------------------------------------------ stories


@router.get("/stories", tags=["stories"], summary="Stories, newest event first, with fact counts")
def list_stories(
    request: Request, since: Since = None, until: Until = None, outlet: OutletQ = None, entity: EntityQ = None,
    q: TextQ = None, limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    filters = {"since": since, "until": until_day(until), "outlet": outlet, "entity_id": entity, "query": q}
    with reading(request) as store:
        rows = store.story_rows(limit=limit, offset=offset, **filters)
        total = store.count_story_rows(**filters)
        counts = store.fact_status_counts([r["id"] for r in rows])
    return page([story_summary(r, counts[r["id"]]) for r in rows], total, limit, offset)


@router.get("/stories/{story_id}", tags=["stories"], summary="One story: the corroborated analysis")
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    with reading(request) as store:
        analysis = story_analysis(store, story_id)
        articles = store.articles(ids=analysis["article_ids"])
        stories = dict.fromkeys((a.id for a in articles), story_id)
        counts = store.fact_status_counts([story_id])[story_id]
    order = {aid: i for i, aid in enumerate(analysis["article_ids"])}
    articles.sort(key=lambda a: order.get(a.id, len(order)))
    return {
        **analysis,
        "outlets": sorted({a.outlet for a in articles if a.outlet}),
        "fact_counts": story_summary({}, counts)["facts"],
        "articles": [article_summary(a, stories[a.id]) for a in articles],
    }


def _story_list(request: Request, story_id: str, key: str, limit: int, offset: int, **match: str | None) -> dict:
    with reading(request) as store:
        items = story_analysis(store, story_id).get(key) or []
    for field_name, wanted in match.items():
        if wanted:
            items = [i for i in items if i.get(field_name) == wanted]
    return {**page(items[offset:offset + limit], len(items), limit, offset), "story_id": story_id}


@router.get("/stories/{story_id}/facts", tags=["stories"], summary="A story's facts with status and evidence")
def story_facts(
    request: Request, story_id: str,
    status: Annotated[str | None, Query(pattern="^(corroborated|single_source|conflicting)$")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    return _story_list(request, story_id, "facts", limit, offset, status=status)


@router.get("/stories/{story_id}/quotes", tags=["stories"], summary="A story's quotes (with speaker)")
def story_quotes(
    request: Request, story_id: str, speaker: Annotated[str | None, Query(description="Speaker entity id.")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    return _story_list(request, story_id, "quotes", limit, offset, speaker_entity_id=speaker)


@router.get("/stories/{story_id}/events", tags=["stories"], summary="A story's events, merged across articles")
def story_events(request: Request, story_id: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return _story_list(request, story_id, "events", limit, offset)


@router.get("/stories/{story_id}/timeline", tags=["stories"], summary="A story's timeline")
def story_timeline(request: Request, story_id: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return _story_list(request, story_id, "timeline", limit, offset)


@router.get(
    "/stories/{story_id}/brief", tags=["stories"],
    summary="The cited brief: Markdown, or a standalone HTML page with format=html",
    response_class=PlainTextResponse,
)
def story_brief(
    request: Request, story_id: str, format: Annotated[str, Query(pattern="^(markdown|html)$")] = "markdown",
) -> Response:
    with reading(request) as store:
        analysis = story_analysis(store, story_id)
    brief = analysis.get("brief") or ""
    if format == "html":
        return HTMLResponse(brief_html(brief, analysis.get("title") or "newsweave brief"),
                            headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"})
    return PlainTextResponse(brief, media_type="text/markdown; charset=utf-8")


# ------------------------------------------------------------------ entities


def entity_summary(e: Any) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "type": e.type, "country": e.country, "aliases": e.aliases,
            "roles": e.roles, "article_ids": e.article_ids}


@router.get("/entities", tags=["entities"], summary="Canonical entities, most mentioned first")
def list_entities(
    request: Request,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name or an alias.")] = None,
    type: Annotated[str | None, Query(max_length=20, description="PERSON, ORG, GPE, ...")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with reading(request) as store:
        rows = store.entities(query=q, type=type, limit=limit, offset=offset)
        total = store.count_entities(query=q, type=type)
    return page([entity_summary(e) for e in rows], total, limit, offset)


@router.get("/entities/{entity_id:path}", tags=["entities"], summary="One entity with its stories and quotes")
def get_entity(request: Request, entity_id: str) -> dict[str, Any]:
    with reading(request) as store:
        entity = store.entity(entity_id)
        if entity is None:
            raise not_found("entity", entity_id)
        rows = store.story_rows(entity_id=entity_id)
        counts = store.fact_status_counts([r["id"] for r in rows])
        quotes = store.quotes_by_entity(entity_id)
        n_events = store.count_events(entity_id=entity_id)
    return {
        **entity_summary(entity),
        "stories": [story_summary(r, counts[r["id"]]) for r in rows],
        "quotes": [{"article_id": aid, **asdict(q)} for aid, q in quotes],
        "events": n_events,
    }


# ------------------------------------------------------------------ events


def event_id(article_id: str, e: Event) -> str:
    """A stable id for an article's event (GDELT-style rows need one)."""
    key = f"{article_id}:{e.start}:{e.end}:{e.plover}:{e.actor1}:{e.actor2}"
    return "ev-" + hashlib.sha1(key.encode()).hexdigest()[:16]


def _event_rows(
    store: Store, since: str | None, until: str | None, outlet: str | None, entity: str | None,
    q: str | None, story: str | None, limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    ids: list[str] | None = None
    if outlet or q:
        ids = store.article_ids(outlet=outlet, query=q)
    if story:
        members = [a.article_id for a in store.assignments(story)]
        ids = members if ids is None else [i for i in ids if i in set(members)]
    filters = {"article_ids": ids, "since": since, "until": until_day(until), "entity_id": entity}
    pairs = store.events(limit=limit, offset=offset, **filters)
    total = store.count_events(**filters)
    wanted = sorted({aid for aid, _ in pairs})
    articles = {a.id: a for a in store.articles(ids=wanted)} if wanted else {}
    stories = store.stories_of(wanted)
    rows = []
    for aid, e in pairs:
        a = articles.get(aid)
        rows.append({
            "event_id": event_id(aid, e), "date": e.date, "plover": e.plover, "cameo": e.cameo, "mode": e.mode,
            "actor1_name": e.actor1, "actor1_country": e.actor1_country, "actor1_entity_id": e.actor1_entity_id,
            "actor2_name": e.actor2, "actor2_country": e.actor2_country, "actor2_entity_id": e.actor2_entity_id,
            "location": e.location, "trigger": e.trigger, "article_id": aid, "story_id": stories.get(aid),
            "outlet": a.outlet if a else None, "source_url": a.url if a else None,
            "published": a.published if a else None, "sentence": e.sentence, "start": e.start, "end": e.end,
        })
    return rows, total


@router.get("/events", tags=["events"], summary="Events, one row per article mention (date order)")
def list_events(
    request: Request, since: Since = None, until: Until = None, outlet: OutletQ = None,
    entity: Annotated[str | None, Query(description="Actor entity id (either side).")] = None,
    q: TextQ = None, story: Annotated[str | None, Query(description="Only this story's articles.")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with reading(request) as store:
        rows, total = _event_rows(store, since, until, outlet, entity, q, story, limit, offset)
    return page(rows, total, limit, offset)


@router.get(
    "/events.csv", tags=["events"], response_class=PlainTextResponse,
    summary="Events as CSV, in a GDELT/PLOVER-like column layout",
    description="Columns: " + ", ".join(EVENT_CSV_COLUMNS) + ". Same filters as /api/events; "
    f"`limit` defaults to all rows (at most {MAX_CSV_ROWS:,}).",
)
def events_csv(
    request: Request, since: Since = None, until: Until = None, outlet: OutletQ = None,
    entity: Annotated[str | None, Query(description="Actor entity id (either side).")] = None,
    q: TextQ = None, story: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_CSV_ROWS)] = MAX_CSV_ROWS, offset: Offset = 0,
) -> Response:
    with reading(request) as store:
        rows, _total = _event_rows(store, since, until, outlet, entity, q, story, limit, offset)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EVENT_CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'inline; filename="events.csv"'})


# ------------------------------------------------------------------ search


MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def split_snippet(snippet: str) -> tuple[str, list[list[int]]]:
    """A snippet with control-character match markers -> (plain text, [[start, end], ...])."""
    plain: list[str] = []
    spans: list[list[int]] = []
    pos = 0
    for part in re.split(f"({MARK_OPEN}|{MARK_CLOSE})", snippet):
        if part == MARK_OPEN:
            spans.append([pos, pos])
        elif part == MARK_CLOSE:
            if spans:
                spans[-1][1] = pos
        else:
            plain.append(part)
            pos += len(part)
    return "".join(plain), [s for s in spans if s[1] > s[0]]


@router.get("/search", tags=["search"], summary="Full-text search over articles (best match first)")
def search(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=500, description="Words to find.")],
    limit: Limit = 20, offset: Offset = 0,
) -> dict[str, Any]:
    with reading(request) as store:
        hits = store.search_marked(q, limit=limit, offset=offset, marks=(MARK_OPEN, MARK_CLOSE))
        total = store.count_search(q)
        stories = store.stories_of([a.id for a, _, _ in hits])
    items = []
    for article, snippet, rank in hits:
        text, spans = split_snippet(snippet)
        items.append({**article_summary(article, stories.get(article.id)), "snippet": text, "highlights": spans,
                      "rank": rank})
    return {**page(items, total, limit, offset), "q": q}


# ------------------------------------------------------------------ ingest

INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": [
                {"type": "object", "properties": {"articles": {"type": "array", "items": {"$ref": "#/components/schemas/IngestItem"}}},
                 "required": ["articles"]},
                {"$ref": "#/components/schemas/IngestItem"},
                {"type": "array", "items": {"$ref": "#/components/schemas/IngestItem"}},
            ]}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                         "description": "One or more .txt, .html or .jsonl files."}}}},
        },
    },
}
INGEST_ITEM_SCHEMA = {
    "type": "object",
    "description": "One article: `text` (scraped text) or `html` (a whole page), plus optional metadata that wins "
                   "over what cleaning finds.",
    "properties": {
        "text": {"type": "string"}, "html": {"type": "string"}, "url": {"type": "string"},
        "title": {"type": "string"}, "outlet": {"type": "string"},
        "published": {"type": "string", "description": "ISO 8601"},
        "authors": {"type": "array", "items": {"type": "string"}},
    },
}


class _Items:
    """The request's articles as RawDocuments (or IngestErrors), each labelled with its item."""

    def __init__(self) -> None:
        self.documents: list[RawDocument | IngestError] = []
        self.labels: dict[str, dict[str, Any]] = {}  # document "where" -> {"index": i, "file": name, "line": n}

    def add(self, doc: RawDocument | IngestError, label: dict[str, Any]) -> None:
        self.documents.append(doc)
        self.labels[where_of(doc)] = label

    def label(self, doc: RawDocument | IngestError | str) -> dict[str, Any]:
        return self.labels.get(doc if isinstance(doc, str) else where_of(doc), {})


def where_of(doc: RawDocument | IngestError) -> str:
    """The key the pipeline reports an item under (its progress callback's "where")."""
    return f"{doc.path}:{doc.line}" if doc.line is not None else doc.path


async def _read_items(request: Request, tmp: Path) -> _Items:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        return _json_items(await request.body(), request.app.state.ctx.max_body_bytes)
    if ctype == "multipart/form-data":
        return await _file_items(request, tmp)
    raise HTTPException(415, "send application/json ({\"articles\": [...]}) or multipart/form-data file uploads")


def _json_items(body: bytes, max_bytes: int) -> _Items:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(422, f"the body is not valid JSON: {exc}") from None
    if isinstance(data, dict) and "articles" in data:
        data = data["articles"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise HTTPException(422, 'expected an article object, a list of them, or {"articles": [...]} (non-empty)')
    items = _Items()
    for index, item in enumerate(data):
        label = {"index": index}
        if not isinstance(item, dict):
            items.add(IngestError("api", "item is not a JSON object", index + 1), label)
            continue
        # Through the JSON Lines reader, so an item follows the same field rules as a row of
        # `newsweave ingest feed.jsonl`.
        row = json.dumps(item, ensure_ascii=False).encode()
        for doc in iter_inputs(["-"], max_bytes=max_bytes, stdin=io.BytesIO(row)):
            if isinstance(doc, RawDocument):
                doc.path, doc.line = "api", index + 1
                items.add(doc, label)
            else:
                items.add(IngestError("api", doc.message, index + 1), label)
    return items


async def _file_items(request: Request, tmp: Path) -> _Items:
    ctx = request.app.state.ctx
    form = await request.form(max_files=1000, max_fields=1000)
    uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
    if not uploads:
        raise HTTPException(422, "the multipart body has no file (send .txt, .html or .jsonl files)")
    items = _Items()
    used: set[str] = set()
    for index, upload in enumerate(uploads):
        name = PurePath((upload.filename or f"upload-{index}").replace("\\", "/")).name or f"upload-{index}"
        label = name if name not in used else f"{name}#{index}"
        used.add(label)
        suffix = PurePath(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            items.add(IngestError(f"upload:{label}", f"unsupported file type {suffix or '(none)'!r}; "
                                  "use .txt, .html or .jsonl"), {"index": index, "file": name})
            continue
        # Through a file, so the CLI's reader (size limit, charset detection, JSON Lines rows) applies.
        path = tmp / f"{index}{suffix}"
        path.write_bytes(await upload.read())
        for doc in iter_inputs([path], max_bytes=ctx.max_body_bytes):
            if isinstance(doc, RawDocument):
                doc.path = f"upload:{label}"
                items.add(doc, {"index": index, "file": name, **({"line": doc.line} if doc.line else {})})
            else:
                err = IngestError(f"upload:{label}", doc.message, doc.line)
                items.add(err, {"index": index, "file": name, **({"line": doc.line} if doc.line else {})})
    return items


def _run_ingest(ctx: WebContext, items: _Items) -> list[dict[str, Any]]:
    """Runs in a worker thread, one ingestion at a time (the pipeline writes through one Store)."""
    added_where: list[str] = []

    def on_progress(what: str, where: str) -> None:
        if what == "added":
            added_where.append(where)

    with ctx.write_lock:
        store = ctx.writer()
        result = pipeline.ingest_documents(store, items.documents, on_progress=on_progress)
        assignments = {a.article_id: a for a in result.assignments}
        results: list[dict[str, Any]] = []
        for where, article_id in zip(added_where, result.added, strict=False):
            a = assignments.get(article_id)
            results.append({**items.label(where), "status": "added", "id": article_id,
                            "story_id": a.story_id if a else None, "new_story": a.new_story if a else None,
                            "duplicate_of": a.duplicate_of if a else None})
        for dup in result.duplicates:
            existing = store.story_of(dup.existing_id)
            results.append({**items.label(dup.where), "status": "duplicate", "id": dup.existing_id,
                            "story_id": existing.story_id if existing else None, "new_story": False,
                            "reason": dup.reason})
        for error in result.errors:
            results.append({**items.label(error), "status": "error", "error": error.message})
    results.sort(key=lambda r: (r.get("index", 0), r.get("line") or 0))
    return results


@router.post(
    "/ingest", tags=["ingest"], openapi_extra=INGEST_BODY,
    responses={401: {"model": ApiError, "description": "Token missing or wrong"},
               403: {"model": ApiError, "description": "Cross-origin write"},
               413: {"model": ApiError, "description": "Body over the size limit"},
               415: {"model": ApiError, "description": "Neither JSON nor multipart"}},
    summary="Ingest one or many articles (JSON or file upload); answers with the story each joined",
    description="Runs the whole pipeline (clean, extract, cluster, corroborate) on each article. The answer has one "
    "result per article: `status` added / duplicate / error, the article `id`, the `story_id` it joined and whether "
    "that is a `new_story`; errors name the item (`index`, and `file`/`line` for uploads). 422 when nothing could "
    "be ingested.",
)
async def ingest(request: Request) -> Response:
    ctx = ctx_of(request)
    with tempfile.TemporaryDirectory(prefix="newsweave-upload-") as tmp:
        items = await _read_items(request, Path(tmp))
        results = await run_in_threadpool(_run_ingest, ctx, items)
    counts = {s: sum(r["status"] == s for r in results) for s in ("added", "duplicate", "error")}
    body: dict[str, Any] = {"results": results, "counts": counts}
    status = 200 if counts["added"] or counts["duplicate"] else 422
    if status == 422:
        body["error"] = "no article could be ingested: " + "; ".join(
            f"item {r.get('index')}: {r.get('error')}" for r in results[:5])
    return JSONResponse(body, status_code=status)


def install_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    openapi.setdefault("components", {}).setdefault("schemas", {})["IngestItem"] = INGEST_ITEM_SCHEMA
    return openapi

"""Stage 6, report: the JSON report of ``newsweave analyze`` (see spec/report.md) and exports.

The report is assembled from the store, so ``analyze`` and ``ingest`` + export agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from newsweave.records import Article, ArticleExtraction
from newsweave.store import Store

ARTICLE_FIELDS = (
    "id", "path", "outlet", "title", "authors", "published", "published_estimated", "updated", "language", "body",
)


def article_record(article: Article, extraction: ArticleExtraction | None) -> dict[str, Any]:
    """One entry of the report's ``articles`` list: the contract's fields first, extras after."""
    row: dict[str, Any] = {key: getattr(article, key) for key in ARTICLE_FIELDS}
    row["subtitle"] = article.subtitle
    row["url"] = article.url
    row["line"] = article.line
    row["headings"] = article.headings
    row["extracted"] = bool(extraction and extraction.extracted)
    if extraction is None:
        row.update(timexes=[], quotes=[], events=[], quantities=[], mentions=[])
        return row
    row["timexes"] = [
        {"text": t.text, "start": t.start, "end": t.end, "type": t.type, "value": t.value} for t in extraction.timexes
    ]
    row["quotes"] = [
        {"text": q.text, "start": q.start, "end": q.end, "direct": q.direct, "speaker": q.speaker,
         "speaker_entity_id": q.speaker_entity_id, "cue": q.cue}
        for q in extraction.quotes
    ]
    row["events"] = [
        {"plover": e.plover, "cameo": e.cameo, "mode": e.mode, "actor1": e.actor1, "actor2": e.actor2,
         "actor1_entity_id": e.actor1_entity_id, "actor2_entity_id": e.actor2_entity_id,
         "actor1_country": e.actor1_country, "actor2_country": e.actor2_country,
         "date": e.date, "location": e.location, "sentence": e.sentence, "start": e.start, "end": e.end}
        for e in extraction.events
    ]
    row["quantities"] = [asdict(q) for q in extraction.quantities]
    row["mentions"] = [asdict(m) for m in extraction.mentions]
    if extraction.note:
        row["note"] = extraction.note
    return row


def build_report(store: Store, article_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """The report over ``article_ids`` (default: every stored article)."""
    articles = store.articles(ids=article_ids) if article_ids is not None else store.articles()
    wanted = {a.id for a in articles}
    records = [article_record(a, store.extraction(a.id)) for a in articles]

    entity_ids = sorted({m["entity_id"] for r in records for m in r["mentions"]})
    entities = []
    for entity in store.entities(entity_ids) if entity_ids else []:
        entities.append({
            "id": entity.id, "name": entity.name, "type": entity.type, "aliases": entity.aliases,
            "article_ids": [a for a in entity.article_ids if a in wanted], "country": entity.country,
        })

    story_ids = {a.story_id for a in (store.story_of(i) for i in wanted) if a is not None}
    stories = []
    for row in store.story_rows(ids=sorted(story_ids)):
        analysis = store.analysis(row["id"])
        if analysis is None:
            analysis = {"id": row["id"], "title": row["title"], "article_ids": row["article_ids"],
                        "event_date": row["event_date"], "facts": [], "quotes": [], "events": [],
                        "timeline": [], "brief": "", "note": None}
        stories.append(analysis)
    return {"articles": records, "entities": entities, "stories": stories}

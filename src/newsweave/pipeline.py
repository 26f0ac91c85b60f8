"""The whole pipeline over a store: ingest → clean → extract → cluster → corroborate.

The CLI, the HTTP API and the demo all call these functions; they hold no logic of their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from spacy.language import Language

from newsweave.clean import NoArticleError, clean
from newsweave.extract import extract, link_extractions
from newsweave.ingest import DEFAULT_MAX_BYTES, iter_inputs
from newsweave.records import Article, ArticleExtraction, IngestError, RawDocument, StoryAssignment
from newsweave.store import Store

ProgressCallback = Callable[[str, str], None]  # (what happened, where)


@dataclass
class Duplicate:
    where: str
    existing_id: str
    reason: str  # "same input" or "same text"


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    assignments: list[StoryAssignment] = field(default_factory=list)
    stories_analyzed: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 16,
    nlp: Language | None = None,
    on_progress: ProgressCallback | None = None,
    stdin: BinaryIO | None = None,
    analyze: bool = True,
) -> IngestResult:
    """Ingest every article under ``paths`` into ``store``; bad items are reported, not fatal."""
    result = IngestResult()
    documents = iter_inputs(paths, max_bytes=max_bytes, stdin=stdin)
    return ingest_documents(
        store, documents, result=result, batch_size=batch_size, nlp=nlp, on_progress=on_progress, analyze=analyze
    )


def ingest_documents(
    store: Store,
    documents: Iterable[RawDocument | IngestError],
    *,
    result: IngestResult | None = None,
    batch_size: int = 16,
    nlp: Language | None = None,
    on_progress: ProgressCallback | None = None,
    analyze: bool = True,
) -> IngestResult:
    result = result or IngestResult()
    notify = on_progress or (lambda what, where: None)
    for batch in _batches(_cleaned(store, documents, result, notify), batch_size):
        extractions = _extract_safely(batch, nlp)
        link_extractions(extractions, store.entities_like(e for ex in extractions for e in ex.entities))
        for (raw, article), extraction in zip(batch, extractions, strict=True):
            assignment = _store_one(store, raw, article, extraction)
            if assignment is None:
                result.duplicates.append(Duplicate(raw.where, article.id, "same input"))
                notify("duplicate", raw.where)
                continue
            result.added.append(article.id)
            if assignment.story_id:
                result.assignments.append(assignment)
            notify("added", raw.where)
    if analyze and result.assignments:
        result.stories_analyzed = analyze_stories(store, {a.story_id for a in result.assignments})
    return result


def _cleaned(
    store: Store,
    documents: Iterable[RawDocument | IngestError],
    result: IngestResult,
    notify: ProgressCallback,
) -> Iterator[tuple[RawDocument, Article]]:
    """Clean each input, skipping errors and inputs already stored (or seen earlier in this run)."""
    seen_content: dict[str, str] = {}
    seen_body: dict[str, str] = {}
    for doc in documents:
        if isinstance(doc, IngestError):
            result.errors.append(doc)
            notify("error", doc.path)
            continue
        content_hash = hashlib.sha256(doc.raw).hexdigest()
        existing = seen_content.get(content_hash) or store.known_content(content_hash)
        if existing:
            result.duplicates.append(Duplicate(doc.where, existing, "same input"))
            notify("duplicate", doc.where)
            continue
        try:
            article = clean(doc)
        except NoArticleError as exc:
            result.errors.append(IngestError(doc.path, str(exc), doc.line))
            notify("error", doc.where)
            continue
        except Exception as exc:  # a cleaner bug must not sink the batch
            result.errors.append(IngestError(doc.path, f"cleaning failed: {type(exc).__name__}: {exc}", doc.line))
            notify("error", doc.where)
            continue
        same_text = seen_body.get(article.body_hash) or store.known_body(article.body_hash)
        if same_text:
            result.duplicates.append(Duplicate(doc.where, same_text, "same text"))
            notify("duplicate", doc.where)
            continue
        seen_content[content_hash] = article.id
        seen_body[article.body_hash] = article.id
        yield doc, article


def _batches(items: Iterable[tuple[RawDocument, Article]], size: int) -> Iterator[list[tuple[RawDocument, Article]]]:
    batch: list[tuple[RawDocument, Article]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_safely(batch: list[tuple[RawDocument, Article]], nlp: Language | None) -> list[ArticleExtraction]:
    """Extract a batch; if an article breaks an extractor, keep the article and note why."""
    articles = [a for _, a in batch]
    try:
        return list(extract(articles, nlp=nlp))
    except Exception:
        pass
    out: list[ArticleExtraction] = []
    for article in articles:  # find the culprit: one at a time
        try:
            out.extend(extract([article], nlp=nlp))
        except Exception as exc:
            out.append(ArticleExtraction(article.id, extracted=False, note=f"extraction failed: {type(exc).__name__}: {exc}"))
    return out


def _store_one(
    store: Store, raw: RawDocument, article: Article, extraction: ArticleExtraction
) -> StoryAssignment | None:
    """Write one article, its extraction and its story assignment in one transaction."""
    from newsweave import cluster

    with store.transaction() as tx:
        if not store.save_article(article, raw, extraction, conn=tx):
            return None
        return cluster.assign(store, article, extraction, tx)


def analyze_stories(store: Store, story_ids: Iterable[str]) -> list[str]:
    """Recompute the corroborated analysis (facts, timeline, brief) of the given stories."""
    from newsweave.corroborate import analyze_story

    done = []
    for story_id in sorted(story_ids):
        story = analyze_story(store, story_id)
        if story is not None:
            store.save_analysis(story)
            done.append(story_id)
    return done

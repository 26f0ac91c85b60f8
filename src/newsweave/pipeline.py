"""The whole pipeline over a store: ingest → clean → extract → cluster → corroborate.

The CLI, the HTTP API and the demo all call these functions; they hold no logic of their own.

Two halves:

* **prepare** (per article, no shared state): clean and extract. ``prepare_batch`` is a plain
  function of RawDocuments, so it runs the same in this process, in worker processes
  (``workers > 1``) or as Spark tasks (``newsweave.spark``);
* **commit** (one writer, in input order): skip what is stored, link entities across articles,
  write each article with its extraction and story assignment in one transaction, and finally
  corroborate the stories that changed.

Committing in input order whatever engine prepared the articles keeps the stored result the
same for the same input.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from spacy.language import Language
from threadpoolctl import threadpool_limits

from newsweave.clean import NoArticleError, clean
from newsweave.extract import extract, link_extractions
from newsweave.ingest import DEFAULT_MAX_BYTES, iter_inputs
from newsweave.records import Article, ArticleExtraction, IngestError, RawDocument, Story, StoryAssignment
from newsweave.store import READER_CACHE_KIB, Store

ProgressCallback = Callable[[str, str], None]  # (what happened, where)


@dataclass
class Duplicate:
    where: str
    existing_id: str
    reason: str  # "same input" or "same text"


@dataclass
class IngestResult:
    """What an ingest did. With ``details=False`` (the CLI) only counts and story ids are kept, not a
    record per article, so a run over millions of inputs holds no per-article lists in memory."""

    added: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    assignments: list[StoryAssignment] = field(default_factory=list)
    stories_analyzed: list[str] = field(default_factory=list)
    details: bool = True
    n_added: int = 0
    n_duplicates: int = 0
    touched_stories: set[str] = field(default_factory=set)
    new_stories: set[str] = field(default_factory=set)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def note_added(self, article_id: str, assignment: StoryAssignment | None) -> None:
        self.n_added += 1
        if self.details:
            self.added.append(article_id)
        if assignment is not None and assignment.story_id:
            self.touched_stories.add(assignment.story_id)
            if assignment.new_story:
                self.new_stories.add(assignment.story_id)
            if self.details:
                self.assignments.append(assignment)

    def note_duplicate(self, duplicate: Duplicate) -> None:
        self.n_duplicates += 1
        if self.details:
            self.duplicates.append(duplicate)


@dataclass
class Prepared:
    """One input after the per-article stages: a cleaned, extracted article, or why not."""

    raw: RawDocument
    article: Article | None = None
    extraction: ArticleExtraction | None = None
    error: IngestError | None = None


def default_workers() -> int:
    return os.cpu_count() or 1


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 16,
    workers: int = 1,
    nlp: Language | None = None,
    on_progress: ProgressCallback | None = None,
    stdin: BinaryIO | None = None,
    analyze: bool = True,
    result: IngestResult | None = None,
) -> IngestResult:
    """Ingest every article under ``paths`` into ``store``; bad items are reported, not fatal."""
    documents = iter_inputs(paths, max_bytes=max_bytes, stdin=stdin)
    return ingest_documents(store, documents, result=result, batch_size=batch_size, workers=workers, nlp=nlp,
                            on_progress=on_progress, analyze=analyze)


def ingest_documents(
    store: Store,
    documents: Iterable[RawDocument | IngestError],
    *,
    result: IngestResult | None = None,
    batch_size: int = 16,
    workers: int = 1,
    nlp: Language | None = None,
    on_progress: ProgressCallback | None = None,
    analyze: bool = True,
) -> IngestResult:
    """Prepare (clean, extract) and commit ``documents``; ``workers > 1`` prepares in worker processes."""
    result = result or IngestResult()
    notify = on_progress or (lambda what, where: None)
    with one_blas_thread():  # the worker processes forked in here inherit it
        inputs = batches(_new_inputs(store, documents, result, notify), batch_size)
        if workers > 1:
            prepared = _prepare_in_pool(inputs, workers)
        else:
            prepared = (prepare_batch(batch, nlp) for batch in inputs)
        commit(store, (p for batch in prepared for p in batch), result, notify, batch_size)
        if analyze:
            result.stories_analyzed = analyze_stories(store, store.stale_stories(), workers=workers)
    return result


def one_blas_thread() -> threadpool_limits:
    """BLAS (OpenBLAS, under numpy and the spaCy models' products) on one thread, until the block ends.

    newsweave's parallelism is its own processes, one per core; OpenBLAS's default of a thread per
    core in each of them only has threads spinning against each other: corroborating 200 stories
    in one process took 5.7 CPU ms per article with them, 2.85 on one thread. It also keeps the
    facts from depending on the machine's core count: BLAS splits a product's sums by thread, and
    the last bits moved a borderline merge in 6 of 269 stories between 2 threads and 1.
    Processes forked inside the block inherit the setting; the caller's own is restored after.
    """
    return threadpool_limits(limits=1, user_api="blas")


# How many recent inputs ``_new_inputs`` remembers. Only inputs still being prepared need it (at most
# 2 * workers + 1 batches); older ones are committed and found in the store. Were an input forgotten
# early, the writer would still refuse it as a duplicate (same content hash).
_SEEN_WINDOW = 10_000


def _new_inputs(
    store: Store,
    documents: Iterable[RawDocument | IngestError],
    result: IngestResult,
    notify: ProgressCallback,
) -> Iterator[RawDocument]:
    """Inputs not stored yet: a resumed run skips finished articles before any cleaning."""
    seen: dict[str, str] = {}
    for doc in documents:
        if isinstance(doc, IngestError):
            result.errors.append(doc)
            notify("error", doc.where)
            continue
        if is_new_input(store, seen, hashlib.sha256(doc.raw).hexdigest(), doc.where, result, notify):
            yield doc
            if len(seen) > _SEEN_WINDOW:  # long committed: the store knows it (memory stays flat)
                del seen[next(iter(seen))]


def is_new_input(
    store: Store,
    seen: dict[str, str],
    content_hash: str,
    where: str,
    result: IngestResult,
    notify: ProgressCallback,
) -> bool:
    """True for an input neither stored nor seen earlier in this run (``seen``); else note the duplicate.

    Shared with the Spark engine, whose executors hash the inputs and whose driver decides here.
    """
    existing = seen.get(content_hash) or store.known_content(content_hash)
    if existing:
        result.note_duplicate(Duplicate(where, existing, "same input"))
        notify("duplicate", where)
        return False
    seen[content_hash] = content_hash[:16]
    return True


_Item = TypeVar("_Item")


def batches(items: Iterable[_Item], size: int) -> Iterator[list[_Item]]:
    """Lists of ``size`` items from a stream, the last one shorter; never more than one list in memory."""
    batch: list[_Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prepare_batch(docs: list[RawDocument], nlp: Language | None = None) -> list[Prepared]:
    """Clean and extract a batch of inputs. Pure per-article work: safe in any process."""
    prepared: list[Prepared] = []
    for doc in docs:
        try:
            prepared.append(Prepared(doc, article=clean(doc)))
        except NoArticleError as exc:
            prepared.append(Prepared(doc, error=IngestError(doc.path, str(exc), doc.line)))
        except Exception as exc:  # a cleaner bug must not sink the batch
            prepared.append(Prepared(doc, error=IngestError(
                doc.path, f"cleaning failed: {type(exc).__name__}: {exc}", doc.line)))
    articles = [p.article for p in prepared if p.article is not None]
    extractions = {ex.article_id: ex for ex in _extract_safely(articles, nlp)}
    for p in prepared:
        if p.article is not None:
            p.extraction = extractions[p.article.id]
    return prepared


def _extract_safely(articles: list[Article], nlp: Language | None) -> list[ArticleExtraction]:
    """Extract a batch; if an article breaks an extractor, keep the article and note why."""
    try:
        return list(extract(articles, nlp=nlp))
    except Exception:
        pass
    out: list[ArticleExtraction] = []
    for article in articles:  # find the culprit: one at a time
        try:
            out.extend(extract([article], nlp=nlp))
        except Exception as exc:
            out.append(ArticleExtraction(article.id, extracted=False,
                                         note=f"extraction failed: {type(exc).__name__}: {exc}"))
    return out


_worker_heap_frozen = False

# what a worker sends back for one input: Prepared without the input itself
_Outcome = tuple[Article | None, ArticleExtraction | None, IngestError | None]


def _prepare_in_worker(batch: list[RawDocument]) -> list[_Outcome]:
    """``prepare_batch`` in a worker process, returned without the inputs.

    The parent already holds each input (it sent them) and puts them back (:func:`_with_inputs`):
    sending a quarter of every result back through the pipe again cost both processes time.

    The heap is frozen after the first batch. By then the spaCy pipeline, the language models
    and the cleaners' tables are loaded: some hundred thousand long-lived objects that Python's
    cycle collector would otherwise walk again on every full collection, which the extractors'
    many small objects trigger often (0.7 ms per article, 0.25 frozen, measured in one process
    on 300 generated articles).
    """
    global _worker_heap_frozen
    outcomes = [(p.article, p.extraction, p.error) for p in prepare_batch(batch)]
    if not _worker_heap_frozen:
        _worker_heap_frozen = True
        gc.collect()
        gc.freeze()
    return outcomes


def _with_inputs(batch: list[RawDocument], outcomes: list[_Outcome]) -> list[Prepared]:
    """A worker's outcomes with the inputs they came from, in order."""
    return [Prepared(doc, article, extraction, error)
            for doc, (article, extraction, error) in zip(batch, outcomes, strict=True)]


def _prepare_in_pool(batches: Iterator[list[RawDocument]], workers: int) -> Iterator[list[Prepared]]:
    """Prepare batches in worker processes, yielding them in input order.

    At most ``2 * workers`` batches are in flight, so however large the input, memory holds
    only a few batches (never the whole corpus).
    """
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[list[RawDocument], Future[list[_Outcome]]]] = deque()
        for batch in batches:
            pending.append((batch, pool.submit(_prepare_in_worker, batch)))
            if len(pending) >= 2 * workers:
                sent, outcome = pending.popleft()
                yield _with_inputs(sent, outcome.result())
        while pending:
            sent, outcome = pending.popleft()
            yield _with_inputs(sent, outcome.result())


def commit(
    store: Store,
    prepared: Iterable[Prepared],
    result: IngestResult,
    notify: ProgressCallback,
    batch_size: int = 16,
) -> None:
    """Store prepared articles in input order: dedupe by text, link entities, write, cluster."""
    for group in batches(prepared, batch_size):
        # Same text within this group; earlier groups are stored, so the store answers for them
        # (a dict over the whole run would grow with the input).
        seen_body: dict[str, str] = {}
        ready: list[Prepared] = []
        for p in group:
            if p.error is not None or p.article is None:
                result.errors.append(p.error or IngestError(p.raw.path, "no article", p.raw.line))
                notify("error", p.raw.where)
                continue
            same_text = seen_body.get(p.article.body_hash) or store.known_body(p.article.body_hash)
            if same_text:
                result.note_duplicate(Duplicate(p.raw.where, same_text, "same text"))
                notify("duplicate", p.raw.where)
                continue
            seen_body[p.article.body_hash] = p.article.id
            ready.append(p)
        extractions = [p.extraction for p in ready if p.extraction is not None]
        known, common_words = store.entities_like(e for ex in extractions for e in ex.entities)
        link_extractions(extractions, known, common_words)
        # One transaction per group: each commit flushes the full-text index and the WAL, which
        # per article cost the writer a third of its time. A group is written whole or not at
        # all, so a killed run still leaves no article half-written (it redoes the group).
        stored: list[tuple[Prepared, StoryAssignment | None]] = []
        if ready:
            with store.transaction() as tx:
                for p in ready:
                    assert p.article is not None and p.extraction is not None
                    stored.append((p, _store_one(store, tx, p.raw, p.article, p.extraction)))
        for p, assignment in stored:  # reported once committed
            assert p.article is not None
            if assignment is None:
                result.note_duplicate(Duplicate(p.raw.where, p.article.id, "same input"))
                notify("duplicate", p.raw.where)
                continue
            result.note_added(p.article.id, assignment)
            notify("added", p.raw.where)


def _store_one(
    store: Store, tx: sqlite3.Connection, raw: RawDocument, article: Article, extraction: ArticleExtraction
) -> StoryAssignment | None:
    """Write one article, its extraction and its story assignment inside the open transaction ``tx``."""
    from newsweave import cluster

    if not store.save_article(article, raw, extraction, conn=tx):
        return None
    return cluster.assign(store, article, extraction, tx)


# Fewer stale stories than this are analysed in the writer process: starting worker processes
# (each loading the embedding model) costs more than it saves on a handful of stories.
PARALLEL_ANALYSIS_MIN = 16


def analyze_stories(store: Store, story_ids: Iterable[str], workers: int = 1) -> list[str]:
    """Recompute the corroborated analysis (facts, timeline, brief) of the given stories.

    With ``workers > 1`` (and a database file) the stories are corroborated in worker processes,
    each reading the store through its own connection; this process alone writes the results.
    """
    with one_blas_thread():
        return _analyze_stories(store, sorted(set(story_ids)), workers)


def _analyze_stories(store: Store, ids: list[str], workers: int) -> list[str]:
    from newsweave.corroborate import analyze_story

    done = []
    if workers > 1 and len(ids) >= PARALLEL_ANALYSIS_MIN and store.path != ":memory:":
        store.release_memory()  # the workers are forked: they would carry the writer's page cache
        with ProcessPoolExecutor(max_workers=workers, initializer=_open_reader, initargs=(str(store.path),)) as pool:
            # largest stories first, so one big story does not finish alone at the end
            sizes = store.story_sizes(ids)
            order = sorted(ids, key=lambda i: (-sizes.get(i, 0), i))
            for story in pool.map(_analyze_in_reader, order, chunksize=1):
                if story is not None:
                    store.save_analysis(story)
                    done.append(story.id)
        return sorted(done)
    for story_id in ids:
        story = analyze_story(store, story_id)
        if story is not None:
            store.save_analysis(story)
            done.append(story_id)
    return done


_reader: Store | None = None


def _open_reader(path: str) -> None:
    global _reader
    _reader = Store(path, cache_kib=READER_CACHE_KIB)


def _analyze_in_reader(story_id: str) -> Story | None:
    from newsweave.corroborate import analyze_story

    assert _reader is not None, "worker started without _open_reader"
    return analyze_story(_reader, story_id)

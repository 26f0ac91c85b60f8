"""Stage 3, extract: entities, time expressions, quantities, quotes and events per article.

Like a spaCy pipeline of components over one ``Doc``: the body is parsed once (in batches,
with ``nlp.pipe``) and each component reads the Doc plus what the earlier components found.
Only English articles are extracted; others are kept with ``extracted=False``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsweave.records import Article, ArticleExtraction, Sentence

# Bump when extraction output changes in a way stored results should be redone for.
PIPELINE_VERSION = "1"
EXTRACTED_LANGUAGES = {"en"}


def extract(
    articles: Iterable[Article],
    nlp: Language | None = None,
    batch_size: int = 16,
) -> Iterator[ArticleExtraction]:
    """Extract every article, in order; one ArticleExtraction per input article."""
    from newsweave.extract.nlp import load_nlp

    nlp = nlp or load_nlp()
    pending: list[Article] = []
    for article in articles:
        pending.append(article)
        if len(pending) >= batch_size:
            yield from _extract_batch(pending, nlp)
            pending = []
    if pending:
        yield from _extract_batch(pending, nlp)


def _extract_batch(articles: list[Article], nlp: Language) -> Iterator[ArticleExtraction]:
    english = [a for a in articles if a.language in EXTRACTED_LANGUAGES and a.body.strip()]
    docs = dict(zip((a.id for a in english), nlp.pipe(a.body for a in english), strict=True))
    for article in articles:
        doc = docs.get(article.id)
        if doc is None:
            yield ArticleExtraction(
                article_id=article.id,
                extracted=False,
                note=f"language {article.language!r} is not extracted (only English is)",
            )
        else:
            yield extract_doc(doc, article)


def extract_doc(doc: Doc, article: Article) -> ArticleExtraction:
    """Run every extraction component over one parsed article body."""
    from newsweave.extract.entities import resolve_entities
    from newsweave.extract.events import code_events
    from newsweave.extract.quantities import find_quantities
    from newsweave.extract.quotes import find_quotes
    from newsweave.extract.timex import find_timexes

    anchor = article.published  # an estimated date still anchors relative dates; it is flagged upstream
    entities, mentions = resolve_entities(doc, authors=article.authors)
    for entity in entities:
        entity.article_ids = [article.id]
    timexes = find_timexes(doc, anchor)
    quantities = find_quantities(doc)
    quotes = find_quotes(doc, entities, mentions)
    events = code_events(doc, entities, mentions, timexes, anchor)
    return ArticleExtraction(
        article_id=article.id,
        extracted=True,
        sentences=[Sentence(s.start_char, s.end_char, s.text) for s in doc.sents],
        mentions=mentions,
        entities=entities,
        timexes=timexes,
        quantities=quantities,
        quotes=quotes,
        events=events,
    )

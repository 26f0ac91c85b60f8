"""Stage 3, extract: entities, time expressions, quantities, quotes and events per article.

Like a spaCy pipeline of components over one ``Doc``: the body is parsed once (in batches,
with ``nlp.pipe``) and each component reads the Doc plus what the earlier components found.
Only English articles are extracted; others are kept with ``extracted=False``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsweave.records import Article, ArticleExtraction, Entity, Sentence

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
    from newsweave.extract.statements import find_statements
    from newsweave.extract.timex import find_timexes

    anchor = article.published  # an estimated date still anchors relative dates; it is flagged upstream
    entities, mentions = resolve_entities(doc, authors=article.authors)
    for entity in entities:
        entity.article_ids = [article.id]
    timexes = find_timexes(doc, anchor)
    quantities = find_quantities(doc)
    quotes = find_quotes(doc, entities, mentions)
    events = code_events(doc, entities, mentions, timexes, anchor)
    statements = find_statements(doc, mentions, timexes, quantities, quotes, events, article.headings, anchor)
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
        statements=statements,
    )


def link_extractions(
    extractions: list[ArticleExtraction], known: list[Entity], common_words: Collection[str] = ()
) -> None:
    """Give the entities of a batch their cross-article canonical ids, in place.

    ``known`` holds stored entities that may be the same (see ``Store.entities_like``); their
    ids are kept, so linking a new article never renames what is already stored. A one-word
    name in ``common_words`` (shared by too many stored people to load them all) stays unlinked.
    """
    from newsweave.extract.entities import link_entities

    per_article = {ex.article_id: ex.entities for ex in extractions if ex.extracted}
    if not per_article:
        return
    store_key = "\x00stored"
    if known:
        per_article[store_key] = known
    linked = link_entities(per_article, stable_ids={e.id for e in known}, common_words=common_words)
    for ex in extractions:
        remap = linked.remap.get(ex.article_id, {})
        if remap:
            names = {e.id: linked[linked.canonical_id(ex.article_id, e.id)].name for e in ex.entities}
            _apply_remap(ex, remap, names, linked)


def _apply_remap(ex: ArticleExtraction, remap: dict[str, str], names: dict[str, str],
                 linked: dict[str, Entity]) -> None:
    """Rewrite every entity id (and the names derived from it) of one extraction."""

    def new_id(old: str) -> str:
        return remap.get(old, old)

    for mention in ex.mentions:
        mention.entity_id = new_id(mention.entity_id)
    for quote in ex.quotes:
        if quote.speaker_entity_id in remap:
            quote.speaker = names[quote.speaker_entity_id]
            quote.speaker_entity_id = new_id(quote.speaker_entity_id)
    for event in ex.events:
        if event.actor1_entity_id in remap:
            event.actor1 = names[event.actor1_entity_id]
            event.actor1_entity_id = new_id(event.actor1_entity_id)
        if event.actor2_entity_id in remap:
            event.actor2 = names[event.actor2_entity_id]
            event.actor2_entity_id = new_id(event.actor2_entity_id)
    for st in ex.statements:
        st.subject_ids = list(dict.fromkeys(map(new_id, st.subject_ids)))
        st.object_ids = list(dict.fromkeys(map(new_id, st.object_ids)))
        st.entity_ids = list(dict.fromkeys(map(new_id, st.entity_ids)))
        st.speaker_id = new_id(st.speaker_id) if st.speaker_id else None
    merged: dict[str, Entity] = {}
    for entity in ex.entities:
        target = new_id(entity.id)
        if target not in merged:
            merged[target] = Entity(id=target, name=linked[target].name, type=entity.type, aliases=[],
                                    article_ids=[ex.article_id], country=entity.country or linked[target].country,
                                    roles=[])
        merged[target].aliases = list(dict.fromkeys([*merged[target].aliases, *entity.aliases]))
        merged[target].roles = list(dict.fromkeys([*merged[target].roles, *entity.roles]))
    ex.entities = list(merged.values())

"""Stage 5, corroborate: align statements across outlets into facts and judge each one.

For one story: every article's atomic statements are compared with those of the other
sources; statements that say the same thing become one fact. A fact is

* ``corroborated`` when two or more independent sources state it (an outlet counts once,
  and a near-duplicate copy counts as its original),
* ``conflicting`` when its sources give incompatible values for the same slot (a number
  beyond its stated approximation, a different date),
* ``single_source`` otherwise.

Alignment never rests on similarity alone: statements whose arguments name different
third parties (a call with Trump vs. a call with Xi) are about different events and are
never merged, and the values that could conflict are compared only after alignment.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsweave.records import (
    Article,
    ArticleExtraction,
    Conflict,
    ConflictValue,
    Entity,
    Evidence,
    Fact,
    Quantity,
    Statement,
    Story,
    StoryEvent,
    StoryQuote,
    TimelineEntry,
)

# Alignment weights and thresholds. Chosen on the bundled sample corpus and the seeds,
# then checked on ECB+ (bench/ecbplus_align.py); see the notes in that script.
W_SEMANTIC = 0.55
W_LEXICAL = 0.30
W_ENTITY = 0.15
BONUS_SAME_SLOT = 0.08  # both carry a quantity of one kind, or a date: likely the same factual claim
BONUS_SAME_PREDICATE = 0.05
ALIGN_THRESHOLD = 0.56  # a pair at or above this may join one fact
MERGE_MEAN_THRESHOLD = 0.50  # two groups merge only if their members agree on average
SAME_ARTICLE_THRESHOLD = 0.80  # an article restating itself joins the fact only when nearly identical
MIN_FACT_WORDS = 4

PRONOUN_STARTS = {"he", "she", "it", "they", "this", "that", "these", "those", "we", "i", "his", "her", "their"}


@dataclass
class _Unit:
    """One statement in the story, with what alignment needs about it."""

    index: int
    article_id: str
    source: str
    statement: Statement
    text: str  # with entity mentions rewritten to canonical names
    foreign: frozenset[str]  # argument persons that are not the story's main actors
    position: float  # 0 at the top of the article, 1 at the bottom


@dataclass
class _Group:
    members: list[int] = field(default_factory=list)


def corroborate(
    story_id: str,
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    duplicate_of: dict[str, str] | None = None,
) -> Story:
    """The corroborated analysis of one story: facts, quotes, events, timeline and brief."""
    from newsweave.brief import render_brief

    articles = sorted(articles, key=lambda a: (a.published or "", a.id))
    duplicate_of = duplicate_of or {}
    sources = _source_keys(articles, duplicate_of)
    entities = _entities(extractions)
    main_actors = _main_actors(articles, extractions, entities)
    units = _units(articles, extractions, sources, entities, main_actors)
    groups = _align(units)
    facts = [_fact(story_id, [units[i] for i in g.members], articles) for g in groups]
    facts = [f for f in facts if f is not None]
    facts.sort(key=_fact_order)
    story = Story(
        id=story_id,
        title=_story_title(articles),
        article_ids=[a.id for a in articles],
        event_date=_event_date(articles, extractions, main_actors),
        facts=facts,
        quotes=_quotes(articles, extractions),
        events=_events(story_id, articles, extractions),
    )
    story.timeline = _timeline(story, units, groups, facts)
    story.brief = render_brief(story, articles, entities)
    return story


def align(
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    duplicate_of: dict[str, str] | None = None,
) -> list[list[tuple[str, Statement]]]:
    """Only the alignment step: groups of (article id, statement) that state the same thing."""
    sources = _source_keys(articles, duplicate_of or {})
    entities = _entities(extractions)
    units = _units(articles, extractions, sources, entities, _main_actors(articles, extractions, entities))
    return [[(units[i].article_id, units[i].statement) for i in g.members] for g in _align(units)]


# ------------------------------------------------------------------ sources and entities


def _source_keys(articles: Sequence[Article], duplicate_of: dict[str, str]) -> dict[str, str]:
    """Independent source of each article: its outlet, or itself when the outlet is unknown.

    A near-duplicate (syndicated) copy counts as the source of its original.
    """
    by_id = {a.id: a for a in articles}
    keys: dict[str, str] = {}
    for article in articles:
        original = by_id.get(duplicate_of.get(article.id, ""), article)
        keys[article.id] = f"outlet:{original.outlet.lower()}" if original.outlet else f"article:{original.id}"
    return keys


def _entities(extractions: dict[str, ArticleExtraction]) -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    for ex in extractions.values():
        for entity in ex.entities:
            out.setdefault(entity.id, entity)
    return out


def _is_person(entity_id: str, entities: dict[str, Entity]) -> bool:
    entity = entities.get(entity_id)
    return (entity.type if entity else entity_id.split(":", 1)[0].upper()) in ("PERSON", "PER")


def _main_actors(
    articles: Sequence[Article], extractions: dict[str, ArticleExtraction], entities: dict[str, Entity]
) -> set[str]:
    """The people the story is about: actors of its most reported event, and anyone every article names."""
    event_articles: dict[frozenset[str], set[str]] = defaultdict(set)
    person_articles: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        ex = extractions.get(article.id)
        if ex is None:
            continue
        for event in ex.events:
            actors = frozenset(a for a in (event.actor1_entity_id, event.actor2_entity_id) if a)
            if actors:
                event_articles[actors].add(article.id)
        for mention in ex.mentions:
            if _is_person(mention.entity_id, entities):
                person_articles[mention.entity_id].add(article.id)
    main: set[str] = set()
    if event_articles:
        actors, seen_in = max(event_articles.items(), key=lambda kv: (len(kv[1]), len(kv[0]), sorted(kv[0])))
        if len(seen_in) >= min(2, len(articles)):
            main |= actors
    if len(articles) >= 2:
        main |= {p for p, seen in person_articles.items() if len(seen) == len(articles)}
    return main


# ------------------------------------------------------------------ units


def _units(
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    sources: dict[str, str],
    entities: dict[str, Entity],
    main_actors: set[str],
) -> list[_Unit]:
    units: list[_Unit] = []
    for article in articles:
        ex = extractions.get(article.id)
        if ex is None or not ex.extracted:
            continue
        length = max(len(article.body), 1)
        for st in ex.statements:
            if len(st.text.split()) < MIN_FACT_WORDS:
                continue
            arguments = [*st.subject_ids, *st.object_ids]
            foreign = frozenset(
                e for e in arguments if _is_person(e, entities) and e not in main_actors
            )
            units.append(_Unit(
                index=len(units),
                article_id=article.id,
                source=sources[article.id],
                statement=st,
                text=_canonical_text(st, ex, entities),
                foreign=foreign,
                position=st.start / length,
            ))
    return units


def _canonical_text(st: Statement, ex: ArticleExtraction, entities: dict[str, Entity]) -> str:
    """The statement with role phrases and partial names replaced by canonical names.

    "The Korean president extended an invitation to the Chinese leader" and "Lee invited Xi"
    embed far closer once both read "Lee Jae-myung ... Xi Jinping".
    """
    text = st.text
    for mention in ex.mentions:
        if not (st.start <= mention.start and mention.end <= st.end):
            continue
        entity = entities.get(mention.entity_id)
        if entity is None or mention.text == entity.name or mention.kind == "metonym":
            continue
        text = text.replace(mention.text, entity.name, 1)
    return text


# ------------------------------------------------------------------ alignment


def _pair_scores(units: list[_Unit]) -> np.ndarray:
    """Alignment score of every pair of statements (symmetric, 0 on the diagonal)."""
    from newsweave.embed import embed

    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    semantic = embed([u.text for u in units])
    sem = np.clip(semantic @ semantic.T, 0.0, 1.0)

    vocab: dict[str, int] = {}
    for u in units:
        for lemma in u.statement.lemmas:
            vocab.setdefault(lemma, len(vocab))
    doc_freq = Counter(lemma for u in units for lemma in set(u.statement.lemmas))
    lex_matrix = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    for u in units:
        for lemma in u.statement.lemmas:
            lex_matrix[u.index, vocab[lemma]] = math.log(1 + n / doc_freq[lemma])
    norms = np.linalg.norm(lex_matrix, axis=1, keepdims=True)
    lex_matrix /= np.where(norms == 0, 1, norms)
    lex = lex_matrix @ lex_matrix.T

    ent_matrix = _indicator([set(u.statement.entity_ids) for u in units])
    inter = ent_matrix @ ent_matrix.T
    sizes = ent_matrix.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    ent = np.where(union > 0, inter / np.where(union == 0, 1, union), 0.0)

    scores = W_SEMANTIC * sem + W_LEXICAL * lex + W_ENTITY * ent

    # Bonuses: sharing a slot (both give a duration, both give a date) or the predicate word.
    slot_matrix = _indicator([_slot_keys(u.statement) for u in units])
    scores += BONUS_SAME_SLOT * ((slot_matrix @ slot_matrix.T) > 0)
    predicate_ids = _ids([u.statement.predicate for u in units])
    scores += BONUS_SAME_PREDICATE * (predicate_ids[:, None] == predicate_ids[None, :])
    # Vetoes: an asserted and a negated claim, or claims about different third parties, never align.
    negated = np.array([u.statement.negated for u in units])
    foreign = _ids([u.foreign for u in units])
    allowed = (negated[:, None] == negated[None, :]) & (foreign[:, None] == foreign[None, :])
    scores = np.where(allowed, scores, 0.0)
    np.fill_diagonal(scores, 0.0)
    return scores


def _indicator(key_sets: list[set[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for keys in key_sets:
        for k in keys:
            vocab.setdefault(k, len(vocab))
    matrix = np.zeros((len(key_sets), max(len(vocab), 1)), dtype=np.float32)
    for row, keys in enumerate(key_sets):
        for k in keys:
            matrix[row, vocab[k]] = 1.0
    return matrix


def _ids(values: list[object]) -> np.ndarray:
    """Small integer ids so equality of arbitrary hashable values can be compared as arrays."""
    table: dict[object, int] = {}
    return np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)


def _slot_keys(st: Statement) -> set[str]:
    keys = {f"q:{q.kind}:{q.unit}" for q in st.quantities}
    keys |= {f"t:{t.type}" for t in st.timexes if t.type in ("DATE", "DURATION") and t.anchored}
    return keys


def _align(units: list[_Unit]) -> list[_Group]:
    """Group statements into facts: greedy average-link merging over pairs, best first."""
    scores = _pair_scores(units)
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = [
        (float(scores[i, j]), i, j)
        for i in range(len(units))
        for j in range(i + 1, len(units))
        if scores[i, j] >= ALIGN_THRESHOLD
    ]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for score, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if units[i].article_id == units[j].article_id and score < SAME_ARTICLE_THRESHOLD:
            continue
        a, b = members[ri], members[rj]
        cross = [scores[x, y] for x in a for y in b if units[x].article_id != units[y].article_id]
        if any(units[x].foreign != units[y].foreign for x in a for y in b):
            continue
        if cross and float(np.mean(cross)) < MERGE_MEAN_THRESHOLD:
            continue
        parent[rj] = ri
        members[ri] = a + b
        del members[rj]
    return [_Group(sorted(m)) for _, m in sorted(members.items())]


# ------------------------------------------------------------------ facts


def _fact(story_id: str, units: list[_Unit], articles: Sequence[Article]) -> Fact | None:
    order = {a.id: i for i, a in enumerate(articles)}
    units = sorted(units, key=lambda u: (order[u.article_id], u.statement.start))
    representative = _representative(units)
    text = _sentence_case(representative.text)
    if len(text.split()) < MIN_FACT_WORDS:
        return None
    article_ids = list(dict.fromkeys(u.article_id for u in units))
    evidence = []
    seen_sentences: set[tuple[str, int]] = set()
    for u in units:
        key = (u.article_id, u.statement.sentence_start)
        if key in seen_sentences:
            continue
        seen_sentences.add(key)
        body = next(a.body for a in articles if a.id == u.article_id)
        st = u.statement
        evidence.append(Evidence(u.article_id, body[st.sentence_start:st.sentence_end].strip(),
                                 st.sentence_start, st.sentence_end))
    independent = {u.source for u in units}
    conflict = _conflict(units)
    status = "conflicting" if conflict else ("corroborated" if len(independent) >= 2 else "single_source")
    digest = hashlib.sha1(
        (story_id + "|" + "|".join(f"{u.article_id}:{u.statement.start}" for u in units)).encode()
    ).hexdigest()[:12]
    outlets = sorted({next((a.outlet for a in articles if a.id == u.article_id), None) or "unknown outlet"
                      for u in units})
    fact = Fact(id=f"f-{digest}", text=text, status=status, article_ids=article_ids, evidence=evidence,
                conflict=conflict, outlets=outlets)
    fact._position = min(u.position for u in units)  # type: ignore[attr-defined]
    fact._sources = len(independent)  # type: ignore[attr-defined]
    fact._hedged = all(u.statement.hedged for u in units)  # type: ignore[attr-defined]
    return fact


def _representative(units: list[_Unit]) -> _Unit:
    """The statement that reads best on its own: asserted, not starting with a pronoun, mid-length."""

    def badness(u: _Unit) -> tuple[int, int, int]:
        words = u.text.split()
        starts_with_pronoun = words[0].lower().strip("“\"") in PRONOUN_STARTS if words else True
        return (int(u.statement.hedged), int(starts_with_pronoun), abs(len(words) - 18))

    return min(units, key=badness)


def _sentence_case(text: str) -> str:
    text = text.strip().strip("“”\"").strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _fact_order(fact: Fact) -> tuple[int, int, float]:
    rank = {"corroborated": 0, "conflicting": 1, "single_source": 2}[fact.status]
    return (rank, -getattr(fact, "_sources", 1), getattr(fact, "_position", 1.0))


def _conflict(units: list[_Unit]) -> Conflict | None:
    """Incompatible values for one slot among different sources of one fact."""
    from newsweave.extract.quantities import compatible
    from newsweave.extract.timex import timex_compatible

    by_slot: dict[str, list[tuple[_Unit, Quantity]]] = defaultdict(list)
    for u in units:
        seen: set[str] = set()
        for q in u.statement.quantities:
            slot = f"{q.kind}:{q.unit}"
            if slot not in seen:  # the first value of a kind is the one the clause is about
                seen.add(slot)
                by_slot[slot].append((u, q))
    for slot, values in sorted(by_slot.items()):
        groups = _compatible_groups(values, lambda a, b: compatible(a[1], b[1]))
        if len(groups) > 1 and len({u.source for g in groups for u, _ in g}) > 1:
            return Conflict(slot=slot.split(":", 1)[0], values=[
                ConflictValue(value=g[0][1].text, article_ids=list(dict.fromkeys(u.article_id for u, _ in g)))
                for g in groups
            ])
    dates = [(u, t.value) for u in units for t in u.statement.timexes[:1]
             if t.type == "DATE" and t.anchored and re.match(r"^\d{4}-\d{2}-\d{2}$", t.value)]
    groups = _compatible_groups(dates, lambda a, b: timex_compatible(a[1], b[1]))
    if len(groups) > 1 and len({u.source for g in groups for u, _ in g}) > 1:
        return Conflict(slot="date", values=[
            ConflictValue(value=g[0][1], article_ids=list(dict.fromkeys(u.article_id for u, _ in g))) for g in groups
        ])
    return None


def _compatible_groups(values: list, same: object) -> list[list]:
    groups: list[list] = []
    for value in values:
        for group in groups:
            if all(same(value, other) for other in group):  # type: ignore[operator]
                group.append(value)
                break
        else:
            groups.append([value])
    return groups


# ------------------------------------------------------------------ story-level records


def _story_title(articles: Sequence[Article]) -> str:
    titles = [a.title for a in articles if a.title]
    if not titles:
        return articles[0].body.split("\n", 1)[0][:120] if articles else ""
    from newsweave.embed import embed

    if len(titles) <= 2:
        return titles[0]
    vectors = embed(titles)
    centrality = (vectors @ vectors.T).sum(axis=1)
    return titles[int(np.argmax(centrality))]


def _event_date(
    articles: Sequence[Article], extractions: dict[str, ArticleExtraction], main_actors: set[str]
) -> str | None:
    """The day the story's main event happened: the most reported date of its main actors' events."""
    dates: Counter[str] = Counter()
    for article in articles:
        ex = extractions.get(article.id)
        if ex is None:
            continue
        seen: set[str] = set()
        for event in ex.events:
            actors = {event.actor1_entity_id, event.actor2_entity_id} - {None}
            if event.date and re.match(r"^\d{4}-\d{2}-\d{2}", event.date) and (not main_actors or actors <= main_actors):
                seen.add(event.date[:10])
        dates.update(seen)
    if dates:
        return max(dates.items(), key=lambda kv: (kv[1], kv[0]))[0]
    published = sorted(a.published[:10] for a in articles if a.published)
    return published[0] if published else None


def _quotes(articles: Sequence[Article], extractions: dict[str, ArticleExtraction]) -> list[StoryQuote]:
    out = []
    for article in articles:
        ex = extractions.get(article.id)
        for q in ex.quotes if ex else []:
            out.append(StoryQuote(article.id, q.text, q.speaker, q.speaker_entity_id))
    return out


def _events(story_id: str, articles: Sequence[Article], extractions: dict[str, ArticleExtraction]) -> list[StoryEvent]:
    """Events merged across articles: one entry per (type, actors, date), with every article reporting it."""
    merged: dict[tuple, StoryEvent] = {}
    for article in articles:
        ex = extractions.get(article.id)
        for event in ex.events if ex else []:
            actors = tuple(sorted({event.actor1, event.actor2 or ""})) if event.plover == "CONSULT" else (
                event.actor1, event.actor2 or "")
            key = (event.plover, actors, (event.date or "")[:10])
            if key not in merged:
                digest = hashlib.sha1(f"{story_id}|{key}".encode()).hexdigest()[:12]
                merged[key] = StoryEvent(
                    id=f"e-{digest}", date=event.date, plover=event.plover, cameo=event.cameo,
                    actor1=event.actor1, actor2=event.actor2, location=event.location,
                    article_ids=[article.id], sentence=event.sentence,
                )
            elif article.id not in merged[key].article_ids:
                merged[key].article_ids.append(article.id)
                merged[key].location = merged[key].location or event.location
    return sorted(merged.values(), key=lambda e: (e.date or "9999", -len(e.article_ids), e.plover))


def _timeline(story: Story, units: list[_Unit], groups: list[_Group], facts: list[Fact]) -> list[TimelineEntry]:
    """Dated facts of the story, past and future, each with the articles that give it."""
    fact_by_first_unit = {}
    for fact in facts:
        fact_by_first_unit[(fact.evidence[0].article_id, fact.evidence[0].start)] = fact
    entries: dict[tuple[str, str], TimelineEntry] = {}
    for group in groups:
        group_units = [units[i] for i in group.members]
        dates: Counter[str] = Counter()
        for u in group_units:
            for t in u.statement.timexes:
                if t.type == "DATE" and t.anchored and re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", t.value):
                    dates[t.value] += 1
        if not dates:
            continue
        fact = next((f for f in facts if {(e.article_id, e.start) for e in f.evidence}
                     & {(u.article_id, u.statement.sentence_start) for u in group_units}), None)
        if fact is None or getattr(fact, "_hedged", False) and fact.status == "single_source":
            continue
        date = max(dates.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        key = (date, fact.id)
        entries.setdefault(key, TimelineEntry(date=date, text=fact.text, article_ids=list(fact.article_ids)))
    for event in story.events:
        if not event.date or not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", event.date):
            continue
        if any(e.date == event.date and set(event.article_ids) <= set(e.article_ids) for e in entries.values()):
            continue
        verb = {"CONSULT": "held talks with"}.get(event.plover, event.plover.lower())
        text = f"{event.actor1} {verb} {event.actor2}." if event.actor2 else f"{event.actor1}: {event.plover.lower()}."
        entries[(event.date, event.id)] = TimelineEntry(date=event.date, text=text, article_ids=list(event.article_ids))
    return sorted(entries.values(), key=lambda e: (e.date, -len(e.article_ids), e.text))


# ------------------------------------------------------------------ store glue


def analyze_story(store: object, story_id: str) -> Story | None:
    """Load a story's articles and extractions from the store and corroborate them."""
    from newsweave.store import Store

    assert isinstance(store, Store)
    assignments = store.assignments(story_id)
    if not assignments:
        return None
    ids = [a.article_id for a in assignments]
    articles = store.articles(ids=ids)
    extractions = {i: ex for i in ids if (ex := store.extraction(i)) is not None}
    duplicate_of = {a.article_id: a.duplicate_of for a in assignments if a.duplicate_of}
    return corroborate(story_id, articles, extractions, duplicate_of)

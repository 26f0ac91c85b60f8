"""Stage 5, corroborate: align statements across outlets into facts and judge each one.

For one story, every article's atomic statements are compared with those of the other
sources; statements that say the same thing become one fact. A fact is

* ``corroborated`` when two or more independent sources state it (an outlet counts once,
  and a near-duplicate copy counts as its original),
* ``conflicting`` when its sources give incompatible values for the same slot (a number
  beyond its stated approximation, a different date),
* ``single_source`` otherwise.

Two kinds of evidence make a fact:

* **event facts**: meetings and calls (PLOVER CONSULT) coded in several articles between the
  same actors are one fact ("Lee and Xi spoke by phone on 10 June 2025"), whether an
  article says so in its main clause or in passing ("during their first call on Tuesday");
* **statement facts**: clauses aligned by meaning (embeddings), shared content words,
  shared entities, the event they assert and the quantities they measure.

Alignment never rests on similarity alone: statements whose arguments name different third
parties (a call with Trump, a call with Xi) are about different events and never merge, and
values that could conflict are compared only after alignment.
"""

from __future__ import annotations

import hashlib
import math
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from newsweave.records import (
    Article,
    ArticleExtraction,
    Conflict,
    ConflictValue,
    Entity,
    Event,
    Evidence,
    Fact,
    Mention,
    Quantity,
    Statement,
    Story,
    StoryEvent,
    StoryQuote,
    TimelineEntry,
)

# Alignment weights and thresholds, chosen on the bundled sample corpus and the seeds and
# checked on ECB+ with bench/ecbplus_align.py.
W_SEMANTIC = 0.35
W_LEXICAL = 0.50
W_ENTITY = 0.05
BONUS_SAME_EVENT = 0.10  # both clauses assert the same coded event (same type, same actors)
BONUS_SAME_MEASURE = 0.30  # both give a number for the same thing ("the call lasted N minutes")
BONUS_SAME_VALUE = 0.12  # both give the same amount of the same unit ("€850 million", "3.5 percent")
BONUS_SAME_PREDICATE = 0.07
ALIGN_THRESHOLD = 0.38  # a pair at or above this may join one fact
MERGE_MEAN_THRESHOLD = 0.32  # two groups merge only if their members agree on average
SAME_ARTICLE_THRESHOLD = 0.70  # an article restating itself joins the fact only when nearly identical
_SAME_ARTICLE_THRESHOLD_F32 = float(np.float32(SAME_ARTICLE_THRESHOLD))  # as the float32 scores compare with it
MEASURE_RATIO = 3.0  # numbers further apart than this are about different things, not in conflict
MIN_FACT_WORDS = 4

PRONOUN_STARTS = {"he", "she", "it", "they", "this", "that", "these", "those", "we", "i", "his", "her", "their"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CALENDAR = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class _Unit:
    """One statement in the story, with what alignment needs about it."""

    index: int
    article_id: str
    source: str
    statement: Statement
    text: str  # with people's role phrases and partial names rewritten to canonical names
    foreign: frozenset[str]  # argument persons that are not the story's main actors
    position: float  # 0 at the top of the article, 1 at the bottom
    event_key: tuple[str, frozenset[str]] | None  # the event the clause asserts
    centrality: float = 0.0  # summed alignment score to the other statements of its fact


@dataclass
class _EventGroup:
    """CONSULT events between the same actors on compatible dates, across articles."""

    actors: frozenset[str]
    members: list[tuple[str, int, Event]] = field(default_factory=list)  # (article id, index, event)
    statements: list[_Unit] = field(default_factory=list)


@dataclass
class _Context:
    story_id: str
    articles: list[Article]
    extractions: dict[str, ArticleExtraction]
    sources: dict[str, str]
    entities: dict[str, Entity]
    main_actors: set[str]

    def body(self, article_id: str) -> str:
        return next(a.body for a in self.articles if a.id == article_id)

    def outlet(self, article_id: str) -> str:
        return next((a.outlet for a in self.articles if a.id == article_id), None) or "unknown outlet"


def corroborate(
    story_id: str,
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    duplicate_of: dict[str, str] | None = None,
) -> Story:
    """The corroborated analysis of one story: facts, quotes, events, timeline and brief."""
    from newsweave.brief import render_brief

    ctx = _context(story_id, articles, extractions, duplicate_of)
    units = _units(ctx)
    event_groups = _event_groups(ctx, units)
    absorbed = {id(u) for g in event_groups for u in g.statements}
    free_units = [u for u in units if id(u) not in absorbed]
    facts = [f for g in event_groups if (f := _event_fact(ctx, g)) is not None]
    facts += [f for members in _align(free_units) if (f := _statement_fact(ctx, members)) is not None]
    facts.sort(key=_fact_order)
    story = Story(
        id=story_id,
        title=_story_title(ctx.articles),
        article_ids=[a.id for a in ctx.articles],
        event_date=_event_date(ctx, event_groups),
        facts=facts,
        quotes=_quotes(ctx),
        events=_story_events(ctx),
    )
    story.timeline = _timeline(ctx, story)
    story.brief = render_brief(story, ctx.articles, ctx.entities, copies=duplicate_of)
    return story


def align(
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    duplicate_of: dict[str, str] | None = None,
) -> list[list[tuple[str, Statement]]]:
    """Only the statement alignment: groups of (article id, statement) that state the same thing."""
    ctx = _context("align", articles, extractions, duplicate_of)
    return [[(u.article_id, u.statement) for u in members] for members in _align(_units(ctx))]


def _context(
    story_id: str,
    articles: Sequence[Article],
    extractions: dict[str, ArticleExtraction],
    duplicate_of: dict[str, str] | None,
) -> _Context:
    ordered = sorted(articles, key=lambda a: (a.published or "", a.id))
    entities: dict[str, Entity] = {}
    for ex in extractions.values():
        for entity in ex.entities:
            entities.setdefault(entity.id, entity)
    ctx = _Context(story_id, ordered, extractions, _source_keys(ordered, duplicate_of or {}), entities, set())
    ctx.main_actors = _main_actors(ctx)
    return ctx


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


def _is_person(entity_id: str | None, entities: dict[str, Entity]) -> bool:
    if not entity_id:
        return False
    entity = entities.get(entity_id)
    return (entity.type if entity else entity_id.split(":", 1)[0].upper()) in ("PERSON", "PER")


def _main_actors(ctx: _Context) -> set[str]:
    """The people the story is about: actors of its most reported event, and anyone every article names."""
    event_articles: dict[frozenset[str], set[str]] = defaultdict(set)
    person_articles: dict[str, set[str]] = defaultdict(set)
    for article in ctx.articles:
        ex = ctx.extractions.get(article.id)
        if ex is None:
            continue
        for event in ex.events:
            actors = _actor_key(event)
            if len(actors) == 2:
                event_articles[actors].add(ctx.sources[article.id])
        for mention in ex.mentions:
            if _is_person(mention.entity_id, ctx.entities):
                person_articles[mention.entity_id].add(article.id)
    main: set[str] = set()
    if event_articles:
        actors, seen_in = max(event_articles.items(), key=lambda kv: (len(kv[1]), sorted(kv[0])))
        if len(seen_in) >= min(2, len(ctx.articles)):
            main |= actors
    if len(ctx.articles) >= 2:
        main |= {p for p, seen in person_articles.items() if len(seen) == len(ctx.articles)}
    return main


def _actor_key(event: Event) -> frozenset[str]:
    return frozenset(a for a in (event.actor1_entity_id or event.actor1, event.actor2_entity_id or event.actor2) if a)


# ------------------------------------------------------------------ units


def _units(ctx: _Context) -> list[_Unit]:
    units: list[_Unit] = []
    for article in ctx.articles:
        ex = ctx.extractions.get(article.id)
        if ex is None or not ex.extracted:
            continue
        length = max(len(article.body), 1)
        mentions = sorted(ex.mentions, key=lambda m: m.start)
        mention_starts = [m.start for m in mentions]
        for st in ex.statements:
            if len(st.text.split()) < MIN_FACT_WORDS:
                continue
            arguments = [*st.subject_ids, *st.object_ids]
            foreign = frozenset(e for e in arguments if _is_person(e, ctx.entities) and e not in ctx.main_actors)
            event_key = None
            if st.head_event is not None and st.head_event < len(ex.events):
                event = ex.events[st.head_event]
                event_key = (event.plover, _actor_key(event))
            units.append(_Unit(
                index=len(units),
                article_id=article.id,
                source=ctx.sources[article.id],
                statement=st,
                text=_canonical_text(st, mentions[bisect_left(mention_starts, st.sentence_start):
                                                  bisect_left(mention_starts, st.sentence_end)], ctx.entities),
                foreign=foreign,
                position=st.start / length,
                event_key=event_key,
            ))
    return units


def _canonical_text(st: Statement, mentions: list[Mention], entities: dict[str, Entity]) -> str:
    """The statement with people's role phrases and partial names replaced by their full names.

    "The Korean president extended an invitation to the Chinese leader" and "Lee invited Xi"
    embed far closer once both read "Lee Jae-myung ... Xi Jinping". Only people are rewritten:
    a place name inside a compound ("Korea-China") must stay as written.
    """
    text = st.text
    for mention in mentions:  # the article's mentions that start in the statement's sentence, in order
        # the sentence, not just the clause: an inherited subject ("Holt, who took office ...") lies outside it
        if mention.end > st.sentence_end:
            continue
        entity = entities.get(mention.entity_id)
        if entity is None or entity.type != "PERSON" or mention.text == entity.name or not mention.text.strip():
            continue
        pattern = re.compile(r"(?<![\w-])" + re.escape(mention.text) + r"(?![\w-])")
        for match in pattern.finditer(text):
            if text[match.start():].startswith(entity.name) or text[:match.end()].endswith(entity.name):
                continue  # this occurrence is already (part of) the full name
            if text[:match.start()].endswith("(") and text[match.end():].startswith(")"):
                continue  # a name in brackets labels something: "comet C/2026 E2 (Solberg)"
            text = text[:match.start()] + entity.name + text[match.end():]
            break
    # "his Chinese counterpart, Xi Jinping" became "Xi Jinping, Xi Jinping": say it once
    return re.sub(r"\b([A-Z][\w'-]+(?: [A-Z][\w'-]+)+), \1\b", r"\1", text)


# ------------------------------------------------------------------ event facts


def _event_groups(ctx: _Context, units: list[_Unit]) -> list[_EventGroup]:
    """Meetings and calls between the same two actors, reported by two or more sources."""
    from newsweave.extract.timex import timex_compatible

    consults = [(article.id, index, event)
                for article in ctx.articles
                for index, event in enumerate(_events_of(ctx, article.id))
                if event.plover == "CONSULT" and len(_actor_key(event)) == 2]
    leader_of = _leaders_by_country(ctx, [e for _, _, e in consults])
    by_actors: dict[frozenset[str], list[tuple[str, int, Event]]] = defaultdict(list)
    for article_id, index, event in consults:
        actors = frozenset(leader_of.get(a, a) for a in _actor_key(event))
        if len(actors) == 2:
            by_actors[actors].append((article_id, index, event))
    groups: list[_EventGroup] = []
    for actors, members in sorted(by_actors.items(), key=lambda kv: sorted(kv[0])):
        # one group per distinct date; undated mentions join the best-supported date
        dated: list[_EventGroup] = []
        for member in sorted(members, key=lambda m: not (m[2].date and _CALENDAR.match(m[2].date[:10]))):
            day = (member[2].date or "")[:10]
            target = next((g for g in dated if day and _CALENDAR.match(day)
                           and all(timex_compatible(day, (o.date or "")[:10]) for _, _, o in g.members
                                   if o.date and _CALENDAR.match(o.date[:10]))), None)
            if target is None and not (day and _CALENDAR.match(day)) and dated:
                target = max(dated, key=lambda g: len({ctx.sources[a] for a, _, _ in g.members}))
            if target is None:
                target = _EventGroup(actors)
                dated.append(target)
            target.members.append(member)
        groups += _merge_date_conflicts(ctx, dated)
    supported = [g for g in groups if len({ctx.sources[a] for a, _, _ in g.members}) >= 2]
    for unit in units:
        if unit.statement.head_event is None:
            continue
        for group in supported:
            if any(a == unit.article_id and i == unit.statement.head_event for a, i, _ in group.members):
                group.statements.append(unit)
                break
    return supported


def _events_of(ctx: _Context, article_id: str) -> list[Event]:
    ex = ctx.extractions.get(article_id)
    return ex.events if ex is not None else []


def _leaders_by_country(ctx: _Context, events: list[Event]) -> dict[str, str]:
    """Country actor id -> the one person of that country who is an actor in the story's calls.

    "Holt spoke with Canada's prime minister" coded as Holt–Canada and "Holt spoke with Claire
    Dufresne" coded as Holt–Dufresne are the same call when Dufresne is the only Canadian taking
    part in the story's calls.
    """
    people: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, str] = {}
    for event in events:
        for entity_id, country in ((event.actor1_entity_id, event.actor1_country),
                                   (event.actor2_entity_id, event.actor2_country)):
            if not entity_id or not country:
                continue
            if _is_person(entity_id, ctx.entities):
                people[country].add(entity_id)
            else:
                countries[entity_id] = country
    return {gpe: next(iter(people[c])) for gpe, c in countries.items() if len(people.get(c, ())) == 1}


def _merge_date_conflicts(ctx: _Context, groups: list[_EventGroup]) -> list[_EventGroup]:
    """Date groups of one actor pair that no single source tells apart are one event with a date conflict.

    An article that reports both dates describes two events (an earlier and a later call); if every
    source gives only one of the dates, the sources disagree about one event.
    """
    if len(groups) < 2:
        return groups
    sources_per_group = [{ctx.sources[a] for a, _, _ in g.members} for g in groups]
    overlap = any(sources_per_group[i] & sources_per_group[j]
                  for i in range(len(groups)) for j in range(i + 1, len(groups)))
    if overlap:
        return groups
    merged = _EventGroup(groups[0].actors)
    for g in groups:
        merged.members += g.members
    return [merged]


def _event_fact(ctx: _Context, group: _EventGroup) -> Fact | None:
    from newsweave.extract.timex import timex_compatible

    article_ids = list(dict.fromkeys(a for a, _, _ in group.members))
    evidence: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    for article_id, _, event in group.members:
        if (article_id, event.start) not in seen:
            seen.add((article_id, event.start))
            evidence.append(Evidence(article_id, ctx.body(article_id)[event.start:event.end].strip(),
                                     event.start, event.end))
    dates = [(a, (e.date or "")[:10]) for a, _, e in group.members if e.date and _CALENDAR.match(e.date[:10])]
    date_groups = _compatible_groups(dates, lambda x, y: timex_compatible(x[1], y[1]))
    conflict = None
    if len(date_groups) > 1:
        conflict = Conflict(slot="date", values=[
            ConflictValue(value=max((d for _, d in g), key=len),
                          article_ids=list(dict.fromkeys(a for a, _ in g))) for g in date_groups
        ])
    best_date = max((max((d for _, d in g), key=len) for g in date_groups),
                    key=lambda d: sum(1 for g in date_groups for _, x in g if x == d), default=None)
    first = Counter(e.actor1 for _, _, e in group.members).most_common(1)[0][0]
    others = [n for n in Counter(name for _, _, e in group.members for name in (e.actor1, e.actor2) if name)
              if n != first]
    second = others[0] if others else "another party"
    phone = any(e.mode == "phone" for _, _, e in group.members)
    verb = "spoke by phone" if phone else "met"
    when = f" {human_date(best_date)}" if best_date and not conflict else ""
    text = f"{first} and {second} {verb}{when}."
    sources = {ctx.sources[a] for a in article_ids}
    status = "conflicting" if conflict else ("corroborated" if len(sources) >= 2 else "single_source")
    digest = hashlib.sha1(f"{ctx.story_id}|event|{sorted(group.actors)}|{best_date}".encode()).hexdigest()[:12]
    fact = Fact(id=f"f-{digest}", text=text, status=status, article_ids=article_ids, evidence=evidence,
                conflict=conflict, outlets=sorted({ctx.outlet(a) for a in article_ids}))
    main = bool(ctx.main_actors) and group.actors <= ctx.main_actors
    position = -1.0 if main else min(
        e.start / max(len(ctx.body(a)), 1) for a, _, e in group.members)
    _annotate(fact, sources=len(sources), position=position, hedged=False,
              dates=[best_date] if best_date and not conflict else [])
    fact._event = True  # type: ignore[attr-defined]
    return fact


def human_date(value: str) -> str:
    """ "2025-06-10" -> "on 10 June 2025", "2025-11" -> "in November 2025", "2026" -> "in 2026"."""
    parts = value.split("-")
    try:
        if len(parts) == 3:
            day = date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"on {day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2:
            return f"in {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return f"on {value}"
    return f"in {value}"


# ------------------------------------------------------------------ statement alignment


# Rows of the pair-score matrix computed at once: the terms of a block are n-wide temporaries, so
# a story of thousands of statements needs one n x n float32 matrix, not one per term.
_SCORE_BLOCK = 512
# Above this many statements (a story of some hundred articles) the scores are kept sparse: only
# pairs scoring at least _SPARSE_KEEP, a few percent of them, so memory follows the similar pairs,
# not n squared (8,500 statements: 290 MB dense, about 30 MB sparse). A dropped pair counts as 0
# in a merge's mean, which can only make merging stricter; the link threshold is far above it.
DENSE_MAX_STATEMENTS = 3000
_SPARSE_KEEP = 0.15


def _pair_scores(units: list[_Unit], party_table: np.ndarray, party_ids: np.ndarray) -> Any:
    """Alignment score of every pair of statements (symmetric float32, 0 on the diagonal): a dense
    array, or for a story of more than DENSE_MAX_STATEMENTS a sparse matrix of the pairs that
    score at least _SPARSE_KEEP."""
    from scipy import sparse

    from newsweave.embed import embed

    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    semantic = np.asarray(embed([u.text for u in units]), dtype=np.float32)

    # lemma and entity vectors are sparse: a dense row per statement over a large story's whole
    # vocabulary would take gigabytes
    # dict.fromkeys, not set: a set's order depends on the process's string hash seed, and the column
    # order changes the float sums below in their last bits (and so, rarely, a merge)
    doc_freq = Counter(lemma for u in units for lemma in dict.fromkeys(u.statement.lemmas))
    vocab = {lemma: i for i, lemma in enumerate(doc_freq)}
    cells = [(u.index, vocab[lemma], math.log(1 + n / doc_freq[lemma]))
             for u in units for lemma in dict.fromkeys(u.statement.lemmas)]
    lex = _sparse_rows(cells, n, len(vocab))
    norms = np.sqrt(np.asarray(lex.multiply(lex).sum(axis=1)).ravel())
    lex = sparse.csr_matrix(sparse.diags(1 / np.where(norms == 0, 1, norms)) @ lex)
    lex_t = lex.T.tocsc()
    ent = _indicator([set(u.statement.entity_ids) for u in units])
    ent_t = ent.T.tocsc()
    sizes = np.asarray(ent.sum(axis=1), dtype=np.float32).ravel()

    events = _ids([u.event_key for u in units])
    has_event = np.array([u.event_key is not None for u in units])
    measure = _same_measure(units)
    value = _same_value(units)
    predicates = _ids([u.statement.predicate for u in units])
    negated = np.array([u.statement.negated for u in units])

    dense = n <= DENSE_MAX_STATEMENTS
    scores = np.empty((n, n), dtype=np.float32) if dense else None
    kept: list[Any] = []
    for r0 in range(0, n, _SCORE_BLOCK):
        rows = slice(r0, min(n, r0 + _SCORE_BLOCK))
        block = W_SEMANTIC * np.clip(semantic[rows] @ semantic.T, 0.0, 1.0)
        block += W_LEXICAL * (lex[rows] @ lex_t).toarray()
        inter = (ent[rows] @ ent_t).toarray()
        union = sizes[rows, None] + sizes[None, :] - inter
        block += W_ENTITY * np.where(union > 0, inter / np.where(union == 0, 1, union), 0.0)
        block += BONUS_SAME_EVENT * ((events[rows, None] == events[None, :]) & has_event[rows, None])
        block += BONUS_SAME_MEASURE * measure[rows].toarray()
        block += BONUS_SAME_VALUE * value[rows].toarray()
        block += BONUS_SAME_PREDICATE * (predicates[rows, None] == predicates[None, :])
        # Vetoes: an asserted and a negated claim, or claims about different third parties, never align.
        allowed = (negated[rows, None] == negated[None, :]) & party_table[party_ids[rows, None], party_ids[None, :]]
        block[~allowed] = 0.0
        if scores is not None:
            scores[rows] = block
            continue
        block[np.arange(block.shape[0]), np.arange(rows.start, rows.stop)] = 0.0  # the diagonal
        block[block < _SPARSE_KEEP] = 0.0
        kept.append(sparse.csr_matrix(block))
    if scores is None:
        return sparse.vstack(kept, format="csr")
    np.fill_diagonal(scores, 0.0)
    return scores


def _block(scores: Any, rows: np.ndarray, cols: np.ndarray, by_column: Any = None) -> np.ndarray:
    """The dense sub-matrix of pair scores for these rows and columns (dense or sparse scores).

    Sparse scores are gathered straight from the CSR rows (or, when there are fewer columns, from
    the columns of ``by_column``, the same matrix as CSC): scipy's fancy indexing costs ~100 us a
    call whatever the size, and merging a big story asks for tens of thousands of blocks.
    """
    if isinstance(scores, np.ndarray):
        return scores[np.ix_(rows, cols)]
    if by_column is not None and len(cols) < len(rows):
        return _gather(by_column, cols, rows).T
    return _gather(scores, rows, cols)


def _gather(compressed: Any, lines: np.ndarray, others: np.ndarray) -> np.ndarray:
    """out[k, m] = the value at (lines[k], others[m]) of a CSR (lines are rows) or CSC matrix;
    ``others`` holds no index twice."""
    out = np.zeros((len(lines), len(others)), dtype=compressed.dtype)
    indptr = compressed.indptr
    starts = indptr[lines]
    lengths = indptr[lines + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return out
    # the stored cells of every asked line, one flat run: cell t belongs to line_of[t]
    line_of = np.repeat(np.arange(len(lines)), lengths)
    cells = np.arange(total) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    position = np.full(compressed.shape[1], -1, dtype=np.int64)
    position[others] = np.arange(len(others))
    where = position[compressed.indices[cells]]
    hit = where >= 0
    out[line_of[hit], where[hit]] = compressed.data[cells[hit]]
    return out


def _sparse_rows(cells: list[tuple[int, int, float]], n_rows: int, n_cols: int) -> Any:
    """A float32 CSR matrix from (row, column, value) cells (each cell given once)."""
    from scipy import sparse

    rows = [c[0] for c in cells]
    cols = [c[1] for c in cells]
    values = [c[2] for c in cells]
    return sparse.csr_matrix((np.array(values, dtype=np.float32), (rows, cols)), shape=(n_rows, max(n_cols, 1)))


def _compatible_parties(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two statements can be about the same event, judged by the third parties they name.

    A clause naming only the story's main actors and one naming someone else ("a 20-minute call
    with Trump") are about different events; so are two clauses naming different third parties.
    Overlapping ones ("spoke with Dufresne on Friday and Korpela on Monday" / "spoke with
    Korpela on Monday") can be the same.
    """
    if not a and not b:
        return True
    return bool(a and b and a & b)


def _party_table(units: list[_Unit]) -> tuple[np.ndarray, np.ndarray]:
    """Which third-party sets are compatible (a table over the distinct sets), and each unit's set."""
    foreign_sets = list(dict.fromkeys(u.foreign for u in units))
    index = {f: i for i, f in enumerate(foreign_sets)}
    table = np.array([[_compatible_parties(a, b) for b in foreign_sets] for a in foreign_sets], dtype=bool)
    return table, np.array([index[u.foreign] for u in units], dtype=np.int64)


def _same_measure(units: list[_Unit]) -> Any:
    """1 where two statements give a number of one kind for the same thing, within a plausible range.

    "The call lasted 30 minutes" and "the 45-minute conversation" measure the same thing and may
    conflict; "a 40-minute call" and "a four-year ban" do not.
    """
    from newsweave.extract.quantities import base_value

    by_key: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for u in units:
        for measure, quantity in zip(u.statement.measures, u.statement.quantities, strict=False):
            if not measure.startswith("|"):  # the measured thing is known
                by_key[measure].append((u.index, base_value(quantity)))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for members in by_key.values():
        index = np.array([i for i, _ in members], dtype=np.int64)
        value = np.array([v for _, v in members], dtype=np.float64)
        high, low = np.maximum.outer(value, value), np.minimum.outer(value, value)
        close = (low > 0) & (high <= MEASURE_RATIO * low) & (index[:, None] != index[None, :])
        r, c = np.nonzero(close)
        rows.append(index[r])
        cols.append(index[c])
    return _pair_matrix(rows, cols, len(units))


def _pair_matrix(rows: list[np.ndarray], cols: list[np.ndarray], n: int) -> Any:
    """A sparse n x n 0/1 matrix with ones at (rows[k], cols[k]); pairs given twice count once."""
    from scipy import sparse

    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(n, n))
    matrix.data[:] = 1.0  # duplicates were summed
    return matrix


def _same_value(units: list[_Unit]) -> Any:
    """1 where two statements give compatible amounts of one unit other than time.

    A shared specific figure ("€850 million", "4.1 percent", "214 passengers") is strong evidence
    that two sentences report the same fact. Durations are left to ``_same_measure``, which also
    asks what was measured: "30 minutes" is too common to identify a fact on its own.
    """
    from newsweave.extract.quantities import compatible, quantity_bounds

    by_unit: dict[str, list[tuple[int, Quantity]]] = defaultdict(list)
    for u in units:
        for q in u.statement.quantities:
            if q.kind != "duration":
                by_unit[f"{q.kind}|{q.unit}"].append((u.index, q))
    # plain int arrays, not a set of tuples: a large story has hundreds of thousands of pairs
    first, second = array("q"), array("q")
    for members in by_unit.values():
        # Sweep in order of lower bound: only amounts whose intervals reach each other can be
        # compatible (a story of a few hundred articles has thousands of figures of one unit).
        spans = sorted(((low, high, i, q) for i, q in members for low, _, high, _ in [quantity_bounds(q)]),
                       key=lambda m: (m[0], m[1]))
        for k, (_low, high, i, qi) in enumerate(spans):
            reach = high + 1e-6 * max(1.0, abs(high))
            for low_j, _high_j, j, qj in spans[k + 1:]:
                if low_j > reach:
                    break
                if i != j and compatible(qi, qj):
                    first.append(i)
                    second.append(j)
    a = np.frombuffer(first, dtype=np.int64) if first else np.zeros(0, dtype=np.int64)
    b = np.frombuffer(second, dtype=np.int64) if second else np.zeros(0, dtype=np.int64)
    return _pair_matrix([a, b], [b, a], len(units))


def _indicator(key_sets: list[set[str]]) -> Any:
    """A sparse 0/1 matrix: one row per key set, one column per distinct key."""
    vocab: dict[str, int] = {}
    cells = [(row, vocab.setdefault(k, len(vocab)), 1.0) for row, keys in enumerate(key_sets) for k in sorted(keys)]
    return _sparse_rows(cells, len(key_sets), len(vocab))


def _ids(values: Sequence[object]) -> np.ndarray:
    """Small integer ids so equality of arbitrary hashable values can be compared as arrays."""
    table: dict[object, int] = {}
    return np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)


def _align(units: list[_Unit]) -> list[list[_Unit]]:
    """Group statements into facts: greedy average-link merging over pairs, best first."""
    if not units:
        return []
    for i, unit in enumerate(units):
        unit.index = i
    party_table, party_ids = _party_table(units)  # used by the scores' veto and by the merge check
    scores = _pair_scores(units, party_table, party_ids)
    by_column = None
    if not isinstance(scores, np.ndarray):  # see _block
        scores.sort_indices()
        by_column = scores.tocsc()
        by_column.sort_indices()
    parent = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if isinstance(scores, np.ndarray):
        rows, cols = np.nonzero(scores >= ALIGN_THRESHOLD)
        values = scores[rows, cols]
    else:
        found = scores.tocoo()
        strong = found.data >= ALIGN_THRESHOLD
        rows, cols, values = found.row[strong], found.col[strong], found.data[strong]
    upper = rows < cols
    rows, cols, values = rows[upper], cols[upper], values[upper]
    # best first, ties by position; sorted as arrays and read in chunks: a big story has a million
    # pairs, and a list of (score, i, j) tuples took a hundred megabytes
    order = np.lexsort((cols, rows, -values))
    rows, cols, values = rows[order], cols[order], values[order]
    pairs = (pair for start in range(0, len(order), 65536)
             for pair in zip(rows[start:start + 65536].tolist(), cols[start:start + 65536].tolist(),
                             values[start:start + 65536].tolist(), strict=True))
    article_of = _ids([u.article_id for u in units])
    # Two groups checked once get the same answer until one of them grows (a merge ends the pair,
    # a refusal stands), so each (group, size, group, size) is checked once: a big story has many
    # pairs between the same two groups. The key keeps the order the block is read in, which
    # decides the order of the float sum in the mean.
    checked: set[tuple[int, int, int, int]] = set()
    parties_agree = bool(party_table.all())  # most stories: no statement names a third party
    for i, j, value in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        if len(members[ri]) == 1 and len(members[rj]) == 1:
            # Two lone statements (most checks): the block below is this one score, so ask the same
            # questions of it without building arrays. The score is a float32; comparing it with
            # the float32 threshold is what the array comparison below does.
            if article_of[i] == article_of[j]:
                if value < _SAME_ARTICLE_THRESHOLD_F32:
                    continue
            elif value < MERGE_MEAN_THRESHOLD:
                continue
            if not parties_agree and not party_table[party_ids[i], party_ids[j]]:
                continue
        else:
            key = (ri, len(members[ri]), rj, len(members[rj]))
            if key in checked:
                continue
            checked.add(key)
            a, b = np.array(members[ri]), np.array(members[rj])
            block = _block(scores, a, b, by_column)
            same_article = article_of[a][:, None] == article_of[b][None, :]
            # one fact holds one statement per article, unless the article says it twice nearly alike:
            # this keeps a chain of loose matches from swallowing a whole article
            if (same_article & (block < SAME_ARTICLE_THRESHOLD)).any():
                continue
            if not parties_agree and not party_table[np.ix_(party_ids[a], party_ids[b])].all():
                continue
            cross = block[~same_article]
            if cross.size and float(cross.mean(dtype=np.float64)) < MERGE_MEAN_THRESHOLD:
                continue
        parent[rj] = ri
        members[ri] = members[ri] + members[rj]
        del members[rj]
    groups = [[units[i] for i in sorted(m)] for _, m in sorted(members.items())]
    for group in groups:
        index = np.array([u.index for u in group])
        centrality = _block(scores, index, index, by_column).sum(axis=1, dtype=np.float64)  # the diagonal is 0
        for unit, value in zip(group, centrality.tolist(), strict=True):
            unit.centrality = float(value)
    return groups


# ------------------------------------------------------------------ statement facts


def _statement_fact(ctx: _Context, units: list[_Unit]) -> Fact | None:
    order = {a.id: i for i, a in enumerate(ctx.articles)}
    units = sorted(units, key=lambda u: (order[u.article_id], u.statement.start))
    representative = _representative(units)
    text = _sentence_case(representative.text)
    if len(text.split()) < MIN_FACT_WORDS:
        return None
    speaker = representative.statement.speaker
    if len({u.source for u in units}) == 1 and speaker and speaker.split()[-1] not in text:
        # one outlet relaying someone's claim: say whose claim it is
        if _common_phrase(speaker, representative.statement.speaker_id):
            speaker = speaker[0].lower() + speaker[1:]  # "a presidential official", not "A presidential official"
        text = f"{text[:-1]} (according to {speaker}){text[-1]}"
    article_ids = list(dict.fromkeys(u.article_id for u in units))
    evidence: list[Evidence] = []
    for u in units:
        st = u.statement
        body = ctx.body(u.article_id)
        clause = body[st.start:st.end]  # the article's own words, not the rewritten statement
        same_sentence = next((e for e in evidence if e.article_id == u.article_id and e.start == st.sentence_start), None)
        if same_sentence is not None:
            if clause not in (same_sentence.clause or ""):
                same_sentence.clause = f"{same_sentence.clause} … {clause}"
            continue
        sentence = body[st.sentence_start:st.sentence_end].strip()
        evidence.append(Evidence(u.article_id, sentence, st.sentence_start, st.sentence_end, clause=clause))
    independent = {u.source for u in units}
    conflict = _conflict(units)
    status = "conflicting" if conflict else ("corroborated" if len(independent) >= 2 else "single_source")
    digest = hashlib.sha1(
        (ctx.story_id + "|" + "|".join(f"{u.article_id}:{u.statement.start}" for u in units)).encode()
    ).hexdigest()[:12]
    fact = Fact(id=f"f-{digest}", text=text, status=status, article_ids=article_ids, evidence=evidence,
                conflict=conflict, outlets=sorted({ctx.outlet(u.article_id) for u in units}))
    # the dates the fact happens on: not "since July 2014", which dates something earlier
    dates = Counter(t.value for u in units for t in u.statement.timexes
                    if t.type == "DATE" and t.anchored and _CALENDAR.match(t.value) and _explicit(t.text)
                    and not ctx.body(u.article_id)[max(0, t.start - 6):t.start].lower().endswith("since "))
    _annotate(fact, sources=len(independent), position=min(u.position for u in units),
              hedged=all(u.statement.hedged for u in units),
              dates=[d for d, _ in dates.most_common(1)])
    return fact


_EXPLICIT_DATE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|yesterday|today|tonight)",
    re.IGNORECASE,
)


def _explicit(timex_text: str) -> bool:
    """A date the text names ("July 2014", "Tuesday", "in November"), not one inferred from
    context ("later in the day", "this year"), which is too loose to place on a timeline."""
    return bool(_EXPLICIT_DATE.search(timex_text))


def _annotate(fact: Fact, *, sources: int, position: float, hedged: bool, dates: list[str]) -> None:
    """Ordering hints kept on the fact object for this run only (not part of the record)."""
    fact._sources = sources  # type: ignore[attr-defined]
    fact._position = position  # type: ignore[attr-defined]
    fact._hedged = hedged  # type: ignore[attr-defined]
    fact._dates = dates  # type: ignore[attr-defined]


def _representative(units: list[_Unit]) -> _Unit:
    """The statement that says the fact best: asserted, not opening with a pronoun, and the most
    central (closest to what every other outlet's wording shares), of a readable length."""

    def badness(u: _Unit) -> tuple[int, int, float]:
        words = u.text.split()
        starts_with_pronoun = words[0].lower().strip("“\"") in PRONOUN_STARTS if words else True
        length_penalty = abs(len(words) - 16) / 40
        return (int(u.statement.hedged), int(starts_with_pronoun), length_penalty - u.centrality)

    return min(units, key=badness)


_GROUP_SPEAKERS = {"officials", "analysts", "experts", "critics", "residents", "witnesses", "police", "economists"}


def _common_phrase(speaker: str, entity_id: str | None) -> bool:
    """A speaker named by a common phrase, capitalised only because a sentence began with it
    ("A presidential official", "Analysts", "Preliminary orbital calculations"), not a name."""
    words = speaker.split()
    if entity_id is not None or not words:
        return False
    if words[0] in ("A", "An", "The", "Some") or words[0].lower() in _GROUP_SPEAKERS:
        return True
    return len(words) > 1 and words[0][:1].isupper() and not words[0].isupper() and all(w.islower() for w in words[1:])


def _sentence_case(text: str) -> str:
    text = text.strip().strip("“”\"").strip().rstrip(",;:—–- ").strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _fact_order(fact: Fact) -> tuple[int, int, int, float]:
    """The story's main event first; then the most widely reported facts, earliest in the articles first."""
    rank = {"corroborated": 0, "conflicting": 1, "single_source": 2}[fact.status]
    position = getattr(fact, "_position", 1.0)
    return (int(position >= 0), rank, -getattr(fact, "_sources", 1), position)


def _conflict(units: list[_Unit]) -> Conflict | None:
    """Incompatible values for one slot among different sources of one fact."""
    from newsweave.extract.quantities import compatible
    from newsweave.extract.timex import timex_compatible

    # Statements aligned into one fact state the same thing, so their numbers of one kind and unit
    # (durations in any unit) are values for the same slot; the first of each is what the clause is about.
    by_slot: dict[str, list[tuple[_Unit, Quantity]]] = defaultdict(list)
    for u in units:
        seen: set[str] = set()
        for q in u.statement.quantities:
            slot = q.kind if q.kind == "duration" else f"{q.kind}|{q.unit}"
            if slot not in seen:
                seen.add(slot)
                by_slot[slot].append((u, q))
    for slot, values in sorted(by_slot.items()):
        groups, fitting = _value_groups(values, lambda a, b: compatible(a[1], b[1]))
        if len(groups) > 1 and _disagreeing_sources(groups):
            kind = slot.split("|")[0]
            return Conflict(slot=kind, values=[
                ConflictValue(value=g[0][1].text, article_ids=list(dict.fromkeys(u.article_id for u, _ in g)))
                for g in groups
            ] + [ConflictValue(value=q.text, article_ids=[u.article_id], fits_all=True) for u, q in fitting])
    dates = [(u, t.value) for u in units for t in u.statement.timexes[:1]
             if t.type == "DATE" and t.anchored and _DAY.match(t.value)]
    groups = _compatible_groups(dates, lambda a, b: timex_compatible(a[1], b[1]))
    if len(groups) > 1 and _disagreeing_sources(groups):
        return Conflict(slot="date", values=[
            ConflictValue(value=g[0][1], article_ids=list(dict.fromkeys(u.article_id for u, _ in g))) for g in groups
        ])
    return None


def _disagreeing_sources(groups: list[list]) -> bool:
    """Values disagree between sources, not merely within one article (which may list several)."""
    sources = [{u.source for u, _ in g} for g in groups]
    return len(set().union(*sources)) > 1 and not any(
        sources[i] & sources[j] for i in range(len(sources)) for j in range(i + 1, len(sources))
    )


_BOUNDS = ("over", "under", "at_least", "at_most")


def _value_groups(
    values: list[tuple[_Unit, Quantity]], same: Callable[[object, object], bool]
) -> tuple[list[list], list[tuple[_Unit, Quantity]]]:
    """Groups of mutually compatible figures, and the bounds that fit more than one group.

    Figures ("12", "about 30") form the groups; a bound ("at least 12") joins the one group it fits,
    stands alone if it fits none, and is set apart if it fits several: "at least 12" is true of
    both "12" and "15" and so sides with neither (grouped first-come, it sided with whichever
    outlet came first).
    """
    figures = [v for v in values if v[1].approx not in _BOUNDS]
    bounds = [v for v in values if v[1].approx in _BOUNDS]
    if not figures:
        return _compatible_groups(bounds, same), []
    groups = _compatible_groups(figures, same)
    fitting: list[tuple[_Unit, Quantity]] = []
    for value in bounds:
        fits = [g for g in groups if all(same(value, other) for other in g)]
        if len(fits) == 1:
            fits[0].append(value)
        elif fits:
            fitting.append(value)
        else:
            groups.append([value])
    return groups, fitting


def _compatible_groups(values: list, same: Callable[[object, object], bool]) -> list[list]:
    groups: list[list] = []
    for value in values:
        for group in groups:
            if all(same(value, other) for other in group):
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
    if len(titles) <= 2:
        return titles[0]
    from newsweave.embed import embed

    vectors = embed(titles)
    centrality = (vectors @ vectors.T).sum(axis=1)
    return titles[int(np.argmax(centrality))]


def _event_date(ctx: _Context, groups: list[_EventGroup]) -> str | None:
    """The day the story's main event happened: the best-reported meeting or call, else other events."""
    best = max(groups, key=lambda g: (len({ctx.sources[a] for a, _, _ in g.members}), sorted(g.actors)),
               default=None)
    candidates: Counter[str] = Counter()
    events = best.members if best else [
        (a.id, i, e) for a in ctx.articles for i, e in enumerate(ctx.extractions[a.id].events)
        if a.id in ctx.extractions and (not ctx.main_actors or _actor_key(e) <= ctx.main_actors)
    ]
    seen: set[tuple[str, str]] = set()
    for article_id, _, event in events:
        if event.date and _DAY.match(event.date[:10]) and (ctx.sources[article_id], event.date[:10]) not in seen:
            seen.add((ctx.sources[article_id], event.date[:10]))
            candidates[event.date[:10]] += 1
    if candidates:
        return max(candidates.items(), key=lambda kv: (kv[1], kv[0]))[0]
    published = sorted(a.published[:10] for a in ctx.articles if a.published)
    return published[0] if published else None


def _quotes(ctx: _Context) -> list[StoryQuote]:
    out = []
    for article in ctx.articles:
        ex = ctx.extractions.get(article.id)
        for q in ex.quotes if ex else []:
            out.append(StoryQuote(article.id, q.text, q.speaker, q.speaker_entity_id, q.direct))
    return out


def _story_events(ctx: _Context) -> list[StoryEvent]:
    """Events merged across articles: one entry per (type, actors, date), with every article reporting it."""
    merged: dict[tuple, StoryEvent] = {}
    for article in ctx.articles:
        ex = ctx.extractions.get(article.id)
        for event in ex.events if ex else []:
            if event.plover == "CONSULT" or event.symmetric:
                actors: tuple[str, ...] = tuple(sorted(_actor_key(event)))
            else:
                actors = (event.actor1_entity_id or event.actor1, event.actor2_entity_id or event.actor2 or "")
            key = (event.plover, event.cameo or "", actors, (event.date or "")[:10])
            if key not in merged:
                digest = hashlib.sha1(f"{ctx.story_id}|{key}".encode()).hexdigest()[:12]
                merged[key] = StoryEvent(
                    id=f"e-{digest}", date=event.date, plover=event.plover, cameo=event.cameo,
                    actor1=event.actor1, actor2=event.actor2, location=event.location,
                    article_ids=[article.id], sentence=event.sentence,
                )
            elif article.id not in merged[key].article_ids:
                merged[key].article_ids.append(article.id)
                merged[key].location = merged[key].location or event.location
    return sorted(merged.values(), key=lambda e: (e.date or "9999", -len(e.article_ids), e.plover))


def _timeline(ctx: _Context, story: Story) -> list[TimelineEntry]:
    """Dated facts of the story, past and future, each with the articles that give it.

    A fact enters at the date it states (the call on 10 June, the summit in November, the
    visit in July 2014); speculative single-source statements stay out. Meetings and calls
    reported outside any fact (earlier calls of the same people) enter from the events.
    """
    entries: list[TimelineEntry] = []
    for fact in story.facts:
        if fact.status == "conflicting" and fact.conflict and fact.conflict.slot == "date":
            continue
        if getattr(fact, "_hedged", False):
            continue  # "could meet at the summit" is no event of the timeline
        for day in getattr(fact, "_dates", []):
            if day == story.event_date and not getattr(fact, "_event", False):
                continue  # on the main day the timeline shows the main event; details are in the brief
            entries.append(TimelineEntry(date=day, text=fact.text, article_ids=list(fact.article_ids)))
    for event in story.events:
        day = (event.date or "")[:10]
        if event.plover != "CONSULT" or not event.actor2 or not _CALENDAR.match(day):
            continue
        actors = (_standing_for(ctx, event.actor1), _standing_for(ctx, event.actor2))
        covered = [e for e in entries
                   if e.date == day and all(any(name in e.text for name in names) for names in actors)]
        if covered:
            for entry in covered:
                entry.article_ids = list(dict.fromkeys([*entry.article_ids, *event.article_ids]))
            continue
        phone = "spoke by phone" if event.cameo == "041" else "met"
        entries.append(TimelineEntry(date=day, text=f"{event.actor1} and {event.actor2} {phone}.",
                                     article_ids=list(event.article_ids)))
    entries.sort(key=lambda e: (e.date, -len(e.article_ids), e.text))
    return entries


def _standing_for(ctx: _Context, actor: str) -> set[str]:
    """Names that stand for an event actor in a fact's text: its own, and for a country the story's
    office holders of that country ("talks with Canada" is the call with Canada's prime minister)."""
    names = {actor}
    place = next((e for e in ctx.entities.values() if e.name == actor and e.type == "GPE" and e.country), None)
    if place is not None:
        names |= {e.name for e in ctx.entities.values()
                  if e.type == "PERSON" and e.country == place.country and e.roles}
    return names


# ------------------------------------------------------------------ store glue


# Corroboration compares every statement with every other: its time and memory grow with the
# square of a story's size (a 323-article story: 17 s and 0.5 GB). A "story" of thousands of
# articles is in practice a running topic (every storm of a season) rather than one event, and
# analysing it whole would stall the run; its most recently ingested articles are analysed, and
# the story says so.
MAX_ANALYSED_ARTICLES = 400
# What corroboration reads of each extraction (its statements carry their own dates and figures).
ANALYSED_PARTS = ("statements", "mentions", "events", "quotes", "entities")


def analyze_story(store: object, story_id: str, max_articles: int | None = None) -> Story | None:
    """Load a story's articles and extractions from the store and corroborate them (at most
    ``max_articles``, default MAX_ANALYSED_ARTICLES, the most recently ingested)."""
    from newsweave.store import Store

    assert isinstance(store, Store)
    limit = MAX_ANALYSED_ARTICLES if max_articles is None else max_articles
    assignments = store.assignments(story_id)
    if not assignments:
        return None
    every_id = [a.article_id for a in assignments]  # in ingest order
    ids = every_id[-limit:]
    articles = store.articles(ids=ids)
    extractions = store.extractions(ids, parts=ANALYSED_PARTS)
    chosen = set(ids)
    duplicate_of = {a.article_id: a.duplicate_of for a in assignments if a.duplicate_of and a.article_id in chosen}
    story = corroborate(story_id, articles, extractions, duplicate_of)
    if len(ids) < len(every_id):
        story.article_ids = sorted(every_id)  # the story keeps every article, analysed or not
        story.note = (f"Corroborated over the {len(ids):,} most recently added of the story's "
                      f"{len(every_id):,} articles: a story this large usually spans several events.")
        story.brief = f"{story.brief.rstrip()}\n\n_{story.note}_\n"
    return story

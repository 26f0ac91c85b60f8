"""Plain typed records that flow between the pipeline stages.

ingest -> RawDocument -> clean -> Article -> extract -> ArticleExtraction
-> cluster -> StoryAssignment -> corroborate -> StoryAnalysis -> report

Every stage takes and returns these dataclasses (no ORM objects, no spaCy objects), so
each stage can be tested alone and the store can persist them as rows or JSON.
All character offsets (``start``/``end``) index into ``Article.body``; ``end`` is exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# ---------------------------------------------------------------- ingest


@dataclass
class RawDocument:
    """One input item exactly as read: a file, a JSON Lines row, or stdin."""

    path: str  # the file, URL or "<stdin>" it came from
    format: Literal["txt", "html", "jsonl"]
    raw: bytes  # the input unchanged (for JSON Lines: the row's bytes)
    text: str  # ``raw`` decoded; for JSON Lines: the row's "text" or "html" field
    encoding: str = "utf-8"
    line: int | None = None  # 1-based line number inside a JSON Lines file
    # Metadata given by the input itself (JSON Lines fields); it wins over what cleaning finds.
    given: dict[str, Any] = field(default_factory=dict)
    content_format: Literal["txt", "html"] = "txt"  # what ``text`` holds
    fetched: str | None = None  # ISO time the page was fetched, when known

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass
class IngestError:
    """A bad input item: the batch goes on without it."""

    path: str
    message: str
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# ---------------------------------------------------------------- clean


@dataclass
class Article:
    """A cleaned article: body text without boilerplate, plus page metadata."""

    id: str  # stable: a hash of the raw input
    path: str
    body: str  # paragraphs split by "\n"
    title: str | None = None
    subtitle: str | None = None
    outlet: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601; a date only where no time is known
    published_estimated: bool = False
    updated: str | None = None
    language: str = "en"  # ISO 639-1, "und" when it cannot be told
    headings: list[str] = field(default_factory=list)  # in-body subheadings, as they appear in body
    format: str = "txt"
    content_hash: str = ""  # sha256 of the raw input
    body_hash: str = ""  # sha256 of the normalised body (catches the same text in two wrappers)
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- extract


@dataclass
class Mention:
    """A span of an article that names an entity."""

    text: str
    start: int
    end: int
    entity_id: str  # canonical entity id (shared across articles)
    kind: Literal["name", "role", "pronoun", "metonym"] = "name"


@dataclass
class Entity:
    """A canonical entity: one real-world person, organisation, place, ..."""

    id: str  # e.g. "person:lee-jae-myung"
    name: str  # canonical name, e.g. "Lee Jae-myung"
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    country: str | None = None  # ISO 3166 alpha-3 where known (for event actors)
    roles: list[str] = field(default_factory=list)  # "president of South Korea", "spokesperson", ...


@dataclass
class Timex:
    """A time expression normalised TIMEX3-style against the article's publish time."""

    text: str
    start: int
    end: int
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str  # "2025-06-10", "2025-11", "2026", "PT30M", "P11Y", "XXXX-XX-XX" when unknown
    anchored: bool = True  # False when relative but no anchor date was known


@dataclass
class Quantity:
    """A number with its unit and approximation, comparable across outlets."""

    text: str
    start: int
    end: int
    value: float
    unit: str  # canonical unit: "minute", "percent", "USD", "mile", "count:buoy", ...
    kind: Literal["duration", "count", "money", "percent", "distance", "other"] = "other"
    approx: Literal["exact", "about", "over", "under", "at_least", "at_most"] = "exact"
    low: float | None = None  # the interval the statement allows, given its approximation
    high: float | None = None


@dataclass
class Quote:
    text: str  # the quoted or reported content
    start: int
    end: int
    direct: bool
    speaker: str | None = None  # canonical name where resolved, else surface form
    speaker_entity_id: str | None = None
    cue: str | None = None  # "said", "according to", ...


@dataclass
class Event:
    """Who did what to whom, PLOVER-typed with the matching CAMEO code."""

    plover: str  # CONSULT, REQUEST, AGREE, ...
    actor1: str  # canonical entity name
    sentence: str
    start: int  # the sentence's span in the body
    end: int
    cameo: str | None = None
    mode: str | None = None  # PLOVER mode where clear (e.g. "telephone" for CONSULT)
    actor2: str | None = None
    actor1_entity_id: str | None = None
    actor2_entity_id: str | None = None
    actor1_country: str | None = None
    actor2_country: str | None = None
    date: str | None = None
    location: str | None = None
    trigger: str | None = None
    trigger_start: int | None = None  # the trigger word's span in the body
    trigger_end: int | None = None
    symmetric: bool = False  # "A and B met": actor order carries no meaning


@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Statement:
    """One atomic statement: a predicate with its arguments, cut from one sentence.

    The unit corroboration aligns across articles. Slots (entities, times, quantities)
    point at what the other extractors found inside the statement's span.
    """

    start: int  # the clause's span in the body
    end: int
    sentence_start: int  # the evidence sentence's span in the body
    sentence_end: int
    text: str  # the clause in plain words (an inherited subject is prefixed)
    predicate: str  # lemma of the head word ("invite", "last", "call")
    subject_ids: list[str] = field(default_factory=list)  # canonical entity ids
    object_ids: list[str] = field(default_factory=list)
    entity_ids: list[str] = field(default_factory=list)  # every entity named in the clause
    lemmas: list[str] = field(default_factory=list)  # content lemmas, lowercased
    timexes: list[Timex] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    negated: bool = False
    hedged: bool = False  # conditional or speculative ("if Xi accepts", "could meet")
    speaker_id: str | None = None  # when the clause is reported speech: who said it
    speaker: str | None = None
    event_indices: list[int] = field(default_factory=list)  # ArticleExtraction.events triggered in the clause
    head_event: int | None = None  # the event the clause asserts (its trigger is the clause's predicate)
    measures: list[str] = field(default_factory=list)  # "what|kind|unit" of each quantity: "CONSULT|duration|minute"


@dataclass
class ArticleExtraction:
    """Everything the extraction stage found in one article."""

    article_id: str
    extracted: bool  # False for non-English articles: stored, clustered, not extracted
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)  # entities seen in this article
    timexes: list[Timex] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    note: str | None = None  # why extraction was skipped, when it was


# ---------------------------------------------------------------- cluster


@dataclass
class StoryAssignment:
    """Which story an article joined, and the scores that decided it."""

    article_id: str
    story_id: str
    new_story: bool
    scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    duplicate_of: str | None = None  # near-duplicate (syndicated copy) of this article


# ---------------------------------------------------------------- corroborate


@dataclass
class Evidence:
    article_id: str
    sentence: str  # the whole evidence sentence; start/end are its span in the article body
    start: int
    end: int
    clause: str | None = None  # the part of the sentence that states the fact, where narrower


@dataclass
class ConflictValue:
    value: str
    article_ids: list[str]
    # a bound that fits more than one of the other values ("at least 12" beside "12" and "15"):
    # shown with the conflict as evidence, but on neither side of it
    fits_all: bool = False


@dataclass
class Conflict:
    slot: str  # "duration", "date", "actor2", "count", ...
    values: list[ConflictValue]


@dataclass
class Fact:
    id: str
    text: str
    status: Literal["corroborated", "single_source", "conflicting"]
    article_ids: list[str]
    evidence: list[Evidence]
    conflict: Conflict | None = None
    outlets: list[str] = field(default_factory=list)


@dataclass
class StoryQuote:
    article_id: str
    text: str
    speaker: str | None
    speaker_entity_id: str | None
    direct: bool = True  # False for reported speech ("Lee said he hopes ...")


@dataclass
class StoryEvent:
    id: str
    date: str | None
    plover: str
    cameo: str | None
    actor1: str
    actor2: str | None
    location: str | None
    article_ids: list[str]
    sentence: str


@dataclass
class TimelineEntry:
    date: str
    text: str
    article_ids: list[str]


@dataclass
class Story:
    id: str
    title: str
    article_ids: list[str]
    event_date: str | None = None
    facts: list[Fact] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    events: list[StoryEvent] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    brief: str = ""
    note: str | None = None  # set when the analysis covers only part of the story (see corroborate)

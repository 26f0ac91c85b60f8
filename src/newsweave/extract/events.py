"""Political event coding: who did what to whom, PLOVER-typed with the matching CAMEO code.

The coder is a set of rules over one spaCy parse; it runs no model of its own. For each clause
that carries an event it finds

* the trigger: a verb frame from ``data/plover_cameo.json`` ("urge X to", "call on X to",
  "hold a phone conversation with", "congratulate X on"), or an event noun that names its own
  participants ("Lee's chat with Xi", "their first phone call");
* actor1 and actor2 as canonical entities (through the mentions the entity module found), or
  as a country when the text names one through a demonym, a capital ("Beijing said") or a role
  ("Chinese troops"); "the two leaders" are the two holders of leader roles (never a spokesperson or
  the reporter), and a dateline's place ("BRENNHOLM, March 10 (MPA) -") is never an actor;
* the date, from the time expression attached to the clause (not one that dates a noun on the way:
  "invited Arai to a summit in June"), else from the call it was made in ("during the call", "used the
  call to press", "began by congratulating"), else from the article's main event when this is the same
  kind of event between the same actors, else from a relative link ("a day after he had a phone call
  with ...");
* the location, from an "in/at <place>" phrase of the clause.

Negated, conditional and speculative clauses ("did not discuss", "if Xi accepts", "could
meet") are not coded, except that a negated offer of help becomes a REJECT ("would not provide
support"), as CAMEO codes it.

PLOVER types and modes follow the CAMEO-to-PLOVER table (openeventdata/PLOVER 2021, as in
the petrarch-gsr codebook): appeals (CAMEO 02) and demands (CAMEO 10) are REQUEST; CAMEO 01
statements have no PLOVER type and are never emitted. Choices where the codebooks leave room:

* an invitation ("Lee invited Xi to the APEC summit") is a REQUEST, mode "meet", CAMEO 026
  (appeal to meet): the inviter asks the invitee to come. CAMEO coders also use 036 (express
  intent to meet, PLOVER AGREE) for it.
* congratulations and praise are SUPPORT, CAMEO 051 (praise or endorse).
* "agree to/on", "pledge", "vow", "express willingness to" are AGREE, CAMEO 03x by the kind of
  action promised (036 meet, 033 aid, 035 yield, ...).
* CONSULT modes: "phone" (041), "visit" (042 make / 043 host a visit; actor1 is the visitor for
  042 and the host for 043, as in CAMEO). REQUEST/REJECT modes follow the table ("assist",
  "change", "yield", "meet").
* a cooperative act in the future tense ("the rebels will release the hostages") is an intention,
  AGREE (CAMEO 03x), as the PLOVER manual says; "X says Y must/should do Z" is a demand by X on Y.
* CAMEO 16 (reduce relations, cut aid) and 17 (coerce, expel) stay material conflict, as CAMEO's
  quad classes put them.

Entities and mentions come from ``extract.entities`` in the pipeline; ``fallback_mentions`` and
``fallback_timexes`` below are small stand-ins (``doc.ents`` plus a country table) used by
``code_sentence``, the tests and the benches.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

from spacy.tokens import Doc, Span, Token

from newsweave.extract.entities import AUTHOR_ROLE, dateline_spans, gazetteer
from newsweave.extract.nlp import text_of
from newsweave.records import Entity, Event, Mention, Timex

__all__ = [
    "CodedEvent",
    "code_events",
    "code_events_detailed",
    "code_sentence",
    "fallback_mentions",
    "fallback_timexes",
    "cameo_info",
    "quad_class",
]

# Dependency labels that start a new clause: a time or place inside one belongs to that clause.
_CLAUSE_DEPS = {"advcl", "relcl", "ccomp", "acl", "parataxis", "csubj", "conj"}
_SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
_RELATIVIZERS = {"who", "that", "which", "whom", "whose"}
_HEDGE_AUX = {"could", "might", "may", "should", "would"}
_COND_MARKS = {"if", "unless", "whether", "lest"}
# Verbs whose complement is only entertained, not reported as done or committed to ("considering sending aid").
_HEDGE_GOVERNORS = {
    "consider",
    "mull",
    "weigh",
    "contemplate",
    "hope",
    "wish",
    "suggest",
    "propose",
    "doubt",
    "fear",
    "worry",
    "deny",
    "speculate",
    "imagine",
    "discuss",
    "debate",
    "explore",
    "question",
}
# Complements that make a refusal a "decline to comment" (CAMEO 011, not coded), not a rejection.
_SPEECH_VERBS = {
    "comment",
    "say",
    "elaborate",
    "speculate",
    "answer",
    "respond",
    "reveal",
    "disclose",
    "specify",
    "identify",
    "name",
    "confirm",
    "give",
    "provide",
    "discuss",
    "detail",
    "talk",
    "speak",
}
# Nouns that name events or things, never actors (for the loose actor mode).
_NOT_ACTORS = {
    "attack",
    "fire",
    "explosion",
    "blast",
    "bombing",
    "crash",
    "storm",
    "flood",
    "earthquake",
    "virus",
    "disease",
    "incident",
    "accident",
    "violence",
    "war",
    "fighting",
    "clash",
    "series",
    "wave",
    "decision",
    "report",
    "statement",
    "plan",
    "proposal",
    "law",
    "bill",
    "measure",
    "policy",
    "move",
    "ability",
    "program",
    "programme",
    "chance",
    "effort",
    "deal",
    "agreement",
    "it",
    "this",
    "that",
}
_PHONE_WORDS = {
    "phone",
    "telephone",
    "telephonic",
    "phone-call",
    "video",
    "videoconference",
    "teleconference",
}
_CONSULT_NOUNS = {"call", "conversation", "talk", "talks", "meeting", "chat", "summit", "discussion", "visit"}
_PERSON_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
_PLURAL_PRONOUNS = {"they", "them", "their", "theirs"}
_ATTACK_NOUNS = {
    "attack",
    "strike",
    "airstrike",
    "shelling",
    "bombing",
    "raid",
    "offensive",
    "assault",
    "bombardment",
    "ambush",
    "fire",
    "crackdown",
    "operation",
}
_QUANTITY_NOUNS = {
    "round",
    "series",
    "wave",
    "spate",
    "string",
    "number",
    "set",
    "day",
    "week",
    "lot",
    "flurry",
}
_DAY_WORDS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
DEFAULT_TARGET = ["dobj", "dative", "prep:with", "prep:to", "prep:against", "prep:at", "prep:on"]


# ---------------------------------------------------------------- dictionary


@dataclass(frozen=True)
class _Lexicon:
    cameo: dict[str, dict[str, Any]]
    families: dict[str, dict[str, str]]
    verb_category: dict[str, str]
    generic_verbs: frozenset[str]
    noun_category: dict[str, str]
    yield_verbs: frozenset[str]
    verbs: dict[str, list[dict[str, Any]]]
    weak_verbs: frozenset[str]
    light_verbs: frozenset[str]
    nouns: dict[str, list[dict[str, Any]]]
    # actors
    alias_to_iso: dict[str, str]
    iso_to_name: dict[str, str]
    igo_alias: dict[str, str]
    person_roles: frozenset[str]
    groups: frozenset[str]
    people: frozenset[str]


def _read_json(name: str) -> dict[str, Any]:
    return json.loads(files("newsweave").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    d = _read_json("plover_cameo.json")
    a = _read_json("event_actors.json")
    alias: dict[str, str] = {}
    names: dict[str, str] = {}
    for iso, c in a["countries"].items():
        names[iso] = c["name"]
        alias[c["name"].lower()] = iso
        for al in c["aliases"]:
            alias.setdefault(al.lower(), iso)
    igo: dict[str, str] = {}
    for name, als in a["igos"].items():
        igo[name.lower()] = name
        for al in als:
            igo[al.lower()] = name
    return _Lexicon(
        cameo=d["cameo"],
        families=d["families"],
        verb_category=d["verb_category"],
        generic_verbs=frozenset(d["generic_verbs"]),
        noun_category=d["noun_category"],
        yield_verbs=frozenset(d["yield_verbs"]),
        verbs=d["verbs"],
        weak_verbs=frozenset(d["weak_verbs"]),
        light_verbs=frozenset(d["light_verbs"]),
        nouns=d["nouns"],
        alias_to_iso=alias,
        iso_to_name=names,
        igo_alias=igo,
        person_roles=frozenset(a["person_roles"]),
        groups=frozenset(a["groups"]),
        people=frozenset(a["people"]),
    )


def noun_event_type(lemma: str) -> str | None:
    """PLOVER type of an event noun ("call", "conversation", "talk" -> CONSULT), None for other nouns."""
    for entry in _lexicon().nouns.get(lemma.lower(), []):
        info = _lexicon().cameo.get(entry.get("code", ""))
        plover = entry.get("plover") or (info or {}).get("plover")
        if plover:
            return str(plover)
    return None


def cameo_info(code: str) -> dict[str, Any] | None:
    """Description, PLOVER type and PLOVER mode of a CAMEO code (None when the coder never emits it)."""
    return _lexicon().cameo.get(code)


def quad_class(code: str | None) -> int:
    """CAMEO penta-class of a code: 0 neutral (01-02 or no event), 1 verbal cooperation (03-05),
    2 material cooperation (06-08), 3 verbal conflict (09-13), 4 material conflict (14-20)."""
    if not code:
        return 0
    root = int(code[:2])
    if root <= 2:
        return 0
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


def _norm(text: str) -> str:
    t = text.lower().replace("’", "'").strip(' \t\n,;:"“”')
    t = re.sub(r"^(the|a|an)\s+", "", t)
    t = re.sub(r"'s$|'$", "", t)
    return re.sub(r"\s+", " ", t)


@lru_cache(maxsize=8192)
def _country_of_text(text: str) -> str | None:
    t = _norm(text)
    table = _lexicon().alias_to_iso
    return table.get(t) or table.get(t.rstrip("."))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Actor:
    """One side of an event as resolved from the text."""

    name: str
    entity_id: str | None
    country: str | None
    start: int  # the span of the words that named it (body offsets)
    end: int
    kind: str  # "entity", "country", "group", "igo"
    person: bool = False


@dataclass
class CodedEvent:
    """An event with the evidence the coder used (for benches, debugging and corroboration)."""

    event: Event
    actor1_span: tuple[int, int] | None = None
    actor2_span: tuple[int, int] | None = None
    symmetric: bool = False  # "A and B met": the roles of actor1 and actor2 carry no meaning
    date_source: str | None = None  # "timex", "main-event", "during", "relative"
    trigger_i: int = -1  # token index of the trigger
    clause_i: int = -1  # token index of the clause head the event hangs from


# ---------------------------------------------------------------- per-document context


class _Context:
    """Indexes over one Doc: mentions and timexes by token, entity salience, coded triggers."""

    def __init__(
        self,
        doc: Doc,
        entities: Sequence[Entity],
        mentions: Sequence[Mention],
        timexes: Sequence[Timex],
        loose: bool,
    ) -> None:
        self.doc = doc
        self.lex = _lexicon()
        self.loose = loose
        self.entities = {e.id: e for e in entities}
        self.country_entity: dict[str, Entity] = {}
        for e in entities:
            iso = self.entity_country(e)
            if iso and e.type in ("GPE", "LOC") and _country_of_text(e.name) == iso:
                self.country_entity.setdefault(iso, e)
        self.mention_at: list[Mention | None] = [None] * len(doc)
        self.mention_span: dict[int, Span] = {}
        ordered: list[tuple[int, Mention]] = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or len(span) == 0 or m.entity_id not in self.entities:
                continue
            for t in span:
                cur = self.mention_at[t.i]
                # the shorter mention wins inside a longer one ("Seoul" inside "Seoul's spokeswoman")
                if cur is None or (m.end - m.start) < (cur.end - cur.start):
                    self.mention_at[t.i] = m
            self.mention_span[id(m)] = span
            ordered.append((span.start, m))
        ordered.sort(key=lambda x: x[0])
        self.mention_order = ordered
        self.mention_starts = [i for i, _ in ordered]
        self.timex_at: dict[int, Timex] = {}
        self.timex_spans: list[tuple[Span, Timex]] = []
        for tx in timexes:
            span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            self.timex_spans.append((span, tx))
            for t in span:
                self.timex_at[t.i] = tx
        self.coded: dict[int, list[CodedEvent]] = defaultdict(list)  # trigger token -> events
        self.consumed: set[int] = set()  # nouns already coded through their light verb
        # "BRENNHOLM, March 10 (MPA) - Holt invited ...": the parser makes the dateline's place a second
        # subject; a dateline says where the story was filed, it names no actor
        self.dateline_toks: set[int] = set()
        for a, b in dateline_spans(text_of(doc)):
            span = doc.char_span(a, b, alignment_mode="contract")
            if span is not None:
                self.dateline_toks.update(range(span.start, span.end))

    # --- entities
    def entity_country(self, e: Entity) -> str | None:
        if e.country or e.type == "PERSON":
            return e.country  # a person called "Jordan" is no country
        iso = _country_of_text(e.name)
        if iso:
            return iso
        for al in e.aliases:
            iso = _country_of_text(al)
            if iso:
                return iso
        return None

    def salient(self, before: int, *, person: bool, exclude: Iterable[str] = ()) -> list[str]:
        """Entity ids by how often they were mentioned before token ``before`` (persons or countries)."""
        excl = set(exclude)
        n = bisect_right(self.mention_starts, before)
        counts: Counter[str] = Counter()
        last: dict[str, int] = {}
        for start, m in self.mention_order[:n]:
            e = self.entities.get(m.entity_id)
            if e is None or e.id in excl:
                continue
            is_person = e.type == "PERSON"
            is_country = self.entity_country(e) is not None and e.type in ("GPE", "NORP")
            if (person and is_person) or (not person and is_country):
                counts[e.id] += 1
                last[e.id] = start
        return sorted(counts, key=lambda k: (-counts[k], -last[k]))


def _parse_anchor(anchor: str | None) -> date | None:
    if not anchor:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", anchor)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- actors


def _actor_from_entity(ctx: _Context, e: Entity, m: Mention | None, tok: Token) -> Actor:
    iso = ctx.entity_country(e)
    name, eid, kind = e.name, e.id, "entity"
    igo = ctx.lex.igo_alias.get(_norm(e.name))
    if igo:
        kind = "igo"
    elif (
        iso
        and e.type in ("GPE", "LOC", "NORP")
        and (_country_of_text(e.name) == iso or (m and m.kind == "metonym"))
    ):
        # A capital or demonym standing for its country ("Beijing said", "the Chinese"): the actor is the country.
        name = ctx.lex.iso_to_name.get(iso, e.name)
        ce = ctx.country_entity.get(iso)
        eid = ce.id if ce else (e.id if _norm(e.name) == _norm(name) else f"gpe:{_slug(name)}")
        kind = "country"
    if m is not None:
        start, end = m.start, m.end
    else:
        start, end = tok.idx, tok.idx + len(tok.text)
    return Actor(name, eid, iso, start, end, kind, person=e.type == "PERSON")


def _country_actor(ctx: _Context, iso: str, start: int, end: int, kind: str = "country") -> Actor:
    name = ctx.lex.iso_to_name.get(iso, iso)
    ce = ctx.country_entity.get(iso)
    return Actor(name, ce.id if ce else f"gpe:{_slug(name)}", iso, start, end, kind)


def _np_span(tok: Token) -> tuple[int, int]:
    """Character span of a noun phrase without its clauses and prepositional tails."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "flat", "nummod", "case"):
            right = max(right, c.right_edge.i)
    doc = tok.doc
    return doc[left].idx, doc[right].idx + len(doc[right].text)


# Bodies whose seat names their country ("a court IN Guyana"); for people, "in London" is only where they were.
_INSTITUTIONS = {
    "government",
    "administration",
    "cabinet",
    "regime",
    "authority",
    "court",
    "tribunal",
    "judge",
    "prosecutor",
    "parliament",
    "legislature",
    "congress",
    "senate",
    "ministry",
    "police",
    "military",
    "army",
    "navy",
    "force",
    "troop",
    "embassy",
    "council",
    "commission",
    "committee",
    "agency",
    "opposition",
    "party",
    "junta",
    "leadership",
}


def _modifier_countries(ctx: _Context, tok: Token, places: bool = False) -> list[str]:
    """Countries named by the words that modify a noun ("Chinese troops", "China's president",
    "court in Guyana", "his U.S. and Japanese counterparts")."""
    out: list[str] = []
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod") and c.i < tok.i:
            for t in (c, *c.conjuncts):
                iso = _token_country(ctx, t)
                if iso and iso not in out:
                    out.append(iso)
            if not out and c.dep_ == "compound":
                out.extend(_modifier_countries(ctx, c))  # "U.S. Central Command": compounds nest
    if out:
        return out
    for c in tok.children:
        if c.dep_ == "prep" and (c.lemma_ in ("of", "from") or (places and c.lemma_ == "in")):
            for p in c.children:
                if p.dep_ == "pobj":
                    # "the leaders of Canada and Finland": every coordinated country
                    isos = [i for t in (p, *p.conjuncts) if (i := _token_country(ctx, t))]
                    if isos:
                        return list(dict.fromkeys(isos))
                    for pc in p.children:
                        if pc.dep_ in ("poss", "amod", "compound"):
                            iso = _token_country(ctx, pc)
                            if iso:
                                return [iso]
    return out


def _token_country(ctx: _Context, tok: Token) -> str | None:
    if tok.pos_ == "PROPN":
        # "Czech Republic", "South Sudan" when the NER missed them: the compound chain names the country
        chain = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i]
        if chain:
            iso = _country_of_text(tok.doc[chain[0].i : tok.i + 1].text)
            if iso:
                return iso
    m = ctx.mention_at[tok.i]
    if m is not None:
        e = ctx.entities[m.entity_id]
        if e.type in ("GPE", "NORP", "LOC"):
            return ctx.entity_country(e)
    if tok.ent_type_ in ("GPE", "NORP"):
        ent = _ent_of(tok)
        if ent is not None:
            iso = _country_of_text(ent.text)
            if iso:
                return iso
    return _country_of_text(tok.text)


_ENT_INDEX: list[Any] = [
    None,
    {},
]  # [the last Doc seen, token index -> entity span]: doc.ents is slow to rebuild


def _ent_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    doc = tok.doc
    if _ENT_INDEX[0] is not doc:
        _ENT_INDEX[0] = doc
        _ENT_INDEX[1] = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
    return _ENT_INDEX[1].get(tok.i)


def _resolve_one(ctx: _Context, tok: Token, *, allow_group: bool = True) -> list[Actor]:
    """The actor(s) a noun-phrase head names: an entity, a country, or a national group."""
    if tok.i in ctx.dateline_toks:
        return []
    m = ctx.mention_at[tok.i]
    if m is not None:
        e = ctx.entities[m.entity_id]
        if e.type in ("LOC", "FAC", "PRODUCT", "EVENT") and ctx.entity_country(e) is None:
            return []  # a sea, a building, a ship, a summit: not an actor
        return [_actor_from_entity(ctx, e, m, tok)]
    # appositions name the entity: "his Chinese counterpart, Xi Jinping"
    for c in tok.children:
        if c.dep_ == "appos":
            mm = ctx.mention_at[c.i]
            if mm is not None:
                return [_actor_from_entity(ctx, ctx.entities[mm.entity_id], mm, c)]
    low = tok.lower_
    lemma = tok.lemma_.lower()
    # an organisation or person named by a compound inside the phrase: "Taliban attackers", "the Xi government"
    if tok.pos_ in ("NOUN", "PROPN") and lemma not in ctx.lex.nouns:
        for c in tok.children:
            if c.dep_ == "compound" and ctx.mention_at[c.i] is not None:
                mm = ctx.mention_at[c.i]
                e = ctx.entities[mm.entity_id]
                if e.type in ("PERSON", "ORG"):
                    return [_actor_from_entity(ctx, e, mm, c)]
    # plural references to the two sides of the current story: "the two leaders", "both", "they"
    if allow_group and _is_plural_ref(ctx, tok):
        return _group(ctx, tok)
    iso = None
    if tok.ent_type_ in ("GPE", "NORP"):
        ent = _ent_of(tok)
        if ent is not None:
            igo = ctx.lex.igo_alias.get(_norm(ent.text))
            if igo:
                return [Actor(igo, None, None, ent.start_char, ent.end_char, "igo")]
            iso = _country_of_text(ent.text)
            if iso:
                return [_country_actor(ctx, iso, ent.start_char, ent.end_char)]
    if tok.ent_type_ == "ORG":
        ent = _ent_of(tok)
        if ent is not None:
            igo = ctx.lex.igo_alias.get(_norm(ent.text))
            if igo:
                return [Actor(igo, None, None, ent.start_char, ent.end_char, "igo")]
    if tok.pos_ == "PROPN" and not tok.ent_type_:
        iso = _country_of_text(tok.text)
        if iso:
            return [_country_actor(ctx, iso, tok.idx, tok.idx + len(tok.text))]
    named = _proper_name(ctx, tok)
    if named is not None:
        return [named]
    if tok.pos_ in ("NOUN", "PROPN") and (lemma in ctx.lex.person_roles or lemma in ctx.lex.groups):
        isos = _modifier_countries(ctx, tok, places=lemma in _INSTITUTIONS)
        start, end = _np_span(tok)
        if len(isos) == 1 and lemma in ctx.lex.person_roles and tok.tag_ in ("NN", "NNP"):
            # "the Chinese leader", "his Korean counterpart": the most talked-about person of that country
            # so far, else in the whole article (a subtitle can speak of "the Chinese leader" before naming him)
            for before in (tok.i, len(tok.doc)):
                for eid in ctx.salient(before, person=True):
                    if ctx.entity_country(ctx.entities[eid]) == isos[0]:
                        e = ctx.entities[eid]
                        return [Actor(e.name, e.id, isos[0], start, end, "entity", person=True)]
        if isos:
            return [_country_actor(ctx, iso, start, end, kind="group") for iso in isos]
        if ctx.loose or (lemma in ctx.lex.groups and tok.tag_ in ("NNS", "NNPS")):
            # an unnamed group ("Insurgents", "protesters"): kept with no country
            text = text_of(tok.doc)[start:end]
            return [Actor(_clean_np(text), None, None, start, end, "group")]
        return []
    if (
        tok.pos_ == "PRON"
        and low in ("it", "they", "we", "he", "she", "i")
        and tok.dep_ in ("nsubj", "nsubjpass")
    ):
        # "Russia said it had expelled diplomats": the pronoun subject of a reported clause is the speaker
        v = tok.head
        while v.dep_ in ("conj", "xcomp") and v.head != v:
            v = v.head
        if v.dep_ == "ccomp" and v.head.pos_ in ("VERB", "AUX"):
            for s2 in v.head.children:
                if s2.dep_ == "nsubj" and s2 is not tok and s2.pos_ != "PRON":
                    return _resolve_one(ctx, s2, allow_group=allow_group)
    if (
        ctx.loose
        and tok.pos_ in ("NOUN", "PROPN")
        and lemma not in ctx.lex.nouns
        and lemma not in _NOT_ACTORS
    ):
        start, end = _np_span(tok)
        return [Actor(_clean_np(text_of(tok.doc)[start:end]), None, None, start, end, "group")]
    return []


_NOT_NAME_ENTS = {
    "DATE",
    "TIME",
    "MONEY",
    "CARDINAL",
    "ORDINAL",
    "PERCENT",
    "QUANTITY",
    "LOC",
    "FAC",
    "EVENT",
    "LAW",
    "WORK_OF_ART",
    "PRODUCT",
    "LANGUAGE",
}
_TITLE_WORDS = {
    "president",
    "prime",
    "minister",
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "general",
    "king",
    "queen",
    "chancellor",
    "secretary",
    "premier",
    "sen",
    "senator",
    "gov",
    "governor",
    "the",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
}


def _proper_name(ctx: _Context, tok: Token) -> Actor | None:
    """A name the NER missed ("Theresa May", "the Islamic State group"): a chain of capitalised proper nouns
    heading the phrase, or compounding its head. Kept without an entity id."""
    chain = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i and c.pos_ == "PROPN"]
    words = [*chain, tok] if tok.pos_ == "PROPN" else chain
    if not words or any(w.ent_type_ in _NOT_NAME_ENTS for w in words):
        return None
    if tok.pos_ != "PROPN" and tok.lemma_.lower() not in ctx.lex.groups:
        return None  # "Brexit talks" is no actor; "Islamic State group" is
    if not all(w.text[:1].isupper() for w in words) or all(w.lower_ in _TITLE_WORDS for w in words):
        return None
    if any(ctx.mention_at[w.i] is not None for w in words):
        return None  # the entity module saw it and did not make it an actor
    names = [w for w in words if w.lower_ not in _TITLE_WORDS]
    if not names:
        return None
    start, end = names[0].idx, names[-1].idx + len(names[-1].text)
    text = text_of(tok.doc)[start:end]
    isos = _modifier_countries(ctx, tok)
    return Actor(
        text,
        None,
        isos[0] if len(isos) == 1 else _country_of_text(text),
        start,
        end,
        "entity",
        person=tok.ent_type_ == "PERSON",
    )


def _clean_np(text: str) -> str:
    return re.sub(r"^(the|a|an|some|his|her|its|their)\s+", "", text.strip(), flags=re.I)


def _is_plural_ref(ctx: _Context, tok: Token) -> bool:
    low = tok.lower_
    if low in _PLURAL_PRONOUNS or (low == "both" and tok.dep_ in _SUBJ_DEPS):
        return True
    if tok.lemma_.lower() in (
        "leader",
        "side",
        "pair",
        "president",
        "country",
        "nation",
        "duo",
        "counterpart",
        "government",
    ):
        mods = {c.lower_ for c in tok.children if c.dep_ in ("nummod", "det", "predet", "amod", "quantmod")}
        if tok.tag_ in ("NNS", "NNPS") and mods & {"two", "both"}:
            return True
        if tok.lemma_.lower() in ("pair", "duo") and "the" in mods:
            return True
    return False


def _group(ctx: _Context, tok: Token) -> list[Actor]:
    """The two participants a plural reference points to.

    Inside a clause hanging from a coded consultation ("a call with Ishiba, during which they
    pledged"), or as the possessor of an event noun whose clause names both sides ("In their
    call, Lee urged Xi"), they are that event's participants; otherwise the two most mentioned
    persons (or countries, for "the two countries") so far.
    """
    if tok.dep_ == "poss" and tok.head.dep_ == "pobj" and tok.head.head.dep_ == "prep":
        # "In THEIR first phone call, Lee urged Xi": the clause names both sides
        v = tok.head.head.head
        if v.pos_ in ("VERB", "AUX"):
            both = [a for sj in _subjects(v) for a in _resolve(ctx, sj, allow_group=False)]
            o = _dobj(v)
            if o is not None:
                both.extend(_resolve(ctx, o, allow_group=False))
            for pp in ("with", "to"):
                pt = _prep(v, pp)
                po = _pobj(pt) if pt is not None else None
                if po is not None:
                    both.extend(_resolve(ctx, po, allow_group=False))
            both = _unique(both)
            if len(both) >= 2:
                return both[:2]
    for anc in tok.ancestors:
        for ce in ctx.coded.get(anc.i, []):
            if ce.event.actor2:
                return _actors_of(ctx, ce, tok)
    countries = tok.lemma_.lower() in ("country", "nation")
    ids = ctx.salient(tok.i, person=not countries)
    if not countries and tok.lemma_.lower() in _LEADER_GROUP_WORDS:
        ids = _leaders_first(ctx, ids)
    if len(ids) < 2:
        return []
    out = []
    start, end = _np_span(tok)
    for eid in ids[:2]:
        e = ctx.entities[eid]
        iso = ctx.entity_country(e)
        if countries and iso:
            out.append(_country_actor(ctx, iso, start, end))
        else:
            out.append(Actor(e.name, e.id, iso, start, end, "entity", person=e.type == "PERSON"))
    return out


# Plural references that name heads of state or government: "the two leaders", "both presidents", "the pair".
_LEADER_GROUP_WORDS = frozenset({"leader", "president", "counterpart", "pair", "duo", "both"})


def _leader_role(ctx: _Context, e: Entity) -> bool | None:
    """True when the person holds a current leader role (president, prime minister, chancellor, king, ...) of
    a country, False when their roles are all other ones (spokesperson, secretary, author), None without roles.

    A leader title tied to an organisation ("president of the Seafood Producers Association") is no leader
    of a country: "of X" counts only when X is a country of the gazetteer or a place entity of the article.
    """
    if not e.roles:
        return None
    gz = gazetteer()
    places = {x.name for x in ctx.entities.values() if x.type in ("GPE", "NORP")}
    for role in e.roles:
        if role.startswith("former "):
            continue
        key, _, of = role.partition(" of ")
        if key in gz.leader_roles and (not of or of in gz.country_by_alias or of in places):
            return True
    return False


def _leaders_first(ctx: _Context, ids: list[str]) -> list[str]:
    """Persons a "the two leaders" can mean, most salient first: leader-role holders when two are known,
    else everyone but people whose roles say they are no leader (a spokesperson, an official, a reporter)."""
    verdict = {i: _leader_role(ctx, ctx.entities[i]) for i in ids}
    leaders = [i for i in ids if verdict[i]]
    if len(leaders) >= 2:
        return leaders
    return [i for i in ids if verdict[i] is not False]


def _actors_of(ctx: _Context, ce: CodedEvent, tok: Token) -> list[Actor]:
    ev = ce.event
    start, end = tok.idx, tok.idx + len(tok.text)
    out = [Actor(ev.actor1, ev.actor1_entity_id, ev.actor1_country, start, end, "entity")]
    if ev.actor2:
        out.append(Actor(ev.actor2, ev.actor2_entity_id, ev.actor2_country, start, end, "entity"))
    return out


def _resolve(ctx: _Context, tok: Token, *, deep: bool = False, allow_group: bool = True) -> list[Actor]:
    """Actors of a noun phrase and its coordinated phrases ("Brazil and the United States")."""
    out: list[Actor] = []
    heads = [tok]
    m = ctx.mention_at[tok.i]
    if m is not None:
        # a name the parser split ("Barack/IN Obama and Putin"): coordination can hang from any of its words
        span = ctx.mention_span.get(id(m))
        if span is not None:
            heads = list(span)
    conj = [c for h in heads for c in _conjuncts(h) if c not in heads]
    for t in [tok, *conj]:
        got = _resolve_one(ctx, t, allow_group=allow_group)
        if not got and deep:
            got = _resolve_inside(ctx, t)
        out.extend(got)
    return _unique(out)


def _conjuncts(tok: Token) -> list[Token]:
    out = [c for c in tok.conjuncts if c.i > tok.i and c.pos_ in ("NOUN", "PROPN", "PRON")]
    # "Lee and Chinese President Xi": the parser sometimes hangs the first conjunct as a modifier
    out.extend(
        c for c in tok.children if c.dep_ in ("nmod", "compound") and any(k.dep_ == "cc" for k in c.children)
    )
    return out


def _resolve_inside(ctx: _Context, tok: Token) -> list[Actor]:
    """An actor named inside a non-actor phrase: "Beijing's role", "the decision of the government"."""
    for c in tok.children:
        if c.dep_ == "poss":
            got = _resolve_one(ctx, c)
            if got:
                return got
    for c in tok.children:
        if c.dep_ == "prep" and c.lemma_ in ("of", "by", "from", "against", "with"):
            for p in c.children:
                if p.dep_ == "pobj":
                    got = _resolve_one(ctx, p) or _resolve_inside(ctx, p)
                    if got:
                        return got
    for c in tok.children:
        if c.dep_ in ("compound", "amod") and (
            ctx.mention_at[c.i] is not None or c.ent_type_ in ("GPE", "NORP")
        ):
            got = _resolve_one(ctx, c)
            if got:
                return got
    isos = _modifier_countries(ctx, tok)  # "Israeli tank shelling"
    if isos:
        start, end = _np_span(tok)
        return [_country_actor(ctx, iso, start, end, kind="group") for iso in isos]
    return []


def _unique(actors: list[Actor]) -> list[Actor]:
    seen: set[str] = set()
    out = []
    for a in actors:
        key = a.entity_id or a.name
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


# ---------------------------------------------------------------- syntax helpers


def _prep(tok: Token, lemma: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative", "prt") and c.lower_ == lemma:
            return c
    return None


def _pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ in ("pobj", "pcomp"):
            return c
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _dobj(verb: Token) -> Token | None:
    if _is_passive(verb):
        for c in verb.children:
            if c.dep_ == "nsubjpass":
                return _relative_antecedent(c)
        if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
            return verb.head
        return None
    objs = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    # the parser sometimes splits an object in two ("his counterpart/ADJ Italian President Mattarella")
    nominal = [c for c in objs if c.pos_ in ("NOUN", "PROPN", "PRON", "NUM")]
    return (nominal or objs or [None])[0]


def _relative_antecedent(tok: Token) -> Token:
    """ "that"/"who" as a subject stands for the noun the relative clause hangs from."""
    if tok.lower_ in _RELATIVIZERS:
        v = tok.head
        while v.dep_ == "conj" and v.head != v:
            v = v.head
        if v.dep_ == "relcl":
            return v.head
    return tok


def _subjects(verb: Token) -> list[Token]:
    """The subject of a clause, inheriting it through control, participles and coordination."""
    # "officials ACCUSED of ..." (a passive participle takes no direct object: "the air force carried out strikes"
    # is an active clause the parser hung from its subject)
    passive_acl = (
        verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in verb.children)
    )
    if _is_passive(verb) or passive_acl:
        agent = _prep(verb, "by")
        if agent is not None:
            p = _pobj(agent)
            return [p] if p is not None else []
        # "killed IN ISRAELI TANK SHELLING": the attack names who did it
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during"):
                p = _pobj(c)
                if p is not None and p.lemma_.lower() in _ATTACK_NOUNS:
                    return [p]
        return []
    subj = [_relative_antecedent(c) for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if subj:
        return subj  # more than one when the parser split "A and B" into two subjects
    head = verb.head
    if head == verb:
        return []
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBN"
        and verb.i < head.i
        and not any(c.dep_ in ("aux", "auxpass", "mark") for c in verb.children)
    ):
        return []  # "ASKED why ..., her spokeswoman said": she was asked, the asker is not named
    if verb.dep_ == "xcomp":
        if _is_passive(head):
            # "Obama is scheduled TO ATTEND", "was forced to resign": the passive subject acts
            return [c for c in head.children if c.dep_ == "nsubjpass"]
        # object control: "urged China TO PLAY", "asked Xi to help"; but in "used a phone call TO PRESS
        # Tokyo" the object is no agent and the subject acts
        obj = _dobj(head)
        if obj is not None and not _not_an_agent(obj):
            return [obj]
        return _subjects(head)
    if verb.dep_ in ("advcl", "conj", "pcomp", "acomp", "pobj"):
        # "by congratulating Lee": pcomp -> prep -> verb
        h = head
        while h.pos_ == "ADP" and h.head != h:
            h = h.head
        if h.pos_ in ("VERB", "AUX"):
            return _subjects(h)
    if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
        return [head]
    return []


_OCCASION_NOUNS = frozenset(
    {"opportunity", "occasion", "chance", "moment", "platform", "speech", "address", "statement", "interview",
     "remark", "time", "forum", "appearance"}
)  # fmt: skip


def _not_an_agent(obj: Token) -> bool:
    """An object that cannot be told to act: an event, an occasion or an amount ("used the call to press")."""
    lemma = obj.lemma_.lower()
    return (
        lemma in _CONSULT_NOUNS
        or lemma in _OCCASION_NOUNS
        or (obj.pos_ == "NOUN" and lemma in _lexicon().nouns)
        or obj.ent_type_ in ("DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL")
    )


def _negated(tok: Token) -> bool:
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    # "no talks were held", "never met"
    return any(c.lower_ in ("never", "no") and c.dep_ in ("advmod", "det") for c in tok.children)


def _hedged(tok: Token, conditional_ok: bool = False) -> bool:
    """Conditional or speculative: "if Xi accepts", "could meet", "Should Xi accept".

    ``conditional_ok``: a threat or demand carries its condition ("an ultimatum ... if Syria does not
    withdraw"), so a condition on the main clause does not make it hypothetical.
    """
    t = tok
    for _ in range(6):
        for c in t.children:
            if c.dep_ == "mark" and c.lower_ in _COND_MARKS:
                return True
            # "IF Xi accepts, he will visit Korea": the main clause of a condition is hypothetical too
            if (
                not conditional_ok
                and c.dep_ == "advcl"
                and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children)
            ):
                return True
            if c.dep_ == "aux" and c.lower_ in _HEDGE_AUX:
                # "would" in reported speech ("said he would not ...") is a commitment, not a guess
                if c.lower_ == "would" and t.dep_ == "ccomp":
                    continue
                if (
                    c.lower_ == "should"
                    and c.i < t.i
                    and any(s.dep_ in _SUBJ_DEPS and s.i > c.i for s in t.children)
                ):
                    return True
                if c.lower_ != "should" or c.i > t.i - 3:
                    return True
        if t.dep_ in ("xcomp", "ccomp", "conj") and t.head != t:
            if t.dep_ in ("xcomp", "ccomp") and t.head.lemma_.lower() in _HEDGE_GOVERNORS:
                return True
            t = t.head
            continue
        break
    return False


def _future(verb: Token) -> bool:
    """ "will release", "would return", "is going to free": a future (or future-in-the-past) action."""
    for c in verb.children:
        if c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall", "would", "wo"):
            return True
    return verb.dep_ == "xcomp" and verb.head.lower_ == "going"


def _clause_head(tok: Token) -> Token:
    """The verb a noun hangs from (for dates, locations and hedges of nominal events)."""
    t = tok
    for _ in range(8):
        if t.pos_ in ("VERB", "AUX") or t.head == t:
            return t
        t = t.head
    return t


def _in_clause(tok: Token, head: Token) -> bool:
    """Is ``tok`` in ``head``'s own clause (not inside a nested clause below it)?"""
    t = tok
    for _ in range(40):
        if t == head:
            return True
        if t.dep_ in _CLAUSE_DEPS and t.pos_ in ("VERB", "AUX"):
            return False
        if t.head == t:
            return False
        t = t.head
    return False


def _mentions_phone(head: Token, extra: Token | None = None) -> bool:
    for root in (head, extra):
        if root is None:
            continue
        for t in root.subtree:
            if t.lower_ in _PHONE_WORDS and _in_clause(t, head):
                return True
    return False


# ---------------------------------------------------------------- categories and codes


def _noun_cat(lex: _Lexicon, tok: Token | None) -> str | None:
    if tok is None:
        return None
    return lex.noun_category.get(tok.lemma_.lower())


def _verb_cat(lex: _Lexicon, verb: Token) -> str | None:
    """The kind of action a complement verb names ("meet" -> meet, "lift sanctions" -> yield)."""
    lemma = verb.lemma_.lower()
    obj = _dobj(verb)
    for c in verb.children:
        # "return TO TALKS", "come to the table for negotiations": movement towards a meeting
        if c.dep_ == "prep" and c.lower_ in ("to", "for") and _noun_cat(lex, _pobj(c)) == "meet":
            return "meet"
    if obj is None:
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in ("for", "in", "on", "to"):
                obj = _pobj(c)
                if obj is not None and _noun_cat(lex, obj):
                    break
    if lemma in lex.generic_verbs or lemma not in lex.verb_category:
        cat = _noun_cat(lex, obj)
        if cat in ("sanction", "yield") and lemma in lex.yield_verbs:
            return "yield"
        if cat:
            return cat
    if lemma == "play" and obj is not None and obj.lemma_ == "role":
        return "diplomatic"
    if lemma == "work" and any(c.lower_ in ("with", "together") for c in verb.children):
        return None  # vague cooperation: the family's default code
    return lex.verb_category.get(lemma)


def _family_code(lex: _Lexicon, family: str, category: str | None) -> str:
    table = lex.families[family]
    return table.get(category or "default", table["default"])


def _complement(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX"):
            return c
    for c in verb.children:
        # "pressured by Congress TO HELP Iran": the parser often makes the infinitive a purpose clause
        if (
            c.dep_ == "advcl"
            and c.pos_ == "VERB"
            and c.i > verb.i
            and any(a.lower_ == "to" and a.dep_ == "aux" for a in c.children)
        ):
            return c
    obj = _dobj(verb)
    if obj is not None:
        for c in obj.children:
            if (
                c.dep_ in ("acl", "relcl", "xcomp")
                and c.pos_ == "VERB"
                and any(a.lower_ == "to" for a in c.children)
            ):
                return c
    return None


# ---------------------------------------------------------------- triggers


@dataclass
class _Hit:
    """A matched trigger before actors are resolved."""

    trigger: Token
    clause: Token  # the clause head (the verb; for nouns, their light verb or governing verb)
    code: str
    frame: dict[str, Any]
    subject_tokens: list[Token]
    target_root: Token  # where target paths are read from
    noun: Token | None = None
    comp: Token | None = None
    trigger_text: str = ""
    plover: str | None = None
    mode: str | None = None
    symmetric: bool = False
    no_target: bool = False  # the participants are all in subject_tokens ("the call BETWEEN Lee and Xi")


def _verb_lemma(lex: _Lexicon, tok: Token) -> str:
    """The lemma, or a suffix-stripped form of the word when the lemmatizer missed ("staged" -> "stag")."""
    lemma = tok.lemma_.lower()
    if lemma in lex.verbs or lemma in lex.weak_verbs:
        return lemma
    w = tok.lower_
    for suffix, repl in (
        ("ied", "y"),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
        ("es", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            cand = w[: -len(suffix)] + repl
            if cand in lex.verbs or cand in lex.weak_verbs:
                return cand
    return lemma


_INTENT_ADJ = {"willing", "ready", "prepared", "committed", "determined", "eager", "keen", "open", "poised"}


def _match_intent_adj(ctx: _Context, tok: Token) -> _Hit | None:
    """ "X is willing/ready/committed to Y": an expression of intent (AGREE, CAMEO 03x) to do Y."""
    for adj in tok.children:
        if adj.dep_ != "acomp" or adj.lemma_.lower() not in _INTENT_ADJ:
            continue
        comp = next((c for c in adj.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if comp is None:
            to = _prep(adj, "to")
            comp = _pobj(to) if to is not None else None  # "committed to opening up"
        if comp is None or comp.pos_ != "VERB":
            continue
        cat = _verb_cat(ctx.lex, comp)
        f = {"family": "intent", "target": ["comp_target"], "neg": "refuse"}
        return _Hit(
            trigger=tok,
            clause=tok,
            code=_family_code(ctx.lex, "intent", cat),
            frame=f,
            subject_tokens=_subjects(tok),
            target_root=tok,
            comp=comp,
            trigger_text=f"{tok.text} {adj.text} to {comp.text}",
        )
    return None


_SAY_VERBS = {
    "say",
    "tell",
    "insist",
    "stress",
    "warn",
    "declare",
    "state",
    "assert",
    "argue",
    "demand",
    "write",
    "tweet",
    "add",
    "reiterate",
    "maintain",
    "emphasize",
    "emphasise",
    "underline",
    "announce",
}


def _match_must(ctx: _Context, tok: Token) -> _Hit | None:
    """ "Russia says Israel must end attacks on Syria": the speaker demands (CAMEO 10x) that the subject act."""
    if tok.lemma_.lower() not in _SAY_VERBS:
        return None
    for comp in tok.children:
        if comp.dep_ != "ccomp" or comp.pos_ not in ("VERB", "AUX"):
            continue
        if not any(a.dep_ == "aux" and a.lower_ in ("must", "should") for a in comp.children):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in comp.children):
            continue
        cat = _verb_cat(ctx.lex, comp)
        f = {"family": "demand", "target": ["comp_subj"], "need_target": True}
        return _Hit(
            trigger=tok,
            clause=tok,
            code=_family_code(ctx.lex, "demand", cat),
            frame=f,
            subject_tokens=_subjects(tok),
            target_root=tok,
            comp=comp,
            trigger_text=f"{tok.text} ... must {comp.text}",
        )
    return None


def _match_verb(ctx: _Context, tok: Token) -> _Hit | None:
    lex = ctx.lex
    if tok.lemma_ == "be":
        return _match_intent_adj(ctx, tok)
    must = _match_must(ctx, tok)
    if must is not None:
        return must
    lemma = _verb_lemma(lex, tok)
    if lemma in lex.weak_verbs:
        hit = _match_weak(ctx, tok)
        if hit is not None:
            return hit
    frames = lex.verbs.get(lemma)
    if not frames:
        return None
    preps = {c.lower_ for c in tok.children if c.dep_ in ("prep", "agent", "dative", "prt")}
    prts = {c.lower_ for c in tok.children if c.dep_ == "prt"}
    obj = _dobj(tok)
    obj_lemma = obj.lemma_.lower() if obj is not None else None
    comp = _complement(tok)
    for f in frames:
        if "prep" in f and not preps & set(f["prep"]):
            continue
        if f.get("prep_actor") and not any(
            (pt := _prep(tok, pp)) is not None and (po := _pobj(pt)) is not None and _resolve(ctx, po)
            for pp in f["prep"]
        ):
            continue
        if "prep_obj" in f:
            ok = False
            for p in f["prep"]:
                pt = _prep(tok, p)
                po = _pobj(pt) if pt is not None else None
                if po is not None and po.lemma_.lower() in f["prep_obj"]:
                    ok = True
            if not ok:
                continue
        if "prt" in f and f["prt"] not in prts:
            continue
        if prts & set(f.get("prt_not", ())):
            continue
        # a compound head can carry the meaning: "martial law", "air strikes"
        if (
            "obj" in f
            and obj_lemma not in f["obj"]
            and (
                obj is None
                or not any(
                    c.lemma_.lower() in f["obj"]
                    for c in [
                        *obj.children,
                        *(_pobj(x) for x in obj.children if x.dep_ == "prep" and x.lower_ == "of"),
                    ]
                    if c is not None and c.dep_ in ("compound", "amod", "pobj")
                )
            )
        ):
            continue
        if obj_lemma is not None and obj_lemma in f.get("obj_not", ()):
            continue
        if f.get("need_obj") and obj is None:
            continue
        if f.get("obj_money") and not _is_money(obj):
            continue
        if "comp_adj" in f and not any(
            t.lemma_.lower() in f["comp_adj"] for t in tok.subtree if t.i > tok.i and t.pos_ == "ADJ"
        ):
            continue
        if f.get("obj_actor") and (obj is None or not _resolve(ctx, obj, allow_group=True)):
            continue
        if f.get("human_object") and obj is not None and not _is_people(ctx, obj):
            continue
        if f.get("comp") and comp is None:
            continue
        if f.get("no_comp") and any(c.dep_ in ("oprd", "ccomp") for c in tok.children):
            continue  # "called him a liar", "called it a mistake"
        family = f.get("family")
        if family:
            if family == "refuse" and comp is not None and comp.lemma_.lower() in _SPEECH_VERBS:
                return None  # "declined to comment"
            cat = None
            if comp is not None:
                cat = _verb_cat(lex, comp)
            if cat is None:
                fp = _prep(tok, "for")
                cat = _noun_cat(lex, _pobj(fp)) if fp is not None else None
            if cat is None and obj is not None:
                cat = _noun_cat(lex, obj)
            if f.get("specific_comp") and cat is None:
                continue
            code = _family_code(lex, family, cat)
        else:
            code = f["code"]
            code = _mod_code(f, tok, obj, code)
        trig = [tok] + [c for c in tok.children if c.dep_ == "prt"]
        if "obj" in f and obj is not None:
            trig.append(obj)
        return _Hit(
            trigger=tok,
            clause=tok,
            code=code,
            frame=f,
            subject_tokens=_subjects(tok),
            target_root=tok,
            comp=comp,
            trigger_text=" ".join(t.text for t in sorted(trig, key=lambda t: t.i)),
            plover=f.get("plover"),
            mode=f.get("mode"),
            symmetric=bool(f.get("symmetric")),
        )
    return None


_MONEY_WORDS = {
    "million",
    "billion",
    "trillion",
    "dollar",
    "euro",
    "pound",
    "yen",
    "yuan",
    "$",
    "usd",
    "eur",
    "€",
    "£",
    "fund",
    "funding",
    "money",
    "grant",
    "loan",
    "tranche",
    "package",
}


def _is_money(obj: Token | None) -> bool:
    """An amount of money or an aid package: "$2 million", "€56 million in humanitarian support"."""
    if obj is None:
        return False
    if obj.ent_type_ == "MONEY" or obj.lemma_.lower() in _MONEY_WORDS:
        return True
    return any(
        c.ent_type_ == "MONEY" or c.lower_ in _MONEY_WORDS
        for c in obj.children
        if c.dep_ in ("nummod", "quantmod", "compound", "nmod")
    )


def _match_weak(ctx: _Context, tok: Token) -> _Hit | None:
    """ "seeking to deepen a partnership", "wants to help": a weak intention whose complement is no event of
    its own is coded as an expression of intent (AGREE, CAMEO 03x) by the complement's kind of action."""
    comp = _complement(tok)
    if comp is None or _match_verb(ctx, comp) is not None:
        return None  # the complement is coded itself ("prepared to attend", "wants to attack")
    cat = _verb_cat(ctx.lex, comp)
    if cat is None or cat in ("force", "sanction"):
        return None
    f = {"family": "intent", "target": ["comp_target"], "symmetric": True, "weak": True}
    return _Hit(
        trigger=tok,
        clause=tok,
        code=_family_code(ctx.lex, "intent", cat),
        frame=f,
        subject_tokens=_subjects(tok),
        target_root=tok,
        comp=comp,
        trigger_text=f"{tok.text} to {comp.text}",
        symmetric=True,
    )


def _mod_code(f: dict[str, Any], tok: Token, obj: Token | None, code: str) -> str:
    mods = f.get("mod_codes")
    if not mods:
        return code
    extra = []
    if obj is not None:
        # "$1.2 billion IN military assistance"
        for c in obj.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "of", "for"):
                po = _pobj(c)
                if po is not None:
                    extra.append(po)
    for t in (obj, tok, *extra):
        if t is None:
            continue
        for c in t.children:
            if c.dep_ in ("compound", "amod", "nmod") and c.lemma_.lower() in mods:
                return mods[c.lemma_.lower()]
        if t.lemma_.lower() in mods:
            return mods[t.lemma_.lower()]
    return code


def _is_people(ctx: _Context, tok: Token) -> bool:
    if ctx.mention_at[tok.i] is not None:
        return ctx.entities[ctx.mention_at[tok.i].entity_id].type in ("PERSON", "ORG", "NORP", "GPE")
    lemma = tok.lemma_.lower()
    if lemma in ctx.lex.people or lemma in ctx.lex.groups or lemma in ctx.lex.person_roles:
        return True
    if tok.ent_type_ in ("PERSON", "NORP", "ORG"):
        return True
    if tok.pos_ == "PRON" and tok.lower_ in ("him", "her", "them", "he", "she", "they", "who", "whom"):
        return True
    if any(c.ent_type_ == "NORP" and c.dep_ in ("amod", "compound") for c in tok.children):
        return True
    # "two Brazilian men", "dozens of peacekeepers"
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            p = _pobj(c)
            if p is not None and _is_people(ctx, p):
                return True
    return False


def _light_lemma(lex: _Lexicon, tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if lemma in lex.light_verbs:
        return lemma
    w = tok.lower_
    for suffix, repl in (("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""), ("s", "")):
        if w.endswith(suffix) and w[: -len(suffix)] + repl in lex.light_verbs:
            return w[: -len(suffix)] + repl
    return lemma


def _match_noun(ctx: _Context, tok: Token) -> _Hit | None:
    lex = ctx.lex
    lemma = tok.lemma_.lower()
    if lemma == "talks":
        lemma = "talk"
    for c in tok.children:
        if c.dep_ == "compound" and f"{c.lemma_.lower()}-{lemma}" in lex.nouns:
            lemma = f"{c.lemma_.lower()}-{lemma}"  # "war games", "hunger strike"
            break
    frames = lex.nouns.get(lemma)
    if not frames or tok.i in ctx.consumed or tok.ent_type_ in _NOT_NAME_ENTS:
        return None  # "to take effect on MARCH 27" is no march
    head = tok.head
    light = None
    if (
        tok.dep_ in ("dobj", "nsubjpass")
        and head.pos_ in ("VERB", "AUX")
        and _light_lemma(lex, head) in lex.light_verbs
    ):
        light = head
    elif (
        tok.dep_ == "conj"
        and head.dep_ == "dobj"
        and head.head.pos_ in ("VERB", "AUX")
        and _light_lemma(lex, head.head) in lex.light_verbs
    ):
        light = head.head  # "launched air and artillery STRIKES"
    elif (
        tok.dep_ == "pobj"
        and head.dep_ == "prep"
        and head.lower_ in ("in", "on", "into")
        and head.head.lemma_.lower() in ("engage", "take", "go", "participate")
    ):
        light = head.head  # "engage in talks", "took part in a meeting", "went on strike"
    elif (
        tok.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.lemma_.lower() in _QUANTITY_NOUNS
        and head.head.dep_ == "dobj"
        and head.head.head.lemma_.lower() in lex.light_verbs
    ):
        light = head.head.head  # "began a new round of joint exercises"
    # "made her first call to a foreign leader ON FRIDAY": a time phrase says when, it is not the "call on X
    # to" of an appeal
    preps = {c.lower_ for c in tok.children if c.dep_ == "prep" and not _temporal(ctx, c)}
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
    if tok.lower_.startswith("tele") or "phone" in tok.lower_:
        mods.add("phone")
    # the possessor; the parser sometimes labels "Lee's" in "Lee's chat" as a subject
    poss = next(
        (
            c
            for c in tok.children
            if c.dep_ == "poss"
            or (c.dep_ in ("nsubj", "nmod") and c.i < tok.i and any(k.dep_ == "case" for k in c.children))
        ),
        None,
    )
    for f in frames:
        if f.get("light_only") and light is None:
            continue
        lv = _light_lemma(lex, light) if light is not None else None
        if "lv" in f and lv not in f["lv"]:
            continue
        if lv is not None and lv in f.get("not_lv", ()):
            continue
        if preps & set(f.get("not_prep", ())):
            continue
        if "of_objs" in f:
            of = _prep(tok, "of")
            po = _pobj(of) if of is not None else None
            if po is None or po.lemma_.lower() not in f["of_objs"]:
                continue
        if "needs" in f:
            have = set(preps)
            if mods & _PHONE_WORDS:
                have.add("phone")
            if preps & {"with", "between"}:
                have.add("with")
            if not have & set(f["needs"]):
                continue
        code = f.get("code")
        family = f.get("family")
        if family:
            comp = next((c for c in tok.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None)
            cat = _verb_cat(lex, comp) if comp is not None else None
            if cat is None:
                fp = _prep(tok, "for")
                cat = _noun_cat(lex, _pobj(fp)) if fp is not None else None
            code = _family_code(lex, family, cat)
        code = _mod_code(f, tok, None, code)
        if f.get("phone") and mods & _PHONE_WORDS and code == "040":
            code = "041"
        if light is not None:
            clause = light
            subj = _subjects(light)
            trig_text = f"{light.text} {tok.text}" if light.i < tok.i else f"{tok.text} {light.text}"
        else:
            # a standalone event noun needs a participant inside its own phrase
            if poss is None and not preps & {"with", "between", "to"}:
                sides = _call_sides(ctx, tok, mods) if str(code).startswith("04") else None
                if sides is None:
                    continue
                clause = _clause_head(tok)
                while clause.dep_ == "xcomp" and clause.head != clause:
                    clause = clause.head  # "agreed on Friday to work ..., in a call": dated by "agreed"
                return _Hit(
                    trigger=tok,
                    clause=clause,
                    code=code,
                    frame=f,
                    subject_tokens=sides,
                    target_root=tok,
                    noun=tok,
                    trigger_text=" ".join(
                        t.text
                        for t in tok.subtree
                        if t.i <= tok.i and t.dep_ in ("compound", "amod") or t == tok
                    ),
                    plover=f.get("plover"),
                    mode=f.get("mode"),
                    symmetric=True,
                    no_target=True,
                )
            clause = _clause_head(tok)
            subj = [poss] if poss is not None else []
            if (
                not subj
                and tok.dep_ == "dobj"
                and clause.pos_ == "VERB"
                and clause.lemma_.lower() in _USE_VERBS
            ):
                subj = _subjects(clause)  # "Holt used a phone call with Arai to press Tokyo": Holt called
            between = _prep(tok, "between")
            no_target = False
            if not subj and between is not None and _pobj(between) is not None:
                subj, no_target = [_pobj(between)], True
            if not subj and tok.dep_ == "pobj" and head.dep_ == "prep" and clause.pos_ in ("VERB", "AUX"):
                # "Lee, after a phone call with Trump, ..." / "During a call with Xi, Lee ...": the clause subject took part
                subj = _subjects(clause)
            if lemma in ("visit", "trip", "tour", "stopover") and poss is None:
                continue
            trig_text = " ".join(
                t.text for t in tok.subtree if t.i <= tok.i and t.dep_ in ("compound", "amod") or t == tok
            )
            return _Hit(
                trigger=tok,
                clause=clause,
                code=code,
                frame=f,
                subject_tokens=subj,
                target_root=tok,
                noun=tok,
                trigger_text=trig_text,
                plover=f.get("plover"),
                mode=f.get("mode"),
                symmetric=bool(f.get("symmetric")),
                no_target=no_target,
            )
        return _Hit(
            trigger=tok,
            clause=clause,
            code=code,
            frame=f,
            subject_tokens=subj,
            target_root=tok,
            noun=tok,
            trigger_text=trig_text,
            plover=f.get("plover"),
            mode=f.get("mode"),
            symmetric=bool(f.get("symmetric")),
        )
    return None


_USE_VERBS = frozenset({"use", "spend"})


def _temporal(ctx: _Context, prep: Token) -> bool:
    """Is a prepositional phrase a time expression ("on Friday", "in June")?"""
    p = _pobj(prep)
    return p is not None and (p.i in ctx.timex_at or p.ent_type_ in ("DATE", "TIME"))


def _framing_call(tok: Token) -> bool:
    """ "in/during a phone call": a consultation noun with a phone word, framing its clause."""
    return (
        tok.lemma_.lower() in _CONSULT_NOUNS
        and tok.dep_ == "pobj"
        and tok.head.lower_ in ("in", "during", "over")
        and any(c.lower_ in _PHONE_WORDS for c in tok.children if c.dep_ in ("compound", "amod", "nmod"))
    )


def _call_sides(ctx: _Context, tok: Token, mods: set[str]) -> list[Token] | None:
    """The two sides of "in/during a phone call" that names neither ("agreed ..., in a 20-minute phone call";
    "urged Tokyo to lift a ban during a phone call"): the clause's subjects when they are two, else its subject
    and the person it acts on (or, in a coordinated clause, the person the first verb acts on)."""
    if tok.dep_ != "pobj" or tok.head.lower_ not in ("in", "during", "over") or not mods & _PHONE_WORDS:
        return None
    clause = _clause_head(tok)
    while clause.dep_ == "xcomp" and clause.head != clause:
        clause = clause.head
    if clause.pos_ not in ("VERB", "AUX"):
        return None
    subjects = _subjects(clause)
    actors = _unique([a for sj in subjects for a in _resolve(ctx, sj, allow_group=False)])
    if len(actors) >= 2:
        return subjects
    if len(actors) != 1:
        return None
    partners: list[Token] = []
    for v in (clause, clause.head if clause.dep_ == "conj" else None):
        if v is None:
            continue
        o = _dobj(v)
        if o is not None:
            partners.append(o)
        for pp in ("with", "to"):
            pt = _prep(v, pp)
            po = _pobj(pt) if pt is not None else None
            if po is not None:
                partners.append(po)
    resolved = [(t, _resolve(ctx, t, allow_group=False)) for t in partners]
    resolved = [(t, got) for t, got in resolved if got and got[0].entity_id != actors[0].entity_id]
    if not resolved:
        return None
    people = [t for t, got in resolved if got[0].person]
    acting = next(sj for sj in subjects if _resolve(ctx, sj, allow_group=False))  # not a dateline's place
    return [acting, (people or [resolved[0][0]])[0]]


def _targets(ctx: _Context, hit: _Hit) -> list[Actor]:
    f = hit.frame
    paths = f.get("target", DEFAULT_TARGET)
    # look inside a non-actor target phrase ("Ukrainian positions", "the decision of the government") unless
    # the frame says not to
    deep = bool(f.get("deep_target", True))
    if f.get("strict_target") and ctx.loose:
        # a visit's destination must be a real place or actor, even when benches loosen actors
        ctx.loose = False
        try:
            return _targets(ctx, hit)
        finally:
            ctx.loose = True
    roots = [hit.target_root]
    if hit.noun is not None and hit.clause is not hit.noun and hit.clause.pos_ in ("VERB", "AUX"):
        roots.append(hit.clause)  # "held talks WITH X": the with-phrase may hang from the verb
    for root in roots:
        for path in paths:
            cand: list[Token] = []
            if path == "dobj":
                o = _dobj(root) if root.pos_ in ("VERB", "AUX") else None
                if o is not None:
                    cand = [o]
            elif path == "dative":
                cand = [c for c in root.children if c.dep_ in ("dative", "iobj") and c.pos_ != "ADP"]
                for c in root.children:
                    if c.dep_ == "dative" and c.pos_ == "ADP":
                        p = _pobj(c)
                        if p is not None:
                            cand.append(p)
            elif path.startswith("prep:"):
                holders = [root]
                o = _dobj(root) if root.pos_ in ("VERB", "AUX") else None
                if o is not None:
                    holders.append(o)  # "seeking stable relations WITH China"
                for h in holders:
                    for c in h.children:
                        if c.dep_ in ("prep", "agent", "dative") and c.lower_ == path[5:]:
                            p = _pobj(c)
                            if p is not None:
                                cand.append(p)
                                # gapping: "spoke to Trump on Friday and Ishiba on Monday" puts Ishiba under "Friday"
                                cand.extend(_gapped(ctx, h, c))
                    if cand:
                        break
            elif path.startswith("poss_of_prep:"):
                pt = _prep(root, path[len("poss_of_prep:") :])
                p = _pobj(pt) if pt is not None else None
                if p is not None:
                    cand = [c for c in p.children if c.dep_ == "poss"]
            elif path == "poss_of_obj":
                o = _dobj(root)
                if o is not None:
                    cand = [c for c in o.children if c.dep_ == "poss"]
            elif path == "comp_subj" and hit.comp is not None:
                cand = [c for c in hit.comp.children if c.dep_ in ("nsubj", "nsubjpass")]
            elif path == "comp_target" and hit.comp is not None:
                c2 = hit.comp
                o = _dobj(c2)
                cand = [o] if o is not None and _resolve_one(ctx, o, allow_group=False) else []
                for pp in ("with", "to", "toward", "towards", "against"):
                    pt = _prep(c2, pp)
                    p = _pobj(pt) if pt is not None else None
                    if p is not None:
                        cand.append(p)
                        break
                if not cand and o is not None:
                    cand = [o]
            got: list[Actor] = []
            for c in cand:
                got.extend(_resolve(ctx, c, deep=deep))
            if got:
                return _unique(got)
    return []


def _gapped(ctx: _Context, root: Token, prep: Token) -> list[Token]:
    """Actors coordinated under a sibling phrase by a gapping mis-parse ("to A on Friday and B on Monday")."""
    out = []
    for c in root.children:
        if c.dep_ == "prep" and c is not prep and c.i > prep.i:
            p = _pobj(c)
            if p is None:
                continue
            for cj in p.conjuncts:
                if (
                    cj.i > p.i
                    and ctx.mention_at[cj.i] is not None
                    and ctx.entities[ctx.mention_at[cj.i].entity_id].type == "PERSON"
                ):
                    out.append(cj)
    return out


# ---------------------------------------------------------------- dates and places


_DATE_VALUE = re.compile(r"^(\d{4}-\d{2}(?:-\d{2})?)(?:$|T)")


def _date_value(tx: Timex | None) -> str | None:
    """The calendar date of a DATE or TIME expression ("2025-06-10", "2025-06"), None for a year, a week, a set."""
    if tx is None or tx.type not in ("DATE", "TIME"):
        return None
    m = _DATE_VALUE.match(tx.value or "")
    return m[1] if m else None


def _clause_timexes(ctx: _Context, hit: _Hit) -> list[tuple[Token, str]]:
    """Dates attached to the event: in the trigger's phrase or its clause (not in nested clauses)."""
    sent = hit.trigger.sent
    out: list[tuple[Token, str]] = []
    for span, tx in ctx.timex_spans:
        value = _date_value(tx)
        if value is None:
            continue
        if span.start < sent.start or span.end > sent.end:
            continue
        root = span.root
        if (
            (hit.noun is not None and _in_clause(root, hit.noun) and root in list(hit.noun.subtree))
            or _in_clause(root, hit.clause)
        ) and not _dates_a_noun(ctx, root, hit):
            out.append((root, value))
    # "in July 2014, when he met with Park": a relative "when" clause takes its head's date
    if not out and hit.clause.dep_ == "relcl" and any(c.lower_ == "when" for c in hit.clause.children):
        value = _date_value(ctx.timex_at.get(hit.clause.head.i))
        if value is not None:
            out.append((hit.clause.head, value))
    # "made her first call on Friday, when she spoke with Dufresne": an adverbial "when" clause shares the
    # date of the clause it hangs from
    if (
        not out
        and hit.clause.dep_ == "advcl"
        and any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in hit.clause.children)
    ):
        gov = hit.clause.head
        for span, tx in ctx.timex_spans:
            value = _date_value(tx)
            if value and sent.start <= span.start and span.end <= sent.end and _in_clause(span.root, gov):
                out.append((span.root, value))
                break
    if not out:
        after = _date_after_trigger(ctx, hit)
        if after is not None:
            out.append(after)
    return out


def _dates_a_noun(ctx: _Context, root: Token, hit: _Hit) -> bool:
    """Does the time expression date a thing named on the way to the event rather than the event itself?

    "invited Arai to a summit IN JUNE": June is the summit's date, not the invitation's. A noun that is the
    event's own frame ("during a phone call ON TUESDAY", "met at the summit in November") passes its date on.
    """
    t = root
    for _ in range(12):
        h = t.head
        if h == t or h == hit.clause or (hit.noun is not None and h == hit.noun):
            return False
        if h.pos_ in ("NOUN", "PROPN") and h.i not in ctx.timex_at:
            prep = h.head if h.dep_ == "pobj" else None
            framing = prep is not None and prep.lower_ in (
                "during",
                "in",
                "at",
                "on",
                "over",
                "amid",
                "after",
            )
            event_noun = h.lemma_.lower() in _CONSULT_NOUNS or h.lemma_.lower() in ctx.lex.nouns
            return not (framing and event_noun)
        t = h
    return False


def _date_after_trigger(ctx: _Context, hit: _Hit) -> tuple[Token, str] | None:
    """A date written right after the event's own phrase that the parser hung elsewhere.

    "Dufresne spoke with Norland's new president, Maren Holt, ON FRIDAY AFTERNOON, a call that ...": the
    parser attached the date to a later clause. Taken only when no clause starts between the trigger and the
    date (a relative or coordinated clause there has a date of its own).
    """
    doc = ctx.doc
    trigger = hit.trigger
    sent = trigger.sent
    for span, tx in sorted(ctx.timex_spans, key=lambda x: x[0].start):
        if span.start <= trigger.i or span.end > sent.end:
            continue
        value = _date_value(tx)
        if value is None or _dates_a_noun(ctx, span.root, hit):
            continue  # a duration is no date; "invited X to a summit in June" dates the summit
        between = doc[trigger.i + 1 : span.start]
        if any(
            (t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE_DEPS) or t.text in (";", "—", "–", "(")
            for t in between
        ):
            return None
        return span.root, value
    return None


def _location(ctx: _Context, hit: _Hit, actors: list[Actor]) -> str | None:
    taken = {(a.start, a.end) for a in actors}
    roots = [hit.noun] if hit.noun is not None else []
    roots.append(hit.clause)
    # "spoke with Xi AT THE OFFICE IN YONGSAN": the parser often hangs the place on the last noun
    roots.extend(
        p for c in hit.clause.children if c.dep_ in ("prep", "dative") for p in [_pobj(c)] if p is not None
    )
    o = _dobj(hit.clause) if hit.clause.pos_ in ("VERB", "AUX") else None
    if o is not None:
        roots.append(o)
    for root in roots:
        for c in root.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "at", "inside", "near", "outside"):
                p = _pobj(c)
                found = _place_in(p, taken, depth=2) if p is not None else None
                if found:
                    return found
    return None


def _place_in(tok: Token, taken: set[tuple[int, int]], depth: int) -> str | None:
    if tok.ent_type_ in ("GPE", "LOC", "FAC"):
        ent = _ent_of(tok)
        if ent is not None and (ent.start_char, ent.end_char) not in taken:
            return re.sub(r"^the\s+", "", ent.text)
    if depth <= 0:
        return None
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "at", "of", "near"):
            p = _pobj(c)
            if p is not None:
                got = _place_in(p, taken, depth - 1)
                if got:
                    return got
        if c.dep_ in ("compound",) and c.ent_type_ in ("GPE", "LOC", "FAC"):
            got = _place_in(c, taken, 0)
            if got:
                return got
    return None


# ---------------------------------------------------------------- building events


def _build(ctx: _Context, hit: _Hit) -> list[CodedEvent]:
    lex = ctx.lex
    f = hit.frame
    trigger = hit.trigger
    clause = hit.clause
    code = hit.code
    # negation and hedging
    neg = _negated(trigger) or (hit.noun is not None and _negated(clause) and clause is not trigger)
    if hit.noun is not None and any(c.lower_ == "no" and c.dep_ == "det" for c in hit.noun.children):
        neg = True
    if clause.dep_ == "xcomp" and _negated(clause.head):
        neg = True
    if neg:
        if f.get("neg") != "refuse":
            return []
        cat = _verb_cat(lex, hit.comp) if hit.comp is not None else None
        if cat is None:
            cat = {"07": "aid", "08": "yield", "03": None}.get(code[:2])
        code = _family_code(lex, "refuse", cat)
    cond_ok = code[:2] in ("10", "13") or bool(f.get("family") in ("demand", "threat"))
    if _hedged(clause, cond_ok) or (clause is not trigger and _hedged(trigger, cond_ok)):
        return []
    # weak-intent governor: "wants to attack" is a threat to use force
    if (
        clause.dep_ == "xcomp"
        and clause.head.lemma_.lower() in lex.weak_verbs
        and code[:2] in ("18", "19", "20")
    ):
        code = "138"
    if code[:2] in ("06", "07", "08") and _future(clause):
        # PLOVER: "all cooperative actions reported in future tense are also taken to imply intentions"
        cat = {"06": "cooperate", "07": "aid"}.get(code[:2]) or (
            "release" if code.startswith("084") else "yield"
        )
        code = _family_code(lex, "intent", cat)
    info = lex.cameo.get(code)
    if info is None or not info.get("plover"):
        return []
    plover = hit.plover or info["plover"]
    mode = hit.mode or info.get("mode")
    if plover == "CONSULT" and code == "040" and f.get("phone") and _mentions_phone(clause, hit.noun):
        code, mode = "041", "phone"
    # actors
    subj_actors: list[Actor] = []
    for s in hit.subject_tokens:
        if s.lemma_.lower() in _ATTACK_NOUNS:
            subj_actors.extend(_resolve_inside(ctx, s))
            continue
        got = _resolve(ctx, s)
        if (
            not got
            and s.lower_ in _PERSON_PRONOUNS | {"its"}
            and hit.noun is not None
            and clause is not hit.noun
        ):
            # an unresolved possessive ("his call with ...") in a clause whose subject is a person
            for s2 in _subjects(clause):
                got = [a for a in _resolve(ctx, s2) if a.person]
                if got:
                    break
        subj_actors.extend(got)
    subj_actors = _unique(subj_actors)
    targets = [] if hit.no_target else _targets(ctx, hit)
    keys = {a.entity_id or a.name for a in subj_actors}
    if (
        targets
        and all((t.entity_id or t.name) in keys for t in targets)
        and hit.noun is not None
        and clause is not hit.noun
    ):
        # "During his call with Xi, Lee ...": "his" was resolved to the other side; the clause subject is the caller
        alt = [
            a for s2 in _subjects(clause) for a in _resolve(ctx, s2) if (a.entity_id or a.name) not in keys
        ]
        if alt:
            subj_actors = alt
    if not subj_actors:
        return []
    if f.get("need_target") and not targets and not (hit.symmetric and len(subj_actors) >= 2):
        return []
    pairs: list[tuple[Actor, Actor | None]] = []
    # "they pledged to reinforce ties": a promise or meeting by two sides is mutual
    symmetric = hit.symmetric or (
        plover in ("AGREE", "CONSULT", "COOPERATE") and len(subj_actors) >= 2 and not targets
    )
    if symmetric and len(subj_actors) >= 2 and not targets:
        # "Lee and Xi agreed", "the two leaders talked": one event between the two
        pairs.append((subj_actors[0], subj_actors[1]))
    else:
        tg = [t for t in targets]
        for a1 in subj_actors[:4]:
            if not tg:
                pairs.append((a1, None))
            for a2 in tg[:4]:
                # a person or organisation does not act on itself; a country can ("a court in Bishkek freed
                # a Kyrgyz journalist": two Kyrgyz actors, named by different words)
                same = (a2.entity_id or a2.name) == (a1.entity_id or a1.name)
                if not same or (a1.kind in ("country", "group") and a2.start != a1.start and not a1.person):
                    pairs.append((a1, a2))
    sent = trigger.sent
    timexes = _clause_timexes(ctx, hit)
    location = _location(ctx, hit, subj_actors + targets)
    out: list[CodedEvent] = []
    # one target per time expression, in order: "spoke to Trump on Friday and Ishiba on Monday"
    paired_dates = len(timexes) > 1 and len(pairs) == len(timexes)
    timexes.sort(key=lambda x: x[0].i)
    for k, (a1, a2) in enumerate(pairs):
        if paired_dates:
            dt = timexes[k][1]
        elif timexes:
            # the closest to the trigger
            dt = min(timexes, key=lambda x: abs(x[0].i - trigger.i))[1]
        else:
            dt = None
        ev = Event(
            plover=plover,
            actor1=a1.name,
            sentence=sent.text,
            start=sent.start_char,
            end=sent.end_char,
            cameo=code,
            mode=mode,
            actor2=a2.name if a2 else None,
            actor1_entity_id=a1.entity_id,
            actor2_entity_id=a2.entity_id if a2 else None,
            actor1_country=a1.country,
            actor2_country=a2.country if a2 else None,
            date=dt,
            location=location,
            trigger=hit.trigger_text or trigger.text,
        )
        out.append(
            CodedEvent(
                ev,
                (a1.start, a1.end),
                (a2.start, a2.end) if a2 else None,
                symmetric,
                "timex" if dt else None,
                trigger.i,
                clause.i,
            )
        )
    return out


# ---------------------------------------------------------------- date inheritance


def _pair_key(ev: Event) -> frozenset[str]:
    return frozenset(
        k
        for k in (ev.actor1_entity_id or ev.actor1, (ev.actor2_entity_id or ev.actor2) if ev.actor2 else None)
        if k
    )


def _inherit_dates(ctx: _Context, events: list[CodedEvent]) -> None:
    doc = ctx.doc
    by_trigger: dict[int, list[CodedEvent]] = defaultdict(list)
    for ce in events:
        by_trigger[ce.trigger_i].append(ce)
    for _ in range(3):
        changed = False
        dated = [ce for ce in events if ce.event.date]
        for ce in events:
            if ce.event.date:
                continue
            ev = ce.event
            clause = doc[ce.clause_i]
            got: tuple[str, str] | None = None
            # 1. "during/in [the call]": the date of that consultation
            for c in clause.children:
                if c.dep_ == "prep" and c.lower_ in ("during", "in", "on", "at", "after"):
                    p = _pobj(c)
                    if p is not None and p.lower_ == "which" and clause.dep_ == "relcl":
                        p = clause.head  # "a phone call with Ishiba, DURING WHICH they pledged"
                    if (
                        p is None
                        or p.lemma_.lower() not in _CONSULT_NOUNS
                        or c.lower_ == "after"
                        or p.i == ce.trigger_i
                    ):
                        continue
                    own = [x for x in by_trigger.get(p.i, []) if x.event.date and x is not ce]
                    if own:
                        got = (own[0].event.date, "during")
                    else:
                        keys = _pair_key(ev)
                        dates = {
                            d.event.date
                            for d in dated
                            if d.event.plover == "CONSULT" and keys <= _pair_key(d.event)
                        }
                        if len(dates) == 1 and any(
                            x.lower_ in ("the", "this", "that", "their", "his", "her") for x in p.children
                        ):
                            got = (dates.pop(), "during")
            # 1b. "used a phone call with Arai on Tuesday TO PRESS Tokyo": the purpose of using the call is
            # done in it
            if got is None and clause.dep_ in ("xcomp", "advcl") and clause.head.lemma_.lower() in _USE_VERBS:
                o = _dobj(clause.head)
                if o is not None and o.lemma_.lower() in _CONSULT_NOUNS:
                    own = [x for x in by_trigger.get(o.i, []) if x.event.date and x is not ce]
                    if own:
                        got = (own[0].event.date, "during")
            # 2. "comes a day after he had a call with X": the reference event's date minus the offset
            if got is None:
                got = _relative_date(ctx, ce, by_trigger)
            # 3. the article's main event: the same kind of event between the same actors, with one known date
            if got is None and ev.actor2:
                key = _pair_key(ev)
                dates = {
                    d.event.date for d in dated if d.event.plover == ev.plover and _pair_key(d.event) == key
                }
                if len(dates) == 1:
                    got = (dates.pop(), "main-event")
            # 4. "Arai BEGAN BY congratulating Holt": an act that opens or closes the conversation between the
            # two sides happened during it. (A separate sentence such as "Lee also urged Xi to visit" is not
            # dated from the call: that would be a guess.)
            if (
                got is None
                and ev.actor2
                and ev.plover != "CONSULT"
                and _opens_conversation(doc[ce.trigger_i])
            ):
                dates = {
                    d.event.date
                    for d in dated
                    if d.event.plover == "CONSULT" and _same_sides(ctx, ev, d.event)
                }
                if len(dates) == 1:
                    got = (dates.pop(), "during")
            if got is not None:
                ev.date, ce.date_source = got
                changed = True
        if not changed:
            break


_OPENING_VERBS = frozenset({"begin", "start", "open", "end", "close", "conclude", "finish", "wrap"})


def _opens_conversation(trigger: Token) -> bool:
    """ "began by congratulating", "opened the call by", "ended by inviting": the trigger is the -ing verb
    under "by" of a verb of beginning or ending."""
    prep = trigger.head if trigger.dep_ == "pcomp" else None
    return (
        prep is not None
        and prep.lower_ == "by"
        and prep.head.pos_ in ("VERB", "AUX")
        and prep.head.lemma_.lower() in _OPENING_VERBS
    )


def _side(ctx: _Context, eid: str | None, name: str, country: str | None) -> tuple[str, str | None, bool]:
    """(key, country, is a country) of one side of an event, for matching sides across events."""
    e = ctx.entities.get(eid) if eid else None
    is_country = (e is None or e.type in ("GPE", "NORP")) and (
        country is not None or _country_of_text(name) is not None
    )
    return (eid or name, country or (_country_of_text(name) if is_country else None), is_country)


def _sides_match(a: tuple[str, str | None, bool], b: tuple[str, str | None, bool]) -> bool:
    """The same side: the same actor, or a country and a person acting for it ("Japan" and its prime minister)."""
    if a[0] == b[0]:
        return True
    return (a[2] or b[2]) and a[1] is not None and a[1] == b[1]


def _same_sides(ctx: _Context, ev: Event, other: Event) -> bool:
    """Do two events have the same two sides, in either order?"""
    if not (ev.actor2 and other.actor2):
        return False
    a1 = _side(ctx, ev.actor1_entity_id, ev.actor1, ev.actor1_country)
    a2 = _side(ctx, ev.actor2_entity_id, ev.actor2, ev.actor2_country)
    b1 = _side(ctx, other.actor1_entity_id, other.actor1, other.actor1_country)
    b2 = _side(ctx, other.actor2_entity_id, other.actor2, other.actor2_country)
    return (_sides_match(a1, b1) and _sides_match(a2, b2)) or (_sides_match(a1, b2) and _sides_match(a2, b1))


def _relative_date(
    ctx: _Context, ce: CodedEvent, by_trigger: dict[int, list[CodedEvent]]
) -> tuple[str, str] | None:
    doc = ctx.doc
    clause = doc[ce.clause_i]
    v = clause
    if v.dep_ != "advcl":
        return None
    mark = next((c for c in v.children if c.dep_ == "mark" and c.lower_ in ("after", "before")), None)
    if mark is None:
        return None
    head = v.head
    days = None
    for c in list(head.children) + list(mark.children):
        if c.dep_ == "npadvmod" and c.lemma_.lower() in ("day", "week"):
            num = next((n for n in c.children if n.dep_ in ("nummod", "det")), None)
            count = _NUMBER_WORDS.get(num.lower_) if num is not None else 1
            if count is None and num is not None and num.text.isdigit():
                count = int(num.text)
            if count:
                days = count * _DAY_WORDS.get(c.lower_, _DAY_WORDS.get(c.lemma_.lower(), 1))
    if days is None:
        return None
    refs: list[CodedEvent] = list(by_trigger.get(head.i, []))
    for s in head.children:
        if s.dep_ in ("nsubj", "nsubjpass"):
            refs.extend(by_trigger.get(s.i, []))
    refs = [r for r in refs if r.event.date and r is not ce]
    if not refs:
        return None
    try:
        ref = date.fromisoformat(refs[0].event.date[:10])
    except ValueError:
        return None
    sign = -1 if mark.lower_ == "after" else 1
    return (ref + timedelta(days=sign * days)).isoformat(), "relative"


# ---------------------------------------------------------------- public API


def code_events_detailed(
    doc: Doc,
    entities: Sequence[Entity],
    mentions: Sequence[Mention],
    timexes: Sequence[Timex],
    anchor: str | None = None,
    *,
    loose: bool = False,
) -> list[CodedEvent]:
    """Code every event-bearing clause of ``doc``; see :func:`code_events`.

    ``loose=True`` keeps actors that are plain noun phrases with no entity or country behind
    them ("the refugees", "Amazon workers"); benches use it to measure triggers apart from
    entity resolution.
    """
    # Pronouns the entity module left unresolved ("after HE had a phone call with Ishiba") get the fallback reading.
    by_id = {e.id: e for e in entities}
    covered = {i for m in mentions for i in range(m.start, m.end)}
    extra = [
        m
        for m in _pronoun_mentions(doc, [m for m in mentions if m.entity_id in by_id], by_id)
        if m.start not in covered
    ]
    if extra:
        mentions = [*mentions, *extra]
    if not timexes and anchor:
        timexes = fallback_timexes(doc, anchor)
    ctx = _Context(doc, entities, mentions, timexes, loose)
    events: list[CodedEvent] = []
    for sent in doc.sents:
        # Match verbs first, so that a verb frame naming its object ("sign an agreement") claims that
        # noun; then build the noun events first, so that a clause hanging from an event noun ("a call
        # with Ishiba, during which they pledged") can find that event's participants.
        verb_hits: list[_Hit] = []
        for tok in sent:
            if tok.pos_ in ("VERB", "AUX"):
                hit = _match_verb(ctx, tok)
                if hit is None:
                    continue
                if hit.frame.get("obj") is not None:
                    obj = _dobj(tok)
                    if obj is not None:
                        ctx.consumed.add(obj.i)
                verb_hits.append(hit)
        # "urged X to RELEASE", "agreed to LIFT sanctions": the complement of an appeal, promise, threat or
        # refusal is what is asked, promised or refused, not an event that happened
        inside = set()
        for hit in verb_hits:
            if hit.comp is not None and (hit.frame.get("family") or hit.comp.dep_ in ("xcomp", "advcl")):
                inside.update(t.i for t in hit.comp.subtree)
        verb_hits = [h for h in verb_hits if h.trigger.i not in inside]
        hits: list[_Hit] = []
        for tok in sent:
            # "agreed to work together ..., IN A PHONE CALL": a call framing the clause happened, even where
            # the parser hung it inside the promised action
            if tok.pos_ in ("NOUN", "PROPN") and (tok.i not in inside or _framing_call(tok)):
                hit = _match_noun(ctx, tok)
                if hit is not None:
                    ctx.consumed.add(tok.i)
                    hits.append(hit)
        sent_events: list[CodedEvent] = []
        for hit in hits + verb_hits:
            coded = _build(ctx, hit)
            ctx.coded[hit.trigger.i].extend(coded)
            sent_events.extend(coded)
        events.extend(_dedupe(sent_events))
    _inherit_dates(ctx, events)
    return events


def _dedupe(events: list[CodedEvent]) -> list[CodedEvent]:
    """One sentence, one event per (type, actor pair): the verb and its noun often say the same thing."""
    out: list[CodedEvent] = []
    for ce in sorted(events, key=lambda x: x.trigger_i):
        ev = ce.event
        key = (
            ev.plover,
            _pair_key(ev)
            if ce.symmetric
            else (ev.actor1_entity_id or ev.actor1, ev.actor2_entity_id or ev.actor2),
        )
        dup = None
        for o in out:
            oe = o.event
            okey = (
                oe.plover,
                _pair_key(oe)
                if o.symmetric or ce.symmetric
                else (oe.actor1_entity_id or oe.actor1, oe.actor2_entity_id or oe.actor2),
            )
            if okey == key:
                dup = o
                break
        if dup is None:
            out.append(ce)
            continue
        d = dup.event
        # keep the fuller reading: a telephone mode, a date, a place
        if not d.mode and ev.mode:
            d.mode, d.cameo = ev.mode, ev.cameo
        if not d.date and ev.date:
            d.date, dup.date_source = ev.date, ce.date_source
        if not d.location and ev.location:
            d.location = ev.location
        if not d.actor2 and ev.actor2:
            d.actor2, d.actor2_entity_id, d.actor2_country = ev.actor2, ev.actor2_entity_id, ev.actor2_country
            dup.actor2_span = ce.actor2_span
    return out


def code_events(
    doc: Doc, entities: list[Entity], mentions: list[Mention], timexes: list[Timex], anchor: str | None = None
) -> list[Event]:
    """The PLOVER/CAMEO events of one article.

    ``doc`` is the spaCy parse of the cleaned body (so offsets are body offsets); ``entities`` and
    ``mentions`` come from the entity module (the coder reads ``Mention.start/end/entity_id/kind``
    and ``Entity.id/name/type/country/aliases``); ``timexes`` are the article's normalised time
    expressions (DATE/TIME values "YYYY-MM-DD" or "YYYY-MM" are used). ``anchor`` is the
    publication time (ISO 8601): only when ``timexes`` is empty (no time module wired in) are
    dates read by :func:`fallback_timexes` against it.
    """
    events = []
    for ce in code_events_detailed(doc, entities, mentions, timexes, anchor):
        if ce.trigger_i >= 0:
            trigger = doc[ce.trigger_i]
            ce.event.trigger_start, ce.event.trigger_end = trigger.idx, trigger.idx + len(trigger.text)
        ce.event.symmetric = ce.symmetric
        events.append(ce.event)
    return events


def code_sentence(text: str, date: str | None = None) -> list[Event]:
    """Parse ``text`` and code it with the built-in fallback entities and dates (for benches and tests)."""
    from newsweave.extract.nlp import load_nlp

    doc = load_nlp()(text)
    entities, mentions = fallback_mentions(doc)
    return code_events(doc, entities, mentions, fallback_timexes(doc, date), anchor=date)


# ---------------------------------------------------------------- fallback entities


def fallback_mentions(doc: Doc) -> tuple[list[Entity], list[Mention]]:
    """Entities and mentions from ``doc.ents`` (PERSON, ORG, GPE, NORP), for use without the entity module.

    Persons are merged by shared name parts ("Lee" -> "Lee Jae-myung"); a country is read from the
    words around a name ("Chinese President Xi Jinping", "his Chinese counterpart, Xi Jinping");
    capitals and demonyms map to their country; "he"/"his"/"she"/"her" point to the nearest preceding
    person that was a subject or possessor.
    """
    lex = _lexicon()
    entities: dict[str, Entity] = {}
    mentions: list[Mention] = []
    person_tokens: dict[str, set[str]] = {}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    ents = [
        e
        for e in (_trim(doc, e) for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC"))
        if e is not None
    ]
    persons_by_token: dict[str, str] = {}
    # pass 1: full person names
    for ent in ents:
        if ent.label_ != "PERSON":
            continue
        name = _person_name(ent.text)
        if not _plausible_name(name):
            continue
        parts = set(name.lower().replace("-", " ").split())
        match = None
        for eid, toks in person_tokens.items():
            if parts <= toks or toks <= parts:
                match = eid
                break
        if match is None:
            eid = f"person:{_slug(name)}"
            entities[eid] = Entity(id=eid, name=name, type="PERSON")
            person_tokens[eid] = parts
        elif len(name) > len(entities[match].name) and " " in name:
            entities[match].name = name
            person_tokens[match] |= parts
    for eid, toks in person_tokens.items():
        for t in toks:
            persons_by_token.setdefault(t, eid)
    for ent in ents:
        text = ent.text
        eid = None
        kind = "name"
        if ent.label_ == "PERSON" or (
            ent.label_ == "ORG" and len(ent) == 1 and ent.text.lower() in persons_by_token
        ):
            name = _person_name(text)
            if not _plausible_name(name):
                continue
            parts = set(name.lower().replace("-", " ").split()) if name else set()
            eid = next(
                (k for k, toks in person_tokens.items() if parts and (parts <= toks or toks <= parts)), None
            )
            if eid is None:
                continue
            iso = _person_country(doc, ent)
            if iso:
                votes[eid][iso] += 1
        elif ent.label_ in ("GPE", "NORP", "LOC"):
            if ent.label_ == "NORP" and ent.root.dep_ in ("amod", "compound", "nmod"):
                continue  # a modifier ("Chinese President"), not an actor
            iso = _country_of_text(text)
            igo = lex.igo_alias.get(_norm(text))
            if igo:
                eid = f"org:{_slug(igo)}"
                entities.setdefault(eid, Entity(id=eid, name=igo, type="ORG"))
            elif iso:
                cname = lex.iso_to_name[iso]
                eid = f"gpe:{_slug(cname)}"
                entities.setdefault(eid, Entity(id=eid, name=cname, type="GPE", country=iso))
                if _norm(text) != cname.lower():
                    kind = "metonym"
            elif ent.label_ != "NORP":
                name = re.sub(r"^the\s+", "", text)
                eid = f"gpe:{_slug(name)}"
                entities.setdefault(eid, Entity(id=eid, name=name, type=ent.label_))
            else:
                continue
        elif ent.label_ == "ORG":
            name = re.sub(r"^the\s+", "", text, flags=re.I)
            igo = lex.igo_alias.get(_norm(name))
            name = igo or name
            eid = f"org:{_slug(name)}"
            if eid not in entities:
                entities[eid] = Entity(id=eid, name=name, type="ORG")
            iso = _person_country(doc, ent)
            if iso:
                votes[eid][iso] += 1
        if eid:
            s, e = _strip_possessive(doc, ent)
            mentions.append(Mention(text=text_of(doc)[s:e], start=s, end=e, entity_id=eid, kind=kind))  # type: ignore[arg-type]
    for eid, v in votes.items():
        if entities[eid].country is None:
            entities[eid].country = v.most_common(1)[0][0]
    mentions.extend(_pronoun_mentions(doc, mentions, entities))
    mentions.sort(key=lambda m: m.start)
    return list(entities.values()), mentions


def _trim(doc: Doc, ent: Span) -> Span | None:
    """The entity without surrounding whitespace tokens (the parser glues line breaks onto names)."""
    start, end = ent.start, ent.end
    while start < end and not doc[start].text.strip():
        start += 1
    while end > start and not doc[end - 1].text.strip():
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=ent.label_)


def _plausible_name(name: str) -> bool:
    """Reject headlines and dates the tagger took for names ("LEE INVITES XI TO APEC SUMMIT", "Jun 09, 2025")."""
    words = name.split()
    if not words or len(words) > 4 or any(ch.isdigit() for ch in name):
        return False
    if len(words) > 1 and name.isupper():
        return False
    return all(
        w[:1].isupper()
        for w in words
        if w.lower() not in ("de", "van", "von", "bin", "al", "la", "le", "da", "dos", "del")
    )


_TITLES = re.compile(
    r"^(president|prime minister|pm|premier|chancellor|king|queen|mr|mrs|ms|dr|gen|general|minister|secretary|sen|senator|rep|gov|governor)\.?\s+",
    re.I,
)


def _person_name(text: str) -> str:
    t = text.replace("’", "'")
    t = re.sub(r"'s$", "", t).strip()
    for _ in range(3):
        t = _TITLES.sub("", t)
    return t.strip()


def _strip_possessive(doc: Doc, ent: Span) -> tuple[int, int]:
    end = ent.end_char
    text = text_of(doc)[ent.start_char : end]
    m = re.search(r"['’]s?$", text)
    if m and len(text) > 2:
        end -= len(m.group(0))
    return ent.start_char, end


def _person_country(doc: Doc, ent: Span) -> str | None:
    """A country in the words that introduce a name: "Chinese President Xi", "U.S. President Trump", "South Korea's Lee"."""
    root = ent.root
    heads = [root]
    if root.dep_ == "appos":
        heads.append(root.head)  # "his Chinese counterpart, Xi Jinping"
    for h in heads:
        # the modifier chain of the name ("Chinese President Xi"), not other names glued on by the parser
        stack = [
            c
            for c in h.children
            if c.i < h.i and c.dep_ in ("amod", "compound", "poss", "nmod") and c.ent_type_ != "PERSON"
        ]
        while stack:
            t = stack.pop(0)
            ent2 = _ent_of(t)
            iso = _country_of_text(ent2.text) if ent2 is not None else _country_of_text(t.text)
            if iso:
                return iso
            stack.extend(
                c
                for c in t.children
                if c.i < t.i and c.dep_ in ("amod", "compound") and c.ent_type_ != "PERSON"
            )
    for c in root.children:
        if c.dep_ == "appos":  # "Xi Jinping, China's president"
            for t in c.subtree:
                if t.ent_type_ in ("GPE", "NORP"):
                    ent2 = _ent_of(t)
                    iso = _country_of_text(ent2.text) if ent2 is not None else None
                    if iso:
                        return iso
    return None


def _pronoun_mentions(doc: Doc, mentions: list[Mention], entities: dict[str, Entity]) -> list[Mention]:
    """he/him/his/she/her -> the nearest preceding person mention in subject or possessor position."""
    person_mentions = sorted(
        (m for m in mentions if entities[m.entity_id].type == "PERSON"), key=lambda m: m.start
    )
    if not person_mentions:
        return []
    info = []
    for m in person_mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        info.append((span.start, span.root.dep_, span.root.sent.start, m))
    out = []
    sent_starts = [s.start for s in doc.sents]
    by_token = {x[0]: x for x in info}
    for tok in doc:
        if tok.lower_ not in _PERSON_PRONOUNS or tok.pos_ != "PRON":
            continue
        sent_start = tok.sent.start
        k = bisect_right(sent_starts, tok.i) - 1
        window_start = sent_starts[max(0, k - 3)]
        # "Holt invited HIM to Brennholm": an object pronoun is never the subject of its own clause (that
        # would be "herself"), so that subject is neither the governing subject nor a candidate
        local: set[str] = set()
        obj_case = tok.lower_ in ("him", "her") and tok.dep_ in ("dobj", "dative", "iobj", "pobj")
        if obj_case:
            verb = tok.head.head if tok.dep_ == "pobj" else tok.head
            for c in verb.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    local.update(
                        by_token[i][3].entity_id for i in range(c.left_edge.i, c.i + 1) if i in by_token
                    )
        cata = _cataphora(tok, by_token) or _governing_subject(
            tok, by_token, skip=tok.head if obj_case else None
        )
        if cata is not None:
            out.append(
                Mention(
                    text=tok.text,
                    start=tok.idx,
                    end=tok.idx + len(tok.text),
                    entity_id=cata.entity_id,
                    kind="pronoun",
                )
            )
            continue
        window = [
            x
            for x in info
            if x[0] < tok.i
            and x[2] >= window_start
            and x[3].entity_id not in local
            and AUTHOR_ROLE not in entities[x[3].entity_id].roles  # a byline's reporter is no referent
        ]
        if not window:
            continue
        strong = [x for x in window if x[1] in ("nsubj", "nsubjpass", "poss")]
        pick = (strong or window)[-1]
        # in the same sentence, prefer the subject over a closer object ("Lee's chat with Xi ... after he had")
        same = [x for x in strong if x[2] == sent_start]
        if same:
            pick = same[0]
        out.append(
            Mention(
                text=tok.text,
                start=tok.idx,
                end=tok.idx + len(tok.text),
                entity_id=pick[3].entity_id,
                kind="pronoun",
            )
        )
    return out


def _governing_subject(
    tok: Token, by_token: dict[int, tuple[int, str, int, Mention]], skip: Token | None = None
) -> Mention | None:
    """ "Lee has made it clear that HE wants ...", "Lee's chat comes a day after HE had ...": the person who is
    (or owns) the subject of a clause governing the pronoun's clause. ``skip``: the pronoun's own verb, whose
    subject an object pronoun cannot refer to."""
    for anc in tok.ancestors:
        if anc.pos_ not in ("VERB", "AUX") or (skip is not None and anc == skip):
            continue
        for c in anc.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and tok not in c.subtree:
                for i in range(c.left_edge.i, c.i + 1):
                    if i in by_token:
                        return by_token[i][3]
    return None


def _cataphora(tok: Token, by_token: dict[int, tuple[int, str, int, Mention]]) -> Mention | None:
    """ "During HIS call with Xi, Lee urged ...": a possessive in a phrase before the subject points forward."""
    if tok.dep_ != "poss":
        return None
    t = tok.head
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX"):
            break
        if t.head == t:
            return None
        t = t.head
    else:
        return None
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i > tok.i:
            for i in range(c.left_edge.i, c.i + 1):
                if i in by_token:
                    return by_token[i][3]
    return None


# ---------------------------------------------------------------- fallback dates

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"


def fallback_timexes(doc: Doc, anchor: str | None) -> list[Timex]:
    """A minimal date normaliser over ``doc.ents`` DATE spans, until ``extract.timex`` is wired in.

    Handles weekdays (bare, "last", "next", "this"), yesterday/today/tomorrow, "June 10",
    "10 June 2025", "July 2014" and years. A bare weekday is the latest such day on or before the
    anchor (news reports past events); "last Friday" is strictly before it.
    """
    a = _parse_anchor(anchor)
    out: list[Timex] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        value = _resolve_date(ent.text, a)
        if value:
            out.append(
                Timex(
                    text=ent.text,
                    start=ent.start_char,
                    end=ent.end_char,
                    type="DATE",
                    value=value,
                    anchored=a is not None,
                )
            )
    return out


def _resolve_date(text: str, a: date | None) -> str | None:
    low = text.lower().strip()
    low = re.sub(r"^(on|since|from|until|by)\s+", "", low)
    m = re.search(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", low)
    if m:
        year = int(m[3]) if m[3] else (a.year if a else None)
        return _ymd(year, _MONTHS[m[1][:3]], int(m[2]))
    m = re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_RE}(?:,?\s+(\d{{4}}))?\b", low)
    if m:
        year = int(m[3]) if m[3] else (a.year if a else None)
        return _ymd(year, _MONTHS[m[2][:3]], int(m[1]))
    m = re.fullmatch(rf"(?:in\s+|early\s+|late\s+|mid-)?{_MONTH_RE}\s+(\d{{4}})", low)
    if m:
        return f"{int(m[2]):04d}-{_MONTHS[m[1][:3]]:02d}"
    if a is None:
        return None
    if re.search(r"\byesterday\b", low):
        return (a - timedelta(days=1)).isoformat()
    if re.fullmatch(r"(earlier\s+)?(today|tonight|this (morning|afternoon|evening))", low):
        return a.isoformat()
    if re.search(r"\btomorrow\b", low):
        return (a + timedelta(days=1)).isoformat()
    m = re.fullmatch(
        r"(last|this|next|past)?\s*(" + "|".join(_WEEKDAYS) + r")(\s+(morning|afternoon|evening|night))?", low
    )
    if m:
        wd = _WEEKDAYS.index(m[2])
        back = (a.weekday() - wd) % 7
        if m[1] in ("last", "past"):
            back = back or 7
        elif m[1] == "next":
            return (a + timedelta(days=(wd - a.weekday()) % 7 or 7)).isoformat()
        return (a - timedelta(days=back)).isoformat()
    return None


def _ymd(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None

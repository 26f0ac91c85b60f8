"""Canonical entities: one id per real-world person, place or organisation.

Within an article (``resolve_entities``) spaCy's NER spans are normalised (leading "the", possessive
"'s", newline-crossing spans), mislabelled spans are fixed with gazetteers (``newsweave/data/*.json``)
and with the surnames of the article's own full-name persons, and then grouped. Each name gets one type
per article from general cues in the text (``_Resolver.retype``): "the ferry X" is a ship (PRODUCT), "X
Sparebank"/"the X Line" an organisation, "Holt's spokeswoman, X" or "X, a planetary scientist" a person,
"in/to/from X", "its capital, X", "X's president" or a dateline a place (GPE). Broadcast captions ("Name /
Title") and role appositions ("the party's finance spokesman, Odd Vangen") give persons NER missed.

* persons: full names group by (first word, last word) ("Donald J. Trump" = "Donald Trump"); a bare
  surname or given name ("Lee", "President Lee") joins the unique non-author full name with that
  first or last word. If two non-author full names share it, it joins the one whose full name was
  mentioned most recently before it (else the first one mentioned after it). Authors (reporters) are
  never merge targets, so "Michael Lee" / "Hyun-Jong Lee" never absorb "Lee" the president.
* roles come from title chains ("South Korea's newly elected President Lee", "Chinese President Xi"),
  appositions ("Kang Yu-jung, Seoul's presidential spokeswoman") and broadcast captions
  ("Kang Yu-jung / Presidential Spokesperson"); definite role phrases ("the Korean president",
  "the Chinese leader", "Lee's spokeswoman", "his Chinese counterpart") resolve to the unique
  holder of a matching role ("leader"/"counterpart" match any head-of-state/government role).
* places: countries by gazetteer ("S.Korea" -> South Korea, ISO3 KOR); cities keep their own entity
  with ``country`` set; a capital used as an actor ("Seoul and Beijing agreed") gets a mention of
  kind "metonym" so the events coder can map it to its country.

Ids are ``<type>:<slug of canonical name>`` (``person:lee-jae-myung``, ``gpe:south-korea``), so they are
stable across runs and ingestion order. ``link_entities`` merges entities across articles, never a place
into a person or an organisation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from spacy.attrs import IDX, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc

from newsweave.extract.nlp import text_of
from newsweave.records import Entity, Mention

MentionKind = Literal["name", "role", "pronoun", "metonym"]
KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
AUTHOR_ROLE = "author"
# A capital governed by one of these prepositions is a place ("in Seoul"), not an actor ("Seoul said").
_LOCATIVE_PREPS = frozenset(
    {
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "around",
        "across",
        "into",
        "to",
        "from",
        "via",
        "through",
        "within",
        "throughout",
    }
)
_PLACE_CUES = ("central ", "downtown ", "city of ", "capital of ", "capital, ", "outskirts of ")
_NAME_PARTICLES = frozenset(
    {"van", "von", "de", "del", "da", "di", "bin", "al", "el", "la", "le", "der", "dos", "du"}
)


# ---------------------------------------------------------------- gazetteers


@dataclass(frozen=True)
class Gazetteer:
    """The data tables of ``newsweave/data``, loaded once per process."""

    country_name: dict[str, str]  # ISO3 -> canonical name
    country_by_alias: dict[str, str]  # "S.Korea" -> KOR
    demonym: dict[str, str]  # "Korean" -> KOR
    demonym_name: dict[str, str]  # KOR -> "South Korean"
    place_country: dict[str, str]  # "Gyeongju" -> KOR (capitals included)
    capitals: dict[str, str]  # "Seoul" -> KOR: metonyms for their country
    regions: dict[str, str]  # "the Korean Peninsula" -> "Korean Peninsula"
    titles: dict[str, str]  # "spokeswoman" -> "spokesperson"
    leader_roles: frozenset[str]
    modifiers: frozenset[str]
    former: frozenset[str]
    honorifics: dict[str, str | None]
    gender_words: dict[str, str]
    name_gender: dict[str, str]  # given name or known full name -> "m" / "f"
    not_persons: frozenset[str]
    org_titles: dict[str, str]
    # generic type cues around a name (names.json): see ``_Resolver.retype``
    org_heads: frozenset[str]  # last word of an organisation's name: "Sparebank", "Line", "Authority"
    event_heads: frozenset[str]  # last word of an event's name: "Summit"
    vessel_words: tuple[str, ...]  # "ferry", "ship", "MV": a ship's name follows
    org_descriptors: tuple[str, ...]  # "maker", "operator": a company's name follows
    occupations: tuple[str, ...]  # "analyst", "nurse": a person's apposition
    place_words: tuple[str, ...]  # "town", "capital": "the town of X", "its capital, X"
    country_nouns: tuple[str, ...]  # "president", "economy": "X's president" makes X a country


def _load_json(name: str) -> dict[str, Any]:
    return json.loads(resources.files("newsweave").joinpath("data", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    countries = _load_json("countries.json")
    roles = _load_json("roles.json")
    names = _load_json("names.json")
    country_name: dict[str, str] = {}
    by_alias: dict[str, str] = {}
    demonym: dict[str, str] = {}
    demonym_name: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for c in countries["countries"]:
        iso = c["iso3"]
        country_name[iso] = c["name"]
        for alias in [c["name"], *c["aliases"]]:
            by_alias[alias] = iso
            if alias.startswith("the "):
                by_alias[alias[4:]] = iso
        for i, dem in enumerate(c["demonyms"]):
            demonym.setdefault(dem, iso)
            if i == 0:
                demonym_name[iso] = dem
        if c.get("capital"):
            capitals[c["capital"]] = iso
    places = {k: v for k, v in countries["places"].items() if not k.startswith("_")}
    places.update(capitals)
    regions: dict[str, str] = {}
    for name, aliases in countries["regions"].items():
        if name.startswith("_"):
            continue
        for alias in [name, *aliases]:
            regions[alias] = name
            regions[alias.removeprefix("the ")] = name
    gender: dict[str, str] = {}
    for g, key in (("f", "female"), ("m", "male")):
        for n in names[key]:
            gender[n.lower()] = g
    return Gazetteer(
        country_name=country_name,
        country_by_alias=by_alias,
        demonym=demonym,
        demonym_name=demonym_name,
        place_country=places,
        capitals=capitals,
        regions=regions,
        titles={k.lower(): v for k, v in roles["titles"].items()},
        leader_roles=frozenset(roles["leader_roles"]),
        modifiers=frozenset(roles["modifiers"]),
        former=frozenset(roles["former"]),
        honorifics=dict(roles["honorifics"]),
        gender_words=dict(roles["gender_words"]),
        name_gender=gender,
        not_persons=frozenset(names["not_persons"]),
        org_titles={k: v for k, v in roles["org_titles"].items() if not k.startswith("_")},
        org_heads=frozenset(names["org_heads"]),
        event_heads=frozenset(names["event_heads"]),
        vessel_words=tuple(names["vessel_words"]),
        org_descriptors=tuple(names["org_descriptors"]),
        occupations=tuple(names["occupations"]),
        place_words=tuple(names["place_words"]),
        country_nouns=tuple(names["country_nouns"]),
    )


def _alt(words: Iterable[str]) -> str:
    """A regex alternation, longest first so "prime minister" wins over "minister"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    left_title: re.Pattern[str]  # title chain ending right before a name
    left_honorific: re.Pattern[str]
    left_appos: re.Pattern[str]  # "his Chinese counterpart, " right before a name
    right_appos: re.Pattern[str]  # ", Seoul's presidential spokeswoman" right after a name
    caption: re.Pattern[str]  # " / Presidential Spokesperson" (broadcast caption line)
    role_phrase: re.Pattern[str]  # "the Korean president", "Lee's spokeswoman" anywhere
    title_word: re.Pattern[str]
    place: re.Pattern[str]  # any country alias or place name of the gazetteer
    role_name: re.Pattern[str]  # "the party's finance spokesman, Odd Vangen." (a name NER may miss)
    vessel_name: re.Pattern[str]  # "the tanker Baltic Dawn" (NER may call it a work of art, or miss it)
    org_name: re.Pattern[str]  # "Orvik Line", "Kestrel Sparebank" (capitalised words ending in an org head)
    vessel_left: re.Pattern[str]  # "the ferry ", "aboard the ", "aircraft carrier, the " right before a name
    org_left: re.Pattern[str]  # "battery maker ", "The operator, " right before a name
    occupation_right: re.Pattern[str]  # ", a planetary scientist at", ", 54," right after a name
    occupation_left: re.Pattern[str]  # "economist ", "duty officer " right before a name
    place_left: re.Pattern[str]  # "the town of ", "its capital, " right before a name
    country_right: re.Pattern[str]  # "'s president", "'s economy", " President" right after a name
    place_right: re.Pattern[str]  # " harbour", " area": a place name compounding a place noun
    place_of: re.Pattern[str]  # "Bank of Norland", "Republic of X": the name after "of" is a place


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    gz = gazetteer()
    country_words = _alt([*gz.country_by_alias, *gz.demonym, *gz.capitals])
    # Country words are case-sensitive ("US" yes, "us" no); titles and modifiers are not
    # ("President Lee" and "presidential spokesperson Kang" both occur).
    c = rf"(?<![\w.])(?:{country_words})(?!\w)"
    # a title or modifier starts a word: "king" is not a title in "blocking Donald Trump"
    t = rf"(?<!\w)(?i:{_alt(gz.titles)})"
    m = rf"(?:(?<!\w)(?i:{_alt(gz.modifiers)})[\s-]+)"
    poss = r"(?:’s|'s|’|')"
    return _Patterns(
        left_title=re.compile(
            rf"(?:(?P<country>{c})(?P<poss>{poss})?[\s-]+)?(?P<mods>{m}*)(?P<title>{t})(?<!\w\w\w\.)\.?\s+$"
        ),
        left_honorific=re.compile(r"(?<![\w.])(?P<hon>(?i:mr|mrs|ms|dr|miss|prof|sir)\.?)\s+$"),
        # "his Chinese counterpart, ", "Holt's spokeswoman, ", "Norland's newly inaugurated president, ",
        # "the party's finance spokesman, ": up to three free words may qualify the title; a possessor's
        # first word has no full stop (that would reach across a sentence end: "on Friday. Ekvall's ...")
        left_appos=re.compile(
            rf"(?P<phrase>(?:(?P<det>\b(?i:the|his|her|its|their))\s+(?:[a-z][\w-]*{poss}\s+)?"
            rf"|(?P<possname>\b(?:[A-Z][\w\-]*\s)?[A-Z][\w.\-]*){poss}\s+)"
            rf"(?:(?P<country>{c})\s+)?(?P<mods>(?:{m}|[a-z][\w-]*\s+){{0,3}}?)(?P<title>{t})),\s+$"
        ),
        right_appos=re.compile(
            rf",\s+(?P<phrase>(?:(?:the|a|an|his|her|its)\s+)?(?:(?P<poss>[A-Z][\w.\-]*(?:\s[A-Z][\w.\-]*)?){poss}\s+)?"
            rf"(?:(?P<country>{c})\s+)?(?P<mods>{m}*)(?P<title>{t})(?!\w)(?!\s+[A-Z][a-z])"
            r"(?:\s+(?:of|at|for)\s+(?:the\s+)?(?P<org>[A-Z][^,.;:\n]*))?)"
        ),
        caption=re.compile(r"[ \t]*/[ \t]*(?P<rest>[^\n/]{2,100})[ \t]*(?:\n|$)"),
        role_phrase=re.compile(
            rf"(?P<det>\b(?:the|The|his|His|her|Her|its|Its|their|Their)\s+|(?P<possname>\b[A-Z][\w.\-]*(?:\s[A-Z][\w.\-]*)?){poss}\s+)"
            rf"(?:(?P<country>{c})\s+)?(?P<mods>{m}*)(?P<title>{t})(?!\w)(?![ \t]+[A-Z][a-z])(?!,\s+[A-Z][a-z]+[\s-]+[A-Z])"
        ),
        title_word=re.compile(rf"(?<!\w){t}(?!\w)"),
        place=re.compile(
            rf"(?<![\w.\-])(?:{_alt([*gz.country_by_alias, *gz.place_country])})(?![\w\-]|\.\w)"
        ),
        role_name=re.compile(
            rf"(?:\b(?i:the|his|her|its|their)\s+(?:[a-z][\w-]*{poss}\s+)?|\b(?:[A-Z][\w\-]*\s)?[A-Z][\w.\-]*{poss}\s+)"
            rf"(?:{m}|[a-z][\w-]*\s+){{0,3}}?{t}(?!\w),\s+"
            r"(?P<name>[A-Z][a-z'’\-]+(?:\s+(?:[A-Z][a-z'’\-]+|van|von|de|der|da|di|du)){1,3})(?=\s*(?:[.,;:)\]]|$))"
        ),
        vessel_name=re.compile(
            rf"(?:(?<!\w)(?i:{_alt(gz.vessel_words)}),?\s+(?:the\s+)?|(?<!\w)(?i:aboard|on\s+board)\s+the\s+)"
            r"(?P<name>[A-Z][\w’'\-]+(?:[ \t]+[A-Z][\w’'\-]+){0,3})"
        ),
        # "Orvik Line", "Brennholm Institute of International Affairs", "Altamira Institute for Planetary Science"
        org_name=re.compile(
            rf"(?<![\w’'\-])(?P<name>(?:[A-Z][\w’'&\-]+[ \t]+){{1,4}}(?:{_alt(gz.org_heads)})"
            r"(?:[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?[A-Z][\w’'&\-]+(?:[ \t]+(?:and[ \t]+)?[A-Z][\w’'&\-]+){0,3})?)"
            r"(?![\w\-])"
        ),
        vessel_left=re.compile(
            rf"(?:(?<!\w)(?i:{_alt(gz.vessel_words)}),?\s+(?:the\s+)?|(?<!\w)(?i:aboard|on\s+board)\s+(?:the\s+)?)$"
        ),
        org_left=re.compile(rf"(?<!\w)(?i:{_alt(gz.org_descriptors)})(?:,\s+|\s+)$"),
        occupation_right=re.compile(
            rf",\s+(?:\d{{1,3}},|(?:a|an|the|his|her|its|their)\s+(?:[\w’'\-]+\s+){{0,4}}?(?i:{_alt(gz.occupations)})s?(?!\w))"
        ),
        occupation_left=re.compile(rf"(?<!\w)(?i:{_alt(gz.occupations)})\s+$"),
        place_left=re.compile(rf"(?<!\w)(?i:{_alt(gz.place_words)})(?:\s+of\s+(?:the\s+)?|,\s+)$"),
        country_right=re.compile(
            rf"(?:{poss}\s+(?:[a-z][\w-]*\s+){{0,2}}?(?i:{_alt(gz.country_nouns)})(?!\w)"
            r"|\s+(?:President|Prime\s+Minister|Premier|Chancellor|King|Queen|Foreign\s+Minister|Government)\b)"
        ),
        place_right=re.compile(
            r"\s+(?:harbour|harbor|port|area|region|district|municipality|airport|coast|waters|bay|fjord|sound)\b"
        ),
        place_of=re.compile(
            r"\b(?:Bank|Republic|Kingdom|Government|Parliament|People|Port|City|Province|State|Embassy|Island|Isle)"
            r"\s+of\s+(?:the\s+)?(?P<name>[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?)"
        ),
    )


# ---------------------------------------------------------------- small helpers


def slug(text: str) -> str:
    """ASCII lower-case slug used in ids: "Lee Jae-myung" -> "lee-jae-myung"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _norm_ws(text: str) -> str:
    return " ".join(text.split())


def _fix_case(word: str) -> str:
    """ "LEE" -> "Lee", "JAE-YOUNG" -> "Jae-Young" (headlines and bylines are often in capitals)."""
    if len(word) > 1 and word.isupper() and any(ch.isalpha() for ch in word) and "." not in word:
        return "-".join(p.capitalize() for p in word.split("-"))
    return word


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a span to its name: cut at a newline, drop a leading "the", a possessive and edge punctuation."""
    seg = text[start:end]
    if "\n" in seg:
        first = seg.split("\n", 1)[0]
        if first.strip():
            end = start + len(first)
        else:
            nl = seg.rfind("\n")
            start = start + nl + 1
    while start < end and not text[start].isalnum():
        start += 1
    # edge punctuation, and the apostrophe of a plural possessive ("Sanders’ campaign")
    # ("/" ends a broadcast caption's name: "Jon Skarstad / Ostholm Council Leader")
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:!?)(\"“”‘’'[]—–-/"):
        end -= 1
    if "(" in text[start:end] and ")" not in text[start:end]:  # "Area Defense (Thaad"
        end = text.rindex("(", start, end)
        while end > start and text[end - 1].isspace():
            end -= 1
    for poss in ("’s", "'s"):
        if text.endswith(poss, start, end) and end - start > 2:
            end -= 2
            break
    lower = text[start:end].lower()
    if lower.startswith("the ") and end - start > 4:
        start += 4
    return start, end


def _role_str(role: str, iso: str | None, org: str | None = None) -> str:
    if iso:
        return f"{role} of {gazetteer().country_name.get(iso, iso)}"
    if org:
        return f"{role} of {org}"
    return role


# ---------------------------------------------------------------- per-article resolution


@dataclass
class _Role:
    key: str  # "president", "spokesperson", ...
    country: str | None = None
    former: bool = False
    org: str | None = None


@dataclass
class _Cand:
    """One mention candidate while an article is being resolved."""

    start: int
    end: int
    label: str
    name: str  # the name proper (titles stripped, case fixed)
    kind: MentionKind = "name"
    country: str | None = None
    author: bool = False
    roles: list[_Role] = field(default_factory=list)
    gender: str | None = None
    key: str | None = None  # cluster key once resolved
    fixed: bool = False  # type settled from cues in the text (``retype``): no later relabelling


@dataclass
class _Cluster:
    key: str
    label: str
    names: list[str] = field(default_factory=list)  # name variants, in order of appearance
    author: bool = False
    roles: list[_Role] = field(default_factory=list)
    country: str | None = None
    positions: list[int] = field(default_factory=list)  # start offsets of full-name mentions
    acronym: str | None = None


_ACRONYM_DEF = re.compile(
    r"((?:(?:[A-Z][\w&'’.-]*|of|for|and|on|the)\s+){0,8}[A-Z][\w&'’.-]*)\s+\(([A-Z][A-Za-z]{1,9})\)"
)
_PARTY = re.compile(r"(?i)\b(?:democratic|republican)\b")
# "Kang Yu-jung / Presidential Spokesperson" or "Petra Lindqvist / Brennholm Institute of ...": a broadcast
# caption line, a person's name and what they are.
_CAPTION_LINE = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Z][\w’'\-]+(?:[ \t]+[A-Z][\w’'\-.]+){1,3})[ \t]+/[ \t]+(?P<rest>[^\n/]{2,100}?)[ \t]*$"
)
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A wire dateline: "BRENNHOLM, March 10 (MPA) - ", "TARNVIK, Norland, March 11 (MPA) - ", "OTTAWA (MPA) -".
DATELINE = re.compile(
    r"(?m)^(?P<place>[A-Z][A-Z’'.\-]+(?:[ \t]+[A-Z][A-Z’'.\-]+){0,3})"
    r"(?:,[ \t]+(?P<region>[A-Z][\w’'.\-]+(?:[ \t]+[A-Z][\w’'.\-]+){0,3}))?"
    rf"(?:,[ \t]+(?:{_MONTH_WORD}[ \t]+\d{{1,2}}|\d{{1,2}}[ \t]+{_MONTH_WORD})(?:,[ \t]+\d{{4}})?[ \t]*(?:\([^)\n]{{1,40}}\))?"
    r"|[ \t]*\([^)\n]{1,40}\))[ \t]*[-—–]+[ \t]*"
)
# Prepositions that make the name they govern a place ("in Brennholm"); "to"/"from" only after a word of
# movement ("invited him to Brennholm", "due to arrive from Brennholm"), as "spoke to Holt" is common.
_PLACE_PREPS = frozenset({"in", "near", "inside", "outside", "across", "throughout", "within", "into", "via"})
_MOTION_PREPS = frozenset({"to", "from"})
_MOTION_LEMMAS = frozenset(
    {
        "go", "come", "travel", "fly", "return", "arrive", "move", "invite", "welcome", "visit", "sail", "head",
        "tow", "bring", "send", "take", "drive", "evacuate", "relocate", "flee", "deport", "commute", "ferry",
        "crossing", "trip", "journey", "flight", "route", "road", "link", "ship", "export", "import", "run",
        "carry", "transfer", "drift", "cross", "connection", "service",
    }
)  # fmt: skip
# Words after which "in X" is a stake in a company or faith in a person rather than a place.
_IN_NOT_PLACE = frozenset(
    {"stake", "interest", "investment", "invest", "share", "shares", "role", "confidence", "trust", "faith",
     "belief", "believe"}
)  # fmt: skip
# Words a company has too: "X's president", "X's exports", "X President Y" (see ``_Resolver._vote``).
_COMPANY_TOO = re.compile(r"(?i)\b(?:president|presidential|presidency|exports|imports|north|south)\b|^\s")
_RETYPE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_PEOPLE_NOUNS = frozenset(
    {"man", "woman", "people", "person", "family", "resident", "native", "citizen", "child", "girl", "boy", "mother",
     "father", "islander", "villager", "fisherman", "stargazer", "amateur", "astronomer", "couple"}
)  # fmt: skip


_WORD = re.compile(r"[\w’'.\-]+")


@dataclass(frozen=True)
class _CueWords:
    """Lower-case words whose presence right before a name makes a left-context pattern worth searching."""

    vessel: frozenset[str]
    org: frozenset[str]
    title: frozenset[str]
    title_end: frozenset[str]  # last words of titles ("spokesman", "minister"): a role apposition ends there
    honorific: frozenset[str]
    occupation: frozenset[str]
    place: frozenset[str]


@lru_cache(maxsize=1)
def _cue_words() -> _CueWords:
    gz = gazetteer()

    def words(phrases: Iterable[str]) -> frozenset[str]:
        return frozenset(w for p in phrases for w in p.lower().split())

    return _CueWords(
        vessel=words([*gz.vessel_words, "aboard", "board"]),
        org=words(gz.org_descriptors),
        title=words(gz.titles),
        title_end=frozenset(t.lower().split()[-1] for t in gz.titles),
        honorific=frozenset(h.lower().rstrip(".") for h in gz.honorifics) | words(gz.honorifics),
        occupation=words(gz.occupations),
        place=words(gz.place_words),
    )


@lru_cache(maxsize=16)
def _hashes(words: frozenset[str]) -> np.ndarray:
    """spaCy LOWER hashes of some words, to find their tokens with ``np.isin``."""
    return np.array([hash_string(w) for w in words], dtype=np.uint64)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """Body offsets of the wire datelines ("BRENNHOLM, March 10 (MPA) - ") at paragraph starts.

    A dateline names where the story was filed, not an actor: the events and quotes modules ignore names in it.
    """
    return [(m.start(), m.end()) for m in DATELINE.finditer(text)]


_LEADING_NOISE = frozenset(
    {
        "amid",
        "during",
        "after",
        "before",
        "with",
        "by",
        "from",
        "in",
        "on",
        "at",
        "as",
        "for",
        "to",
        "and",
        "but",
        "write",
        "dear",
        "via",
        "while",
        "when",
        "if",
    }
)


NameKey = tuple[str, str, str]


@lru_cache(maxsize=8192)  # linking asks for the same stored names batch after batch (bounded: memory)
def _name_key(name: str) -> NameKey:
    """(first, middle initials, last): "George H.W. Bush" -> ("george", "hw", "bush")."""
    words = name.lower().split()
    middle = "".join(p[0] for w in words[1:-1] for p in re.split(r"[.\-]", w) if p)
    return words[0], middle, words[-1]


def _canonical_keys(keys: Iterable[NameKey]) -> dict[NameKey, NameKey]:
    """Map a name without middle initials to the one variant that has some ("Donald Trump" ->
    "Donald J. Trump"); with two variants ("George W. Bush", "George H.W. Bush") it stays alone."""
    mids: dict[tuple[str, str], set[str]] = {}
    for f, mid, last in keys:
        if mid:
            mids.setdefault((f, last), set()).add(mid)
    out: dict[NameKey, NameKey] = {}
    for k in keys:
        f, mid, last = k
        variants = mids.get((f, last), set())
        out[k] = (f, next(iter(variants)), last) if not mid and len(variants) == 1 else k
    return out


def _valid_person(name: str, gz: Gazetteer) -> bool:
    words = name.split()
    if (
        not words
        or len(words) > 5
        or any(ch.isdigit() for ch in name)
        or "&" in name
        or name in gz.not_persons
    ):
        return False
    parts = {p for w in words for p in w.split("-")}
    if parts & (gz.country_by_alias.keys() | gz.demonym.keys()):
        return False  # "U.S.-China", "Korean" are not people
    if len(words) > 3 and name.isupper():
        return False  # an all-caps headline ("LEE INVITES XI TO APEC SUMMIT")
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words if w[0].isalpha())


def _person_name(words: list[str], gz: Gazetteer) -> tuple[list[str], list[str]]:
    """Split leading titles/honorifics/demonyms off an NER person span: (title words, name words)."""
    i = 0
    while i < len(words) - 1:
        w = words[i].lower()
        two = f"{w} {words[i + 1].lower()}" if i + 1 < len(words) - 1 else ""
        if two and two in gz.titles:
            i += 2
        elif w in gz.titles or w in gz.honorifics or words[i] in gz.demonym or w in gz.modifiers:
            i += 1
        else:
            break
    rest = words[i:]
    if all(w.isupper() for w in rest if any(ch.isalpha() for ch in w)):  # "MICHAEL LEE", not "George HW Bush"
        rest = [_fix_case(w) for w in rest]
    return words[:i], rest


def _roles_from_chain(
    gz: Gazetteer, country_word: str | None, mods: str, title: str, org: str | None = None
) -> tuple[_Role, str | None]:
    """A role and a gender cue from the parts of a title chain."""
    iso = None
    if country_word:
        cw = country_word.rstrip("’'s").strip() if country_word not in gz.demonym else country_word
        iso = (
            gz.demonym.get(country_word)
            or gz.country_by_alias.get(cw)
            or gz.capitals.get(cw)
            or gz.place_country.get(cw)
        )
    mod_words = {w for w in re.split(r"[\s-]+", mods.lower()) if w}
    title_l = _norm_ws(title.lower())
    key = gz.titles.get(title_l, title_l)
    gender = gz.gender_words.get(title_l)
    return _Role(key=key, country=iso, former=bool(mod_words & gz.former), org=org), gender


class _Resolver:
    """Resolves one article; kept as a class only to share the per-article tables between steps."""

    def __init__(self, doc: Doc, authors: Sequence[str]) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.gz = gazetteer()
        self.pt = _patterns()
        self.authors = [a for a in (_norm_ws(a) for a in authors) if a]
        self.cands: list[_Cand] = []
        self.clusters: dict[str, _Cluster] = {}
        self.acronyms: dict[str, str] = {}  # "APEC" -> "Asia-Pacific Economic Cooperation"
        self.name_words: dict[str, bool] = {}  # first/last words of full names -> any non-author?
        # role phrases tied to a name by position ("his Chinese counterpart, Xi Jinping")
        self._role_mentions: list[tuple[int, int, _Cand]] = []
        self._dateline_places: list[tuple[int, int]] = []
        self._lower: np.ndarray | None = None  # (LOWER, IDX) per token, built on first use

    # -- step 1: spans
    def collect(self) -> None:
        text = self.text
        taken: list[tuple[int, int]] = []
        # Authors first: their byline/"Write to" mentions must not be split or mislabelled by NER
        # ("Jae-Young Han" comes out as NORP "Han").
        lowered = text.lower()
        for author in self.authors:
            # Most bylines are cut from the body by cleaning: skip the regex (compiled per author,
            # so it would miss re's cache every article) when a word of the name is not in the text.
            if author.isascii() and not all(w.lower() in lowered for w in author.split()):
                continue
            pat = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in author.split()) + r"(?!\w)"
            for m in re.finditer(pat, text, flags=re.IGNORECASE):
                self.cands.append(_Cand(m.start(), m.end(), "PERSON", author, author=True))
                taken.append((m.start(), m.end()))
        # Broadcast captions ("Ilse Brandt / Presidential Spokeswoman"): small NER tags the whole line as
        # one ORG; the name before the slash is a person, what follows a title or an organisation.
        for m in _CAPTION_LINE.finditer(text):
            name = _norm_ws(m.group("name"))
            if any(a < m.end() and m.start() < b for a, b in taken) or not _valid_person(name, self.gz):
                continue
            self.cands.append(_Cand(m.start("name"), m.end("name"), "PERSON", name))
            # the affiliation: "Norland Maritime Authority", "Ostholm Council" (of "Ostholm Council Leader")
            org = self.pt.org_name.search(text, m.start("rest"), m.end("rest"))
            if org:
                self.cands.append(
                    _Cand(org.start("name"), org.end("name"), "ORG", _norm_ws(org.group("name")))
                )
            taken.append((m.start(), m.end()))
        # "Asia-Pacific Economic Cooperation (APEC)": remember acronym definitions.
        for m in _ACRONYM_DEF.finditer(text):
            words, acr = m.group(1).split(), m.group(2)
            # the long form is the shortest run of trailing words whose capitals spell the acronym
            # ("During the Asia-Pacific Economic Cooperation (APEC)" -> the last three words)
            for k in range(1, len(words) + 1):
                if not words[-k][0].isupper():
                    continue
                initials = "".join(p[0] for w in words[-k:] for p in w.split("-") if p and p[0].isupper())
                if initials.upper() == acr.upper():
                    self.acronyms[acr] = " ".join(words[-k:])
                    break
        ents = list(self.doc.ents)  # each access of Doc.ents rebuilds the spans from all tokens
        ner_spans = [(e.start_char, e.end_char) for e in ents]
        for ent in ents:
            if ent.label_ not in KEEP_LABELS:
                continue
            s, e = _strip_span(text, ent.start_char, ent.end_char)
            if e - s < 2 or any(a < e and s < b for a, b in taken):
                continue
            if self._garbled(s, e, ent.label_):
                continue
            self.cands.append(self._typed(s, e, ent.label_))
        # "said the party's finance spokesman, Odd Vangen.": a name in apposition to a role phrase is a
        # person even where small NER saw nothing ("Odd" reads as an adjective).
        spans = [(c.start, c.end) for c in self.cands] + ner_spans
        for m in self._finditer_near(self.pt.role_name, _cue_words().title_end, before=110, after=70):
            s, e = m.start("name"), m.end("name")
            name = _norm_ws(m.group("name"))
            if name.split()[0].lower() in _LEADING_NOISE | {"the", "a", "an", "this", "that"}:
                continue  # "the spokesman, The Associated Press reported": a clause, not a name
            if not any(a < e and s < b for a, b in spans) and _valid_person(name, self.gz):
                self.cands.append(_Cand(s, e, "PERSON", name))
        self._names_ner_missed(text)
        # Country and place names small NER missed ("S.Korea and the U.S. held talks"): only
        # outside any NER span, so "Korea JoongAng Daily" or a person "Jordan" stay what NER said.
        spans = sorted([(c.start, c.end) for c in self.cands] + ner_spans)
        starts = [a for a, _ in spans]
        for m in self.pt.place.finditer(text):
            k = bisect_right(starts, m.start()) - 1
            if (k >= 0 and spans[k][1] > m.start()) or (k + 1 < len(spans) and spans[k + 1][0] < m.end()):
                continue
            self.cands.append(self._typed(m.start(), m.end(), "GPE"))

    def _finditer_near(
        self, pattern: re.Pattern[str], words: frozenset[str], before: int, after: int
    ) -> Iterator[re.Match[str]]:
        """``pattern``'s matches, searched only around the tokens whose lower-case form is in ``words`` (a
        scan of the whole text costs more than the rest of the step)."""
        if self._lower is None:
            self._lower = self.doc.to_array([LOWER, IDX])
        hits = np.nonzero(np.isin(self._lower[:, 0], _hashes(words)))[0]
        windows: list[tuple[int, int]] = []
        for i in hits:
            lo, hi = max(0, int(self._lower[i, 1]) - before), int(self._lower[i, 1]) + after
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        last = -1
        for lo, hi in windows:
            for m in pattern.finditer(self.text, lo, min(hi, len(self.text))):
                if m.start() >= last:
                    last = m.end()
                    yield m

    def _names_ner_missed(self, text: str) -> None:
        """Ships, organisations and dateline places that small NER tagged as something else or not at all,
        found by the same cues ``retype`` reads: "the tanker Baltic Dawn" (often a WORK_OF_ART), "Orvik Line
        said", "VALMORA, March 3 (MPA) -"."""
        spans = [(c.start, c.end) for c in self.cands if c.label in KEEP_LABELS]

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in spans)

        found: list[_Cand] = []
        for m in self._finditer_near(self.pt.vessel_name, _cue_words().vessel, before=30, after=90):
            s, e = _strip_span(text, m.start("name"), m.end("name"))
            if e - s > 2 and free(s, e):
                found.append(_Cand(s, e, "PRODUCT", _norm_ws(text[s:e]), fixed=True))
        for m in self.pt.org_name.finditer(text):
            s, e = m.start("name"), m.end("name")
            first = text[s : text.find(" ", s)].lower() if " " in text[s:e] else ""
            if first in ("the", "a", "an", "this", "that") or first in _LEADING_NOISE:
                s = s + len(first) + 1  # "The Bank of ..." at a sentence start
                while s < e and text[s].isspace():
                    s += 1
            if " " in text[s:e] and free(s, e):
                found.append(_Cand(s, e, "ORG", _norm_ws(text[s:e])))
        for m in DATELINE.finditer(text):
            for g in ("place", "region"):
                if m.group(g) and free(m.start(g), m.end(g)):
                    found.append(self._typed(m.start(g), m.end(g), "GPE"))
                    found[-1].name = _fix_case(found[-1].name)
            agency = re.search(r"\((?P<a>[A-Z][\w .&-]{1,30})\)", m.group(0))
            if agency and free(m.start() + agency.start("a"), m.start() + agency.end("a")):
                a_s, a_e = m.start() + agency.start("a"), m.start() + agency.end("a")
                found.append(_Cand(a_s, a_e, "ORG", text[a_s:a_e]))
        self.cands.extend(found)

    def _garbled(self, s: int, e: int, label: str) -> bool:
        """An NER span that is no name: "Dufresne invited Holt" (a clause) or a sentence-initial common noun
        ("Households should not ..."). The names inside a clause are found again as surnames."""
        if label == "PERSON":
            return False
        span = self.doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            return False
        if any(t.pos_ in ("VERB", "AUX") and t.text.islower() for t in span):
            return True
        if len(span) != 1 or span[0].pos_ != "NOUN" or span[0].tag_ != "NNS":
            return False
        tok = span[0]  # capitalised only because it opens the sentence (or a quote at its start)
        return all(t.is_punct for t in tok.doc[tok.sent.start : tok.i])

    def _typed(self, s: int, e: int, label: str) -> _Cand:
        """A candidate with its label checked against the gazetteers."""
        gz = self.gz
        surface = _norm_ws(self.text[s:e])
        if (
            " " not in surface
            and surface.isupper()
            and _fix_case(surface) in gz.country_by_alias.keys() | gz.place_country.keys()
        ):
            surface = _fix_case(surface)  # a dateline's "OTTAWA"
        if surface in gz.country_by_alias and label != "PERSON":
            return _Cand(
                s,
                e,
                "GPE",
                gz.country_name[gz.country_by_alias[surface]],
                country=gz.country_by_alias[surface],
            )
        if surface in gz.demonym and label in ("NORP", "GPE", "ORG", "LOC"):
            iso = gz.demonym[surface]
            return _Cand(s, e, "NORP", gz.demonym_name[iso], country=iso)
        if surface in gz.place_country and label != "PERSON":
            return _Cand(s, e, "GPE", surface, country=gz.place_country[surface])
        if surface in gz.regions:
            return _Cand(s, e, "LOC", gz.regions[surface])
        if surface in self.acronyms or surface in self.acronyms.values():
            return _Cand(s, e, "ORG", surface)
        if label == "PERSON":
            return _Cand(s, e, "PERSON", surface)
        return _Cand(s, e, label, _fix_case(surface) if len(surface) > 4 else surface)

    # -- step 1b: one type per name, from cues in the text
    def retype(self) -> None:
        """Settle the type of every name of the article from what the text says around it.

        Small NER labels one name PERSON, ORG and GPE in the same article and has no type for ships, so
        "the ferry Skarva Star" came out a person and "Holt invited him to Brennholm" made the capital a
        person. Every occurrence of a name votes with general cues (no names in any table):

        * ship: "the ferry/ship/vessel/carrier/tanker/MV X", "aboard (the) X" -> PRODUCT (OntoNotes' vehicles);
        * organisation: a last word such as "Sparebank", "Line", "Authority", "Institute" ("the X Line"), or a
          descriptor before it ("battery maker X", "the operator, X") -> ORG ("X Summit" -> EVENT);
        * person: a title, honorific, role apposition ("Holt's spokeswoman, X"; "X, a planetary scientist";
          "X, 54,") or a broadcast caption -> PERSON;
        * place: governed by "in/near/into/..." (or "to/from" after a word of movement), "the town of X", "its
          capital, X", a dateline, "X's president/economy", "X President Y", "Bank of X", "X harbour", or
          coordinated with a known country -> GPE (LOC where NER said LOC).

        Cues are tried in that order; names with none keep their majority NER label. A one-word name that is
        the first or last word of a person's full name is left to ``persons`` (it is that person).
        """
        text = self.text
        groups: dict[str, list[_Cand]] = {}
        for c in self.cands:
            if c.author or c.kind != "name" or c.country is not None or c.label not in _RETYPE_LABELS:
                continue
            groups.setdefault(c.name.lower(), []).append(c)
        if not groups:
            return
        place_of = Counter(m.group("name").lower() for m in self.pt.place_of.finditer(text))
        for m in DATELINE.finditer(text):
            for g in ("place", "region"):  # not the agency in parentheses
                if m.group(g):
                    self._dateline_places.append((m.start(g), m.end(g)))
        person_words: set[str] = set()
        decided: dict[str, tuple[str, bool]] = {}
        # full names first: a person's first and last words then say which one-word names are that person
        for key in sorted(groups, key=lambda k: -len(k.split())):
            cands = groups[key]
            single = " " not in key
            if single and key in person_words:
                continue  # "Holt" with "Maren Holt" in the article: ``persons`` makes it her
            label, fixed = self._vote(cands, place_of.get(key, 0))
            decided[key] = (label, fixed)
            if label == "PERSON" and not single:
                words = key.split()
                person_words.update((words[0], words[-1]))
        for key, (label, fixed) in decided.items():
            for c in groups[key]:
                if c.label == "PERSON" and label != "PERSON" and len(c.name) > 4:
                    c.name = _fix_case(c.name)
                c.label = label
                c.fixed = fixed

    def _vote(self, cands: list[_Cand], place_hint: int) -> tuple[str, bool]:
        """(label, settled by a cue) for all occurrences of one name; see ``retype``."""
        gz, pt, text = self.gz, self.pt, self.text
        words = cands[0].name.split()
        labels = Counter(c.label for c in cands)
        majority = labels.most_common(1)[0][0]
        vessel = org = person = False
        # place cues: "strong" ones name a place whatever NER said; "to/from" after a word of movement can
        # also govern a person ("sent a letter to Maren Holt"), and "X's president" or "X President Y" a
        # company ("Toyota President Akio Toyoda"), so they do not override NER's PERSON or ORG
        place = place_hint
        weak = 0
        if len(words) >= 2 and words[-1] in gz.org_heads | gz.event_heads:
            org = True
        cue = _cue_words()
        for c in cands:
            line_start = text.rfind("\n", 0, c.start) + 1
            left = text[max(line_start, c.start - 90) : c.start]
            right = text[c.end : c.end + 60]
            # the left-context patterns end at the name and are slow to search: run each only when one of
            # its words is among the last words before the name
            tail = set(_WORD.findall(left[-60:].lower())[-6:])
            if not vessel and (
                (tail & cue.vessel and pt.vessel_left.search(left))
                or words[0] in ("MV", "MS", "MT", "HMS", "USS", "RMS")
            ):
                vessel = True
            if not org and tail & cue.org and pt.org_left.search(left):
                org = True
            if not person and (
                (
                    tail & cue.title
                    and (
                        pt.left_title.search(left)
                        or pt.left_appos.search(left)
                        and re.match(r"\s*(?:[.,;:)\]]|$)", right)
                    )
                )
                or (tail & cue.honorific and pt.left_honorific.search(left))
                or (tail & cue.occupation and pt.occupation_left.search(left))
                or pt.right_appos.match(text, c.end, min(len(text), c.end + 160))
                or pt.occupation_right.match(right)
                or (not text[line_start : c.start].strip() and _CAPTION_LINE.match(text, line_start))
            ):
                person = True
            governed = self._governed_as_place(c)
            country_word = pt.country_right.match(right)
            if (
                (tail & cue.place and pt.place_left.search(left))
                or pt.place_right.match(right)
                or any(a <= c.start < b for a, b in self._dateline_places)
                or governed == "strong"
                or (country_word and not _COMPANY_TOO.search(country_word.group(0)))
            ):
                place += 1
            elif governed == "motion" or country_word:
                weak += 1
        if vessel:
            return "PRODUCT", True
        if org:
            return ("EVENT" if words[-1] in gz.event_heads else "ORG"), True
        if person:
            return "PERSON", True
        # weak cues outvote NER's ORG when they are at least half as many as its ORG labels, never a
        # full name NER saw as a person
        if (
            weak
            and not place
            and (
                (majority == "ORG" and weak * 2 < labels["ORG"]) or (majority == "PERSON" and len(words) > 1)
            )
        ):
            weak = 0
        if place or weak:
            return ("LOC" if labels["LOC"] + labels["FAC"] > labels["GPE"] + labels["ORG"] else "GPE"), True
        if len(labels) > 1 and labels["PERSON"] * 2 <= len(cands):
            # "Veltra" tagged ORG twice and PERSON once: the non-person reading wins
            return max((lb for lb in labels if lb != "PERSON"), key=lambda lb: labels[lb]), False
        return labels.most_common(1)[0][0], False

    def _governed_as_place(self, c: _Cand) -> str:
        """ "strong" when the name is the object of a locative preposition or coordinated with a known
        country, "motion" when it is the object of "to/from" after a word of movement, else ""."""
        span = self.doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None:
            return ""
        root = span.root
        head = root
        while head.dep_ == "conj" and head.head is not head:  # "in Seoul and Tokyo"
            head = head.head
        if head.dep_ == "pobj" and head.head.pos_ == "ADP":
            prep = head.head
            prep_lower = prep.lower_
            host = prep.head
            if (
                prep_lower in _PLACE_PREPS
                and host.lemma_.lower() not in _IN_NOT_PLACE
                and not any(ch.dep_ == "poss" for ch in root.children)
            ):
                return "strong"
            if prep_lower in _MOTION_PREPS and host.lemma_.lower() in _MOTION_LEMMAS:
                return "motion"
            if (
                prep_lower == "from"
                and host.pos_ == "NOUN"
                and (host.lemma_.lower() in self.gz.occupations or host.lemma_.lower() in _PEOPLE_NOUNS)
            ):
                return "strong"  # "a retired teacher from Hellevik", "a nurse from Ostholm": where they live
        for cj in [*root.conjuncts]:
            # "Trade between Canada and Norland": coordinated with a country of the gazetteer
            if _norm_ws(cj.text) in self.gz.country_by_alias.keys() | self.gz.place_country.keys():
                return "strong"
        return ""

    # -- step 2: person names, roles and label fixes
    def persons(self) -> None:
        gz = self.gz
        kept: list[_Cand] = []
        caps: list[_Cand] = []  # all-caps multi-word names: a headline or a byline?
        for c in self.cands:
            if c.label != "PERSON" or c.author:
                kept.append(c)
                continue
            if " " in c.name and c.name.isupper():
                caps.append(c)
            titles, words = _person_name(c.name.split(), gz)
            while words and words[0].lower() in _LEADING_NOISE:
                words = words[1:]
            name = " ".join(words)
            if not words or not _valid_person(name, gz):
                continue
            c.name = name
            if titles:  # "President Lee" inside the NER span
                c.roles.append(_roles_from_chain(gz, None, "", " ".join(titles))[0])
                for t in titles:
                    c.gender = c.gender or gz.honorifics.get(t.lower()) or gz.gender_words.get(t.lower())
            kept.append(c)
        # "LEE MEETS XI" is a headline tagged PERSON: keep an all-caps name only when the article
        # also writes it normally (bylines: "MICHAEL LEE"); its surnames are found again below.
        caps_ids = {id(c) for c in caps}
        known = {c.name.lower() for c in kept if c.label == "PERSON" and id(c) not in caps_ids}
        self.cands = [c for c in kept if id(c) not in caps_ids or c.name.lower() in known]
        # Surnames and given names of full-name persons (authors included, so that their tokens are
        # recognised, but authors are never merge targets: see cluster()).
        for c in self.cands:
            if c.label == "PERSON" and len(c.name.split()) >= 2:
                words = c.name.split()
                for w in (words[0], words[-1]):
                    self.name_words[w.lower()] = self.name_words.get(w.lower(), False) or not c.author
        # Single-token ORG/GPE/NORP spans that are the surname of a person of this article are that
        # person: small NER tags "Lee" as GPE in headlines and "Trump" as ORG.
        for c in self.cands:
            if (
                c.label != "PERSON"
                and c.country is None
                and not c.fixed
                and " " not in c.name
                and self.name_words.get(c.name.lower())
            ):
                c.label, c.name = "PERSON", _fix_case(c.name)
        self._add_missed_surnames()
        for c in self.cands:
            if c.label == "PERSON" and not c.author:
                self._title_chain(c)
        self.cands.sort(key=lambda c: c.start)

    def _add_missed_surnames(self) -> None:
        """Add surname tokens NER missed ("China's Xi agree", "LEE INVITES XI"): one pass over tokens."""
        if not self.name_words:
            return
        spans = sorted((c.start, c.end) for c in self.cands)
        j = 0
        for tok in self.doc:
            s = tok.idx
            while j < len(spans) and spans[j][1] <= s:
                j += 1
            if j < len(spans) and spans[j][0] <= s < spans[j][1]:
                continue
            w = tok.text
            if len(w) < 2 or not (w[0].isupper()) or not self.name_words.get(w.lower()):
                continue
            if tok.pos_ not in ("PROPN", "NOUN", "X") and not w.isupper():
                continue
            self.cands.append(_Cand(s, s + len(w), "PERSON", _fix_case(w)))

    def _title_chain(self, c: _Cand) -> None:
        """Roles from the title before the name, an apposition after it, or a caption line."""
        gz, pt, text = self.gz, self.pt, self.text
        line_start = text.rfind("\n", 0, c.start) + 1
        left = text[max(line_start, c.start - 90) : c.start]
        base = c.start - len(left)
        m = pt.left_honorific.search(left)
        if m:
            c.gender = c.gender or gz.honorifics.get(m.group("hon").lower())
            c.start = base + m.start("hon")
            left = left[: m.start("hon")]
        m = pt.left_title.search(left)
        if m:
            role, gender = _roles_from_chain(gz, m.group("country"), m.group("mods"), m.group("title"))
            c.roles.append(role)
            c.gender = c.gender or gender
            # The mention covers "Korean President Lee Jae-myung" but not "South Korea's" (a GPE of
            # its own) nor "newly elected".
            if m.group("country") and not m.group("poss"):
                c.start = base + m.start("country")
            elif m.group("mods") and not m.group("poss"):
                c.start = base + m.start("mods")  # "presidential spokesperson Kang", "former President Yoon"
            else:
                c.start = base + m.start("title")
        else:
            m = pt.left_appos.search(left)
            # "his Chinese counterpart, Xi Jinping." -- only when the name closes the phrase; in
            # "With the Chinese leader, Lee invited ..." the comma ends a clause instead.
            if m and re.match(r"\s*(?:[.,;:)\]]|$)", text[c.end : c.end + 3]):
                role, gender = _roles_from_chain(gz, m.group("country"), m.group("mods"), m.group("title"))
                possname = m.group("possname")
                if possname and role.country is None:
                    # "Norland's new president, Maren Holt": the role is of that country or organisation;
                    # "Holt's spokeswoman, Ilse Brandt" is tied to a person, who is no country
                    iso = gz.country_by_alias.get(possname) or gz.capitals.get(possname)
                    if iso:
                        role.country = iso
                    elif not self.name_words.get(possname.lower()):
                        role.org = possname
                c.roles.append(role)
                c.gender = c.gender or gender
                self._role_mentions.append((base + m.start("phrase"), base + m.end("phrase"), c))
        m = pt.right_appos.match(text, c.end, min(len(text), c.end + 160))
        if m:
            country_word = m.group("country") or (m.group("poss") or None)
            role, gender = _roles_from_chain(
                gz, country_word, m.group("mods"), m.group("title"), m.group("org")
            )
            if role.org:
                role.org = role.org.strip()
            c.roles.append(role)
            c.gender = c.gender or gender
            self._role_mentions.append((m.start("phrase"), m.end("phrase"), c))
        elif text[line_start : c.start].strip() == "" or c.start == line_start:
            m = pt.caption.match(text, c.end)
            if m:  # "Kang Yu-jung / Presidential Spokesperson"
                rest = m.group("rest")
                t = pt.title_word.search(rest)
                if t:
                    role, gender = _roles_from_chain(gz, None, "", t.group(0))
                    c.roles.append(role)
                    c.gender = c.gender or gender
                else:
                    c.roles.append(_Role(key="affiliated", org=rest.strip()))

    # -- step 3: clusters
    def cluster(self) -> None:
        persons = [c for c in self.cands if c.label == "PERSON"]
        canon = _canonical_keys({_name_key(c.name) for c in persons if len(c.name.split()) >= 2})
        full: dict[NameKey, _Cluster] = {}
        for c in persons:
            words = c.name.split()
            if len(words) < 2 and not c.author:
                continue
            nk = canon.get(_name_key(c.name), _name_key(c.name))
            key = ("author|" if c.author else "person|") + "|".join(nk)
            cl = self.clusters.setdefault(key, _Cluster(key=key, label="PERSON", author=c.author))
            if not c.author:
                full[nk] = cl
            c.key = key
            cl.positions.append(c.start)
        # first and last words of non-author full names: what a bare "Lee" or "Xi" can join
        by_word: dict[str, list[_Cluster]] = {}
        for (first, _, last), cl in full.items():
            for w in {first, last}:
                by_word.setdefault(w, []).append(cl)
        for c in persons:
            if c.key is not None:
                continue
            options = by_word.get(c.name.split()[0].lower(), []) if len(c.name.split()) == 1 else []
            if len(options) == 1:
                c.key = options[0].key
            elif options:
                before = [
                    (max(p for p in o.positions if p < c.start), o)
                    for o in options
                    if any(p < c.start for p in o.positions)
                ]
                if before:
                    c.key = max(before, key=lambda x: x[0])[1].key
                else:
                    c.key = min(options, key=lambda o: min(o.positions)).key
            else:
                key = "single|" + c.name.lower()
                self.clusters.setdefault(key, _Cluster(key=key, label="PERSON"))
                c.key = key
        for c in self.cands:
            if c.label == "PERSON":
                assert c.key is not None
                cl = self.clusters[c.key]
                cl.names.append(c.name)
                cl.roles.extend(c.roles)
                continue
            if c.label == "ORG":
                acr = (
                    c.name
                    if c.name in self.acronyms
                    else next((a for a, lf in self.acronyms.items() if lf == c.name), None)
                )
                key = f"ORG|{(acr or c.name).lower()}"
                cl = self.clusters.setdefault(key, _Cluster(key=key, label="ORG", acronym=acr))
                if acr:
                    cl.names.append(self.acronyms[acr])
            else:
                key = f"{c.label}|{c.name.lower()}"
                cl = self.clusters.setdefault(key, _Cluster(key=key, label=c.label, country=c.country))
            cl.names.append(c.name)
            c.key = key

    # -- step 4: definite role phrases
    def role_phrases(self) -> None:
        gz, text = self.gz, self.text
        person_spans = [
            (c.start, c.end)
            for c in self.cands
            if c.label == "PERSON" and not text.startswith(("’s", "'s"), c.end)
        ]
        holders = [cl for cl in self.clusters.values() if cl.label == "PERSON" and not cl.author]
        for m in self.pt.role_phrase.finditer(text):
            s, e = m.start(), m.end()
            possname = m.group("possname")
            if possname:
                s = m.start("possname")
            elif m.group("det"):
                s = m.start("det")
            # inside a person mention it is a title ("Korean President Lee"), not a role phrase
            if any(a < e and s < b for a, b in person_spans):
                continue
            if _PARTY.search(m.group("mods")):
                continue  # "the Democratic candidate": the party, not the role, tells who it is
            title_l = _norm_ws(m.group("title").lower())
            key = gz.titles.get(title_l, title_l)
            country_word = m.group("country")
            iso = None
            if country_word:
                iso = (
                    gz.demonym.get(country_word)
                    or gz.country_by_alias.get(country_word)
                    or gz.capitals.get(country_word)
                )
            if possname and possname in (gz.country_by_alias.keys() | gz.capitals.keys()):
                iso = iso or gz.country_by_alias.get(possname) or gz.capitals.get(possname)
            holder = self._holder(holders, key, iso)
            if holder is None:
                continue
            cand = _Cand(s, e, "PERSON", holder.names[0] if holder.names else "", kind="role", key=holder.key)
            cand.gender = gz.gender_words.get(title_l)
            self.cands.append(cand)
        for s, e, person in self._role_mentions:
            self.cands.append(_Cand(s, e, "PERSON", person.name, kind="role", key=person.key))
        self.cands.sort(key=lambda c: (c.start, -c.end))

    def _holder(self, holders: list[_Cluster], key: str, iso: str | None) -> _Cluster | None:
        """The unique person holding a (current) role that the phrase names."""
        gz = self.gz
        leader = key in ("leader", "counterpart")

        def fits(r: _Role) -> bool:
            if r.former:
                return False
            if leader:
                return r.key in gz.leader_roles or r.key == "counterpart"
            return r.key == key

        strong, weak = [], []
        for cl in holders:
            roles = [r for r in cl.roles if fits(r)]
            if not roles:
                continue
            countries = {r.country for r in cl.roles if r.country}
            if iso is None or iso in countries:
                strong.append(cl)
            elif not countries:
                weak.append(cl)
        if leader and iso is None:
            return None  # "the leader" alone names nobody in particular
        if len(strong) == 1:
            return strong[0]
        if not strong and len(weak) == 1:
            return weak[0]
        return None

    # -- step 5: output
    def build(self) -> tuple[list[Entity], list[Mention]]:
        gz, text = self.gz, self.text
        ids: dict[str, str] = {}
        entities: dict[str, Entity] = {}
        for key, cl in self.clusters.items():
            if not cl.names:
                continue
            ent = self._entity(cl)
            ids[key] = ent.id
            if ent.id in entities:  # two keys, one canonical name: merge
                _merge_into(entities[ent.id], ent)
            else:
                entities[ent.id] = ent
        mentions: list[Mention] = []
        for c in self.cands:
            if c.key is None or c.key not in ids:
                continue
            surface = _norm_ws(text[c.start : c.end])
            kind: MentionKind = c.kind
            if kind == "name" and c.label == "GPE" and c.name in gz.capitals and self._is_actor(c):
                kind = "metonym"
            mentions.append(
                Mention(text=text[c.start : c.end], start=c.start, end=c.end, entity_id=ids[c.key], kind=kind)
            )
            ent = entities[ids[c.key]]
            alias = surface
            if alias.endswith(("’s", "'s")):
                alias = alias[:-2]
            if kind == "role" and alias.startswith(("The ", "His ", "Her ", "Its ", "Their ")):
                alias = alias[0].lower() + alias[1:]  # sentence-initial "The Chinese leader"
            if alias and alias not in ent.aliases:
                ent.aliases.append(alias)
        return list(entities.values()), mentions

    def _entity(self, cl: _Cluster) -> Entity:
        gz = self.gz
        if cl.label == "PERSON":
            # canonical = the longest full name seen; ties go to the most frequent, then the first
            counts: dict[str, int] = {}
            for n in cl.names:
                counts[n] = counts.get(n, 0) + 1
            name = max(counts, key=lambda n: (len(n.split()), counts[n], -cl.names.index(n)))
            roles: list[str] = []
            country = None
            for r in cl.roles:
                if r.key in ("counterpart", "leader", "affiliated") and not r.country:
                    continue
                rs = _role_str(r.key if r.key != "counterpart" else "leader", r.country, r.org)
                if r.former:
                    rs = "former " + rs
                if rs not in roles:
                    roles.append(rs)
                if country is None and r.country and not r.former:
                    country = r.country
            if cl.author:
                roles.insert(0, AUTHOR_ROLE)
            ident = "person:" + slug(name)
            return Entity(id=ident, name=name, type="PERSON", aliases=[name], roles=roles, country=country)
        name = cl.names[0] if cl.label != "ORG" or not cl.acronym else self.acronyms[cl.acronym]
        ident_src = cl.acronym or name
        country = cl.country
        if cl.label == "GPE" and country is None:
            country = gz.country_by_alias.get(name) or gz.place_country.get(name)
        aliases = [name] + ([cl.acronym] if cl.acronym and cl.acronym != name else [])
        return Entity(
            id=f"{cl.label.lower()}:{slug(ident_src)}",
            name=name,
            type=cl.label,
            aliases=aliases,
            country=country,
        )

    def _is_actor(self, c: _Cand) -> bool:
        """Is a capital used as an actor (metonym) rather than as a place?"""
        before = self.text[max(0, c.start - 16) : c.start].lower()
        if any(before.endswith(cue) for cue in _PLACE_CUES):
            return False
        span = self.doc.char_span(c.start, c.end, alignment_mode="expand")
        if span is None:
            return True
        root = span.root
        head = root
        while head.dep_ == "conj" and head.head is not head:  # "in Seoul and Tokyo"
            head = head.head
        return not (head.dep_ == "pobj" and head.head.lower_ in _LOCATIVE_PREPS)


def _merge_into(target: Entity, other: Entity) -> None:
    for a in other.aliases:
        if a not in target.aliases:
            target.aliases.append(a)
    for r in other.roles:
        if r not in target.roles:
            target.roles.append(r)
    for a in other.article_ids:
        if a not in target.article_ids:
            target.article_ids.append(a)
    target.country = target.country or other.country


def resolve_entities(doc: Doc, authors: Sequence[str] = ()) -> tuple[list[Entity], list[Mention]]:
    """Entities of one article with canonical ids, and every mention of them (body offsets).

    ``authors`` are the article's reporters: their names are persons of their own (role "author")
    and never absorb another person's mentions. ``Entity.article_ids`` is left empty.
    Mentions do not overlap, except a role phrase with a possessive person in it
    ("Lee's spokeswoman" -> the spokesperson, with "Lee" -> Lee).
    """
    r = _Resolver(doc, authors)
    r.collect()
    r.retype()
    r.persons()
    r.cluster()
    r.role_phrases()
    r.cands = _drop_nested(r.cands, r.text)
    return r.build()


def _drop_nested(cands: list[_Cand], text: str) -> list[_Cand]:
    """Drop candidates inside a longer person mention ("Korean" in "Korean President Lee")."""
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start, -c.end)):
        if out and c.start < out[-1].end:
            prev = out[-1]
            # a role phrase keeps its possessor: "Lee's spokeswoman" holds "Lee", "Seoul's
            # presidential spokeswoman" holds "Seoul"; a demonym in it ("the Korean president") goes
            if prev.kind == "role" and c.end <= prev.end and text.startswith(("’s", "'s"), c.end):
                out.append(c)
            continue
        out.append(c)
    out.sort(key=lambda c: (c.start, -c.end))
    return out


# ---------------------------------------------------------------- gender (for pronoun speakers)


def entity_gender(entity: Entity) -> str | None:
    """ "m", "f" or None, from honorifics and gendered role words in the aliases, or a known given name."""
    gz = gazetteer()
    if entity.type != "PERSON":
        return None
    for alias in entity.aliases:
        low = alias.lower()
        first = low.split()[0] if low.split() else ""
        if first in gz.honorifics and gz.honorifics[first]:
            return gz.honorifics[first]
        for word, g in gz.gender_words.items():
            if whole_word_at(word, low) is not None:
                return g
    name = entity.name.lower()
    return gz.name_gender.get(name) or gz.name_gender.get(name.split()[0] if name else "")


def whole_word_at(word: str, text: str) -> int | None:
    """Where ``word`` first occurs in ``text`` as a whole word (no word character either side), else None."""
    if word not in text:  # the cheap test first: most words are not there
        return None
    m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    return m.start() if m else None


# ---------------------------------------------------------------- countries


def country_of(entity: Entity) -> str | None:
    """ISO3 of a GPE/NORP (Seoul -> KOR, "Korean" -> KOR) or of a person's current role country."""
    if entity.country:
        return entity.country
    gz = gazetteer()
    if entity.type in ("GPE", "LOC", "NORP", "ORG"):
        for name in [entity.name, *entity.aliases]:
            iso = gz.country_by_alias.get(name) or gz.place_country.get(name) or gz.demonym.get(name)
            if iso:
                return iso
    return None


# ---------------------------------------------------------------- across articles


class LinkedEntities(dict[str, Entity]):
    """``link_entities``' result: canonical id -> merged Entity, plus how ids were re-mapped.

    ``remap[article_id][old_id] == new_id`` for every id of that article that was linked to another
    one (only changed ids are listed). Use ``canonical_id(article_id, old_id)`` to rewrite a mention's
    or quote's ``entity_id``. The remap is per article because a bare "Lee" (``person:lee``) can be a
    different Lee in another article.
    """

    def __init__(self) -> None:
        super().__init__()
        self.remap: dict[str, dict[str, str]] = {}

    def canonical_id(self, article_id: str, entity_id: str) -> str:
        return self.remap.get(article_id, {}).get(entity_id, entity_id)


def link_entities(
    per_article: dict[str, list[Entity]], stable_ids: Collection[str] = (), common_words: Collection[str] = ()
) -> LinkedEntities:
    """Merge entities across articles: same id -> one entity (aliases, roles, article ids unioned).

    Persons: full names with the same first and last word are one person ("Donald J. Trump" and
    "Donald Trump"); the id kept is that of the longest name (ties: the smallest id), so the result
    does not depend on ingestion order. A one-word person ("Xi") links to the unique non-author
    full-name person whose first or last word it is; with several candidates, role/country overlap
    decides, else it stays unlinked. ORGs sharing an alias (e.g. "APEC") are merged too.
    ``stable_ids`` (ids already stored) win over new ones, so stored ids never change. A one-word
    person whose (lower-case) word is in ``common_words`` stays unlinked: too many people bear it.
    """
    result = LinkedEntities()
    common_words = {w.lower() for w in common_words}  # the store lower-cases ASCII only
    # 1. full-name person groups
    full_names = [
        e
        for ents in per_article.values()
        for e in ents
        if e.type == "PERSON" and len(e.name.split()) >= 2 and AUTHOR_ROLE not in e.roles
    ]
    canon = _canonical_keys({_name_key(e.name) for e in full_names})
    groups: dict[NameKey, list[Entity]] = {}
    for e in full_names:
        groups.setdefault(canon[_name_key(e.name)], []).append(e)
    group_id: dict[NameKey, str] = {}
    for nk, ents in groups.items():
        best = max(
            ents,
            key=lambda e: (e.id in stable_ids, len(e.name.split()), len(e.name), [-ord(ch) for ch in e.id]),
        )
        group_id[nk] = best.id
    seen_in: dict[NameKey, set[str]] = {}
    for article_id, ents in per_article.items():
        for e in ents:
            if e.type == "PERSON" and len(e.name.split()) >= 2 and AUTHOR_ROLE not in e.roles:
                seen_in.setdefault(canon[_name_key(e.name)], set()).add(article_id)
    group_articles = {nk: len(arts) for nk, arts in seen_in.items()}
    by_word: dict[str, list[NameKey]] = {}
    for nk in groups:
        for w in {nk[0], nk[2]}:
            by_word.setdefault(w, []).append(nk)
    # A one-word "person" that another article knows as a place or organisation ("Brennholm", tagged PERSON
    # in one article, is the capital elsewhere) is a typing error: it never joins a full name by that name's
    # first word ("Brennholm Sparebank"), so a place is never merged into a person. Surnames still link
    # ("Holt" -> "Maren Holt" even where one article mistyped "Holt").
    not_person_words = {
        e.name.lower()
        for ents in per_article.values()
        for e in ents
        if e.type in ("GPE", "LOC", "FAC", "ORG", "PRODUCT") and " " not in e.name
    }
    # 2. ORG alias union
    org_of_alias: dict[str, str] = {}
    org_parent: dict[str, str] = {}

    def find(x: str) -> str:
        while org_parent.get(x, x) != x:
            x = org_parent[x]
        return x

    for ents in per_article.values():
        for e in ents:
            if e.type != "ORG":
                continue
            org_parent.setdefault(e.id, e.id)
            for a in e.aliases:
                k = a.lower()
                if len(k) < 2:
                    continue
                if k in org_of_alias:
                    ra, rb = find(org_of_alias[k]), find(e.id)
                    if ra != rb:
                        lo, hi = sorted((ra, rb))
                        org_parent[hi] = lo
                else:
                    org_of_alias[k] = e.id
    # 3. per-article remap and merge
    for article_id in sorted(per_article):
        remap: dict[str, str] = {}
        for e in per_article[article_id]:
            new = e.id
            if e.type == "PERSON" and AUTHOR_ROLE not in e.roles:
                words = e.name.split()
                if len(words) >= 2:
                    new = group_id.get(canon.get(_name_key(e.name), _name_key(e.name)), e.id)
                else:
                    w = words[0].lower() if words else ""
                    options = [] if w in common_words else [
                        nk for nk in by_word.get(w, []) if nk[2] == w or w not in not_person_words]
                    if len(options) > 1:
                        mine = set(e.roles) | ({e.country} if e.country else set())
                        shared = [
                            nk
                            for nk in options
                            if mine & {x for g in groups[nk] for x in [*g.roles, g.country] if x}
                        ]
                        options = shared or options
                    if len(options) > 1:
                        # "Obama" with Barack Obama in 28 articles and Michelle Obama in 2: a name
                        # that dominates (3x the articles of the next) wins
                        ranked = sorted(options, key=lambda nk: -group_articles[nk])
                        if group_articles[ranked[0]] >= 3 * group_articles[ranked[1]]:
                            options = ranked[:1]
                if len(words) < 2 and len(options) == 1:
                    new = group_id[options[0]]
            elif e.type == "ORG":
                new = find(e.id)
            if new != e.id:
                remap[e.id] = new
            merged = result.get(new)
            if merged is None:
                merged = Entity(
                    id=new, name=e.name, type=e.type, aliases=[], article_ids=[], country=e.country, roles=[]
                )
                result[new] = merged
            # the canonical name is the longest full name seen anywhere
            if e.type == "PERSON" and len(e.name.split()) > len(merged.name.split()):
                merged.name = e.name
            _merge_into(merged, e)
            if article_id not in merged.article_ids:
                merged.article_ids.append(article_id)
        if remap:
            result.remap[article_id] = remap
    for e in result.values():
        if e.name in e.aliases:
            e.aliases.remove(e.name)
        e.aliases.insert(0, e.name)
    return result

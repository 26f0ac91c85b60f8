"""Regression test of the extract stage on the sample corpus against examples/expected.json.

Every article of examples/corpus is read as the pipeline reads it (``newsweave.ingest.iter_inputs``), cleaned
(``newsweave.clean.clean``), extracted once (``newsweave.extract.extract``, one spaCy pass per article) and its
entities linked across the batch (``link_extractions``). The tests then compare with the ground truth:

* every expected quote: its speaker (None for anonymous or document speakers), direct or reported, its cue;
* every expected event of a story in every article that reports it: PLOVER type, actors and date (the call's
  date always; other acts never carry a wrong date, and are left undated where the text gives none);
* background calls the README lists as facts (Holt's calls with Canada on 6 March and Finland on 9 March);
* every expected time expression and its value;
* entity types: ships, places, banks and companies are never persons; linking never merges a place with a
  person or an organisation;
* quantities: a rate ("38,000 tonnes of salmon a year") is no duration; equal amounts written differently
  compare equal.

The corpus is fiction (Norland and everyone in it): the names below are test data, never lookup tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from newsweave.clean import clean
from newsweave.extract import extract, link_extractions
from newsweave.extract.quantities import compatible
from newsweave.ingest import iter_inputs
from newsweave.records import Article, ArticleExtraction, Entity, Event, Quantity, Quote, RawDocument

CORPUS = EXAMPLES / "corpus"
TRUTH: dict[str, Any] = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
ARTICLES: dict[str, dict[str, Any]] = TRUTH["articles"]
STORIES: dict[str, dict[str, Any]] = TRUTH["stories"]

A = "norland-herald/2026-03-11-holt-arai-call.txt"
B = "nbn-news/2026-03-11-holt-arai-phone-talks.txt"
C = "tokyo-courier/2026-03-10-arai-holt-phone-talks.html"
D = "feeds/newswire-2026-03.jsonl#L3"
E = "feeds/newswire-2026-03.jsonl#L1"
G = "harbour-gazette/2026-03-12-skarva-star-ferry-fire.txt"
H = "feeds/newswire-2026-03.jsonl#L4"
I = "nbn-news/2026-03-12-skarva-star-investigation.txt"  # noqa: E741 (the README's letter)
J = "norland-herald/2026-03-12-bank-of-norland-rate-rise.txt"
K = "feeds/newswire-2026-03.jsonl#L5"

Extracted = dict[str, tuple[Article, ArticleExtraction]]


def corpus_key(doc: RawDocument) -> str:
    """The expected.json key: the path under examples/corpus, plus "#L<line>" for a feed row."""
    relative = Path(doc.path).resolve().relative_to(CORPUS.resolve()).as_posix()
    return f"{relative}#L{doc.line}" if doc.line is not None else relative


@pytest.fixture(scope="module")
def corpus() -> Extracted:
    keys: list[str] = []
    articles: list[Article] = []
    for item in iter_inputs([CORPUS]):
        assert isinstance(item, RawDocument), f"ingest error: {item}"
        keys.append(corpus_key(item))
        articles.append(clean(item))
    extractions = list(extract(articles))
    link_extractions(extractions, [])
    return {k: (a, ex) for k, a, ex in zip(keys, articles, extractions, strict=True)}


@pytest.fixture(scope="module")
def person_country(corpus: Extracted) -> dict[str, str]:
    """Person name -> country, from the linked entities of the whole batch (Arai -> JPN even in the article
    that only calls him "Prime Minister Daisuke Arai")."""
    out: dict[str, str] = {}
    for _, ex in corpus.values():
        for e in ex.entities:
            if e.type == "PERSON" and e.country:
                out.setdefault(e.name, e.country)
    return out


def _entity(ex: ArticleExtraction, entity_id: str | None) -> Entity | None:
    return next((e for e in ex.entities if e.id == entity_id), None)


def test_every_article_is_extracted(corpus: Extracted) -> None:
    assert sorted(corpus) == sorted(ARTICLES)
    for key, (_, ex) in corpus.items():
        assert ex.extracted, key
        assert ex.sentences and ex.entities, key


# ---------------------------------------------------------------- quotes


def _quote_cases() -> Iterable[Any]:
    for story, s in STORIES.items():
        for q in s["quotes"]:
            label = f"{story}:{q['article'].split('/')[-1][:24]}:{q['speaker']}:{q['text_contains'][:20]}"
            yield pytest.param(q, id=label)


@pytest.mark.parametrize("want", list(_quote_cases()))
def test_quote_and_speaker(corpus: Extracted, want: dict[str, Any]) -> None:
    _, ex = corpus[want["article"]]
    found = [q for q in ex.quotes if want["text_contains"] in q.text and q.direct == want["direct"]]
    assert found, (want, [(q.speaker, q.direct, q.text[:60]) for q in ex.quotes])
    speaker = want["speaker"]

    def right(q: Quote) -> bool:
        if speaker is None:  # anonymous official, a readout: no named entity is the speaker
            return q.speaker_entity_id is None
        entity = _entity(ex, q.speaker_entity_id)
        if q.speaker != speaker or entity is None or entity.name != speaker:
            return False
        # "said that" -> cue "said" with "that ..." content; "according to" as is
        return "cue" not in want or q.cue in (want["cue"], want["cue"].split()[0])

    assert any(right(q) for q in found), (want, [(q.speaker, q.speaker_entity_id, q.cue) for q in found])


def test_speakers_are_typed(corpus: Extracted) -> None:
    """A named quote speaker is a person, except an organisation's statement (Nordvik Line, in H)."""
    for story in STORIES.values():
        for want in story["quotes"]:
            if want["speaker"] is None:
                continue
            _, ex = corpus[want["article"]]
            entity = next(e for e in ex.entities if e.name == want["speaker"])
            assert entity.type == ("ORG" if want["speaker"] == "Nordvik Line" else "PERSON"), entity


# ---------------------------------------------------------------- events


def _side_ok(got: str, got_country: str | None, want: str, person_country: dict[str, str]) -> bool:
    """The expected person, or the country they lead when the text names the country ("press Tokyo to lift
    its ban" for "Holt asked Arai to lift the ban")."""
    return got == want or (
        got_country is not None
        and got_country == person_country.get(want)
        and got != want
        and got not in person_country
    )


def _matches(ev: Event, want: dict[str, Any], person_country: dict[str, str]) -> bool:
    if ev.plover != want["plover"] or ev.actor2 is None:
        return False
    one = (ev.actor1, ev.actor1_country), (ev.actor2, ev.actor2_country)
    w1, w2 = want["actor1"], want["actor2"]
    forward = _side_ok(*one[0], w1, person_country) and _side_ok(*one[1], w2, person_country)
    if want["plover"] in ("CONSULT", "AGREE"):  # symmetric: "A and B spoke"
        backward = _side_ok(*one[0], w2, person_country) and _side_ok(*one[1], w1, person_country)
        return forward or backward
    return forward


def _event_cases() -> Iterable[Any]:
    for story, s in STORIES.items():
        for n, ev in enumerate(s["events"]):
            for article in ev["articles"]:
                label = f"{story}:{n}:{ev['plover']}:{article.split('/')[-1][:24]}"
                yield pytest.param(ev, article, id=label)


@pytest.mark.parametrize(("want", "article"), list(_event_cases()))
def test_story_event(
    corpus: Extracted, person_country: dict[str, str], want: dict[str, Any], article: str
) -> None:
    _, ex = corpus[article]
    found = [ev for ev in ex.events if _matches(ev, want, person_country)]
    assert found, (want, [(e.plover, e.actor1, e.actor2, e.date) for e in ex.events])
    if want["plover"] == "CONSULT":
        assert want["date"] in {ev.date for ev in found}, [(e.actor1, e.actor2, e.date) for e in found]
    else:
        # an act is dated by its own sentence or by the call it was made in; never by another date nearby
        # ("invited Arai to a summit in June", "Holt, who took office on March 2, ...")
        assert all(ev.date in (None, want["date"]) for ev in found), [
            (e.sentence[:60], e.date) for e in found
        ]
    if want.get("mode") == "telephone" and article != "maple-standard/2026-03-06-dufresne-holt-call.html":
        assert any(ev.mode == "phone" for ev in found), found  # F never says "phone"


# Holt's earlier calls, background facts of the main story (README: "Holt spoke with Canada's prime minister
# (Claire Dufresne) on Friday, 6 March" / "... Finland's prime minister (Anneli Korpela) on Monday, 9 March").
BACKGROUND_CALLS = [
    (A, "Claire Dufresne", "2026-03-06"),
    (A, "Anneli Korpela", "2026-03-09"),
    (B, "CAN", "2026-03-06"),  # "the Canadian prime minister", never named in B
    (C, "CAN", "2026-03-06"),  # "the leaders of Canada and Finland on Friday and Monday, respectively"
    (C, "FIN", "2026-03-09"),
    (D, "Claire Dufresne", "2026-03-06"),
    (D, "Anneli Korpela", "2026-03-09"),
]


@pytest.mark.parametrize(("article", "other", "day"), BACKGROUND_CALLS)
def test_background_calls(corpus: Extracted, article: str, other: str, day: str) -> None:
    _, ex = corpus[article]
    calls = [
        ev
        for ev in ex.events
        if ev.plover == "CONSULT" and "Maren Holt" in (ev.actor1, ev.actor2) and ev.date == day
    ]
    assert any(other in (ev.actor1, ev.actor2, ev.actor1_country, ev.actor2_country) for ev in calls), [
        (e.actor1, e.actor2, e.date) for e in ex.events if e.plover == "CONSULT"
    ]


def test_the_two_leaders_are_the_leaders(corpus: Extracted) -> None:
    """ "The conversation between the two leaders" (B), "Kameda said that the two leaders had also agreed"
    (C): the two holders of leader roles, never the reporter or the spokesperson who tells it."""
    leaders = {"Maren Holt", "Daisuke Arai", "Claire Dufresne"}
    seen = 0
    for _, ex in corpus.values():
        for ev in ex.events:
            if "two leaders" in ev.sentence:
                seen += 1
                assert {ev.actor1, ev.actor2} <= leaders, ev
    assert seen >= 5


def test_no_author_or_dateline_acts(corpus: Extracted) -> None:
    """Reporters (bylines) and the place of a dateline ("BRENNHOLM, March 10 (MPA) -") are no actors."""
    for key, (article, ex) in corpus.items():
        authors = set(article.authors)
        for ev in ex.events:
            assert ev.actor1 not in authors and ev.actor2 not in authors, (key, ev)
            assert ev.actor1 not in ("Brennholm", "Ottawa", "Kvarnsund", "Tarnvik"), (key, ev)


def test_trade_is_no_aid(corpus: Extracted) -> None:
    """ "Norland shipped about 38,000 tonnes of salmon a year to Japan" reports trade, not aid (CAMEO 07)."""
    _, ex = corpus[D]
    assert not [ev for ev in ex.events if ev.plover == "AID"]


# ---------------------------------------------------------------- time expressions


@pytest.mark.parametrize("key", sorted(k for k, w in ARTICLES.items() if w.get("timexes")))
def test_timex_values(corpus: Extracted, key: str) -> None:
    article, ex = corpus[key]
    wrong = []
    for want in ARTICLES[key]["timexes"]:
        start = article.body.find(want["text"])
        assert start >= 0, want
        end = start + len(want["text"])
        values = [t.value for t in ex.timexes if t.start < end and start < t.end]
        # a TIME value ("2026-03-10TEV", "2026-03-10T18:30") is on the expected day
        if not any(v == want["value"] or v.startswith(want["value"] + "T") for v in values):
            wrong.append((want, values))
    assert not wrong


def test_rates_are_sets_not_durations(corpus: Extracted) -> None:
    """ "38,000 tonnes of salmon a year" (D), "hundreds of millions of crowns a year" (A), "roughly 520 crowns
    more a month" (J): frequencies, a TIMEX SET at most, never a duration quantity."""
    for key, phrase in ((D, "salmon a year"), (A, "crowns a year"), (J, "crowns more a month")):
        article, ex = corpus[key]
        at = article.body.index(phrase) + len(phrase) - len("a year")
        assert not [q for q in ex.quantities if q.kind == "duration" and q.start <= at < q.end], key
        sets = [t for t in ex.timexes if t.start <= at < t.end]
        assert all(t.type == "SET" for t in sets), sets
    _, ex = corpus[D]
    assert any(t.type == "SET" and t.value == "P1Y" for t in ex.timexes)


def test_ordinal_second_is_no_duration(corpus: Extracted) -> None:
    """ "Veltra needs a second big customer": an ordinal."""
    _, ex = corpus["northline-review/2026-03-09-veltra-kvarnsund-battery-plant.html"]
    assert not [q for q in ex.quantities if q.unit == "second"]
    assert not [t for t in ex.timexes if t.value == "PT1S"]


# ---------------------------------------------------------------- quantities


def _quantity(corpus: Extracted, key: str, text: str) -> Quantity:
    _, ex = corpus[key]
    got = [q for q in ex.quantities if q.text == text]
    assert len(got) == 1, [q.text for q in ex.quantities]
    return got[0]


def test_quantities_compare_across_wordings(corpus: Extracted) -> None:
    rise_j = _quantity(corpus, J, "0.25 percentage points")
    rise_k = _quantity(corpus, K, "25 basis points")
    assert compatible(rise_j, rise_k) and rise_k.unit == "percentage point"
    damage_g = _quantity(corpus, G, "about 30 million crowns")
    damage_i = _quantity(corpus, I, "45 million crowns")
    assert damage_g.kind == damage_i.kind == "money" and not compatible(damage_g, damage_i)
    assert compatible(_quantity(corpus, A, "40-minute"), _quantity(corpus, B, "about 40 minutes"))
    alarm = _quantity(corpus, G, "a quarter of an hour")
    assert (alarm.kind, alarm.value, alarm.unit) == ("duration", 15.0, "minute")
    unemployment = _quantity(corpus, K, "4.6%")  # "has edged up to 4.6%": no "up to" (at most)
    assert unemployment.approx == "exact"


# ---------------------------------------------------------------- entities

# Names in the corpus that are not people, with what they are.
NOT_PEOPLE = {
    "Skarva Star": "ship",
    "Ostholm Pride": "ship",
    "Nordvik Line": "ferry operator",
    "Brennholm Sparebank": "bank",
    "Fjordbank": "bank",
    "Bank of Norland": "central bank",
    "Veltra": "company",
    "Veltra Cells": "company",
    "Haverkamp": "company",
    "Brennholm": "capital",
    "Norland": "country",
    "Tarnvik": "town",
    "Ostholm": "island",
    "Kvarnsund": "town",
    "Hellevik": "town",
    "MPA": "news agency",
}


def test_ships_places_and_banks_are_not_people(corpus: Extracted) -> None:
    for key, (_, ex) in corpus.items():
        for e in ex.entities:
            if e.type == "PERSON":
                assert e.name not in NOT_PEOPLE, (key, e)
                assert not set(e.aliases) & set(NOT_PEOPLE), (key, e)


@pytest.mark.parametrize(
    ("key", "name", "kind"),
    [
        (G, "Skarva Star", "PRODUCT"),  # "the ferry Skarva Star"
        (I, "Skarva Star", "PRODUCT"),  # "went aboard the ferry Skarva Star"
        (H, "Ostholm Pride", "PRODUCT"),  # "the company's ferry Ostholm Pride"
        (J, "Brennholm Sparebank", "ORG"),
        (J, "Brennholm", "GPE"),  # "a news conference in Brennholm"
        (B, "Brennholm", "GPE"),  # "Holt invited him to Brennholm"
        (C, "Brennholm", "GPE"),  # "its capital, Brennholm"
        (E, "Brennholm", "GPE"),  # "Diplomats in Brennholm said"
        (G, "Brennholm", "GPE"),  # "due to arrive from Brennholm"
        (G, "Nordvik Line", "ORG"),
        (H, "Nordvik Line", "ORG"),
        (I, "Nordvik Line", "ORG"),
        (K, "Norland", "GPE"),  # "Norland's central bank", "inflation in Norland"
        (C, "Norland", "GPE"),  # "Norland's new president"
        (C, "Maren Holt", "PERSON"),  # "Norland's new president, Maren Holt" (NER: ORG)
        (E, "Maren Holt", "PERSON"),
        (J, "Odd Vangen", "PERSON"),  # "the party's finance spokesman, Odd Vangen" (NER: nothing)
        ("feeds/newswire-2026-03.jsonl#L6", "Rafael Ibarrola", "PERSON"),  # ", a planetary scientist"
        (B, "Ilse Brandt", "PERSON"),  # caption "Ilse Brandt / Presidential Spokeswoman" (NER: one ORG)
        (I, "Sigrid Aal", "PERSON"),
        (I, "Jon Skarstad", "PERSON"),
    ],
)
def test_entity_type(corpus: Extracted, key: str, name: str, kind: str) -> None:
    _, ex = corpus[key]
    got = [e.type for e in ex.entities if e.name == name]
    assert got == [kind], (name, [(e.name, e.type) for e in ex.entities])


def test_norland_is_a_country_wherever_the_text_says_so(corpus: Extracted) -> None:
    """Only A and B name Norland with no cue at all ("a ban on Norland salmon"): NER's ORG stays there."""
    typed = {key: [e.type for e in ex.entities if e.name == "Norland"] for key, (_, ex) in corpus.items()}
    assert all(t in ([], ["GPE"], ["ORG"]) for t in typed.values()), typed
    assert {key for key, t in typed.items() if t == ["ORG"]} <= {A, B}


def test_linking_keeps_places_apart(corpus: Extracted) -> None:
    """One id is one thing of one type across the batch; the capital is never merged into a person or the
    bank named after it."""
    types: dict[str, set[str]] = {}
    for _, ex in corpus.values():
        for e in ex.entities:
            types.setdefault(e.id, set()).add(e.type)
    assert all(len(t) == 1 for t in types.values()), {i: t for i, t in types.items() if len(t) > 1}
    assert types["gpe:brennholm"] == {"GPE"}
    assert types["org:brennholm-sparebank"] == {"ORG"}
    article, ex = corpus[B]
    at = article.body.index("to Brennholm") + 3
    mention = next(m for m in ex.mentions if m.start == at)
    assert mention.entity_id == "gpe:brennholm"


def test_leader_roles(corpus: Extracted) -> None:
    """Appositions give roles: "Norland's new president, Maren Holt"; "Holt's spokeswoman, Ilse Brandt"."""
    _, ex = corpus[C]
    holt = next(e for e in ex.entities if e.name == "Maren Holt")
    assert any(r.startswith("president") for r in holt.roles)
    _, ex = corpus[E]
    brandt = next(e for e in ex.entities if e.name == "Ilse Brandt")
    assert "spokesperson" in brandt.roles

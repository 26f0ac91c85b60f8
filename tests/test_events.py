"""Political event coding (extract/events.py): PLOVER type, CAMEO code, actors, dates."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave.extract.events import (
    cameo_info,
    code_events,
    code_events_detailed,
    code_sentence,
    fallback_mentions,
    fallback_timexes,
    quad_class,
)
from newsweave.extract.nlp import load_nlp
from newsweave.records import Entity, Event, Mention, Timex

ANCHORS = {
    SEED_HANKYUNG: "2025-06-10",
    SEED_KBS: "2025-06-11T15:46:00+09:00",
    SEED_JOONGANG: "2025-06-10T18:45:00+09:00",
}


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _one(events: list[Event], plover: str) -> Event:
    got = [e for e in events if e.plover == plover]
    assert len(got) == 1, events
    return got[0]


def _pair(e: Event) -> set[str]:
    return {e.actor1.split()[-1] if " " in e.actor1 else e.actor1, (e.actor2 or "").split()[-1]}


def _has_call(events: list[Event], a: str, b: str, day: str) -> bool:
    """A CONSULT between two persons (matched on a name part) on a date."""
    for e in events:
        names = {e.actor1, e.actor2 or ""}
        if (
            e.plover == "CONSULT"
            and e.date == day
            and any(a in n for n in names)
            and any(b in n for n in names)
        ):
            return True
    return False


def _seed_events(nlp, path) -> list[Event]:  # noqa: ANN001
    if not path.exists():
        pytest.fail(f"seed article missing: {path}")
    doc = nlp(path.read_text(encoding="utf-8"))
    entities, mentions = fallback_mentions(doc)
    anchor = ANCHORS[path]
    return code_events(doc, entities, mentions, fallback_timexes(doc, anchor), anchor)


# ---------------------------------------------------------------- the three seed articles ("Done when")


@pytest.mark.parametrize(
    "seed", [SEED_HANKYUNG, SEED_KBS, SEED_JOONGANG], ids=["hankyung", "kbs", "joongang"]
)
def test_seed_lee_xi_call_is_consult_on_june_10(nlp, seed) -> None:  # noqa: ANN001
    events = _seed_events(nlp, seed)
    assert _has_call(events, "Lee", "Xi", "2025-06-10"), [e for e in events if e.plover == "CONSULT"]


@pytest.mark.parametrize("seed", [SEED_HANKYUNG, SEED_JOONGANG], ids=["hankyung", "joongang"])
def test_seed_trump_and_ishiba_calls(nlp, seed) -> None:  # noqa: ANN001
    events = _seed_events(nlp, seed)
    assert _has_call(events, "Lee", "Trump", "2025-06-06"), [e for e in events if e.plover == "CONSULT"]
    assert _has_call(events, "Lee", "Ishiba", "2025-06-09"), [e for e in events if e.plover == "CONSULT"]


def test_seed_calls_have_countries_and_phone_mode(nlp) -> None:  # noqa: ANN001
    events = _seed_events(nlp, SEED_JOONGANG)
    calls = [
        e
        for e in events
        if e.plover == "CONSULT" and e.date == "2025-06-10" and e.actor2 and "Xi" in e.actor2
    ]
    assert calls
    assert any(e.mode == "phone" and e.cameo == "041" for e in calls)
    assert all(e.actor2_country == "CHN" for e in calls)
    assert any(e.actor1_country == "KOR" for e in calls)


def test_seed_invitation_urging_and_congratulation(nlp) -> None:  # noqa: ANN001
    events = _seed_events(nlp, SEED_JOONGANG)
    invite = [
        e
        for e in events
        if e.cameo == "026" and e.actor1.startswith("Lee") and (e.actor2 or "").startswith("Xi")
    ]
    assert invite and invite[0].plover == "REQUEST" and invite[0].mode == "meet"
    urge = [e for e in events if e.plover == "REQUEST" and e.trigger == "urged"]
    assert urge and urge[0].actor1.startswith("Lee") and urge[0].actor2_country == "CHN"
    congrats = [e for e in events if e.plover == "SUPPORT" and e.cameo == "051"]
    assert congrats and congrats[0].actor1.startswith("Xi") and congrats[0].actor2.startswith("Lee")
    # "During the call, Xi congratulated Lee": the call's date
    assert congrats[0].date == "2025-06-10"
    # "the pair did not discuss China's unofficial ban": negated, not coded
    assert not [e for e in events if "did not discuss" in e.sentence]


def test_seed_relative_date_a_day_after(nlp) -> None:  # noqa: ANN001
    """ "Lee's chat with Xi comes a day after he had a phone call with ... Ishiba": the Xi call is on Tuesday."""
    events = code_events_detailed(*_parse_with_fallback(nlp, SEED_HANKYUNG))
    ishiba = [ce for ce in events if ce.event.actor2 == "Shigeru Ishiba" and ce.event.plover == "CONSULT"]
    assert ishiba and ishiba[0].event.date == "2025-06-09" and ishiba[0].date_source == "relative"


def _parse_with_fallback(nlp, path):  # noqa: ANN001, ANN202
    doc = nlp(path.read_text(encoding="utf-8"))
    entities, mentions = fallback_mentions(doc)
    return doc, entities, mentions, fallback_timexes(doc, ANCHORS[path]), ANCHORS[path]


# ---------------------------------------------------------------- hand-built inputs (independent of fallbacks)


def _timex(text: str, phrase: str, value: str) -> Timex:
    start = text.index(phrase)
    return Timex(text=phrase, start=start, end=start + len(phrase), type="DATE", value=value)


def test_hand_built_timex_dates_the_call(nlp) -> None:  # noqa: ANN001
    text = "On Tuesday, President Lee Jae-myung held a phone conversation with his Chinese counterpart, Xi Jinping."
    doc = nlp(text)
    entities, mentions = fallback_mentions(doc)
    events = code_events(doc, entities, mentions, [_timex(text, "Tuesday", "2025-06-10")])
    e = _one(events, "CONSULT")
    assert (e.actor1, e.actor2) == ("Lee Jae-myung", "Xi Jinping")
    assert (e.cameo, e.mode, e.date) == ("041", "phone", "2025-06-10")
    assert e.actor2_country == "CHN"
    assert (e.start, e.end) == (0, len(text)) and e.sentence == text


def test_gapped_coordination_pairs_each_call_with_its_date(nlp) -> None:  # noqa: ANN001
    text = (
        "Lee's call with Xi came after he had spoken on the phone to U.S. President Donald Trump on Friday "
        "and Japanese Prime Minister Shigeru Ishiba on Monday."
    )
    doc = nlp(text)
    entities, mentions = fallback_mentions(doc)
    tx = [_timex(text, "Friday", "2025-06-06"), _timex(text, "Monday", "2025-06-09")]
    events = code_events(doc, entities, mentions, tx)
    dates = {e.actor2: e.date for e in events if e.plover == "CONSULT"}
    assert dates.get("Donald Trump") == "2025-06-06"
    assert dates.get("Shigeru Ishiba") == "2025-06-09"
    assert {e.actor2_country for e in events if e.actor2 in ("Donald Trump", "Shigeru Ishiba")} == {
        "USA",
        "JPN",
    }


def test_main_event_date_is_inherited_only_by_the_same_event(nlp) -> None:  # noqa: ANN001
    text = (
        "Lee Jae-myung held a phone conversation with Xi Jinping on Tuesday. "
        "The call between Lee and Xi lasted 30 minutes. Lee also urged Xi to visit Seoul."
    )
    doc = nlp(text)
    entities, mentions = fallback_mentions(doc)
    events = code_events(doc, entities, mentions, [_timex(text, "Tuesday", "2025-06-10")])
    consults = [e for e in events if e.plover == "CONSULT"]
    assert len(consults) == 2 and all(e.date == "2025-06-10" for e in consults)
    request = _one(events, "REQUEST")
    assert request.date is None  # a different event: no guess


def test_entity_module_style_inputs(nlp) -> None:  # noqa: ANN001
    """Entities and mentions as the entity module gives them: canonical names, countries, metonyms."""
    text = "Seoul urged Pyongyang to return to talks, Lee said."
    doc = nlp(text)
    ents = [
        Entity(id="gpe:south-korea", name="South Korea", type="GPE", country="KOR"),
        Entity(id="gpe:north-korea", name="North Korea", type="GPE", country="PRK"),
        Entity(id="person:lee-jae-myung", name="Lee Jae-myung", type="PERSON", country="KOR"),
    ]
    mentions = [
        Mention("Seoul", 0, 5, "gpe:south-korea", "metonym"),
        Mention("Pyongyang", 12, 21, "gpe:north-korea", "metonym"),
        Mention("Lee", text.index("Lee"), text.index("Lee") + 3, "person:lee-jae-myung"),
    ]
    e = _one(code_events(doc, ents, mentions, []), "REQUEST")
    assert (e.actor1, e.actor1_entity_id, e.actor1_country) == ("South Korea", "gpe:south-korea", "KOR")
    assert (e.actor2, e.actor2_country) == ("North Korea", "PRK")
    assert e.cameo == "026" and e.mode == "meet"  # appeal to meet or negotiate


# ---------------------------------------------------------------- the dictionary on invented sentences


@pytest.mark.parametrize(
    ("text", "plover", "cameo", "a1", "c1", "a2", "c2"),
    [
        ("Lee invited Xi to the APEC summit in Gyeongju.", "REQUEST", "026", "Lee", None, "Xi", None),
        (
            "Lee urged China to play a constructive role in denuclearizing the Korean Peninsula.",
            "REQUEST",
            "022",
            "Lee",
            None,
            "China",
            "CHN",
        ),
        (
            "The United Nations called on Russia to withdraw its troops from Ukraine.",
            "REQUEST",
            "0256",
            "United Nations",
            None,
            "Russia",
            "RUS",
        ),
        (
            "President Xi congratulated Lee on his election victory.",
            "SUPPORT",
            "051",
            "Xi",
            None,
            "Lee",
            None,
        ),
        ("Lee and Xi agreed to strengthen strategic ties.", "AGREE", "032", "Lee", None, "Xi", None),
        ("Seoul and Tokyo signed a trade agreement.", "SUPPORT", "057", "South Korea", "KOR", "Japan", "JPN"),
        (
            "Beijing accused Washington of interfering in its internal affairs.",
            "ACCUSE",
            "112",
            "China",
            "CHN",
            "United States",
            "USA",
        ),
        (
            "Russian forces attacked Ukrainian positions near Kharkiv.",
            "ASSAULT",
            "190",
            "Russia",
            "RUS",
            "Ukraine",
            "UKR",
        ),
        (
            "South Korean protesters rallied against Japan in Seoul.",
            "PROTEST",
            "141",
            "South Korea",
            "KOR",
            "Japan",
            "JPN",
        ),
        (
            "Israeli troops arrested two Palestinian journalists in Hebron.",
            "COERCE",
            "173",
            "Israel",
            "ISR",
            "Palestine",
            "PSE",
        ),
        ("Japan imposed sanctions on North Korea.", "COERCE", "163", "Japan", "JPN", "North Korea", "PRK"),
        ("China sent humanitarian aid to Myanmar.", "AID", "073", "China", "CHN", "Myanmar", "MMR"),
        ("Tehran rejected the proposal.", "REJECT", "120", "Iran", "IRN", None, None),
        (
            "Chinese President Xi Jinping will visit Russia.",
            "CONSULT",
            "042",
            "Xi Jinping",
            "CHN",
            "Russia",
            "RUS",
        ),
        (
            "Obama said he would not provide support to Israel.",
            "REJECT",
            "122",
            "Obama",
            None,
            "Israel",
            "ISR",
        ),
    ],
)
def test_invented_sentences(text, plover, cameo, a1, c1, a2, c2) -> None:  # noqa: ANN001
    events = code_sentence(text, "2025-06-10")
    e = _one(events, plover)
    assert e.cameo == cameo, e
    assert e.actor1 == a1 or e.actor1.startswith(a1 + " ") or e.actor1.endswith(" " + a1), e
    assert e.actor1_country == c1, e
    if a2 is None:
        assert e.actor2 is None, e
    else:
        assert (
            e.actor2 == a2 or (e.actor2 or "").startswith(a2 + " ") or (e.actor2 or "").endswith(" " + a2)
        ), e
        assert e.actor2_country == c2, e


def test_passive_voice() -> None:
    e = _one(code_sentence("Xi was invited by Lee to visit Seoul."), "REQUEST")
    assert (e.actor1, e.actor2) == ("Lee", "Xi")
    e = _one(code_sentence("Two journalists were detained by Egyptian police in Cairo."), "COERCE")
    assert (e.actor1_country, e.cameo, e.location) == ("EGY", "173", "Cairo")


@pytest.mark.parametrize(
    "text",
    [
        "The two sides did not discuss the tariff dispute.",  # negated
        "Lee and Xi could meet at the APEC summit in Gyeongju.",  # speculative
        "If Xi accepts the invitation, he will visit South Korea.",  # conditional
        "The ministry declined to comment on the report.",  # a refusal to comment is no rejection
        "Japan is considering sending aid to North Korea.",  # only entertained
        "The market hit a record high on Tuesday.",  # not political
    ],
)
def test_no_event(text: str) -> None:
    assert code_sentence(text, "2025-06-10") == []


def test_weekday_and_relative_dates_from_fallback() -> None:
    e = _one(code_sentence("Last Friday, Lee had a phone call with Trump.", "2025-06-10"), "CONSULT")
    assert e.date == "2025-06-06"
    e = _one(code_sentence("Lee spoke with Xi yesterday.", "2025-06-11T15:46:00+09:00"), "CONSULT")
    assert e.date == "2025-06-10"
    e = _one(code_sentence("Lee spoke with Xi on June 10.", None), "CONSULT")
    assert e.date is None  # no year known without an anchor


def test_plural_participants_of_a_call() -> None:
    text = "Lee had a phone call with Ishiba, during which they pledged to reinforce trilateral ties."
    events = code_sentence(text)
    agree = _one(events, "AGREE")
    assert {agree.actor1, agree.actor2} == {"Lee", "Ishiba"}


# ---------------------------------------------------------------- tables


def test_dictionary_codes_are_consistent() -> None:
    data = json.loads(files("newsweave").joinpath("data", "plover_cameo.json").read_text(encoding="utf-8"))
    plover_types = {
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    }
    for code, info in data["cameo"].items():
        assert info["plover"] is None or info["plover"] in plover_types, code
        assert (info["plover"] is None) == code.startswith("01"), code  # statements are never coded
    for family, table in data["families"].items():
        for code in table.values():
            assert code in data["cameo"], (family, code)
    for entries in (data["verbs"], data["nouns"]):
        for lemma, frames in entries.items():
            for f in frames:
                assert ("code" in f) or ("family" in f), lemma
                if "code" in f:
                    assert data["cameo"][f["code"]]["plover"], (lemma, f["code"])
                for mod_code in f.get("mod_codes", {}).values():
                    assert data["cameo"][mod_code]["plover"], (lemma, mod_code)


def test_cameo_helpers() -> None:
    assert cameo_info("041") == {"description": "Discuss by telephone", "plover": "CONSULT", "mode": "phone"}
    assert cameo_info("010") is not None and cameo_info("010")["plover"] is None
    assert [quad_class(c) for c in (None, "020", "036", "0841", "112", "190")] == [0, 0, 1, 2, 3, 4]


def test_anchor_is_used_only_without_timexes(nlp) -> None:  # noqa: ANN001
    text = "On Tuesday, Lee spoke with Xi by phone."
    doc = nlp(text)
    entities, mentions = fallback_mentions(doc)
    # no time module wired in: the fallback reads "Tuesday" against the anchor
    e = _one(code_events(doc, entities, mentions, [], anchor="2025-06-11"), "CONSULT")
    assert e.date == "2025-06-10"
    # a TIME value from the time module counts by its calendar date
    tx = [Timex("Tuesday", 3, 10, "TIME", "2025-06-03T10:00")]
    e = _one(code_events(doc, entities, mentions, tx, anchor="2025-06-11"), "CONSULT")
    assert e.date == "2025-06-03"


# ---------------------------------------------------------------- with the entity and time modules (invented names)


def _full(text: str, anchor: str) -> list[Event]:
    from newsweave.extract.entities import resolve_entities
    from newsweave.extract.timex import find_timexes

    doc = load_nlp()(text)
    entities, mentions = resolve_entities(doc)
    return code_events(doc, entities, mentions, find_timexes(doc, anchor), anchor)


def test_the_two_leaders_are_the_leaders_not_the_spokeswoman() -> None:
    events = _full(
        "President Ana Ruiz spoke by phone with Prime Minister Karl Moberg on Tuesday, her spokeswoman, "
        "Eva Lind, said. Lind said the conversation between the two leaders lasted 30 minutes.",
        "2025-06-11",
    )
    consults = [e for e in events if e.plover == "CONSULT"]
    assert consults and all({e.actor1, e.actor2} == {"Ana Ruiz", "Karl Moberg"} for e in consults), consults


def test_a_date_that_belongs_to_a_noun_does_not_date_the_event() -> None:
    events = _full("President Ana Ruiz invited Prime Minister Karl Moberg to a summit in June.", "2025-03-11")
    assert _one(events, "REQUEST").date is None  # June is the summit's


def test_a_phone_call_framing_the_clause_is_a_consultation() -> None:
    events = _full(
        "President Ana Ruiz and Prime Minister Karl Moberg agreed on Friday to expand trade, in a 15-minute "
        "phone call.",
        "2025-06-09",
    )
    call = _one(events, "CONSULT")
    assert {call.actor1, call.actor2} == {"Ana Ruiz", "Karl Moberg"} and call.date == "2025-06-06"


def test_dateline_place_is_no_actor() -> None:
    events = _full(
        "VALMORA, March 3 (MPA) - President Ana Ruiz invited Prime Minister Karl Moberg to visit.",
        "2025-03-03",
    )
    assert {e.actor1 for e in events} == {"Ana Ruiz"}


def test_trade_is_no_aid() -> None:
    events = code_sentence("Grenmark shipped 5,000 tonnes of cod to Japan last year.")
    assert not [e for e in events if e.plover == "AID"]

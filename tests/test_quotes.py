"""Quotes and speakers: every quote of the three seeds with its speaker, plus invented cases."""

from __future__ import annotations

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave.extract.entities import resolve_entities
from newsweave.extract.nlp import load_nlp
from newsweave.extract.quotes import find_quotes, find_quotes_in_text
from newsweave.records import Quote

LEE, XI, KANG = "person:lee-jae-myung", "person:xi-jinping", "person:kang-yu-jung"
YOON, PARK = "person:yoon-young-kwan", "person:park-byung-kwang"

# (a snippet of the quote text, speaker entity id or None, the speaker string when unnamed, direct)
HANKYUNG = [
    ("the two leaders also exchanged views on a range of issues", KANG, None, False),  # according to Kang
    ("Lee, in turn, expressed his desire", KANG, None, False),  # ..., according to Kang.
    ("mutually beneficial and equal", LEE, None, True),
    (
        "The two leaders reached a consensus that advancing Korea-China relations",
        KANG,
        None,
        True,
    ),  # she said
    ("They agreed on the need for close coordination", KANG, None, True),  # said Lee’s spokeswoman
    ("constructive role", LEE, None, True),  # Lee urged China to play a “constructive role”
    ("shared interest", XI, None, True),  # The Chinese leader responded by reiterating ...
    (
        "the leaders showed mutual interest in a potential face-to-face meeting",
        None,
        "a senior Korean official",
        False,
    ),
    ("The two leaders could meet at this year’s APEC summit", None, "the official", True),
    ("significant turning point", None, "the official", True),
    # “...,” she said. “...”: one utterance, joined
    (
        "The conversation was conducted in a friendly and cordial atmosphere … They agreed to maintain",
        KANG,
        None,
        True,
    ),
]
KBS = [
    ("he hopes for vigorous economic, security, cultural and human exchanges", LEE, None, False),
    ("Both leaders agreed to work together to produce results", KANG, None, True),  # caption line
    ("Though brief, all key points were delivered.", PARK, None, True),  # caption line
    ("the call order was arranged based on both leaders’ schedules", None, "A presidential official", False),
    ("this reflects a pragmatic, national interest-based diplomacy", None, "some pundits", False),
]
JOONGANG = [
    ("closer exchanges of views to advance bilateral relations", LEE, None, True),  # Lee expressed hope
    ("that Lee expressed hope that the summit would serve", KANG, None, False),  # Kang told reporters that
    ("the morning conversation between the two leaders lasted approximately 30 minutes", KANG, None, False),
    ("work together with the new Korean government", XI, None, True),
    ("I hope Korea and China will actively pursue exchanges", LEE, None, True),  # he said, according to Kang
    ("Both leaders acknowledged the need to deliver tangible outcomes", KANG, None, False),  # ..., Kang said
    ("feel the results", KANG, None, True),
    ("the pair did not discuss China’s unofficial ban", None, "a presidential official", False),
    ("aquaculture purposes", "gpe:china", None, True),  # for what it claims are “...”
    (
        "they are for maritime and meteorological observation",
        "gpe:beijing",
        None,
        False,
    ),  # Beijing ..., claiming
    ("play a constructive role in promoting peace", LEE, None, True),
    ("shared interest", XI, None, True),
    (
        "both leaders agreed to maintain close communication",
        KANG,
        None,
        False,
    ),  # The presidential spokesperson
    ("across all sectors", KANG, None, True),
    ("new chapter", KANG, None, True),
    ("President Xi conveyed his hopes", LEE, None, True),  # Lee wrote
    ("Today’s call reaffirmed that spirit.", LEE, None, True),
    ("an important partner in all areas", LEE, None, True),  # Calling China “...,” Lee expressed
    ("should respect each other’s core interests", XI, None, True),  # Xinhua noted that Xi told Lee
    ("ensure sound and steady growth", XI, None, True),
    ("I’m not sure how much significance we should assign", YOON, None, True),
    ("the Korean president should strive to", YOON, None, False),  # He also said
    ("create an opportunity", YOON, None, True),
    ("given the many pending issues between the two powers", YOON, None, True),
    ("Such a meeting … would also help foster an atmosphere", YOON, None, True),  # split quote, he noted
]
# the first “constructive role” of JoongAng ("Lee ... urged Xi to play a “constructive role”")
JOONGANG_FIRST = ("constructive role", LEE)
NAMES = {
    LEE: "Lee Jae-myung",
    XI: "Xi Jinping",
    KANG: "Kang Yu-jung",
    YOON: "Yoon Young-kwan",
    PARK: "Park Byung-kwang",
}


@pytest.fixture(scope="session")
def seed_quotes(seeds_dir) -> dict[str, tuple[str, list[Quote]]]:
    nlp = load_nlp()
    out = {}
    for key, path, authors in (
        ("hankyung", SEED_HANKYUNG, ["Jae-Young Han", "Hyun-Jong Lee"]),
        ("kbs", SEED_KBS, []),
        ("joongang", SEED_JOONGANG, ["Michael Lee", "Seo Ji-eun"]),
    ):
        text = path.read_text(encoding="utf-8")
        doc = nlp(text)
        ents, ments = resolve_entities(doc, authors)
        out[key] = (text, find_quotes(doc, ents, ments))
    return out


def _find(quotes: list[Quote], snippet: str, direct: bool) -> Quote:
    hits = [q for q in quotes if snippet in q.text and q.direct == direct]
    assert hits, (
        f"no {'direct' if direct else 'reported'} quote with {snippet!r}: {[q.text[:50] for q in quotes]}"
    )
    return hits[0]


def _check(quotes: list[Quote], expected: list[tuple[str, str | None, str | None, bool]]) -> None:
    for snippet, ent_id, surface, direct in expected:
        q = _find(quotes, snippet, direct)
        assert q.speaker_entity_id == ent_id, (snippet, q)
        if ent_id in NAMES:
            assert q.speaker == NAMES[ent_id]
        if surface is not None:
            assert q.speaker == surface, (snippet, q)


@pytest.mark.parametrize(("seed", "expected"), [("hankyung", HANKYUNG), ("kbs", KBS), ("joongang", JOONGANG)])
def test_every_seed_quote_has_its_speaker(seed_quotes, seed, expected):
    text, quotes = seed_quotes[seed]
    _check(quotes, expected)
    # no direct quote beyond the listed ones, and every quote has a speaker
    listed = [s for s, _, _, d in expected if d]
    for q in quotes:
        assert q.speaker, q
        if q.direct:
            assert any(s in q.text or q.text in s for s in listed), f"unexpected direct quote {q.text!r}"
    for snippet in listed:
        assert any(snippet in q.text for q in quotes if q.direct)


def test_joongang_first_constructive_role(seed_quotes):
    text, quotes = seed_quotes["joongang"]
    first = min((q for q in quotes if q.text == "constructive role"), key=lambda q: q.start)
    assert first.speaker_entity_id == JOONGANG_FIRST[1]
    assert text[first.start - 1] == "“" and text[first.end] == "”"


def test_quote_offsets_point_into_the_body(seed_quotes):
    for text, quotes in seed_quotes.values():
        for q in quotes:
            if " … " in q.text:  # joined parts: each part verbatim, in order, inside [start, end)
                span = text[q.start : q.end]
                pos = 0
                for part in q.text.split(" … "):
                    pos = span.index(part, pos) + len(part)
                assert span.startswith(q.text.split(" … ")[0])
            else:
                assert text[q.start : q.end] == q.text
            assert not q.text.endswith(",")


def test_reporters_never_speak(seed_quotes):
    for _, quotes in seed_quotes.values():
        assert not {q.speaker for q in quotes} & {
            "Michael Lee",
            "Hyun-Jong Lee",
            "Jae-Young Han",
            "Seo Ji-eun",
        }


# ---------------------------------------------------------------- invented texts


def _only(text: str, direct: bool | None = None) -> Quote:
    quotes = [q for q in find_quotes_in_text(text) if direct is None or q.direct == direct]
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_she_said_after_a_named_spokeswoman():
    q = _only(
        "Kim Min-ji, a government spokeswoman, met reporters with President Park Tae-ho on Monday.\n"
        "“We will act quickly,” she said."
    )
    assert (q.speaker, q.speaker_entity_id, q.direct, q.cue) == (
        "Kim Min-ji",
        "person:kim-min-ji",
        True,
        "said",
    )


def test_he_said_refers_to_the_previous_subject():
    q = _only(
        "Senator John Harris criticized the plan on Tuesday. He said the bill “will fail in the Senate.”",
        True,
    )
    assert q.speaker_entity_id == "person:john-harris"
    assert q.text == "will fail in the Senate."


def test_pronoun_skips_a_person_of_the_wrong_gender():
    text = "Mary Smith met Mr. Jones on Friday. Later Jones left. “We agreed on the budget,” she said."
    assert _only(text).speaker == "Mary Smith"


def test_split_quote_is_one_quote():
    text = "“The plan,” Harris said, “is dead on arrival.”"
    q = _only(text)
    assert q.text == "The plan … is dead on arrival."
    assert (q.start, q.end) == (1, len(text) - 1)
    assert q.speaker == "Harris" and q.direct


def test_next_sentence_quote_continues_the_speaker():
    q = _only("Mary Smith spoke first. “We agreed on the budget,” she said. “Talks will go on next week.”")
    assert q.text == "We agreed on the budget … Talks will go on next week."
    assert q.speaker == "Mary Smith"


def test_quote_paragraph_after_an_attributed_one_keeps_the_speaker():
    text = "“We agreed on the budget,” said Kang Yu-jung, the spokeswoman.\n“Talks will go on next week, and we expect progress.”"
    quotes = find_quotes_in_text(text)
    assert [q.speaker for q in quotes] == ["Kang Yu-jung", "Kang Yu-jung"]


def test_according_to_is_reported_speech():
    q = _only("The talks lasted an hour, according to Kang Yu-jung, the presidential spokeswoman.")
    assert (q.text, q.direct, q.speaker, q.cue) == (
        "The talks lasted an hour",
        False,
        "Kang Yu-jung",
        "according to",
    )


def test_unnamed_speaker_keeps_its_phrase():
    q = _only("“Prices will rise again next year,” a senior official said.")
    assert (q.speaker, q.speaker_entity_id) == ("a senior official", None)


def test_role_phrase_speaker_resolves_to_the_role_holder():
    text = "Kang Yu-jung, Seoul's presidential spokeswoman, briefed reporters. \"The call went well,\" said Lee's spokeswoman."
    assert _only(text, True).speaker_entity_id == "person:kang-yu-jung"


def test_dash_byline_and_wire_double_apostrophes():
    quotes = find_quotes_in_text(
        "“Not a worthy representative for the nation.” ― Oscar P. Quintero\n"
        "“I just hope this campaign ends soon.” ―\xa0Jorge Falcon\n"
        "''Secretary Clinton believes that businesses need to break free,'' said Mike Schmidt, an adviser."
    )
    assert [q.speaker for q in quotes] == ["Oscar P. Quintero", "Jorge Falcon", "Mike Schmidt"]
    assert quotes[2].text == "Secretary Clinton believes that businesses need to break free"


def test_broadcast_caption():
    text = (
        "Lee invited Xi to the summit.\n\nKang Yu-jung / Presidential Spokesperson\n"
        "Both leaders agreed to work together.\n\nThe call lasted 30 minutes."
    )
    q = _only(text)
    assert (q.text, q.speaker, q.direct) == ("Both leaders agreed to work together.", "Kang Yu-jung", True)


def test_short_unattributed_scare_quotes_are_not_quotes():
    assert find_quotes_in_text("The so-called “grey zone” tactics worry Korean analysts.") == []


# ---------------------------------------------------------------- speakers (invented names)


def test_a_name_modifying_an_unnamed_speaker_is_not_the_speaker() -> None:
    q = _only(
        '"We expect more talks," a senior Finance Ministry official said on condition of anonymity.', True
    )
    assert q.speaker_entity_id is None and q.speaker is not None and "official" in q.speaker


def test_dateline_is_no_speaker() -> None:
    q = _only(
        "OSLO, March 3 (MPA) - The Bank of Grenmark raised its key rate on Thursday, saying inflation was "
        "proving stickier than expected.",
        False,
    )
    assert q.speaker == "Bank of Grenmark"
    assert not q.text.startswith("OSLO")


@pytest.mark.parametrize("text", [
    "The harbour office did not say whether the ferry would sail again before the summer.",
    "The mayor declined to say whether the council would cover the repair bill.",
])
def test_what_a_speaker_did_not_say_is_no_quote(text: str) -> None:
    assert [q for q in find_quotes_in_text(text) if not q.direct] == []


def test_reported_speech_keeps_the_close_of_a_phrase_it_quotes() -> None:
    text = ('Harris told reporters that the ferry company would review the timetable "on the basis of '
            'passenger numbers," a spokeswoman said after the meeting.')
    reported = [q for q in find_quotes_in_text(text) if not q.direct]
    assert reported, find_quotes_in_text(text)
    for q in reported:
        assert q.text == text[q.start:q.end]
        assert q.text.count('"') % 2 == 0, q.text
        assert q.text.endswith('numbers,"'), q.text

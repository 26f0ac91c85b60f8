"""Canonical entities on the three seed articles (raw text, clutter included) and on small invented texts."""

from __future__ import annotations

import re

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave.extract.entities import country_of, link_entities, resolve_entities, slug
from newsweave.extract.nlp import load_nlp
from newsweave.records import Entity, Mention

AUTHORS = {
    "hankyung": ["Jae-Young Han", "Hyun-Jong Lee"],
    "kbs": [],
    "joongang": ["Michael Lee", "Seo Ji-eun"],
}
PATHS = {"hankyung": SEED_HANKYUNG, "kbs": SEED_KBS, "joongang": SEED_JOONGANG}


@pytest.fixture(scope="session")
def seeds(seeds_dir) -> dict[str, tuple[str, list[Entity], list[Mention]]]:
    nlp = load_nlp()
    out = {}
    for key, path in PATHS.items():
        text = path.read_text(encoding="utf-8")
        ents, ments = resolve_entities(nlp(text), AUTHORS[key])
        out[key] = (text, ents, ments)
    return out


def _by_name(ents: list[Entity], name: str) -> list[Entity]:
    return [e for e in ents if e.name == name]


def _one(ents: list[Entity], name: str) -> Entity:
    found = _by_name(ents, name)
    assert len(found) == 1, f"{name}: {[(e.id, e.name) for e in ents if e.type == 'PERSON']}"
    return found[0]


def _resolve(text: str, authors: list[str] = ()) -> tuple[list[Entity], list[Mention]]:
    return resolve_entities(load_nlp()(text), authors)


# ---------------------------------------------------------------- seeds


@pytest.mark.parametrize("seed", ["hankyung", "kbs", "joongang"])
def test_one_lee_jae_myung_with_short_aliases(seeds, seed):
    text, ents, ments = seeds[seed]
    lee = _one(ents, "Lee Jae-myung")
    assert lee.id == "person:lee-jae-myung"
    assert lee.type == "PERSON"
    assert "Lee" in lee.aliases
    if seed != "kbs":  # the KBS seed never writes "President Lee" without the full name
        assert "President Lee" in lee.aliases
    # every bare "Lee" outside the reporters' names is the president
    for m in ments:
        if m.text == "Lee":
            assert m.entity_id == lee.id, (m, text[m.start - 30 : m.end + 30])
    # no second person entity is just "Lee"
    assert not [e for e in ents if e.type == "PERSON" and e.name.lower() == "lee"]


@pytest.mark.parametrize(
    ("seed", "reporter"),
    [("hankyung", "Hyun-Jong Lee"), ("hankyung", "Jae-Young Han"), ("joongang", "Michael Lee")],
)
def test_reporters_are_not_merged_with_the_president(seeds, seed, reporter):
    text, ents, ments = seeds[seed]
    rep = _one(ents, reporter)
    assert "author" in rep.roles
    assert rep.id == "person:" + slug(reporter)
    lee = _one(ents, "Lee Jae-myung")
    assert not set(lee.aliases) & {reporter, reporter.upper()}
    # the reporter's name in the byline/"Write to" line is the reporter's mention
    for m in re.finditer(re.escape(reporter), text, flags=re.IGNORECASE):
        hits = [x for x in ments if x.start <= m.start() < x.end]
        assert hits and all(h.entity_id == rep.id for h in hits), (reporter, hits)


@pytest.mark.parametrize("seed", ["hankyung", "kbs", "joongang"])
@pytest.mark.parametrize("name", ["Xi Jinping", "Kang Yu-jung"])
def test_xi_and_kang_are_one_entity_each(seeds, seed, name):
    _, ents, _ = seeds[seed]
    ent = _one(ents, name)
    assert ent.id == "person:" + slug(name)
    surname = name.split()[0]
    assert surname in ent.aliases or seed == "kbs" and name == "Kang Yu-jung"


@pytest.mark.parametrize("seed", ["hankyung", "joongang"])
def test_trump_and_ishiba(seeds, seed):
    _, ents, _ = seeds[seed]
    trump = _one(ents, "Donald Trump")
    assert trump.country == "USA" and "president of United States" in trump.roles
    assert "Trump" in trump.aliases
    ishiba = _one(ents, "Shigeru Ishiba")
    assert ishiba.country == "JPN" and "prime minister of Japan" in ishiba.roles


def _role_target(ments: list[Mention], text: str, phrase: str) -> list[str]:
    return [m.entity_id for m in ments if m.kind == "role" and m.text.lower() == phrase.lower()]


@pytest.mark.parametrize(
    ("seed", "phrase", "target"),
    [
        ("joongang", "the Korean president", "person:lee-jae-myung"),
        ("joongang", "The Korean president", "person:lee-jae-myung"),
        ("joongang", "the Chinese leader", "person:xi-jinping"),
        ("joongang", "the Chinese president", "person:xi-jinping"),
        ("joongang", "The presidential spokesperson", "person:kang-yu-jung"),
        ("hankyung", "the Chinese leader", "person:xi-jinping"),
        ("hankyung", "The Chinese leader", "person:xi-jinping"),
        ("hankyung", "Lee’s spokeswoman", "person:kang-yu-jung"),
        ("hankyung", "Seoul’s presidential spokeswoman", "person:kang-yu-jung"),
        ("kbs", "his Chinese counterpart", "person:xi-jinping"),
        ("kbs", "the Chinese leader", "person:xi-jinping"),
    ],
)
def test_role_phrases_resolve_to_the_role_holder(seeds, seed, phrase, target):
    text, _, ments = seeds[seed]
    assert phrase in text
    targets = _role_target(ments, text, phrase)
    assert targets and set(targets) == {target}


def test_roles_and_countries_of_persons(seeds):
    _, ents, _ = seeds["joongang"]
    lee, xi, kang = (_one(ents, n) for n in ("Lee Jae-myung", "Xi Jinping", "Kang Yu-jung"))
    assert "president of South Korea" in lee.roles and country_of(lee) == "KOR"
    assert "president of China" in xi.roles and country_of(xi) == "CHN"
    assert "spokesperson" in kang.roles
    park = _one(ents, "Park Geun-hye")
    assert park.roles == ["former president"]  # "then-President": not "the Korean president"
    _, ents0, _ = seeds["hankyung"]
    assert country_of(_one(ents0, "Kang Yu-jung")) == "KOR"  # "Seoul's presidential spokeswoman"
    assert "former president" in _one(ents0, "Yoon Suk Yeol").roles


def test_metonyms_map_to_their_country(seeds):
    text, ents, ments = seeds["joongang"]
    by_id = {e.id: e for e in ents}
    assert country_of(by_id["gpe:seoul"]) == "KOR"
    assert country_of(by_id["gpe:beijing"]) == "CHN"
    assert by_id["gpe:seoul"].type == "GPE"  # Seoul stays a city entity
    # "Tensions between Seoul and Beijing": actors
    i = text.index("Tensions between Seoul and Beijing") + len("Tensions between ")
    kinds = {m.text: m.kind for m in ments if i <= m.start < i + 20}
    assert kinds == {"Seoul": "metonym", "Beijing": "metonym"}
    # "in central Seoul" / "in Seoul" are places
    j = text.index("central Seoul") + len("central ")
    assert [m.kind for m in ments if m.start == j] == ["name"]


def test_gazetteer_fixes_countries_and_spans(seeds):
    _, ents, ments = seeds["hankyung"]
    ids = {e.id for e in ents}
    assert {"gpe:south-korea", "gpe:china", "gpe:united-states", "gpe:japan", "gpe:north-korea"} <= ids
    # "South Korea’s" loses its possessive; "the Korean Peninsula" its article
    assert all(not m.text.endswith(("’s", "'s")) for m in ments if m.kind == "name")
    assert {e.name for e in ents if e.id == "loc:korean-peninsula"} == {"Korean Peninsula"}
    sk = next(e for e in ents if e.id == "gpe:south-korea")
    assert sk.country == "KOR" and "Korea" in sk.aliases
    us = next(e for e in ents if e.id == "gpe:united-states")
    assert "US" in us.aliases


def test_mentions_point_into_the_body(seeds):
    for text, ents, ments in seeds.values():
        ids = {e.id for e in ents}
        for m in ments:
            assert text[m.start : m.end] == m.text
            assert m.entity_id in ids
        for e in ents:
            assert e.article_ids == []


# ---------------------------------------------------------------- invented texts


def test_two_people_sharing_a_surname_are_never_merged():
    text = (
        "President Lee Jae-myung met Samsung chairman Lee Jae-yong in Seoul on Monday. "
        "Lee said the economy needs more investment. Later, President Lee Jae-myung left."
    )
    ents, ments = _resolve(text)
    names = {e.name for e in ents if e.type == "PERSON"}
    assert {"Lee Jae-myung", "Lee Jae-yong"} <= names
    bare = [m for m in ments if m.text == "Lee"]
    # a bare "Lee" goes to the most recent full-name mention before it
    assert [m.entity_id for m in bare] == ["person:lee-jae-yong"]


def test_s_korea_and_us_aliases():
    ents, ments = _resolve(
        "S.Korea and the U.S. held talks in Washington. Republic of Korea officials attended."
    )
    ids = {m.text: m.entity_id for m in ments}
    assert ids["S.Korea"] == "gpe:south-korea"
    assert ids["U.S."] == "gpe:united-states"
    assert ids["Washington"] == "gpe:washington"
    assert country_of(next(e for e in ents if e.id == "gpe:washington")) == "USA"


def test_ner_errors_fixed_by_known_surnames():
    text = "LEE MEETS XI\nSouth Korea’s Lee, China’s Xi agree.\nPresident Lee Jae-myung called Chinese President Xi Jinping."
    ents, ments = _resolve(text)
    assert {e.name for e in ents if e.type == "PERSON"} == {"Lee Jae-myung", "Xi Jinping"}
    lee_mentions = [m.text for m in ments if m.entity_id == "person:lee-jae-myung"]
    assert "Lee" in lee_mentions and "LEE" in lee_mentions


# ---------------------------------------------------------------- across articles


def test_link_entities_merges_the_seeds(seeds):
    per_article = {key: ents for key, (_, ents, _) in seeds.items()}
    linked = link_entities(per_article)
    lee = linked["person:lee-jae-myung"]
    assert lee.article_ids == ["hankyung", "joongang", "kbs"]
    assert {"Lee", "President Lee", "the Korean president"} <= set(lee.aliases)
    assert lee.aliases[0] == "Lee Jae-myung"
    assert linked["person:xi-jinping"].article_ids == ["hankyung", "joongang", "kbs"]
    assert "the Chinese leader" in linked["person:xi-jinping"].aliases
    for reporter in ("person:michael-lee", "person:hyun-jong-lee"):
        assert linked[reporter].name != "Lee Jae-myung"
        assert "author" in linked[reporter].roles
    assert linked["gpe:seoul"].country == "KOR"
    # the same result whatever the ingestion order
    again = link_entities(dict(reversed(list(per_article.items()))))
    assert sorted(again) == sorted(linked)
    assert again["person:lee-jae-myung"].name == "Lee Jae-myung"


def test_partial_name_links_to_full_name_elsewhere():
    a = [
        Entity(id="person:xi", name="Xi", type="PERSON", aliases=["Xi", "President Xi"], roles=["president"])
    ]
    b = [
        Entity(
            id="person:xi-jinping", name="Xi Jinping", type="PERSON", aliases=["Xi Jinping"], country="CHN"
        ),
        Entity(
            id="person:donald-j-trump", name="Donald J. Trump", type="PERSON", aliases=["Donald J. Trump"]
        ),
    ]
    c = [
        Entity(
            id="person:donald-trump", name="Donald Trump", type="PERSON", aliases=["Donald Trump", "Trump"]
        )
    ]
    linked = link_entities({"a": a, "b": b, "c": c})
    assert linked.canonical_id("a", "person:xi") == "person:xi-jinping"
    assert "person:xi" not in linked
    xi = linked["person:xi-jinping"]
    assert xi.article_ids == ["a", "b"] and "President Xi" in xi.aliases and xi.country == "CHN"
    # "Donald J. Trump" and "Donald Trump" are one person; the longest name's id wins
    assert linked.canonical_id("c", "person:donald-trump") == "person:donald-j-trump"
    assert linked["person:donald-j-trump"].article_ids == ["b", "c"]


def test_partial_name_stays_unlinked_when_ambiguous():
    a = [Entity(id="person:lee", name="Lee", type="PERSON", aliases=["Lee"])]
    b = [
        Entity(
            id="person:lee-jae-myung", name="Lee Jae-myung", type="PERSON", roles=["president of South Korea"]
        )
    ]
    c = [Entity(id="person:lee-jae-yong", name="Lee Jae-yong", type="PERSON", roles=["chairman of Samsung"])]
    d = [Entity(id="person:michael-lee", name="Michael Lee", type="PERSON", roles=["author"])]
    linked = link_entities({"a": a, "b": b, "c": c, "d": d})
    assert "person:lee" in linked and linked.canonical_id("a", "person:lee") == "person:lee"
    # a shared role decides between the two
    a2 = [Entity(id="person:lee", name="Lee", type="PERSON", roles=["president of South Korea"])]
    linked2 = link_entities({"a": a2, "b": b, "c": c, "d": d})
    assert linked2.canonical_id("a", "person:lee") == "person:lee-jae-myung"
    # reporters are never link targets: with only the author elsewhere, "Lee" stays alone
    linked3 = link_entities({"a": a, "d": d})
    assert linked3.canonical_id("a", "person:lee") == "person:lee"


def test_middle_initials_keep_father_and_son_apart():
    def person(ident: str, name: str) -> Entity:
        return Entity(id=ident, name=name, type="PERSON", aliases=[name])

    linked = link_entities(
        {
            "a": [person("person:george-w-bush", "George W. Bush")],
            "b": [person("person:george-h-w-bush", "George H.W. Bush")],
            "c": [person("person:george-bush", "George Bush")],
        }
    )
    assert {"person:george-w-bush", "person:george-h-w-bush", "person:george-bush"} <= set(linked)
    assert linked.canonical_id("c", "person:george-bush") == "person:george-bush"


def test_a_dominant_full_name_takes_the_bare_surname():
    def person(ident: str, name: str) -> Entity:
        return Entity(id=ident, name=name, type="PERSON", aliases=[name])

    per_article = {f"b{i}": [person("person:barack-obama", "Barack Obama")] for i in range(3)}
    per_article["m"] = [person("person:michelle-obama", "Michelle Obama")]
    per_article["x"] = [person("person:obama", "Obama")]
    linked = link_entities(per_article)
    assert linked.canonical_id("x", "person:obama") == "person:barack-obama"
    assert "x" in linked["person:barack-obama"].article_ids


# ---------------------------------------------------------------- types from cues in the text (invented names)


def _types(ents: list[Entity], name: str) -> set[str]:
    return {e.type for e in ents if e.name == name}


def test_ship_names_are_not_people() -> None:
    ents, _ = _resolve(
        "Fire broke out aboard the tanker Baltic Dawn on Sunday. The Baltic Dawn was towed back to port, "
        "where the ferry Morvik Queen was waiting."
    )
    assert _types(ents, "Baltic Dawn") == {"PRODUCT"}
    assert _types(ents, "Morvik Queen") == {"PRODUCT"}


def test_organisation_heads_and_descriptors() -> None:
    ents, _ = _resolve(
        "Kestrel Sparebank and Orvik Line said they would cooperate. The Dutch truck maker Haldorp signed "
        "a deal with the operator."
    )
    assert _types(ents, "Kestrel Sparebank") == {"ORG"}
    assert _types(ents, "Orvik Line") == {"ORG"}
    assert "PERSON" not in _types(ents, "Haldorp")


def test_capitals_and_places_from_their_context() -> None:
    ents, _ = _resolve(
        "Grenmark will host the forum in its capital, Valmora, in May. Minister Ana Ruiz invited him to "
        "Valmora. Grenmark's economy grew 2% last year."
    )
    assert _types(ents, "Valmora") == {"GPE"}
    assert _types(ents, "Grenmark") == {"GPE"}
    assert _types(ents, "Ana Ruiz") == {"PERSON"}


def test_dateline_place_is_a_place() -> None:
    ents, _ = _resolve("VALMORA, March 3 (MPA) - Grenmark's central bank raised its key rate on Tuesday.")
    assert _types(ents, "Valmora") == {"GPE"}
    assert _types(ents, "MPA") == {"ORG"}


def test_role_appositions_make_persons_with_roles() -> None:
    ents, _ = _resolve(
        "Prime Minister Karl Moberg spoke with Grenmark's new president, Tomas Ekvall, on Friday. "
        "Ekvall's spokeswoman, Lina Berg, confirmed the call. \"We are pleased,\" said the party's finance "
        "spokesman, Odd Halvorsen."
    )
    assert any(r.startswith("president") for r in _one(ents, "Tomas Ekvall").roles)
    assert "spokesperson" in _one(ents, "Lina Berg").roles
    assert _types(ents, "Odd Halvorsen") == {"PERSON"}


def test_broadcast_caption_names_a_person() -> None:
    text = "The harbour was closed.\nLina Berg / Harbour Authority Spokeswoman\nWe will reopen it tomorrow."
    ents, _ = _resolve(text)
    assert _types(ents, "Lina Berg") == {"PERSON"}
    assert not [e for e in ents if "/" in e.name]


def test_linking_never_joins_a_place_to_a_persons_first_name() -> None:
    """A one-word "person" that another article knows as a place stays apart from a full name starting with
    it; a surname still links."""
    per_article = {
        "a": [Entity(id="person:valmora", name="Valmora", type="PERSON")],
        "b": [Entity(id="person:valmora-hansen", name="Valmora Hansen", type="PERSON")],
        "c": [
            Entity(id="gpe:valmora", name="Valmora", type="GPE"),
            Entity(id="person:hansen", name="Hansen", type="PERSON"),
        ],
    }
    linked = link_entities(per_article)
    assert linked.canonical_id("a", "person:valmora") == "person:valmora"
    assert linked.canonical_id("c", "person:hansen") == "person:valmora-hansen"

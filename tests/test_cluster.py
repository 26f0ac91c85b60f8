"""Story clustering: same-event joins, different-event splits, near-duplicates, order independence,
index use, the CLI commands, and (with the full pipeline) the seed articles."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re
from pathlib import Path

import pytest

from newsweave import cluster
from newsweave.cluster import ClusterConfig, features, recluster
from newsweave.cluster.recluster import replay_order
from newsweave.records import (
    Article,
    ArticleExtraction,
    Entity,
    Event,
    Mention,
    RawDocument,
    Sentence,
    Story,
    StoryAssignment,
    Timex,
)
from newsweave.store import Store

# ---------------------------------------------------------------- hand-made articles and extractions

ENTITIES = {
    "person:lee-jae-myung": ("Lee Jae-myung", "PERSON", ["Lee Jae-myung", "President Lee", "Lee"]),
    "person:xi-jinping": ("Xi Jinping", "PERSON", ["Xi Jinping", "President Xi", "Xi"]),
    "person:donald-trump": ("Donald Trump", "PERSON", ["Donald Trump", "President Trump", "Trump"]),
    "person:kang-yu-jung": ("Kang Yu-jung", "PERSON", ["Kang Yu-jung", "Kang"]),
    "gpe:south-korea": ("South Korea", "GPE", ["South Korea", "Korea", "Seoul"]),
    "gpe:china": ("China", "GPE", ["China", "Beijing"]),
    "gpe:united-states": ("United States", "GPE", ["United States", "Washington", "U.S."]),
    "event:apec": ("APEC summit", "EVENT", ["APEC"]),
    "gpe:gyeongju": ("Gyeongju", "GPE", ["Gyeongju"]),
    "event:g7": ("G7 summit", "EVENT", ["G7"]),
    "gpe:california": ("California", "GPE", ["California"]),
    "org:cal-fire": ("Cal Fire", "ORG", ["Cal Fire"]),
    "gpe:riverside-county": ("Riverside County", "GPE", ["Riverside County"]),
    "gpe:tarnvik": ("Tarnvik", "GPE", ["Tarnvik"]),
    "gpe:drayton": ("Drayton", "GPE", ["Drayton"]),
    "org:met-institute": ("Meteorological Institute", "ORG", ["Meteorological Institute"]),
}

LEE_XI_A = """South Korean President Lee Jae-myung and Chinese President Xi Jinping agreed on Tuesday to strengthen their strategic partnership in their first telephone call since Lee took office.
The 30-minute call covered economic cooperation, security and cultural exchange, presidential spokeswoman Kang Yu-jung said.
Lee invited Xi to the APEC summit that Korea will host in Gyeongju in November, and asked Beijing to play a constructive role in the denuclearization of the Korean Peninsula.
Xi congratulated Lee on his election victory and said China was willing to work with Seoul to develop the strategic cooperative partnership between the two countries.
China is South Korea's largest trading partner, and relations have been improving since a dispute over the THAAD missile defense system in 2017.
If Xi accepts the invitation, the visit to Gyeongju would be his first trip to South Korea in eleven years."""

LEE_XI_B = """President Lee Jae-myung spoke with Chinese President Xi Jinping by phone on Tuesday, completing his first round of phone diplomacy with the leaders of the United States, Japan and China.
Lee invited Xi to the APEC summit in Gyeongju this November and urged Beijing to take an active role in the denuclearization of the Korean Peninsula.
Xi expressed his willingness to boost bilateral cooperation and develop the strategic partnership, spokeswoman Kang Yu-jung told reporters.
The phone conversation with Xi lasted about 30 minutes, the longest of the three calls.
Analysts said the call showed a pragmatic diplomacy that balances ties with Washington, Tokyo and Beijing."""

LEE_XI_C = """Korean President Lee Jae-myung urged Chinese President Xi Jinping to play a constructive role in the denuclearization of the Korean Peninsula during their first official phone call on Tuesday.
Lee also invited Xi to attend the APEC summit in the historic city of Gyeongju in November, spokesperson Kang Yu-jung said at a press briefing.
The morning conversation lasted approximately 30 minutes and covered economic cooperation and regional security.
Xi congratulated Lee on his recent election victory and said he wanted to work with the new government in Seoul.
The two leaders did not discuss China's unofficial ban on group tours to Korea, a presidential official said."""

LEE_TRUMP = """President Lee Jae-myung held his first phone call with U.S. President Donald Trump on Friday, three days after taking office.
Lee and Trump agreed to work toward a swift agreement on tariffs and to strengthen the alliance between Seoul and Washington, the presidential office said.
Trump congratulated Lee on his election win and invited him to visit the United States, while Lee said he hoped to meet Trump at the G7 summit.
The 20-minute call was held on Friday evening, the presidential office said, and covered trade, tariffs and the North Korean nuclear issue.
Trump reportedly told Lee he would like to play golf with him."""

LEE_XI_SECOND = """President Lee Jae-myung and Chinese President Xi Jinping spoke by phone again on Friday, three days after their first call, to discuss a sudden escalation at sea.
The second call was arranged at short notice after Chinese coast guard vessels entered disputed waters in the Yellow Sea, the presidential office said.
Lee urged Xi to withdraw the vessels and warned that the incident threatened the improving relations between Seoul and Beijing.
Xi said China would handle the matter calmly, according to Chinese state media."""

WILDFIRE = """A fast-moving wildfire in Riverside County, California forced the evacuation of more than 2,000 homes on Wednesday as strong winds pushed flames across dry brush.
Cal Fire said the blaze had burned 5,400 acres and was 10 percent contained by evening, with more than 800 firefighters and a dozen aircraft fighting the fire.
Officials said hot, dry weather and gusts of up to 50 miles per hour made the fire difficult to control.
No injuries were reported, but at least 14 structures were destroyed, according to Cal Fire."""

# The same kind of event in two towns two days apart (a news archive repeats events this way).
STORM_TARNVIK = """A storm flooded Tarnvik on Monday, forcing the evacuation of 230 homes as the river burst its banks.
The Meteorological Institute said 120 millimetres of rain fell in a single day, a record for the town.
Emergency crews worked through the night to shore up flood barriers along the harbour.
Power was cut to thousands of homes and schools stayed closed."""

STORM_TARNVIK_2 = """Floodwater swept through Tarnvik on Monday after a storm dumped record rain on the town, and 230 homes were evacuated.
A record 120 millimetres of rain fell in one day, according to the Meteorological Institute.
Crews spent the night shoring up flood barriers by the harbour while thousands of homes lost power."""

STORM_DRAYTON = """Residents of Drayton were evacuated from 310 homes on Wednesday as a storm flooded the town and its river burst its banks.
The Meteorological Institute recorded 95 millimetres of rain in a single day, a record for the town.
Emergency crews shored up flood barriers through the night, and power was cut to thousands of homes."""


def storm(key: str, body: str, title: str, outlet: str, published: str, day: str,
          weekday: str) -> tuple[Article, ArticleExtraction]:
    return make(key, body, title=title, outlet=outlet, published=published, timexes=[(weekday, day)])


def storms() -> list[tuple[Article, ArticleExtraction]]:
    return [
        storm("storm-t1", STORM_TARNVIK, "Storm floods Tarnvik; 230 homes evacuated", "Coastline Daily",
              "2026-01-12T18:00:00+01:00", "2026-01-12", "Monday"),
        storm("storm-t2", STORM_TARNVIK_2, "Record rain in Tarnvik as storm forces evacuations", "Polar Wire",
              "2026-01-12T21:00:00+01:00", "2026-01-12", "Monday"),
        storm("storm-d", STORM_DRAYTON, "Storm floods Drayton; 310 homes evacuated", "Coastline Daily",
              "2026-01-14T17:00:00+01:00", "2026-01-14", "Wednesday"),
    ]


def _near_copy(text: str) -> str:
    """A syndicated copy: same wire text, one sentence dropped, a couple of words edited."""
    sentences = text.split("\n")
    edited = [s.replace("strengthen", "deepen").replace("largest", "biggest") for s in sentences[:-1]]
    return "\n".join(edited)


def make(
    key: str,
    body: str,
    *,
    title: str,
    outlet: str,
    published: str | None,
    events: list[tuple[str, str, str | None, str | None]] = (),
    timexes: list[tuple[str, str]] = (),
) -> tuple[Article, ArticleExtraction]:
    """An article with a hand-built extraction: mentions found by the surface forms in ENTITIES,
    events as (plover, actor1 id, actor2 id, date) on the first sentence, timexes as (text, value)."""
    aid = hashlib.sha256(key.encode()).hexdigest()[:16]
    article = Article(id=aid, path=f"{key}.txt", body=body, title=title, outlet=outlet, published=published,
                      content_hash=hashlib.sha256(("raw" + key).encode()).hexdigest(),
                      body_hash=hashlib.sha256(body.encode()).hexdigest())
    sentences, offset = [], 0
    for line in body.split("\n"):
        sentences.append(Sentence(offset, offset + len(line), line))
        offset += len(line) + 1
    mentions, seen = [], {}
    for eid, (name, etype, surfaces) in ENTITIES.items():
        taken: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
        for surface in sorted(surfaces, key=len, reverse=True):
            for m in re.finditer(rf"\b{re.escape(surface)}(?!\w)", body):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                mentions.append(Mention(surface, m.start(), m.end(), eid))
                seen[eid] = Entity(eid, name, etype)
    first = sentences[0]
    evs = [Event(plover, ENTITIES[a1][0], first.text, first.start, first.end, actor2=ENTITIES[a2][0] if a2 else None,
                 actor1_entity_id=a1, actor2_entity_id=a2, date=date) for plover, a1, a2, date in events]
    tx = []
    for text, value in timexes:
        i = body.find(text)
        assert i >= 0, text
        tx.append(Timex(text, i, i + len(text), "DATE", value))
    extraction = ArticleExtraction(aid, True, sentences=sentences, mentions=sorted(mentions, key=lambda m: m.start),
                                   entities=list(seen.values()), timexes=tx, events=evs)
    return article, extraction


def lee_xi_a() -> tuple[Article, ArticleExtraction]:
    return make("lee-xi-a", LEE_XI_A, title="Lee, Xi agree to strengthen strategic partnership in first phone call",
                outlet="Korea Herald", published="2025-06-10T18:00:00+09:00",
                events=[("CONSULT", "person:lee-jae-myung", "person:xi-jinping", "2025-06-10")],
                timexes=[("Tuesday", "2025-06-10")])


def lee_xi_b() -> tuple[Article, ArticleExtraction]:
    return make("lee-xi-b", LEE_XI_B, title="President Lee holds phone talks with Xi, invites him to APEC",
                outlet="KBS", published="2025-06-11T15:46:00+09:00",
                events=[("CONSULT", "person:lee-jae-myung", "person:xi-jinping", "2025-06-10")],
                timexes=[("Tuesday", "2025-06-10")])


def lee_xi_c() -> tuple[Article, ArticleExtraction]:
    # No event extracted here: it must join on text, entities and the timex date alone.
    return make("lee-xi-c", LEE_XI_C, title="Lee asks Xi to help with denuclearization in first phone call",
                outlet="JoongAng Daily", published="2025-06-10T18:45:00+09:00",
                timexes=[("Tuesday", "2025-06-10")])


def lee_trump() -> tuple[Article, ArticleExtraction]:
    return make("lee-trump", LEE_TRUMP, title="Lee, Trump agree on swift tariff deal in first phone call",
                outlet="Yonhap", published="2025-06-07T09:00:00+09:00",
                events=[("CONSULT", "person:lee-jae-myung", "person:donald-trump", "2025-06-06")],
                timexes=[("Friday", "2025-06-06")])


def lee_xi_second() -> tuple[Article, ArticleExtraction]:
    return make("lee-xi-second", LEE_XI_SECOND, title="Lee and Xi hold second phone call over Yellow Sea incident",
                outlet="Korea Times", published="2025-06-13T20:00:00+09:00",
                events=[("CONSULT", "person:lee-jae-myung", "person:xi-jinping", "2025-06-13")],
                timexes=[("Friday", "2025-06-13")])


def wildfire() -> tuple[Article, ArticleExtraction]:
    return make("wildfire", WILDFIRE, title="Wildfire forces 2,000 evacuations in Riverside County",
                outlet="LA Times", published="2025-06-11T20:00:00-07:00",
                timexes=[("Wednesday", "2025-06-11")])


def lee_xi_copy() -> tuple[Article, ArticleExtraction]:
    art, ex = make("lee-xi-copy", _near_copy(LEE_XI_A), title="Lee and Xi agree to deepen ties",
                   outlet="Asia Wire Republisher", published="2025-06-10T20:00:00+09:00",
                   events=[("CONSULT", "person:lee-jae-myung", "person:xi-jinping", "2025-06-10")])
    return art, ex


def ingest(store: Store, items: list[tuple[Article, ArticleExtraction]],
           config: ClusterConfig | None = None) -> list[StoryAssignment]:
    """What the pipeline does per article: save it and assign it in one transaction."""
    out = []
    for article, extraction in items:
        raw = RawDocument(article.path, "txt", article.body.encode(), article.body)
        with store.transaction() as tx:
            assert store.save_article(article, raw, extraction, conn=tx)
            out.append(cluster.assign(store, article, extraction, tx, config=config))
    return out


def groups(store: Store) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for aid, sid in store.partition().items():
        by_story.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in by_story.values()}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


# ---------------------------------------------------------------- features (pure)


def test_features_main_date_keys_and_terms() -> None:
    f = features(*lee_xi_b())
    assert f.date == "2025-06-10" and f.date_source == "event"
    assert f.main_keys == ["CONSULT|person:lee-jae-myung~person:xi-jinping"]
    assert "xi" in f.terms and "apec" in f.terms and "said" not in f.terms
    assert f.terms["apec"] > f.terms["analyst"]  # title words weigh more
    assert f.entities["person:xi-jinping"] > 0
    # No events: the commonest DATE timex near publication, else the publication day.
    assert features(*lee_xi_c()).date == "2025-06-10"
    assert features(*lee_xi_c()).date_source == "timex"
    art, ex = lee_xi_c()
    ex.timexes = []
    assert (features(art, ex).date, features(art, ex).date_source) == ("2025-06-10", "published")
    art.published = None
    assert features(art, ex).date is None  # unknown: date evidence is neutral


def test_features_places_are_the_places_the_title_names() -> None:
    assert features(*wildfire()).places == ["gpe:riverside-county"]
    art, ex = wildfire()
    art.title = "California wildfire forces 2,000 evacuations in Riverside County"  # in title order
    assert features(art, ex).places == ["gpe:california", "gpe:riverside-county"]
    assert features(*storms()[2]).places == ["gpe:drayton"]
    # Places named only in the body do not say where the event happened; no title, no places.
    assert features(*lee_xi_a()).places == []
    art.title = None
    assert features(art, ex).places == []


# ---------------------------------------------------------------- assignment decisions


def test_same_event_articles_join_one_story(store: Store) -> None:
    a, b, c = ingest(store, [lee_xi_a(), lee_xi_b(), lee_xi_c()])
    assert a.new_story and a.story_id == f"s-{lee_xi_a()[0].id}"
    assert not b.new_story and b.story_id == a.story_id
    assert not c.new_story and c.story_id == a.story_id
    assert b.scores["score"] >= b.scores["threshold"] and b.scores["event"] == 1.0
    assert "joined" in b.reason and "same event CONSULT" in b.reason
    row = store.story_rows(ids=[a.story_id])[0]
    assert row["event_date"] == "2025-06-10"
    assert row["n_articles"] == 3 and row["n_outlets"] == 3
    state = store.story_state(a.story_id)
    assert state["dirty"] is True and state["n_unique"] == 3
    assert a.story_id in store.stale_stories()  # corroboration must rerun
    assert store.story_of(b.article_id).reason == b.reason  # the explanation is stored


def test_different_call_same_president_same_week_is_another_story(store: Store) -> None:
    first = ingest(store, [lee_xi_a(), lee_xi_b()])[0]
    trump = ingest(store, [lee_trump()])[0]
    assert trump.new_story and trump.story_id != first.story_id
    assert trump.scores["candidates"] >= 1  # it was compared with the Lee-Xi story ...
    assert "vetoed" in trump.reason or trump.scores["best_score"] < trump.scores["threshold"]  # ... and kept out


def test_same_actors_other_day_is_another_occurrence(store: Store) -> None:
    first = ingest(store, [lee_xi_a(), lee_xi_b()])[0]
    second = ingest(store, [lee_xi_second()])[0]
    assert second.new_story and second.story_id != first.story_id
    assert "another occurrence" in second.reason


def test_unrelated_topic_is_another_story(store: Store) -> None:
    first = ingest(store, [lee_xi_a(), lee_xi_b()])[0]
    fire = ingest(store, [wildfire()])[0]
    assert fire.new_story and fire.story_id != first.story_id


def test_near_duplicate_joins_the_original_and_is_marked(store: Store) -> None:
    original = ingest(store, [lee_xi_a(), wildfire()])[0]
    copy = ingest(store, [lee_xi_copy()])[0]
    assert copy.duplicate_of == original.article_id
    assert copy.story_id == original.story_id and not copy.new_story
    assert copy.scores["dup_jaccard"] >= 0.5
    state = store.story_state(original.story_id)
    assert state["n"] == 2 and state["n_unique"] == 1  # counted once
    # A same-story article that is not a copy is not marked as one.
    other = ingest(store, [lee_xi_b()])[0]
    assert other.duplicate_of is None and other.story_id == original.story_id
    assert store.story_rows(ids=[original.story_id])[0]["n_copies"] == 1  # the story list says so


def test_joining_marks_the_analysis_stale_again(store: Store) -> None:
    a = ingest(store, [lee_xi_a()])[0]
    assert store.stale_stories() == [a.story_id]
    store.save_analysis(Story(id=a.story_id, title="Lee and Xi hold first call", article_ids=[a.article_id],
                              event_date="2025-06-10"))
    assert store.stale_stories() == []
    ingest(store, [lee_xi_b()])
    assert store.stale_stories() == [a.story_id]
    assert store.story_rows(ids=[a.story_id])[0]["title"] == "Lee and Xi hold first call"  # kept until re-analysed


def test_an_article_bridging_two_stories_merges_them(store: Store) -> None:
    # Two reports of one call split by an (artificially) strict first pass ...
    a, b = ingest(store, [lee_xi_a(), lee_xi_b()], config=ClusterConfig(threshold=9.0))
    assert a.story_id != b.story_id
    # ... a third report fits both: the stories are merged, the older id survives, the other is an alias.
    c = ingest(store, [lee_xi_c()], config=ClusterConfig(merge_similarity=0.1))[0]
    assert c.story_id == a.story_id and "merged" in c.reason
    assert len(groups(store)) == 1
    assert store.story_alias(b.story_id) == a.story_id
    assert store.story_of(b.article_id).story_id == a.story_id
    assert store.story_state(a.story_id)["n_unique"] == 3
    # A different event is not merged in, even when an article without event dates bridges it.
    second = ingest(store, [lee_xi_second()])[0]
    assert second.story_id != a.story_id


def test_assign_is_idempotent(store: Store) -> None:
    article, extraction = lee_xi_a()
    first = ingest(store, [(article, extraction)])[0]
    with store.transaction() as tx:
        again = cluster.assign(store, article, extraction, tx)
    assert again.story_id == first.story_id
    assert store.story_state(first.story_id)["n"] == 1


# ---------------------------------------------------------------- order independence and recluster

ALL = [lee_xi_a, lee_xi_b, lee_xi_c, lee_trump, lee_xi_second, wildfire, lee_xi_copy]


def test_incremental_in_two_orders_and_recluster_agree(tmp_path: Path) -> None:
    expected = {frozenset(make_()[0].id for make_ in (lee_xi_a, lee_xi_b, lee_xi_c, lee_xi_copy)),
                frozenset([lee_trump()[0].id]), frozenset([lee_xi_second()[0].id]), frozenset([wildfire()[0].id])}
    partitions = []
    for i, order in enumerate([ALL, list(reversed(ALL))]):
        with Store(tmp_path / f"o{i}.db") as s:
            ingest(s, [m() for m in order])
            assert groups(s) == expected
            ids_before = s.partition()
            result = recluster(s)
            assert result.same_partition and not result.moved, result.summary()
            assert s.partition() == ids_before  # ids survive the recluster
            partitions.append(groups(s))
    assert partitions[0] == partitions[1]


def test_recluster_reports_moves(store: Store) -> None:
    # Ingest with an impossible threshold (every article alone), recluster with the default one.
    ingest(store, [lee_xi_a(), lee_xi_b(), wildfire()], config=ClusterConfig(threshold=9.0))
    assert len(groups(store)) == 3
    result = recluster(store)
    assert not result.same_partition
    assert result.stories_before == 3 and result.stories_after == 2
    assert [m.article_id for m in result.moved] == [lee_xi_b()[0].id]
    assert result.retired == [f"s-{lee_xi_b()[0].id}"]


def test_recluster_never_folds_two_stories_into_one_id(store: Store) -> None:
    # One story "s-<a>" founded by a; replayed b first with every article alone: b's new story takes
    # the previous id s-<a>, so a's own story must get another id, not overwrite b's story state.
    a, b = ingest(store, [lee_xi_a(), lee_xi_b()])
    assert a.story_id == b.story_id == f"s-{a.article_id}"
    recluster(store, config=ClusterConfig(threshold=9.0), order=[b.article_id, a.article_id])
    assert len(groups(store)) == 2
    assert store.story_of(b.article_id).story_id == a.story_id  # the surviving id
    assert store.story_state(a.story_id)["n"] == 1
    # Replays are a function of the order alone: the same order again gives the same partition,
    # whatever ids the store held before.
    before = groups(store)
    recluster(store, order=[a.article_id, b.article_id])
    recluster(store, config=ClusterConfig(threshold=9.0), order=[b.article_id, a.article_id])
    assert groups(store) == before


# ---------------------------------------------------------------- the index, not a scan


def _filler(i: int, rng: random.Random) -> tuple[Article, ArticleExtraction]:
    """An unrelated article on its own made-up topic."""
    words = [f"topic{i}word{j}" for j in range(12)] + [f"common{rng.randrange(30)}" for _ in range(40)]
    rng.shuffle(words)
    body = " ".join(words) + "."
    return make(f"filler-{i}", body, title=f"Filler {i}", outlet=f"outlet{i % 7}",
                published=f"2025-06-{1 + i % 20:02d}T12:00:00+00:00")


def test_candidates_come_from_the_index_not_a_scan(tmp_path: Path) -> None:
    counts = []
    for n in (5, 120):
        with Store(tmp_path / f"n{n}.db") as s:
            rng = random.Random(7)
            ingest(s, [_filler(i, rng) for i in range(n)] + [lee_xi_a(), wildfire()])
            article, extraction = lee_xi_b()
            statements: list[str] = []
            with s.transaction() as tx:
                s.save_article(article, RawDocument("b.txt", "txt", b"b", "b"), extraction, conn=tx)
                s.conn.set_trace_callback(statements.append)
                probe = cluster.assign(s, article, extraction, tx)
                s.conn.set_trace_callback(None)
            counts.append(probe.scores["candidates"])
            assert probe.story_id == f"s-{lee_xi_a()[0].id}"
            # Every read the assignment makes is an index search: no table is scanned.
            for sql in statements:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                plan = " | ".join(r[3] for r in s.conn.execute("EXPLAIN QUERY PLAN " + sql))
                scans = re.findall(r"SCAN ([A-Za-z_]\w*)", plan)  # "SCAN 27 CONSTANT ROWS" is the query
                assert not [t for t in scans if t not in ("q", "hits")], (sql, plan)
    assert counts[0] == counts[1] <= 2  # unrelated stored articles are never candidates


def test_the_same_kind_of_event_in_another_town_is_another_story(tmp_path: Path) -> None:
    with Store(tmp_path / "with.db") as store:
        t1, t2, drayton = ingest(store, storms())
        assert t2.story_id == t1.story_id  # two outlets, one storm in Tarnvik
        assert drayton.new_story and drayton.story_id != t1.story_id
        assert drayton.scores["candidates"] >= 1  # compared with the Tarnvik story, and kept out by place
        assert drayton.scores["best_place"] == -1.0
        assert "other place: the title names Drayton, the story's place is Tarnvik" in drayton.reason
        assert store.story_state(t1.story_id)["places"] == {"gpe:tarnvik": 2}
    # Without the place evidence the words alone (storm, flood, record rain, evacuated) join them.
    with Store(tmp_path / "without.db") as store:
        t1, _, drayton = ingest(store, storms(), ClusterConfig(place_conflict=0.0))
        assert drayton.story_id == t1.story_id


def test_an_event_key_without_a_resolved_actor_is_no_evidence() -> None:
    f = features(*wildfire())
    state = {"terms": {"wildfire": 1.0}, "keys": {"REQUEST|name:critics": {"": 1}}}
    f.main_keys = ["REQUEST|name:critics"]  # "critics called for ...": said in every other story
    generic = cluster.score_story(f, {"wildfire": 1.0}, {}, "s-1", state, 0.0)
    assert "event" not in generic.scores and generic.shared_key is None
    unfiltered = cluster.score_story(f, {"wildfire": 1.0}, {}, "s-1", state, 0.0, ClusterConfig(named_actors_only=False))
    assert unfiltered.shared_key == "REQUEST|name:critics" and unfiltered.score > generic.score
    key = "REQUEST|name:critics~org:cal-fire"  # one resolved actor: evidence
    f.main_keys, state["keys"] = [key], {key: {"": 1}}
    assert cluster.score_story(f, {"wildfire": 1.0}, {}, "s-1", state, 0.0).scores["event"] == 1.0


def test_index_window_skips_far_dates(store: Store) -> None:
    a = ingest(store, [lee_xi_a()])[0]
    far_article, far_ex = lee_xi_b()
    far_article.published = "2025-09-30T10:00:00+09:00"
    for ev in far_ex.events:
        ev.date = "2025-09-30"
    far = ingest(store, [(far_article, far_ex)])[0]
    assert far.new_story and far.story_id != a.story_id
    assert far.scores["candidates"] == 0  # outside the index window: never even read


# ---------------------------------------------------------------- CLI


def test_cli_stories_and_story(tmp_path: Path) -> None:
    typer = pytest.importorskip("typer")
    from typer.testing import CliRunner

    from newsweave import cli_stories

    db = tmp_path / "cli.db"
    with Store(db) as s:
        ingest(s, [lee_xi_a(), lee_xi_b(), wildfire()])
        sid = s.story_of(lee_xi_a()[0].id).story_id
    app = typer.Typer()
    cli_stories.register(app)
    runner = CliRunner()
    listed = runner.invoke(app, ["stories", "--db", str(db), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["n_articles"] for r in rows if r["id"] == sid] == [2]
    shown = runner.invoke(app, ["story", sid[:10], "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "2025-06-10" in shown.output and "KBS" in shown.output and "joined" in shown.output
    shown_json = json.loads(runner.invoke(app, ["story", sid, "--db", str(db), "--json"]).output)
    assert {a["id"] for a in shown_json["articles"]} == {lee_xi_a()[0].id, lee_xi_b()[0].id}
    again = runner.invoke(app, ["recluster", "--db", str(db), "--no-analyze"])
    assert again.exit_code == 0, again.output
    assert "same" in again.output


# ---------------------------------------------------------------- the seeds, through the whole pipeline

_PIPELINE_READY = all(
    importlib.util.find_spec(f"newsweave.{m}") is not None
    for m in ("extract.entities", "extract.timex", "extract.events", "extract.quotes", "extract.quantities")
)
_CLEAN_READY = _PIPELINE_READY and hasattr(__import__("newsweave.clean", fromlist=["clean"]), "clean")

LEE_TRUMP_FILE = """Lee, Trump agree on swift tariff deal in first phone call
Published: 2025-06-07 09:00 KST

SEOUL, June 7 -- President Lee Jae-myung held his first phone call with U.S. President Donald Trump on Friday, three days after taking office.
Lee and Trump agreed to work toward a swift agreement on tariffs and to strengthen the alliance between Seoul and Washington, the presidential office said.
Trump congratulated Lee on his election win and invited him to visit the United States, while Lee said he hoped to meet Trump at the G7 summit.
The 20-minute call was held on Friday evening and covered trade, tariffs and the North Korean nuclear issue.
"""

WILDFIRE_FILE = """Wildfire forces 2,000 evacuations in Riverside County
Published: 2025-06-11

RIVERSIDE, Calif. -- A fast-moving wildfire in Riverside County, California forced the evacuation of more than 2,000 homes on Wednesday as strong winds pushed flames across dry brush.
Cal Fire said the blaze had burned 5,400 acres and was 10 percent contained by evening, with more than 800 firefighters fighting the fire.
Officials said hot, dry weather and gusts of up to 50 miles per hour made the fire difficult to control.
"""


@pytest.mark.slow
@pytest.mark.skipif(not _CLEAN_READY, reason="needs newsweave.clean.clean and the extract.* modules (issues 2 and 3)")
def test_seeds_form_one_story_dated_2025_06_10(seeds_dir: Path, tmp_path: Path) -> None:
    from newsweave import pipeline

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "lee_trump.txt").write_text(LEE_TRUMP_FILE, encoding="utf-8")
    (extra / "wildfire.txt").write_text(WILDFIRE_FILE, encoding="utf-8")
    with Store(tmp_path / "seeds.db") as s:
        result = pipeline.ingest(s, [seeds_dir, extra], analyze=False)
        assert not result.errors, result.errors
        seeds = [a for a in s.articles() if a.path.startswith(str(seeds_dir))]
        assert len(seeds) == 3
        stories = {s.story_of(a.id).story_id for a in seeds}
        assert len(stories) == 1, [s.story_of(a.id).reason for a in seeds]
        (sid,) = stories
        assert s.story_rows(ids=[sid])[0]["event_date"] == "2025-06-10"
        others = [a for a in s.articles() if a.path.startswith(str(extra))]
        assert len(others) == 2
        for a in others:
            assert s.story_of(a.id).story_id != sid, s.story_of(a.id).reason


# ---------------------------------------------------------------- the sample corpus, through the whole pipeline

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """examples/corpus ingested once (clean, extract, cluster; no corroboration) for this module."""
    from newsweave import pipeline

    with Store(tmp_path_factory.mktemp("corpus") / "corpus.db") as s:
        result = pipeline.ingest(s, [CORPUS], analyze=False)
        assert not result.errors, result.errors
        yield s


def _corpus_key(article: Article) -> str:
    """The examples/expected.json key: the path under examples/corpus, plus "#L<line>" for a feed row."""
    relative = Path(article.path).resolve().relative_to(CORPUS.resolve()).as_posix()
    return f"{relative}#L{article.line}" if article.line is not None else relative


def _corpus_groups(store: Store) -> set[frozenset[str]]:
    key_of = {a.id: _corpus_key(a) for a in store.articles()}
    by_story: dict[str, set[str]] = {}
    for aid, sid in store.partition().items():
        by_story.setdefault(sid, set()).add(key_of[aid])
    return {frozenset(g) for g in by_story.values()}


@pytest.mark.slow
@pytest.mark.skipif(not _CLEAN_READY, reason="needs newsweave.clean.clean and the extract.* modules (issues 2 and 3)")
def test_sample_corpus_forms_its_six_expected_stories(corpus_store: Store) -> None:
    truth = json.loads((CORPUS.parent / "expected.json").read_text(encoding="utf-8"))
    expected = {frozenset(story["articles"]) for story in truth["stories"].values()}
    assert len(expected) == 6
    got = _corpus_groups(corpus_store)
    assert got == expected, [sorted(g) for g in got ^ expected]
    # The same partition whatever the order the articles arrive in: replayed in the canonical
    # order (recluster) and in its reverse, each as incremental ingestion would assign them.
    assert recluster(corpus_store).same_partition
    recluster(corpus_store, order=list(reversed(replay_order(corpus_store))))
    assert _corpus_groups(corpus_store) == expected

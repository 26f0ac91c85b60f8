"""Corroboration on the seed articles: which facts all outlets share, which only one reports,
and a conflict made at test time by changing one article's number."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave import pipeline
from newsweave.brief import quote_words
from newsweave.store import Store

HANKYUNG, KBS, JOONGANG = SEED_HANKYUNG.name, SEED_KBS.name, SEED_JOONGANG.name


def analyze(paths: list[Path], db: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Ingest ``paths``, expect them in one story, return its analysis and {file name: article id}."""
    with Store(db) as store:
        result = pipeline.ingest(store, paths)
        assert not result.errors
        ids = {Path(a.path).name: a.id for a in store.articles()}
        bodies = {a.id: a.body for a in store.articles()}
        stories = {store.story_of(i).story_id for i in ids.values()}
        assert len(stories) == 1, "the seeds report one event and must form one story"
        analysis = store.analysis(stories.pop())
    assert analysis is not None
    analysis["_bodies"] = bodies  # for offset checks in these tests only
    return analysis, ids


@pytest.fixture(scope="module")
def seeds_story(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[dict[str, Any], dict[str, str]]:
    return analyze([seeds_dir], tmp_path_factory.mktemp("corroborate") / "seeds.db")


def fact_stating(
    analysis: dict[str, Any], ids: dict[str, str], phrases: dict[str, str | tuple[str, ...]]
) -> dict[str, Any]:
    """The fact whose evidence (the stating clause where known) holds a phrase in each given article.

    A tuple gives alternatives: an article that states the fact twice (a broadcast lead and its
    report) may be cited by either sentence.
    """
    matches = []
    for fact in analysis["facts"]:
        sentences: dict[str, list[str]] = {}
        for ev in fact["evidence"]:
            sentences.setdefault(ev["article_id"], []).append(ev["clause"] or ev["sentence"])
        if all(
            any(p in s for s in sentences.get(ids[name], []) for p in ((want,) if isinstance(want, str) else want))
            for name, want in phrases.items()
        ):
            matches.append(fact)
    assert matches, f"no fact states {phrases}"
    return max(matches, key=lambda f: len(f["article_ids"]))


CORROBORATED_BY_ALL = {
    "the call": {HANKYUNG: "first telephone conversation on Tuesday", KBS: "held a phone conversation",
                 JOONGANG: "first official phone call on Tuesday"},
    "its 30-minute length": {HANKYUNG: "30-minute conversation", KBS: "about 30 minutes",
                             JOONGANG: "approximately 30 minutes"},
    "the APEC invitation": {HANKYUNG: "extended a formal invitation to Xi", KBS: "invited Xi to the APEC Summit",
                            JOONGANG: "extended an invitation to the Chinese leader"},
    "the constructive-role request": {HANKYUNG: "“constructive role”",
                                      KBS: ("constructive role", "take an active role in advancing denuclearization"),
                                      JOONGANG: "constructive role"},
    "the shared-interest reply": {HANKYUNG: "“shared interest”", KBS: "shared interests",
                                  JOONGANG: "“shared interest”"},
    "the first visit in a decade": {HANKYUNG: "in over a decade", KBS: "first time in 11 years",
                                    JOONGANG: "since July 2014"},
}


@pytest.mark.parametrize("name", list(CORROBORATED_BY_ALL))
def test_facts_all_three_outlets_report_are_one_corroborated_fact(
    seeds_story: tuple[dict[str, Any], dict[str, str]], name: str
) -> None:
    analysis, ids = seeds_story
    fact = fact_stating(analysis, ids, CORROBORATED_BY_ALL[name])
    assert fact["status"] == "corroborated", fact
    assert sorted(fact["article_ids"]) == sorted(ids.values()), fact


def test_the_call_is_dated_and_the_story_too(seeds_story: tuple[dict[str, Any], dict[str, str]]) -> None:
    analysis, ids = seeds_story
    assert analysis["event_date"] == "2025-06-10"
    fact = fact_stating(analysis, ids, CORROBORATED_BY_ALL["the call"])
    assert "10 June 2025" in fact["text"] and "Lee Jae-myung" in fact["text"] and "Xi Jinping" in fact["text"]


def test_congratulation_cites_exactly_the_two_articles_that_report_it(
    seeds_story: tuple[dict[str, Any], dict[str, str]],
) -> None:
    analysis, ids = seeds_story
    fact = fact_stating(analysis, ids, {HANKYUNG: "congratulating Lee", JOONGANG: "congratulated Lee"})
    assert fact["status"] == "corroborated"
    assert sorted(fact["article_ids"]) == sorted([ids[HANKYUNG], ids[JOONGANG]])


@pytest.mark.parametrize(
    ("article", "phrase"),
    [(JOONGANG, "group tours"), (JOONGANG, "13 buoys"), (KBS, "call order was arranged")],
)
def test_details_one_outlet_reports_are_single_source(
    seeds_story: tuple[dict[str, Any], dict[str, str]], article: str, phrase: str
) -> None:
    analysis, ids = seeds_story
    fact = fact_stating(analysis, ids, {article: phrase})
    assert fact["status"] == "single_source"
    assert fact["article_ids"] == [ids[article]]


def test_no_false_conflicts_and_every_fact_has_evidence(seeds_story: tuple[dict[str, Any], dict[str, str]]) -> None:
    analysis, _ = seeds_story
    assert [f["text"] for f in analysis["facts"] if f["status"] == "conflicting"] == []
    bodies = analysis["_bodies"]
    for fact in analysis["facts"]:
        assert fact["evidence"], fact
        assert {e["article_id"] for e in fact["evidence"]} == set(fact["article_ids"])
        for ev in fact["evidence"]:  # offsets point at the evidence sentence in the article body
            assert bodies[ev["article_id"]][ev["start"]:ev["end"]].strip() == ev["sentence"]
    assert len({f["id"] for f in analysis["facts"]}) == len(analysis["facts"])


def test_every_sentence_of_the_brief_cites_its_sources(seeds_story: tuple[dict[str, Any], dict[str, str]]) -> None:
    analysis, ids = seeds_story
    brief = analysis["brief"]
    numbers = set(range(1, len(ids) + 1))
    body, _, sources = brief.partition("\n## Sources\n")
    assert sources.strip(), "the brief ends with its numbered sources"
    for n in numbers:
        assert re.search(rf"^{n}\. ", sources, re.M), f"source [{n}] is listed"
    checked = 0
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # a quotation is cited as a whole: its inner sentences are the speaker's, not the brief's
        text = re.sub(r"“[^”]*”", "“…”", line.lstrip("- ").strip())
        # every sentence ends with one or more [n] references before its final punctuation
        for sentence in re.split(r"(?<=[a-z0-9”)\]][.!?])\s+(?=[A-Z“(])", text):
            refs = re.findall(r"\[(\d+)\]", sentence)
            assert refs, f"uncited sentence in the brief: {sentence!r}"
            assert {int(r) for r in refs} <= numbers
            checked += 1
    assert checked >= 10
    for heading in ("## What happened", "## Where the sources differ", "## Who said what", "## Timeline"):
        assert heading in brief


def test_a_changed_number_becomes_a_conflict_listing_both_values(tmp_path: Path, seeds_dir: Path) -> None:
    copies = tmp_path / "seeds"
    shutil.copytree(seeds_dir, copies)
    kbs = copies / KBS
    text = kbs.read_text(encoding="utf-8")
    assert "about 30 minutes" in text
    kbs.write_text(text.replace("about 30 minutes", "about 45 minutes"), encoding="utf-8")
    analysis, ids = analyze([copies], tmp_path / "conflict.db")
    fact = fact_stating(analysis, ids, {KBS: "about 45 minutes", JOONGANG: "approximately 30 minutes"})
    assert fact["status"] == "conflicting"
    conflict = fact["conflict"]
    assert conflict["slot"] == "duration"
    by_value = {v["value"]: sorted(v["article_ids"]) for v in conflict["values"]}
    assert by_value.pop("about 45 minutes") == [ids[KBS]]
    assert sorted(a for v in by_value.values() for a in v) == sorted([ids[HANKYUNG], ids[JOONGANG]])
    assert "## Where the sources differ" in analysis["brief"] and "45" in analysis["brief"]


def test_sparse_pair_scores_of_a_large_story_align_as_the_dense_ones(
    seeds_story: tuple[dict[str, Any], dict[str, str]], tmp_path: Path, seeds_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A story too large for a dense score matrix keeps only its similar pairs: same facts."""
    from newsweave import corroborate

    monkeypatch.setattr(corroborate, "DENSE_MAX_STATEMENTS", 0)  # every story takes the sparse path
    sparse_analysis, _ = analyze([seeds_dir], tmp_path / "sparse.db")
    dense_analysis, _ = seeds_story

    def facts(analysis: dict[str, Any]) -> list[tuple[str, str, tuple[str, ...]]]:
        return sorted((f["status"], f["text"], tuple(sorted(f["article_ids"]))) for f in analysis["facts"])

    assert facts(sparse_analysis) == facts(dense_analysis)


def test_blocks_read_from_sparse_scores_equal_the_dense_blocks() -> None:
    """Merging reads sub-matrices of the sparse scores straight from CSR rows or CSC columns."""
    import numpy as np
    from scipy import sparse

    from newsweave.corroborate import _block

    rng = np.random.default_rng(11)
    dense = rng.random((60, 60)).astype(np.float32)
    dense[dense < 0.8] = 0.0
    dense[7] = 0.0  # a statement that scores nothing with anyone
    by_row = sparse.csr_matrix(dense)
    by_row.sort_indices()
    by_column = by_row.tocsc()
    by_column.sort_indices()
    for n_rows, n_cols in [(1, 1), (1, 40), (40, 1), (3, 25), (25, 3), (30, 30), (60, 60)]:
        rows = np.concatenate([[7], rng.choice(np.delete(np.arange(60), 7), size=n_rows - 1, replace=False)])
        cols = rng.choice(60, size=n_cols, replace=False)
        want = dense[np.ix_(rows, cols)]
        assert np.array_equal(_block(by_row, rows, cols, by_column), want)
        assert np.array_equal(_block(by_row, rows, cols), want)
        assert np.array_equal(_block(dense, rows, cols), want)


def test_a_story_over_the_analysis_bound_is_analysed_over_its_latest_articles(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """Corroboration is quadratic in a story's size: a huge story is analysed over its most
    recently added articles, keeps every article id, and says so in the analysis and the brief."""
    from newsweave.corroborate import analyze_story

    with Store(tmp_path / "big.db") as store:
        pipeline.ingest(store, [seeds_dir])
        story_id = store.story_of(store.articles()[0].id).story_id
        ingested = [a.article_id for a in store.assignments(story_id)]
        assert len(ingested) == 3
        whole = analyze_story(store, story_id)
        part = analyze_story(store, story_id, max_articles=2)
    assert whole is not None and whole.note is None
    assert part is not None and part.note is not None and "2 most recently added of the story's 3" in part.note
    assert sorted(part.article_ids) == sorted(ingested)  # the story keeps all its articles
    cited = {a for fact in part.facts for a in fact.article_ids}
    assert cited and cited <= set(ingested[1:])  # facts come from the latest two only
    assert {a for fact in whole.facts for a in fact.article_ids} == set(ingested)
    assert part.note in part.brief


@pytest.mark.parametrize(("stored", "shown"), [
    ('that the ferry would sail "as soon as the divers are done,"', 'the ferry would sail "as soon as the divers are done"'),
    ("“We will act quickly.”", "We will act quickly."),
    ('"Talks go on," he added', '"Talks go on," he added'),
    ("that the port stays shut", "the port stays shut"),
    ("“Talks will go on next week.", "Talks will go on next week."),  # the quote runs on below
])
def test_the_brief_shows_a_quote_without_its_outer_marks_but_closes_what_it_quotes(stored: str, shown: str) -> None:
    assert quote_words(stored) == shown


def test_a_country_in_a_call_stands_for_its_office_holders_on_the_timeline() -> None:
    from newsweave.corroborate import _Context, _standing_for
    from newsweave.records import Entity

    entities = [
        Entity("gpe:canada", "Canada", "GPE", country="CAN"),
        Entity("person:claire-dufresne", "Claire Dufresne", "PERSON", country="CAN", roles=["prime minister"]),
        Entity("person:ann-lee", "Ann Lee", "PERSON", country="CAN"),  # no office: does not speak for Canada
        Entity("person:anneli-korpela", "Anneli Korpela", "PERSON", country="FIN", roles=["prime minister"]),
    ]
    ctx = _Context("s", [], {}, {}, {e.id: e for e in entities}, set())
    assert _standing_for(ctx, "Canada") == {"Canada", "Claire Dufresne"}
    assert _standing_for(ctx, "Maren Holt") == {"Maren Holt"}


def test_a_bound_that_fits_both_figures_of_a_conflict_sides_with_neither() -> None:
    from newsweave.corroborate import _value_groups
    from newsweave.extract.quantities import compatible
    from newsweave.records import Quantity

    def count(text: str, value: float, approx: str = "exact", low: float | None = None) -> Quantity:
        high = float("inf") if low is not None else None  # "at least": no upper bound
        return Quantity(text, 0, len(text), value, "count:person", "count", approx, low, high)  # type: ignore[arg-type]

    fifteen, twelve = ("H", count("15 people", 15)), ("I", count("Twelve people", 12))
    at_least_12 = ("G", count("At least 12 people", 12, "at_least", 12))
    at_least_14 = ("J", count("at least 14 people", 14, "at_least", 14))
    for order in ([at_least_12, fifteen, twelve], [fifteen, at_least_12, twelve], [twelve, fifteen, at_least_12]):
        groups, fitting = _value_groups(order + [at_least_14], lambda a, b: compatible(a[1], b[1]))
        assert sorted(sorted(u for u, _ in g) for g in groups) == [["H", "J"], ["I"]]
        assert [u for u, _ in fitting] == ["G"]


def test_a_surname_in_brackets_is_a_label_and_is_not_spelled_out() -> None:
    from newsweave.corroborate import _canonical_text
    from newsweave.records import Entity, Mention, Statement

    text = "Solberg found the comet C/2031 B4 (Solberg) in March"
    st = Statement(start=0, end=len(text), sentence_start=0, sentence_end=len(text), text=text, predicate="find")
    mentions = [Mention("Solberg", 0, 7, "person:ingrid-solberg"), Mention("Solberg", 34, 41, "person:ingrid-solberg")]
    entities = {"person:ingrid-solberg": Entity("person:ingrid-solberg", "Ingrid Solberg", "PERSON")}
    assert _canonical_text(st, mentions, entities) == "Ingrid Solberg found the comet C/2031 B4 (Solberg) in March"


@pytest.mark.parametrize(("speaker", "entity_id", "common"), [
    ("A presidential official", None, True),
    ("Analysts", None, True),
    ("Preliminary orbital calculations", None, True),
    ("Nordvik Line", None, False),
    ("NASA officials", None, False),
    ("Annika Strand", "person:annika-strand", False),
])
def test_a_speaker_named_by_a_common_phrase_is_not_written_as_a_name(speaker: str, entity_id: str | None,
                                                                     common: bool) -> None:
    from newsweave.corroborate import _common_phrase

    assert _common_phrase(speaker, entity_id) is common


def test_the_brief_lists_a_quoted_phrase_once_when_the_paraphrase_around_it_is_listed() -> None:
    from newsweave.brief import render_brief
    from newsweave.records import Article, Story, StoryQuote

    article = Article(id="a1", path="a.txt", body="...", title="Port to reopen", outlet="The Daily Example",
                      published="2026-03-02")
    phrase = "as soon as the divers are done with the hull"
    story = Story(id="s", title="Port to reopen", article_ids=["a1"], quotes=[
        StoryQuote("a1", f"the port would reopen “{phrase}”", "Ann Berg", None, direct=False),
        StoryQuote("a1", phrase, "Ann Berg", None, direct=True),
        StoryQuote("a1", "We will not take any risks with the ferries", "Ann Berg", None, direct=True),
    ])
    brief = render_brief(story, [article])
    said = brief.split("## Who said what", 1)[1].split("\n## ", 1)[0]
    assert said.count(phrase) == 1
    assert "(reported) the port would reopen" in said and "We will not take any risks" in said


@pytest.mark.parametrize("copy_of", [{"wire": "paper"}, {"paper": "wire"}])
def test_the_brief_says_which_outlet_republishes_which_by_publication_time(copy_of: dict[str, str]) -> None:
    from newsweave.brief import render_brief
    from newsweave.records import Article, Story

    wire = Article(id="wire", path="w.txt", body="...", outlet="Example Wire", published="2026-03-12T13:05:00+00:00")
    paper = Article(id="paper", path="p.txt", body="...", outlet="The Daily Example",
                    published="2026-03-12T16:40:00+01:00")
    story = Story(id="s", title="Rates rise", article_ids=["wire", "paper"])
    brief = render_brief(story, [wire, paper], copies=copy_of)  # whichever was stored first
    assert "The Daily Example republishes the report of Example Wire, so the two count as one source [1][2]." in brief

"""Atomic statements: how sentences are cut into one-predicate claims that read on their own."""

from __future__ import annotations

import pytest

from newsweave.extract.nlp import load_nlp
from newsweave.extract.statements import find_statements


@pytest.fixture(scope="module")
def statements_of():
    nlp = load_nlp()

    def run(text: str) -> list[str]:
        return [st.text for st in find_statements(nlp(text), [], [], [], [], [])]

    return run


def test_a_subject_relative_clause_is_its_own_statement_led_by_its_antecedent(statements_of) -> None:
    found = statements_of("The ferry, which left Tarnvik at dawn, sank near the harbour mouth.")
    assert "The ferry sank near the harbour mouth" in found
    assert "The ferry left Tarnvik at dawn" in found


def test_an_object_relative_clause_puts_its_antecedent_back_after_the_verb(statements_of) -> None:
    found = statements_of("Ties have improved since the 2017 dispute over the radar station, which the council opposed.")
    assert "the council opposed the radar station" in found
    assert not any("station the council" in text for text in found), found
    assert not any(" which " in f" {text} " for text in found), found


def test_a_condition_stays_with_its_main_clause(statements_of) -> None:
    found = statements_of("If the minister visits Ostholm next month, it will be her first trip there in a decade.")
    assert len(found) == 1 and found[0].startswith("If the minister visits Ostholm")


def test_a_clause_that_only_completes_its_noun_is_not_cut_off(statements_of) -> None:
    found = statements_of("The mayor wants to grow the port in a way that benefits every fishing family.")
    assert found == ["The mayor wants to grow the port in a way that benefits every fishing family"]


def test_a_line_break_after_the_sentence_leaves_no_stray_full_stop(statements_of) -> None:
    found = statements_of("At least 12 people were hurt on Monday evening when a fire broke out in the hold.\n")
    assert "At least 12 people were hurt on Monday evening" in found
    assert all(not text.endswith(" .") and "\n" not in text for text in found), found


def test_a_conjoined_speech_verb_does_not_dangle_once_its_content_stands_alone(statements_of) -> None:
    found = statements_of("The operator put the repair bill at 20 million crowns and said the ship would be "
                          "out of service for weeks.")
    assert "The operator put the repair bill at 20 million crowns" in found
    assert "the ship would be out of service for weeks" in found


def test_an_appositive_hung_across_the_verb_stays_out_and_words_keep_their_order(statements_of) -> None:
    # the parser attaches "a sequence" to "call", across "came": the subtree comes out of order
    found = statements_of("Holt’s call with Arai came after she had spoken on the phone to Estvian President "
                          "Anna Dufresne on Friday and Finnish Prime Minister Lauri Korpela on Monday — a sequence "
                          "that surprised some observers given Holt’s previous calls for better relations with Japan.")
    assert "Holt’s call with Arai came" in found
    assert not any("sequence came" in text for text in found), found


def test_by_start_finds_what_starts_in_a_range_and_falls_back_when_unsorted() -> None:
    from newsweave.extract.statements import _ByStart

    starts = [3, 8, 8, 15, 40, 41]
    in_order = _ByStart(starts, lambda s: s)
    assert [starts[i] for i in in_order.positions(8, 40)] == [8, 8, 15, 40]
    assert in_order.between(0, 2) == [] and in_order.between(41, 99) == [41]
    # unsorted (or a start unknown): every place, so the caller's own test decides
    assert list(_ByStart([5, 1, 9], lambda s: s).positions(4, 6)) == [0, 1, 2]
    assert list(_ByStart([1, None, 9], lambda s: s).positions(0, 2)) == [0, 1, 2]


def test_a_statement_takes_only_the_dates_of_the_words_it_kept() -> None:
    # The relative clause is a statement of its own: its January is not the date of the first call.
    from newsweave.records import Timex

    text = ("Holt, a former fisheries minister who won the presidency in a January run-off, made her first "
            "call to a foreign leader on Friday.")
    timexes = [Timex(text=word, start=text.index(word), end=text.index(word) + len(word), type="DATE",
                     value=value, anchored=True) for word, value in (("January", "2026-01"), ("Friday", "2026-03-06"))]
    found = {st.text: [t.value for t in st.timexes]
             for st in find_statements(load_nlp()(text), [], timexes, [], [], [])}
    call = next(key for key in found if "first call" in key)
    assert "January" not in call
    assert found[call] == ["2026-03-06"]
    run_off = next(key for key in found if "run-off" in key)
    assert found[run_off] == ["2026-01"]


def test_a_conjoined_speech_verb_goes_when_its_content_hangs_below_a_second_frame(statements_of) -> None:
    # parsed as "and said [the ministry said [Japan hoped ...]]": the content is a statement of its own
    found = statements_of("Arai congratulated Holt, who took office on March 2, and said Japan hoped to build "
                          "“a forward-looking partnership” with Norland, the ministry said in a readout.")
    assert "Arai congratulated Holt" in found
    assert not any("said" in text for text in found), found
    assert any(text.startswith("Japan hoped to build") for text in found), found


def test_a_dateline_parsed_as_a_second_subject_is_not_what_a_figure_measures() -> None:
    from newsweave.extract.quantities import find_quantities

    doc = load_nlp()("OSTHOLM, June 3 (MPA) - Norland's port authority raised its mooring fee by 12 percent on Monday, "
                     "saying costs were rising faster than expected.")
    [statement] = [st for st in find_statements(doc, [], [], find_quantities(doc), [], []) if st.quantities]
    assert statement.measures == ["authority|percent|percent"]


def test_a_who_clause_on_an_apposition_is_said_of_the_named_person(statements_of) -> None:
    found = statements_of("The mayor met Lars Eide, a ferry captain who has sailed the route for twenty years, "
                          "on Monday.")
    assert "Lars Eide has sailed the route for twenty years" in found
    assert "The mayor met Lars Eide, a ferry captain, on Monday" in found


def test_a_relative_clause_without_a_relative_word_stays_with_its_noun(statements_of) -> None:
    found = statements_of("Solberg, 67, uses a small reflecting telescope and a camera she bought second-hand "
                          "in 2019.")
    assert found == ["Solberg, 67, uses a small reflecting telescope and a camera she bought second-hand in 2019"]


def test_a_statement_ending_in_brackets_keeps_the_closing_one(statements_of) -> None:
    found = statements_of("The observatory gave the comet the designation C/2031 B4 (Lindqvist).")
    assert found == ["The observatory gave the comet the designation C/2031 B4 (Lindqvist)"]

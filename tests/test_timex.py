"""Time expressions: detection and TIMEX3 normalisation against the publish time (issue 3, "Time")."""

from __future__ import annotations

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave.extract.quantities import compatible, find_quantities
from newsweave.extract.timex import (
    elapsed_since,
    find_timexes,
    find_timexes_in_text,
    parse_anchor,
    timex_compatible,
)
from newsweave.records import Timex

TUE = "2025-06-10"  # a Tuesday
WED = "2025-06-11"


def _by_text(timexes: list[Timex]) -> dict[str, Timex]:
    return {t.text: t for t in timexes}


def _value(text: str, anchor: str | None, expression: str) -> str:
    found = _by_text(find_timexes_in_text(text, anchor))
    assert expression in found, f"{expression!r} not found in {sorted(found)}"
    return found[expression].value


# ---------------------------------------------------------------- the examples


def test_bare_weekday_in_past_news_is_the_latest_one_on_or_before_the_anchor() -> None:
    text = "The two presidents spoke by phone on Tuesday. Their aides had met on Friday."
    assert _value(text, TUE, "Tuesday") == "2025-06-10"
    assert _value(text, TUE, "Friday") == "2025-06-06"


def test_weekday_with_future_tense_is_the_next_one() -> None:
    assert (
        _value("The two sides will meet again on Friday, the ministry said.", TUE, "Friday") == "2025-06-13"
    )
    assert _value("Officials are scheduled to travel on Monday.", TUE, "Monday") == "2025-06-16"


def test_yesterday_today_tomorrow() -> None:
    text = "Lee spoke with Xi yesterday. Today's talks follow; a vote is due tomorrow."
    assert _value(text, WED, "yesterday") == "2025-06-10"
    assert _value(text, WED, "Today") == "2025-06-11"
    assert _value(text, WED, "tomorrow") == "2025-06-12"


def test_last_weekday_is_strictly_before_the_anchor() -> None:
    assert _value("Last Friday, the minister resigned.", TUE, "Last Friday") == "2025-06-06"
    # even on a Tuesday, "last Tuesday" is a week back
    assert _value("The vote took place last Tuesday.", TUE, "last Tuesday") == "2025-06-03"


def test_month_without_year() -> None:
    assert _value("Korea will host the summit in Gyeongju in November.", TUE, "November") == "2025-11"
    # the month hangs off "summit", not the past-tense verb: still this year's November
    text = "Lee invited Xi to this year's APEC summit in Gyeongju in November."
    assert _value(text, TUE, "November") == "2025-11"
    # a past event in a month after the anchor's month: last year
    assert _value("He visited Beijing in November.", TUE, "November") == "2024-11"
    assert _value("The invitation is for this November.", TUE, "this November") == "2025-11"


def test_relative_years_weeks_and_months() -> None:
    text = (
        "Sales rose earlier this year but fell last year, and the company expects growth next year. "
        "Officials met last week and will meet next week; exports dropped last month."
    )
    found = _by_text(find_timexes_in_text(text, TUE))
    assert found["earlier this year"].value == "2025"
    assert found["last year"].value == "2024"
    assert found["next year"].value == "2026"
    assert found["last week"].value == "2025-W23"
    assert found["next week"].value == "2025-W25"
    assert found["last month"].value == "2025-05"


def test_absolute_dates_in_several_formats() -> None:
    text = (
        "The drill ran from May 22 to 28. Talks resumed on 10 June 2025, or Jun. 10, reported as 2025-06-10 "
        "and 2025.06.10; the last visit was in July 2014, the dispute began in 2017."
    )
    found = _by_text(find_timexes_in_text(text, TUE))
    assert found["May 22"].value == "2025-05-22"
    assert found["28"].value == "2025-05-28"
    assert found["10 June 2025"].value == "2025-06-10"
    assert found["Jun. 10"].value == "2025-06-10"
    assert found["2025-06-10"].value == "2025-06-10"
    assert found["2025.06.10"].value == "2025-06-10"
    assert found["July 2014"].value == "2014-07"
    assert found["2017"].value == "2017"


def test_publish_time_with_clock_and_zone_is_an_anchor() -> None:
    assert parse_anchor("2025-06-10T18:45:00+09:00").isoformat() == "2025-06-10"
    assert parse_anchor("not a date") is None
    text = (
        "Published: 10 Jun. 2025, 18:45. The leaders spoke for half an hour on Tuesday evening at 6:30 p.m."
    )
    found = _by_text(find_timexes_in_text(text, "2025-06-10T18:45:00+09:00"))
    assert found["10 Jun. 2025, 18:45"] == Timex("10 Jun. 2025, 18:45", 11, 30, "TIME", "2025-06-10T18:45")
    assert found["Tuesday evening"].value == "2025-06-10TEV"
    assert found["6:30 p.m."].value == "2025-06-10T18:30"
    assert found["half an hour"].value == "PT30M"


def test_durations_sets_decades_seasons_and_references() -> None:
    text = (
        "Inspections happen every week and reports come out daily. The talks lasted 30 minutes after a "
        "30-minute delay, the first visit in over a decade and the first in 11 years; disputes went on for "
        "years. Kang said the morning conversation recalled the 1990s and plans for this summer. "
        "Now the two meet; relations recently improved, and the future looks brighter."
    )
    found = _by_text(find_timexes_in_text(text, TUE))
    expected = {
        "every week": ("SET", "P1W"), "daily": ("SET", "P1D"), "30 minutes": ("DURATION", "PT30M"),
        "30-minute": ("DURATION", "PT30M"), "over a decade": ("DURATION", "P10Y"), "11 years": ("DURATION", "P11Y"),
        "years": ("DURATION", "PXY"), "morning": ("TIME", "2025-06-10TMO"), "the 1990s": ("DATE", "199"),
        "this summer": ("DATE", "2025-SU"), "Now": ("DATE", "PRESENT_REF"), "recently": ("DATE", "PAST_REF"),
        "the future": ("DATE", "FUTURE_REF"),
    }  # fmt: skip
    for expression, (typ, value) in expected.items():
        assert expression in found, expression
        assert (found[expression].type, found[expression].value) == (typ, value), expression


def test_quarters_follow_business_news_conventions() -> None:
    text = (
        "Profit fell in the first quarter; the third quarter of 2024 was strong. A year ago, it lost money."
    )
    found = _by_text(find_timexes_in_text(text, TUE))
    assert found["the first quarter"].value == "2025-Q1"
    assert found["the third quarter of 2024"].value == "2024-Q3"
    # "a year ago" after a quarter is that quarter a year before
    assert found["A year ago"].value == "2023-Q3"


# ---------------------------------------------------------------- event-anchored offsets


def test_offset_from_an_event_resolves_when_the_event_is_dated() -> None:
    text = (
        "Park Min-su was inaugurated on June 4. On Tuesday, six days after his inauguration, he held his "
        "first call with the Chinese leader."
    )
    found = _by_text(find_timexes_in_text(text, WED))
    assert found["June 4"].value == "2025-06-04"
    assert found["Tuesday"].value == "2025-06-10"
    offset = found["six days after his inauguration"]
    assert (offset.type, offset.value, offset.anchored) == ("DATE", "2025-06-10", True)


def test_offset_from_an_event_via_took_office() -> None:
    text = "Park took office on June 4. Six days after his inauguration, he called Xi."
    assert _value(text, WED, "Six days after his inauguration") == "2025-06-10"


def test_offset_from_an_undated_event_stays_unresolved() -> None:
    text = "On Tuesday, six days after his inauguration, President Park held a call. It came a day after he spoke with Tokyo."
    found = _by_text(find_timexes_in_text(text, WED))
    assert found["Tuesday"].value == "2025-06-10"
    offset = found["six days after his inauguration"]
    assert (offset.type, offset.value, offset.anchored) == ("DATE", "XXXX-XX-XX", False)
    assert found["a day after"].anchored is False


# ---------------------------------------------------------------- no anchor


def test_without_anchor_relative_expressions_are_unanchored_with_x_values() -> None:
    text = (
        "On Tuesday the minister met yesterday's visitors. The deal was signed on June 10, 2025 and takes "
        "effect in November. Exports fell last week. The talks lasted 30 minutes."
    )
    found = _by_text(find_timexes_in_text(text, None))
    assert (found["Tuesday"].value, found["Tuesday"].anchored) == ("XXXX-WXX-2", False)
    assert (found["yesterday"].value, found["yesterday"].anchored) == ("XXXX-XX-XX", False)
    assert (found["November"].value, found["November"].anchored) == ("XXXX-11", False)
    assert (found["last week"].value, found["last week"].anchored) == ("XXXX-WXX", False)
    assert (found["June 10, 2025"].value, found["June 10, 2025"].anchored) == ("2025-06-10", True)
    assert (found["30 minutes"].value, found["30 minutes"].anchored) == ("PT30M", True)


def test_offsets_index_the_doc_text(tmp_path: object) -> None:
    from newsweave.extract.nlp import load_nlp

    text = "Lee spoke with Xi on Tuesday.\nThe call lasted about 30 minutes."
    doc = load_nlp()(text)
    for t in find_timexes(doc, TUE):
        assert text[t.start : t.end] == t.text
    assert find_timexes(load_nlp()(""), TUE) == []


# ---------------------------------------------------------------- compatibility


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("2025-06", "2025-06-10", True),
        ("2025-06-10", "2025-06-06", False),
        ("2025", "2025-11", True),
        ("2025-W24", "2025-06-10", True),
        ("2025-W23", "2025-06-10", False),
        ("XXXX-WXX-2", "2025-06-10", True),  # a Tuesday
        ("XXXX-WXX-5", "2025-06-10", False),
        ("XXXX-11", "2025-11", True),
        ("XXXX-XX-XX", "2025-06-10", True),
        ("2025-Q2", "2025-06-10", True),
        ("2025-SU", "2025-07-01", True),
        ("199", "1997", True),
        ("2025-06-10T18:45", "2025-06-10", True),
        ("2025-06-10TMO", "2025-06-10T09:30", True),
        ("2025-06-10TMO", "2025-06-10T18:45", False),
        ("PT30M", "PT30M", True),
        ("PT30M", "PT0.5H", True),
        ("PT30M", "PT45M", False),
        ("PXY", "P11Y", True),
        ("P1W", "P7D", True),
        ("PT30M", "2025-06-10", False),
        ("PRESENT_REF", "2025-06-10", True),
        ("PAST_REF", "FUTURE_REF", False),
    ],
)
def test_timex_compatible(a: str, b: str, ok: bool) -> None:
    assert timex_compatible(a, b) is ok
    assert timex_compatible(b, a) is ok


def test_elapsed_since_a_date_compares_with_stated_durations() -> None:
    from newsweave.extract.nlp import load_nlp

    nlp = load_nlp()
    since = _by_text(find_timexes_in_text("It would be his first trip since July 2014.", TUE))["July 2014"]
    elapsed = elapsed_since(since, "2025-06-10T18:45:00+09:00")
    assert elapsed is not None and (elapsed.kind, elapsed.unit) == ("duration", "year")
    assert 10.8 < elapsed.low < elapsed.value < elapsed.high < 11
    eleven, decade, nine = (
        find_quantities(nlp(t))[0]
        for t in ("the first time in 11 years", "his first visit in over a decade", "the first in 9 years")
    )
    assert compatible(elapsed, eleven) and compatible(elapsed, decade) and not compatible(elapsed, nine)
    assert elapsed_since(since, None) is None
    future = _by_text(find_timexes_in_text("The summit is in November.", TUE))["November"]
    assert elapsed_since(future, TUE) is None


# ---------------------------------------------------------------- the seed articles (raw files)


@pytest.fixture(scope="module")
def seed_timexes(seeds_dir: object) -> dict[str, list[Timex]]:
    return {
        "000": find_timexes_in_text(SEED_HANKYUNG.read_text(encoding="utf-8"), "2025-06-10"),
        "001": find_timexes_in_text(SEED_KBS.read_text(encoding="utf-8"), "2025-06-11T15:46:00+09:00"),
        "002": find_timexes_in_text(SEED_JOONGANG.read_text(encoding="utf-8"), "2025-06-10T18:45:00+09:00"),
    }


def _values(timexes: list[Timex], text: str) -> set[str]:
    return {t.value for t in timexes if t.text == text}


def test_seed_joongang(seed_timexes: dict[str, list[Timex]]) -> None:
    found = seed_timexes["002"]
    assert _values(found, "Tuesday") == {"2025-06-10"}
    assert _values(found, "Friday") == {"2025-06-06"}  # "spoken to Trump on Friday"
    assert _values(found, "Monday") == {"2025-06-09"}
    assert _values(found, "May 22") == {"2025-05-22"}
    assert _values(found, "28") == {"2025-05-28"}
    assert _values(found, "July 2014") == {"2014-07"}
    assert _values(found, "approximately 30 minutes") == {"PT30M"}
    assert _values(found, "November") == {"2025-11"}
    assert _values(found, "earlier this year") == {"2025"}
    assert _values(found, "next year") == {"2026"}
    assert _values(found, "morning") == {"2025-06-10TMO"}


def test_seed_kbs(seed_timexes: dict[str, list[Timex]]) -> None:
    found = seed_timexes["001"]
    assert _values(found, "yesterday") == {"2025-06-10"}
    assert _values(found, "Tuesday") == {"2025-06-10"}
    assert _values(found, "this November") == {"2025-11"}
    assert _values(found, "11 years") == {"P11Y"}
    assert _values(found, "about 30 minutes") == {"PT30M"}
    inauguration = [t for t in found if t.text == "six days after his inauguration"]
    assert inauguration and not inauguration[0].anchored  # the inauguration date is not in the article


def test_seed_hankyung(seed_timexes: dict[str, list[Timex]]) -> None:
    found = seed_timexes["000"]
    assert _values(found, "Last Friday") == {"2025-06-06"}
    assert _values(found, "last week") == {"2025-W23"}
    assert _values(found, "2026") == {"2026"}
    assert _values(found, "November") == {"2025-11"}
    assert _values(found, "30-minute") == {"PT30M"}
    assert _values(found, "over a decade") == {"P10Y"}
    assert _values(found, "Tuesday") == {"2025-06-10"}
    assert _values(found, "about 20 minutes") == {"PT20M"}
    day_after = [t for t in found if t.text == "a day after"]
    assert day_after and day_after[0].value == "XXXX-XX-XX" and not day_after[0].anchored


# ---------------------------------------------------------------- the publication day, schedules, modals, rates


THU = "2026-03-12T06:45:00+01:00"


def test_future_weekday_naming_the_publication_day_is_that_day() -> None:
    assert _value("The authority said it would send inspectors on Thursday.", THU, "Thursday") == "2026-03-12"
    assert _value("Inspectors will arrive next Thursday.", THU, "next Thursday") == "2026-03-19"


def test_due_and_modals_look_ahead() -> None:
    assert _value("A replacement vessel is due on Saturday.", THU, "Saturday") == "2026-03-14"
    assert _value("The comet should reach perihelion in November.", THU, "November") == "2026-11"
    assert _value("Rates rose in November.", THU, "November") == "2025-11"


def test_season_reached_through_a_noun_is_the_coming_one() -> None:
    assert _value("He pointed to another rate move before the summer.", THU, "the summer") == "2026-SU"


def test_rate_after_an_amount_is_a_set() -> None:
    found = _by_text(
        find_timexes_in_text("The country shipped 38,000 tonnes of salmon a year to Japan.", THU)
    )
    assert found["a year"].type == "SET" and found["a year"].value == "P1Y"
    assert not [
        t for t in find_timexes_in_text("Veltra needs a second big customer.", THU) if t.type == "DURATION"
    ]

"""Quantities: units, approximation markers and cross-outlet comparison (issue 3, "Quantities")."""

from __future__ import annotations

import math

import pytest

from conftest import SEED_JOONGANG
from newsweave.extract.nlp import load_nlp
from newsweave.extract.quantities import base_value, compatible, find_quantities, parse_number
from newsweave.records import Quantity


def _quantities(text: str) -> list[Quantity]:
    return find_quantities(load_nlp()(text))


def _one(text: str) -> Quantity:
    found = _quantities(text)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30", 30),
        ("1,200", 1200),
        ("3.5", 3.5),
        ("2 1/2", 2.5),
        ("2.3 million", 2.3e6),
        ("twenty-four", 24),
        ("a hundred thirty", 130),
        ("one hundred and ten", 110),
        ("a dozen", 12),
        ("thirteen", 13),
        ("banana", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


# ---------------------------------------------------------------- durations


def test_duration_wordings_compare_equal() -> None:
    plain, about, approx = (
        _one(t)
        for t in (
            "The 30-minute conversation covered security.",
            "The call lasted about 30 minutes.",
            "The call lasted approximately 30 minutes.",
        )
    )
    assert (plain.kind, plain.value, plain.unit, plain.approx) == ("duration", 30, "minute", "exact")
    assert (about.approx, about.low, about.high) == ("about", pytest.approx(27), pytest.approx(33))
    assert approx.approx == "about" and approx.text == "approximately 30 minutes"
    assert compatible(plain, about) and compatible(plain, approx) and compatible(about, approx)


def test_durations_are_canonicalised() -> None:
    half = _one("They spoke for half an hour.")
    decimal = _one("They spoke for 0.5 hours.")
    minutes = _one("They spoke for 120 minutes.")
    hours = _one("They spoke for 2 hours.")
    decade = _one("It was the first visit in a decade.")
    assert (half.value, half.unit) == (decimal.value, decimal.unit) == (30, "minute")
    assert (minutes.value, minutes.unit) == (hours.value, hours.unit) == (2, "hour")
    assert (decade.value, decade.unit) == (10, "year")


def test_different_durations_conflict() -> None:
    thirty, forty_five, twenty = (_one(f"The call lasted {n} minutes.") for n in (30, 45, 20))
    assert not compatible(thirty, forty_five)
    assert not compatible(twenty, thirty)
    assert not compatible(
        _one("The call lasted about 20 minutes."), _one("The call lasted about 30 minutes.")
    )


def test_over_a_decade_against_exact_years() -> None:
    over = _one("It would be his first visit in over a decade.")
    assert (over.value, over.unit, over.approx, over.low, over.high) == (10, "year", "over", 10, math.inf)
    eleven = _one("his first visit in 11 years")
    assert (eleven.approx, eleven.low, eleven.high) == ("exact", 10.5, 11.5)  # the figure's rounding interval
    assert compatible(over, eleven)
    assert not compatible(over, _one("his first visit in 9 years"))
    assert not compatible(over, _one("his first visit in 9.9 years"))  # "over" is strict: (10, inf)


def test_approximation_markers() -> None:
    nearly = _one("The dispute has lasted nearly 40 years.")
    assert (nearly.approx, nearly.low, nearly.high) == ("about", pytest.approx(36), 40)
    at_least = _one("The talks will take at least 3 hours.")
    assert (at_least.approx, at_least.low, at_least.high) == ("at_least", 3, math.inf)
    under = _one("The vote took less than 20 minutes.")
    assert (under.approx, under.low, under.high) == ("under", 0, 20)
    assert not compatible(under, _one("The vote took 25 minutes."))
    assert compatible(at_least, _one("The talks took 3 hours."))


def test_exact_figures_allow_their_rounding_only() -> None:
    thirty = _one("The call lasted 30 minutes.")
    assert (thirty.low, thirty.high) == (29.5, 30.5)
    assert not compatible(thirty, _one("The call lasted 31 minutes."))  # [29.5, 30.5) and [30.5, 31.5)
    assert compatible(_one("Growth was 7.5%."), _one("Growth was 7.53%."))
    assert not compatible(_one("Growth was 7.5%."), _one("Growth was 7.6%."))


def test_base_value_puts_durations_on_one_scale() -> None:
    half, hours = _one("They spoke for half an hour."), _one("They spoke for 2 hours.")
    assert (base_value(half), base_value(hours)) == (1800, 7200)
    assert base_value(_one("Exports rose 12%.")) == 12


def test_not_durations() -> None:
    assert _quantities("A 52-year-old man was arrested.") == []
    assert _quantities("The ban was imposed two weeks ago.") == []
    money = _quantities("The deal is worth $5 million a year.")
    assert [q.kind for q in money] == ["money"]


# ---------------------------------------------------------------- money, percent, distance


def test_money() -> None:
    usd = _one("Beijing pledged $1.2 billion in aid.")
    assert (usd.kind, usd.value, usd.unit) == ("money", 1.2e9, "USD")
    krw = _one("The budget is 3 trillion won.")
    assert (krw.value, krw.unit) == (3e12, "KRW")
    assert _one("The fund holds €5m.").unit == "EUR"
    assert _one("It cost W5.2 trillion.").unit == "KRW"
    # a figure with a scale word allows rounding of its last digit
    assert compatible(usd, _one("Beijing pledged $1.23 billion in aid."))
    assert not compatible(usd, _one("Beijing pledged $1.5 billion in aid."))
    assert not compatible(usd, krw)


def test_percent() -> None:
    digits, words = _one("Exports rose 12%."), _one("Exports rose twelve percent.")
    assert (digits.kind, digits.unit, digits.value) == ("percent", "percent", 12)
    assert compatible(digits, words)
    points = _one("The rate rose 1.5 percentage points.")
    assert points.unit == "percentage point" and not compatible(points, _one("The rate rose 1.5 percent."))


def test_distance_is_converted_but_keeps_its_wording() -> None:
    miles = _one("the two countries' 230-mile-wide exclusive economic zones")
    assert (miles.kind, miles.unit, miles.text) == ("distance", "km", "230-mile")
    assert miles.value == pytest.approx(370.15, abs=0.01)
    assert compatible(miles, _one("zones that are 370 km wide"))
    assert not compatible(miles, _one("zones that are 300 km wide"))


# ---------------------------------------------------------------- counts


def test_counts_keep_the_counted_noun() -> None:
    buoys = _one("Beijing has further deployed 13 buoys in the PMZ.")
    assert (buoys.kind, buoys.value, buoys.unit) == ("count", 13, "count:buoy")
    zones = _one("Beijing unilaterally declared three no-sail zones in the area.")
    assert (zones.value, zones.unit, zones.text) == (3, "count:no-sail zone", "three no-sail zones")
    assert _one("The navy sent a dozen ships.").value == 12
    over = _one("More than 20 ships took part.")
    assert (over.approx, over.unit) == ("over", "count:ship")
    assert compatible(over, _one("Some 25 ships took part."))
    assert not compatible(buoys, _one("Beijing has further deployed 13 ships."))
    dozens = _one("Dozens of villages were flooded.")
    assert (dozens.unit, dozens.approx, dozens.low, dozens.high) == ("count:village", "about", 24, 144)


def test_years_dates_ordinals_and_descriptions_are_not_quantities() -> None:
    text = (
        "The 2017 spat ended on June 10 in its first round. The two leaders met in 2017; "
        "it was the third meeting."
    )
    assert _quantities(text) == []


def test_seed_quantities() -> None:
    found = _quantities(SEED_JOONGANG.read_text(encoding="utf-8"))
    units = {(q.unit, q.value) for q in found}
    assert ("minute", 30) in units  # "approximately 30 minutes"
    assert ("count:buoy", 13) in units
    assert ("count:no-sail zone", 3) in units
    assert any(q.kind == "distance" and q.text == "230-mile" for q in found)
    assert all(q.unit != "count:spat" for q in found)  # "in 2017" is a year


# ---------------------------------------------------------------- rates, basis points, crowns, fractions


@pytest.mark.parametrize(
    "text",
    [
        "Exporters sell 12,000 tonnes of cod a year.",
        "The ban costs them hundreds of millions of kroner a year.",
        "That means roughly 300 crowns more a month.",
        "The plant will make 4 gigawatt-hours a year.",
    ],
)
def test_a_rate_is_no_duration(text: str) -> None:
    assert not [q for q in _quantities(text) if q.kind == "duration"]


def test_a_duration_that_is_not_a_rate_stays() -> None:
    assert _one("The plant was closed for a year.").unit == "year"


def test_basis_points_are_hundredths_of_a_point() -> None:
    bp = _one("The bank raised rates by 50 basis points.")
    pp = _one("The bank raised rates by 0.5 percentage points.")
    assert (bp.value, bp.unit) == (0.5, "percentage point") and compatible(bp, pp)


def test_crowns_are_money_and_vague_amounts_chain() -> None:
    crowns = _one("The damage was put at 12 million kroner.")
    assert (crowns.kind, crowns.unit, crowns.value) == ("money", "crown", 12e6)
    vague = _one("It costs hundreds of millions of crowns.")
    assert (vague.kind, vague.unit, vague.low, vague.high) == ("money", "crown", 2e8, 1e9)


def test_fractions_ordinals_and_edged_up_to() -> None:
    quarter = _one("The alarm came a quarter of an hour after departure.")
    assert (quarter.value, quarter.unit) == (15.0, "minute")
    assert not _quantities("The firm needs a second big customer.")
    assert _one("Unemployment has edged up to 5.1%.").approx == "exact"
    assert _one("Wages could rise up to 5.1%.").approx == "at_most"

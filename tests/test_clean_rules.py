"""The clean stage's building blocks: stamps, bylines, names, outlets, line rules, language."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.clean import outlets
from newsweave.clean.dates import estimate_published, find_stamp, parse_meta_date, weekday_mentions
from newsweave.clean.language import clearly_english, detect_language
from newsweave.clean.metadata import (
    copyright_holder,
    name_case,
    parse_byline,
    parse_credit,
    parse_name_org,
    parse_role_byline,
    parse_signoff,
    parse_stamp_line,
    parse_stamp_segments,
    reporter_in,
    split_author_field,
)
from newsweave.clean.text import _ratio_at_least, clean_text, is_breadcrumb

# ------------------------------------------------------------------ stamps


@pytest.mark.parametrize(
    ("line", "role", "iso"),
    [
        ("Published: 10 Jun. 2025, 18:45", "published", "2025-06-10T18:45:00"),
        ("Updated: 10 Jun. 2025, 19:07", "updated", "2025-06-10T19:07:00"),
        ("입력 2025.06.11 (15:46)", "published", "2025-06-11T15:46:00"),
        (" date 2025-06-11 News Today", "published", "2025-06-11"),
        ("Jun 09, 2025 (Gmt+09:00)", None, "2025-06-09"),
        ("June 10, 2025 at 5:12 p.m. EDT", None, "2025-06-10T17:12:00-04:00"),
        ("Updated 12:30 GMT, 3 June 2025", "updated", "2025-06-03T12:30:00+00:00"),
        ("Veröffentlicht am 11.06.2025, 15:46 Uhr", "published", "2025-06-11T15:46:00"),
        ("Tuesday, June 10, 2025", None, "2025-06-10"),
    ],
)
def test_stamp_lines(line: str, role: str | None, iso: str) -> None:
    stamp = parse_stamp_line(line)
    assert stamp is not None and stamp.stamp is not None
    assert stamp.role == role
    assert stamp.stamp.iso() == iso


def test_korean_label_implies_kst_and_program_name_is_kept() -> None:
    stamp = parse_stamp_line("입력 2025.06.11 (15:46)")
    assert stamp is not None and stamp.zone_hint == "Asia/Seoul"
    assert (
        stamp.stamp is not None
        and stamp.stamp.with_zone(stamp.zone_hint).iso() == "2025-06-11T15:46:00+09:00"
    )
    rest = parse_stamp_line(" date 2025-06-11 News Today")
    assert rest is not None and rest.rest == "News Today"


def test_explicit_offset_in_parentheses() -> None:
    found = find_stamp("Jun 09, 2025 (Gmt+09:00)")
    assert found is not None
    assert found[0].offset() is not None and found[0].offset().total_seconds() == 9 * 3600


@pytest.mark.parametrize(
    "line",
    [
        "The talks began on June 10, 2025, and lasted for three days without any agreement being reached.",
        "A year ago, he said, nobody would have believed it.",
        "Lee took office last week.",
    ],
)
def test_sentences_that_mention_dates_are_not_stamp_lines(line: str) -> None:
    assert parse_stamp_line(line) is None


def test_stamp_bar_with_program_name_and_two_stamps() -> None:
    bar = parse_stamp_segments("Evening Bulletin | Posted 2024.11.05 (19:10) | Modified 2024.11.05 (21:30)")
    assert bar is not None
    assert [(part.role, part.stamp.iso()) for part in bar if part.stamp] == [
        ("published", "2024-11-05T19:10:00"),
        ("updated", "2024-11-05T21:30:00"),
    ]
    assert bar[0].rest == "Evening Bulletin"  # the program name stays available as a weak masthead
    assert parse_stamp_segments("Home | Politics | Economy") is None  # no stamp: a menu
    assert parse_stamp_segments("Posted 2024.11.05 | Police said the road would reopen tonight.") is None


def test_relative_stamp_line() -> None:
    stamp = parse_stamp_line("Published 3 hours ago")
    assert stamp is not None and stamp.stamp is None
    assert stamp.ago is not None and stamp.ago.total_seconds() == 3 * 3600 and not stamp.day_only


def test_meta_dates() -> None:
    assert parse_meta_date("2025-03-02T08:15:00+01:00").iso() == "2025-03-02T08:15:00+01:00"
    assert parse_meta_date("2025-03-02T07:15:00Z").iso() == "2025-03-02T07:15:00+00:00"
    assert parse_meta_date("2025-03-02").iso() == "2025-03-02"
    assert parse_meta_date("not a date") is None
    # a UTC machine stamp shown in the newsroom's zone keeps the instant and gives the local day
    late = parse_meta_date("2019-10-18T22:04:00+00:00")
    assert late.to_local("Europe/Vienna").iso() == "2019-10-19T00:04:00+02:00"


# ------------------------------------------------------------------ estimating a missing date


def test_weekday_mentions_skip_last_next_and_plurals() -> None:
    text = (
        "On Tuesday they met. Last Friday he called. Next Monday they meet again. Markets close on Sundays."
    )
    assert weekday_mentions(text) == [1]


def test_estimate_from_related_links_and_weekday() -> None:
    related = [date(2025, 6, 9), date(2025, 6, 4), date(2025, 3, 28)]  # newest is a Monday
    assert estimate_published(related, "The call on Tuesday lasted 30 minutes.") == date(2025, 6, 10)
    assert estimate_published(related, "The call lasted 30 minutes.") == date(2025, 6, 9)
    assert estimate_published([], "No dates here at all.") is None
    assert estimate_published([], "The law took effect on May 2, 2025, and on Friday it was used.") == date(
        2025, 5, 2
    )


# ------------------------------------------------------------------ bylines, names, credits


def test_bylines() -> None:
    assert parse_byline("By JANE DOE, Associated Press").authors == ["Jane Doe"]
    assert parse_byline("By JANE DOE, Associated Press").outlet == "Associated Press"
    both = parse_byline("BY MICHAEL LEE AND SEO JI-EUN [[email protected]]")
    assert both is not None and both.authors == ["Michael Lee", "Seo Ji-eun"]
    assert parse_byline("- MICHAEL LEE").authors == ["Michael Lee"]
    relative = parse_byline("By 19 HOURS AGO")
    assert relative is not None and relative.authors == [] and relative.ago.total_seconds() == 19 * 3600
    assert parse_byline("By Nada Tawfik, BBC News, New York").authors == ["Nada Tawfik"]
    assert parse_byline("Von Roland Brockmann und Sebastian Drescher").authors == [
        "Roland Brockmann",
        "Sebastian Drescher",
    ]
    assert parse_byline("By the end of the day, trains were running again.") is None
    assert parse_byline("By Jane Doe, Staff Writer").authors == ["Jane Doe"]


def test_signoffs_and_credits() -> None:
    signoff = parse_signoff("Write to Jae-Young Han and Hyun-Jong Lee at jyhan@hankyung.com")
    assert signoff is not None and signoff.authors == ["Jae-Young Han", "Hyun-Jong Lee"]
    assert signoff.emails == ["jyhan@hankyung.com"]
    reuters = parse_signoff("Reporting by Hyonhee Shin; Editing by Ed Davies")
    assert reuters is not None and reuters.authors == ["Hyonhee Shin"]
    assert parse_credit("Reporting by Hyonhee Shin; Editing by Ed Davies") == ["Ed Davies"]
    assert parse_credit("In-Soo Nam edited this article.") == ["In-Soo Nam"]
    assert parse_credit("Editor: Kim Min-ji") == ["Kim Min-ji"]
    assert parse_credit("The president edited the speech himself, aides said.") is None
    assert parse_credit("With files from The Canadian Press") == []  # credited material, not a byline


def test_role_bylines_broadcast_signoffs_and_reporter_handovers() -> None:
    assert parse_role_byline("Amira Haddad, Courts correspondent").authors == ["Amira Haddad"]
    assert parse_role_byline("Ben Ortiz and Lea Kim, Staff Writers").authors == ["Ben Ortiz", "Lea Kim"]
    assert parse_role_byline("Chris Mason, Political editor").authors == ["Chris Mason"]
    assert parse_role_byline("Dana Fry, Editor") is None  # a bare "Editor" is as often a masthead credit
    assert parse_role_byline("Ilse Brandt, Presidential Spokeswoman") is None  # a source, not a journalist
    signoff = parse_name_org("Omar Said, KTV News.")
    assert signoff is not None and signoff.authors == ["Omar Said"] and signoff.org == "KTV News"
    known = parse_name_org("Jane Doe, BBC News, Cardiff")
    assert known is not None and known.outlet == "BBC News" and known.org is None  # the table knows it
    assert parse_name_org("Jane Doe, John Roe.") is None  # two people, no organisation
    assert parse_name_org("Thank you, Mr President.") is None
    intro = "Floods cut off three villages overnight. Our correspondent Mia Berg reports from Lindau."
    assert reporter_in(intro) == "Mia Berg"
    assert reporter_in("Prices rose again in May. Omar Said reports.") == "Omar Said"
    assert reporter_in("The ministry reports.") is None
    assert reporter_in("She said the agency reports every quarter.") is None


def test_copyright_holders() -> None:
    assert copyright_holder("© 2024 The Riverside Courier. All rights reserved.") == "The Riverside Courier"
    assert copyright_holder("Copyright © KTV Kestrel Television Network. No rebroadcast.") == (
        "KTV Kestrel Television Network"
    )
    assert copyright_holder("© 2021-2024 Lakeland Media Co. All rights reserved") == "Lakeland Media"
    assert copyright_holder("© 2024. All rights reserved.") is None
    assert copyright_holder("Copyright infringement cases rose sharply last year.") is None


def test_breadcrumbs() -> None:
    assert is_breadcrumb("Home > Local > Riverside")
    assert is_breadcrumb("SPORT › Football")
    assert is_breadcrumb("Breaking | Courts")
    assert not is_breadcrumb("Storm Bert: Thousands without power as flood warnings issued")
    assert not is_breadcrumb("Why the 4/20 rally drew record crowds / Analysis of a movement")


def test_name_case() -> None:
    assert name_case("SEO JI-EUN") == "Seo Ji-eun"  # Korean given name: lower case after the hyphen
    assert name_case("JEAN-PIERRE DUPONT") == "Jean-Pierre Dupont"
    assert name_case("CONOR O'BRIEN") == "Conor O'Brien"
    assert name_case("Jae-Young Han") == "Jae-Young Han"  # mixed case is kept as printed


def test_author_fields() -> None:
    assert split_author_field("By Glen Owen And Brendan Carlin For The Mail On Sunday") == [
        "Glen Owen",
        "Brendan Carlin",
    ]
    assert split_author_field("Markus M. Haefliger, London, Beat Bumbacher") == [
        "Markus M. Haefliger",
        "Beat Bumbacher",
    ]
    assert split_author_field("Grant Tinsley, PhD") == ["Grant Tinsley"]


# ------------------------------------------------------------------ outlets table


def test_outlet_lookups() -> None:
    assert outlets.by_domain("jyhan@hankyung.com").name == "The Korea Economic Daily"
    assert outlets.by_domain("https://news.kbs.co.kr/news/view.do?ncd=1").name == "KBS"
    assert outlets.by_domain("https://example.org/") is None
    assert outlets.by_masthead("the korea joongang daily").name == "Korea JoongAng Daily"
    assert outlets.by_masthead("News Today") is None  # a program name is only a weak masthead
    assert outlets.by_program("News Today").name == "KBS"
    assert outlets.is_agency("Yonhap") and not outlets.is_agency("The Guardian")
    assert outlets.timezone_for_host("https://www.example.de/x") == "Europe/Berlin"
    assert outlets.registrable_domain("https://www.example.co.uk/a") == "example.co.uk"


# ------------------------------------------------------------------ line rules


def kinds(text: str) -> dict[str, str]:
    return {line.text: line.kind for line in clean_text(text).lines}


def test_related_list_after_body_is_dropped_and_dated() -> None:
    text = (
        "Main headline of the story here\n"
        "The first paragraph of the story explains what happened on Monday in the capital city.\n"
        "The second paragraph adds detail about who was involved and what they said afterwards.\n"
        "PoliticsAn older story about something related\n"
        "Jun 05, 2025 (Gmt+09:00)\n"
        "3 Min read -\n"
        "EconomyAnother older story about prices\n"
        "Jun 04, 2025 (Gmt+09:00)\n"
        "2 Min read\n"
    )
    found = kinds(text)
    assert (
        found["The second paragraph adds detail about who was involved and what they said afterwards."]
        == "body"
    )
    assert found["PoliticsAn older story about something related"] == "related"
    assert found["Jun 05, 2025 (Gmt+09:00)"] == "related"
    assert found["3 Min read -"] == "readtime"


def test_heading_needs_prose_after_it() -> None:
    text = (
        "Headline of the article\n"
        "A first paragraph that is long enough to count as a sentence of the body.\n"
        "What comes next\n"
        "A second paragraph that is also long enough to count as a sentence of the body.\n"
    )
    found = kinds(text)
    assert found["What comes next"] == "heading"
    assert found["Headline of the article"] == "title"


def test_link_list_inside_the_body_is_dropped() -> None:
    text = (
        "Headline of the article\n"
        "A first paragraph that is long enough to count as a sentence of the body text.\n"
        "Most read stories of the week\n"
        "Minister resigns over budget row\n"
        "Heatwave to end by the weekend\n"
        "Local team wins the cup final\n"
        "A second paragraph that is long enough to count as a sentence of the body, and a third one follows.\n"
        "The third paragraph closes the article with a quote from the mayor, who spoke on Monday.\n"
    )
    found = kinds(text)
    assert found["Minister resigns over budget row"] == "nav"
    assert (
        found["The third paragraph closes the article with a quote from the mayor, who spoke on Monday."]
        == "body"
    )


def test_html_mode_keeps_short_content_lines() -> None:
    text = "200 g Zucker\n2 Eier\nDen Teig zu einem glatten Teig verarbeiten und eine Stunde ruhen lassen.\nAnzeige\n"
    found = {line.text: line.kind for line in clean_text(text, mode="html").lines}
    assert found["200 g Zucker"] == "body" and found["2 Eier"] == "body"
    assert found["Anzeige"] == "body"  # one-word labels are only dropped in scraped text (measured)


# ------------------------------------------------------------------ language


def test_language_detection() -> None:
    german = (
        "Die Bundesregierung hat am Dienstag beschlossen, die Förderung für Wärmepumpen im kommenden Jahr "
        "deutlich zu erhöhen. Verbände begrüßten die Entscheidung."
    )
    french = (
        "Le gouvernement a annoncé mardi une hausse importante des aides pour les pompes à chaleur, "
        "une décision saluée par les associations de consommateurs."
    )
    english = "The government said on Tuesday it would raise support for heat pumps sharply next year."
    assert detect_language(german) == "de"
    assert detect_language(french) == "fr"
    assert detect_language(english) == "en"
    assert detect_language("Ja, gut.") == "und"  # too short to tell


def test_english_check_says_english_only_for_plain_english() -> None:
    english = (
        "The council said on Tuesday that it would close the old bridge to lorries after engineers "
        "found cracks in two of its supports. Drivers have been told to use the ring road, which "
        "adds about ten minutes to the trip, and the council said repairs were expected to take "
        "until the spring. Shop owners near the bridge said they had not been warned."
    )
    # a German report quoting English: English words galore, but German function words too
    german_quoting = (
        "Der Minister sagte am Dienstag: \u201cWe have said that this will not be the last word, and "
        "the talks with their partners have been about the future.\u201d Die Opposition ist mit der "
        "Erkl\u00e4rung nicht zufrieden und fordert eine Debatte im Parlament, auch weil sich die "
        "Lage seit dem Fr\u00fchjahr versch\u00e4rft hat."
    )
    short = "The talks were about the future of the bridge."
    assert clearly_english(english)
    assert not clearly_english(german_quoting) and detect_language(german_quoting) == "de"
    assert not clearly_english(short)  # too few words to judge by counting; lingua decides
    assert detect_language(short) == "en"
    # False never means "not English": English without the common function words goes to lingua
    headlines = " ".join(["Storm closes schools, roads; power out across region"] * 8)
    assert not clearly_english(headlines) and detect_language(headlines) == "en"


def test_reader_prompts_are_dropped_but_news_sentences_with_the_same_words_are_kept() -> None:
    text = (
        "Hackers breach city payroll system\n"
        "Menu\n"
        "Home | News | Local\n"
        "By Ken Adams\n"
        "Hackers used stolen passwords to log in to the city's payroll system last week, officials said.\n"
        "The city told employees to sign up for credit monitoring, which it will pay for.\n"
        "The breach exposed the bank details of about 4,000 workers, according to a council report.\n"
        "Sign up for our morning newsletter\n"
        "Please log in to leave a comment.\n"
    )
    found = kinds(text)
    assert (
        found[
            "Hackers used stolen passwords to log in to the city's payroll system last week, officials said."
        ]
        == "body"
    )
    assert found["The city told employees to sign up for credit monitoring, which it will pay for."] == "body"
    assert found["Sign up for our morning newsletter"] == "prompt"
    assert found["Please log in to leave a comment."] == "prompt"
    assert found["Hackers breach city payroll system"] == "title"
    assert found["Home | News | Local"] == "nav"  # a breadcrumb is never the title


# ------------------------------------------------------------------ the similarity shortcut

_NEAR_TEXTS = st.text(alphabet="abcde fghij.,", min_size=0, max_size=120)


@settings(max_examples=400, deadline=None)
@given(a=_NEAR_TEXTS, edits=st.lists(st.tuples(st.integers(0, 119), st.sampled_from("abz ,.")), max_size=8),
       threshold=st.sampled_from([0.85, 0.95]))
def test_ratio_shortcut_answers_like_difflib(a: str, edits: list[tuple[int, str]], threshold: float) -> None:
    """The character-count bound only ever says no where difflib's ratio says no too."""
    b = list(a)
    for at, ch in edits:  # near copies as well as unrelated strings reach the threshold
        if b:
            b[at % len(b)] = ch
        else:
            b.append(ch)
    other = "".join(b)
    expected = difflib.SequenceMatcher(None, a, other).ratio() >= threshold
    assert _ratio_at_least(a, other, threshold) is expected


def test_language_needs_letters_not_digits() -> None:
    assert detect_language("2025-06-10 12:00 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14") == "und"
    assert detect_language("The president spoke with his counterpart by phone on Tuesday evening.") == "en"

"""The clean stage end to end: the three seed articles, and invented articles in other styles."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import SEED_HANKYUNG, SEED_JOONGANG, SEED_KBS
from newsweave.clean import NoArticleError, body_hash, clean
from newsweave.records import Article, RawDocument


def seed_doc(path: Path, fetched: str | None = None) -> RawDocument:
    raw = path.read_bytes()
    return RawDocument(path=str(path), format="txt", raw=raw, text=raw.decode("utf-8"), fetched=fetched)


def text_doc(text: str, **kwargs: object) -> RawDocument:
    kwargs.setdefault("format", "txt")
    return RawDocument(path="invented.txt", raw=text.encode("utf-8"), text=text, **kwargs)


def html_doc(page: str, **kwargs: object) -> RawDocument:
    return RawDocument(
        path="invented.html",
        format="html",
        raw=page.encode("utf-8"),
        text=page,
        content_format="html",
        **kwargs,
    )


def paragraphs(article: Article) -> list[str]:
    return article.body.split("\n")


def assert_dropped(article: Article, *snippets: str) -> None:
    for snippet in snippets:
        assert snippet not in article.body, f"clutter kept: {snippet!r}"


# ------------------------------------------------------------------ seed 000: KED Global style


@pytest.fixture(scope="module")
def hankyung(seeds_dir: Path) -> Article:
    return clean(seed_doc(SEED_HANKYUNG))


def test_hankyung_metadata(hankyung: Article) -> None:
    assert hankyung.title == "South Korea’s Lee, China’s Xi agree on closer ties, peace on peninsula"
    assert hankyung.subtitle == (
        "During his first phone call with the Chinese leader, Lee formally invited Xi to this year’s APEC "
        "summit in Gyeongju in November"
    )
    assert hankyung.outlet == "The Korea Economic Daily"  # from the reporter's hankyung.com address
    assert hankyung.authors == ["Jae-Young Han", "Hyun-Jong Lee"]
    assert "In-Soo Nam" not in hankyung.authors  # the editor
    assert hankyung.language == "en"
    assert hankyung.updated is None


def test_hankyung_published_is_estimated_without_fetch_time(hankyung: Article) -> None:
    # "By 19 HOURS AGO", no fetch time: newest related link is Mon Jun 9, the body says "on Tuesday"
    assert hankyung.published == "2025-06-10"
    assert hankyung.published_estimated is True


def test_hankyung_relative_stamp_with_fetch_time(seeds_dir: Path) -> None:
    article = clean(seed_doc(SEED_HANKYUNG, fetched="2025-06-11T10:00:00+09:00"))
    assert article.published == "2025-06-10T15:00:00+09:00"
    assert article.published_estimated is False


def test_hankyung_body_keeps_every_paragraph(hankyung: Article) -> None:
    lines = paragraphs(hankyung)
    assert lines[0].startswith(
        "South Korea’s newly elected President Lee Jae-myung and Chinese President Xi Jinping"
    )
    assert (
        lines[-1]
        == "Last Friday, Lee also had an inaugural phone call with Trump that lasted about 20 minutes."
    )
    assert '"The two leaders reached a consensus that advancing Korea-China relations' in hankyung.body
    assert any(line.startswith("“The conversation was conducted in a friendly") for line in lines)
    assert len(lines) == 26
    assert "" not in lines


def test_hankyung_headings(hankyung: Article) -> None:
    headings = ["LEE INVITES XI TO APEC SUMMIT IN GYEONGJU", "DIPLOMATIC BRIDGE BETWEEN BEIJING, WASHINGTON"]
    assert hankyung.headings == headings
    lines = paragraphs(hankyung)
    for heading in headings:
        assert heading in lines  # a line of its own, in place
    assert lines[lines.index(headings[0]) + 1].startswith(
        "A key focus of the call was the upcoming APEC summit"
    )


def test_hankyung_drops_clutter(hankyung: Article) -> None:
    assert_dropped(
        hankyung,
        "South Korea’s Lee, China’s Xi agree",  # title
        "During his first phone call with the Chinese leader",  # dek
        "19 HOURS AGO",
        "Seoul-backed K-beauty brands set to make global mark",  # headline navigation
        "Europe looms large as K-beauty brands",
        "Write to Jae-Young Han",
        "jyhan@hankyung.com",
        "In-Soo Nam edited this article",
        "Min read",
        "Jun 09, 2025",
        "Business & Politics",
        "Samsung's Lee meets with Xi",  # last related link
    )


# ------------------------------------------------------------------ seed 001: KBS broadcast script


@pytest.fixture(scope="module")
def kbs(seeds_dir: Path) -> Article:
    return clean(seed_doc(SEED_KBS))


def test_kbs_metadata(kbs: Article) -> None:
    assert kbs.title is None  # the script has no headline line
    assert kbs.outlet == "KBS"  # "News Today" program masthead, backed by the Korean stamp's zone
    assert kbs.authors == []  # speaker captions are not authors
    assert kbs.published == "2025-06-11T15:46:00+09:00"
    assert kbs.published_estimated is False
    assert kbs.language == "en"


def test_kbs_body(kbs: Article) -> None:
    lines = paragraphs(kbs)
    assert lines[0].startswith("President Lee Jae-myung spoke with Chinese President Xi Jinping yesterday")
    assert lines[1].startswith("On Tuesday, six days after his inauguration")
    assert (
        lines[-1]
        == "It’s also seen as a move to ease U.S. and Japanese concerns about Korea leaning toward China."
    )
    # soundbite speaker captions stay as their own lines, right before the soundbite
    index = lines.index("Kang Yu-jung / Presidential Spokesperson")
    assert lines[index + 1].startswith("Both leaders agreed to work together")
    assert "Park Byung-kwang / Institution for Nat'l Security Strategy" in lines
    assert kbs.headings == []
    assert_dropped(kbs, "[LEAD]", "[REPORT]", "입력", "News Today", "2025-06-11")


# ------------------------------------------------------------------ seed 002: Korea JoongAng Daily


@pytest.fixture(scope="module")
def joongang(seeds_dir: Path) -> Article:
    return clean(seed_doc(SEED_JOONGANG))


def test_joongang_metadata(joongang: Article) -> None:
    assert joongang.title == "Lee Jae-myung asks Xi Jinping to help with denuclearization in first phone call"
    assert joongang.subtitle is None
    assert joongang.outlet == "Korea JoongAng Daily"
    assert joongang.authors == ["Michael Lee", "Seo Ji-eun"]
    # no zone printed: the outlet table gives the newsroom's zone (KST)
    assert joongang.published == "2025-06-10T18:45:00+09:00"
    assert joongang.updated == "2025-06-10T19:07:00+09:00"
    assert joongang.published_estimated is False


def test_joongang_body(joongang: Article) -> None:
    lines = paragraphs(joongang)
    assert lines[0].startswith(
        "In their first official phone call on Tuesday, Korean President Lee Jae-myung urged"
    )
    assert lines[-1].startswith("“Such a meeting,” he noted, “would also help foster an atmosphere")
    assert (
        "Beijing has further deployed 13 buoys in the PMZ, claiming they are for maritime and meteorological observation."
        in lines
    )
    assert any(
        line.startswith("Yoon Young-kwan, chairman of the Seoul-based Asan Institute") for line in lines
    )
    assert len(lines) == 28  # 32 lines between the sign-in prompts, less two images and their captions


def test_joongang_drops_clutter(joongang: Article) -> None:
    assert_dropped(
        joongang,
        "- MICHAEL LEE",
        "[email protected]",
        "Audio report",
        "![",
        "koreajoongangdaily.joins.com/data/photo",
        "[PRESIDENTIAL OFFICE]",  # the caption repeated under the image
        "Chinese President Xi Jinping waves as he leaves Red Square",
        "BY MICHAEL LEE AND SEO JI-EUN",
        "with the Korea JoongAng Daily",
        "To write comments",
        "Standards Board Policy",
        "Published: 10 Jun",
        "Updated: 10 Jun",
    )


def test_hashes_and_ids(joongang: Article, seeds_dir: Path) -> None:
    raw = SEED_JOONGANG.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    assert joongang.content_hash == digest
    assert joongang.id == digest[:16]
    expected = hashlib.sha256(" ".join(joongang.body.split()).lower().encode("utf-8")).hexdigest()
    assert joongang.body_hash == expected
    # the same body in another wrapper has the same body hash
    assert body_hash(joongang.body.upper().replace("\n", "  \n ")) == joongang.body_hash


# ------------------------------------------------------------------ invented: US wire style

WIRE = """Senate passes stopgap bill to avert shutdown hours before deadline
By JANE DOE, Associated Press
Updated 9:41 PM EST, March 14, 2025
WASHINGTON (AP) — The Senate on Friday passed a stopgap spending bill that keeps the federal government open through September, sending the measure to the president hours before a midnight deadline.
The 54-46 vote came after days of tense negotiations between party leaders, who struggled to bridge differences over spending levels.
“We got it done, and the lights stay on,” the majority leader told reporters after the vote. “That is what people expect of us.”
WHAT HAPPENS NEXT
The president is expected to sign the bill on Saturday morning, a White House spokesperson said.
Lawmakers still have to agree on full-year spending bills, a process that usually drags into the fall.
Associated Press writer John Roe contributed to this report.
Copyright 2025 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.
"""


def test_wire_style() -> None:
    article = clean(text_doc(WIRE))
    assert article.title == "Senate passes stopgap bill to avert shutdown hours before deadline"
    assert article.authors == ["Jane Doe"]  # title-cased; the contributor line is a credit
    assert article.outlet == "Associated Press"
    assert article.updated == "2025-03-14T21:41:00-05:00"
    assert article.published is None  # only an update time is printed: no guess
    assert article.headings == ["WHAT HAPPENS NEXT"]
    lines = paragraphs(article)
    assert lines[0].startswith("WASHINGTON (AP) — The Senate on Friday passed")
    assert lines[-1].startswith("Lawmakers still have to agree")
    assert_dropped(article, "By JANE DOE", "9:41 PM", "John Roe", "Copyright", "All rights reserved")


# ------------------------------------------------------------------ invented: UK style

UK = """Storm Bert: Thousands without power as flood warnings issued
Published 3 hours ago
Share
Save
Sarah Smith
BBC News, Cardiff
Image caption, Flooding in the town centre of Pontypridd on Sunday morning
Thousands of homes in Wales are without power after Storm Bert brought heavy rain and winds of up to 80mph overnight.
The Met Office has issued an amber warning for rain covering much of south Wales until 18:00 GMT on Sunday.
"The river rose faster than anyone expected," said one resident, who has lived on the street for 30 years.
Rail services between Cardiff and Merthyr Tydfil have been cancelled for the rest of the day.
Related topics
Weather
Wales
More on this story
Flood warnings in place across England
Published 2 days ago
Storm Bert named as heavy rain forecast
Published 4 days ago
"""


def test_uk_style_relative_stamp_and_bare_byline() -> None:
    article = clean(text_doc(UK, fetched="2025-11-23T15:00:00+00:00"))
    assert article.title == "Storm Bert: Thousands without power as flood warnings issued"
    assert article.published == "2025-11-23T12:00:00+00:00"  # 3 hours before the fetch
    assert article.published_estimated is False
    assert article.authors == ["Sarah Smith"]
    assert article.outlet == "BBC News"
    lines = paragraphs(article)
    assert lines[0].startswith("Thousands of homes in Wales are without power")
    assert (
        lines[-1]
        == "Rail services between Cardiff and Merthyr Tydfil have been cancelled for the rest of the day."
    )
    assert len(lines) == 4
    assert_dropped(
        article,
        "Share",
        "Save",
        "Image caption",
        "Related topics",
        "Weather",
        "Flood warnings in place",
        "2 days ago",
    )


def test_relative_stamp_without_fetch_time_or_related_links_is_not_guessed() -> None:
    article = clean(text_doc(UK))
    assert article.published is None
    assert article.published_estimated is False


# ------------------------------------------------------------------ invented: scraped-text details


def test_hard_wrapped_text_becomes_one_line_per_paragraph() -> None:
    text = (
        "City council approves new budget after long debate\n\n"
        "The city council on Tuesday approved a budget of 1.2 billion dollars\n"
        "for the coming year, ending a debate that had stretched over three\n"
        "weeks and drawn hundreds of residents to public hearings.\n\n"
        "The budget includes money for 40 new police officers and a program\n"
        "to repair roads in the northern districts, which residents have\n"
        "complained about for years.\n\n"
        '"This is a budget that invests in the basics," the mayor said after\n'
        "the vote, adding that she would sign it before the end of the week.\n"
    )
    article = clean(text_doc(text))
    assert article.title == "City council approves new budget after long debate"
    assert paragraphs(article) == [
        "The city council on Tuesday approved a budget of 1.2 billion dollars for the coming year, ending a "
        "debate that had stretched over three weeks and drawn hundreds of residents to public hearings.",
        "The budget includes money for 40 new police officers and a program to repair roads in the northern "
        "districts, which residents have complained about for years.",
        '"This is a budget that invests in the basics," the mayor said after the vote, adding that she would '
        "sign it before the end of the week.",
    ]


def test_image_caption_and_markdown_links() -> None:
    text = (
        "Harbour reopens after repairs\n"
        "By Maria Costa\n"
        "![Boats return to the harbour on Monday. [CITY PRESS OFFICE]](https://example.org/boat.jpg)\n"
        "Boats return to the harbour on Monday. [CITY PRESS OFFICE]\n"
        "The harbour reopened on Monday after six months of repairs to its sea wall, the port authority said.\n"
        "Fishermen said the closure had cost them most of the spring season. [Read the port's statement](https://example.org/s) for details.\n"
        "The repairs cost 12 million euros, more than twice the first estimate, according to city records.\n"
    )
    article = clean(text_doc(text))
    assert article.authors == ["Maria Costa"]
    assert_dropped(article, "![", "CITY PRESS OFFICE", "https://example.org")
    assert "Read the port's statement for details." in article.body  # link text kept, target dropped
    assert len(paragraphs(article)) == 3


def test_a_sentence_starting_with_by_is_body_not_byline() -> None:
    text = (
        "Rail strike ends after two weeks\n"
        "Train drivers returned to work on Monday after a two-week strike that stopped most services.\n"
        "By the end of the day, nine in ten trains were running again, the operator said.\n"
        "The union said talks about pay would continue next month.\n"
    )
    article = clean(text_doc(text))
    assert article.authors == []
    assert "By the end of the day, nine in ten trains were running again, the operator said." in paragraphs(
        article
    )
    assert article.outlet is None  # nothing names one


def test_given_metadata_wins() -> None:
    given = {
        "url": "https://www.koreaherald.com/view.php?ud=1",
        "title": "Given title",
        "outlet": "Given Outlet",
        "authors": ["Given Author"],
        "published": "2025-06-10T09:00:00+09:00",
    }
    doc = text_doc(WIRE, given=given, format="jsonl", line=7)
    article = clean(doc)
    assert (article.title, article.outlet, article.authors) == (
        "Given title",
        "Given Outlet",
        ["Given Author"],
    )
    assert article.published == "2025-06-10T09:00:00+09:00"
    assert article.url == "https://www.koreaherald.com/view.php?ud=1"
    assert article.line == 7 and article.format == "jsonl"


def test_outlet_from_url_domain_table() -> None:
    article = clean(
        text_doc(
            WIRE.replace("By JANE DOE, Associated Press", "By JANE DOE"),
            given={"url": "https://en.yna.co.kr/view/AEN1"},
        )
    )
    assert article.outlet == "Yonhap News Agency"


def test_empty_text_raises() -> None:
    with pytest.raises(NoArticleError, match="no article text found in the page"):
        clean(text_doc("Home\nNews\nSport\n"))


# ------------------------------------------------------------------ invented: HTML page

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Flood defences hold as river peaks | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="og:title" content="Flood defences hold as river peaks">
<meta property="og:description" content="Engineers say the new barriers passed their first real test.">
<meta property="article:published_time" content="2025-03-02T08:15:00+01:00">
<meta property="article:modified_time" content="2025-03-02T11:40:00+01:00">
<meta name="author" content="Anna Berg">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Flood defences hold as river peaks",
 "datePublished": "2025-03-02T08:15:00+01:00", "dateModified": "2025-03-02T11:40:00+01:00",
 "author": [{"@type": "Person", "name": "Anna Berg"}, {"@type": "Person", "name": "Tom Weller"},
            {"@type": "Organization", "name": "Example Wire"}],
 "publisher": {"@type": "Organization", "name": "The Daily Example"}}
</script></head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Flood defences hold as river peaks</h1>
<p class="byline">By Anna Berg and Tom Weller</p>
<p>The river reached its highest level in twenty years on Sunday morning, but the new flood barriers along the old harbour held, officials said.</p>
<p>Engineers had warned that the barriers, finished only last autumn, had never been tested by a flood of this size. Water rose to within half a metre of the top before the level began to fall shortly after noon.</p>
<figure><img src="/img/barrier.jpg" alt="Workers check a flood barrier"><figcaption>Workers check a flood barrier on Sunday. Photo: Example Agency</figcaption></figure>
<p>"This was exactly the situation the barriers were built for," said the city's chief engineer. "They did their job, and nobody had to leave their home."</p>
<h2>Clean-up begins downstream</h2>
<p>Further downstream, where no barriers have been built yet, about 300 homes were flooded and dozens of roads remained closed on Sunday evening.</p>
<p>Read more: How the harbour barriers were built</p>
<p>The council will decide next month whether to extend the barriers to the villages downstream, a project that would cost an estimated 40 million euros.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Storm season starts early this year</a></li>
<li><a href="/b">Harbour project wins design award</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Great reporting, thanks for the update from the harbour!</p></div></section>
</main>
<footer><p>© 2025 The Daily Example. All rights reserved.</p><p><a href="/privacy">Privacy policy</a></p></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def html_article() -> Article:
    return clean(html_doc(PAGE))


def test_html_metadata(html_article: Article) -> None:
    assert (
        html_article.title == "Flood defences hold as river peaks"
    )  # the <h1>, not the <title> with site name
    assert html_article.subtitle == "Engineers say the new barriers passed their first real test."
    assert html_article.outlet == "The Daily Example"
    assert html_article.authors == [
        "Anna Berg",
        "Tom Weller",
    ]  # JSON-LD persons; the organisation is not an author
    assert html_article.published == "2025-03-02T08:15:00+01:00"
    assert html_article.updated == "2025-03-02T11:40:00+01:00"
    assert html_article.format == "html"


def test_html_body(html_article: Article) -> None:
    lines = paragraphs(html_article)
    assert lines[0].startswith("The river reached its highest level in twenty years")
    assert lines[-1].startswith("The council will decide next month")
    assert '"This was exactly the situation the barriers were built for,"' in html_article.body
    assert html_article.headings == ["Clean-up begins downstream"]
    assert "Clean-up begins downstream" in lines
    assert_dropped(
        html_article,
        "Home",
        "Flood defences hold as river peaks",
        "Read more:",
        "Storm season starts early",
        "Great reporting",
        "All rights reserved",
        "Privacy policy",
    )


def test_html_dated_after_today_keeps_its_own_date() -> None:
    # A page dated ahead of the day it is cleaned (scheduled, clocks off, a corpus dated ahead):
    # the meta date stands, not a year the body mentions, and not one that depends on the clock.
    ahead = date.today() + timedelta(days=400)
    stamp = f"{ahead.isoformat()}T08:15:00+01:00"
    page = PAGE.replace("2025-03-02T08:15:00+01:00", stamp).replace("2025-03-02T11:40:00+01:00", stamp)
    page = page.replace("in twenty years", "since 1998")
    article = clean(html_doc(page))
    assert article.published == stamp


def test_html_page_without_article_raises() -> None:
    page = (
        "<html><head><title>Example</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/news'>News</a></li></ul></nav><footer><p>© 2025 Example</p></footer></body></html>"
    )
    with pytest.raises(NoArticleError) as error:
        clean(html_doc(page))
    assert str(error.value) == "no article text found in the page"


def test_html_korean_site_time_without_offset_uses_outlet_zone() -> None:
    page = PAGE.replace("2025-03-02T08:15:00+01:00", "2025-03-02 08:15").replace(
        '"publisher": {"@type": "Organization", "name": "The Daily Example"}',
        '"publisher": {"name": "Korea Herald"}',
    )
    page = page.replace('<meta property="og:site_name" content="The Daily Example">', "")
    article = clean(html_doc(page))
    assert article.outlet == "The Korea Herald"
    assert article.published == "2025-03-02T08:15:00+09:00"


def test_wire_dateline_names_the_agency() -> None:
    text = (
        "SEOUL, June 10 (Yonhap) -- South Korea's consumer prices rose 1.9 percent in May from a year earlier, "
        "slowing for a second month, data showed Tuesday.\n(END)\n"
    )
    article = clean(text_doc(text))
    assert article.outlet == "Yonhap News Agency"
    assert article.title is None
    assert article.body.endswith("data showed Tuesday.")  # "(END)" marker dropped


# ------------------------------------------------------------------ invented: pages of unknown outlets

BROADCAST = """KTV NEWS
Watch live | Radio | Weather | KTV Player
NEWS › Regional

Evening Bulletin | Posted 2024.11.05 (19:10) | Modified 2024.11.05 (21:30)

River barge sinks near Halden lock, crew rescued

[ANCHOR]
A cargo barge sank near the Halden lock this afternoon after striking the lock gate. All four crew members were pulled from the water. Omar Said reports.

[REPORT]
The barge was carrying gravel downstream when it hit the gate shortly after two o'clock.

Greta Moss / Lock Keeper
It turned sideways in the current and there was nothing the skipper could do.

River traffic will stay closed until divers have checked the gate.

Omar Said, KTV News.

Reporter e-mail: omar.said@ktvnews.example
Copyright © KTV Kestrel Television Network. All rights reserved.
"""


def test_broadcast_page_of_an_unknown_outlet() -> None:
    article = clean(text_doc(BROADCAST))
    assert article.title == "River barge sinks near Halden lock, crew rescued"  # below the stamp bar
    assert article.outlet == "KTV News"  # masthead, sign-off and e-mail domain agree
    assert article.authors == ["Omar Said"]  # the anchor's hand-over and the sign-off; not the soundbite
    assert article.published == "2024-11-05T19:10:00"  # no zone printed, outlet unknown: naive local
    assert article.updated == "2024-11-05T21:30:00"
    lines = paragraphs(article)
    assert lines[0].endswith("Omar Said reports.")
    assert "Greta Moss / Lock Keeper" in lines  # soundbite captions stay for the quote extractor
    assert lines[-1] == "River traffic will stay closed until divers have checked the gate."
    assert_dropped(article, "Omar Said, KTV News.", "Copyright", "Evening Bulletin", "NEWS ›")


LOCAL = """RIVERSIDE COURIER
News   Sport   Business   Letters   Obituaries
Weather in Lindau: -2°C, clear

Breaking | Courts

Judge halts demolition of Lindau mill pending appeal

Amira Haddad, Courts correspondent
Published 4 December 2024 10:05

A judge on Wednesday ordered a halt to the demolition of the old Lindau mill until an appeal by local residents has been heard.

The mill, built in 1872, was due to be torn down next week to make room for 140 flats.

"The building is part of who we are," said Ruth Lang, who leads the residents' group.

Riverside Courier · 12 Quay Street, Lindau · Privacy · Contact
"""


def test_local_paper_role_byline_and_footer_outlet() -> None:
    article = clean(text_doc(LOCAL))
    assert article.title == "Judge halts demolition of Lindau mill pending appeal"  # not "Breaking | Courts"
    assert article.authors == ["Amira Haddad"]  # "Name, Role" byline without "By"
    assert article.outlet == "Riverside Courier"  # capitalised masthead, confirmed by the address footer
    assert article.published == "2024-12-04T10:05:00"
    assert paragraphs(article)[0].startswith("A judge on Wednesday ordered a halt")
    assert_dropped(article, "Weather in Lindau", "Breaking", "Quay Street")


DAILY = """The Lakeland Post
Home | Politics | Business | Sport

BUSINESS › Energy

Lakeland utility raises winter tariffs by a fifth as gas costs climb

Regulator says it will review the increase

By DANA FRY
Published: 2 Oct. 2024, 08:00

Lakeland Power will raise household tariffs by 20 percent from November, the utility said on Tuesday.

The company blamed higher wholesale gas prices, which have risen for three months in a row.

The regulator said it would review whether the increase was justified.

© 2024 The Lakeland Post. All rights reserved.
"""


def test_headline_above_a_shorter_dek_and_copyright_outlet() -> None:
    article = clean(text_doc(DAILY))
    assert article.title == "Lakeland utility raises winter tariffs by a fifth as gas costs climb"
    assert article.subtitle == "Regulator says it will review the increase"
    assert article.outlet == "The Lakeland Post"  # masthead and copyright notice agree
    assert article.authors == ["Dana Fry"]


def test_a_lone_top_line_does_not_name_the_outlet() -> None:
    text = "Morning Briefing\n\n" + WIRE.replace("By JANE DOE, Associated Press\n", "").replace(
        "Copyright 2025 The Associated Press. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed without permission.\n",
        "",
    )
    article = clean(text_doc(text.replace("WASHINGTON (AP) — ", "")))
    assert article.outlet is None  # one unconfirmed signal names nothing


@pytest.mark.parametrize("seed", [SEED_HANKYUNG, SEED_KBS, SEED_JOONGANG])
def test_english_check_answers_for_the_seed_bodies_as_lingua_does(seed: Path) -> None:
    from newsweave.clean.language import SAMPLE_CHARS, clearly_english, detect_language

    body = clean(seed_doc(seed)).body
    assert clearly_english(body[:SAMPLE_CHARS])  # so lingua is not asked
    assert detect_language(body) == detect_language(body, english_check=False) == "en"

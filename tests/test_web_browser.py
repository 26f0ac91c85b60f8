"""The web pages in a real browser: Debian's headless Chromium driven by Playwright, against the
real server (uvicorn on a free loopback port) over the sample corpus.

Chromium is installed by ``make test`` (the Makefile installs Debian's ``chromium`` when
/usr/bin/chromium is missing); without it these tests fail, they do not skip.
Screenshots are saved to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsweave.web import create_app
from web_support import ARTIFACTS, copy_db, corpus_db, fact_with_shared_evidence, richest_story

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("NEWSWEAVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from web_support import running_server

    db = corpus_db(tmp_path_factory.getbasetemp() / "webcorpus-browser")
    private = copy_db(db, tmp_path_factory.mktemp("browserdb"))  # the XSS test writes
    with running_server(create_app(str(private))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium) "
                    "or `apt-get install -y --no-install-recommends chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: install the dev dependencies (make test does)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        # A fresh profile per run; the flags keep Chromium from calling home (no network here).
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_FLAGS, viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    page.close()
    assert not errors, f"the page reported errors: {errors}"


def stories_page(base_url: str) -> list[dict[str, Any]]:
    return httpx.get(f"{base_url}/api/stories", params={"limit": 1000}).json()["items"]


@pytest.fixture(scope="module")
def story(base_url: str) -> dict[str, Any]:
    rows = stories_page(base_url)
    assert rows, "the sample corpus formed no story"
    return httpx.get(f"{base_url}/api/stories/{richest_story(rows)['id']}").json()


def test_home_page(page: Any, base_url: str, story: dict[str, Any]) -> None:
    page.goto(base_url + "/")
    assert page.title().startswith("Stories")
    items = page.locator("ol.stories > li.story-item")
    assert items.count() >= 1
    link = page.locator(f'a.story-title[href="/stories/{story["id"]}"]')
    assert link.count() == 1
    item = page.locator("li.story-item", has=link)
    n_outlets = next(r["n_outlets"] for r in stories_page(base_url) if r["id"] == story["id"])
    assert f"{n_outlets} outlet" in item.inner_text()
    assert item.locator("svg.factbar rect").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    page.fill("#site-q", story["title"].split()[0])
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.hits > li").count() >= 1


def test_story_page_click_fact_highlights_evidence(page: Any, base_url: str, story: dict[str, Any]) -> None:
    fact = fact_with_shared_evidence(story)
    assert fact is not None, "the richest story has no fact with evidence"
    page.goto(f"{base_url}/stories/{story['id']}")
    assert page.locator("#brief").inner_text().strip()
    assert page.locator("table.matrix tbody tr.fact").count() == len(story["facts"])
    assert page.locator("#articles .col").count() == len(story["article_ids"])
    if story["timeline"]:
        assert page.locator("#timeline svg.timeline circle").count() == len(story["timeline"])
    assert page.locator(".ev.hl").count() == 0
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

    page.locator(f'table.matrix [data-fact-link="{fact["id"]}"]').click()

    evidence_articles = {e["article_id"] for e in fact["evidence"]}
    for article_id in evidence_articles:
        column = page.locator(f'#col-{article_id}')
        highlighted = column.locator(".ev.hl")
        assert highlighted.count() >= 1, f"no highlighted evidence in article {article_id}"
        assert all(fact["id"] in (highlighted.nth(i).get_attribute("data-facts") or "").split()
                   for i in range(highlighted.count()))
        expected = next(e["sentence"] for e in fact["evidence"] if e["article_id"] == article_id)
        shown = " ".join(highlighted.nth(i).inner_text() for i in range(highlighted.count()))
        assert " ".join(expected.split())[:40] in " ".join(shown.split())
        background = highlighted.first.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    others = page.locator(".ev.hl").count() - sum(
        page.locator(f"#col-{a} .ev.hl").count() for a in evidence_articles)
    assert others == 0, "evidence of other facts was highlighted"
    assert "selected" in (page.locator(f'tr#fact-{fact["id"]}').get_attribute("class") or "")
    assert f"fact={fact['id']}" in page.url
    assert page.locator("[data-selected-banner]").is_visible()
    page.screenshot(path=str(ARTIFACTS / "story-fact-highlighted.png"), full_page=True)
    page.locator("#articles").screenshot(path=str(ARTIFACTS / "story-articles-side-by-side.png"))

    page.locator(f'table.matrix [data-fact-link="{fact["id"]}"]').click()  # a second click clears it
    assert page.locator(".ev.hl").count() == 0


def test_story_highlight_without_javascript(browser: Any, base_url: str, story: dict[str, Any]) -> None:
    fact = fact_with_shared_evidence(story)
    assert fact is not None
    page = browser.new_page()
    try:
        page.route("**/static/app.js", lambda route: route.abort())  # as if scripts were off
        page.goto(f"{base_url}/stories/{story['id']}")
        # The fact links are plain anchors (?fact=ID#articles): the server marks the evidence itself.
        page.locator(f'table.matrix [data-fact-link="{fact["id"]}"]').click()
        page.wait_for_url(f"**fact={fact['id']}*")
        assert page.locator(".ev.hl").count() >= len({e["article_id"] for e in fact["evidence"]})
        page.screenshot(path=str(ARTIFACTS / "story-fact-no-javascript.png"), full_page=True)
    finally:
        page.close()


def test_article_page_shows_script_as_text(page: Any, base_url: str) -> None:
    marker = "window.__newsweave_pwned = 1"
    response = httpx.post(f"{base_url}/api/ingest", json={
        "text": f"The Velsund council met on Wednesday. <script>{marker}</script> The clerk read the minutes.\n"
                "<img src=x onerror=\"window.__newsweave_pwned = 2\"> The budget of 4 million crowns passed.",
        "title": "Council <script>window.__newsweave_pwned = 3</script> meets", "outlet": "Test Wire",
        "published": "2026-03-25",
    }, timeout=120)
    assert response.status_code == 200, response.text
    article_id = response.json()["results"][0]["id"]
    page.goto(f"{base_url}/articles/{article_id}")
    assert page.evaluate("typeof window.__newsweave_pwned") == "undefined"
    assert "<script>" in page.locator("[data-marked]").inner_text()
    assert page.locator("[data-marked] script, [data-marked] img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "article-escaped.png"), full_page=True)

    page.locator('[data-toggle="ent"]').uncheck()
    assert "hide-ent" in (page.locator("[data-marked]").get_attribute("class") or "")
    page.locator("a.raw").click()
    page.wait_for_url(f"**/articles/{article_id}/raw")
    assert page.evaluate("typeof window.__newsweave_pwned") == "undefined"
    assert marker in page.inner_text("body")


"""Regression test of the clean stage on the sample corpus against examples/expected.json.

Every article of examples/corpus (scraped .txt pages, HTML pages and each JSON Lines row, read
through ``newsweave.ingest.iter_inputs`` as the pipeline reads them) is cleaned once; each test
then checks one article's fields: title, outlet, authors (and people who are not authors),
published/updated, headings, dek, the first and last body sentence, page clutter that must be
gone and body lines that must stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES
from newsweave.clean import clean
from newsweave.ingest import iter_inputs
from newsweave.records import Article, RawDocument

CORPUS = EXAMPLES / "corpus"
EXPECTED: dict[str, dict[str, Any]] = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))[
    "articles"
]


def corpus_key(doc: RawDocument) -> str:
    """The expected.json key: the path under examples/corpus, plus "#L<line>" for a feed row."""
    relative = Path(doc.path).resolve().relative_to(CORPUS.resolve()).as_posix()
    return f"{relative}#L{doc.line}" if doc.line is not None else relative


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Article]:
    articles: dict[str, Article] = {}
    for item in iter_inputs([CORPUS]):
        assert isinstance(item, RawDocument), f"ingest error: {item}"
        articles[corpus_key(item)] = clean(item)
    return articles


def test_every_article_is_cleaned(cleaned: dict[str, Article]) -> None:
    assert sorted(cleaned) == sorted(EXPECTED)


@pytest.fixture(params=sorted(EXPECTED))
def case(request: pytest.FixtureRequest, cleaned: dict[str, Article]) -> tuple[Article, dict[str, Any]]:
    return cleaned[request.param], EXPECTED[request.param]


def test_title_outlet_authors(case: tuple[Article, dict[str, Any]]) -> None:
    article, want = case
    assert article.title == want["title"]
    assert article.outlet == want["outlet"]
    assert article.authors == want["authors"]
    for name in want.get("not_authors", []):
        assert name not in article.authors
    if "subtitle" in want:
        assert article.subtitle == want["subtitle"]


def test_dates(case: tuple[Article, dict[str, Any]]) -> None:
    article, want = case
    assert article.published == want["published"]
    assert article.updated == want.get("updated")
    assert article.published_estimated is False


def test_body(case: tuple[Article, dict[str, Any]]) -> None:
    article, want = case
    paragraphs = article.body.split("\n")
    assert article.headings == want.get("headings", [])
    for heading in article.headings:
        assert heading in paragraphs  # a line of its own, in place
    assert paragraphs[0].startswith(want["body_first_sentence"])
    if "body_last_sentence" in want:
        assert paragraphs[-1].endswith(want["body_last_sentence"])
    for clutter in want.get("must_not_contain", []):
        assert clutter not in article.body, f"clutter kept: {clutter!r}"
    for kept in want.get("body_should_keep", []):
        assert kept in paragraphs, f"body line lost: {kept!r}"

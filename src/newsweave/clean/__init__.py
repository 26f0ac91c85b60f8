"""The clean stage: RawDocument in, Article out (body without clutter, plus page metadata).

Scraped text goes straight to the line cleaner (:mod:`newsweave.clean.text`); HTML goes through
trafilatura first (:mod:`newsweave.clean.html`) and then the line cleaner in its cautious mode.
Each Article field is then chosen from given metadata, page metadata and the text's own lines
(:mod:`newsweave.clean.compose`).
"""

from __future__ import annotations

import hashlib

from newsweave.clean import compose
from newsweave.clean.html import HtmlPage, extract_page
from newsweave.clean.language import detect_language
from newsweave.clean.text import Cleaned, clean_text, word_count
from newsweave.records import Article, RawDocument

__all__ = ["NoArticleError", "clean", "body_hash"]


class NoArticleError(ValueError):
    """The input holds no article text (e.g. an HTML page that is all navigation)."""


NO_ARTICLE = "no article text found in the page"


def clean(doc: RawDocument) -> Article:
    """Clean one document into an Article; raise NoArticleError when there is no article text."""
    given = doc.given or {}
    url = given.get("url") or (doc.path if doc.path.startswith(("http://", "https://")) else None)
    page, cleaned = _clean_body(doc, url)
    body = "\n".join(cleaned.paragraphs)
    if not has_article_text(cleaned.paragraphs):
        raise NoArticleError(NO_ARTICLE)
    url = url or (page.url or page.meta.url if page else None)
    evidence = compose.gather_evidence(cleaned, url)
    outlet = compose.pick_outlet(given, page, cleaned, url, evidence)
    dates = compose.pick_dates(given, page, cleaned, body, compose.zone_for(outlet, evidence), doc.fetched)
    digest = hashlib.sha256(doc.raw).hexdigest()
    return Article(
        id=digest[:16],
        path=doc.path,
        body=body,
        title=compose.pick_title(given, page, cleaned),
        subtitle=compose.pick_subtitle(given, page, cleaned, body),
        outlet=outlet,
        url=url,
        authors=compose.pick_authors(given, page, cleaned, url),
        published=dates.published,
        published_estimated=dates.estimated,
        updated=dates.updated,
        language=given.get("language") or detect_language(body),
        headings=cleaned.headings,
        format=doc.format,
        content_hash=digest,
        body_hash=body_hash(body),
        line=doc.line,
    )


def _clean_body(doc: RawDocument, url: str | None) -> tuple[HtmlPage | None, Cleaned]:
    if doc.content_format == "html":
        page = extract_page(doc.text, url)
        if page is None:
            raise NoArticleError(NO_ARTICLE)
        title = doc.given.get("title") or page.title
        return page, clean_text(page.text, mode="html", headings=page.headings, title=title)
    return None, clean_text(doc.text, mode="txt")


def has_article_text(paragraphs: list[str]) -> bool:
    """At least one sentence-like paragraph: a page of link labels ("Home", "News") is no article."""
    for paragraph in paragraphs:
        words = word_count(paragraph)
        if words >= 8 or (words >= 4 and paragraph.rstrip("\"'”’)»").endswith((".", "!", "?", "。"))):
            return True
    return False


def body_hash(body: str) -> str:
    """sha256 of the body with whitespace collapsed and lower-cased (same text, any wrapper)."""
    return hashlib.sha256(" ".join(body.split()).lower().encode("utf-8")).hexdigest()

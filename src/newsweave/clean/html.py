"""HTML pages: main text with trafilatura, metadata from meta tags, JSON-LD and trafilatura.

trafilatura finds the main text block and the headline, byline and date well; it gives the date
without time of day, so times and zones come from our own reading of ``article:published_time``,
JSON-LD ``datePublished`` and the like. The extracted text then goes through the text cleaner
(``mode="html"``) to drop what trafilatura keeps but the line rules know as clutter.

``lxml_html_clean`` is needed at run time even though nothing here imports it: lxml moved
``lxml.html.clean`` into that package, and trafilatura's fallback extractor (jusText) imports it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError
from trafilatura.settings import set_date_params

from newsweave.clean.dates import Stamp, parse_meta_date

# JSON-LD types that describe the article itself (schema.org, lower-cased).
ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "techarticle", "scholarlyarticle", "report", "webpage",
}  # fmt: skip
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "pubdate",
    "publishdate", "publish-date", "publish_date", "sailthru.date", "parsely-pub-date", "dc.date.issued",
    "dcterms.created", "dc.date", "dcterms.date", "article.published", "published_time", "cxenseparse:recs:publishtime",
)  # fmt: skip
_UPDATED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified",
    "last-modified", "article.updated", "modified_time",
)  # fmt: skip
_AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
)


@dataclass
class PageMeta:
    """What the page's machine-readable metadata says."""

    title: str | None = None  # JSON-LD headline
    og_title: str | None = None
    twitter_title: str | None = None
    description: str | None = None
    subtitle: str | None = None  # JSON-LD alternativeHeadline (the dek)
    site_name: str | None = None
    ld_authors: list[str] = field(default_factory=list)  # JSON-LD Person authors
    tag_authors: list[str] = field(default_factory=list)  # author meta tags
    h1: list[str] = field(default_factory=list)  # page headings <h1>, in order
    published: Stamp | None = None
    updated: Stamp | None = None
    url: str | None = None


@dataclass
class HtmlPage:
    text: str  # trafilatura's main text, one paragraph per line
    headings: set[str]
    meta: PageMeta  # our own meta / JSON-LD reading
    title: str | None = None  # trafilatura's metadata
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    description: str | None = None
    url: str | None = None

    def best_title(self) -> str | None:
        """The headline. The page's ``<h1>`` is the headline as printed; ``<title>`` and og:title
        often add the site name or a kicker. So an ``<h1>`` that the metadata titles contain wins,
        then JSON-LD's headline, then a single ``<h1>``, then trafilatura's title (on the bench
        this order is right on 80% of pages vs 59% for trafilatura's title alone)."""
        titles = [self.title, self.meta.title, self.meta.og_title, self.meta.twitter_title]
        for heading in self.meta.h1:
            if _contained(heading, titles):
                return heading
        if self.meta.title:
            return self.meta.title  # JSON-LD headline
        if len(self.meta.h1) == 1 and len(self.meta.h1[0].split()) >= 2:
            return self.meta.h1[0]
        return self.title or self.meta.og_title


def _key(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").casefold()).strip()


def _contained(heading: str, titles: list[str | None]) -> bool:
    key = _key(heading)
    return len(key) > 3 and any(key in _key(title) for title in titles if title)


def parse_tree(page: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.document_fromstring(_strip_xml_declaration(page))
    except (ParserError, ValueError):
        return None


def _strip_xml_declaration(page: str) -> str:
    # lxml refuses str input that carries an encoding declaration
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", page, count=1)


def extract_page(page: str, url: str | None = None) -> HtmlPage | None:
    """Main text and metadata of an HTML page; ``None`` when trafilatura finds no text."""
    tree = parse_tree(page)
    meta = read_meta(tree) if tree is not None else PageMeta()  # trafilatura may still cope
    # trafilatura gets the page text, not our tree: its own loader repairs broken markup
    # differently, and on some pages only its way finds the article (measured on the bench)
    document = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        date_extraction_params=date_search(meta),
        include_comments=False,  # reader comments are not the article
        include_tables=True,
        # neither favor_precision nor favor_recall: on the bench the balanced default gave the best
        # F1 after our line cleaner (0.931; favor_precision 0.926, favor_recall 0.925)
    )
    if document is None or not (document.text or "").strip():
        return None
    return HtmlPage(
        text=document.text,
        headings=_headings(document.body),
        meta=meta,
        title=document.title,
        author=document.author,
        date=document.date,
        sitename=document.sitename,
        description=document.description,
        url=document.url,
    )


def date_search(meta: PageMeta) -> dict[str, Any]:
    """trafilatura's date search (htmldate), bounded by the page's own stamps rather than the clock.

    htmldate rejects dates after its ``max_date``, by default today; a page whose meta tags date it
    later than the day it is cleaned (a scheduled post, a clock or zone off on either side, a
    corpus dated ahead) then got a date guessed from its text instead, a year in the body read as
    1 January ("in 1998" -> 1998-01-01), and the same page cleaned on another day got another date.
    The page's latest meta stamp plus a day is the bound where it has one; today, the day it is
    read, bounds a page without one.
    """
    params = set_date_params(extensive=True)
    stamps = [stamp.day for stamp in (meta.published, meta.updated) if stamp is not None]
    if stamps:
        params["max_date"] = (max(stamps) + timedelta(days=1)).isoformat()
    return params


def _headings(body: Any) -> set[str]:
    if body is None:
        return set()
    return {" ".join("".join(head.itertext()).split()) for head in body.iter("head")}


# ------------------------------------------------------------------ meta tags and JSON-LD


def read_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    """Dates with time and zone, site name and authors from meta tags, then JSON-LD over them."""
    tags = meta_tags(tree)
    meta = PageMeta(
        og_title=tags.get("og:title"),
        twitter_title=tags.get("twitter:title"),
        description=tags.get("og:description") or tags.get("description"),
        site_name=tags.get("og:site_name"),
        url=tags.get("og:url"),
    )
    meta.published = _first_date(tags, _PUBLISHED_META) or _time_element(tree, "datePublished")
    meta.updated = _first_date(tags, _UPDATED_META) or _time_element(tree, "dateModified")
    for key in _AUTHOR_META:
        value = tags.get(key)
        if value and not value.startswith(("http://", "https://")):
            meta.tag_authors = [re.sub(r"^by\s+", "", value, flags=re.I).strip()]
            break
    for item in json_ld_items(tree):
        _merge_json_ld(meta, item)
    meta.h1 = [text for text in (" ".join("".join(h.itertext()).split()) for h in tree.iter("h1")) if text]
    return meta


def meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """``<meta>`` values keyed by lower-cased property / name / itemprop (first one wins)."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = element.get("content")
        if key and value and value.strip():
            tags.setdefault(key.strip().lower(), " ".join(value.split()))
    return tags


def _first_date(tags: dict[str, str], keys: tuple[str, ...]) -> Stamp | None:
    for key in keys:
        if key in tags:
            stamp = parse_meta_date(tags[key])
            if stamp:
                return stamp
    return None


def _time_element(tree: lxml_html.HtmlElement, itemprop: str) -> Stamp | None:
    for element in tree.iter("time"):
        if element.get("itemprop") == itemprop and element.get("datetime"):
            return parse_meta_date(element.get("datetime", ""))
    return None


def json_ld_items(tree: lxml_html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page that describes an article (``@graph`` and lists included)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(_tidy_json(script.text), strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags still count
        for item in _walk(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
                yield item


def _tidy_json(text: str) -> str:
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text.strip())
    return re.sub(r"^\s*<!--|-->\s*$", "", text)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _merge_json_ld(meta: PageMeta, item: dict[str, Any]) -> None:
    """JSON-LD is the most deliberate metadata a page has: an article object overrides meta tags,
    except that a generic ``WebPage`` object only fills gaps."""
    types = item.get("@type")
    generic = (types if isinstance(types, str) else "").lower() == "webpage"
    published = _text(item.get("datePublished"))
    updated = _text(item.get("dateModified"))
    stamp = parse_meta_date(published) if published else None
    if stamp and (meta.published is None or not generic):
        meta.published = stamp
    stamp = parse_meta_date(updated) if updated else None
    if stamp and (meta.updated is None or not generic):
        meta.updated = stamp
    headline = _text(item.get("headline"))
    if headline and not generic:
        meta.title = headline
    alternative = _text(item.get("alternativeHeadline"))
    if alternative and not generic and alternative != headline:
        meta.subtitle = alternative
    people = list(_people(item.get("author")))
    if people and not generic:
        meta.ld_authors = people
    publisher = item.get("publisher")
    name = _text(publisher.get("name")) if isinstance(publisher, dict) else None
    if name and not meta.site_name:
        meta.site_name = name


def _people(value: Any) -> Iterator[str]:
    """Person names of a JSON-LD ``author``; organisations are not authors."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip() and not item.startswith("http"):
            yield item.strip()
        elif isinstance(item, dict):
            kind = item.get("@type")
            kind = kind[0] if isinstance(kind, list) and kind else kind
            name = _text(item.get("name"))
            if name and (not isinstance(kind, str) or kind.lower() == "person"):
                yield name


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None

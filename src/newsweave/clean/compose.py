"""Choose each Article field from its sources: given metadata, HTML metadata, the text's own lines.

Order of trust, per field: values given with the input (JSON Lines fields) always win; then the
page's machine-readable metadata (JSON-LD, meta tags, trafilatura); then what the text prints
(bylines, stamp lines, mastheads); then tables (outlet by domain); then estimates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta, tzinfo
from typing import Any

from newsweave.clean import metadata, outlets
from newsweave.clean.dates import Stamp, estimate_published, parse_meta_date, resolve_relative
from newsweave.clean.html import HtmlPage
from newsweave.clean.text import Cleaned, related_stamp

_ORGANISATION_WORDS = re.compile(
    r"\b(?:news|redaktion|editorial|staff|team|desk|newsroom|online|zeitung|verlag|agency|press|media|"
    r"magazin|magazine|times|daily|post|herald|tribune|journal|gmbh|inc|ltd|ag|e\.v\.)\b",
    re.I,
)

_NOT_PERSON = re.compile(
    r"@|https?:|www\.|\[at\]|\w\.(?:com|net|org|de|at|ch|fr|uk|info|io|es|it|pl|eu)\b|"
    r"^(?:publisher|unknown|posted|admin|administrator|agencies|guest|anonymous|none|null|author)$|"
    r"^[a-z0-9]+(?:[._][a-z0-9]+)+$|"  # user handles like "jane.doe"
    r"\s(?:de|com|net|org)$",  # a domain spelled out: "Hessenschau De"
    re.I,
)


@dataclass
class Dates:
    published: str | None = None
    updated: str | None = None
    estimated: bool = False


@dataclass
class Evidence:
    """Zone hints seen on the page, for stamps that print a time without an offset."""

    label_zone: str | None = None  # e.g. a Korean "입력" label -> Asia/Seoul
    page_offsets: list[tzinfo] = field(default_factory=list)  # explicit offsets on other stamps
    host_zone: str | None = None  # outlet table or country-code TLD of the URL / e-mail domain


# ------------------------------------------------------------------ title and subtitle


def pick_title(given: dict[str, Any], page: HtmlPage | None, cleaned: Cleaned) -> str | None:
    if given.get("title"):
        return str(given["title"]).strip()
    if page is not None:
        return page.best_title() or _text_title(cleaned)
    return _text_title(cleaned)


def _text_title(cleaned: Cleaned) -> str | None:
    return cleaned.title.text if cleaned.title is not None else None


def pick_subtitle(given: dict[str, Any], page: HtmlPage | None, cleaned: Cleaned, body: str) -> str | None:
    """The dek: given, the line under the headline, or the page description when it is not
    just the start of the body (many sites repeat the first paragraph as description)."""
    if given.get("subtitle"):
        return str(given["subtitle"]).strip()
    if cleaned.subtitle is not None:
        return cleaned.subtitle.text
    if page is not None and page.meta.subtitle:
        return page.meta.subtitle  # JSON-LD alternativeHeadline: the dek as printed
    if page is not None:
        description = page.meta.description or page.description
        if description and _norm(description)[:60] not in _norm(body):
            return description
    return None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".… ")


# ------------------------------------------------------------------ authors


def pick_authors(
    given: dict[str, Any], page: HtmlPage | None, cleaned: Cleaned, url: str | None = None
) -> list[str]:
    """People who wrote the piece; editors, agencies and organisations are not authors."""
    if given.get("authors"):
        value = given["authors"]
        return [
            str(a).strip() for a in (value if isinstance(value, list) else re.split(r"\s*;\s*", str(value)))
        ]
    editors = {name.casefold() for line in cleaned.of_kind("credit") for name in line.credit or []}
    text_authors = [
        name
        for line in cleaned.of_kind("byline", "signoff")
        for name in (line.byline.authors if line.byline else [])
    ] + cleaned.reporters
    sources = [text_authors]
    site: set[str] = set()
    if page is not None:
        # JSON-LD persons are deliberate; trafilatura's byline search beats raw author meta tags,
        # which often hold handles, site names or "publisher" (measured on the bench)
        sources = [page.meta.ld_authors, _split_people(page.author), page.meta.tag_authors, text_authors]
        site = _site_keys(page, url)
    for found in sources:
        people = _people(
            [part for name in found for part in metadata.split_author_field(name)], editors, site
        )
        if people:
            return people
    return []


def _compact(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _site_keys(page: HtmlPage, url: str | None) -> set[str]:
    """The site's own name and host labels: a one-word "author" equal to one is the site."""
    keys = {_compact(name) for name in (page.meta.site_name, page.sitename) if name}
    host = outlets.hostname(url or page.url or "")
    keys |= {_compact(label) for label in host.split(".") if len(label) > 3}
    return keys - {""}


def _people(found: list[str], editors: set[str], site: set[str]) -> list[str]:
    people: list[str] = []
    for name in found:
        name = metadata.name_case(" ".join(name.split()).strip(" ,;"))
        if not name or name.casefold() in editors or not is_person(name):
            continue
        if len(name.split()) == 1 and _compact(name) in site:
            continue
        if name.casefold() not in {p.casefold() for p in people}:
            people.append(name)
    return people


def _split_people(value: str | None) -> list[str]:
    if not value:
        return []
    return [part.strip() for part in re.split(r"\s*;\s*", value) if part.strip()]


def is_person(name: str) -> bool:
    """Not an agency or outlet from the table, not an organisation-looking name, not a handle,
    address or placeholder."""
    if outlets.is_agency(name) or outlets.by_masthead(name) or _ORGANISATION_WORDS.search(name):
        return False
    if _NOT_PERSON.search(name):
        return False
    return any(ch.isalpha() for ch in name) and len(name) <= 60


# ------------------------------------------------------------------ outlet


def pick_outlet(
    given: dict[str, Any], page: HtmlPage | None, cleaned: Cleaned, url: str | None, evidence: Evidence
) -> str | None:
    """The outlet, from the strongest signal available; null when nothing names one."""
    if given.get("outlet"):
        return str(given["outlet"]).strip()
    if page is not None and page.meta.site_name:
        return _canonical(page.meta.site_name)
    if url:
        known = outlets.by_domain(url)
        if known:
            return known.name
    for line in cleaned.lines:
        if line.kind == "masthead" and line.masthead:
            return line.masthead.name
    for line in cleaned.of_kind("byline", "signoff"):
        if line.byline and line.byline.outlet:
            return line.byline.outlet
    dateline = _dateline_outlet(cleaned)
    if dateline:
        return dateline
    for line in cleaned.lines:
        for email in metadata.emails_in(line.text):
            known = outlets.by_domain(email)
            if known:
                return known.name
    program = _program_outlet(cleaned, evidence)
    if program:
        return program
    if page is not None and page.sitename:
        return _canonical(page.sitename)
    printed = infer_outlet(cleaned)
    if printed:
        return printed
    return outlets.registrable_domain(url) if url else None


# ------------------------------------------------------------------ outlet from the page's own words

# Words of a top line that make it a menu rather than a site name.
_MENU_WORDS = re.compile(r"\b(?:home|menu|search|sign in|log ?in|subscribe|live tv)\b", re.I)
_URL_HOST = re.compile(r"https?://([\w.-]+)", re.I)


@dataclass
class _Signal:
    kind: str  # masthead | copyright | signoff | footer
    name: str


def infer_outlet(cleaned: Cleaned) -> str | None:
    """The outlet of a page whose outlet the table does not know, from what the page prints about
    itself: the masthead on its first line, the holder of its copyright notice, the organisation
    in a reporter's sign-off ("Omar Said, KTV News."), the name opening its address footer.
    E-mail and link domains support a name that matches them ("@ktvnews.example" ~ "KTV News")
    but never name an outlet on their own.

    Signals that name the same outlet (same words, or a shared acronym: "KTV NEWS" and "KTV
    Kestrel Television Network") form a group. A group counts when two independent kinds of
    signal back it, or when it is a copyright notice alone (the page says outright whose it is);
    the best-backed group wins. ``None`` when nothing on the page names a source."""
    signals = _outlet_signals(cleaned)
    if not signals:
        return None
    domains = _domain_labels(cleaned)
    best: tuple[int, int] | None = None
    chosen: list[_Signal] = []
    for signal in signals:
        group = [other for other in signals if _same_outlet(signal.name, other.name)]
        kinds = {member.kind for member in group}
        backed = any(_domain_matches(label, member.name) for label in domains for member in group)
        support = len(kinds) + (1 if backed else 0)
        if support < 2 and kinds != {"copyright"}:
            continue
        rank = (support, 1 if "copyright" in kinds else 0)
        if best is None or rank > best:
            best, chosen = rank, group
    return _display_name(chosen, cleaned) if chosen else None


# The name readers see: a sign-off or masthead names the brand; a copyright notice or address
# footer often names the company that owns it ("KTV Kestrel Television Network").
_KIND_ORDER = ("signoff", "masthead", "footer", "copyright")
_GENERIC_ACRONYMS = {"TV", "FM", "AM", "NEWS", "THE", "ONLINE", "DAILY", "LIVE", "RADIO"}


def _display_name(group: list[_Signal], cleaned: Cleaned) -> str:
    group = sorted(group, key=lambda signal: _KIND_ORDER.index(signal.kind))
    name = group[0].name
    if not name.isupper():
        return name
    same = [s.name for s in group if _outlet_key(s.name) == _outlet_key(name) and not s.name.isupper()]
    return same[0] if same else _recase(name, cleaned)


def _recase(name: str, cleaned: Cleaned) -> str:
    """An all-caps masthead in ordinary case: words the page writes in capitals inside mixed-case
    text are acronyms and stay ("KTV NEWS" -> "KTV News" on a page that says "Contact KTV")."""
    acronyms = {
        word
        for line in cleaned.lines
        if not line.text.isupper()
        for word in re.findall(r"\b[A-Z]{2,}\b", line.text)
        if word not in _GENERIC_ACRONYMS
    }
    words = []
    for word in name.split():
        keep = word in acronyms or (len(word) <= 4 and not re.search(r"[AEIOUY]", word))
        words.append(word if keep else word.capitalize())
    return " ".join(words)


def _outlet_signals(cleaned: Cleaned) -> list[_Signal]:
    signals: list[_Signal] = []
    lines = cleaned.lines
    if lines:
        first = lines[0]
        if (
            first.kind not in ("byline", "stamp", "title")
            and 1 <= first.words <= 6
            and not re.search(r"[.!?,:;|>›»/·]", first.text)
            and not _MENU_WORDS.search(first.text)
        ):
            signals.append(_Signal("masthead", first.text))
    for line in lines:
        holder = metadata.copyright_holder(line.text) if line.kind in ("footer", "tail", "nav") else None
        if holder:
            signals.append(_Signal("copyright", holder))
        if line.byline and line.byline.org:
            signals.append(_Signal("signoff", line.byline.org))
    for line in lines[cleaned.end :]:
        # an address footer opens with the publisher's name: "Riverside Courier · 12 Quay Street, ..."
        parts = re.split(r"\s+[·|•]\s+", line.text)
        lead = parts[0].strip()
        if len(parts) >= 3 and re.fullmatch(metadata.ORG_NAME, lead) and 2 <= len(lead.split()) <= 6:
            signals.append(_Signal("footer", lead))
    return signals


def _outlet_key(name: str) -> str:
    return re.sub(r"^the", "", _compact(name))


def _same_outlet(a: str, b: str) -> bool:
    """Same name (case, spacing, a leading "The" aside), or a shared acronym such as "KTV"."""
    if _outlet_key(a) == _outlet_key(b):
        return True
    shared = _acronyms(a) | _acronyms(b)
    return any(re.search(rf"\b{word}\b", a) and re.search(rf"\b{word}\b", b) for word in shared)


def _acronyms(name: str) -> set[str]:
    """Capitalised words that are acronyms: only a mixed-case name tells (in "RIVERSIDE COURIER"
    every word is capitalised, in "KTV Kestrel Television Network" only "KTV")."""
    if name.isupper():
        return set()
    return {word for word in re.findall(r"\b[A-Z]{2,6}\b", name) if word not in _GENERIC_ACRONYMS}


def _domain_labels(cleaned: Cleaned) -> set[str]:
    """The site labels of e-mail addresses and links on the page ("nbnnews" of erik.dahl@nbnnews.example)."""
    labels: set[str] = set()
    for line in cleaned.lines:
        hosts = metadata.emails_in(line.text) + _URL_HOST.findall(line.text)
        for host in hosts:
            domain = outlets.registrable_domain(host)
            if domain:
                labels.add(domain.split(".")[0])
    return {label for label in labels if len(label) >= 4}


def _domain_matches(label: str, name: str) -> bool:
    """A site label spells the outlet name or its distinctive end ("riversidecourier" ~ "The
    Riverside Courier", "lakelandpost" ~ "The Lakeland Post")."""
    key = _outlet_key(name)
    return (
        label == key or (len(label) >= 6 and key.endswith(label)) or (len(key) >= 6 and label.endswith(key))
    )


# A wire dateline opens the first paragraph: "SEOUL, June 10 (Yonhap) --", "WASHINGTON (AP) —".
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:,\s*[\w.]+\.?\s+\d{1,2})?\s*\(([^()]{2,40})\)\s*(?:--|[-—–])")


def _dateline_outlet(cleaned: Cleaned) -> str | None:
    first = next((line for line in cleaned.lines if line.kind == "body"), None)
    match = _DATELINE.match(first.text) if first else None
    known = outlets.by_masthead(match.group(1)) if match else None
    return known.name if known else None


def _canonical(name: str) -> str:
    known = outlets.by_masthead(name)
    return known.name if known else name.strip()


def _program_outlet(cleaned: Cleaned, evidence: Evidence) -> str | None:
    """A weak masthead (program name) counts only when the page's zone points at its outlet."""
    for line in cleaned.lines:
        rest = line.stamp.rest if line.stamp else line.text if line.kind in ("nav", "tail") else ""
        known = outlets.by_program(rest) if rest else None
        if known and known.timezone and _zone_agrees(known.timezone, evidence):
            return known.name
    return None


def _zone_agrees(zone: str, evidence: Evidence) -> bool:
    if zone in (evidence.label_zone, evidence.host_zone):
        return True
    probe = Stamp(date(2025, 1, 15), time(12))
    wanted = probe.with_zone(zone).offset()
    return any(probe.with_zone(offset).offset() == wanted for offset in evidence.page_offsets)


# ------------------------------------------------------------------ dates


def gather_evidence(cleaned: Cleaned, url: str | None) -> Evidence:
    evidence = Evidence(host_zone=outlets.timezone_for_host(url) if url else None)
    for line in cleaned.lines:
        for stamp_line in line.stamps:
            if stamp_line.zone_hint and not evidence.label_zone:
                evidence.label_zone = stamp_line.zone_hint
            if stamp_line.stamp and stamp_line.stamp.zone is not None:
                evidence.page_offsets.append(stamp_line.stamp.zone)
    if evidence.host_zone is None:
        for line in cleaned.lines:
            for email in metadata.emails_in(line.text):
                known = outlets.by_domain(email)
                if known and known.timezone:
                    evidence.host_zone = known.timezone
                    break
    return evidence


def zone_for(outlet: str | None, evidence: Evidence) -> tzinfo | str | None:
    """The zone for a printed time without offset: a label's language, an offset printed on the
    same page, the outlet's newsroom (table), then the site's country."""
    if evidence.label_zone:
        return evidence.label_zone
    if evidence.page_offsets:
        return evidence.page_offsets[0]
    known = outlets.by_masthead(outlet) if outlet else None
    if known and known.timezone:
        return known.timezone
    return evidence.host_zone


def pick_dates(
    given: dict[str, Any],
    page: HtmlPage | None,
    cleaned: Cleaned,
    body: str,
    zone: tzinfo | str | None,
    fetched: str | None,
) -> Dates:
    published = _text_stamp(cleaned, "published")
    updated = _text_stamp(cleaned, "updated")
    if page is not None:
        published = _page_published(page, published, zone)
        updated = page.meta.updated or updated
    dates = Dates(
        published=_given_date(given.get("published")) or _local_iso(published, zone),
        updated=_given_date(given.get("updated")) or _local_iso(updated, zone),
    )
    if dates.published is None:
        dates.published, dates.estimated = _relative_or_estimate(cleaned, body, fetched)
    return dates


def _local_iso(stamp: Stamp | None, zone: tzinfo | str | None) -> str | None:
    return stamp.with_zone(zone).to_local(zone).iso() if stamp else None


def _page_published(page: HtmlPage, printed: Stamp | None, zone: tzinfo | str | None) -> Stamp | None:
    """Meta/JSON-LD stamps carry the time; trafilatura's date (htmldate) weighs more clues for the
    day. When they disagree by more than a day, the meta stamp is usually a stale or re-publish
    date, so htmldate's day wins (measured on the bench)."""
    meta = page.meta.published
    day = _day(page.date)
    if meta is None:
        return printed or day
    if day is not None and abs((meta.to_local(zone).day - day.day).days) > 1:
        return day
    return meta


def _given_date(value: Any) -> str | None:
    if not value:
        return None
    stamp = parse_meta_date(str(value))
    return stamp.iso() if stamp else str(value)


def _day(value: str | None) -> Stamp | None:
    return parse_meta_date(value) if value else None


def _text_stamp(cleaned: Cleaned, role: str) -> Stamp | None:
    """The printed stamp for ``role``; unlabelled head stamps count as published. Among
    several, one with a time of day is preferred (" date 2025-06-11" vs "입력 2025.06.11 (15:46)")."""
    found: list[Stamp] = []
    for line in cleaned.lines[: cleaned.start] + cleaned.of_kind("stamp"):
        if line.kind == "related" or line.index >= cleaned.end:
            continue  # stamps after the article belong to related links
        for stamp_line in line.stamps:
            if stamp_line.stamp is None:
                continue
            if stamp_line.role == role or (
                role == "published" and stamp_line.role is None and line.index < cleaned.start
            ):
                found.append(stamp_line.stamp)
    for line in cleaned.of_kind("byline"):
        if role == "published" and line.byline and line.byline.stamp:
            found.append(line.byline.stamp)
    if not found:
        return None
    timed = [stamp for stamp in found if stamp.clock is not None and stamp.day == found[0].day]
    return timed[0] if timed else found[0]


def _relative_or_estimate(cleaned: Cleaned, body: str, fetched: str | None) -> tuple[str | None, bool]:
    """A relative stamp with the fetch time; without one, an estimate from the content."""
    relative: tuple[timedelta, bool] | None = None
    first_kept = next((line.index for line in cleaned.lines if line.kept), len(cleaned.lines))
    for line in cleaned.lines[:first_kept]:  # a relative stamp further down dates a related link
        if line.byline and line.byline.ago is not None:
            relative = (line.byline.ago, line.byline.day_only)
        elif line.stamp and line.stamp.ago is not None and line.stamp.role != "updated":
            relative = (line.stamp.ago, line.stamp.day_only)
        if relative:
            break
    if relative and fetched:
        stamp = resolve_relative(relative[0], relative[1], fetched)
        if stamp:
            return stamp.iso(), False
    related = [
        line.stamp.stamp.day
        for line in cleaned.lines
        if related_stamp(line) and line.stamp and line.stamp.stamp
    ]
    if relative is None and not related:
        return None, False  # nothing says the page is recent: do not guess from body dates alone
    day = estimate_published(related, body)
    return (day.isoformat(), True) if day else (None, False)

"""Metadata printed in scraped text: bylines, sign-offs, editor credits, stamp lines, mastheads.

Each function reads one line and says what it holds (or ``None``); :mod:`newsweave.clean.text`
uses them to label lines, and :func:`newsweave.clean.compose` turns the labels into fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from importlib import resources

from newsweave.clean import outlets
from newsweave.clean.dates import Stamp, find_relative, find_stamp

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[?email(?:&#160;|\s)*protected\]?", re.I)
_BRACKETED_EMAIL = re.compile(r"[\[(<]\s*(?:[\w.+-]+@[\w.-]+|\[?email\s*protected\]?)\s*[\])>]+", re.I)

# Words that introduce a byline, in the languages of the evaluation pages.
_BY = r"(?:by|von|par|por|di|door|av|af|written by|story by|words by|text(?:e)?\s*:|autor(?:in)?\s*:|author\s*:)"
_BYLINE = re.compile(rf"^(?:[-–—•|]\s*)?{_BY}\s+(.+)$", re.I)
_DASH_NAME = re.compile(r"^[-–—]\s*([A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){1,3})$")
_WRITE_TO = re.compile(r"^(?:write to|contact|e-?mail|reach)\s+(.+?)\s+(?:at|via|on)\s+(\S+@\S+?)\.?$", re.I)
_REPORTING = re.compile(r"(?:^|;\s*)(?:additional\s+)?reporting\s+by\s+([^;]+)", re.I)
_EDITING = re.compile(
    r"(?:^|;\s*)(?:editing|edited|writing|compiled|translated|produced)\s+by\s+([^;]+)", re.I
)
_EDITED_THIS = re.compile(
    r"^(.+?)\s+(?:edited|translated|compiled|produced|contributed(?:\s+reporting)?(?:\s+to)?)\s+(?:this|the)\s+"
    r"(?:article|story|report)\b",
    re.I,
)
_EDITOR_LABEL = re.compile(r"^(?:editors?|edited by|editing by|copy ?editor|redaktion)\s*[:\-]\s*(.+)$", re.I)
# "With files from The Canadian Press": material credited at the end (Canadian usage), not a byline.
_WITH_FILES = re.compile(
    r"^with (?:(?:additional )?files|(?:additional )?reporting|contributions?) (?:from|by)\s+(.+?)\.?$", re.I
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_PARTICLES = {
    "de",
    "da",
    "di",
    "del",
    "della",
    "der",
    "den",
    "van",
    "von",
    "zu",
    "la",
    "le",
    "du",
    "bin",
    "al",
    "el",
    "y",
    "dos",
    "das",
    "ter",
    "ten",
}
_NOT_NAME_WORDS = {
    "hours",
    "hour",
    "minutes",
    "minute",
    "ago",
    "days",
    "day",
    "updated",
    "published",
    "staff",
    "reporter",
    "correspondent",
    "editor",
    "writer",
    "news",
    "team",
    "desk",
    "the",
    "a",
    "an",
    "our",
    "and",
    "press",
    "agency",
    "photo",
    "photos",
    "video",
    "newsroom",
    "redaktion",
    "admin",
    "editorial",
    "board",
    "contributor",
}
_ROLE_SUFFIX = re.compile(
    r"\b(?:staff|senior|chief|special|political|foreign|business|sports|science|bureau|contributing)?\s*"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|analyst|producer|journalist|redakteur(?:in)?)\b",
    re.I,
)
_IN_PLACE = re.compile(r"\s+(?:in|from|aus)\s+[A-Z][\w.'’ -]*$")

# Labels that say which stamp a date line is. Korean site labels imply Korea Standard Time.
_PUBLISHED_LABEL = re.compile(
    r"\b(?:first published|published|posted|released|issued|created|date|veröffentlicht|erschienen|"
    r"publié|publicado|pubblicato|stand)\b|(?:기사\s*)?입력(?:시간)?|등록",
    re.I,
)
_UPDATED_LABEL = re.compile(
    r"\b(?:last updated|updated?|last modified|modified|aktualisiert|zuletzt geändert|letzte änderung|mis à jour|"
    r"actualizado|aggiornato)\b"
    r"|최종\s*수정|수정|업데이트",
    re.I,
)
_KOREAN_LABEL = re.compile(r"입력|수정|업데이트|등록")
_FILLER = re.compile(r"\b(?:on|at|um|am|le|el|il|the|of|uhr|h|kst|jst|gmt|utc|[ap]\.?m\.?)\b|[\W_]+", re.I)
_WEEKDAY_WORD = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b\.?|\b(?:montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    re.I,
)


@dataclass
class Byline:
    """Who wrote a piece, as one line states it."""

    authors: list[str] = field(default_factory=list)
    outlet: str | None = None  # an outlet named in the byline ("By JANE DOE, Associated Press")
    ago: timedelta | None = None  # a relative stamp in the byline ("By 19 HOURS AGO")
    day_only: bool = False
    stamp: Stamp | None = None
    emails: list[str] = field(default_factory=list)
    # an organisation printed after the name that the outlet table does not know ("Omar Said,
    # KTV News."): a candidate outlet name, to be confirmed by other signals on the page
    org: str | None = None


@dataclass
class StampLine:
    """A line that is (mostly) a date stamp."""

    role: str | None  # "published", "updated" or None when unlabelled
    stamp: Stamp | None
    ago: timedelta | None = None
    day_only: bool = False
    zone_hint: str | None = None  # zone implied by the label's language
    rest: str = ""  # what is left after removing labels and the stamp (e.g. a masthead)


# ------------------------------------------------------------------ names


@lru_cache(maxsize=1)
def _korean_syllables() -> frozenset[str]:
    text = resources.files("newsweave").joinpath("data/korean_name_syllables.txt").read_text(encoding="utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(words)


def name_case(name: str) -> str:
    """Title-case a name printed in capitals; names printed in mixed case are kept as written.

    Korean given names keep the usual English spelling ("SEO JI-EUN" -> "Seo Ji-eun"): a hyphenated
    part made only of romanized Korean syllables lowercases after the hyphen.
    """
    if not name.isupper():
        return name
    syllables = _korean_syllables()
    words = []
    for word in name.split():
        parts = word.lower().split("-")
        if len(parts) == 2 and all(part in syllables for part in parts):
            words.append(parts[0].capitalize() + "-" + parts[1])
        else:
            words.append("-".join(_capitalize_apostrophe(part) for part in parts))
    return " ".join(words)


def _capitalize_apostrophe(part: str) -> str:
    # O'BRIEN -> O'Brien, D'ALEMA -> D'Alema
    return re.sub(r"(^|['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), part)


def looks_like_name(text: str, allow_single: bool = False) -> bool:
    """A person's name: 2-5 capitalised words (1 when the context says it is a byline)."""
    words = text.split()
    if not words or len(words) > 5 or (len(words) == 1 and not allow_single):
        return False
    if any(ch.isdigit() for ch in text) or "@" in text:
        return False
    if {w.lower().strip(".,") for w in words} & _NOT_NAME_WORDS:
        return False
    capitalised = 0
    for word in words:
        if word.lower() in _PARTICLES:
            continue
        if not word[0].isupper():
            return False
        capitalised += 1
    return capitalised >= 1 and not outlets.by_masthead(text)


def split_names(text: str, allow_single: bool = False) -> list[str] | None:
    """Names joined by commas / "and" / "&"; ``None`` when any part is not a name."""
    parts = [p.strip(" .·|-–—") for p in _NAME_SPLIT.split(text) if p and p.strip(" .·|-–—")]
    if not parts:
        return None
    names = []
    for part in parts:
        if not looks_like_name(part, allow_single=allow_single):
            return None
        names.append(name_case(part))
    return names


_DEGREE = re.compile(r"^(?:ph\.?\s?d|m\.?d|mba|msc|ma|ba|dipl\.?|jr|sr)\.?$", re.I)


def split_author_field(text: str) -> list[str]:
    """Names in a metadata author string: "By Glen Owen And Brendan Carlin For The Mail On Sunday",
    "Markus M. Haefliger, London, Beat Bumbacher" (a one-word part next to full names is a place)."""
    text = re.sub(
        r"^\s*(?:by|von|par|por|autor(?:in)?|auteur|author|written by|text)\s*:?\s+",
        "",
        text.strip(),
        flags=re.I,
    )
    text = re.sub(r"\s+(?:for|für|pour)\s+(?:the\s+|die\s+|der\s+)?[A-Z].*$", "", text, flags=re.I)
    parts = [p.strip(" .·") for p in re.split(r"\s*(?:[,;/&|]|\band\b|\bund\b|\bet\b)\s*", text, flags=re.I)]
    parts = [p for p in parts if p and not _DEGREE.match(p)]
    multi = [p for p in parts if len(p.split()) >= 2]
    if multi and len(multi) < len(parts):
        parts = multi
    return parts


# ------------------------------------------------------------------ bylines and credits


def parse_byline(line: str) -> Byline | None:
    """A byline: "By Jane Doe", "BY A AND B [email]", "By JANE DOE, Associated Press", "- JANE DOE",
    "By 19 HOURS AGO". ``None`` when the line is not one (e.g. "By the way, ...")."""
    if len(line.split()) > 16:
        return None
    match = _DASH_NAME.match(line)
    if match:
        return Byline(authors=[name_case(match.group(1))])
    match = _BYLINE.match(line)
    if not match:
        return None
    byline = Byline(emails=_EMAIL.findall(match.group(1)))
    rest = _BRACKETED_EMAIL.sub(" ", match.group(1))
    rest = _EMAIL.sub(" ", rest)
    relative = find_relative(rest)
    if relative:
        byline.ago, byline.day_only, (start, end) = relative
        rest = rest[:start] + " " + rest[end:]
    stamp = find_stamp(rest)
    if stamp:
        byline.stamp, (start, end) = stamp
        rest = rest[:start] + " " + rest[end:]
    rest = re.sub(
        r"\s*(?:\||·|•|\bon\b|\bupdated\b|\bpublished\b)\s*$", "", rest.strip(" ,|·-–—"), flags=re.I
    )
    names, outlet = _names_and_outlet(rest.strip(" ,|·-–—:"))
    if names is None:
        return byline if (byline.ago is not None or byline.stamp) and not rest.strip(" ,|·-–—:") else None
    byline.authors, byline.outlet = names, outlet
    return byline


def _names_and_outlet(text: str) -> tuple[list[str] | None, str | None]:
    """Split "Jane Doe and John Roe, Associated Press" into names and the outlet."""
    if not text:
        return None, None
    outlet = None
    pieces = [p.strip() for p in re.split(r"\s*[,|]\s*|\s+[-–—]\s+", text) if p.strip()]
    kept = []
    for index, piece in enumerate(pieces):
        known = outlets.by_masthead(piece)
        if index > 0 and known:
            outlet = known.name
            break  # what follows the outlet is a place or desk: "By A, BBC News, New York"
        if index > 0 and (_ROLE_SUFFIX.search(piece) or re.match(r"(?:for|special to)\b", piece, re.I)):
            break  # "Staff Writer", "Special to The Post"
        kept.append(_IN_PLACE.sub("", piece))
    names = split_names(", ".join(kept), allow_single=True)
    return names, outlet


def parse_signoff(line: str) -> Byline | None:
    """End-of-article author lines: "Write to A and B at a@x.com", "Reporting by A; Editing by B"."""
    match = _WRITE_TO.match(line)
    if match:
        names = split_names(match.group(1))
        if names:
            return Byline(authors=names, emails=_EMAIL.findall(match.group(2)))
    match = _REPORTING.search(line)
    if match and line.lower().lstrip().startswith(("reporting", "additional reporting")):
        names = split_names(re.sub(r"\s+in\s+[A-Z][\w ]*$", "", match.group(1).strip(" ."))) or []
        return Byline(authors=names)
    return None


def parse_credit(line: str) -> list[str] | None:
    """Editor / translator credits (never authors): "In-Soo Nam edited this article.",
    "Editing by Jane Doe", "Editor: Jane Doe". Returns the credited names."""
    if len(line.split()) > 20:
        return None
    for pattern in (_EDITED_THIS, _EDITOR_LABEL, _WITH_FILES):
        match = pattern.match(line.strip())
        if match:
            return split_names(match.group(1).strip(" ."), allow_single=True) or []
    if re.match(r"^(?:editing|edited|compiled|translated|produced)\s+by\b", line.strip(), re.I) or (
        _REPORTING.search(line) and _EDITING.search(line)
    ):
        names: list[str] = []
        for match in _EDITING.finditer(line):
            names += split_names(match.group(1).strip(" ."), allow_single=True) or []
        return names
    return None


# A journalist's job title after the name: "Courts reporter", "Senior Political Correspondent".
# A bare "Editor" is left out: "Jane Doe, Editor" is as often the masthead's editor credit.
_ROLE_TITLE = re.compile(
    r"^(?:[\w'’-]+\s+){0,3}(?:writer|reporter|correspondent|columnist|journalist|redakteur(?:in)?|"
    r"reporterin|korrespondent(?:in)?)s?$|^(?:[\w'’-]+\s+){1,3}editors?$",
    re.I,
)
# An organisation name as printed: capitalised words, joined by a few lower-case function words.
ORG_NAME = r"(?:The\s+)?[A-Z0-9][\w&'’-]*(?:\s+(?:[A-Z0-9&][\w&'’-]*|of|and|for|the|on|de|du|der|des))*"
_NAME_ORG = re.compile(rf"^[-–—]*\s*([^,]{{3,60}}),\s*({ORG_NAME})(?:,\s*[A-Z][\w'’. -]{{1,30}})?\.?$")
_REPORTS = re.compile(
    r"(?:(?:our|the)\s+(?:[\w-]+\s+){0,3}(?:correspondent|reporter|editor)\s+)?(.+?)\s+reports"
    r"(?:\s+from\s+[A-Z][^.!?]{1,40})?\.",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"”’)])\s+")


def parse_role_byline(line: str) -> Byline | None:
    """A byline without "By": names, a comma and a journalist's job title
    ("Amira Haddad, Courts correspondent"). Callers use it on head lines only."""
    names_part, comma, role = line.partition(",")
    role = role.strip(" .")
    if not comma or len(line.split()) > 10 or "," in role or not _ROLE_TITLE.match(role):
        return None
    names = split_names(names_part.strip())
    return Byline(authors=names) if names else None


def parse_name_org(line: str) -> Byline | None:
    """A broadcast-style sign-off: a name, then the organisation it reports for and maybe a place
    ("Omar Said, KTV News.", "Jane Doe, BBC News, Cardiff"). Callers use it on the line that
    ends the article only: elsewhere "Name, Place." may be anything."""
    if len(line.split()) > 10:
        return None
    match = _NAME_ORG.match(line.strip())
    if match is None:
        return None
    names = split_names(match.group(1).strip())
    org = match.group(2).strip()
    if not names or looks_like_name(org) or _ROLE_TITLE.match(org):
        return None  # "Jane Doe, John Roe" is a list of people; "Jane Doe, Staff writer" a role byline
    known = outlets.by_masthead(org)
    return Byline(authors=names, outlet=known.name if known else None, org=None if known else org)


def reporter_in(paragraph: str) -> str | None:
    """The reporter a broadcast anchor hands over to, in the intro's last sentence:
    "... the longest so far. Omar Said reports." / "Our correspondent Jane Doe reports from Kyiv."."""
    if not paragraph.rstrip().endswith("reports.") and " reports from " not in paragraph:
        return None  # cheap test first: most paragraphs end otherwise
    last = _SENTENCE_SPLIT.split(paragraph.strip())[-1]
    match = _REPORTS.fullmatch(last)
    if match is None:
        return None
    name = match.group(1).strip()
    if not 2 <= len(name.split()) <= 4 or not looks_like_name(name):
        return None
    return name_case(name)


# ------------------------------------------------------------------ stamp lines


def parse_stamp_line(line: str) -> StampLine | None:
    """A line that holds a date stamp and little else: "Published: 10 Jun. 2025, 18:45",
    "입력 2025.06.11 (15:46)", " date 2025-06-11 News Today", "Published 3 hours ago".

    ``rest`` keeps the words that are neither label nor stamp; a line with more than a few such
    words is a sentence that mentions a date, not a stamp line.
    """
    if len(line) > 120:
        return None
    found = find_stamp(line)
    relative = None if found else find_relative(line)
    if not found and not relative:
        return None
    start, end = found[1] if found else relative[2]
    role = None
    label_text = line[:start] + " " + line[end:]
    zone_hint = "Asia/Seoul" if _KOREAN_LABEL.search(label_text) else None
    if _UPDATED_LABEL.search(label_text):
        role = "updated"
    elif _PUBLISHED_LABEL.search(label_text):
        role = "published"
    rest = _UPDATED_LABEL.sub(" ", label_text)
    rest = _PUBLISHED_LABEL.sub(" ", rest)
    rest = _WEEKDAY_WORD.sub(" ", rest)
    rest = re.sub(
        r"\((?:gmt|utc)?\s*[+-]?\d{1,2}:?\d{0,2}\)|\b(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?",
        " ",
        rest,
        flags=re.I,
    )
    rest = _FILLER.sub(" ", rest)
    rest = " ".join(rest.split())
    if relative is not None and not role and rest:
        return None  # "a year ago, he said" is a sentence; a relative stamp line stands alone
    if len(rest.split()) > 4:
        return None
    if found:
        return StampLine(role=role, stamp=found[0], zone_hint=zone_hint, rest=rest)
    ago, day_only, _ = relative
    return StampLine(role=role, stamp=None, ago=ago, day_only=day_only, zone_hint=zone_hint, rest=rest)


def parse_stamp_segments(line: str) -> list[StampLine] | None:
    """A stamp bar of several segments: "Evening Bulletin | Posted 2024.11.05 (19:10) | Modified
    2024.11.05 (21:30)". Each segment is a stamp or a short label (a program or section name);
    the stamps come back in order, the labels joined in the first one's ``rest``."""
    if len(line) > 160:
        return None
    segments = [part for part in re.split(r"\s+[|·•]\s+", line.strip()) if part.strip()]
    if len(segments) < 2:
        return None
    stamps: list[StampLine] = []
    labels: list[str] = []
    for segment in segments:
        found = parse_stamp_line(segment)
        if found is not None and (found.stamp is not None or found.ago is not None):
            stamps.append(found)
        elif len(segment.split()) <= 4 and not re.search(r"[.!?]$", segment):
            labels.append(segment)
        else:
            return None  # a segment that is neither stamp nor label: not a stamp bar
    if not stamps:
        return None
    stamps[0].rest = " ".join([*labels, stamps[0].rest]).strip()
    return stamps


_COPYRIGHT = re.compile(
    r"(?:©|\([cC]\)|\b[Cc]opyright\b|\bCOPYRIGHT\b)\s*(?:©\s*)?"
    r"(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?\s*,?\s*)?(?:[Bb]y\s+)?"
    rf"({ORG_NAME})(?=\s*(?:[.,;|·•]|$))"
)
_LEGAL_FORM = re.compile(r"\s+(?:Co|Inc|Ltd|LLC|AS|ASA|AB|GmbH|AG|SA|plc|Corp|KG|Oy)$")


def copyright_holder(text: str, at_start: bool = False) -> str | None:
    """The holder named in a copyright notice ("© 2024 The Lakeland Post. All rights reserved."
    -> "The Lakeland Post"), without a legal-form suffix; ``None`` without a notice. With
    ``at_start`` the notice must open the line."""
    match = _COPYRIGHT.match(text.strip()) if at_start else _COPYRIGHT.search(text)
    if match is None:
        return None
    holder = _LEGAL_FORM.sub("", match.group(1).strip())
    first = holder.split()[0].casefold() if holder.split() else ""
    if first in ("all", "alle", "tous", "todos") or not any(ch.isalpha() for ch in holder):
        return None  # "© 2026. All rights reserved." names nobody
    return holder


def masthead_in(text: str) -> outlets.Outlet | None:
    """A strong masthead line: the outlet name alone, "with the Korea JoongAng Daily", or the
    outlet and a place ("BBC News, Cardiff")."""
    text = text.strip(" -–—|·:")
    if len(text.split()) > 8:
        return None
    text = re.sub(r"^(?:with|for|from|via|source:?|quelle:?|©|\(c\)|copyright)\s+", "", text, flags=re.I)
    found = outlets.by_masthead(text)
    if found is None and re.search(r",|\s[-–|]\s", text):
        found = outlets.by_masthead(re.split(r",|\s[-–|]\s", text, maxsplit=1)[0])
    return found


def strip_emails(text: str) -> str:
    """The line without its e-mail addresses (bracketed or bare, Cloudflare-protected included)."""
    return _EMAIL.sub(" ", _BRACKETED_EMAIL.sub(" ", text))


def emails_in(text: str) -> list[str]:
    return [e for e in _EMAIL.findall(text) if "@" in e]

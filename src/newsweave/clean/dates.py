"""Date stamps as news pages print them, and estimating a publication date when none is printed.

Handled forms (any of them may carry a time and a zone):
``2025-06-10T18:45:00+09:00``, ``2025.06.11 (15:46)``, ``11.06.2025, 15:46 Uhr``,
``10 Jun. 2025, 18:45``, ``Jun 09, 2025 (Gmt+09:00)``, ``June 10, 2025 at 5:12 p.m. EDT``,
``12:30 GMT, 3 June 2025``, and relative stamps (``19 HOURS AGO``, ``vor 3 Stunden``, ``yesterday``).
Regular expressions rather than dateparser: stamp lines are short and the forms few, and a
parser that guesses (e.g. reads "May" in a sentence as a date) would mislabel body lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar jänner janvier janv enero ene gennaio gen",
        "february feb februar février fevrier févr fevr febrero febbraio",
        "march mar märz maerz mär mars marzo",
        "april apr avril avr abril aprile",
        "may mai mayo maggio mag",
        "june jun juni juin junio giugno giu",
        "july jul juli juillet juil julio luglio lug",
        "august aug août aout agosto ago",
        "september sep sept septembre septiembre settembre set",
        "october oct oktober okt octobre octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec dezember dez décembre déc decembre diciembre dic dicembre",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# Fixed offsets of zone abbreviations that news sites print. Ambiguous ones (CST, IST) take
# their most common newsroom meaning; "ET"/"PT" follow daylight saving through their zone.
_ZONE_ABBREVIATIONS: dict[str, str | int] = {
    "kst": 9 * 60,
    "jst": 9 * 60,
    "hkt": 8 * 60,
    "sgt": 8 * 60,
    "ist": 330,
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "bst": 60,
    "cet": 60,
    "mez": 60,
    "cest": 120,
    "mesz": 120,
    "eet": 120,
    "eest": 180,
    "est": -300,
    "edt": -240,
    "cst": -360,
    "cdt": -300,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
    "et": "America/New_York",
    "pt": "America/Los_Angeles",
}

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}(?!\d))?"
)
_YMD = re.compile(r"(?<![\d.])(\d{4})[./](\d{1,2})[./](\d{1,2})(?![\d/])\.?")
_DMY_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_DMY = re.compile(rf"(?<![\w.])(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+({_MONTH})\b\.?,?\s+(\d{{4}})(?!\d)", re.I)
_MDY = re.compile(rf"(?<![\w])({_MONTH})\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
_TIME = re.compile(
    r"(?<![\d.:+-])(\d{1,2})(?::|h(?=\d))(\d{2})(?::(\d{2}))?(?!\d)\s*(?:([ap])\.?\s?m\b\.?)?"
    r"|(?<![\d.:])(\d{1,2})\.(\d{2})\s*(?=uhr\b|h\b)"
    r"|(?<![\d.:])(\d{1,2})\s*([ap])\.?\s?m\b\.?",
    re.I,
)
_OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)
_ABBREVIATION = re.compile(r"(?<![\w])(" + "|".join(_ZONE_ABBREVIATIONS) + r")(?![\w])", re.I)
_RELATIVE = re.compile(
    r"\b(\d+|an?|one)\s+(sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\bvor\s+(\d+|einer?|einem)\s+(sekunden?|minuten?|stunden?|tag(?:en)?|wochen?|monat(?:en)?)\b"
    r"|\bil y a\s+(\d+|une?)\s+(secondes?|minutes?|heures?|jours?|semaines?|mois)\b",
    re.I,
)
_YESTERDAY = re.compile(r"\b(yesterday|gestern|hier)\b", re.I)
_TODAY = re.compile(r"\b(just now|today|heute|aujourd'hui)\b", re.I)
_UNIT_SECONDS = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "mo": 30 * 86400,
    "y": 365 * 86400,
}


@dataclass(frozen=True)
class Stamp:
    """A printed point in time: a day, maybe a time of day, maybe a zone."""

    day: date
    clock: time | None = None
    zone: tzinfo | None = None

    def with_zone(self, zone: tzinfo | str | None) -> Stamp:
        """Give a zone to a stamp that prints a time but no offset (DST-aware via zoneinfo)."""
        if self.zone is not None or self.clock is None or not zone:
            return self
        return Stamp(self.day, self.clock, ZoneInfo(zone) if isinstance(zone, str) else zone)

    def to_local(self, zone: tzinfo | str | None) -> Stamp:
        """A UTC stamp shown in the newsroom's zone (same instant; the date readers saw).

        Sites often emit machine dates in UTC; an article posted at 00:30 in Berlin carries the
        previous day's date in UTC. Stamps with a non-zero offset are already local and stay.
        """
        if self.clock is None or self.zone is None or not zone or self.offset() != timedelta(0):
            return self
        target = ZoneInfo(zone) if isinstance(zone, str) else zone
        moment = datetime.combine(self.day, self.clock).replace(tzinfo=self.zone).astimezone(target)
        return Stamp(moment.date(), moment.time().replace(tzinfo=None), target)

    def offset(self) -> timedelta | None:
        """UTC offset of the stamp's zone on its day (None without a zone)."""
        if self.zone is None:
            return None
        return datetime.combine(self.day, self.clock or time(12)).replace(tzinfo=self.zone).utcoffset()

    def iso(self) -> str:
        """ISO 8601: a date only when no time is known; an offset only when the zone is known."""
        if self.clock is None:
            return self.day.isoformat()
        moment = datetime.combine(self.day, self.clock)
        if self.zone is not None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.isoformat(timespec="seconds")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    # stamps outside this window are page furniture (copyright years, IDs), not publication dates
    return found if 1990 <= found.year <= 2100 else None


def _fixed(minutes: int) -> tzinfo:
    return timezone(timedelta(minutes=minutes))


def find_zone(text: str) -> tzinfo | None:
    """An explicit zone in a stamp: ``(Gmt+09:00)``, ``UTC+2``, ``KST``, ``EDT``, ..."""
    match = _OFFSET.search(text)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return _fixed(sign * (int(match.group(2)) * 60 + int(match.group(3) or 0)))
    match = _ABBREVIATION.search(text)
    if match:
        # a lone "ET"/"PT"/"Z" is only a zone when written in capitals
        word = match.group(1)
        if word.lower() in ("et", "pt", "z", "ist", "cst") and not word.isupper():
            return None
        value = _ZONE_ABBREVIATIONS[word.lower()]
        return ZoneInfo(value) if isinstance(value, str) else _fixed(value)
    return None


def _time_from(match: re.Match[str]) -> time | None:
    groups = match.groups()
    if groups[0] is not None:
        hour, minute, second, half = int(groups[0]), int(groups[1]), int(groups[2] or 0), groups[3]
    elif groups[4] is not None:
        hour, minute, second, half = int(groups[4]), int(groups[5]), 0, None
    else:
        hour, minute, second, half = int(groups[6]), 0, 0, groups[7]
    if half:
        if hour > 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def find_time(text: str) -> tuple[time, tuple[int, int]] | None:
    for match in _TIME.finditer(text):
        found = _time_from(match)
        if found is not None:
            return found, match.span()
    return None


def find_date(text: str) -> tuple[date, tuple[int, int]] | None:
    """The first full date (day, month and year) in ``text`` and where it is."""
    found: list[tuple[int, date, tuple[int, int]]] = []
    for match in _ISO.finditer(text):
        day = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if day:
            found.append((match.start(), day, (match.start(), match.start() + len(match.group(0)))))
            break
    for pattern, order in ((_YMD, "ymd"), (_DMY_NUMERIC, "dmy"), (_DMY, "dMy"), (_MDY, "Mdy")):
        for match in pattern.finditer(text):
            day = _date_from_groups(match.groups(), order)
            if day:
                found.append((match.start(), day, match.span()))
                break
    if not found:
        return None
    _, day, span = min(found, key=lambda item: item[0])
    return day, span


def _date_from_groups(groups: tuple[str | None, ...], order: str) -> date | None:
    a, b, c = (g or "" for g in groups[:3])
    if order == "ymd":
        return _safe_date(int(a), int(b), int(c))
    if order == "dmy":
        return _safe_date(int(c), int(b), int(a))
    if order == "dMy":
        return _safe_date(int(c), MONTHS[b.lower().rstrip(".")], int(a))
    return _safe_date(int(c), MONTHS[a.lower().rstrip(".")], int(b))


def find_stamp(text: str) -> tuple[Stamp, tuple[int, int]] | None:
    """A full date with the time and zone printed next to it, and the span they cover.

    Stamp lines are short, so a time anywhere on the line belongs to the date
    ("12:30 GMT, 3 June 2025" as well as "10 Jun. 2025, 18:45").
    """
    iso = _ISO.search(text)
    if iso and iso.group(4) is not None:
        day = _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if day:
            clock = time(int(iso.group(4)), int(iso.group(5)), int(iso.group(6) or 0))
            offset = iso.group(7)
            zone = find_zone(text[iso.end() :]) if offset is None else _parse_offset(offset)
            return Stamp(day, clock, zone), iso.span()
    found = find_date(text)
    if found is None:
        return None
    day, (start, end) = found
    rest = text[:start] + " " * (end - start) + text[end:]
    # "(Gmt+09:00)" is a zone, not a time of day
    zone = find_zone(rest)
    rest = _OFFSET.sub(lambda m: " " * len(m.group(0)), rest)
    clock_found = find_time(rest)
    clock = clock_found[0] if clock_found else None
    span = (start, end)
    if clock_found:
        span = (min(start, clock_found[1][0]), max(end, clock_found[1][1]))
    return Stamp(day, clock, zone), span


def _parse_offset(text: str) -> tzinfo:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return _fixed(sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0)))


def parse_meta_date(value: str) -> Stamp | None:
    """A machine-readable date from a meta tag or JSON-LD (ISO 8601 mostly, or a printed form)."""
    value = value.strip()
    if not value:
        return None
    found = find_stamp(value)
    return found[0] if found else None


def find_relative(text: str) -> tuple[timedelta, bool, tuple[int, int]] | None:
    """A relative stamp: (how long ago, whether only the day is meaningful, span)."""
    match = _RELATIVE.search(text)
    if match:
        groups = [g for g in match.groups() if g is not None]
        count_word, unit_word = groups[0].lower(), groups[1].lower()
        count = int(count_word) if count_word.isdigit() else 1
        unit = _unit_key(unit_word)
        seconds = count * _UNIT_SECONDS[unit]
        return timedelta(seconds=seconds), seconds >= 86400, match.span()
    match = _YESTERDAY.search(text)
    if match:
        return timedelta(days=1), True, match.span()
    match = _TODAY.search(text)
    if match:
        return timedelta(0), True, match.span()
    return None


def _unit_key(word: str) -> str:
    word = word.lower()
    if word.startswith(("sec", "sek")):
        return "s"
    if word.startswith("min"):
        return "m"
    if word.startswith(("h", "stund")):
        return "h"
    if word.startswith(("d", "tag", "jour")):
        return "d"
    if word.startswith(("w", "sem")):
        return "w"
    if word.startswith(("mo", "mois")):
        return "mo"
    return "y"


def resolve_relative(ago: timedelta, day_only: bool, fetched: str) -> Stamp | None:
    """The stamp ``ago`` before the fetch time (kept to the day when the stamp counts days)."""
    anchor = parse_meta_date(fetched)
    if anchor is None:
        return None
    if anchor.clock is None:
        return Stamp(anchor.day - timedelta(days=ago.days))
    moment = datetime.combine(anchor.day, anchor.clock)
    if anchor.zone is not None:
        moment = moment.replace(tzinfo=anchor.zone)
    moment -= ago
    if day_only:
        return Stamp(moment.date())
    return Stamp(moment.date(), moment.time().replace(second=0, microsecond=0), moment.tzinfo)


# ------------------------------------------------------------------ estimating from content

_WEEKDAY_MENTION = re.compile(
    r"\b(last|next|this|every|on|since|until|by|from|(?:early|late)\s+on)?\s*"
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(s)?\b",
    re.I,
)


def weekday_mentions(text: str) -> list[int]:
    """Weekdays the text names as recent past or present days ("on Tuesday", "Tuesday's call").

    "last Friday" (the week before), "next Monday" (future), "every Sunday" and plurals do not
    name a day of the publication's own week, so they are skipped.
    """
    days: list[int] = []
    for match in _WEEKDAY_MENTION.finditer(text):
        lead = (match.group(1) or "").lower()
        if lead in ("last", "next", "every", "until", "by") or match.group(3):
            continue
        days.append(_WEEKDAYS.index(match.group(2).lower()))
    return days


def estimate_published(related: Iterable[date], body: str) -> date | None:
    """Estimate the publication day of a page that prints only a relative stamp.

    The newest dated related-article link is a lower bound: a page links to stories already
    published. News reports events of the day or the day before, so a weekday the body names
    ("on Tuesday") is the first such weekday on or after that bound. Without a weekday the
    bound itself is the estimate. Without related links, the newest full date in the body is
    the bound (weaker: bodies also name dates of planned events).
    """
    floor = max(related, default=None)
    if floor is None:
        dates = [day for day, _ in _full_dates(body)]
        floor = max(dates, default=None)
    if floor is None:
        return None
    days = set(weekday_mentions(body))
    if not days:
        return floor
    candidates = [floor + timedelta(days=(day - floor.weekday()) % 7) for day in days]
    return min(candidates)


def _full_dates(text: str) -> list[tuple[date, tuple[int, int]]]:
    found: list[tuple[date, tuple[int, int]]] = []
    for pattern, order in ((_DMY, "dMy"), (_MDY, "Mdy"), (_YMD, "ymd")):
        for match in pattern.finditer(text):
            day = _date_from_groups(match.groups(), order)
            if day:
                found.append((day, match.span()))
    return found

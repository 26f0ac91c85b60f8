"""Time expressions: find them in an article and normalise them TIMEX3-style against its publish time.

How it works (all on the spaCy Doc the extraction stage already built, no extra model):

1. Detection: precompiled regular expressions over ``doc.text`` (dates, weekdays, months, years, decades,
   quarters, seasons, clock times, parts of day, "yesterday", "last week", durations, sets, ...). Overlapping
   candidates are settled longest-first, so "last Friday" beats "Friday" and "the third quarter of 1989" beats
   "1989". A few rules look at the parse (a year needs a year-like context, "May" needs a month context).
2. Normalisation, in document order: absolute expressions stand alone; relative ones are resolved against the
   anchor (the publish date); "a year earlier", "the next day", "that year", a bare "morning" use the reference
   time, i.e. the last date mentioned before them (TimeML's convention). Undetermined direction is settled by
   the governing verb: a bare weekday is the latest one on or before the anchor unless the verb is future
   ("will", "is scheduled to", "upcoming", a deadline "until Tuesday") -> the next one. A month or month-day
   without a year takes the year that puts it nearest the anchor (the anchor's year winning near-ties), unless
   it hangs directly off a past verb ("met in November" in June -> last November) or a future one; a date
   reached through a noun ("the summit in November") or a deadline preposition ("extended to Nov. 16") says
   nothing about the tense. Measured on TempEval-3, nearest-first beats trusting the tense everywhere.
3. Event-anchored offsets ("six days after his inauguration") are resolved last, when another date in the
   article is syntactically attached to the same event ("inaugurated on June 4", "took office on June 4").

Without an anchor, relative expressions keep their granularity with X's ("XXXX-WXX-2", "XXXX-11",
"XXXX-XX-XX") and ``anchored=False``; absolute ones ("June 10, 2025") still resolve.

Values follow TIMEX3/TimeML as used by TempEval-3: "2025-06-10", "2025-06", "2025", "2025-W24", "2025-W23-WE",
"2025-Q3", "2025-H1", "2025-SU", "199" (the 1990s), "19" (the 20th century), "2025-06-10T18:45",
"2025-06-10TMO", "PT30M", "P11Y", "PXY", "P1W" / "XXXX-WXX-1" for sets, "PRESENT_REF" / "PAST_REF" /
"FUTURE_REF". Modifiers such as "early" or "about" are kept in the span text, not in the value.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from spacy.attrs import IDX, LENGTH, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from newsweave.extract.nlp import text_of
from newsweave.extract.quantities import DIGITS, NUMBER, SPELLED_CORE, is_rate, parse_number
from newsweave.records import Quantity, Timex

__all__ = ["find_timexes", "find_timexes_in_text", "timex_compatible", "parse_anchor", "elapsed_since"]

# ---------------------------------------------------------------- vocabulary

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8,
    "nineties": 9,
}  # fmt: skip
# Duration units: TIMEX3 letter, whether it sits after "T", and how many of the letter's unit one makes.
_DUR = {
    "second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1), "day": ("D", False, 1),
    "night": ("D", False, 1), "week": ("W", False, 1), "weekend": ("D", False, 2), "fortnight": ("W", False, 2),
    "month": ("M", False, 1), "quarter": ("Q", False, 1), "year": ("Y", False, 1), "decade": ("Y", False, 10),
    "century": ("Y", False, 100), "millennium": ("Y", False, 1000),
}  # fmt: skip
_UNIT_ALIASES = {
    "min": "minute",
    "mins": "minute",
    "hr": "hour",
    "hrs": "hour",
    "yr": "year",
    "yrs": "year",
    "centuries": "century",
    "millennia": "millennium",
    "sec": "second",
    "secs": "second",
}
# For a fractional amount, the next smaller unit and how many of it make one ("1.5 years" -> P1Y6M).
_SMALLER = {
    "Y": ("M", 12, False),
    "W": ("D", 7, False),
    "D": ("H", 24, True),
    "H": ("M", 60, True),
    "M": ("S", 60, True),
}
# Words after which a bare four-digit number is not a year ("Flight 1990", "No. 2017").
_NOT_YEAR_BEFORE = {
    "no",
    "no.",
    "number",
    "flight",
    "route",
    "article",
    "room",
    "model",
    "page",
    "pp",
    "p.",
    "#",
    "$",
    "about",
    "nearly",
    "some",
    "over",
    "than",
    "approximately",
    "around",
}
_MONTH_PREPS = {
    "in",
    "since",
    "until",
    "till",
    "by",
    "from",
    "to",
    "through",
    "during",
    "before",
    "after",
    "of",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "for",
    "between",
    "and",
    "or",
    "each",
    "every",
    "on",
    "that",
    "throughout",
    "mid-",
}

# ---------------------------------------------------------------- regex fragments

_MON_FULL = "january|february|march|april|may|june|july|august|september|october|november|december"
_MON = rf"(?:{_MON_FULL}|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?)(?![a-z])"
_MON_STRICT = rf"(?:{_MON_FULL}|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.)(?![\w-])"
_WD = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\d%])"
_CLOCK = r"(?P<hh>[01]?\d|2[0-3])[:.](?P<mm>[0-5]\d)(?!\d)(?:\s*(?P<ap2>[ap]\.m\.?|[ap]m(?!\w)))?"
_UNITS = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|weekends?|fortnights?|months?|quarters?|"
    r"years?|yrs?|decades?|centur(?:y|ies)|millenni(?:um|a))"
)
_APPROX = (
    r"(?:about|approximately|around|roughly|some|nearly|almost|close to|more than|over|at least|less than|"
    r"fewer than|under|up to|no more than|no less than|just over|just under|well over|upwards of|"
    r"at most|an estimated|barely|only|just)"
)
# How many: a number, or a vague amount that gives an X in the value.
_AMOUNT = rf"(?:{NUMBER}|an?|a few|few|several|many|a couple of|a couple|some|dozens of|hundreds of)"
_VAGUE = {"a few", "few", "several", "many", "a couple", "some", "dozens of", "hundreds of"}

_I = re.IGNORECASE


# ---------------------------------------------------------------- periods


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class _P:
    """A calendar period at some granularity, represented by a day inside it (its first day)."""

    gran: str  # day, week, weekend, month, quarter, half, season, year, decade, century
    d: date
    code: str = ""  # the season code for gran == "season"

    def fmt(self) -> str:
        g, d = self.gran, self.d
        if g == "day":
            return d.isoformat()
        if g in ("week", "weekend"):
            y, w, _ = d.isocalendar()
            return f"{y:04d}-W{w:02d}" + ("-WE" if g == "weekend" else "")
        if g == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if g == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if g == "half":
            return f"{d.year:04d}-H{(d.month - 1) // 6 + 1}"
        if g == "season":
            return f"{d.year:04d}-{self.code}"
        if g == "decade":
            return f"{d.year // 10:03d}"
        if g == "century":
            return f"{d.year // 100:02d}"
        return f"{d.year:04d}"

    def shift(self, n: float, unit: str) -> _P:
        """The same kind of period ``n`` units later (negative: earlier)."""
        if unit in ("day", "night"):
            return _P(self.gran, self.d + timedelta(days=round(n)), self.code)
        if unit in ("week", "weekend", "fortnight"):
            return _P(
                self.gran,
                self.d + timedelta(days=round(7 * n * (2 if unit == "fortnight" else 1))),
                self.code,
            )
        months = {
            "month": 1,
            "quarter": 3,
            "half": 6,
            "season": 12,
            "year": 12,
            "decade": 120,
            "century": 1200,
            "millennium": 12000,
        }.get(unit)
        if months is None:  # hours, minutes: below the granularity of a date
            return self
        return _P(self.gran, _add_months(self.d, round(n * months)), self.code)


def _at(gran: str, d: date) -> _P:
    """The period of granularity ``gran`` containing day ``d``."""
    if gran in ("week", "weekend"):
        return _P(gran, d - timedelta(days=d.weekday()))
    if gran == "month":
        return _P(gran, d.replace(day=1))
    if gran == "quarter":
        return _P(gran, date(d.year, (d.month - 1) // 3 * 3 + 1, 1))
    if gran == "half":
        return _P(gran, date(d.year, 1 if d.month <= 6 else 7, 1))
    if gran == "year":
        return _P(gran, date(d.year, 1, 1))
    if gran == "decade":
        return _P(gran, date(d.year // 10 * 10 or 1, 1, 1))
    if gran == "century":
        return _P(gran, date(d.year // 100 * 100 or 1, 1, 1))
    return _P("day", d)


_UNANCHORED = {
    "day": "XXXX-XX-XX",
    "week": "XXXX-WXX",
    "weekend": "XXXX-WXX-WE",
    "month": "XXXX-XX",
    "quarter": "XXXX-QX",
    "half": "XXXX-HX",
    "season": "XXXX-XX",
    "year": "XXXX",
    "decade": "XXX",
    "century": "XX",
}


def _dur_value(n: float | None, unit: str) -> str:
    """TIMEX3 duration: (2, "year") -> "P2Y", (0.5, "hour") -> "PT30M", (None, "day") -> "PXD"."""
    letter, is_time, mult = _DUR[unit]
    if n is None:
        return "PXC" if unit == "century" else f"P{'T' if is_time else ''}X{letter}"
    v = n * mult
    whole = int(v)
    frac = v - whole
    if abs(frac) < 1e-9:
        return f"P{'T' if is_time else ''}{whole}{letter}"
    if letter in _SMALLER and not (letter == "M" and not is_time):
        small, per, small_is_time = _SMALLER[letter]
        rest = round(frac * per)
        head = f"{whole}{letter}" if whole else ""
        if is_time or not small_is_time:
            return f"P{'T' if is_time else ''}{head}{rest}{small}"
        return f"P{head}T{rest}{small}"  # "1.5 days" -> P1DT12H
    return f"P{'T' if is_time else ''}{v:g}{letter}"


def _unit(word: str) -> str:
    """Canonical unit name from its surface form ("Hours" -> "hour", "centuries" -> "century")."""
    w = word.lower()
    if w in _UNIT_ALIASES:
        return _UNIT_ALIASES[w]
    return w[:-1] if w.endswith("s") and w[:-1] in _DUR else w


def _amount(text: str | None) -> float | None:
    """How many of a unit: "two" -> 2, "a" -> 1, "a couple" -> 2, "several" -> None (vague)."""
    if not text:
        return 1.0
    t = " ".join(text.lower().split())
    if t in ("a", "an", "one"):
        return 1.0
    if t in ("a couple of", "a couple"):
        return 2.0
    if t in _VAGUE:
        return None
    return parse_number(t)


def parse_anchor(anchor: str | None) -> date | None:
    """The date part of an ISO publish time ("2025-06-10T18:45:00+09:00" -> 2025-06-10); None if unusable.

    The local date as written is kept (no time-zone conversion): that is the day the outlet's readers live in.
    """
    if not anchor:
        return None
    try:
        d = date.fromisoformat(anchor.strip()[:10])
    except ValueError:
        return None
    # outside this range a "publish date" is a placeholder, and date arithmetic around it would overflow
    return d if 1000 <= d.year <= 9000 else None


# ---------------------------------------------------------------- context


_Result = tuple[str, str, bool, "_P | None"]  # type, value, anchored, period (to become the reference time)
_Resolver = Callable[["_Ctx"], "_Result | None"]


@dataclass
class _Cand:
    start: int
    end: int
    prio: int  # lower wins among candidates of the same length
    parts: list[tuple[int, int, _Resolver]]


_FUTURE_VERBS = {
    "schedule",
    "slate",
    "plan",
    "expect",
    "set",
    "due",
    "intend",
    "aim",
    "hope",
    "want",
    "prepare",
    "agree",
    "vow",
    "pledge",
    "promise",
    "seek",
    "propose",
    "likely",
    "expected",
    "poise",
}
_FUTURE_AUX = {"will", "shall", "'ll", "’ll", "wo", "would"}
# Modals that put a bare verb ahead of the speaker: "should reach perihelion in November", "could fall apart".
_MODAL_AUX = {"should", "could", "may", "might", "must"}
# Adjectives of schedule between a date and its verb: "is due on Saturday", "is set for Friday".
_DUE_WORDS = {"due", "set", "slated", "scheduled"}
# Prepositions of a deadline or a span end: "extended to Nov. 16", "until January", "by February".
_DEADLINE_PREPS = {
    "to",
    "until",
    "till",
    "through",
    "by",
    "before",
    "from",
    "after",
    "effective",
    "payable",
    "starting",
    "beginning",
}


class _Ctx:
    """What the resolvers need: the Doc, the anchor and the running reference time."""

    def __init__(self, doc: Doc, text: str, tok_starts: np.ndarray, anchor: date | None) -> None:
        self.doc = doc
        self.text = text  # Doc.text is rebuilt from the tokens on every access: keep one copy
        self.anchor = anchor
        self.ref: _P | None = None  # last resolved date of any granularity (year or finer)
        self.ref_day: _P | None = None  # last resolved day
        self._tok_starts = tok_starts

    # tokens --------------------------------------------------------------
    def token_at(self, char: int) -> Token | None:
        """The token covering (or last starting before) character offset ``char``."""
        i = int(np.searchsorted(self._tok_starts, char, side="right")) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None

    def prev_word(self, char: int) -> str:
        m = re.search(r"([\w.$#'’-]+)\W*$", self.text[max(0, char - 30) : char])
        return m.group(1).lower() if m else ""

    def governor(self, start: int, end: int) -> tuple[Token | None, bool, str]:
        """The verb a span hangs off, whether the path to it crosses a noun, and the first preposition on it.

        "summit in November" crosses "summit": the month then dates the summit, not the verb's event.
        """
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None, False, ""
        tok, through_noun, prep = span.root, False, ""
        for _ in range(6):
            if tok.pos_ in ("VERB", "AUX") and tok.i not in range(span.start, span.end):
                return tok, through_noun, prep
            if tok.head is tok:
                break
            tok = tok.head
            if tok.pos_ == "ADP" and not prep:
                prep = tok.lower_
            elif tok.pos_ in ("NOUN", "PROPN") and tok.i not in range(span.start, span.end):
                through_noun = True
            elif tok.lower_ in ("upcoming", "coming", "forthcoming"):
                return None, True, "future"
            elif tok.pos_ == "ADJ" and tok.lemma_ in _DUE_WORDS and tok.head.tag_ != "VBD":
                return None, False, "future"  # "a replacement vessel is due on Saturday" (not "was due")
        return (tok if tok.pos_ in ("VERB", "AUX") else None), through_noun, prep

    def tense(self, start: int, end: int, direct: bool = False) -> str:
        """ "past", "future", "present" or "" (unknown) for the verb governing the span at start..end.

        With ``direct``, "" when the span reaches the verb through a noun ("the summit in November") or a
        deadline preposition ("extended to Nov. 16"): the verb's tense says nothing about that date then.
        """
        verb, through_noun, prep = self.governor(start, end)
        if prep == "future":
            return "future"
        if prep == "since":
            return "past"
        window = self.text[max(0, start - 60) : start].lower()
        if verb is None or (direct and (through_noun or prep in _DEADLINE_PREPS)):
            if re.search(r"\b(?:upcoming|forthcoming|scheduled|slated|will|next)\b[^.;]*$", window):
                return "future"
            return ""
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        aux_words = {a.lower_ for a in auxes}
        if aux_words & _FUTURE_AUX or (verb.pos_ == "AUX" and verb.lower_ in _FUTURE_AUX):
            return "future"
        if verb.tag_ != "VBD" and any(c.dep_ == "acomp" and c.lemma_ in _DUE_WORDS for c in verb.children):
            return "future"  # "is due on Saturday": the parser hangs the date from "is", beside "due"
        # "should reach ... in November", "could fall apart" (but "could have met" is past)
        if (
            aux_words & _MODAL_AUX
            and verb.tag_ == "VB"
            and not through_noun
            and not any(a.lemma_ == "have" for a in auxes)
        ):
            return "future"
        if any(a.tag_ == "VBD" for a in auxes if a.lower_ != "to"):
            return "past"  # "had been due to expire Friday", "was signed in May"
        if verb.lemma_ in _FUTURE_VERBS and verb.tag_ in ("VBN", "JJ"):
            return "future"  # "is scheduled for November", "the summit scheduled for November"
        if "to" in aux_words:
            # "planned to leave on Thursday", "is to resume trading Tuesday": the infinitive's event is ahead
            head = verb.head
            if any(a.lower_ == "had" for a in head.children if a.dep_ in ("aux", "auxpass")) or (
                head.pos_ == "ADJ" and any(a.lower_ == "had" for a in head.head.children)
            ):
                return "past"  # "had been scheduled to expire Friday"
            if head.lemma_ in _FUTURE_VERBS or head.lemma_ == "be" or head.lower_ == "going":
                return "future"
            return ""
        if verb.tag_ == "VBD":
            return "past"
        if verb.tag_ == "VBN" and (any(a.lemma_ == "have" for a in auxes) or verb.dep_ in ("acl", "advcl")):
            return "past"  # "has met on Friday"; "the fiscal year ended March 31", "rescued on Nov. 25"
        if verb.tag_ in ("VBZ", "VBP", "VBG", "VB"):
            return "present"
        return ""

    # reference time --------------------------------------------------------
    def set_ref(self, p: _P) -> None:
        if p.gran in ("decade", "century"):
            return
        self.ref = p
        if p.gran == "day":
            self.ref_day = p

    def base_day(self) -> date | None:
        """The day a bare "morning" or "10 a.m." belongs to: the last day mentioned, else the anchor."""
        if self.ref_day is not None:
            return self.ref_day.d
        return self.anchor


# ---------------------------------------------------------------- resolution helpers


def _weekday(anchor: date, wd: int, direction: str) -> date:
    """The weekday ``wd`` (1 = Monday) relative to ``anchor``.

    "past": the latest on or before the anchor; "last": strictly before; "future": strictly after;
    "this": in the anchor's Monday-to-Sunday week.
    """
    back = (anchor.isoweekday() - wd) % 7
    if direction == "past":
        return anchor - timedelta(days=back)
    if direction == "last":
        return anchor - timedelta(days=back or 7)
    if direction == "this":
        return anchor + timedelta(days=wd - anchor.isoweekday())
    return anchor + timedelta(days=((wd - anchor.isoweekday()) % 7) or 7)


def _pick_year(
    anchor: date, period: Callable[[int], tuple[date, date] | None], tense: str, rel: str = ""
) -> int:
    """Year of a month or month-day given without one; ``period(year)`` gives its first and last day.

    "last"/"next" force the previous/following occurrence. A past-tense verb the date hangs off directly
    means the latest occurrence that has begun by the anchor ("met in November", said in June -> last
    November); a future one the next that has not ended. Otherwise the occurrence nearest the anchor, the
    anchor's own year winning near-ties (within 30 days): on TempEval-3 that beats trusting the tense, as
    newswire dates cluster around the publish date ("payable Dec. 7" in October, "rescued Nov. 25" in January).
    """
    y = anchor.year
    cands = [(yy, p) for yy in (y - 1, y, y + 1) if (p := period(yy)) is not None]
    if not cands:
        return y
    if rel == "this":
        return y
    if rel == "last" or tense == "past":
        ok = [yy for yy, (first, last) in cands if (last < anchor if rel == "last" else first <= anchor)]
        return max(ok) if ok else y
    if rel == "next" or tense == "future":
        ok = [yy for yy, (first, last) in cands if (first > anchor if rel == "next" else last >= anchor)]
        return min(ok) if ok else y

    def distance(c: tuple[int, tuple[date, date]]) -> int:
        first, last = c[1]
        mid = first + (last - first) / 2
        days = (mid - anchor).days
        # news reports more past than future: a future reading must be clearly nearer to win
        return abs(days) - (30 if c[0] == y else 0) + (_FUTURE_PENALTY if days > 0 else 0)

    return min(cands, key=distance)[0]


_FUTURE_PENALTY = 30


def _month_period(month: int) -> Callable[[int], tuple[date, date]]:
    return lambda y: (date(y, month, 1), date(y, month, calendar.monthrange(y, month)[1]))


def _day_period(month: int, day: int) -> Callable[[int], tuple[date, date] | None]:
    def period(y: int) -> tuple[date, date] | None:
        d = _mk_date(y, month, day)
        return None if d is None else (d, d)

    return period


def _quarter_year(anchor: date, ordinal: int, per: int, tense: str) -> int:
    """Year of "the third quarter": this year's if it has begun, else last year's unless the verb is future
    (business news reports on finished quarters)."""
    current = (anchor.month - 1) // per + 1
    if ordinal <= current or tense == "future":
        return anchor.year
    return anchor.year - 1


def _season_instance(anchor: date, code: str, how: str) -> _P:
    """A season relative to the anchor: how in past (latest started on or before), last, next, this, future."""
    if anchor.month in (12, 1, 2):  # winter spans the new year; it is named after the year it starts in
        cur_start = date(anchor.year if anchor.month == 12 else anchor.year - 1, 12, 1)
    else:
        cur_start = date(anchor.year, anchor.month // 3 * 3, 1)
    start_month = _SEASON_START[code]
    this_year = date(anchor.year, start_month, 1)
    if code == "WI" and anchor.month <= 2:
        this_year = date(anchor.year - 1, 12, 1)
    candidates = [this_year.replace(year=this_year.year + k) for k in (-1, 0, 1)]
    if how == "last":
        pick = max(c for c in candidates if c < cur_start)
    elif how == "next":
        pick = min(c for c in candidates if c > cur_start)
    elif how == "past":
        pick = max(c for c in candidates if c <= cur_start)
    elif how == "future":
        pick = min(c for c in candidates if c >= cur_start)
    else:
        pick = this_year
    return _P("season", date(pick.year, 1, 1), code)


def _nth_weekday(year: int, month: int, wd: int, n: int) -> date:
    """The n-th weekday ``wd`` (1 = Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(wd - first.isoweekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.isoweekday() - wd) % 7)


_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "christmas": lambda y: date(y, 12, 25),
    "christmas day": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24),
    "new year's day": lambda y: date(y, 1, 1),
    "new year's eve": lambda y: date(y, 12, 31),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 4, 4),
    "thanksgiving day": lambda y: _nth_weekday(y, 11, 4, 4),
    "independence day": lambda y: date(y, 7, 4),
    "halloween": lambda y: date(y, 10, 31),
    "valentine's day": lambda y: date(y, 2, 14),
    "labor day": lambda y: _nth_weekday(y, 9, 1, 1),
    "memorial day": lambda y: _nth_weekday(y, 5, 1, -1),
}


# ---------------------------------------------------------------- rules

_Handler = Callable[[re.Match[str], _Ctx], "list[_Cand] | None"]


@dataclass
class _Rule:
    regex: re.Pattern[str]
    handler: _Handler
    prio: int
    triggers: np.ndarray  # LOWER hashes of the words one of which every match contains
    digits: bool  # or: every match contains a digit


_RULES: list[_Rule] = []
_T_MON = "january february march april may june july august september october november december jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept sept. oct oct. nov nov. dec dec."
_T_WD = "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays sundays"
_T_UNITS = "second seconds sec secs minute minutes min mins hour hours hr hrs day days night nights week weeks weekend weekends fortnight fortnights month months quarter quarters year years yr yrs decade decades century centuries millennium millennia"


def _rule(
    pattern: str, triggers: str, prio: int = 5, flags: int = _I, digits: bool = False
) -> Callable[[_Handler], _Handler]:
    """Register a rule. Its regex only runs near its trigger words (or digits): scanning every position of
    the text with ~35 regexes cost more than the whole rest of the tagger."""

    def deco(fn: _Handler) -> _Handler:
        hashes = np.array([hash_string(w) for w in triggers.split()], dtype=np.uint64)
        _RULES.append(_Rule(re.compile(pattern, flags), fn, prio, hashes, digits))
        return fn

    return deco


def _one(m: re.Match[str], fn: _Resolver, start: int | None = None, end: int | None = None) -> list[_Cand]:
    s = m.start() if start is None else start
    e = m.end() if end is None else end
    return [_Cand(s, e, 0, [(s, e, fn)])]


def _cap(word: str | None) -> bool:
    return bool(word) and word[0].isupper()


def _month_num(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")]


def _day_num(word: str) -> int:
    return int(re.match(r"\d+", word).group())


def _mk_date(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _clock(hh: str, mm: str | None, ap: str | None) -> tuple[int, int] | None:
    h, mi = int(hh), int(mm or 0)
    if ap:
        a = ap.lower()[0]
        if h > 12:
            return None
        h = (h % 12) + (12 if a == "p" else 0)
    return (h, mi) if h < 24 and mi < 60 else None


def _date_result(
    y: int | None,
    mo: int,
    d: int,
    ctx: _Ctx,
    start: int,
    end: int,
    hm: tuple[int, int] | None = None,
    rel: str = "",
) -> _Result | None:
    """A month-day with or without a year (year inferred from the anchor and tense)."""
    if y is None:
        if ctx.anchor is None:
            v = f"XXXX-{mo:02d}-{d:02d}"
            return ("TIME" if hm else "DATE", v + (f"T{hm[0]:02d}:{hm[1]:02d}" if hm else ""), False, None)
        y = _pick_year(ctx.anchor, _day_period(mo, d), ctx.tense(start, end, direct=True), rel)
    day = _mk_date(y, mo, d)
    if day is None:
        return None
    if hm:
        return ("TIME", f"{day.isoformat()}T{hm[0]:02d}:{hm[1]:02d}", True, _P("day", day))
    return ("DATE", day.isoformat(), True, _P("day", day))


# ISO 8601 dates and date-times: "2025-06-10", "2025-06-10T18:45:00+09:00".
@_rule(
    r"(?<![\w-])(?P<y>\d{4})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?:[T ](?P<h>[0-2]\d):(?P<mi>[0-5]\d)"
    r"(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\w-])",
    triggers="",
    digits=True,
    prio=1,
)
def _iso(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    day = _mk_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    if day is None:
        return None
    if m["h"]:
        v = f"{day.isoformat()}T{m['h']}:{m['mi']}"
        return _one(m, lambda c: ("TIME", v, True, _P("day", day)))
    return _one(m, lambda c: ("DATE", day.isoformat(), True, _P("day", day)))


# Dotted (Korean, German) and slashed (US) numeric dates: "2025.06.11", "6/10/2025".
@_rule(
    r"(?<![\w.])(?P<y>(?:19|20)\d\d)\.(?P<mo>[01]?\d)\.(?P<d>[0-3]?\d)(?!\.?\d)",
    triggers="",
    digits=True,
    prio=1,
)
def _dotted(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    day = _mk_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return None if day is None else _one(m, lambda c: ("DATE", day.isoformat(), True, _P("day", day)))


@_rule(
    r"(?<![\w/.])(?P<a>[01]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)\d\d|\d\d)(?![\w/])",
    triggers="",
    digits=True,
    prio=1,
)
def _slashed(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    y = int(m["y"])
    y += 0 if y >= 100 else (2000 if y < 50 else 1900)
    a, b = int(m["a"]), int(m["b"])
    day = _mk_date(y, a, b) or _mk_date(y, b, a)  # US month-first; day-first when the month would be > 12
    return None if day is None else _one(m, lambda c: ("DATE", day.isoformat(), True, _P("day", day)))


def _range_parts(
    m: re.Match[str],
    ctx: _Ctx,
    mo: int,
    y: int | None,
    hm: tuple[int, int] | None,
    d_group: str = "d",
    d2_group: str = "d2",
    rel: str = "",
) -> list[_Cand] | None:
    """One candidate for "May 22" or two for "May 22 to 28" (each end its own DATE, as TimeML does)."""
    d1 = _day_num(m[d_group])
    s1, e1 = m.start(), m.end()
    if m[d2_group]:
        d2 = _day_num(m[d2_group])
        if d2 <= d1:
            return None
        # first part: up to the first day number (the month may come after it in "22-28 May")
        if m.start("mon") < m.start(d_group):
            e1 = m.end(d_group)
            s2, e2 = m.start(d2_group), m.end()
        else:
            e1 = m.end(d_group)
            s2, e2 = m.start(d2_group), m.end()

        def first(c: _Ctx, d1: int = d1, e1: int = e1) -> _Result | None:
            return _date_result(y, mo, d1, c, s1, e1, rel=rel)

        def second(c: _Ctx, d2: int = d2, s2: int = s2, e2: int = e2) -> _Result | None:
            return _date_result(y, mo, d2, c, s1, e2, hm, rel=rel)

        return [_Cand(s1, e2, 0, [(s1, e1, first), (s2, e2, second)])]
    return _one(m, lambda c: _date_result(y, mo, d1, c, s1, e1, hm, rel=rel))


# "June 10, 2025", "Jun 09, 2025", "Sept. 30", "Friday, Oct. 23", "May 22 to 28", "June 10, 2025, 18:45".
@_rule(
    rf"(?<![\w-])(?:(?P<rel>last|this|next)\s+)?(?:(?P<wd>{_WD}),?\s+)?(?P<mon>{_MON})\s*(?P<d>{_DAYNUM})"
    rf"(?:\s*(?:-|–|to|through|until|till|and)\s*(?P<d2>{_DAYNUM})(?![\w:.]\w))?"
    rf"(?:,?\s+(?P<y>{_YEAR}))?(?!\w|:\d)(?:,?\s+(?:at\s+)?{_CLOCK})?",
    triggers=_T_MON,
    prio=1,
)
def _mdy(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["mon"]):
        return None
    hm = _clock(m["hh"], m["mm"], m["ap2"]) if m["hh"] else None
    rel = (m["rel"] or "").lower()
    return _range_parts(m, ctx, _month_num(m["mon"]), int(m["y"]) if m["y"] else None, hm, rel=rel)


# "10 June 2025", "10 Jun. 2025, 18:45", "22-28 May", "the 4th of July".
@_rule(
    rf"(?<![\w-])(?:(?P<wd>{_WD}),?\s+)?(?:the\s+)?(?P<d>{_DAYNUM})(?:\s*(?:-|–|to|and)\s*(?P<d2>{_DAYNUM}))?"
    rf"(?:\s+of)?\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_YEAR}))?(?:,?\s+(?:at\s+)?{_CLOCK})?",
    triggers=_T_MON,
    prio=1,
)
def _dmy(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["mon"]):
        return None
    hm = _clock(m["hh"], m["mm"], m["ap2"]) if m["hh"] else None
    return _range_parts(m, ctx, _month_num(m["mon"]), int(m["y"]) if m["y"] else None, hm)


_MOD = r"(?:early|late|mid|the\s+(?:beginning|start|end|middle)\s+of|the\s+(?:first|second|last)\s+half\s+of)"


# "July 2014", "January of 1998", "late November 2025".
@_rule(
    rf"(?<![\w-])(?:(?P<mod>{_MOD})[\s-]+)?(?P<mon>{_MON}),?\s+(?:of\s+)?(?P<y>{_YEAR})",
    triggers=_T_MON,
    prio=2,
)
def _month_year(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["mon"]):
        return None
    p = _P("month", date(int(m["y"]), _month_num(m["mon"]), 1))
    return _one(m, lambda c: ("DATE", p.fmt(), True, p))


# "January this year", "June last year".
@_rule(
    rf"(?<![\w-])(?P<mon>{_MON})\s+(?:of\s+)?(?P<rel>this|last|next)\s+year(?![\w-])", triggers=_T_MON, prio=2
)
def _month_rel_year(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["mon"]):
        return None
    mo, off = _month_num(m["mon"]), {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]

    def res(c: _Ctx) -> _Result:
        if c.anchor is None:
            return ("DATE", f"XXXX-{mo:02d}", False, None)
        p = _P("month", date(c.anchor.year + off, mo, 1))
        return ("DATE", p.fmt(), True, p)

    return _one(m, res)


# "November", "in November", "late November", "mid-November", "last November", "each July".
@_rule(
    rf"(?<![\w-])(?:(?P<mod>{_MOD}|this\s+past|this\s+coming|this|last|next|each|every)[\s-]+)?"
    rf"(?P<mon>{_MON_STRICT})",
    triggers=_T_MON,
    prio=3,
)
def _month(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    word = m["mon"]
    if not _cap(word):
        return None
    mod = " ".join((m["mod"] or "").lower().split())
    mo = _month_num(word)
    if not mod:
        prev = ctx.prev_word(m.start())
        # "May" and "March" are also a verb and a noun: ask for a month-like context.
        if mo in (3, 5) and prev not in _MONTH_PREPS:
            return None
        tok = ctx.token_at(m.start())
        if tok is not None and tok.ent_type_ in ("PERSON", "ORG", "WORK_OF_ART", "PRODUCT"):
            return None  # "August Wilson", "April Ryan"
    if mod in ("each", "every"):
        return _one(m, lambda c: ("SET", f"XXXX-{mo:02d}", True, None))
    rel = {"last": "last", "this past": "last", "next": "next", "this coming": "next", "this": "this"}.get(
        mod, ""
    )

    def res(c: _Ctx) -> _Result:
        if c.anchor is None:
            return ("DATE", f"XXXX-{mo:02d}", False, None)
        y = _pick_year(c.anchor, _month_period(mo), c.tense(m.start("mon"), m.end("mon"), direct=True), rel)
        p = _P("month", date(y, mo, 1))
        return ("DATE", p.fmt(), True, p)

    return _one(m, res)


# Years: "2017", "in 1990", "fiscal 1989", "mid-1996", "the end of 1990", "FY2025".
@_rule(
    rf"(?<![\w$€£¥#.,/'’-])(?:(?P<mod>{_MOD})[\s-]+)?(?:(?P<fy>fiscal(?:\s+year)?|FY)\s*)?"
    rf"(?P<y>1[5-9]\d\d|20\d\d)(?![\w%]|[.,:/-]\d|\s*(?:%|percent|per\s+cent))",
    triggers="",
    digits=True,
    prio=4,
)
def _year(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not (m["mod"] or m["fy"]):
        prev = ctx.prev_word(m.start())
        if prev in _NOT_YEAR_BEFORE or ctx.text[max(0, m.start() - 1) : m.start()] == "$":
            return None
        tok = ctx.token_at(m.start("y"))
        if tok is not None:
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            if (
                tok.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")
                and tok.ent_type_ != "DATE"
                and (nxt is not None and nxt.tag_ in ("NNS", "NNPS"))
            ):
                return None  # "2000 people"
            if nxt is not None and nxt.tag_ in ("NNS", "NNPS") and tok.ent_type_ != "DATE":
                return None
    p = _P("year", date(int(m["y"]), 1, 1))
    return _one(m, lambda c: ("DATE", p.fmt(), True, p))


# Spelled years: "nineteen ninety-six", "the year two thousand".
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"


@_rule(
    rf"(?<![\w-])(?:the\s+year\s+)?(?:nineteen[\s-]+(?P<b>(?:{_TENS})(?:[\s-](?:{_ONES}))?|{_TEENS}|hundred)"
    rf"|two\s+thousand(?:\s+(?:and\s+)?(?P<c>{_TEENS}|{_ONES}|(?:{_TENS})(?:[\s-](?:{_ONES}))?))?)(?![\w-])",
    triggers="nineteen thousand",
    prio=4,
)
def _spelled_year(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["b"] is not None:
        rest = 0 if m["b"].lower() == "hundred" else parse_number(m["b"])
        year = 1900 + int(rest or 0)
    else:
        year = 2000 + int(parse_number(m["c"]) or 0) if m["c"] else 2000
        if not m.group().lower().startswith("the year") and not m["c"]:
            return None  # "two thousand" alone is a number
    p = _P("year", date(year, 1, 1))
    return _one(m, lambda c: ("DATE", p.fmt(), True, p))


# Decades: "the 1990s", "the late '80s", "mid-1990s", "the nineties".
@_rule(
    rf"(?<![\w-])(?:the\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?:(?P<c>1[5-9]|20)(?P<d>\d)0|['’‘](?P<d2>\d)0)['’]?s"
    rf"(?![\w])|(?<![\w-])the\s+(?:(?P<mod2>early|late|mid)[\s-]+)?(?P<w>{'|'.join(_DECADE_WORDS)})(?![\w])",
    triggers="twenties thirties forties fifties sixties seventies eighties nineties",
    digits=True,
    prio=3,
)
def _decade(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["c"]:
        decade = int(m["c"] + m["d"])
        return _one(m, lambda c: ("DATE", f"{decade:03d}", True, None))
    digit = int(m["d2"]) if m["d2"] else _DECADE_WORDS[m["w"].lower()]

    def res(c: _Ctx) -> _Result:
        # "the '80s": the latest such decade not after the anchor's (20th century without an anchor)
        century = 19
        if c.anchor is not None:
            century = c.anchor.year // 100 - (1 if digit > c.anchor.year % 100 // 10 else 0)
        return ("DATE", f"{century * 10 + digit:03d}", True, None)

    return _one(m, res)


_ORD_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
    "twenty-second": 22,
}


# Centuries: "the 20th century", "the twenty-first century", "this century", "the last century".
@_rule(
    rf"(?<![\w-])(?:the\s+)?(?:(?P<mod>early|late|mid)[\s-]+)?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|"
    rf"(?P<w>{'|'.join(sorted(_ORD_WORDS, key=len, reverse=True))})|(?P<rel>this|last|next|the\s+last|"
    rf"the\s+past|the\s+previous|the\s+current|the\s+next))[\s-]+century(?![\w-])",
    triggers="century",
    prio=3,
)
def _century(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["rel"]:
        rel = m["rel"].lower().split()[-1]
        off = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1}[rel]

        def res(c: _Ctx) -> _Result:
            if c.anchor is None:
                return ("DATE", "XX", False, None)
            return ("DATE", f"{c.anchor.year // 100 + off:02d}", True, None)

        return _one(m, res)
    n = int(m["n"]) if m["n"] else _ORD_WORDS[m["w"].lower()]
    return _one(m, lambda c: ("DATE", f"{n - 1:02d}", True, None))


# Quarters and halves: "the third quarter", "third-quarter", "the fourth quarter of 2025", "the year-ago quarter",
# "the latest quarter", "the first half", "Q3 2025".
# longest first: "last year's" must not be read as "last" + "year's"
_QREL = (
    r"this\s+year['’]s|last\s+year['’]s|next\s+year['’]s|year-ago|year-earlier|year-before|comparable|"
    r"corresponding|same|current|latest|recent|previous|prior|past|coming|last|next|1[5-9]\d\d|20\d\d"
)


@_rule(
    rf"(?<![\w-])(?:(?P<det>the|its|their|this|that|a)\s+)?(?:(?P<rel>{_QREL})\s+)?(?:(?P<rel2>{_QREL})\s+)?"
    rf"(?:(?:fiscal|calendar)[\s-]+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+)?"
    rf"(?:fiscal[\s-]+)?(?P<unit>quarter|half)(?![\w-])(?:\s+of\s+(?:(?P<oy>{_YEAR})|(?:(?:fiscal|the)\s+)?"
    rf"(?P<orel>this|last|next)\s+year))?",
    triggers="quarter half",
    prio=2,
)
def _quarter(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    det = (m["det"] or "").lower()
    rels = [" ".join(r.lower().replace("’", "'").split()) for r in (m["rel"], m["rel2"]) if r]
    unit = m["unit"].lower()
    ordinal = _ORDINALS.get((m["ord"] or "").lower())
    if ordinal is None and not det and not rels:
        return None  # a bare "quarter" ("a quarter of the votes")
    if det == "a" and ordinal is None:
        return None
    if unit == "half" and ordinal is None and not (m["oy"] or m["orel"]) and "last" not in rels:
        return None  # "half" alone is mostly a fraction
    if unit == "half" and ordinal is not None and ordinal > 2:
        return None
    gran = "quarter" if unit == "quarter" else "half"
    per = 3 if gran == "quarter" else 6
    year_shift = (
        -1
        if any(r in ("year-ago", "year-earlier", "year-before", "last year's") for r in rels)
        else (1 if "next year's" in rels else 0)
    )
    explicit = next((int(r) for r in rels if r.isdigit()), None) or (int(m["oy"]) if m["oy"] else None)
    orel = (m["orel"] or "").lower()
    if unit == "half" and ordinal is None and "last" in rels and (m["oy"] or m["orel"]):
        ordinal, rels = 2, [r for r in rels if r != "last"]  # "the last half of 1989"

    def res(c: _Ctx) -> _Result | None:
        year = explicit
        if year is None and orel and c.anchor is not None:
            year = c.anchor.year + {"this": 0, "last": -1, "next": 1}[orel]
        if ordinal is not None:
            if year is None:
                if c.anchor is None:
                    return ("DATE", f"XXXX-{'Q' if gran == 'quarter' else 'H'}{ordinal}", False, None)
                year = _quarter_year(c.anchor, ordinal, per, c.tense(m.start(), m.end(), direct=True))
            p = _P(gran, date(year, (ordinal - 1) * per + 1, 1)).shift(year_shift, "year")
            return ("DATE", p.fmt(), True, p)
        # No ordinal: "the quarter", "the latest quarter", "this quarter", "last quarter".
        if c.anchor is None and year is None:
            return ("DATE", _UNANCHORED[gran], False, None)
        if year is not None:  # "the 1988 quarter": the quarter under discussion, in that year
            if c.ref is not None and c.ref.gran == gran:
                p = _P(gran, c.ref.d.replace(year=year))
            else:
                p = _P("year", date(year, 1, 1))
            return ("DATE", p.fmt(), True, p)
        assert c.anchor is not None
        current = _at(gran, c.anchor)
        if any(r in ("current", "this year's") for r in rels) or det == "this":
            p = current
        elif any(r in ("next", "coming") for r in rels):
            p = current.shift(1, gran)
        elif any(r in ("last", "previous", "prior", "past") for r in rels):
            p = current.shift(-1, gran)
        elif c.ref is not None and c.ref.gran == gran:
            p = c.ref  # "the quarter" after "the third quarter" is that quarter
        else:
            p = current.shift(-1, gran)  # the latest finished quarter
        p = p.shift(year_shift, "year")
        return ("DATE", p.fmt(), True, p)

    start = m.start() if det not in ("its", "their") else m.start() + len(m["det"]) + 1
    if m["ord"] and not rels and ctx.text[m.end("ord") : m.end("ord") + 1] == "-":
        start = m.start("ord")  # "a third-quarter loss": the adjective alone is the time expression
    return _one(m, res, start=start)


@_rule(
    r"(?<![\w-])Q(?P<q>[1-4])(?:\s+(?P<y>(?:19|20)\d\d)|\s*['’](?P<y2>\d\d))?(?![\w-])",
    triggers="",
    digits=True,
    prio=2,
    flags=0,
)
def _q_notation(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    q = int(m["q"])
    explicit = int(m["y"]) if m["y"] else (2000 + int(m["y2"]) if m["y2"] else None)

    def res(c: _Ctx) -> _Result:
        year = explicit
        if year is None:
            if c.anchor is None:
                return ("DATE", f"XXXX-Q{q}", False, None)
            year = _quarter_year(c.anchor, q, 3, c.tense(m.start(), m.end(), direct=True))
        p = _P("quarter", date(year, 3 * q - 2, 1))
        return ("DATE", p.fmt(), True, p)

    return _one(m, res)


# Seasons: "this summer", "last fall", "the winter of 1994", "summer 2025", "early spring".
@_rule(
    rf"(?<![\w-])(?:(?P<rel>this\s+past|this\s+coming|this|last|next|early|late|mid|the|in\s+the|during\s+the)"
    rf"[\s-]+)?(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?(?![\w-])",
    triggers="spring summer fall autumn winter",
    prio=3,
)
def _season(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    rel = " ".join((m["rel"] or "").lower().split())
    code = _SEASONS[m["s"].lower()]
    if not rel and not m["y"]:
        return None
    if code in ("FA", "SP") and rel in ("the", "in the", "during the", "early", "late", "mid") and not m["y"]:
        return None  # "the fall in prices", "the spring of their discontent"
    if not m["y"] and re.match(r"\s+of\b", ctx.text[m.end() : m.end() + 4]):
        return None
    start = m.start()
    if rel in ("in the", "during the"):
        start = m.start() + len(m["rel"]) - 3  # "the summer": TimeML leaves the preposition out
    if m["y"]:
        p = _P("season", date(int(m["y"]), 1, 1), code)
        return _one(m, lambda c: ("DATE", p.fmt(), True, p), start=start)
    how = {"last": "last", "this past": "last", "next": "next", "this coming": "next", "this": "this"}.get(
        rel, ""
    )

    def res(c: _Ctx) -> _Result:
        if c.anchor is None:
            return ("DATE", f"XXXX-{code}", False, None)
        # direct: "another move before the summer" says nothing about when the summer is, "pointed" is past
        h = how or {"past": "past", "future": "future"}.get(c.tense(m.start(), m.end(), direct=True), "this")
        p = _season_instance(c.anchor, code, h)
        return ("DATE", p.fmt(), True, p)

    return _one(m, res, start=start)


# Weekdays: "Tuesday", "last Friday", "next Monday", "Tuesday morning", "Tuesday nights", "each Thursday".
@_rule(
    rf"(?<![\w-])(?:(?P<mod>last|next|this\s+past|this\s+coming|this|coming|the\s+previous|the\s+following|"
    rf"the\s+next|early|late|earlier|later|each|every)\s+)?(?P<wd>{_WD})(?P<pl>s)?(?![\w])"
    rf"(?:\s+(?P<part>morning|afternoon|evening|night|overnight)(?P<pl2>s)?(?![\w]))?",
    triggers=_T_WD,
    prio=3,
)
def _weekday_rule(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["wd"]):
        return None
    wd = _WEEKDAYS[m["wd"].lower()]
    mod = " ".join((m["mod"] or "").lower().split())
    part = _PARTS.get((m["part"] or "").lower(), "")
    tail = f"T{part}" if part else ""
    if mod in ("each", "every") or m["pl"] or m["pl2"]:
        return _one(m, lambda c: ("SET", f"XXXX-WXX-{wd}{tail}", True, None))
    typ = "TIME" if part else "DATE"
    start = m.start("wd") if mod in ("early", "late", "earlier", "later") else m.start()

    def res(c: _Ctx) -> _Result:
        base = c.anchor
        if mod in ("the previous", "the following", "the next") and c.ref_day is not None:
            base = c.ref_day.d
        if base is None:
            return (typ, f"XXXX-WXX-{wd}{tail}", False, None)
        if mod in ("last", "this past", "the previous"):
            direction = "last"
        elif mod in ("next", "this coming", "coming", "the following", "the next"):
            direction = "future"
        else:
            tense = c.tense(m.start("wd"), m.end("wd"))
            _, _, prep = c.governor(m.start("wd"), m.end("wd"))
            if prep in ("until", "till", "by") and tense != "past":
                tense = "future"  # a deadline: "has until 9 a.m. Tuesday"
            if mod == "this":
                direction = "past" if tense == "past" else "this"
            else:
                direction = "future" if tense == "future" else "past"
            if direction == "future" and not mod and base.isoweekday() == wd:
                # "would send investigators on Thursday" in Thursday's paper: that day, not a week later
                # (news says "next Thursday" for that)
                direction = "past"
        day = _weekday(base, wd, direction)
        return (typ, day.isoformat() + tail, True, _P("day", day))

    return _one(m, res, start=start)


def _ordinal(ctx: _Ctx, unit_end: int) -> bool:
    """Is the "second" ending at ``unit_end`` an ordinal ("a second big customer", "a second term")?"""
    tok = ctx.token_at(unit_end - 1)
    if tok is None or tok.lower_ != "second":
        return False
    nxt = ctx.doc[tok.i + 1] if tok.i + 1 < len(ctx.doc) else None
    return tok.pos_ == "ADJ" or (
        nxt is not None and nxt.pos_ in ("NOUN", "ADJ", "PROPN") and tok.dep_ != "pobj"
    )


def _day_of(word: str, c: _Ctx, m: re.Match[str], group: str) -> tuple[date | None, bool]:
    """The day named by a weekday or "today"/"yesterday"/"tomorrow" next to a clock time; (day, anchored)."""
    w = word.lower()
    base = c.anchor
    if base is None:
        return None, False
    if w in _WEEKDAYS:
        tense = c.tense(m.start(group), m.end(group))
        return _weekday(base, _WEEKDAYS[w], "future" if tense == "future" else "past"), True
    return base + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(w, 0)), True


# Clock times: "10 a.m.", "3:30 p.m. EST Tuesday", "around 7:15 p.m.".
_TZ = r"(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|GMT|UTC|KST|JST|BST|CET|CEST|ET|PT)"


@_rule(
    rf"(?<![\w:.])(?:(?P<approx>around|about|at\s+about|approximately|shortly\s+(?:before|after)|just\s+"
    rf"(?:before|after))\s+)?(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.?|[ap]m(?![\w]))"
    rf"(?:\s+(?P<tz>{_TZ})(?![\w]))?(?:,?\s+(?:on\s+)?(?:(?P<day>{_WD}|today|yesterday|tomorrow|tonight)(?![\w])"
    rf"|(?P<mon>{_MON})\s*(?P<md>{_DAYNUM})(?:,?\s+(?P<y>{_YEAR}))?))?",
    triggers="",
    digits=True,
    prio=1,
)
def _clock_rule(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    hm = _clock(m["h"], m["mi"], m["ap"])
    if hm is None:
        return None
    if m["mon"] and _cap(m["mon"]):  # "5 p.m. EST Nov. 9"
        mo, d, y = _month_num(m["mon"]), _day_num(m["md"]), int(m["y"]) if m["y"] else None
        return _one(m, lambda c: _date_result(y, mo, d, c, m.start(), m.end(), hm))
    if m["mon"]:
        return _one(m, _time_resolver(m, hm, "day"), end=m.end("ap") if not m["tz"] else m.end("tz"))
    return _one(m, _time_resolver(m, hm, "day"))


# 24-hour clock: "18:45", "at 15:46 KST" (not "+09:00", not a score "2:1").
@_rule(
    rf"(?<![\w:.+−-])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\w:])(?:\s+(?P<tz>{_TZ})(?![\w]))?",
    triggers="",
    digits=True,
    prio=2,
)
def _clock24(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    return _one(m, _time_resolver(m, (int(m["h"]), int(m["mi"])), ""))


def _time_resolver(m: re.Match[str], hm: tuple[int, int], day_group: str) -> _Resolver:
    def res(c: _Ctx) -> _Result:
        if day_group and m[day_group]:
            day, anchored = _day_of(m[day_group], c, m, day_group)
        else:
            day, anchored = c.base_day(), c.base_day() is not None
        if day is None:
            return ("TIME", f"XXXX-XX-XXT{hm[0]:02d}:{hm[1]:02d}", False, None)
        return ("TIME", f"{day.isoformat()}T{hm[0]:02d}:{hm[1]:02d}", anchored, _P("day", day))

    return res


@_rule(
    rf"(?<![\w-])(?P<w>noon|midnight|midday)(?:\s+(?:on\s+)?(?P<day>{_WD}|today|yesterday|tomorrow)(?![\w]))?",
    triggers="noon midnight midday",
    prio=2,
)
def _noon(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["day"] and m["day"].lower() in _WEEKDAYS and not _cap(m["day"]):
        return None
    # "midnight Friday" ends Friday: ISO 8601's 24:00, as TimeML writes it
    return _one(m, _time_resolver(m, (24, 0) if m["w"].lower() == "midnight" else (12, 0), "day"))


# Parts of the day: "this morning", "yesterday afternoon", "last night", "tonight", "the morning (conversation)".
@_rule(
    r"(?<![\w-])(?:(?P<pre>this|yesterday|tomorrow|last|early|late|later|earlier|(?:later|earlier|early|late)"
    r"\s+in\s+the|in\s+the|the|mid)[\s-]+)(?P<part>morning|afternoon|evening|night)(?![\w-])"
    r"|(?<![\w-])(?P<w>tonight|overnight)(?![\w-])",
    triggers="morning afternoon evening night tonight overnight",
    prio=3,
)
def _part_of_day(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["w"]:
        w = m["w"].lower()

        def res_w(c: _Ctx) -> _Result:
            day = c.anchor if w == "tonight" else c.base_day()
            if day is None:
                return ("TIME", "XXXX-XX-XXTNI", False, None)
            return ("TIME", f"{day.isoformat()}TNI", True, _P("day", day))

        return _one(m, res_w)
    pre = " ".join(m["pre"].lower().split())
    part = _PARTS[m["part"].lower()]
    if part == "NI" and pre not in ("last", "late", "tomorrow", "yesterday"):
        return None
    start = m.start()
    if pre == "in the":
        start = m.start("part") - 4  # "the morning": TimeML leaves the preposition out
    elif pre == "the":
        nxt = ctx.token_at(m.end("part") + 1)
        if nxt is not None and nxt.idx == m.end("part") + 1 and nxt.pos_ in ("NOUN", "PROPN"):
            start = m.start("part")  # "the morning conversation": "the" belongs to "conversation"

    def res(c: _Ctx) -> _Result:
        if pre in ("yesterday", "tomorrow", "last"):
            base = c.anchor
            day = None if base is None else base + timedelta(days=1 if pre == "tomorrow" else -1)
        elif pre == "this":
            day = c.anchor
        else:
            day = c.base_day()
        if day is None:
            return ("TIME", f"XXXX-XX-XXT{part}", False, None)
        return ("TIME", f"{day.isoformat()}T{part}", True, _P("day", day))

    return _one(m, res, start=start)


# "today", "yesterday", "late yesterday", "tomorrow morning", "the day before yesterday".
@_rule(
    r"(?<![\w-])(?:(?P<mod>early|late|earlier|later)\s+)?(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+"
    r"tomorrow|today|yesterday|tomorrow)(?![\w-])(?:\s+(?P<part>morning|afternoon|evening|night)(?![\w-]))?",
    triggers="today yesterday tomorrow",
    prio=2,
)
def _rel_day(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    w = " ".join(m["w"].lower().split())
    off = {
        "today": 0,
        "yesterday": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }[w]
    part = _PARTS.get((m["part"] or "").lower(), "")

    def res(c: _Ctx) -> _Result:
        typ = "TIME" if part else "DATE"
        if c.anchor is None:
            return (typ, "XXXX-XX-XX" + (f"T{part}" if part else ""), False, None)
        day = c.anchor + timedelta(days=off)
        return (typ, day.isoformat() + (f"T{part}" if part else ""), True, _P("day", day))

    return _one(m, res)


# Deictic references without a calendar value.
_REFS = {
    "PRESENT_REF": r"right\s+now|just\s+now|now|nowadays|currently|at\s+present|presently|these\s+days|"
    r"at\s+the\s+moment|for\s+the\s+moment|the\s+time\s+being",
    "PAST_REF": r"recently|more\s+recently|lately|recent\s+(?:years|times)|the\s+past",
    "FUTURE_REF": r"the\s+(?:near\s+|distant\s+|immediate\s+|foreseeable\s+)?future|the\s+(?:near|short|long)\s+term|"
    r"as\s+soon\s+as\s+possible",
}


@_rule(
    "|".join(rf"(?<![\w-])(?P<{k}>{v})(?![\w-])" for k, v in _REFS.items()),
    triggers="now nowadays currently present presently moment being days recently lately recent past future term possible",
    prio=6,
)
def _ref(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    kind = next(k for k in _REFS if m[k])
    word = m[kind].lower()
    if word == "now" and re.match(r"[-‐]", ctx.text[m.end() : m.end() + 1]):
        return None
    if word.startswith("the past") and re.match(
        r"\s+(?:of|participants?|tense)\b", ctx.text[m.end() : m.end() + 14]
    ):
        return None
    return _one(m, lambda c: ("DATE", kind, True, None))


# Vague spans around now: "recent weeks", "the coming months", "the days ahead" (TimeML: durations).
@_rule(
    r"(?<![\w-])(?:(?P<det>the)\s+)?(?:(?P<pre>recent|coming|next\s+few|past\s+few|last\s+few)\s+)?"
    r"(?P<unit>days|weeks|months|years|quarters)(?P<post>\s+ahead)?(?![\w-])",
    triggers="days weeks months years quarters",
    prio=5,
)
def _vague_span(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not (m["pre"] or m["post"]) or (m["pre"] and m["post"]):
        return None
    if m["det"] and m["pre"] and m["pre"].lower() == "recent":
        return None
    unit = _unit(m["unit"])
    return _one(m, lambda c: ("DURATION", _dur_value(None, unit), True, None))


# "last week", "this year", "next month", "the past year", "earlier this year", "the end of the month",
# "the weekend", "that year", "the following day", "later in the day".
@_rule(
    r"(?<![\w-])(?:(?P<pre>(?:early|late|earlier|later)(?:\s+in)?|the\s+(?:beginning|start|end|middle)\s+of|"
    r"(?:at|by)\s+the\s+(?:end|start)\s+of)\s+)?(?P<rel>this|last|next|past|coming|previous|current|that|the\s+(?:past|last|"
    r"previous|next|following|coming|current|same|latest|prior)|(?:in\s+)?the)\s+(?:(?P<fisc>fiscal)\s+)?"
    r"(?P<unit>week|weekend|month|year|decade|day)(?![\w-])",
    triggers="week weekend month year decade day",
    prio=4,
)
def _rel_unit(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    rel = " ".join(m["rel"].lower().split()).removeprefix("the ").strip()
    pre = " ".join((m["pre"] or "").lower().split())
    unit = m["unit"].lower()
    if rel in ("the", "in the"):
        rel = ""
    later_in = pre.endswith(" in")  # "later in the day"
    if (
        unit == "day"
        and rel not in ("that", "same", "next", "following", "previous", "prior")
        and not later_in
    ):
        return None  # "this day", "last day": not a reference to a calendar day
    if not rel:
        # bare "the week"/"the year": only with a position word ("the end of the year", "later in the day")
        if unit == "weekend":
            rel = "the"
        elif not pre and not later_in:
            return None
        else:
            rel = "this"
    start = m.start()
    if pre.startswith(("at ", "by ")):
        start = m.start() + len(pre.split()[0]) + 1
    if m["rel"].lower().startswith("in "):
        start = m.start("rel") + 3
    gran = "year" if m["fisc"] else unit

    def res(c: _Ctx) -> _Result:
        if rel in ("that", "same") or (unit == "day" and rel == "this"):
            if unit == "day":  # "that day", "later in the day": the day last mentioned, else the anchor
                if c.ref_day is None and rel == "this" and c.anchor is not None:
                    return ("DATE", c.anchor.isoformat(), True, _P("day", c.anchor))
                return (
                    ("DATE", c.ref_day.fmt(), True, c.ref_day)
                    if c.ref_day
                    else ("DATE", "XXXX-XX-XX", False, None)
                )
            if c.ref is not None and c.ref.gran in ("day", "week", "month", "quarter", "year"):
                p = _at(gran, c.ref.d)
                return ("DATE", p.fmt(), True, p)
            return ("DATE", _UNANCHORED.get(gran, "XXXX"), False, None)
        relative_to_ref = rel in ("following", "previous", "prior") or (unit == "day" and rel == "next")
        base = c.anchor
        if relative_to_ref and c.ref is not None:
            base = c.ref_day.d if unit == "day" and c.ref_day else c.ref.d
        if base is None:
            return ("DATE", _UNANCHORED.get(gran, "XXXX"), False, None)
        off = {
            "this": 0,
            "current": 0,
            "last": -1,
            "past": -1,
            "previous": -1,
            "prior": -1,
            "latest": -1,
            "next": 1,
            "coming": 1,
            "following": 1,
        }.get(rel, 0)
        if gran == "weekend":
            if rel == "the":  # "the weekend": the past one in news, the coming one with a future verb
                tense = c.tense(m.start(), m.end())
                off = 0 if tense == "future" or base.isoweekday() >= 6 else -1
            p = _at("weekend", base).shift(off, "week")
        else:
            p = _at(gran, base).shift(off, gran)
        return ("DATE", p.fmt(), True, p)

    return _one(m, res, start=start)


# "two weeks ago", "a year earlier", "nearly four years ago", "six days after his inauguration".
@_rule(
    rf"(?<![\w-])(?:(?P<approx>{_APPROX})\s+)?(?P<n>{_AMOUNT})\s+(?:(?:more|full|trading|business|working|"
    rf"calendar)\s+)?(?P<unit>{_UNITS})(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|"
    rf"from\s+now|hence|before|after|prior\s+to)(?![\w-])",
    triggers=_T_UNITS,
    prio=2,
)
def _offset(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    unit = _unit(m["unit"])
    if unit not in _DUR:
        return None
    n = _amount(m["n"])
    if n is not None and m["half"]:
        n += 0.5
    direction = " ".join(m["dir"].lower().split())
    sign = 1 if direction in ("later", "from now", "hence", "after") else -1
    dur_end = m.end("half") if m["half"] else m.end("unit")
    if direction in ("earlier", "later") and unit != "year":
        # TimeML: "three days later" is a duration, only "a year earlier" is a date.
        return _one(m, lambda c: ("DURATION", _dur_value(n, unit), True, None), end=dur_end)
    gran = {
        "second": "day",
        "minute": "day",
        "hour": "day",
        "night": "day",
        "weekend": "week",
        "fortnight": "week",
        "decade": "year",
        "millennium": "century",
    }.get(unit, unit)
    if direction in ("before", "after", "prior to"):
        signal = ctx.token_at(m.start("dir"))
        if signal is not None and signal.head.lemma_ in _DURATION_VERBS:
            # "lasted 30 minutes after a delay", "waited two hours before the vote": an amount of time
            return _one(m, lambda c: ("DURATION", _dur_value(n, unit), True, None), end=dur_end)
        return _event_offset(m, ctx, n, unit, sign, gran)

    def res(c: _Ctx) -> _Result:
        if n is None:
            return ("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", True, None)
        # A comparison date ("a year earlier") does not become the reference time itself: the article stays
        # about its main period, and the next "a year earlier" compares with that one again.
        if direction in ("earlier", "later"):  # "a year earlier": relative to the reference time
            if c.ref is not None:
                p = c.ref.shift(sign * n, unit)
                return ("DATE", p.fmt(), True, None)
        elif (
            unit == "year"
            and c.ref is not None
            and c.ref.gran == "quarter"
            and c.anchor is not None
            and (abs((c.ref.d - c.anchor).days) < 370)
        ):
            # Business news: "compared with $5 million a year ago" after "the third quarter" means that quarter
            # a year before (TimeML annotates it so), not just the previous year.
            p = c.ref.shift(sign * n, unit)
            return ("DATE", p.fmt(), True, None)
        if c.anchor is None:
            return ("DATE", _UNANCHORED.get(gran, "XXXX"), False, None)
        p = (
            _at(gran, c.anchor).shift(sign * n, unit)
            if gran != "day"
            else _P("day", c.anchor).shift(
                sign * n / {"second": 86400, "minute": 1440, "hour": 24}.get(unit, 1), "day"
            )
        )
        return ("DATE", p.fmt(), True, p)

    return _one(m, res)


# "year-earlier", "the year-ago period", "the latest period", "the same period last year".
@_rule(
    r"(?<![\w-])(?:(?P<det>the)\s+)?(?:(?P<ago>year[-\s](?:ago|earlier|before)|comparable|corresponding|"
    r"latest|same|(?P<py>1[5-9]\d\d|20\d\d))\s+)?(?P<period>period)(?:\s+(?P<ly>last\s+year|a\s+year\s+(?:ago|earlier)))?(?![\w-])"
    r"|(?<![\w-])(?P<adj>year[-\s](?:ago|earlier))(?![\w-])",
    triggers="period year",
    prio=4,
)
def _period(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["period"] and not (m["ago"] or m["ly"]):
        return None  # a bare "the period": too vague
    if m["py"]:  # "the 1988 period"
        p = _P("year", date(int(m["py"]), 1, 1))
        return _one(m, lambda c: ("DATE", p.fmt(), True, p))
    back = bool(m["adj"] or m["ly"] or (m["ago"] and m["ago"].lower().startswith("year")))

    def res(c: _Ctx) -> _Result:
        # The period the article reports on is the reference time (usually "the third quarter"); a bare year
        # mentioned last is more often a comparison year itself, so then the anchor's year is the base.
        base = c.ref if c.ref is not None and c.ref.gran in ("quarter", "half", "month") else None
        if base is None:
            if c.anchor is None:
                return ("DATE", "XXXX", False, None)
            base = _at("year", c.anchor)
        p = base.shift(-1, "year") if back else base
        return ("DATE", p.fmt(), True, None if back else p)

    return _one(m, res)


_DURATION_VERBS = {
    "last",
    "take",
    "wait",
    "spend",
    "run",
    "continue",
    "stay",
    "remain",
    "need",
    "require",
    "delay",
    "extend",
    "serve",
    "live",
    "work",
}


@dataclass
class _Pending:
    """An offset from an event ("six days after his inauguration"), resolved once all dates are known."""

    index: int  # position in the output list
    n: float | None
    unit: str
    sign: int
    gran: str
    event: Token | None  # head noun of the event phrase
    signal_end: int  # end of "after"/"before"


def _event_offset(
    m: re.Match[str], ctx: _Ctx, n: float | None, unit: str, sign: int, gran: str
) -> list[_Cand]:
    """Span "<N units> after <event noun phrase>" as one DATE, resolved later from the event's date."""
    end = m.end()
    event: Token | None = None
    signal = ctx.token_at(m.start("dir"))
    if signal is not None:
        pobj = next((t for t in signal.children if t.dep_ == "pobj"), None)
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") and pobj.ent_type_ not in ("DATE", "TIME"):
            event = pobj
            end = pobj.idx + len(pobj.text)  # "six days after his inauguration"
    value = "XXXX-XX-XX" if gran == "day" else _UNANCHORED.get(gran, "XXXX")
    return _one(m, _EventResolver(_Pending(-1, n, unit, sign, gran, event, m.end()), value), end=end)


class _EventResolver:
    """Resolver of an event offset: unknown for now; the engine queues its pending record for later."""

    def __init__(self, pending: _Pending, value: str) -> None:
        self.pending = pending
        self.value = value

    def __call__(self, c: _Ctx) -> _Result:
        return ("DATE", self.value, False, None)


# Durations: "30 minutes", "the past three months", "about 30 minutes", "a decade", "two and a half years",
# "half an hour", "the first nine months", "at least 72 hours".
@_rule(
    rf"(?<![\w-])(?:(?P<approx>{_APPROX})\s+)?(?:(?P<det>the|each\s+of\s+the)\s+)?(?:(?P<rel>past|last|next|first|"
    rf"coming|previous|following|final|latest|remaining|initial|ensuing)\s+)?(?P<n>{_AMOUNT}|few)"
    rf"(?P<half1>\s+and\s+a\s+half)?\s+(?:(?:more|additional|extra|full|straight|consecutive|trading|business|"
    rf"working|calendar|long|short|whole)\s+)?(?P<unit>{_UNITS})(?P<half>\s+and\s+a\s+half)?(?![\w-])",
    triggers=_T_UNITS,
    prio=5,
)
def _duration(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    unit = _unit(m["unit"])
    if unit not in _DUR:
        return None
    amount = " ".join(m["n"].lower().split())
    n = _amount(amount)
    if n is None and amount not in _VAGUE and amount != "few":
        return None
    if m["half"] or m["half1"]:
        n = None if n is None else n + 0.5
    plural = m["unit"].lower().endswith("s") and unit not in ("hrs",)
    if amount in ("a", "an") and plural:
        return None
    if n == 1 and amount in ("a", "an", "one"):
        before = ctx.text[max(0, m.start() - 25) : m.start()]
        # "$5 million a year", "twice a week": a frequency (the SET rule takes it), not a duration.
        if re.search(r"(?:\d|%|percent|million|billion|dollars|times|once|twice|cents)\S*\s*$", before, _I):
            return None
        if amount in ("a", "an") and is_rate(ctx.doc, m.start("n")):
            return None  # "38,000 tonnes of salmon a year": the amount is further back
        if unit == "second" and _ordinal(ctx, m.end("unit")):
            return None  # "a second big customer"
        if m["rel"] and m["rel"].lower() in ("first", "last", "final"):
            return None  # "the first year", "a last day"
    if re.match(r"[\s-]+old\b", ctx.text[m.end() : m.end() + 6]):
        return None  # ages ("52 years old") are not time expressions in TimeML
    if n is not None and n >= 1000 and unit == "year" and not m["det"]:
        return None
    start = m.start()
    if (
        m["approx"]
        and m["det"]
        and m["approx"].lower() in ("over", "within", "some", "only", "just", "around")
    ):
        start = m.start("det")  # "over the past 20 years": "over" is the preposition here, not "more than"
    return _one(m, lambda c: ("DURATION", _dur_value(n, unit), True, None), start=start)


# "half an hour", "half a day", "a minute and a half".
@_rule(
    r"(?<![\w-])(?:(?P<approx>about|nearly|almost|some|roughly|around|more\s+than|over|less\s+than|under|"
    r"at\s+least|just)\s+)?(?:half\s+(?:an?\s+)(?P<u1>second|minute|hour|day|week|month|year|century|decade)"
    r"|an?\s+(?P<u2>second|minute|hour|day|week|month|year|decade|century)\s+and\s+a\s+half)(?![\w-])",
    triggers=_T_UNITS,
    prio=4,
)
def _half(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    unit = (m["u1"] or m["u2"]).lower()
    n = 0.5 if m["u1"] else 1.5
    return _one(m, lambda c: ("DURATION", _dur_value(n, unit), True, None))


# Adjectival durations: "30-minute", "two-year", "10-year-old", "day-long", "decades-long", "52-week".
@_rule(
    rf"(?<![\w-])(?:(?P<n>{DIGITS}|{SPELLED_CORE}|several|multi|half)-)?(?P<unit>second|minute|hour|day|week|month|"
    rf"year|decade|century|days|weeks|months|years|decades)(?:-(?P<suf>long|old))?(?![\w-])",
    triggers=_T_UNITS,
    prio=5,
)
def _hyphen_duration(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    word = m["unit"].lower()
    if m["n"] is None and m["suf"] != "long":
        return None
    if m["n"] is None or m["n"].lower() in ("several", "multi"):
        n = None if m["n"] or word.endswith("s") else 1.0
    elif m["n"].lower() == "half":
        n = 0.5
    else:
        n = parse_number(m["n"])
        if n is None:
            return None
    if word.endswith("s") and m["n"] and m["n"].lower() not in ("several", "multi"):
        return None
    if m["suf"] and m["suf"].lower() == "old":
        return None  # ages ("6-year-old") are not time expressions in TimeML
    unit = _unit(word)
    return _one(m, lambda c: ("DURATION", _dur_value(n, unit), True, None))


# Vague durations after a preposition: "for years", "the first time in years", "within days".
@_rule(
    r"(?<![\w-])(?P<pre>for|in|over|within|after|took|take|takes|spent|spend|lasted|lasting)\s+(?P<unit>years|months|"
    r"weeks|days|decades|centuries|hours|minutes)(?![\w-])(?!\s+(?:of|ago|later|earlier|before|after|old|long|to\s+"
    r"come|ahead))",
    triggers=_T_UNITS,
    prio=6,
)
def _vague_duration(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    unit = _unit(m["unit"])
    value = "PXY" if unit == "decade" else _dur_value(None, unit)
    return _one(m, lambda c: ("DURATION", value, True, None), start=m.start("unit"))


# Sets: "daily", "every week", "each year", "every Monday", "twice a week", "$5 million a year", "per day".
@_rule(
    rf"(?<![\w-])(?:(?P<w>daily|weekly|monthly|annually|yearly|hourly|nightly|biweekly)"
    rf"|(?P<q>every|each|per)\s+(?:other\s+)?(?:(?P<n>{NUMBER})\s+)?(?P<u>(?:second|minute|hour|day|night|morning|"
    rf"afternoon|evening|week|weekend|month|quarter|year|decade|summer|winter|spring|fall|autumn)s?)"
    rf"|(?P<f>once|twice|thrice|{NUMBER}\s+times)\s+(?:an?|per|each|every)\s+(?P<u2>day|week|month|year|quarter|hour|"
    rf"minute|night)|(?P<a>an?)\s+(?P<u3>day|week|month|year|night|hour))(?![\w-])",
    triggers=f"daily weekly monthly annually yearly hourly nightly biweekly morning afternoon evening summer winter spring fall autumn {_T_UNITS}",
    prio=3,
)
def _set(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if m["w"]:
        if m["w"][0].isupper() and re.search(
            r"[A-Z][\w.]*\s+$", ctx.text[max(0, m.start() - 30) : m.start()]
        ):
            return None  # "Korea JoongAng Daily", "Communist Party Daily": a newspaper's name
        value = {
            "daily": "P1D",
            "weekly": "P1W",
            "monthly": "P1M",
            "annually": "P1Y",
            "yearly": "P1Y",
            "hourly": "PT1H",
            "nightly": "P1D",
            "biweekly": "P2W",
            "quarterly": "P3M",
        }[m["w"].lower()]
        return _one(m, lambda c: ("SET", value, True, None))
    if m["q"]:
        word = m["u"].lower().rstrip("s") if m["u"].lower() not in ("days",) else "day"
        if m["q"].lower() == "each" and m["n"]:
            return None
        if word in _PARTS:
            value = f"XXXX-XX-XXT{_PARTS[word]}"
        elif word in _SEASONS:
            value = f"XXXX-{_SEASONS[word]}"
        else:
            n = parse_number(m["n"]) if m["n"] else 1.0
            value = _dur_value(n, _unit(word))
        return _one(m, lambda c: ("SET", value, True, None))
    if m["f"]:
        return _one(m, lambda c: ("SET", _dur_value(1, m["u2"].lower()), True, None))
    # "a year" is a frequency only after an amount: "$5 million a year", "50,000 CDs a year", "38,000 tonnes of
    # salmon a year" (the parse finds an amount further back).
    before = ctx.text[max(0, m.start() - 40) : m.start()]
    if not re.search(
        r"(?:\d|%|percent|million|billion|dollars|cents|times)\S*(?:\s+[a-z]+s)?\s+$", before, _I
    ) and not is_rate(ctx.doc, m.start()):
        return None
    return _one(m, lambda c: ("SET", _dur_value(1, m["u3"].lower()), True, None))


@_rule(rf"(?<![\w-])(?:every|each)\s+(?P<x>{_WD}|{_MON_FULL})(?![\w-])", triggers=f"{_T_WD} {_T_MON}", prio=2)
def _set_named(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    x = m["x"].lower()
    value = f"XXXX-WXX-{_WEEKDAYS[x]}" if x in _WEEKDAYS else f"XXXX-{_MONTHS[x]:02d}"
    return _one(m, lambda c: ("SET", value, True, None))


# Holidays with a fixed rule (US/Western news; other calendars would need lunar dates).
@_rule(
    r"(?<![\w-])(?:(?P<rel>last|next|this)\s+)?(?P<h>christmas\s+eve|christmas\s+day|christmas|new\s+year['’]s\s+"
    r"(?:eve|day)|thanksgiving\s+day|thanksgiving|independence\s+day|halloween|valentine['’]s\s+day|labor\s+day|"
    r"memorial\s+day)(?![\w-])",
    triggers="christmas thanksgiving halloween valentine valentine's day eve",
    prio=3,
)
def _holiday(m: re.Match[str], ctx: _Ctx) -> list[_Cand] | None:
    if not _cap(m["h"]):
        return None
    key = " ".join(m["h"].lower().replace("’", "'").split())
    rule = _HOLIDAYS[key]
    rel = (m["rel"] or "").lower()

    def res(c: _Ctx) -> _Result:
        if c.anchor is None:
            d0 = rule(2000)
            return ("DATE", f"XXXX-{d0.month:02d}-{d0.day:02d}", False, None)
        a = c.anchor
        this = rule(a.year)
        tense = c.tense(m.start(), m.end())
        if rel == "last" or (not rel and tense == "past"):
            day = this if this < a or (this == a and rel != "last") else rule(a.year - 1)
        elif rel == "next" or (not rel and tense == "future"):
            day = this if this > a else rule(a.year + 1)
        else:
            day = this
        return ("DATE", day.isoformat(), True, _P("day", day))

    return _one(m, res)


# ---------------------------------------------------------------- event-anchored offsets

_EVENT_FAMILIES = {
    "inauguration": ("inaugur", "take office", "swear in", "sworn in", "swearing"),
    "death": ("die", "death", "dead", "kill"),
    "election": ("elect", "vote", "poll"),
    "shooting": ("shoot", "shot"),
    "birth": ("born", "birth"),
    "resignation": ("resign",),
    "arrest": ("arrest",),
    "meeting": ("meet", "met"),
    "visit": ("visit",),
}


def _event_keys(head: Token) -> tuple[str, ...]:
    lemma = head.lemma_.lower()
    stem = lemma[: max(5, len(lemma) - 5)]
    return (stem, *_EVENT_FAMILIES.get(lemma, ()))


def _mentions_event(tok: Token, keys: tuple[str, ...]) -> bool:
    words = [tok.lemma_.lower(), tok.lower_]
    for child in tok.children:  # "took office", "sworn in"
        if child.dep_ in ("dobj", "prt"):
            words.append(f"{tok.lemma_.lower()} {child.lower_}")
            words.append(f"{tok.lower_} {child.lower_}")
    return any(w.startswith(k) for w in words for k in keys)


def _resolve_events(ctx: _Ctx, out: list[Timex], pending: list[_Pending]) -> None:
    """Give "<N units> after <event>" a date when another date in the article is attached to that event."""
    for p in pending:
        if p.event is None:
            continue
        keys = _event_keys(p.event)
        best: tuple[int, date] | None = None
        me = out[p.index]
        for t in out:
            if t is me or t.type != "DATE" or not re.fullmatch(r"\d{4}-\d\d-\d\d", t.value):
                continue
            span = ctx.doc.char_span(t.start, t.end, alignment_mode="expand")
            if span is None:
                continue
            # The date must hang off a word for the same event: "inaugurated on June 4", "his swearing-in on June 4".
            tok, hit = span.root, False
            for _ in range(3):
                if tok.head is tok:
                    break
                tok = tok.head
                if tok.i != p.event.i and _mentions_event(tok, keys):
                    hit = True
                    break
            if not hit:
                continue
            dist = abs(t.start - me.start) + (
                0 if t.start < me.start else 10_000
            )  # prefer an earlier mention
            if best is None or dist < best[0]:
                best = (dist, date.fromisoformat(t.value))
        if best is None or p.n is None:
            continue
        start = _at(p.gran, best[1]) if p.gran != "day" else _P("day", best[1])
        try:
            shifted = start.shift(
                p.sign * p.n / {"second": 86400, "minute": 1440, "hour": 24}.get(p.unit, 1)
                if p.gran == "day"
                else p.sign * p.n,
                "day" if p.gran == "day" else p.unit,
            )
        except (ValueError, OverflowError):
            continue
        out[p.index] = Timex(me.text, me.start, me.end, "DATE", shifted.fmt(), True)


# ---------------------------------------------------------------- engine


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest candidates first; among equals the higher-priority rule; no two chosen ones overlap."""
    cands.sort(key=lambda c: (-(c.end - c.start), c.prio, c.start))
    taken: list[tuple[int, int]] = []
    chosen: list[_Cand] = []
    for c in cands:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


_DIGITS_RE = re.compile(r"\d+")
_WINDOW = 64  # no rule's match reaches further than this from its trigger


def _windows(spans: list[tuple[int, int]], text: str, n: int) -> list[tuple[int, int]]:
    """Merge the stretches of text around trigger spans; a window never ends inside a word."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        lo, hi = max(0, s - _WINDOW), min(n, e + _WINDOW)
        while hi < n and not text[hi].isspace():
            hi += 1
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


_TRIGGER_INDEX: dict[int, tuple[int, ...]] = {}


def _trigger_index() -> dict[int, tuple[int, ...]]:
    """LOWER hash -> the numbers of the rules it triggers (built once every rule is registered)."""
    if not _TRIGGER_INDEX:
        index: dict[int, list[int]] = {}
        for r, rule in enumerate(_RULES):
            for h in dict.fromkeys(rule.triggers.tolist()):
                index.setdefault(h, []).append(r)
        _TRIGGER_INDEX.update({h: tuple(rs) for h, rs in index.items()})
    return _TRIGGER_INDEX


def find_timexes(doc: Doc, anchor: str | None) -> list[Timex]:
    """All time expressions of an article body (the Doc's text), normalised against ``anchor``.

    ``anchor`` is the publish time ("2025-06-10T18:45:00+09:00" or "2025-06-10"), or None when unknown.
    """
    if not len(doc):
        return []
    text = text_of(doc)
    arr = doc.to_array([LOWER, IDX, LENGTH])
    lowers, tok_starts = arr[:, 0], arr[:, 1].astype(np.int64)
    tok_ends = tok_starts + arr[:, 2].astype(np.int64)
    ctx = _Ctx(doc, text, tok_starts, parse_anchor(anchor))
    cands: list[_Cand] = []
    digit_spans = [(m.start(), m.end()) for m in _DIGITS_RE.finditer(text)]
    n = len(text)
    # One pass over the tokens finds every rule's trigger words (a set lookup per token, instead of
    # one numpy isin per rule).
    index = _trigger_index()
    hits_of: list[list[int]] = [[] for _ in _RULES]
    for i, lower in enumerate(lowers.tolist()):
        for r in index.get(lower, ()):
            hits_of[r].append(i)
    for rule, hits in zip(_RULES, hits_of, strict=True):
        spans = [(int(tok_starts[i]), int(tok_ends[i])) for i in hits]
        if rule.digits:
            spans.extend(digit_spans)
        for lo, hi in _windows(spans, text, n):
            for m in rule.regex.finditer(text, lo, hi):
                found = rule.handler(m, ctx)
                if found:
                    for c in found:
                        c.prio = rule.prio
                    cands.extend(found)
    out: list[Timex] = []
    pending: list[_Pending] = []
    for cand in _select(cands):
        for s, e, fn in cand.parts:
            try:
                result = fn(ctx)
            except (ValueError, OverflowError):  # arithmetic past year 1 or 9999 ("50,000 years ago")
                result = ("DATE", "XXXX-XX-XX", False, None)
            if result is None:
                continue
            typ, value, anchored, period = result
            if period is not None and anchored and typ in ("DATE", "TIME"):
                ctx.set_ref(period)
            if isinstance(fn, _EventResolver):
                fn.pending.index = len(out)
                pending.append(fn.pending)
            # Trim a trailing sentence period unless it ends an abbreviation ("Sept.").
            while e > s and text[e - 1] in " \n\t,":
                e -= 1
            out.append(Timex(text[s:e], s, e, typ, value, anchored))
    if pending:
        _resolve_events(ctx, out, pending)
    out.extend(_from_ents(ctx, out))
    out.sort(key=lambda t: t.start)
    return out


_ENT_UNIT = re.compile(
    r"(?:the\s+)?(?:(?:early|first|past|coming|recent|last|next)\s+)?"
    r"(?P<unit>years|months|weeks|days|hours|quarters|decades)\s*",
    _I,
)


def _from_ents(ctx: _Ctx, found: list[Timex]) -> list[Timex]:
    """spaCy DATE/TIME entities the rules missed, kept only when they are a vague plural span ("the years",
    "the early years", "months") -> DURATION "PXY" etc.

    Measured on TempEval-3: all leftover entities are 27% precise (ages such as "6-year-old", bare numbers,
    "quarterly"); singular ones ("the year", "the day") are DATE or DURATION by context and mostly got wrong
    values. This filtered fallback adds a little span recall and leaves value F1 unchanged.
    """
    out: list[Timex] = []
    for ent in ctx.doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(t.start < ent.end_char and ent.start_char < t.end for t in found):
            continue
        m = _ENT_UNIT.fullmatch(ent.text)
        if m is None:
            continue
        value = _dur_value(None, _unit(m["unit"]))
        out.append(Timex(ent.text, ent.start_char, ent.end_char, "DURATION", value, True))
    return out


def find_timexes_in_text(text: str, anchor: str | None) -> list[Timex]:
    """Convenience for tests and the bench: run the spaCy pipeline, then :func:`find_timexes`."""
    from newsweave.extract.nlp import load_nlp

    return find_timexes(load_nlp()(text), anchor)


# ---------------------------------------------------------------- compatibility


_PART_HOURS = {"MO": (5, 12), "MI": (11, 13), "AF": (12, 18), "EV": (17, 22), "NI": (19, 29), "DT": (8, 18)}
_DUR_SECONDS = {
    "S": 1,
    "TM": 60,
    "H": 3600,
    "D": 86400,
    "W": 7 * 86400,
    "M": 30.44 * 86400,
    "Q": 91.31 * 86400,
    "Y": 365.25 * 86400,
    "E": 3652.5 * 86400,
    "C": 36525 * 86400,
    "L": 365250 * 86400,
}
_REF_VALUES = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


def _duration_seconds(v: str) -> float | None:
    """Seconds in a TIMEX3 duration ("PT30M" -> 1800); None when vague ("PXY")."""
    m = re.fullmatch(
        r"P(?:(?P<date>[\dX.]+[YQMWDEC](?:[\d.]+[YQMWD])*))?(?:T(?P<time>(?:[\dX.]+[HMS])+))?", v
    )
    if not m or "X" in v:
        return None
    total = 0.0
    for num, letter in re.findall(r"([\d.]+)([YQMWDEC])", m["date"] or ""):
        total += float(num) * _DUR_SECONDS[letter]
    for num, letter in re.findall(r"([\d.]+)([HMS])", m["time"] or ""):
        total += float(num) * _DUR_SECONDS["TM" if letter == "M" else letter]
    return total


@dataclass
class _DateVal:
    lo: date | None  # the days the value covers, [lo, hi), when its year is known
    hi: date | None
    month: int | None = None  # constraints when the year is unknown ("XXXX-11", "XXXX-WXX-2")
    day: int | None = None
    weekday: int | None = None
    season: str | None = None
    time: str | None = None  # "18:45" or a part of day "MO"


def _parse_date_value(v: str) -> _DateVal | None:
    v, _, time = v.partition("T")
    parts = v.split("-")
    y = parts[0]
    if not re.fullmatch(r"[\dX]{2,4}", y):
        return None
    known = "X" not in y
    rest = parts[1:]
    dv = _DateVal(None, None, time=time or None)
    if len(y) < 4:  # decade "199", century "19"
        if not known:
            return dv
        span = 10 ** (4 - len(y))
        start = int(y) * span
        dv.lo, dv.hi = date(max(start, 1), 1, 1), date(min(start + span, 9999), 1, 1)
        return dv
    year = int(y) if known else None
    if not rest:
        if year is not None:
            dv.lo, dv.hi = date(year, 1, 1), date(year + 1, 1, 1)
        return dv
    a = rest[0]
    if a.startswith("W"):
        wd = int(rest[1]) if len(rest) > 1 and rest[1].isdigit() else None
        we = len(rest) > 1 and rest[1] == "WE"
        if year is not None and a[1:].isdigit():
            monday = date.fromisocalendar(year, int(a[1:]), 1)
            if wd:
                dv.lo = monday + timedelta(days=wd - 1)
                dv.hi = dv.lo + timedelta(days=1)
            else:
                dv.lo = monday + timedelta(days=5 if we else 0)
                dv.hi = monday + timedelta(days=7)
        else:
            dv.weekday = wd
            if year is not None:
                dv.lo, dv.hi = date(year, 1, 1), date(year + 1, 1, 1)
        return dv
    if a[:1] in ("Q", "H") or a in _SEASON_START:
        if year is None or not (a in _SEASON_START or a[1:].isdigit()):
            dv.season = a if a in _SEASON_START else None
            if year is not None:
                dv.lo, dv.hi = date(year, 1, 1), date(year + 1, 1, 1)
            return dv
        if a in _SEASON_START:
            start = date(year, _SEASON_START[a], 1)
            dv.lo, dv.hi = start, _add_months(start, 3)
        else:
            months = 3 if a[0] == "Q" else 6
            start = date(year, (int(a[1:]) - 1) * months + 1, 1)
            dv.lo, dv.hi = start, _add_months(start, months)
        return dv
    month = int(a) if a.isdigit() else None
    day = int(rest[1]) if len(rest) > 1 and rest[1].isdigit() else None
    if year is not None and month is not None:
        if day is not None:
            d0 = _mk_date(year, month, day)
            if d0 is None:
                return None
            dv.lo, dv.hi = d0, d0 + timedelta(days=1)
        else:
            dv.lo = date(year, month, 1)
            dv.hi = _add_months(dv.lo, 1)
        return dv
    dv.month, dv.day = month, day
    if year is not None:
        dv.lo, dv.hi = date(year, 1, 1), date(year + 1, 1, 1)
    return dv


_SEASON_MONTHS = {"SP": (3, 4, 5), "SU": (6, 7, 8), "FA": (9, 10, 11), "WI": (12, 1, 2)}


def _matches(d: date, v: _DateVal) -> bool:
    if v.month is not None and d.month != v.month:
        return False
    if v.day is not None and d.day != v.day:
        return False
    if v.weekday is not None and d.isoweekday() != v.weekday:
        return False
    return v.season is None or d.month in _SEASON_MONTHS[v.season]


def _times_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True

    def hours(t: str) -> tuple[float, float]:
        if t in _PART_HOURS:
            return _PART_HOURS[t]
        m = re.match(r"(\d\d)(?::(\d\d))?", t)
        if not m:
            return (0, 24)
        h = int(m[1]) + int(m[2] or 0) / 60
        return (h, h)

    (a0, a1), (b0, b1) = hours(a), hours(b)
    if a0 == a1 and b0 == b1:
        return abs(a0 - b0) < 1e-6
    return a0 <= b1 and b0 <= a1


def timex_compatible(a: str, b: str) -> bool:
    """Whether two TIMEX3 values can denote the same time (one may be coarser or partly unknown).

    "2025-06" ~ "2025-06-10" (a month contains the day), "2025-W24" ~ "2025-06-10", "XXXX-WXX-2" ~ "2025-06-10"
    (a Tuesday), "2025-06-10" !~ "2025-06-06". Durations compare by length ("PT30M" ~ "PT0.5H"; a vague "PXY"
    matches any duration). Deictic references (PRESENT_REF, ...) match any date but not each other, and never a
    duration. Dates never match durations.
    """
    a, b = a.strip(), b.strip()
    if not a or not b:
        return False
    if a == b:
        return True
    a_dur, b_dur = a.startswith("P") and a not in _REF_VALUES, b.startswith("P") and b not in _REF_VALUES
    if a_dur or b_dur:
        if not (a_dur and b_dur):
            return False
        sa, sb = _duration_seconds(a), _duration_seconds(b)
        if sa is None or sb is None:
            return True
        return abs(sa - sb) <= 0.01 * max(sa, sb)
    if a in _REF_VALUES or b in _REF_VALUES:
        return not (a in _REF_VALUES and b in _REF_VALUES)
    try:
        va, vb = _parse_date_value(a), _parse_date_value(b)
    except (ValueError, OverflowError):  # "2025-W60", "0000"
        return False
    if va is None or vb is None:
        return False
    if va.lo is not None and vb.lo is not None:
        lo, hi = max(va.lo, vb.lo), min(va.hi, vb.hi)  # type: ignore[type-var]
        if lo >= hi:
            return False
        # the overlap must satisfy both sides' unknown-year constraints (e.g. weekday)
        if (hi - lo).days <= 400 and not any(
            _matches(lo + timedelta(days=i), va) and _matches(lo + timedelta(days=i), vb)
            for i in range((hi - lo).days)
        ):
            return False
        return _times_compatible(va.time, vb.time)
    known, other = (va, vb) if va.lo is not None else (vb, va)
    if known.lo is not None:
        span = (known.hi - known.lo).days  # type: ignore[operator]
        if span <= 400 and not any(
            _matches(known.lo + timedelta(days=i), other) and _matches(known.lo + timedelta(days=i), known)
            for i in range(span)
        ):
            return False
        return _times_compatible(va.time, vb.time)
    # neither year known: compare the constraints field by field
    for x, y in ((va.month, vb.month), (va.day, vb.day), (va.weekday, vb.weekday), (va.season, vb.season)):
        if x is not None and y is not None and x != y:
            return False
    return _times_compatible(va.time, vb.time)


def elapsed_since(timex: Timex, anchor: str | None) -> Quantity | None:
    """The time from a DATE timex to the publish date, as a duration quantity with the interval it allows.

    "his first trip since July 2014" in an article of 2025-06-10 -> about 10.9 years ([10.86, 10.94]), which
    ``quantities.compatible`` matches with "the first time in 11 years" and "in over a decade". None when the
    anchor or the date is unknown, or the date lies after the anchor.
    """
    day = parse_anchor(anchor)
    if day is None or timex.type not in ("DATE", "TIME") or not timex.anchored:
        return None
    try:
        dv = _parse_date_value(timex.value.partition("T")[0])
    except (ValueError, OverflowError):
        return None
    if dv is None or dv.lo is None or dv.hi is None or dv.lo > day:
        return None
    shortest = max((day - dv.hi).days + 1, 0)  # from the period's last day
    longest = (day - dv.lo).days  # from its first day
    unit, days = ("year", 365.25) if longest >= 730 else ("month", 30.4375) if longest >= 60 else ("day", 1.0)
    low, high = shortest / days, longest / days
    value = round((low + high) / 2, 3)
    return Quantity(timex.text, timex.start, timex.end, value, unit, "duration", "about", low, high)

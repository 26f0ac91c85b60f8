"""Quantities: numbers with units and approximation markers, comparable across outlets.

Kinds and canonical units (``Quantity.unit``):

* duration: "second", "minute", "hour", "day", "week", "month", "year". The value is canonicalised so equal
  amounts look equal: within the fixed-ratio chain second/minute/hour/day/week, and within month/year, the
  largest unit giving a whole number is used ("half an hour", "0.5 hours", "30-minute" -> 30 minute;
  "120 minutes", "2 hours" -> 2 hour; "a decade" -> 10 year; "18 months" stays 18 month).
* money: ISO 4217 code ("USD", "KRW", "EUR", ...); the value in units ("$1.2 billion" -> 1.2e9 USD). Crowns
  (crowns, kroner, kronor) are "crown": English uses the word for several currencies, so only the unit is known.
* percent: "percent" or "percentage point" ("25 basis points" -> 0.25 percentage point).
* distance: "km"; miles, nautical miles, metres, centimetres, feet are converted (the text keeps the original
  wording).
* rates are no amounts of time: in "38,000 tonnes of salmon a year" or "$5 million a year" the "a year" is a
  frequency (the timex module makes it a SET), never a duration quantity.
* count: "count:<noun>" with the counted noun's lemma and its hyphenated or common-noun compound modifiers
  ("13 buoys" -> "count:buoy", "three no-sail zones" -> "count:no-sail zone"); adjectives and names are
  dropped ("five U.N. inspection teams" -> "count:inspection team"). Only plural nouns with a number other
  than one count, and not after "the"/a possessive ("the two leaders" describes, it does not report).

Speed: the one quantity regex runs only in windows around numbers and unit words, found from the Doc's token
arrays; counts come from the parse's ``nummod`` arcs.

Approximation (``approx``) and the interval each statement allows (``low``/``high``, in the canonical unit):

* exact: the rounding interval of the figure as written, half a unit of its last digit, half-open:
  "11 years" -> [10.5, 11.5), "7.5%" -> [7.45, 7.55), "1.2 billion" -> [1.15e9, 1.25e9). Writers round, so
  "11 years" agrees with an elapsed 10.9 years and "$1.23 billion" with "$1.2 billion", while "20 minutes" and
  "30 minutes", or "30" and "45", still conflict. Word amounts ("a week", "half an hour") are taken as stated.
  A converted distance allows at least 1% (outlets round conversions differently).
* about ("about", "approximately", "around", "roughly", "some", "an estimated"): v +- 10%;
  "nearly"/"almost" also map to about, but only from below: [0.9v, v].
* over ("over", "more than", "above", "upwards of"): (v, inf); "just over": (v, 1.1v].
* at_least ("at least", "no less than"): [v, inf).
* under ("under", "less than", "fewer than", "below"): [0, v); "just under": [0.9v, v).
* at_most ("up to", "at most", "no more than"): [0, v].

Vague plurals ("dozens of", "hundreds of") are counts with approx "about" over their range ([24, 144),
[200, 1000), ...), chained ones multiply ("hundreds of millions of crowns" -> money [2e8, 1e9) crown). Years,
dates and ordinals ("a second big customer") are not quantities.
"""

from __future__ import annotations

import math
import re

import numpy as np
from spacy.attrs import DEP, IDX, LENGTH, LIKE_NUM, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from newsweave.extract.nlp import text_of
from newsweave.records import Quantity

__all__ = ["find_quantities", "compatible", "base_value", "parse_number", "is_rate"]

# ---------------------------------------------------------------- numbers (shared with timex.py)

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_ABBR = {"k": 1_000, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}

_WORD_ALT = "|".join(sorted([*_SMALL, *_SCALES, "dozen"], key=len, reverse=True))
# A spelled number: "thirty", "twenty-four", "a hundred thirty", "one hundred and ten", "two thousand".
# SPELLED_CORE may be followed by a hyphen ("two-year"); SPELLED may not.
SPELLED_CORE = rf"(?:(?:a|an)\s+(?:hundred|thousand|dozen)|(?:{_WORD_ALT}))(?:(?:\s+|-)(?:and\s+)?(?:{_WORD_ALT}))*(?![\w])"
SPELLED = rf"{SPELLED_CORE}(?!-)"
# A written number: "30", "1,200", "3.5", "2 1/2"; never part of a longer token ("$5" is fine, "A4" is not).
DIGITS = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+[1-3]/[2-4])?(?![\d])"
NUMBER = rf"(?:{DIGITS}|{SPELLED})"


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words ("1,200", "2 1/2", "2.3 million", "twenty-four")."""
    text = " ".join(text.strip().lower().split())
    if not text:
        return None
    if text[0].isdigit():
        head, _, rest = text.partition(" ")
        try:
            value = float(head.replace(",", ""))
        except ValueError:
            return None
        if not rest:
            return value
        if "/" in rest:  # "2 1/2"
            num, _, den = rest.partition("/")
            if num.isdigit() and den.isdigit() and int(den):
                return value + int(num) / int(den)
            return None
        scale = _SCALES.get(rest) or _SCALE_ABBR.get(rest)
        return value * scale if scale else None
    total, current, seen = 0.0, 0.0, False
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word in ("a", "an"):
            current, seen = 1.0, True
        elif word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current, seen = 0.0, True
        else:
            return None
    return total + current if seen else None


# ---------------------------------------------------------------- vocabulary

_APPROX_WORDS = {
    "about": "about", "approximately": "about", "around": "about", "roughly": "about", "some": "about",
    "an estimated": "about", "estimated": "about", "close to": "about", "nearly": "nearly", "almost": "nearly",
    "just under": "just_under", "more than": "over", "over": "over", "above": "over", "upwards of": "over",
    "in excess of": "over", "just over": "just_over", "well over": "over", "at least": "at_least",
    "no less than": "at_least", "no fewer than": "at_least", "less than": "under", "fewer than": "under",
    "under": "under", "below": "under", "up to": "at_most", "at most": "at_most", "no more than": "at_most",
}  # fmt: skip
_APPROX = "|".join(sorted((w.replace(" ", r"\s+") for w in _APPROX_WORDS), key=len, reverse=True))

_CURRENCY_SYMBOLS = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "hk$": "HKD", "nt$": "TWD", "c$": "CAD", "a$": "AUD", "s$": "SGD",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "w": "KRW", "usd": "USD", "eur": "EUR", "gbp": "GBP",
    "jpy": "JPY", "cny": "CNY", "rmb": "CNY", "krw": "KRW",
}  # fmt: skip
_CURRENCY_WORDS = {
    "dollar": "USD", "us dollar": "USD", "u.s. dollar": "USD", "won": "KRW", "korean won": "KRW", "yen": "JPY",
    "japanese yen": "JPY", "yuan": "CNY", "chinese yuan": "CNY", "renminbi": "CNY", "euro": "EUR",
    "pound sterling": "GBP", "pound": "GBP", "rupee": "INR", "ruble": "RUB", "rouble": "RUB", "cent": "USD",
    "crown": "crown", "krone": "crown", "kroner": "crown", "krona": "crown", "kronor": "crown",
}  # fmt: skip
_CUR_WORD_ALT = r"(?:u\.?s\.?\s+|korean\s+|japanese\s+|chinese\s+)?(?:dollars?|won|yen|yuan|renminbi|euros?|pounds?(?:\s+sterling)?|rupees?|rubles?|roubles?|cents?|crowns?|kron(?:e|er|a|or))"
_DISTANCE_KM = {
    "km": 1.0,
    "kilometer": 1.0,
    "kilometre": 1.0,
    "mile": 1.609344,
    "mi": 1.609344,
    "nautical mile": 1.852,
    "meter": 0.001,
    "metre": 0.001,
    "centimeter": 0.00001,
    "centimetre": 0.00001,
    "cm": 0.00001,
    "foot": 0.0003048,
    "feet": 0.0003048,
    "ft": 0.0003048,
    "yard": 0.0009144,
}
_DIST_ALT = r"(?:nautical\s+miles?|kilomet(?:er|re)s?|km|miles?|centimet(?:er|re)s?|cm|met(?:er|re)s?|feet|foot|ft|yards?)"
_DUR_ALT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?|yrs?|decades?|centur(?:y|ies))"
_PCT_ALT = r"(?:%|percent|per\s+cent|pct|percentage\s+points?|basis\s+points?|bps)"

# Seconds per duration unit; months and years by their average length (only to compare across units).
_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2629800,
    "year": 31557600,
}
_DUR_NORMAL = {
    "sec": "second",
    "secs": "second",
    "min": "minute",
    "mins": "minute",
    "hr": "hour",
    "hrs": "hour",
    "yr": "year",
    "yrs": "year",
    "centuries": "century",
}
_FIXED_CHAIN = [
    ("week", 7),
    ("day", 24),
    ("hour", 60),
    ("minute", 60),
    ("second", 1),
]  # unit, how many of next

# One pass finds money, percentages, distances and durations; counts come from the parse afterwards.
_QUANTITY_RE = re.compile(
    rf"(?<![\w$€£¥₩.,-])(?:(?P<approx>{_APPROX})\s+)?"
    rf"(?:(?P<cur>US\$|U\.S\.\s?\$|HK\$|NT\$|C\$|A\$|S\$|\$|€|£|¥|₩|W(?=\d)|(?:USD|EUR|GBP|JPY|CNY|RMB|KRW)\s?)\s?"
    rf"(?P<num1>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<mult1>hundred|thousand|million|billion|"
    rf"trillion|bn|mn|mln|m|k|tn|trn)(?![\w]))?"
    rf"|(?P<num2>{NUMBER}|{SPELLED_CORE}|half\s+an?|an?|one\s+and\s+a\s+half)(?P<half>\s+and\s+a\s+half)?"
    rf"(?:\s*(?P<mult2>hundred|thousand|million|billion|trillion|bn|mn|mln|tn)(?![\w]))?"
    rf"(?P<sep>\s*-\s*|\s+|(?<=\d))(?P<unit>{_PCT_ALT}|{_CUR_WORD_ALT}|{_DIST_ALT}|{_DUR_ALT})(?![\w])"
    rf"(?P<half2>\s+and\s+a\s+half)?)",
    re.IGNORECASE,
)
_VAGUE_COUNT_RE = re.compile(
    r"(?<![\w-])(?P<w>dozens|hundreds|thousands|millions|billions)\s+of\s+"
    r"(?:(?P<w2>thousands|millions|billions)\s+of\s+)?",
    re.IGNORECASE,
)
_VAGUE_RANGES = {
    "dozens": (24, 144),
    "hundreds": (200, 1000),
    "thousands": (2000, 1e6),
    "millions": (2e6, 1e9),
    "billions": (2e9, 1e12),
}
_VAGUE_SCALE = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}
_NOT_COUNTED = {
    "percent",
    "time",
    "times",
    "%",
    "cent",
    "dollar",
    "point",
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "second",
    "decade",
    "century",
    "mile",
    "kilometer",
    "km",
    "meter",
    "foot",
    "round",
}


# ---------------------------------------------------------------- intervals


def _interval(value: float, approx: str, tol: float = 0.0) -> tuple[str, float | None, float | None]:
    """(approx literal, low, high) for a value and the marker class from ``_APPROX_WORDS``."""
    if approx == "about":
        return "about", value * 0.9, value * 1.1
    if approx == "nearly":
        return "about", value * 0.9, value
    if approx == "over":
        return "over", value, math.inf
    if approx == "just_over":
        return "over", value, value * 1.1
    if approx == "at_least":
        return "at_least", value, math.inf
    if approx == "under":
        return "under", 0.0, value
    if approx == "just_under":
        return "under", value * 0.9, value
    if approx == "at_most":
        return "at_most", 0.0, value
    return "exact", value - tol, value + tol


def _rounding(num_text: str, scale: float = 1.0) -> float:
    """Half a unit of the last written digit, scaled: "11" -> 0.5, "7.51" -> 0.005, "1.2" billion -> 0.05e9.

    Spelled numbers count as whole units ("thirty" -> 0.5); "a", "an", "half an" are taken as stated (0).
    """
    text = num_text.strip().lower()
    if not text[:1].isdigit():
        return 0.0 if text in ("a", "an", "one and a half") or text.startswith("half") else 0.5 * scale
    head = text.split()[0]
    decimals = len(head.partition(".")[2]) if "." in head else 0
    return 0.5 * 10.0 ** (-decimals) * scale


def _canonical_duration(value: float, unit: str) -> tuple[float, str]:
    """Largest unit giving a whole number, within second..week and within month..year."""
    if unit == "decade":
        value, unit = value * 10, "year"
    elif unit == "century":
        value, unit = value * 100, "year"
    elif unit == "fortnight":
        value, unit = value * 2, "week"
    if unit in ("month", "year"):
        months = value * (12 if unit == "year" else 1)
        if abs(months / 12 - round(months / 12)) < 1e-9:
            return round(months / 12, 9), "year"
        return round(months, 9), "month"
    seconds = value * _SECONDS[unit]
    for name, _ in _FIXED_CHAIN:
        v = seconds / _SECONDS[name]
        if abs(v - round(v)) < 1e-9:
            return float(round(v)), name
    return value, unit


# ---------------------------------------------------------------- detection


def _approx_before(text: str, start: int) -> tuple[str, int]:
    """An approximation marker right before ``start`` (class, new start) or ("", start)."""
    m = re.search(rf"(?<![\w-])({_APPROX})\s+$", text[max(0, start - 24) : start], re.IGNORECASE)
    if not m:
        return "", start
    return _APPROX_WORDS[" ".join(m.group(1).lower().split())], start - (len(m.group(0)))


def _from_match(m: re.Match[str], text: str) -> Quantity | None:
    approx_cls = _APPROX_WORDS[" ".join(m["approx"].lower().split())] if m["approx"] else ""
    start, end = m.start(), m.end()
    if m["cur"] is not None:  # "$1.2 billion", "W3 trillion", "€5m"
        code = _CURRENCY_SYMBOLS[m["cur"].strip().lower().replace(" ", "")]
        mult = (m["mult1"] or "").lower()
        scale = _SCALES.get(mult) or _SCALE_ABBR.get(mult) or 1.0
        value = float(m["num1"].replace(",", "")) * scale
        # "$5 million (7 trillion won)" etc.: a following currency word overrides the symbol ("$" is generic)
        approx, low, high = _interval(value, approx_cls, _rounding(m["num1"], scale))
        return Quantity(text[start:end], start, end, value, code, "money", approx, low, high)  # type: ignore[arg-type]
    unit_text = " ".join(m["unit"].lower().split())
    num_text = " ".join(m["num2"].lower().split())
    hyphen = "-" in m["sep"]
    if num_text in ("a", "an") and (hyphen or unit_text.endswith("s")):
        return None  # "a-year", "a years"
    if num_text in ("a", "an"):
        value: float | None = 1.0
    elif num_text.startswith("half"):
        value = 0.5
    elif num_text == "one and a half":
        value = 1.5
    else:
        value = parse_number(num_text)
    if value is None:
        return None
    if m["half"] or m["half2"]:
        value += 0.5
    mult = (m["mult2"] or "").lower()
    scale = _SCALES.get(mult) or _SCALE_ABBR.get(mult) or 1.0
    value *= scale
    tol = _rounding(num_text, scale)
    if m["half"] or m["half2"]:
        tol = 0.0  # "two and a half years" is as precise as it says
    after = text[end : end + 8]

    if re.fullmatch(_PCT_ALT, unit_text, re.IGNORECASE):
        unit = "percentage point" if unit_text.startswith(("percentage", "basis", "bps")) else "percent"
        if unit_text.startswith(("basis", "bps")):
            value, tol = value / 100, tol / 100  # "25 basis points" is 0.25 percentage point
        approx, low, high = _interval(value, approx_cls, tol)
        return Quantity(text[start:end], start, end, value, unit, "percent", approx, low, high)  # type: ignore[arg-type]
    if re.fullmatch(_CUR_WORD_ALT, unit_text, re.IGNORECASE):
        word = re.sub(r"^(?:u\.?s\.?|korean|japanese|chinese)\s+", "", unit_text)
        word = word[:-1] if word.endswith("s") and word[:-1] in _CURRENCY_WORDS else word
        if word == "crown" and scale == 1.0 and value < 2 and num_text in ("a", "an", "one"):
            return None  # "a crown" is a king's
        if word.startswith("pound") and "sterling" not in word and scale == 1.0 and value < 1000:
            return None  # "5 pounds" is more often a weight
        code = _CURRENCY_WORDS.get(word, _CURRENCY_WORDS.get(word.split()[0], "USD"))
        if word == "cent":
            value, tol = value / 100, tol / 100
        approx, low, high = _interval(value, approx_cls, tol)
        return Quantity(text[start:end], start, end, value, code, "money", approx, low, high)  # type: ignore[arg-type]
    if re.fullmatch(_DIST_ALT, unit_text, re.IGNORECASE):
        base = unit_text if unit_text == "feet" else unit_text.rstrip("s")
        factor = _DISTANCE_KM.get(base, 1.0)
        km = value * factor
        conv_tol = 0.01 * km if factor != 1.0 else 0.0
        approx, low, high = _interval(km, approx_cls, max(tol * factor, conv_tol))
        return Quantity(text[start:end], start, end, round(km, 6), "km", "distance", approx, low, high)  # type: ignore[arg-type]
    # duration
    if re.match(r"[\s-]+old\b", after):
        return None  # ages ("a 52-year-old", "52 years old")
    if re.match(r"\s+(?:ago|earlier)\b", after):
        return None  # "two weeks ago", "from a year earlier" are dates, not amounts of time
    if num_text in ("a", "an") and re.search(
        r"(?:\d|%|percent|million|billion|dollars|times|once|twice)\S*\s*$",
        text[max(0, start - 25) : start],
        re.I,
    ):
        return None  # "$5 million a year", "twice a week": a rate
    word = _DUR_NORMAL.get(unit_text, unit_text)
    word = word[:-1] if word.endswith("s") and word[:-1] in (*_SECONDS, "decade", "fortnight") else word
    if word == "centuries":
        word = "century"
    v, unit = _canonical_duration(value, word)
    approx, low, high = _interval(v, approx_cls, tol * v / value if value else 0.0)
    return Quantity(text[start:end], start, end, v, unit, "duration", approx, low, high)  # type: ignore[arg-type]


def _count_unit(num_tok: Token, head: Token) -> str:
    """ "count:<modifiers> <lemma>": hyphenated and common-noun compound modifiers are kept; adjectives and
    names are dropped ("three suspected weapons sites" -> "count:weapons site", "five U.N. inspection teams" ->
    "count:inspection team"), so outlets that word the thing slightly differently still compare."""
    doc = head.doc
    parts: list[str] = []
    i = num_tok.i + 1
    while i < head.i:
        t = doc[i]
        hyphen_next = i + 1 < head.i and doc[i + 1].text == "-" and not t.whitespace_
        if t.text == "-" and parts and not doc[i - 1].whitespace_:
            parts[-1] += "-"
        elif parts and parts[-1].endswith("-"):
            parts[-1] += t.lower_
        elif hyphen_next or (t.dep_ == "compound" and t.pos_ == "NOUN"):
            parts.append(t.lower_)
        i += 1
    return "count:" + " ".join([*parts, head.lemma_.lower()])


def _counts(doc: Doc, text: str, taken: list[tuple[int, int]], dep: np.ndarray) -> list[Quantity]:
    """Counted things from the parse: a number token that modifies a noun ("13 buoys", "2.3 million people")."""
    out: list[Quantity] = []
    for i in np.nonzero(dep == _NUMMOD)[0]:
        tok = doc[int(i)]
        if tok.head.pos_ not in ("NOUN", "PROPN") or tok.head.i < tok.i:
            continue
        if tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"):
            continue
        head = tok.head
        before = doc[tok.i - 1] if tok.i else None
        if before is not None and (
            before.lower_ in ("the", "these", "those", "both", "its") or before.tag_ == "PRP$"
        ):
            continue  # "the two leaders", "their three children": a description, not a reported count
        if head.lemma_.lower() in _NOT_COUNTED or head.lower_ in _NOT_COUNTED:
            continue
        # the number may span several tokens: "2.3 million", "twenty five", "a dozen"
        first = tok
        while (
            first.i > 0
            and (first.nbor(-1).like_num or first.nbor(-1).lower_ in ("a", "and", "-"))
            and (first.nbor(-1).dep_ in ("compound", "quantmod", "nummod", "cc", "punct"))
        ):
            first = first.nbor(-1)
        if first.lower_ in ("and", "-"):
            first = first.nbor(1)
        last = tok  # and to the right: "two hundred and thirty four Americans" parses "two" as the nummod
        while last.i + 1 < head.i and (
            last.nbor(1).like_num
            or (last.nbor(1).lower_ in ("and", "-") and last.i + 2 < head.i and last.nbor(2).like_num)
        ):
            last = last.nbor(1)
        tok = last
        start, end = first.idx, tok.idx + len(tok.text)
        if any(s < end and start < e for s, e in taken):
            continue
        value = parse_number(text[start:end])
        if value is None:
            continue
        plural = head.tag_ in ("NNS", "NNPS")
        if value == 1 or not plural:
            continue  # "2017 spat", "Article 5"; and "one question" is rarely a reported figure
        if value >= 1000 and value == int(value) and 1800 <= value <= 2100 and "," not in text[start:end]:
            continue  # a year used as a modifier ("the 2017 spat")
        approx_cls, qstart = _approx_before(text, start)
        scale = 1.0
        for word, factor in _SCALES.items():
            if text[start:end].lower().endswith(word):
                scale = factor
        approx, low, high = _interval(value, approx_cls, _rounding(text[start:end], scale))
        qend = head.idx + len(head.text)
        out.append(
            Quantity(
                text[qstart:qend],
                qstart,
                qend,
                value,
                _count_unit(tok, head),
                "count",
                approx,  # type: ignore[arg-type]
                low,
                high,
            )
        )
    for m in _VAGUE_COUNT_RE.finditer(text):
        span = doc.char_span(m.end(), min(len(text), m.end() + 1), alignment_mode="expand")
        if span is None or not len(span):
            continue
        noun_tok = span[0]
        # the counted noun is the head of the noun phrase after "of"
        head = noun_tok
        while head.head.i > head.i and head.head.i - noun_tok.i < 5 and head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head
        if head.pos_ not in ("NOUN", "PROPN") or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        low, high = _VAGUE_RANGES[m["w"].lower()]
        if m["w2"]:  # "hundreds of millions of crowns": [200, 1000) millions
            scale = _VAGUE_SCALE[m["w2"].lower()]
            low, high = low * scale, high * scale
        qend = head.idx + len(head.text)
        currency = _CURRENCY_WORDS.get(head.lemma_.lower())
        unit, kind = (currency, "money") if currency else ("count:" + head.lemma_.lower(), "count")
        out.append(
            Quantity(text[m.start() : qend], m.start(), qend, float(low), unit, kind, "about", low, high)  # type: ignore[arg-type]
        )
    return out


_NUMMOD = hash_string("nummod")
# Words one of which (or a digit, or a number word) every match of _QUANTITY_RE contains.
_TRIGGER_WORDS = (
    "a an half dozen hundred thousand million billion trillion $ us$ € £ ¥ ₩ % percent second seconds minute "
    "minutes min mins hour hours hr hrs day days week weeks fortnight fortnights month months year years yr yrs "
    "decade decades century centuries"
)
_TRIGGERS = np.array([hash_string(w) for w in _TRIGGER_WORDS.split()], dtype=np.uint64)
_WINDOW = 48


def _windows(text: str, arr: np.ndarray) -> list[tuple[int, int]]:
    """Stretches of text around numbers and unit words: the only places _QUANTITY_RE can match."""
    n = len(text)
    hits = np.nonzero((arr[:, 1] != 0) | np.isin(arr[:, 0], _TRIGGERS))[0]
    spans = [(int(arr[i, 2]), int(arr[i, 2] + arr[i, 3])) for i in hits]
    spans.extend((m.start(), m.end()) for m in re.finditer(r"\d+", text))
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


# Words that may stand between an amount and its "a year" ("38,000 tonnes OF SALMON a year", "520 crowns MORE a
# month") besides nouns, adjectives and numbers.
_RATE_FILLERS = frozenset({"of", "more", "less", "extra", "-", "worth"})
_AMOUNT_WORDS = frozenset(
    {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion",
     "billions", "trillion", "$", "€", "£", "¥", "%", "percent", "twice", "once", "thrice"}
)  # fmt: skip


def is_rate(doc: Doc, start: int) -> bool:
    """Does the "a"/"an"/"per" at character ``start`` make a rate with an amount before it?

    "costs them hundreds of millions of crowns a year", "38,000 tonnes of salmon a year", "8 gigawatt-hours a
    year", "520 crowns more a month": the noun phrase right before holds a number, so "a year" is how often,
    not how long. "for a year", "lasted a year", "a year ago" are no rates (a preposition or verb comes first).
    """
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[0]
    sent_start = tok.sent.start
    for i in range(tok.i - 1, max(sent_start, tok.i - 10) - 1, -1):
        t = doc[i]
        low = t.lower_
        # (like_num is true for ordinals too: "the first visit in a decade" has no amount)
        if (
            (t.like_num and (t.pos_ == "NUM" or t.text[:1].isdigit()))
            or low in _AMOUNT_WORDS
            or t.ent_type_
            in (
                "MONEY",
                "QUANTITY",
                "PERCENT",
                "CARDINAL",
            )
        ):
            return True
        if t.pos_ in ("NOUN", "PROPN", "ADJ") or low in _RATE_FILLERS or t.tag_ == "HYPH":
            continue
        return False
    return False


def _ordinal_second(doc: Doc, q: Quantity) -> bool:
    """ "a second big customer", "a second term": "second" as an ordinal, not a unit of time."""
    if q.unit != "second" or q.text.lower() not in ("a second", "one second"):
        return False
    span = doc.char_span(q.end - len("second"), q.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tok = span[-1]
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok.pos_ == "ADJ" or (
        nxt is not None and nxt.pos_ in ("NOUN", "ADJ", "PROPN") and tok.dep_ != "pobj"
    )


_QUARTER_BEFORE = re.compile(r"(?i)(?:(?P<n>a|one|three)\s+)?(?P<q>quarters?)\s+of\s+$")


def _fraction_of(text: str, q: Quantity) -> Quantity:
    """ "a quarter of an hour" -> 15 minutes (the regex alone saw "an hour")."""
    if q.kind != "duration" or not q.text.lower().startswith(("an ", "a ")):
        return q
    m = _QUARTER_BEFORE.search(text[max(0, q.start - 20) : q.start])
    if not m:
        return q
    frac = 0.75 if (m["n"] or "").lower() == "three" else 0.25
    start = q.start - (len(m.group(0)))
    seconds = q.value * _SECONDS.get(q.unit, 1) * frac
    v, unit = _canonical_duration(seconds, "second")
    approx, low, high = _interval(v, q.approx if q.approx != "exact" else "")
    return Quantity(text[start : q.end], start, q.end, v, unit, "duration", approx, low, high)  # type: ignore[arg-type]


# "has edged up to 4.6%", "rose up to": "up" goes with the verb, "to 4.6%" is where it went, no "at most".
_UP_TO_VERBS = re.compile(
    r"(?i)\b(?:edged|edging|edges|crept|creeping|moved|ticked|inched|went|gone|shot|climbed|rose|risen|jumped|"
    r"surged|crept|pushed|driven|revised|bumped|stepped)\s+$"
)


def find_quantities(doc: Doc) -> list[Quantity]:
    """Durations, money, percentages, distances and counts in an article body (the Doc's text)."""
    text = text_of(doc)  # built from the tokens on each access: read it once
    found: list[Quantity] = []
    if not len(doc):
        return found
    arr = doc.to_array([LOWER, LIKE_NUM, IDX, LENGTH, DEP])
    matches = (m for lo, hi in _windows(text, arr) for m in _QUANTITY_RE.finditer(text, lo, hi))
    for m in matches:
        q = _from_match(m, text)
        if q is None:
            continue
        if q.kind == "duration" and (
            (q.text.lower().startswith(("a ", "an ")) and is_rate(doc, q.start)) or _ordinal_second(doc, q)
        ):
            continue  # "38,000 tonnes of salmon a year" is a rate; "a second customer" an ordinal
        if not m["approx"]:  # a marker separated from the number by nothing but a space ("about 30")
            approx_cls, start = _approx_before(text, q.start)
            if approx_cls:
                approx, low, high = _interval(q.value, approx_cls)
                q = Quantity(text[start : q.end], start, q.end, q.value, q.unit, q.kind, approx, low, high)  # type: ignore[arg-type]
        if q.approx == "at_most" and q.text.lower().startswith("up") and _UP_TO_VERBS.search(text[: q.start]):
            start = q.start + len(re.match(r"(?i)up\s+to\s+", q.text).group(0))  # type: ignore[union-attr]
            approx, low, high = _interval(q.value, "", _rounding(text[start : q.end].split()[0].rstrip("%")))
            q = Quantity(text[start : q.end], start, q.end, q.value, q.unit, q.kind, approx, low, high)  # type: ignore[arg-type]
        found.append(_fraction_of(text, q))
    found.extend(_counts(doc, text, [(q.start, q.end) for q in found], arr[:, 4]))
    found.sort(key=lambda q: q.start)
    return found


# ---------------------------------------------------------------- comparison


def base_value(q: Quantity) -> float:
    """The value in one unit per kind, for ratios across wordings: seconds for durations ("half an hour" and
    "2 hours" are stored as 30 minute and 2 hour), the value itself otherwise."""
    return q.value * _SECONDS.get(q.unit, 1.0) if q.kind == "duration" else q.value


def quantity_bounds(q: Quantity) -> tuple[float, bool, float, bool]:
    """(low, low_open, high, high_open) in a unit shared by the kind (seconds for durations)."""
    factor = _SECONDS.get(q.unit, 1.0) if q.kind == "duration" else 1.0
    low = q.value if q.low is None else q.low
    high = q.value if q.high is None else q.high
    low_open = q.approx == "over"
    # an exact figure's rounding interval is half-open, so "30" and "31" do not touch at 30.5
    high_open = q.approx == "under" or (q.approx == "exact" and high > low)
    return low * factor, low_open, high * factor, high_open


def _tighter(x: tuple[float, bool], y: tuple[float, bool], lower: bool) -> tuple[float, bool]:
    """The tighter of two bounds (value, open): the larger lower bound or the smaller upper bound; at a tie
    the bound is open if either is."""
    if math.isclose(x[0], y[0], rel_tol=1e-9, abs_tol=1e-12):
        return x[0], x[1] or y[1]
    return max(x, y) if lower else min(x, y)


def compatible(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities can describe the same amount: same kind and unit (durations in any units), and
    overlapping intervals ("30-minute" ~ "about 30 minutes"; "over a decade" ~ "11 years" but neither
    "10 years" nor "9 years"; "20 minutes" !~ "30 minutes")."""
    if a.kind != b.kind:
        return False
    if a.kind == "duration":
        if a.unit not in _SECONDS or b.unit not in _SECONDS:
            return False
    elif a.unit != b.unit:
        return False
    alo, alo_open, ahi, ahi_open = quantity_bounds(a)
    blo, blo_open, bhi, bhi_open = quantity_bounds(b)
    lo, lo_open = _tighter((alo, alo_open), (blo, blo_open), lower=True)
    hi, hi_open = _tighter((ahi, ahi_open), (bhi, bhi_open), lower=False)
    if math.isclose(lo, hi, rel_tol=1e-9, abs_tol=1e-12):
        return not (lo_open or hi_open)
    return lo < hi

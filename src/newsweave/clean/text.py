"""Line-level cleaning of scraped article text: which lines are the article, which are clutter.

Every line gets a *kind*. Three kinds are kept: ``body``, ``heading`` and ``speaker`` (a soundbite
caption such as "Kang Yu-jung / Presidential Spokesperson"). All others are clutter: ``title``,
``subtitle``, ``byline``, ``signoff`` ("Write to ... at ..."), ``credit`` (editors), ``stamp`` (date
lines), ``related``, ``readtime``, ``nav``, ``tail``, ``image``, ``caption``, ``duplicate``,
``prompt`` (calls to action), ``footer``, ``masthead``, ``email``, ``marker`` ("[LEAD]"),
``separator``. Some carry metadata that :mod:`newsweave.clean.compose` reads. Sign-offs include a
broadcast reporter's "Name, Outlet." closing line; stamp lines include stamp bars
("Program | Posted ... | Modified ...").

1. Pattern labels (:func:`label_line`): features of the line alone that mark clutter for sure,
   e.g. an e-mail-only line, a "3 Min read" line, a stamp line, a byline, an image.
2. Context labels: the caption repeated under an image, related-article groups
   (headline + date + read time), repeated lines.
3. The main body block (:func:`body_span`, scraped text only): a maximum-sum run of lines where
   sentence-like lines score positive and headline-like short lines score negative (the idea of
   Finn et al.'s Body Text Extraction). Navigation lists above and related lists below fall outside.
4. Inside the block, short lines followed by a paragraph become headings, and runs of short
   lines become link lists; a "Name, Outlet." line closing the block is a sign-off. Above the
   block, the headline sits right above the byline/date lines (or above the dek that sits
   there), or right below them when breadcrumbs and section labels stand above
   (:func:`pick_title`).

HTML pages come out of trafilatura already mostly clean, so ``mode="html"`` applies steps 1-2
(high-precision labels) and leaves the block finder out: trafilatura's own output holds lists,
tables and short lines that are real content (measured in ``bench/trafilatura_eval.py``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from newsweave.clean import metadata
from newsweave.clean.metadata import Byline, StampLine
from newsweave.clean.outlets import Outlet

Mode = Literal["txt", "html"]

KEPT = frozenset({"body", "heading", "speaker"})
# Clutter kinds that may sit between two body paragraphs without ending the article.
TRANSPARENT = frozenset(
    {"image", "caption", "marker", "email", "prompt", "stamp", "byline", "separator", "duplicate", "speaker"}
)
# Clutter kinds that mark the end of an article (or a block that is not the article).
BOUNDARY = frozenset({"related", "readtime", "signoff", "credit", "footer", "masthead"})

_SENTENCE_END = re.compile(r"[.!?…。:;]['\"”’»«)\]]*$")
_HEADING_END = re.compile(r"[.,;:]['\"”’»)\]]*$")
_BULLET = re.compile(r"^(?:[-–—•*·▪►]|\d{1,2}[.)])\s+\S")
_SEPARATOR = re.compile(r"^[\W_]{1,12}$")
_IMAGE = re.compile(r"^!\[(.*)\]\((\S+?)(?:\s+\"[^\"]*\")?\)$")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?:https?://|/)[^)\s]+\)")
_MARKER = re.compile(r"^(?:\[[A-Z][A-Z _/-]{1,24}\]|\((?:END|MORE|FIN|ENDE)\)|-30-|###|#\s*#\s*#)$")
_READTIME = re.compile(
    r"^(?:\d+\s*(?:min(?:ute)?s?\.?|m)\s*(?:read|lesezeit|de lecture|leestijd)"
    r"|(?:lesezeit|reading time|temps de lecture)\s*:?\s*\d+\s*(?:min(?:uten|utes)?\.?)?)\b[\s\W]*$",
    re.I,
)
_SPEAKER = re.compile(r"^([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3})\s+/\s+([^/]{2,80})$")
_CAPTION_CREDIT = re.compile(
    r"(?:\[[A-Z][A-Z0-9 .&/,'-]{1,40}\]|\((?:[^()]{0,40}\b)?(?:photos?|fotos?|images?|bild|picture)\b[^()]{0,60}\)"
    r"|\b(?:photo|foto|image|bild|picture)\s*(?:credit)?\s*[:©]\s*[\w .,&/-]{2,60})\s*$",
    re.I,
)
_CAPTION_LABEL = re.compile(
    r"^(?:photo|foto|fot\.|image|bild|bildquelle|titelbild|picture|caption|credit|source|quelle|crédits? photos?)"
    r"\s*(?:credits?|caption)?\s*[:©,]",
    re.I,
)

# Calls to action and page furniture. Strong phrases mark a short line as clutter anywhere;
# weak ones only at the page edges (scraped text) because articles may use the words.
_PROMPT_STRONG = re.compile(
    r"\b(?:log ?in|sign ?in|sign ?up|subscribe (?:now|to|today)|create an account|write comments?|"
    r"leave a (?:comment|reply)|post a comment|add a comment|show comments|comments? \(\d+\)|"
    r"share (?:this|on|via)|follow us|click here|tap here|read more|read also|see also|also read|"
    r"related (?:articles?|stories|news|content|topics|coverage)|more (?:stories|news) (?:from|on)|"
    r"most (?:read|popular|viewed)|audio report|listen to (?:this|the) (?:article|story)|read by ai|"
    r"text size|font size|download (?:the|our) app|get the app|skip to (?:content|main)|back to top|"
    r"cookies? (?:policy|settings)|we use cookies|accept (?:all )?cookies|nous utilisons des cookies|"
    r"kommentar verfassen|kommentare? schreiben|jetzt anmelden|newsletter abonnieren|artikel teilen|"
    r"mehr zum thema|lire aussi|abonnez-vous|gib deine e-mail-adresse ein|nicht eingeloggt|"
    r"to (?:view|read) the full (?:story|article)|please subscribe|signing up to our newsletter|"
    r"pour lire la suite|accéder en illimité|vorschau auf den nächsten artikel|"
    r"chroniony prawem autorskim|zapraszamy (?:też )?do subskrypcji)\b",
    re.I,
)
# "Read also: <headline>" lead-ins of inline related links, in the languages of the bench pages.
_RELATED_LEADIN = re.compile(
    r"^(?:(?:read|see|watch|listen)(?:\s+(?:also|more|next|too))?|also read|related(?: (?:articles?|stories|content))?|"
    r"recommended|more on this(?: story)?|lesen sie (?:auch|hier|mehr)(?: die folgenden beiträge)?|auch (?:interessant|lesen|auf \S+)|"
    r"mehr (?:zum thema|dazu|themen)|weitere (?:themen|beiträge|artikel)(?: aus [\w ]+)?|empfohlene (?:beiträge|artikel)|"
    r"top-themen(?: bei [\w ]+)?|(?:das|dieses) (?:thema )?könnte (?:sie|dich) auch interessieren|schon gelesen|"
    r"lea(?: también| más)?|lee también|le puede interesar|te puede interesar|mire|vea(?: también)?|contenido relacionado|"
    r"(?:à )?lire aussi|voir aussi|czytaj(?: też| także| więcej)?|zobacz(?: też| także)?|dowiedz się więcej|"
    r"leggi anche|leia(?: também| mais)?|veja também)\s*(?:[:»?!]|$)",
    re.I,
)
_PROMPT_WEAK = re.compile(
    r"^(?:advertisement|anzeige|werbung|publicité|sponsored(?: content)?|share|teilen|print|drucken|"
    r"e-?mail|comments?|kommentare?|recommended|trending|related|newsletter|subscribe|menu|search|home)\W*$",
    re.I,
)
# A stamp label left without its date: HTML extraction keeps the text around <time> elements.
_STAMP_LABEL_ONLY = re.compile(
    r"^[\W_]*(?:(?:first |last )?(?:published|updated|posted|modified)(?: on| at)?)[\W_]*$", re.I
)
_FOOTER = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"\(\d+\s*/\s*\d+\s*\w{0,2}\)|standards board|terms of (?:use|service)|privacy policy|"
    r"\bimpressum\b|\bdatenschutz(?:erklärung)?\b",
    re.I,
)


@dataclass
class Line:
    index: int
    text: str
    gap: int = 0  # blank lines before this one
    kind: str = ""  # "" until decided
    byline: Byline | None = None
    stamp: StampLine | None = None
    more_stamps: list[StampLine] = field(default_factory=list)  # further stamps of a stamp bar
    credit: list[str] | None = None
    masthead: Outlet | None = None
    alt: str | None = None  # alt text of an image line

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def kept(self) -> bool:
        return self.kind in KEPT

    @property
    def stamps(self) -> list[StampLine]:
        """Every stamp the line prints ("Posted ... | Modified ..." holds two)."""
        return ([self.stamp] if self.stamp else []) + self.more_stamps


@dataclass
class Cleaned:
    lines: list[Line]
    start: int = 0  # body block: lines[start:end]
    end: int = 0
    title: Line | None = None
    subtitle: Line | None = None
    # reporters named inside the body, e.g. by a broadcast anchor ("... Omar Said reports.")
    reporters: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [line.text for line in self.lines if line.kept]

    @property
    def headings(self) -> list[str]:
        return [line.text for line in self.lines if line.kind == "heading"]

    def of_kind(self, *kinds: str) -> list[Line]:
        return [line for line in self.lines if line.kind in kinds]


# ------------------------------------------------------------------ splitting


def normalize(text: str) -> str:
    """NFC, one kind of newline, no-break and zero-width spaces made plain."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2028", "\n").replace("\u2029", "\n")
    return re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)


def split_lines(text: str, mode: Mode = "txt") -> list[Line]:
    """Non-blank lines, stripped, with the number of blank lines before each."""
    lines: list[Line] = []
    gap = 0
    raw_lines = normalize(text).split("\n")
    if mode == "txt":
        raw_lines = unwrap(raw_lines)
    for raw in raw_lines:
        stripped = " ".join(raw.split())
        if not stripped:
            gap += 1
            continue
        lines.append(Line(index=len(lines), text=stripped, gap=gap))
        gap = 0
    return lines


def unwrap(raw_lines: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs (text broken at a fixed width, paragraphs split by blank lines).

    Wrapped text shows as many lines filling most of one width; the lines inside a blank-line
    block are then one paragraph. Scraped one-paragraph-per-line text is left as it is.
    """
    lengths = [len(line.rstrip()) for line in raw_lines if line.strip()]
    if len(lengths) < 6:
        return raw_lines
    width = max(lengths)
    if width > 100:
        return raw_lines
    full = sum(1 for n in lengths if n >= 0.7 * width)
    blocks_with_many = 0
    block: list[str] = []
    out: list[str] = []
    for line in [*raw_lines, ""]:
        if line.strip():
            block.append(line.strip())
            continue
        if len(block) > 1:
            blocks_with_many += 1
        if block:
            out.append(" ".join(block))
        out.append("")
        block = []
    if full < 0.5 * len(lengths) or blocks_with_many == 0:
        return raw_lines
    return out


# ------------------------------------------------------------------ features

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """Words; Chinese and Japanese write no spaces, so two such characters count as a word."""
    cjk = len(_CJK.findall(text))
    return len(text.split()) + cjk // 2 if cjk else len(text.split())


def is_prose(line: Line) -> bool:
    """A sentence-like paragraph: ends like a sentence and has a few words, or is simply long."""
    words = line.words
    return (words >= 6 and bool(_SENTENCE_END.search(line.text))) or words >= 20


def similar(a: str, b: str) -> bool:
    """Near-identical lines (a caption repeated with a credit added or spacing changed)."""
    a, b = a.casefold().strip(), b.casefold().strip()
    if not a or not b:
        return False
    if a == b or (len(a) > 20 and (a in b or b in a)):
        return True
    return _ratio_at_least(a, b, 0.85)


# ------------------------------------------------------------------ step 1: pattern labels


def label_line(line: Line, mode: Mode) -> None:
    """Label a line from its own text, and attach what it says (byline, stamp, credit...)."""
    text = line.text
    words = line.words
    image = _IMAGE.match(text)
    if image:
        line.kind, line.alt = "image", image.group(1)
        return
    if _SEPARATOR.match(text) and not text.strip("[]()").isdigit():
        line.kind = "separator"
        return
    if _MARKER.match(text):
        line.kind = "marker"
        return
    without_email = metadata.strip_emails(text)
    if without_email != text and len(re.sub(r"[\W_]+|\be-?mail\b", "", without_email, flags=re.I)) <= 2:
        line.kind = "email"
        return
    if _READTIME.match(text):
        line.kind = "readtime"
        return
    signoff = metadata.parse_signoff(text)
    if signoff:
        line.kind, line.byline = "signoff", signoff
        return
    credit = metadata.parse_credit(text)
    if credit is not None:
        line.kind, line.credit = "credit", credit
        return
    byline = metadata.parse_byline(text)
    if byline:
        line.kind, line.byline = "byline", byline
        return
    stamp = metadata.parse_stamp_line(text)
    if stamp and not (mode == "html" and _dated_content(stamp)):
        line.kind, line.stamp = "stamp", stamp
        return
    bar = metadata.parse_stamp_segments(text) if "|" in text or "·" in text or "•" in text else None
    if bar and (mode == "txt" or any(part.role for part in bar)):
        line.kind, line.stamp, line.more_stamps = "stamp", bar[0], bar[1:]
        return
    if _STAMP_LABEL_ONLY.match(text):
        line.kind = "stamp"  # the label of a stamp whose date the extractor dropped ("· Updated")
        return
    masthead = metadata.masthead_in(text)
    if masthead and words <= 8:
        line.kind, line.masthead = "masthead", masthead
        return
    if words <= 16 and is_prompt(text, words):
        line.kind = "prompt"
        return
    if words <= 25 and _RELATED_LEADIN.match(text):
        line.kind = "related"
        return
    if words <= 3 and _PROMPT_WEAK.match(text) and mode == "txt":
        line.kind = "prompt"
        return
    if is_footer(line, mode):
        line.kind = "footer"
        return
    if _SPEAKER.match(text) and not _SENTENCE_END.search(text):
        line.kind = "speaker"
        return
    if _CAPTION_LABEL.match(text) and words <= 15:
        line.kind = "caption"


def is_footer(line: Line, mode: Mode) -> bool:
    """Copyright and policy lines. In scraped text a copyright notice may be a full sentence
    ("Copyright 2025 ... All rights reserved. This material may not be published ...")."""
    if line.words > 40 or not _FOOTER.search(line.text):
        return False
    if line.words <= 20 and not is_prose(line):
        return True
    if metadata.copyright_holder(line.text, at_start=True):
        return True  # "Copyright Example Wire Service. Republished under licence." (any mode)
    return mode == "txt" and bool(re.search(r"©|copyright|all rights reserved", line.text, re.I))


def _dated_content(stamp: StampLine) -> bool:
    """A dated line that is content, not a page stamp: "Termin: 29.02.2020, 19 Uhr" (an event's
    date under a label that is neither a publish/update label nor a masthead)."""
    return stamp.role is None and bool(stamp.rest) and metadata.masthead_in(stamp.rest) is None


# A call to action addresses the reader ("please log in", "sign up to our newsletter");
# a news sentence may use the same words about someone else ("hackers used it to log in").
_READER_ADDRESS = re.compile(r"\b(?:please|you|your|our|us|we|sie|ihr|ihre|dich|du|vous|votre|nous)\b", re.I)


def is_prompt(text: str, words: int) -> bool:
    match = _PROMPT_STRONG.search(text)
    if match is None:
        return False
    return words <= 8 or match.start() <= 2 or bool(_READER_ADDRESS.search(text))


# ------------------------------------------------------------------ step 2: context labels


def label_captions(lines: list[Line]) -> None:
    """The caption printed again under an image, and lines that repeat the line before them."""
    for prev, line in zip(lines, lines[1:], strict=False):
        if line.kind:
            continue
        if prev.kind == "image" and is_image_caption(prev, line):
            line.kind = "caption"
        elif same_line(prev.text, line.text) and prev.kind in ("", "body", "caption"):
            line.kind = "duplicate"


def is_image_caption(image: Line, line: Line) -> bool:
    """The line under an image repeats its alt text, or is a short line ending in a photo credit."""
    if image.alt and similar(image.alt, line.text):
        return True
    return bool(_CAPTION_CREDIT.search(line.text)) and not is_prose_strict(line)


def same_line(a: str, b: str) -> bool:
    """A line printed twice in a row (case and spacing aside, or nearly so for long lines)."""
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    if a == b:
        return True
    if min(len(a), len(b)) < 40 or min(len(a), len(b)) / max(len(a), len(b)) < 0.9:
        return False
    return _ratio_at_least(a, b, 0.95)


def _ratio_at_least(a: str, b: str, threshold: float) -> bool:
    """``difflib.SequenceMatcher(None, a, b).ratio() >= threshold``, answered cheaply when it is no.

    The ratio counts matched characters, so it is never above the share of characters the two
    strings have in common regardless of order (difflib's ``quick_ratio``). That bound, a
    ``Counter`` intersection, is linear; the ratio itself is quadratic on long paragraphs and
    was a fifth of cleaning. Two different paragraphs almost never share 95 % of their letters.
    """
    if not a and not b:
        return threshold <= 1.0  # difflib calls two empty strings identical
    common = sum((Counter(a) & Counter(b)).values())
    if 2.0 * common / (len(a) + len(b)) < threshold:  # the same float steps as difflib's ratio
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= threshold


def is_prose_strict(line: Line) -> bool:
    return line.words >= 6 and bool(re.search(r"[.!?]['\"”’)]*$", line.text))


def label_related(lines: list[Line], mode: Mode) -> None:
    """Related-article groups: a headline followed by a date and/or a read time.

    "Headline / Jun 09, 2025 / 3 Min read" repeated is a related list; its dates say how old the
    linked stories are (used to estimate a missing publication date), never when this one was
    published.
    """
    for index, line in enumerate(lines):
        if line.kind != "readtime":
            continue
        prev = lines[index - 1] if index > 0 else None
        if prev is not None and prev.kind == "stamp" and prev.stamp and prev.stamp.role is None:
            prev.kind = "related"
            prev_headline = lines[index - 2] if index > 1 else None
        else:
            prev_headline = prev
        if prev_headline is not None and prev_headline.kind in ("", "separator"):
            prev_headline.kind = "related"
    if mode != "txt":
        return  # in HTML text, "line + date" pairs are as often event lists as link lists
    # "headline / date" pairs repeated at least twice, without read times
    pairs = [
        i
        for i in range(1, len(lines))
        if lines[i].kind == "stamp"
        and lines[i].stamp
        and lines[i].stamp.role is None
        and lines[i].stamp.stamp
        and not lines[i - 1].kind
        and lines[i - 1].words >= 3
        and not is_prose_strict(lines[i - 1])
    ]
    if len(pairs) >= 2:
        for i in pairs:
            lines[i].kind = lines[i - 1].kind = "related"


def related_stamp(line: Line) -> bool:
    return line.kind == "related" and line.stamp is not None and line.stamp.stamp is not None


# ------------------------------------------------------------------ step 3: the body block


def line_score(line: Line) -> float:
    if line.kind in BOUNDARY:
        return -6.0
    if line.kind:
        return 0.0
    if is_prose(line):
        return 2.0 + min(line.words, 60) / 5
    if _SENTENCE_END.search(line.text) or _BULLET.match(line.text):
        return 0.5
    return -2.0


def head_barrier(lines: list[Line]) -> int:
    """Index after the last head meta line (byline / stamp) seen before the second paragraph.

    A title and one dek paragraph may come before the byline and date; the body cannot.
    """
    barrier = 0
    prose_seen = 0
    for line in lines:
        if line.kind in ("byline", "stamp") and prose_seen <= 1:
            barrier = line.index + 1
        elif not line.kind and is_prose(line):
            prose_seen += 1
            if prose_seen >= 2:
                break
    return barrier


def body_span(lines: list[Line]) -> tuple[int, int]:
    """The maximum-sum run of line scores after the head (Kadane), as ``(start, end)``."""
    barrier = head_barrier(lines)
    scores = [line_score(line) for line in lines]
    _penalise_runs(lines, scores)
    best, best_span = 0.0, (barrier, barrier)
    total, start = 0.0, barrier
    for index in range(barrier, len(lines)):
        if total <= 0:
            total, start = 0.0, index
        total += scores[index]
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def _penalise_runs(lines: list[Line], scores: list[float]) -> None:
    """Three or more headline-like lines in a row are a link list: make each cost more."""
    run: list[int] = []
    for index, line in enumerate([*lines, None]):
        if line is not None and not line.kind and scores[index] < 0:
            run.append(index)
            continue
        if line is not None and line.kind in TRANSPARENT and run:
            continue
        if len(run) >= 3:
            for i in run:
                scores[i] = -3.0
        run = []


# ------------------------------------------------------------------ step 4: inside and around


def label_inside(lines: list[Line], start: int, end: int) -> None:
    """Decide the undecided lines inside the block (scraped text): paragraph, heading or link list."""
    for index in range(start, end):
        line = lines[index]
        if line.kind:
            continue
        if is_prose(line) or _BULLET.match(line.text):
            line.kind = "body"
            continue
        following = _next_undecided_or_kept(lines, index + 1, end)
        if is_heading(line) and following is not None and is_prose(following):
            line.kind = "heading"
        else:
            line.kind = "body"
    _drop_link_runs(lines, start, end)


def is_heading(line: Line) -> bool:
    """A short line that does not end like a sentence: a subheading when prose follows it."""
    text = line.text
    if line.words > 15 or _HEADING_END.search(text) or _BULLET.match(text):
        return False
    first = text.lstrip("\"'“‘(")[:1]
    return bool(first) and (first.isupper() or first.isdigit() or not first.isalpha())


def _next_undecided_or_kept(lines: list[Line], start: int, end: int) -> Line | None:
    for line in lines[start:end]:
        if not line.kind or line.kept:
            return line
    return None


def _drop_link_runs(lines: list[Line], start: int, end: int) -> None:
    """Inside scraped text, three or more short non-sentence lines in a row are a link list."""
    run: list[Line] = []
    for line in [*lines[start:end], None]:
        if (
            line is not None
            and line.kind in ("body", "heading")
            and not is_prose(line)
            and not _BULLET.match(line.text)
            and line.words <= 15
            and not _SENTENCE_END.search(line.text)
        ):
            run.append(line)
            continue
        if line is not None and line.kind in TRANSPARENT - {"speaker"}:
            continue
        if len(run) >= 3:
            for item in run:
                item.kind = "nav"
        run = []


def label_bare_bylines(lines: list[Line], start: int) -> None:
    """A head line that is only a name, next to a masthead, byline or stamp, is a byline without
    "By" ("Sarah Smith" above "BBC News, Cardiff"); so is a head line of names and a journalist's
    job title anywhere in the head ("Amira Haddad, Courts correspondent")."""
    for line in lines[1:start]:
        if line.kind:
            continue
        role_byline = metadata.parse_role_byline(line.text)
        if role_byline is not None:
            line.kind, line.byline = "byline", role_byline
            continue
        if not metadata.looks_like_name(line.text) or line.words < 2:
            continue
        neighbours = [lines[i] for i in (line.index - 1, line.index + 1) if 0 <= i < len(lines)]
        if any(n.kind in ("masthead", "byline", "stamp") for n in neighbours):
            line.kind = "byline"
            line.byline = Byline(authors=[metadata.name_case(line.text)])


def label_end_signoff(lines: list[Line], start: int, end: int) -> None:
    """A broadcast-style sign-off closes the report: "Omar Said, KTV News." as the last kept line
    of the body block, or as the line right after it. Only there: a "Name, Organisation." line
    elsewhere may be content."""
    last_kept = next((line for line in reversed(lines[start:end]) if line.kept), None)
    after = lines[end] if end < len(lines) and not lines[end].kind else None
    for line in (last_kept, after):
        if line is None or line.kind == "speaker":
            continue
        signoff = metadata.parse_name_org(line.text)
        if signoff is not None:
            line.kind, line.byline = "signoff", signoff
            return


def find_reporters(lines: list[Line], start: int, end: int) -> list[str]:
    """Reporters an anchor intro hands over to ("... Omar Said reports."): the intro is one of
    the first two paragraphs. The sentence stays in the body; the name is an author."""
    found: list[str] = []
    for line in [line for line in lines[start:end] if line.kind == "body"][:2]:
        name = metadata.reporter_in(line.text)
        if name and name not in found:
            found.append(name)
    return found


def label_outside(cleaned: Cleaned) -> None:
    """Everything undecided outside the block is clutter; the head gives title and dek."""
    lines, start, end = cleaned.lines, cleaned.start, cleaned.end
    label_bare_bylines(lines, start)
    head = [line for line in lines[:start] if not line.kind]
    cleaned.title = pick_title(lines, start)
    if cleaned.title is not None:
        cleaned.title.kind = "title"
        after = _next_line(lines, cleaned.title.index + 1)
        if after is not None and after.index < start and is_dek(after, lines):
            after.kind = "subtitle"
            cleaned.subtitle = after
    for line in head:
        if not line.kind:
            line.kind = "nav"
    for line in lines[end:]:
        if not line.kind:
            line.kind = "tail"
        elif line.kind == "stamp" and line.stamp and line.stamp.role is None and line.stamp.stamp:
            line.kind = "related"


def pick_title(lines: list[Line], start: int) -> Line | None:
    """The headline, found by where it stands relative to the byline/date block:

    - right above the first byline/date line, or above the dek that is right above it
      (headline, dek, byline: the first of two headline-like lines is the headline);
    - right below the byline/date block when what is above it is page furniture (a section
      label or breadcrumb over a "Posted ..." bar, then the headline, then the body);
    - without such lines, the first headline-like line of the head.

    Breadcrumbs, section labels, capitalised site names, tickers and "Name, Role" lines are
    never headlines (:func:`is_title_candidate`)."""
    meta = [line.index for line in lines[:start] if line.kind in ("byline", "stamp")]
    if meta and meta[0] > 0:
        above = lines[meta[0] - 1]
        higher = lines[meta[0] - 2] if meta[0] >= 2 else None
        if is_title_candidate(above):
            if (
                higher is not None
                and is_title_candidate(higher)
                and higher.words >= 4
                and (is_prose(above) or above.words >= 4)
            ):
                return higher  # headline, then dek, then byline
            return above
        below = meta[0]
        while below < start and lines[below].kind in ("byline", "stamp"):
            below += 1
        if (
            below < start
            and is_title_candidate(lines[below])
            and lines[below].words >= 3
            and not _SENTENCE_END.search(lines[below].text)  # a headline, not a caption or sentence
        ):
            return lines[below]
    candidates = [line for line in lines[:start] if is_title_candidate(line)]
    return candidates[0] if candidates else None


def is_headline(line: Line) -> bool:
    text = line.text
    if not 2 <= line.words <= 30 or text.endswith((",", ":", ";")):
        return False
    if len(re.findall(r"\s[|›»/]\s", text)) >= 2:
        return False  # a breadcrumb or menu: "Home | World | Politics"
    first = text.lstrip("\"'“‘")[:1]
    return bool(first) and not first.islower()


_CRUMB_SEPARATOR = re.compile(r"\s+(?:[|>›»/→]|::)\s+")
# Weather and market widgets print readings: "3°C, light snow", "3.50% ▲0.25".
_WIDGET = re.compile(r"-?\d+\s*°\s*[CF]?\b|[▲▼△▽]\s*\d")


def is_breadcrumb(text: str) -> bool:
    """Section paths and labels: "Home > Local > Lindau", "NEWS > Regional", "Breaking | Courts"
    (two or more parts of at most three words each, joined by path or bar separators)."""
    parts = _CRUMB_SEPARATOR.split(text.strip())
    return len(parts) >= 2 and all(1 <= len(part.split()) <= 3 for part in parts)


def is_title_candidate(line: Line) -> bool:
    """An undecided head line that can be the headline: headline-shaped, and not a breadcrumb,
    a capitalised site name or section label ("KTV NEWS", "POLITICS"), a widget reading or a
    "Name, Role" byline."""
    if line.kind or not is_headline(line):
        return False
    text = line.text
    if is_breadcrumb(text) or _WIDGET.search(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if line.words <= 4 and letters and all(ch.isupper() for ch in letters):
        return False
    return metadata.parse_role_byline(text) is None


def is_dek(line: Line, lines: list[Line]) -> bool:
    """A dek follows the headline: a sentence, or a longer line right before the byline/date."""
    if line.kind or line.words < 6:
        return False
    after = _next_line(lines, line.index + 1)
    return is_prose(line) or (after is not None and after.kind in ("byline", "stamp"))


def _next_line(lines: list[Line], index: int) -> Line | None:
    return lines[index] if index < len(lines) else None


# ------------------------------------------------------------------ entry


def clean_text(
    text: str, mode: Mode = "txt", headings: set[str] | None = None, title: str | None = None
) -> Cleaned:
    """Label every line of ``text``. ``headings`` are lines known to be headings (from HTML
    ``<h2>``... tags); ``title`` is a known headline, dropped where the text repeats it."""
    lines = split_lines(text, mode)
    for line in lines:
        line.text = _MD_LINK.sub(r"\1", line.text) if not _IMAGE.match(line.text) else line.text
        label_line(line, mode)
    label_captions(lines)
    label_related(lines, mode)
    if title:
        _label_repeated_title(lines, title)
    cleaned = Cleaned(lines=lines)
    if mode == "txt":
        cleaned.start, cleaned.end = body_span(lines)
        label_inside(lines, cleaned.start, cleaned.end)
        label_end_signoff(lines, cleaned.start, cleaned.end)
        cleaned.reporters = find_reporters(lines, cleaned.start, cleaned.end)
        label_outside(cleaned)
    else:
        cleaned.start, cleaned.end = 0, len(lines)
        _label_html(lines, headings or set())
    return cleaned


def _label_html(lines: list[Line], headings: set[str]) -> None:
    """trafilatura output: keep undecided lines; headings come from the page's heading tags."""
    known = {h.casefold() for h in headings}
    for line in lines:
        if line.kind:
            continue
        line.kind = "heading" if line.text.casefold() in known and not is_prose_strict(line) else "body"


def _label_repeated_title(lines: list[Line], title: str) -> None:
    """The headline printed again near the top (alone or as "Title | Section | Site"), and the
    kicker or section label above it ("Politics / Diplomacy", "Business · Wire"): extracted
    HTML text often starts with the article header."""
    key = " ".join(title.casefold().split())
    head: list[Line] = []
    for line in lines:
        if line.kind:
            continue
        text = line.text.casefold()
        if same_line(text, key) or (text.startswith(key) and re.match(r"^\s*[|–—]\s*\S", text[len(key) :])):
            line.kind = "title"
            for kicker in head:
                kicker.kind = "nav"  # at most two short non-sentence lines, collected below
            return
        if len(head) >= 2 or line.words > 5 or is_prose(line) or _SENTENCE_END.search(line.text):
            return  # the article has begun: a later line equal to the title is content
        head.append(line)

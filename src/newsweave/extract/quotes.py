"""Quotes and reported speech, each with its speaker resolved to a canonical entity where possible.

Three kinds of attribution are found, all with rules over the spaCy parse (no extra model):

* direct quotes between “ ” or " " (also ‘ ’), multi-sentence ones included. The speaker comes from
  the nearest speech/expression verb that governs the quote in the parse ("Lee urged China to play a
  “constructive role”" -> Lee; "“...,” said Lee's spokeswoman" -> the spokesperson), else a cue verb
  elsewhere in the sentence, else the speaker of the quote just before it when the quote is a
  sentence or paragraph of its own ("“...,” she said. “They agreed ...”" -> both to her).
  A cue verb whose subject is a plural group ("Both leaders acknowledged ... “feel the results,” Kang
  said") yields to a higher cue verb with a single speaker.
* split quotes (“Such a meeting,” he noted, “would also help ...”) become ONE quote: ``text`` is the
  parts joined with " … ", ``start`` is the first part's start and ``end`` the last part's end (so
  ``body[start:end]`` also holds the cue in between). For every other quote ``text == body[start:end]``,
  the quoted words without the quote marks and without a trailing comma.
* reported speech (``direct=False``): a speech verb with a clausal complement ("Lee said he hopes ...",
  "Kang told reporters that ..."), and "according to X" (the content is the rest of the clause).
* broadcast captions: a line "Kang Yu-jung / Presidential Spokesperson" followed by the soundbite line:
  the soundbite is a direct quote of that person (``cue`` is None).

Pronoun speakers (he/she) resolve to the nearest compatible person in the same or the two previous
sentences: closer sentences first, then a previous quote's speaker, then a grammatical subject, then a
gender-matched person (gender from "spokeswoman", "Mr.", a given-name list, or an earlier he/she).
Unnamed speakers ("a presidential official", "some pundits", "a senior Foreign Ministry official": a
name that only modifies the speaker noun is not the speaker) keep the surface phrase as ``speaker``
with ``speaker_entity_id`` None. A dateline ("BRENNHOLM, March 10 (MPA) - ") is never a speaker nor part
of reported content.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsweave.extract.entities import AUTHOR_ROLE, dateline_spans, entity_gender, resolve_entities
from newsweave.extract.nlp import text_of
from newsweave.records import Entity, Mention, Quote

# Verbs that introduce somebody's words or stance, for direct quotes (lemmas).
CUE_VERBS = frozenset(
    [
        "say",
        "tell",
        "note",
        "add",
        "write",
        "stress",
        "state",
        "explain",
        "claim",
        "argue",
        "insist",
        "warn",
        "announce",
        "report",
        "suggest",
        "emphasize",
        "emphasise",
        "express",
        "urge",
        "call",
        "respond",
        "reply",
        "reiterate",
        "pledge",
        "acknowledge",
        "admit",
        "declare",
        "describe",
        "ask",
        "predict",
        "promise",
        "vow",
        "confirm",
        "deny",
        "tweet",
        "post",
        "comment",
        "recall",
        "concede",
        "assert",
        "contend",
        "mention",
        "observe",
        "remark",
        "point",
        "continue",
        "conclude",
        "complain",
        "demand",
        "propose",
        "recommend",
        "agree",
        "hope",
        "vowing",
        "caution",
        "quip",
        "joke",
        "boast",
        "lament",
        "answer",
        "retort",
        "testify",
        "allege",
        "announce",
        "threaten",
        "accuse",
        "criticize",
        "criticise",
        "praise",
        "thank",
        "welcome",
        "congratulate",
        "convey",
        "reaffirm",
        "signal",
        "stress",
        "underscore",
        "highlight",
    ]
)
# Verbs whose clausal complement is reported speech or a stated belief (lemmas).
REPORT_VERBS = frozenset(
    [
        "say",
        "tell",
        "note",
        "add",
        "write",
        "state",
        "explain",
        "claim",
        "argue",
        "insist",
        "warn",
        "announce",
        "report",
        "suggest",
        "emphasize",
        "emphasise",
        "stress",
        "acknowledge",
        "admit",
        "declare",
        "predict",
        "promise",
        "vow",
        "confirm",
        "deny",
        "tweet",
        "concede",
        "assert",
        "contend",
        "mention",
        "observe",
        "remark",
        "conclude",
        "complain",
        "allege",
        "testify",
        "believe",
        "think",
        "reiterate",
        "maintain",
        "recall",
        "indicate",
        "reveal",
        "disclose",
        "hint",
        "charge",
    ]
)
_PRONOUN_GENDER = {"he": "m", "she": "f", "him": "m", "her": "f"}
_RELATIVE = frozenset({"who", "that", "which"})
_PLURAL_DETS = frozenset({"both", "two", "some", "many", "several", "all", "few"})
_DASH_BYLINE = re.compile(
    r"[”\"'’]*[^\S\n]*[―—–][^\S\n]*(?P<name>[A-Z][^\n,;()“”\"―—–]{1,60}?)[^\S\n]*\.?[^\S\n]*(?:[,;(\n]|$)"
)
_CUE_WORDS = re.compile(
    r"\b(?:said|says|say|noted|notes|added|adds|wrote|writes|continued|continues|stressed|explained|argued|"
    r"told|tells|asked|asks|insisted|went on|recalled|according|recalls|warned|explains|argues|insists)\b"
)


@dataclass
class Attribution:
    """A quote plus where its speaker and cue were found (offsets into the body), for evaluation."""

    quote: Quote
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None


@dataclass
class _QSpan:
    """One stretch between quote marks: ``start``/``end`` exclude the marks."""

    start: int
    end: int


@dataclass
class _Speaker:
    name: str | None
    entity_id: str | None
    start: int
    end: int
    good: bool  # a named/resolved or singular speaker, not a plural group


# ---------------------------------------------------------------- quote marks


_MARK = re.compile(r"“|”|''|\"|‘|’")


def _quote_spans(text: str) -> list[_QSpan]:
    """Quoted stretches per paragraph; an unclosed quote runs to its paragraph's end.

    Marks: “ ” and straight " (also the '' of some wires, used like "), and ‘ ’ when not an
    apostrophe (a ‘ after a letter or a ’ before one is part of a word).
    """
    out: list[_QSpan] = []
    pos = 0
    for para in text.split("\n"):
        base = pos
        pos += len(para) + 1
        if not any(ch in para for ch in "“\"'‘"):
            continue
        open_at = -1  # index just after the opening mark
        open_kind = ""
        for m in _MARK.finditer(para):
            mark, i, j = m.group(0), m.start(), m.end()
            prev_ch = para[i - 1] if i else " "
            next_ch = para[j] if j < len(para) else " "
            if mark in ("‘", "’"):
                if mark == "‘" and open_kind == "" and not prev_ch.isalnum():
                    open_at, open_kind = j, "‘"
                elif mark == "’" and open_kind == "‘" and not next_ch.isalnum():
                    if any(ch.isalpha() for ch in para[open_at:i]):
                        out.append(_QSpan(base + open_at, base + i))
                    open_kind = ""
                continue
            if open_kind == "‘":
                open_kind = ""  # an unclosed single quote was an apostrophe after all
            if mark == "“" or (mark in ('"', "''") and open_kind == ""):
                if mark == "''" and prev_ch.isalnum() and next_ch.isalnum():
                    continue
                open_at, open_kind = j, mark  # a second “ before any ” restarts the quote
                continue
            if open_kind and (mark == "”" or mark == '"' or mark == "''"):
                if any(ch.isalpha() for ch in para[open_at:i]):
                    out.append(_QSpan(base + open_at, base + i))
                open_kind = ""
        if open_kind and open_kind != "‘" and any(ch.isalpha() for ch in para[open_at:]):
            out.append(_QSpan(base + open_at, base + len(para)))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:—–-"):
        e -= 1
    return s, e


# ---------------------------------------------------------------- the finder


class _Finder:
    def __init__(self, doc: Doc, entities: Sequence[Entity], mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.entities = {e.id: e for e in entities}
        self.gender: dict[str, str | None] = {e.id: entity_gender(e) for e in entities}
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.m_starts = [m.start for m in self.mentions]
        self.sents: list[Span] = list(doc.sents)
        self.sent_starts = [s.start for s in self.sents]
        self.qspans = _quote_spans(self.text)
        self.q_starts = [q.start for q in self.qspans]
        # speakers already attributed, as (char position, sentence index, entity id)
        self.history: list[tuple[int, int, str]] = []
        self._mention_tok: dict[int, Token] = {}
        # "BRENNHOLM, March 12 (MPA) - ": the parser often makes the dateline's place a subject
        self.datelines = dateline_spans(self.text)

    def in_dateline(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.datelines)

    # -- lookups
    def sent_index(self, tok_i: int) -> int:
        return bisect_right(self.sent_starts, tok_i) - 1

    def in_quote(self, pos: int) -> _QSpan | None:
        k = bisect_right(self.q_starts, pos) - 1
        if k >= 0 and self.qspans[k].start <= pos < self.qspans[k].end:
            return self.qspans[k]
        return None

    def mentions_in(self, s: int, e: int) -> list[Mention]:
        """Mentions overlapping [s, e)."""
        # mentions do not nest deeper than a role phrase around its possessor, so looking a few
        # mentions back is enough to catch one that starts before s and covers it
        k = max(0, bisect_left(self.m_starts, s) - 3)
        out = []
        for m in self.mentions[k:]:
            if m.start >= e:
                break
            if s < m.end:
                out.append(m)
        return out

    def _mentions_window(self, s: int, e: int) -> list[Mention]:
        lo, hi = bisect_left(self.m_starts, s), bisect_left(self.m_starts, e)
        return self.mentions[lo:hi]

    def mention_token(self, m: Mention) -> Token | None:
        tok = self._mention_tok.get(id(m))
        if tok is None:
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                return None
            tok = span.root
            self._mention_tok[id(m)] = tok
        return tok

    # -- speakers
    def subject_of(self, verb: Token, depth: int = 0) -> Token | None:
        """The grammatical subject of a cue verb, climbing participles and conjuncts ("noting ...")."""
        for ch in verb.children:
            # a subject inside the quote ("“The crew sealed off ...,” Eide told MPA" parses "crew" as a
            # second subject of "told") or in the dateline is not the speaker: try the next one
            if ch.dep_ == "nsubj" and not self.in_quote(ch.idx) and not self.in_dateline(ch.idx):
                if ch.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    return verb.head  # "Trump, who said ..."
                return ch
            if ch.dep_ == "agent":
                for g in ch.children:
                    if g.dep_ == "pobj":
                        return g
        if (
            depth < 3
            and verb.dep_ in ("advcl", "xcomp", "conj", "acl", "pcomp", "relcl")
            and verb.head is not verb
        ):
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                return None
            return self.subject_of(verb.head, depth + 1)
        return None

    def speaker_from_token(self, subj: Token) -> _Speaker | None:
        text = self.text
        if self.in_quote(subj.idx):
            return None
        low = subj.lower_
        if subj.pos_ == "PRON" or low in _PRONOUN_GENDER:
            if low in ("he", "she"):
                ent_id = self.resolve_pronoun(subj)
                if ent_id:
                    e = self.entities[ent_id]
                    return _Speaker(e.name, e.id, subj.idx, subj.idx + len(subj), True)
                return _Speaker(subj.text, None, subj.idx, subj.idx + len(subj), True)
            if low in ("it",):
                ent_id = self.resolve_it(subj)
                if ent_id:
                    e = self.entities[ent_id]
                    return _Speaker(e.name, e.id, subj.idx, subj.idx + len(subj), True)
            return _Speaker(subj.text, None, subj.idx, subj.idx + len(subj), low not in ("they", "we"))
        # a mention containing the subject's head word wins ("Lee's spokeswoman" -> the spokesperson)
        head_s, head_e = subj.idx, subj.idx + len(subj)
        best: Mention | None = None
        for m in self.mentions_in(head_s, head_e):
            if best is None or (m.end - m.start) > (best.end - best.start):
                best = m
        if best is None:
            left, right = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge)
            for m in self._mentions_window(left, right):
                e = self.entities.get(m.entity_id)
                if e is None or e.type not in ("PERSON", "ORG"):
                    continue
                if subj.pos_ == "NOUN" and not self._apposed(subj, m):
                    # "a senior Foreign Ministry official", "her office in Brennholm": a name that only
                    # modifies an unnamed speaker is not the speaker
                    continue
                best = m
                break
        if best is not None and best.entity_id in self.entities:
            e = self.entities[best.entity_id]
            if e.type in ("PERSON", "ORG", "GPE", "NORP") and not (e.type == "NORP" and subj.tag_ != "NNPS"):
                return _Speaker(e.name, e.id, best.start, best.end, True)
        # unnamed: the noun phrase as written ("a presidential official", "some pundits")
        left = subj.left_edge
        toks = [t for t in subj.subtree if t.i <= subj.i or t.dep_ in ("compound", "amod")]
        s = toks[0].idx if toks else left.idx
        e = subj.idx + len(subj)
        s, e = _trim(text, s, e)
        phrase = " ".join(text[s:e].split())
        plural = subj.tag_ in ("NNS", "NNPS") or any(t.lower_ in _PLURAL_DETS for t in subj.children)
        return _Speaker(phrase, None, s, e, not plural)

    def _apposed(self, head: Token, m: Mention) -> bool:
        """Is mention ``m`` in apposition to ``head`` ("a spokesman, Kang Yu-jung, said")?"""
        tok = self.mention_token(m)
        return tok is not None and tok.dep_ == "appos" and tok.head.i == head.i

    def resolve_pronoun(self, pron: Token) -> str | None:
        """he/she -> the entity id of the nearest compatible person (see the module doc)."""
        want = _PRONOUN_GENDER.get(pron.lower_)
        si = self.sent_index(pron.i)
        lo = self.sents[max(0, si - 2)].start_char
        pos = pron.idx
        cands: dict[str, tuple[int, int, int, int, int]] = {}

        def consider(ent_id: str, at: int, sent_i: int, speaker: bool, subject: bool) -> None:
            e = self.entities.get(ent_id)
            if e is None or e.type != "PERSON" or AUTHOR_ROLE in e.roles:
                return
            g = self.gender.get(ent_id)
            if want and g and g != want:
                return
            score = (-(si - sent_i), int(speaker), int(subject), int(bool(g)), at)
            if ent_id not in cands or score > cands[ent_id]:
                cands[ent_id] = score

        for m in self._mentions_window(lo, pos):
            if self.in_quote(m.start):
                continue
            tok = self.mention_token(m)
            if tok is None:
                continue
            consider(m.entity_id, m.start, self.sent_index(tok.i), False, tok.dep_ in ("nsubj", "nsubjpass"))
        for at, sent_i, ent_id in self.history:
            if lo <= at < pos:
                consider(ent_id, at, sent_i, True, True)
        if not cands:
            return None
        best = max(cands, key=lambda k: cands[k])
        if want and self.gender.get(best) is None:
            self.gender[best] = want  # remember: later he/she can rely on it
        return best

    def resolve_it(self, pron: Token) -> str | None:
        """'it' as a speaker: the nearest preceding organisation or country subject."""
        si = self.sent_index(pron.i)
        lo = self.sents[max(0, si - 1)].start_char
        nearest = subject = None
        for m in self._mentions_window(lo, pron.idx):
            e = self.entities.get(m.entity_id)
            if e is not None and e.type in ("ORG", "GPE") and not self.in_quote(m.start):
                nearest = m.entity_id
                tok = self.mention_token(m)
                if tok is not None and tok.dep_ == "nsubj":
                    subject = m.entity_id  # "China built ... for what it claims": the subject
        return subject or nearest

    # -- direct quotes
    def cue_for_quote(self, parts: list[_QSpan]) -> tuple[Token | None, _Speaker] | None:
        """The cue verb (None for a dash byline) and speaker of a direct quote, or None."""
        doc = self.doc
        span_s, span_e = parts[0].start, parts[-1].end
        inside = [(p.start, p.end) for p in parts]

        def in_parts(t: Token) -> bool:
            return any(a <= t.idx < b for a, b in inside)

        chain: list[Token] = []
        roots: list[Token] = []
        for p in parts:
            sp = doc.char_span(p.start, p.end, alignment_mode="expand")
            if sp is None:
                continue
            for t in sp:
                if not (sp.start <= t.head.i < sp.end) or t.head is t:
                    roots.append(t)
        seen: set[int] = set()
        for r in roots:
            x = r
            steps = 0
            while x.head is not x and steps < 12:
                x = x.head
                steps += 1
                if in_parts(x) or x.i in seen:
                    continue
                seen.add(x.i)
                if x.lemma_.lower() in CUE_VERBS and x.pos_ in ("VERB", "AUX"):
                    chain.append(x)
            # the quote holds the sentence's root: a cue hangs below it ("“...,” he noted, “...”")
            for ch in r.children:
                if (
                    not in_parts(ch)
                    and ch.lemma_.lower() in CUE_VERBS
                    and ch.pos_ == "VERB"
                    and ch.i not in seen
                ):
                    seen.add(ch.i)
                    chain.append(ch)
        fallback: tuple[Token, _Speaker] | None = None
        for cue in chain:
            sp = self._cue_speaker(cue)
            if sp is None:
                continue
            if sp.good:
                return cue, sp
            fallback = fallback or (cue, sp)
        if fallback:
            return fallback
        dash = self.dash_speaker(parts[-1])
        if dash is not None:
            return None, dash
        # any cue verb in the same sentence, outside quotes, nearest first
        first = doc.char_span(span_s, span_e, alignment_mode="expand")
        if first is None:
            return None
        si = self.sent_index(first.start)
        sent = self.sents[si]
        best: tuple[int, Token, _Speaker] | None = None
        for t in sent:
            if t.lemma_.lower() in CUE_VERBS and t.pos_ == "VERB" and not self.in_quote(t.idx):
                sp = self._cue_speaker(t)
                if sp is None:
                    continue
                dist = span_s - t.idx if t.idx < span_s else t.idx - span_e
                if best is None or dist < best[0]:
                    best = (dist, t, sp)
        if best:
            return best[1], best[2]
        # "“...”\nshe said." or "Lee wrote:\n“...”": a short neighbouring sentence
        for nj in (si + 1, si - 1):
            if 0 <= nj < len(self.sents):
                ns = self.sents[nj]
                if len(ns) > 12 or (nj < si and not ns.text.rstrip().endswith(":")):
                    continue
                for t in ns:
                    if t.lemma_.lower() in CUE_VERBS and t.pos_ == "VERB" and not self.in_quote(t.idx):
                        sp = self._cue_speaker(t)
                        if sp is not None:
                            return t, sp
        return None

    def dash_speaker(self, q: _QSpan) -> _Speaker | None:
        """“...” ― Stephanie Egan: a byline after the quote (reader comments, epigraphs)."""
        m = _DASH_BYLINE.match(self.text, q.end)
        if not m:
            return None
        s, e = _trim(self.text, m.start("name"), m.end("name"))
        for mm in self._mentions_window(s, e):
            ent = self.entities.get(mm.entity_id)
            if ent is not None and ent.type in ("PERSON", "ORG"):
                return _Speaker(ent.name, ent.id, mm.start, mm.end, True)
        return _Speaker(" ".join(self.text[s:e].split()), None, s, e, True)

    def _cue_speaker(self, cue: Token) -> _Speaker | None:
        subj = self.subject_of(cue)
        if subj is None:
            return None
        return self.speaker_from_token(subj)

    def _stands_alone(self, q: _QSpan) -> bool:
        """Is a quote a sentence or paragraph of its own (so it may continue the previous speaker)?"""
        text = self.text
        before = text[max(0, q.start - 3) : q.start - 1]
        para_start = text.rfind("\n", 0, q.start) + 1
        if text[para_start : q.start - 1].strip() == "":
            return True
        return before.rstrip().endswith((".", "?", "!", ":")) or before == ""

    # -- main
    def run(self) -> list[Attribution]:
        out: list[Attribution] = []
        caption_lines = self.captions(out)
        groups = [g for g in self.group_quotes() if not any(a <= g[0].start < b for a, b in caption_lines)]
        quoted = sorted([(g[0].start, g[-1].end) for g in groups] + caption_lines)
        # One pass in text order over direct quotes and reported-speech cues, so that a pronoun
        # speaker can use every speaker found before it ("..., according to Kang. “...,” she said").
        events: list[tuple[int, int, list[_QSpan] | Token]] = [(g[0].start, 0, g) for g in groups]
        for tok in self.doc:
            if self._is_report_cue(tok):
                pos = self.sents[self.sent_index(tok.i)].start_char if tok.lower_ == "according" else tok.idx
                events.append((pos, 1, tok))
        events.sort(key=lambda ev: (ev[0], ev[1]))
        self._prev: Attribution | None = None
        self._prev_end_sent = -10
        for _, _, item in events:
            att = self.direct(item) if isinstance(item, list) else self.reported(item, quoted)
            if att is None:
                continue
            out.append(att)
            q = att.quote
            if q.speaker_entity_id and att.speaker_start is not None:
                tok = self.doc.char_span(
                    att.speaker_start, att.speaker_end or att.speaker_start + 1, alignment_mode="expand"
                )
                if tok is not None:
                    self.history.append((att.speaker_start, self.sent_index(tok.start), q.speaker_entity_id))
        out.sort(key=lambda a: (a.quote.start, a.quote.end))
        return out

    def direct(self, parts: list[_QSpan]) -> Attribution | None:
        text = self.text
        texts = [text[a:b] for a, b in (_trim(text, p.start, p.end) for p in parts)]
        qs, qe = _trim(text, parts[0].start, parts[-1].end)
        qtext = " … ".join(t for t in texts if t)
        if not qtext:
            return None
        first_tok = self.doc.char_span(qs, qe, alignment_mode="expand")
        si = self.sent_index(first_tok.start) if first_tok is not None else 0
        found = self.cue_for_quote(parts)
        prev = self._prev
        att: Attribution | None = None
        if found:
            cue, sp = found
            if cue is None:  # dash byline
                att = Attribution(Quote(qtext, qs, qe, True, sp.name, sp.entity_id, None), sp.start, sp.end)
            else:
                quote = Quote(qtext, qs, qe, True, sp.name, sp.entity_id, cue.text)
                att = Attribution(quote, sp.start, sp.end, cue.idx, cue.idx + len(cue))
        elif (
            prev is not None
            and si - self._prev_end_sent <= 2
            and self._stands_alone(parts[0])
            and prev.quote.speaker
        ):
            pq = prev.quote
            if "\n" not in text[pq.end : qs]:
                # “...,” she said. “They agreed ...”: the same utterance goes on in the paragraph
                pq.text = f"{pq.text} … {qtext}"
                pq.end = qe
                self._prev_end_sent = si
                return None
            # a quote paragraph right after an attributed one continues the speaker
            att = Attribution(
                Quote(qtext, qs, qe, True, pq.speaker, pq.speaker_entity_id, pq.cue),
                prev.speaker_start,
                prev.speaker_end,
            )
        elif len(qtext.split()) >= 4 and self._stands_alone(parts[0]):
            att = Attribution(Quote(qtext, qs, qe, True))
        if att is None:
            return None  # a short unattributed quote is a scare quote or a title
        self._prev = att
        last_tok = self.doc.char_span(max(qs, qe - 1), qe, alignment_mode="expand")
        self._prev_end_sent = self.sent_index(last_tok.start) if last_tok is not None else si
        return att

    def group_quotes(self) -> list[list[_QSpan]]:
        """Join split quotes: “Such a meeting,” he noted, “would also ...” -> one group."""
        text = self.text
        groups: list[list[_QSpan]] = []
        for q in self.qspans:
            if groups:
                last = groups[-1][-1]
                between = text[last.end : q.start]
                inner = between.strip('”"’ \t“‘')
                # “Such a meeting,” he noted, “would ...”: one sentence split by its cue
                if (
                    "\n" not in between
                    and text[last.start : last.end].rstrip().endswith(",")
                    and inner.endswith(",")
                    and len(inner.split()) <= 8
                    and _CUE_WORDS.search(inner)
                ):
                    groups[-1].append(q)
                    continue
            groups.append([q])
        return groups

    def captions(self, out: list[Attribution]) -> list[tuple[int, int]]:
        """Broadcast style: "Name / Title" line, then the soundbite line. Returns the caption lines."""
        text = self.text
        lines: list[tuple[int, int]] = []
        for m in re.finditer(r"(?m)^[ \t]*(?P<name>[A-Z][^\n/]{2,60}?)[ \t]+/[ \t]+[^\n/]{2,100}$", text):
            name_s, name_e = m.start("name"), m.end("name")
            speaker_m = None
            for mm in self._mentions_window(name_s, name_e):
                e = self.entities.get(mm.entity_id)
                if e is not None and e.type == "PERSON":
                    speaker_m = mm
                    break
            if speaker_m is None:
                continue
            nxt = re.compile(r"\n[ \t]*\n?[ \t]*(?P<line>[^\n]+)").match(text, m.end())
            if not nxt:
                continue
            ls, le = _trim(text, nxt.start("line"), nxt.end("line"))
            e = self.entities[speaker_m.entity_id]
            out.append(
                Attribution(
                    Quote(text[ls:le], ls, le, True, e.name, e.id, None), speaker_m.start, speaker_m.end
                )
            )
            si = self.sent_index(
                self.doc.char_span(speaker_m.start, speaker_m.end, alignment_mode="expand").start
            )
            self.history.append((speaker_m.start, si, e.id))
            lines.append((ls, le))
        return lines

    def _is_report_cue(self, tok: Token) -> bool:
        if tok.lower_ == "according":
            return tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to"
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in REPORT_VERBS:
            return False
        # "X said (that) ..." or the inserted "The museum, Mr. Obama said, would ..."
        return any(c.dep_ == "ccomp" for c in tok.children) or (
            tok.dep_ == "parataxis" and tok.head.pos_ in ("VERB", "AUX")
        )

    def reported(self, tok: Token, quoted: list[tuple[int, int]]) -> Attribution | None:
        """Reported speech: "X said (that) ...", "X told reporters that ...", "..., according to X"."""
        if self.in_quote(tok.idx):
            return None
        if tok.lower_ == "according":
            to = self.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            head = tok.head
            if not objs or head is tok:
                return None
            sub_l, sub_r = tok.left_edge.i, tok.right_edge.i
            # the longer part of the clause on one side of "according to X"
            left = [t for t in head.subtree if t.i < sub_l]
            right = [t for t in head.subtree if t.i > sub_r]
            side = left if len(left) >= len(right) else right
            if len(side) < 3:
                return None
            s, e = side[0].idx, side[-1].idx + len(side[-1])
            return self._reported_att(
                s, e, self.speaker_from_token(objs[0]), "according to", tok.idx, to.idx + len(to), quoted
            )
        if _unsaid(tok):
            return None
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        subj = self.subject_of(tok)
        if subj is None:
            return None
        if comp is None:  # inserted cue: the content is the host clause around it
            host = tok.head
            s, e = host.left_edge.idx, host.right_edge.idx + len(host.right_edge)
            if not (s < tok.idx and subj.idx > s):
                return None
        else:
            if len(list(comp.subtree)) < 3:
                return None
            s, e = comp.left_edge.idx, comp.right_edge.idx + len(comp.right_edge)
            # "would re-examine the ban": the parser can split a hyphenated verb and hang its second half
            # (with the rest of the clause) from the cue; keep the clause whole
            nxt = comp.right_edge.i + 1
            while (
                nxt < len(self.doc)
                and not self.doc[nxt - 1].whitespace_
                and (self.doc[nxt].text == "-" or self.doc[nxt - 1].text == "-")
            ):
                e = max(e, self.doc[nxt].right_edge.idx + len(self.doc[nxt].right_edge))
                nxt = self.doc[nxt].right_edge.i + 1
        return self._reported_att(
            s, e, self.speaker_from_token(subj), tok.text, tok.idx, tok.idx + len(tok), quoted
        )

    def _reported_att(
        self,
        s: int,
        e: int,
        sp: _Speaker | None,
        cue: str,
        cue_s: int,
        cue_e: int,
        quoted: list[tuple[int, int]],
    ) -> Attribution | None:
        text = self.text
        for a, b in self.datelines:
            if a <= s < b:
                s = b  # "BRENNHOLM, March 10 (MPA) - Holt invited ...": the content starts after the dateline
        s, e = _trim(text, s, e)
        while e > s and text[e - 1] in "”\"’'.,;: ":
            e -= 1
        while s < e and text[s] in "“\"‘' ":
            s += 1
        e = _close_partial_quote(text, s, e)
        if e - s < 8 or sp is None:
            return None
        covered = sum(max(0, min(b, e) - max(a, s)) for a, b in quoted if a < e and s < b)
        if covered >= 0.5 * (e - s):
            return None  # mostly a direct quote, attributed there
        quote = Quote(text[s:e], s, e, False, sp.name, sp.entity_id, cue)
        return Attribution(quote, sp.start, sp.end, cue_s, cue_e)


def _unsaid(cue: Token) -> bool:
    """"did not say whether ...", "declined to say if ...": the speaker did not say it."""
    if any(c.dep_ == "neg" for c in cue.children):
        return True
    return cue.dep_ == "xcomp" and cue.head.lemma_.lower() in ("decline", "refuse")


def _close_partial_quote(text: str, s: int, e: int) -> int:
    """The end of reported content that quotes a phrase of it, past the quote's closing mark.

    Trailing punctuation and quote marks are trimmed from reported content, which cut the close
    of a partial quote ('would review the restrictions "on the basis of scientific evidence,"
    Arai said') and left its opening mark alone; the content then ends after the closing mark.
    """
    content = text[s:e]
    closer = '"' if content.count('"') % 2 else "”" if content.count("“") > content.count("”") else None
    if closer is None:
        return e
    found = text.find(closer, e, e + 3)
    return found + 1 if found != -1 else e


def find_attributions(doc: Doc, entities: Sequence[Entity], mentions: Sequence[Mention]) -> list[Attribution]:
    """Like ``find_quotes`` but keeping the speaker and cue offsets (used by the bench)."""
    return _Finder(doc, entities, mentions).run()


def find_quotes(doc: Doc, entities: list[Entity], mentions: list[Mention]) -> list[Quote]:
    """Direct quotes, reported speech and broadcast soundbites of one article, in body order."""
    return [a.quote for a in find_attributions(doc, entities, mentions)]


def find_quotes_in_text(text: str, authors: Sequence[str] = ()) -> list[Quote]:
    """Convenience for tests and the bench: parse ``text`` and find its quotes."""
    from newsweave.extract.nlp import load_nlp

    doc = load_nlp()(text)
    entities, mentions = resolve_entities(doc, authors)
    return find_quotes(doc, entities, mentions)

"""Atomic statements: cut each sentence into clauses of one predicate with its arguments.

Corroboration aligns these across outlets, so they must be small enough that two outlets
stating the same thing produce comparable units, and carry the slots (entities, times,
quantities) that decide whether they agree. Built from spaCy's dependency parse:

* the root of a sentence and every coordinated verb with its own arguments start a clause;
* for speech verbs ("said", "told", "noted") the reported content is the statement, and the
  speaker is kept as attribution rather than as a statement of its own;
* a coordinated verb without a subject inherits the subject of the verb it is joined to.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from spacy.tokens import Doc, Span, Token

from newsweave.records import Event, Mention, Quantity, Quote, Statement, Timex

# A wire dateline opening the first paragraph: "KVARNSUND, Norland, March 9 (MPA) - ",
# "SEOUL (Reuters) - ", "WASHINGTON — ". It places the story; it is no part of any claim.
DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][\w.'’ -]{1,30}?)*,?\s+(?:[A-Z][a-z]{2,}\.?\s+\d{1,2}\s+)?"
    r"(?:\([^)]{1,40}\)\s*)?[-–—]+\s+(?=[A-Z“\"])"
)

SPEECH_LEMMAS = {
    "say", "tell", "note", "add", "state", "stress", "write", "explain", "announce", "report", "claim",
    "insist", "emphasize", "emphasise", "argue", "suggest", "remark", "confirm", "reiterate", "quote",
    "recall", "acknowledge", "warn", "describe", "comment", "observe",
}
HEDGE_MODALS = {"could", "would", "might", "may", "should"}
CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
PREDICATE_POS = {"VERB", "AUX"}
MIN_CLAUSE_TOKENS = 3


def find_statements(
    doc: Doc,
    mentions: list[Mention],
    timexes: list[Timex],
    quantities: list[Quantity],
    quotes: list[Quote],
    events: list[Event],
    headings: Iterable[str] = (),
    anchor: str | None = None,
) -> list[Statement]:
    """Every atomic statement of the article, in body order.

    ``anchor`` (the publish time) turns "since July 2014" into the time elapsed, so that it
    compares with "for the first time in 11 years" in another outlet.
    """
    heading_set = {h.strip() for h in headings}
    statements: list[Statement] = []
    mentions_at = _ByStart(mentions, lambda m: m.start)
    timexes_at = _ByStart(timexes, lambda t: t.start)
    quantities_at = _ByStart(quantities, lambda q: q.start)
    events_at = _ByStart(events, lambda e: e.trigger_start)
    for sent in doc.sents:
        if sent.text.strip() in heading_set or len([t for t in sent if not t.is_punct]) < MIN_CLAUSE_TOKENS:
            continue
        dateline = DATELINE.match(sent.text)
        cutoff = sent.start_char + dateline.end() if dateline else -1
        for head, tokens, inherited in _clauses(sent):
            own = [t for t in tokens if t.idx >= cutoff]
            statement = _statement(sent, head, own, [t for t in inherited if t.idx >= cutoff])
            if statement is not None:
                _fill_slots(statement, mentions_at, timexes_at, quantities_at, quotes, events_at, head, inherited,
                            anchor, _runs(own))
                statements.append(statement)
    statements += attribute_statements(doc, statements)
    statements.sort(key=lambda st: (st.start, st.predicate != "last"))
    return statements


def _clauses(sent: Span) -> list[tuple[Token, list[Token], list[Token]]]:
    """(head, the clause's own tokens, tokens of an inherited subject) for each clause."""
    heads: list[tuple[Token, list[Token]]] = []  # head and the subject tokens it inherits

    def visit(head: Token, inherited: list[Token]) -> None:
        content = _reported_content(head)
        if content is not None:
            visit(content, [])
            return
        heads.append((head, inherited))
        own_subject = _subject_tokens(head) or inherited
        for child in head.children:
            if child.dep_ == "conj" and child.pos_ in PREDICATE_POS and _has_arguments(child):
                visit(child, [] if _subject_tokens(child) else own_subject)

    visit(sent.root, [])
    # Relative and adverbial clauses with a verb of their own are atomic statements too:
    # "The call, which began at 6:30 p.m., lasted 40 minutes" says when it began AND how long
    # it lasted; "12 were injured when fire broke out in the engine room" says where the fire was.
    seen = {h.i for h, _ in heads}
    for tok in sent:
        if tok.i in seen or tok.pos_ not in PREDICATE_POS or not _has_arguments(tok):
            continue
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN") and _splittable_relative(tok):
            antecedent = _antecedent(tok)
            cut = [(tok.left_edge.i, tok.right_edge.i)]
            if (antecedent.dep_ == "appos" and antecedent.head.pos_ == "PROPN"
                    and any(c.tag_ == "WP" for c in tok.children)):
                # "Holt, a former fisheries minister who won the run-off, ...": Holt won it
                cut.append((antecedent.left_edge.i, antecedent.right_edge.i))
                antecedent = antecedent.head
            heads.append((tok, [t for t in antecedent.subtree if not any(a <= t.i <= b for a, b in cut)]))
            seen.add(tok.i)
        elif tok.dep_ == "advcl" and _subject_tokens(tok) and not _is_speech_frame(tok) and not _conditional(tok):
            heads.append((tok, []))
            seen.add(tok.i)
    head_set = {h.i for h, _ in heads}
    clauses = []
    for head, inherited in heads:
        tokens = [t for t in _own_tokens(head, head_set, sent) if not _relative_word(t, head)]
        inherited = [t for t in inherited if t.i not in head_set]
        while inherited and inherited[-1].is_punct:
            inherited.pop()
        clauses.append((head, tokens, inherited))
    return clauses


# Nouns a relative clause only completes ("in a WAY that benefits ...", "the EXTENT to which"):
# cutting the clause off leaves nothing that stands alone.
GENERIC_ANTECEDENTS = {"way", "manner", "extent", "fact", "sense", "kind", "sort", "degree", "one", "thing"}
CONDITIONAL_MARKS = {"if", "unless", "whether", "though", "although", "once", "provided", "should", "even"}


def _splittable_relative(relcl: Token) -> bool:
    """A relative clause that states something of its own about a real antecedent."""
    if relcl.head.lemma_.lower() in GENERIC_ANTECEDENTS:
        return False
    # "sectors where both sides can feel the results": a relative adverb describes, it does not assert
    if any(c.tag_ == "WRB" for c in relcl.children):
        return False
    # "a camera she bought second-hand": a clause with no relative word only tells its noun apart,
    # and the parser often hangs it on the wrong noun
    return any(c.tag_ in ("WDT", "WP", "WP$") for c in relcl.children)


def _conditional(advcl: Token) -> bool:
    """Adverbial clauses that must stay with their main clause.

    A condition ("If Xi accepts the invitation, ...") is no claim on its own, and a measured
    sequence ("comes a day after he spoke with Ishiba") leaves its main clause meaningless.
    """
    if any(c.dep_ in ("mark", "advmod") and c.lower_ in CONDITIONAL_MARKS for c in advcl.children):
        return True
    sequence = any(c.dep_ in ("mark", "prep") and c.lower_ in ("after", "before", "since", "until")
                   for c in advcl.children)
    if sequence and any(c.dep_ == "npadvmod" for c in advcl.head.children):
        return True
    # inverted conditionals: "Should Xi accept Lee's invitation, ..."
    return any(c.dep_ == "aux" and c.lower_ in ("should", "had", "were") and c.i < advcl.i
               and c.i == advcl.left_edge.i for c in advcl.children)


def _antecedent(relcl: Token) -> Token:
    """The noun a relative clause describes.

    The parser often hangs "that"/"which" clauses on the nearest name: in "a phone call with Trump
    that lasted 20 minutes" it is the call that lasted, not Trump. "which"/"that" do not stand for
    people, so a clause of theirs on a name inside a prepositional phrase goes to the noun above.
    """
    noun = relcl.head
    pronoun = next((c for c in relcl.children if c.tag_ == "WDT"), None)
    if (pronoun is not None and noun.pos_ == "PROPN" and noun.dep_ == "pobj"
            and noun.head.head.pos_ == "NOUN"):
        return noun.head.head
    return noun


def _relative_word(tok: Token, head: Token) -> bool:
    """"which"/"that"/"who" opening a relative clause, or "when"/"as" marking an adverbial one."""
    if tok.head.i != head.i:
        return False
    if head.dep_ == "relcl" and tok.tag_ in ("WDT", "WP", "WP$") and tok.dep_ in ("nsubj", "nsubjpass", "dobj"):
        return True
    return head.dep_ == "advcl" and tok.dep_ in ("mark", "advmod") and tok.i < head.i and tok.tag_ in ("WRB", "IN")


def _is_speech_frame(tok: Token) -> bool:
    return tok.lemma_.lower() in SPEECH_LEMMAS and not any(c.dep_ in ("dobj", "prep") for c in tok.children)


def _reported_content(head: Token) -> Token | None:
    """For "X said (that) Y", the head of Y; None when ``head`` is not a speech verb with content."""
    if head.lemma_.lower() not in SPEECH_LEMMAS:
        return None
    for child in head.children:
        if child.dep_ in ("ccomp", "parataxis") and child.pos_ in PREDICATE_POS | {"NOUN", "ADJ"}:
            return child
    return None


def _subject_tokens(head: Token) -> list[Token]:
    child = _subject_child(head, ("nsubj", "nsubjpass", "csubj"))
    if child is None:
        return []
    if child.tag_ in ("WDT", "WP") and head.dep_ == "relcl":
        return []  # "which" stands for the noun the clause hangs from: inherited instead
    return list(child.subtree)


def _subject_child(verb: Token, deps: tuple[str, ...] = ("nsubj", "nsubjpass")) -> Token | None:
    """The verb's subject. Of two, the nearest before the verb: a dateline is parsed as a second
    subject ("BRENNHOLM, March 12 (MPA) - Norland's central bank raised ..." has BRENNHOLM and bank)."""
    subjects = [c for c in verb.children if c.dep_ in deps]
    before = [c for c in subjects if c.i < verb.i]
    return before[-1] if before else (subjects[0] if subjects else None)


def _has_arguments(verb: Token) -> bool:
    return any(c.dep_ in ("dobj", "prep", "xcomp", "ccomp", "attr", "acomp", "nsubj", "advcl", "dative", "oprd")
               for c in verb.children)


def _own_tokens(head: Token, head_set: set[int], sent: Span) -> list[Token]:
    """The head's subtree without the subtrees of other clause heads, and without speech frames."""
    excluded: set[int] = set()
    subtree = list(head.subtree)  # walked four times below: build the Token objects once
    for tok in subtree:
        if tok.i != head.i and tok.i in head_set:
            excluded.update(t.i for t in tok.subtree)
            # the "and" that joined that clause to this one
            excluded.update(t.i for t in tok.head.children if t.dep_ == "cc" and t.i < tok.i)
    # "put the damage at 30 million crowns and said [the ship would be out of service]": with what it
    # said a statement of its own, a conjoined speech verb is left with nothing; it goes too
    for tok in subtree:
        content = _reported_content(tok) if tok.dep_ == "conj" and tok.i not in excluded else None
        # "and said [Japan hoped ...], the ministry said": the parser may hang the content below a
        # second speech frame; what was said is still the statement of its own
        for _ in range(2):
            if content is None or content.i in head_set:
                break
            content = _reported_content(content)
        if content is not None and content.i in head_set:
            excluded.update(t.i for t in tok.subtree)
            excluded.update(t.i for t in tok.head.children if t.dep_ == "cc" and t.i < tok.i)
    # An appositive the parser hung across the verb ("Lee's call with Xi came after ... — a sequence that
    # surprised observers", the sequence attached to "call") is a comment on the whole clause, not part of it.
    for tok in subtree:
        if tok.dep_ == "appos" and tok.head.i < head.i < tok.i:
            excluded.update(t.i for t in tok.subtree)
    # in document order: a non-projective parse yields a subtree out of order
    tokens = sorted((t for t in subtree
                     if t.i not in excluded and sent.start <= t.i < sent.end and not t.is_space), key=lambda t: t.i)
    # a clause cut out from between commas takes them along: "The call, [which began at 6], lasted"
    # but not the comma that also closes an apposition: "Holt, a former minister[, who won ...], made"
    tokens = [t for t in tokens if not (t.text == "," and (t.i - 1 in excluded or t.i + 1 in excluded)
                                        and not _closes_apposition(t))]
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc") and not _closes_bracket(tokens):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc" or
                      (tokens[0].dep_ == "mark" and tokens[0].lower_ in ("that", "whether"))):
        tokens.pop(0)
    return tokens


def _closes_bracket(tokens: list[Token]) -> bool:
    """The last token closes a bracket the tokens opened ("the designation C/2026 E2 (Solberg)")."""
    closer = tokens[-1].text
    opener = {")": "(", "]": "["}.get(closer)
    return opener is not None and sum(t.text == opener for t in tokens) >= sum(t.text == closer for t in tokens)


def _closes_apposition(comma: Token) -> bool:
    """A comma after a relative clause on an appositive that a comma opened ("Holt, a former
    minister who won the run-off, made ..."): cutting the clause out leaves the comma closing it."""
    if comma.i == 0:
        return False
    clause = comma.doc[comma.i - 1]
    while clause.dep_ != "relcl" and clause.head.i != clause.i and clause.head.i < comma.i:
        clause = clause.head
    noun = clause.head
    return (clause.dep_ == "relcl" and clause.right_edge.i == comma.i - 1 and noun.dep_ == "appos"
            and noun.left_edge.i > 0 and comma.doc[noun.left_edge.i - 1].text == ",")


def _statement(sent: Span, head: Token, tokens: list[Token], inherited: list[Token]) -> Statement | None:
    if not tokens or len([t for t in tokens if not t.is_punct]) < MIN_CLAUSE_TOKENS - 1:
        return None
    if not any(t.pos_ in PREDICATE_POS for t in tokens):
        return None  # a caption or a heading ("Kang Yu-jung / Presidential Spokesperson"), not a claim
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = _join(tokens)
    if inherited and not any(t.i in {x.i for x in tokens} for t in inherited):
        gap = _object_gap(head, tokens)
        if gap is None:
            text = _join(inherited) + " " + text
        else:  # "THAAD, which Beijing opposed" -> "Beijing opposed THAAD", not "THAAD Beijing opposed"
            text = " ".join(part for part in (_join(tokens[:gap]), _join(inherited), _join(tokens[gap:])) if part)
    text = _clean_quotes(text)
    lemmas = sorted({
        t.lemma_.lower() for t in [*tokens, *inherited]
        if t.pos_ in CONTENT_POS and not t.is_stop and (t.is_alpha or t.like_num)
    })
    return Statement(
        start=start,
        end=end,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        text=text,
        predicate=head.lemma_.lower(),
        lemmas=lemmas,
        negated=any(c.dep_ == "neg" for c in head.children),
        hedged=_hedged(head),
    )


# Dependencies that open a clause of its own: entities beyond them are not arguments of this predicate
# ("... his first trip since 2014, when he met with Park" does not make Park an argument of the trip).
CLAUSAL_DEPS = {"relcl", "advcl", "acl", "ccomp", "csubj", "parataxis", "conj", "nsubj", "nsubjpass", "mark", "cc"}


def _object_gap(head: Token, tokens: list[Token]) -> int | None:
    """Where the antecedent of an object relative clause goes back in: after its verb (and a
    stranded preposition: "the summit Lee agreed on" -> "Lee agreed on the summit").

    None for a subject relative ("the call, which lasted 30 minutes": the antecedent leads) and
    for any clause that is not relative.
    """
    if head.dep_ != "relcl" or not any(
        c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP") for c in head.children
    ):
        return None
    if any(c.dep_ == "dobj" and c.tag_ not in ("WDT", "WP") for c in head.children):
        return None  # the object slot is filled: the antecedent is no object ("the day Lee met Xi")
    after = max([head.i] + [c.i for c in head.children if c.dep_ == "prt" and c.i > head.i]
                + [c.i for c in head.children if c.dep_ == "prep" and c.i > head.i and not list(c.children)])
    return next((k for k, t in enumerate(tokens) if t.i > after), len(tokens))


def _argument_tokens(head: Token) -> list[Token]:
    """Tokens of the predicate's objects and prepositional arguments, not crossing into other clauses."""
    out: list[Token] = []
    stack = [c for c in head.children if c.dep_ not in CLAUSAL_DEPS]
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in CLAUSAL_DEPS or (c.dep_ == "conj" and tok.pos_ != "VERB"))
    return out


def _hedged(head: Token) -> bool:
    if any(c.dep_ == "aux" and c.lower_ in HEDGE_MODALS for c in head.children):
        return True
    # conditional: "If Xi accepts, ..." marks the clause it modifies as hypothetical
    return any(c.dep_ == "advcl" and any(m.lower_ == "if" for m in c.children if m.dep_ == "mark")
               for c in head.children)


def _join(tokens: list[Token]) -> str:
    tokens = [t for t in tokens if not t.is_space]  # line breaks inside a sentence are no words
    out: list[str] = []
    for i, tok in enumerate(tokens):
        out.append(tok.text)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None:
            continue
        if nxt.i != tok.i + 1:  # where a clause was cut out: a space, but none before punctuation
            if nxt.text not in ".,;:!?":
                out.append(" ")
        elif tok.whitespace_:
            out.append(" ")
    return " ".join("".join(out).split())


def _clean_quotes(text: str) -> str:
    """Drop quote marks left unbalanced by cutting a clause out of a quoted sentence."""
    for open_mark, close_mark in (("“", "”"), ('"', '"')):
        if open_mark == close_mark:
            if text.count(open_mark) % 2:
                text = text.replace(open_mark, "")
        elif text.count(open_mark) != text.count(close_mark):
            text = text.replace(open_mark, "").replace(close_mark, "")
    text = re.sub(r"\s*,(\s*,)+", ",", text)  # commas left around a clause that was cut out
    return " ".join(text.strip(" ,;:").split())


_Item = TypeVar("_Item")


class _ByStart(Generic[_Item]):
    """An article's mentions (or timexes, ...) with a quick way to the ones starting in a range.

    Every statement looks for what lies inside its own sentence or two; scanning the whole
    article's list for each was a fifth of statement finding. ``positions`` gives the places in
    the list of the items whose start lies in [low, high] when the list is sorted by start
    (extraction emits them so), else every place. Callers still test each item, so the result
    is the same either way.
    """

    def __init__(self, items: list[_Item], start: Callable[[_Item], int | None]) -> None:
        self.items = items
        starts = [start(item) for item in items]
        self.starts: list[int] | None = None
        if all(s is not None for s in starts) and all(a <= b for a, b in zip(starts, starts[1:], strict=False)):
            self.starts = starts  # type: ignore[assignment]

    def positions(self, low: int, high: int) -> range:
        if self.starts is None:
            return range(len(self.items))
        return range(bisect_left(self.starts, low), bisect_right(self.starts, high))

    def between(self, low: int, high: int) -> list[_Item]:
        places = self.positions(low, high)
        return self.items[places.start:places.stop]


def _fill_slots(
    st: Statement,
    mentions: _ByStart[Mention],
    timexes: _ByStart[Timex],
    quantities: _ByStart[Quantity],
    quotes: list[Quote],
    events: _ByStart[Event],
    head: Token,
    inherited: list[Token],
    anchor: str | None = None,
    runs: list[tuple[int, int]] | None = None,
) -> None:
    spans = list(runs) if runs else [(st.start, st.end)]
    if inherited:
        spans.append((inherited[0].idx, inherited[-1].idx + len(inherited[-1].text)))

    def inside(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in spans)

    # The statement's spans cover a sentence or two: test only what lies between their bounds.
    low, high = min(s for s, _ in spans), max(e for _, e in spans)

    subject = _subject_tokens(head) or inherited
    subject_span = (subject[0].idx, subject[-1].idx + len(subject[-1].text)) if subject else None
    object_spans = [(t.idx, t.idx + len(t.text)) for t in _argument_tokens(head)]
    entity_ids: list[str] = []
    for m in mentions.between(low, high):
        if m.start < low or m.end > high or not inside(m.start, m.end):
            continue
        if m.entity_id not in entity_ids:
            entity_ids.append(m.entity_id)
        if subject_span and subject_span[0] <= m.start and m.end <= subject_span[1]:
            if m.entity_id not in st.subject_ids:
                st.subject_ids.append(m.entity_id)
        elif any(m.start < e and s < m.end for s, e in object_spans) and m.entity_id not in st.object_ids:
            st.object_ids.append(m.entity_id)
    st.entity_ids = entity_ids
    st.timexes = [t for t in timexes.between(low, high) if inside(t.start, t.end)]
    st.quantities = [q for q in quantities.between(low, high) if inside(q.start, q.end)]
    st.quantities += _elapsed(head.doc, st.timexes, anchor)
    for quote in quotes:
        if quote.start <= st.start and st.end <= quote.end + 1 or (st.start <= quote.start < st.end):
            st.speaker_id = quote.speaker_entity_id
            st.speaker = quote.speaker
            break
    doc = head.doc
    for index in events.positions(low, high):  # an event's number is its place in the article's list
        event = events.items[index]
        if event.trigger_start is None or event.trigger_end is None or not inside(event.trigger_start, event.trigger_end):
            continue
        st.event_indices.append(index)
        trigger = _token_at(doc, event.trigger_start)
        # "Lee invited Xi", "Lee held a phone conversation with Xi", "extended an invitation to Xi":
        # the clause asserts the event itself, not something about it
        if trigger is not None and st.head_event is None and (
            trigger.i == head.i or (trigger.head.i == head.i and trigger.dep_ in ("dobj", "attr", "oprd"))
        ):
            st.head_event = index
    st.measures = [_measure(doc, q) for q in st.quantities]


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """The character ranges a statement's own tokens cover, split where words were cut out.

    A statement's text skips the clauses that are statements of their own ("Holt, [who won the
    presidency in a January run-off,] made her first call on Friday"); what it states (its
    entities, dates, figures, events) lies in what it kept, not in the span from its first word
    to its last. Only cut words split a range: punctuation and spaces between kept words do not.
    """
    runs: list[tuple[int, int]] = []
    previous: Token | None = None
    for tok in tokens:
        end = tok.idx + len(tok.text)
        if previous is not None and all(t.is_punct or t.is_space for t in tok.doc[previous.i + 1:tok.i]):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((tok.idx, end))
        previous = tok
    return runs


def _elapsed(doc: Doc, timexes: list[Timex], anchor: str | None) -> list[Quantity]:
    """Durations implied by "since <date>": "first trip since July 2014" is also "first in 11 years"."""
    from newsweave.extract.timex import elapsed_since

    out = []
    for timex in timexes:
        before = _token_at(doc, timex.start)
        if before is not None and before.i > 0 and doc[before.i - 1].lower_ == "since":
            quantity = elapsed_since(timex, anchor)
            if quantity is not None:
                out.append(quantity)
    return out


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


# Nouns that only carry a number for something else ("for the first TIME in 11 years",
# "a TOTAL of 12"): the measured thing is further up the tree.
TRANSPARENT_NOUNS = {"time", "total", "period", "span", "number", "amount", "figure", "length", "duration", "sum"}


def _measure(doc: Doc, quantity: Quantity) -> str:
    """What a quantity measures, as "thing|kind|unit": "30-minute conversation" -> "CONSULT|duration|".

    The thing is the noun the number hangs from ("30-minute conversation"), or, for a verb, the
    event the verb names ("visits Korea for the first time in 11 years") or else its subject ("the
    call lasted 30 minutes"). Event nouns and verbs are replaced by their PLOVER type, so "call",
    "conversation" and "talks" measure the same thing. Durations leave the unit empty: they compare
    across units.
    """
    unit = "" if quantity.kind == "duration" else quantity.unit
    thing = _measured_thing(doc, quantity)
    return f"{thing}|{quantity.kind}|{unit}"


def _measured_thing(doc: Doc, quantity: Quantity) -> str:
    from newsweave.extract.events import noun_event_type

    span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    tok = span.root
    for _ in range(8):  # climb out of the number, prepositions and transparent nouns
        if tok.head.i == tok.i:
            break
        inside = span.start <= tok.i < span.end
        if not (inside or tok.pos_ in ("ADP", "SCONJ") or tok.dep_ == "prep" or tok.lemma_.lower() in TRANSPARENT_NOUNS):
            break
        tok = tok.head
    if span.start <= tok.i < span.end:
        return ""
    if tok.pos_ in PREDICATE_POS:
        event_type = noun_event_type(tok.lemma_)
        if event_type:
            return event_type
        subject = _subject_child(tok)
        if subject is not None and subject.tag_ in ("WDT", "WP") and tok.dep_ == "relcl":
            subject = tok.head  # "a call that lasted 20 minutes": the relative clause's noun
        if subject is None:
            return ""
        tok = subject
    return noun_event_type(tok.lemma_) or tok.lemma_.lower()


def attribute_statements(doc: Doc, statements: list[Statement]) -> list[Statement]:
    """Atomic statements hidden in modifiers: "The 30-minute conversation marks X" also says
    "the conversation lasted 30 minutes". One extra statement per duration that modifies a
    noun, so it can align with outlets that state the length in a clause of its own.
    """
    extra: list[Statement] = []
    for st in statements:
        for quantity, measure in zip(st.quantities, st.measures, strict=True):
            if quantity.kind != "duration" or measure.startswith("|"):
                continue
            span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
            if span is None or span.root.dep_ not in ("amod", "compound", "nummod", "npadvmod"):
                continue
            noun = span.root.head
            if noun.pos_ not in ("NOUN", "PROPN") or span.start <= noun.i < span.end:
                continue
            plural = "s" if quantity.value != 1 else ""
            text = f"The {noun.text.lower()} lasted {quantity.value:g} {quantity.unit}{plural}"
            phrase_start, phrase_end = noun.left_edge.idx, noun.idx + len(noun.text)
            extra.append(Statement(
                start=phrase_start, end=phrase_end, sentence_start=st.sentence_start, sentence_end=st.sentence_end,
                text=text, predicate="last", subject_ids=[], object_ids=[], entity_ids=list(st.entity_ids),
                lemmas=sorted({noun.lemma_.lower(), "last", quantity.unit}), timexes=list(st.timexes),
                quantities=[quantity], negated=False, hedged=st.hedged, speaker_id=st.speaker_id,
                speaker=st.speaker, measures=[measure],
            ))
    return extra

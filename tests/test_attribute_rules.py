"""newsweave's faster copies of spaCy components give every token what spaCy's own give it.

newsweave_attribute_rules for the attribute_ruler, newsweave_lemmas for the rule lemmatizer,
newsweave_paragraph_boundaries (found by offset) for the rule "the token after a line break
starts a sentence", written here the plain way, token by token; and the models' matrix products
by numpy (MatmulOps) instead of blis.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from conftest import EXAMPLES
from newsweave.clean import clean
from newsweave.extract.attribute_rules import AttributeRules, use_attribute_rules
from newsweave.extract.nlp import DEFAULT_PIPELINE, MatmulOps, load_nlp
from newsweave.ingest import iter_inputs
from newsweave.records import RawDocument

# The ruler's exceptions: contractions, "gonna", "y'all", "nothin'", auxiliaries as verbs, "there is" ...
TRICKY = [
    "I ain't gonna do it, y'all. Let's go! Nothin' is wrong; it's not. There is a cat and there were two.",
    "Don't you dare. I'd have had it. Did he? That is what I did, and it was. Gotta run, c'mon.",
    "Whether or not he does, she has to. Which one? That one, the one I gave you. It gets better; it got worse.",
    "",
    "  \n\n  ",
    "Headline without a stop\nThe body starts here.\n\nA third paragraph\n",
    "\nA body that starts with a break and has one\ninside a line.",
]


def _attributes(doc: Doc) -> list[tuple[object, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start)
            for t in doc]


@Language.component("test_reference_paragraph_boundaries")
def reference_paragraph_boundaries(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def _stock() -> Language:
    nlp = spacy.load(DEFAULT_PIPELINE)
    nlp.add_pipe("test_reference_paragraph_boundaries", before="parser")
    return nlp


def _bodies(seeds_dir) -> list[str]:  # type: ignore[no-untyped-def]
    docs = [d for d in iter_inputs([seeds_dir, EXAMPLES / "corpus"]) if isinstance(d, RawDocument)]
    return [clean(d).body for d in docs]


def test_same_attributes_as_spacys_components_on_seeds_corpus_and_exceptions(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    fast, stock = load_nlp(), _stock()
    assert "newsweave_attribute_rules" in fast.pipe_names and "attribute_ruler" not in fast.pipe_names
    assert "newsweave_lemmas" in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    for name in ("tok2vec", "tagger", "parser", "ner"):  # every layer of every model; spaCy's own stay on blis
        assert all(isinstance(node.ops, MatmulOps) for node in fast.get_pipe(name).model.walk()), name
        assert not isinstance(stock.get_pipe(name).model.ops, MatmulOps), name
    texts = _bodies(seeds_dir) + TRICKY
    assert len(texts) >= 20
    tokens = 0
    for ours, theirs in zip(fast.pipe(texts), stock.pipe(texts), strict=True):
        assert _attributes(ours) == _attributes(theirs), ours.text[:80]
        tokens += len(ours)
    assert tokens > 5_000
    # the exceptions really fired (not just the tag map): "ai" -> "be", "na" -> "to", "nothin'" -> "nothing"
    doc = fast(TRICKY[0])
    assert [t.lemma_ for t in doc if t.lower_ in ("ai", "na", "nothin'")] == ["be", "to", "nothing"]


def test_a_ruler_with_an_unsupported_rule_is_left_in_place() -> None:
    nlp = _stock()
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})  # a quantifier: not supported
    assert AttributeRules.from_ruler(ruler) is None
    assert not use_attribute_rules(nlp)
    assert "attribute_ruler" in nlp.pipe_names


def test_remembered_lemmas_start_over_when_full_and_stay_right(seeds_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import newsweave.extract.lemmas as lemmas

    monkeypatch.setattr(lemmas, "MAX_REMEMBERED", 50)
    fast, stock = load_nlp(), _stock()
    remembered = fast.get_pipe("newsweave_lemmas")
    remembered.known.clear()  # as a fresh process starts (the pipeline is loaded once per process)
    remembered.lemmatizer.cache.clear()
    texts = _bodies(seeds_dir)
    for ours, theirs in zip(fast.pipe(texts), stock.pipe(texts), strict=True):
        assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
        assert len(remembered.known) <= 50
        assert len(remembered.lemmatizer.cache) <= 51  # spaCy's own cache is emptied with ours

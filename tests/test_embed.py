"""Sentence embeddings (WordLlama, shipped in its wheel): unit rows, one per input text."""

from __future__ import annotations

import numpy as np

from newsweave.embed import embed


def test_repeated_texts_get_the_vectors_they_get_alone() -> None:
    """A story repeats sentences; each distinct text is embedded once and the rows still line up."""
    call = "Lee Jae-myung spoke with Xi Jinping by phone for 30 minutes on Tuesday."
    other = "The two leaders agreed to meet at the summit in Gyeongju."
    together = embed([call, other, call, call, other])
    assert together.shape == (5, 256)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = embed([call])[0], embed([other])[0]
    for row, want in zip(together, [alone[0], alone[1], alone[0], alone[0], alone[1]], strict=True):
        assert np.array_equal(row, want)
    assert float(together[0] @ together[1]) < 0.99  # different sentences, different vectors
    assert embed([]).shape == (0, 256)

"""Shared test fixtures: where the seeds and evaluation data live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSWEAVE_SHARED", REPO.parent / "shared"))
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"

SEED_HANKYUNG = SEEDS / "000_972c876564d1f685.txt"
SEED_KBS = SEEDS / "001_c90bd6551a780e7d.txt"
SEED_JOONGANG = SEEDS / "002_a98a7e0c7420bd65.txt"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed articles not found at {SEEDS} (set NEWSWEAVE_SHARED)")
    return SEEDS

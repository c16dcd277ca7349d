"""Fixtures for the importer tests: the real pages in ../shared/corpus and the seed capture.

The corpus lives beside the checkout (CI copies shared/ next to the clone); a missing corpus fails loudly,
never skips."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = (REPO_ROOT / ".." / "shared").resolve()
CORPUS_HTML = SHARED / "corpus" / "html"
SEED_DIR = SHARED / "seed"


def require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"importer test data is missing: {path} (shared/ must sit beside the checkout)")
    return path


@pytest.fixture(scope="session")
def corpus_html() -> Path:
    return require(CORPUS_HTML)


@pytest.fixture(scope="session")
def seed_capture() -> Path:
    captures = sorted(require(SEED_DIR).glob("*.txt"))
    if not captures:
        pytest.fail(f"no seed capture (*.txt) in {SEED_DIR}")
    return captures[0]

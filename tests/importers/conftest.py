"""Fixtures for the importer tests.

The default suite reads only what the repository holds: `data/pages/` (the 36 public-domain government pages of
the project's corpus, trimmed of scripts, styles and navigation by `data/trim_page.py`, which keeps a page only
when its import is unchanged; provenance in `data/pages/manifest.tsv`), `data/captures/` (real plain-text page
captures, each with a hand-labelled `.expected.json`) and small snippets.

The full, untrimmed corpus drives an extra tier: `EXPORTER_CORPUS=/path/to/corpus pytest -m corpus` (CI runs it
when the corpus folder sits beside the checkout). Without the variable those tests are not collected as passes:
they are deselected and counted as such.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
PAGES = DATA / "pages"
CAPTURES = DATA / "captures"
SEED_CAPTURE = CAPTURES / "seed_defense-gov_stoltenberg.txt"


def require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"importer test data is missing: {path}")
    return path


def corpus_root() -> Path | None:
    """The full corpus named by EXPORTER_CORPUS (a folder holding `html/`), or None when the tier is off."""
    value = os.environ.get("EXPORTER_CORPUS")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def corpus_html() -> Path:
    return require(PAGES)


@pytest.fixture(scope="session")
def seed_capture() -> Path:
    return require(SEED_CAPTURE)

"""`exporter import SOURCE -o x.md`, then reading x.md, gives the model that reading SOURCE gives (compared as
JSON), for every page and capture the tests hold, and with EXPORTER_CORPUS for every page of the full corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import Warnings
from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.serialize import serialize, to_json
from tests.importers.conftest import CAPTURES, PAGES, corpus_root

SOURCES = sorted(PAGES.glob("*.html")) + sorted(PAGES.glob("*.json")) + sorted(CAPTURES.glob("*.txt"))


def assert_round_trip(source: Path, folder: Path) -> None:
    direct = read_document(source, BuildOptions()).document
    markdown = folder / f"{source.stem}.md"
    markdown.write_bytes(serialize(direct, markdown, Warnings(strict=True)))
    again = read_document(markdown, BuildOptions()).document
    assert to_json(again) == to_json(direct), source.name


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name[:60])
def test_import_to_markdown_reads_back_the_same(source: Path, tmp_path: Path) -> None:
    assert_round_trip(source, tmp_path)


@pytest.mark.corpus
def test_every_corpus_page_round_trips(tmp_path: Path) -> None:
    root = corpus_root()
    assert root is not None and (root / "html").is_dir(), f"EXPORTER_CORPUS has no html/ folder: {root}"
    pages = sorted(path for path in (root / "html").iterdir() if path.suffix in (".html", ".htm", ".json"))
    assert pages
    for page in pages:
        assert_round_trip(page, tmp_path)

"""The extra tier over the full, untrimmed corpus (EXPORTER_CORPUS=/path/to/corpus pytest -m corpus): the trimmed
copies in data/pages stand for the real pages (same import), and every real page reads as its case says."""

from __future__ import annotations

import pytest

from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.serialize import to_json
from tests.importers.conftest import PAGES, corpus_root

pytestmark = pytest.mark.corpus


def full_pages():
    root = corpus_root()
    assert root is not None and (root / "html").is_dir(), f"EXPORTER_CORPUS has no html/ folder: {root}"
    return sorted(path for path in (root / "html").iterdir() if path.suffix in (".html", ".htm", ".json"))


def test_trimmed_copies_import_as_the_real_pages() -> None:
    for page in full_pages():
        copy = PAGES / page.name
        assert copy.is_file(), f"{page.name} has no trimmed copy in {PAGES}"
        real = read_document(page, BuildOptions())
        trimmed = read_document(copy, BuildOptions())
        assert to_json(trimmed.document) == to_json(real.document), page.name
        assert [w.replace(str(copy), "") for w in trimmed.warnings] == [
            w.replace(str(page), "") for w in real.warnings
        ], page.name


def test_every_real_page_has_a_case() -> None:
    from tests.importers.test_importers_corpus import CASES

    names = {case.name for case in CASES}
    assert {page.name for page in full_pages() if page.suffix != ".json"} == names

"""Facts are read from where each format keeps them: the provenance block and the metadata, never the first
link of the body; languages are compared as one normalised tag; only the format that differs is blamed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from exporter.checks import docx_format, epub_format, html_format, pdf_format
from exporter.checks.consistency import consistency_results
from exporter.checks.facts import facts_of_model
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.checks.conftest import build
from tests.conftest import SAMPLES

SOURCE_URL = "https://www.af.mil/News/Article-Display/Article/4000001/airmen-restore-a-mural/"
ARTICLE = f"""---
title: Airmen Restore a Mural
language: en-US
source: {{url: "{SOURCE_URL}", agency: U.S. Air Force}}
---

Read more about the program at [https://culture.af.mil/](https://culture.af.mil/), the culture site.

![The mural after restoration.](images/nasa-eileen-collins.png "Restored"){{alt="A wall painting of aircraft over a \
desert, freshly repainted in bright colours" credit="Senior Airman Jane Roe" virin="230214-F-TT977-0483"}}

Closing paragraph with [another link](https://www.example.org/).
"""
READERS = {"html": html_format.facts, "pdf": pdf_format.facts, "epub": epub_format.facts, "docx": docx_format.facts}


@pytest.fixture(scope="module")
def mural(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("mural")
    shutil.copytree(SAMPLES / "images", folder / "images")
    source = folder / "mural.md"
    source.write_text(ARTICLE, encoding="utf-8")
    return source, build(source, folder / "out")


@pytest.mark.parametrize("kind", READERS)
def test_the_source_url_comes_from_the_provenance_block_not_the_first_body_link(mural, kind):
    _, outputs = mural
    [facts] = READERS[kind](outputs[kind])
    assert facts.source_url == SOURCE_URL
    assert facts.official_notice is True


@pytest.mark.parametrize("kind", READERS)
def test_every_reader_gives_the_same_normalised_language(mural, kind):
    _, outputs = mural
    [facts] = READERS[kind](outputs[kind])
    assert facts.language == "en"  # en-US in the source, the PDF and the HTML; `en` back from the DOCX


def test_all_four_agree_with_the_source(mural):
    source, outputs = mural
    expected = facts_of_model(read_document(source, BuildOptions()).document)
    results = consistency_results({path: READERS[kind](path) for kind, path in outputs.items()}, expected)
    assert [(r.target.suffix, [str(f) for f in r.findings]) for r in results if r.findings] == []
    assert len(results) == 4


def test_only_the_damaged_pdf_is_blamed(mural, tmp_path):
    _, outputs = mural
    copies = {kind: Path(shutil.copy(path, tmp_path / path.name)) for kind, path in outputs.items()}
    with pikepdf.open(copies["pdf"], allow_overwriting_input=True) as pdf:
        figure = next(obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure")
        figure.Alt = pikepdf.String("A photo")
        pdf.save(copies["pdf"])
    results = consistency_results({path: READERS[kind](path) for kind, path in copies.items()}, None)
    failed = {r.target.suffix: [str(f) for f in r.findings] for r in results if r.status == "failed"}
    assert list(failed) == [".pdf"], failed
    assert failed[".pdf"] == ["FACT-DIFFERS: PDF: figure 1: alt is 'A photo', HTML, EPUB and DOCX have 'A wall "
                              "painting of aircraft over a desert, freshly repainted in bright colours'"]


def test_a_pdf_of_one_article_without_a_provenance_block_falls_back_to_its_metadata(mural, tmp_path):
    """dc:source in the XMP is where a PDF keeps the source when the page carries no provenance block."""
    _, outputs = mural
    path = Path(shutil.copy(outputs["pdf"], tmp_path / "mural.pdf"))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") in ("/H2", "/H3"):
                obj.S = pikepdf.Name("/P")  # the provenance block loses its heading: it is no longer found
        pdf.save(path)
    [facts] = pdf_format.facts(path)
    assert facts.source_url == SOURCE_URL


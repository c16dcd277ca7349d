"""Done when (issue 13, item 4): an image inside a sentence stays an inline image with its alt text in every
format; it is not a figure.

One Markdown article holds a picture inside a sentence, one inside a link (a badge) and a decorative one (empty
alt). It is built to all four formats once; each test reads one output as that format's reader would.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import html
from PIL import Image

from exporter.errors import ExportError
from exporter.markdown_source import to_markdown
from exporter.model import Article, InlineImage, Link, plain_text, walk_inlines
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.roundtrip.conftest import build_formats

SOURCE = """---
title: Controls of the new console
language: en-US
---

Press the ![power button](power.png "Power") once to *start* the console.

Every build is tested [![build passing](badge.png)](https://example.com/ci) before release.

A rule ![](rule.png) separates the sections.
"""

ALTS = ["power button", "build passing"]


def png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inline-images")
    (folder / "power.png").write_bytes(png(64, 64, (20, 90, 160)))
    (folder / "badge.png").write_bytes(png(120, 24, (30, 130, 60)))
    (folder / "rule.png").write_bytes(png(200, 10, (120, 120, 120)))
    path = folder / "console.md"
    path.write_text(SOURCE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outputs(source, tmp_path_factory) -> dict[str, Path]:
    return build_formats(source, tmp_path_factory.mktemp("inline-out"))


def test_markdown_reads_an_image_in_a_sentence_as_part_of_it(source):
    result = read_document(source, BuildOptions())
    article = result.document
    assert isinstance(article, Article)
    assert article.figures() == []
    assert [image.alt for image in article.inline_images()] == [*ALTS, ""]
    assert plain_text(article.body[0].children) == "Press the power button once to start the console."
    link = next(node for node in walk_inlines(article.body[1].children) if isinstance(node, Link))
    assert isinstance(link.children[0], InlineImage)
    assert not [warning for warning in result.warnings if "running text" in warning]


def test_strict_keeps_the_refusal(source):
    with pytest.raises(ExportError, match="an image inside running text"):
        read_document(source, BuildOptions(strict=True))


def test_a_decorative_inline_image_is_said(outputs, source):
    from exporter.pipeline import export

    result = export(source, BuildOptions(formats=("html",), out_dir=outputs["html"].parent / "again"))
    assert any("rule.png inside running text has no alt text" in warning for warning in result.warnings)


def test_html_and_epub_keep_each_picture_in_its_sentence(outputs):
    page = html.fromstring(outputs["html"].read_bytes())
    images = page.xpath("//p//img[contains(@class, 'inline-image')]")
    assert [image.get("alt") for image in images] == [*ALTS, ""]
    assert not page.xpath("//figure")
    with zipfile.ZipFile(outputs["epub"]) as book:
        chapter = next(name for name in book.namelist() if name.endswith(".xhtml") and "nav" not in name)
        text = book.read(chapter).decode()
        alts = re.findall(r'<img class="inline-image" src="([^"]+)" alt="([^"]*)"', text)
        assert [alt for _, alt in alts] == [*ALTS, ""]
        for src, _ in alts:  # every picture is in the book
            assert any(name.endswith(src.rsplit("/", 1)[-1]) for name in book.namelist())


def test_pdf_tags_each_picture_inside_its_paragraph_with_its_alt(outputs):
    from exporter.checks.pdf_tags import TaggedPdf

    with pikepdf.open(outputs["pdf"]) as pdf:
        tagged = TaggedPdf(pdf)
        figures = [element for element in tagged.elements if element.type == "Figure"]
        holders = []
        for figure in figures:
            holder = figure.parent
            while holder is not None and holder.type not in ("P", "Link"):
                holder = holder.parent
            holders.append(holder.type if holder is not None else None)
    # The decorative one is an artifact (a background), not a Figure.
    assert [figure.alt for figure in figures] == ALTS
    assert holders == ["P", "Link"]


def test_docx_keeps_the_pictures_in_their_paragraphs_and_reads_back_the_same(outputs, source):
    with zipfile.ZipFile(outputs["docx"]) as archive:
        document = archive.read("word/document.xml").decode()
    assert document.count("<wp:inline") == 3
    again = read_document(outputs["docx"], BuildOptions()).document
    assert isinstance(again, Article)
    assert again.figures() == []
    assert [image.alt for image in again.inline_images()] == [*ALTS, ""]
    original = read_document(source, BuildOptions()).document
    assert [plain_text(block.children) for block in again.body] == [
        plain_text(block.children) for block in original.body
    ]


def test_markdown_round_trip_and_pandoc_agree(source, tmp_path):
    import pypandoc

    original = read_document(source, BuildOptions()).document
    path = tmp_path / "again.md"
    path.write_text(to_markdown(original), encoding="utf-8")
    again = read_document(path, BuildOptions()).document
    assert again.model_dump() == original.model_dump()
    ast = json.dumps(json.loads(pypandoc.convert_file(str(source), "json")))
    assert ast.count('"t": "Image"') == 3


def test_a_missing_picture_leaves_its_alt_text_in_the_sentence(tmp_path):
    from exporter.pipeline import export

    path = tmp_path / "missing.md"
    path.write_text(SOURCE.split("Every build")[0], encoding="utf-8")
    result = export(path, BuildOptions(formats=("html", "docx"), out_dir=tmp_path / "out"))
    assert not result.error
    assert any("power.png was not found: its alt text is shown" in warning for warning in result.warnings)
    page = html.fromstring((tmp_path / "out" / "missing.html").read_bytes())
    assert "Press the power button once" in " ".join(page.text_content().split())


@pytest.mark.slow
def test_every_format_passes_its_checks(outputs, source):
    from exporter.checks.facts import facts_of_model
    from exporter.checks.run import check_files

    article = read_document(source, BuildOptions()).document
    results = check_files(list(outputs.values()), expected=facts_of_model(article))
    failed = [(result.check, result.path.name, result.findings or result.reason) for result in results
              if result.status != "passed"]
    assert not failed

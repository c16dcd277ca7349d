"""Tables with a caption are numbered in every format ("Table N.", one sequence through a packet, also when the
packet's articles are rendered apart), and a caption's own number is left out with one warning."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from lxml import html

from exporter.checks.pdf_tags import TaggedPdf
from exporter.errors import Warnings
from exporter.model import Article, Emphasis, Table, TableCell, TableRow, Text, plain_text
from exporter.pipeline import drop_table_labels
from tests.conftest import run_exporter

pytestmark = pytest.mark.slow

FRONT = """---
title: {title}
published: "2025-08-15"
language: en
source:
  url: https://www.example.org/{slug}
  agency: Example Office
---

"""
TABLE = """| Month | Gallons |
|---|---|
| March | 1200 |

"""
FIRST = FRONT.format(title="Fuel report", slug="fuel") + (
    "The table below is the author's own Table 7.\n\n" + TABLE + ": Table 7: Fuel by month\n\n"
    + "A second table.\n\n" + TABLE + ": Sorties by month\n"
)
SECOND = FRONT.format(title="Site report", slug="sites") + (
    "A table without caption is not numbered.\n\n" + TABLE + "Then one with a caption.\n\n" + TABLE
    + ": Sites by area\n\nAnd one whose caption is only its number.\n\n" + TABLE + ": Table 12\n"
)
PACKET = """title: Reports
language: en
articles:
  - fuel.md
  - sites.md
"""
EXPECTED = ["Table 1. Fuel by month", "Table 2. Sorties by month", "Table 3. Sites by area", "Table 4."]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("tables")
    (folder / "fuel.md").write_text(FIRST, encoding="utf-8")
    (folder / "sites.md").write_text(SECOND, encoding="utf-8")
    (folder / "reports.yaml").write_text(PACKET, encoding="utf-8")
    out = folder / "out"
    result = run_exporter("build", folder / "fuel.md", folder / "reports.yaml", "--to", "html,pdf,epub,docx",
                          "--out", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out, result.stderr


def captions_in_markup(data: bytes) -> list[str]:
    return [" ".join(caption.text_content().split()) for caption in html.fromstring(data).xpath("//caption")]


def test_html_and_epub_number_captioned_tables_through_the_packet(built):
    out, _ = built
    assert captions_in_markup((out / "reports.html").read_bytes()) == EXPECTED
    assert captions_in_markup((out / "fuel.html").read_bytes()) == EXPECTED[:2]
    with zipfile.ZipFile(out / "reports.epub") as book:
        pages = sorted(name for name in book.namelist() if name.endswith(".xhtml") and "nav" not in name)
        assert [caption for name in pages for caption in captions_in_markup(book.read(name))] == EXPECTED


def test_the_pdf_packet_numbers_on_across_articles_rendered_apart(built):
    out, _ = built
    with pikepdf.open(out / "reports.pdf") as pdf:
        tagged = TaggedPdf(pdf)
        captions = [" ".join(tagged.text(element).split()) for element in tagged.elements
                    if element.type == "Caption"]
    assert [caption for caption in captions if caption.startswith("Table")] == EXPECTED


def test_the_docx_numbers_them_once(built):
    out, _ = built
    captions = [paragraph.text.strip() for paragraph in Document(str(out / "reports.docx")).paragraphs
                if paragraph.style.name == "Caption"]
    assert captions == EXPECTED


def test_a_captions_own_number_is_left_out_with_one_warning(built):
    _, stderr = built
    warnings = [line for line in stderr.splitlines() if "table caption number" in line]
    # Once for the article, once for the packet that holds it, which names the article; the label-only
    # caption of the second article is its packet warning's.
    assert len(warnings) == 3 and all("1 table caption number(s) such as \"Table 1:\"" in w for w in warnings)
    named = sorted((Path(line.split(": ")[1]).name, line.split(": ")[2]) for line in warnings)
    assert named == [("fuel.md", "1 table caption number(s) such as \"Table 1:\" left out of the caption text"),
                     ("reports.yaml", "article 'Fuel report'"), ("reports.yaml", "article 'Site report'")]


@pytest.mark.parametrize(
    ("caption", "left"),
    [
        ([Text(text="Table 3-1. Summary of forces")], "Summary of forces"),  # chapter numbers
        ([Text(text="Table 2.1: Results")], "Results"),
        ([Text(text="Table 10 \u2013 Fuel")], "Fuel"),
        ([Text(text="Table 2: "), Emphasis(children=[Text(text="Results")])], "Results"),
        ([Text(text="Table 12")], ""),  # only its number
        ([Text(text="Table 1 shows sorties")], "Table 1 shows sorties"),  # no separator: a sentence
        ([Text(text="Tablet 3: a device")], "Tablet 3: a device"),
    ],
)
def test_which_caption_numbers_are_left_out(caption, left):
    table = Table(caption=caption, rows=[TableRow(cells=[TableCell(children="x")])])
    drop_table_labels([Article(title="T", language="en", body=[table])], Path("x.md"), Warnings())
    assert plain_text(table.caption) == left and table.caption

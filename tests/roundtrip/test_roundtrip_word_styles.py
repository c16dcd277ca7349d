"""DOCX files we did not write: Word's own styles (Title, Heading 1-9, Quote, List Bullet / List Number,
Caption), outline levels set on a paragraph, tables with header rows, merged cells and HYPERLINK fields."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

from exporter.model import BlockQuote, Figure, Heading, Link, ListBlock, Paragraph, Strong, Table, plain_text
from tests.roundtrip.conftest import read_docx


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def hyperlink_field(paragraph, url: str, text: str) -> None:
    """A link as Word writes it when it uses a field: begin, instruction, separate, result, end."""

    def run_with(child) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.text = f' HYPERLINK "{url}" '
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


@pytest.fixture(scope="module")
def word_document(tmp_path_factory):
    document = docx.Document()
    document.add_paragraph("A Headline in Word's Title Style", style="Title")
    intro = document.add_paragraph("An opening paragraph with ")
    intro.add_run("bold words").bold = True
    intro.add_run(" and a ")
    hyperlink_field(intro, "https://www.example.org/field", "field link")
    intro.add_run(".")
    document.add_heading("First section", level=1)
    document.add_paragraph("A quotation somebody said.", style="Quote")
    document.add_paragraph("First bullet", style="List Bullet")
    document.add_paragraph("Second bullet", style="List Bullet")
    document.add_paragraph("Step one", style="List Number")
    document.add_paragraph("Step two", style="List Number")
    document.add_heading("A subsection", level=2)
    outlined = document.add_paragraph("Heading by outline level only")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")  # 0-based: level 2 in Word's numbering
    outlined._p.get_or_add_pPr().append(outline)
    document.add_picture(io.BytesIO(png(300, 150)), width=Inches(3))
    document.inline_shapes[0]._inline.docPr.set("descr", "An orange rectangle twice as wide as it is tall.")
    document.add_paragraph("Figure 1: An orange rectangle. Credit: Test Desk", style="Caption")
    table = document.add_table(rows=3, cols=3)
    for row_index, row in enumerate(table.rows):
        for column, cell in enumerate(row.cells):
            cell.text = f"r{row_index}c{column}"
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    merged = table.cell(1, 0).merge(table.cell(2, 0))
    merged.text = "merged"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "wide"
    document.add_paragraph("Closing paragraph.")
    path = tmp_path_factory.mktemp("roundtrip-word") / "word-styles.docx"
    document.save(str(path))
    return read_docx(path)


def test_roundtrip_word_title_headings_and_outline_levels(word_document):
    article = word_document.document
    assert article.title == "A Headline in Word's Title Style"
    headings = [(b.level, plain_text(b.children)) for b in article.body if isinstance(b, Heading)]
    # Heading 1 under a Title is the first body level (2); an outline level counts like a heading style.
    assert headings == [(2, "First section"), (3, "A subsection"), (3, "Heading by outline level only")]


def test_roundtrip_word_inline_formatting_and_field_links(word_document):
    first = word_document.document.body[0]
    assert isinstance(first, Paragraph)
    assert any(
        isinstance(node, Strong) and plain_text(node.children) == "bold words" for node in first.children
    )
    [link] = [node for node in first.children if isinstance(node, Link)]
    assert link.href == "https://www.example.org/field" and plain_text(link.children) == "field link"


def test_roundtrip_word_quote_and_lists_from_style_numbering(word_document):
    body = word_document.document.body
    [quote] = [b for b in body if isinstance(b, BlockQuote)]
    assert plain_text(quote.children[0].children) == "A quotation somebody said."
    lists = [b for b in body if isinstance(b, ListBlock)]
    assert [(b.ordered, [plain_text(i[0].children) for i in b.items]) for b in lists] == [
        (False, ["First bullet", "Second bullet"]),
        (True, ["Step one", "Step two"]),
    ]


def test_roundtrip_word_picture_with_caption_style(word_document):
    [figure] = [b for b in word_document.document.body if isinstance(b, Figure)]
    assert figure.alt == "An orange rectangle twice as wide as it is tall."
    # The credit at the end of the caption's line is the figure's credit, as if on a line of its own.
    assert plain_text(figure.caption) == "An orange rectangle."
    assert figure.credit == "Test Desk"
    assert figure.image in word_document.images


def test_roundtrip_word_table_header_row_and_merged_cells(word_document):
    [table] = [b for b in word_document.document.body if isinstance(b, Table)]
    assert [plain_text(c.children) for c in table.head[0].cells] == ["r0c0", "r0c1", "r0c2"]
    assert all(cell.header for cell in table.head[0].cells)
    first_row = table.rows[0].cells
    assert plain_text(first_row[0].children).startswith("merged") and first_row[0].rowspan == 2
    assert plain_text(first_row[1].children).startswith("wide") and first_row[1].colspan == 2
    assert len(table.rows[1].cells) == 2  # the merged cell's continuation is not a cell of its own


def test_roundtrip_tracked_changes_read_as_accepted_and_reported(tmp_path):
    """An editor's unaccepted tracked changes: insertions count, deletions do not, and the reader says so."""
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("Tracked Changes", style="Title")
    paragraph = document.add_paragraph("Kept text, ")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    paragraph._p.append(
        parse_xml(
            f'<w:ins xmlns:w="{w}" w:id="1" w:author="Editor" w:date="2025-01-01T00:00:00Z">'
            "<w:r><w:t>inserted text</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del xmlns:w="{w}" w:id="2" w:author="Editor" w:date="2025-01-01T00:00:00Z">'
            "<w:r><w:delText> deleted text</w:delText></w:r></w:del>"
        )
    )
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    result = read_docx(path)
    assert plain_text(result.document.body[0].children) == "Kept text, inserted text"
    assert any("2 tracked change(s) read as if accepted" in message for message in result.warnings)

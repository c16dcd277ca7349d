"""Each DOCX rule against a document that breaks it and one that keeps it.

The documents are built here with python-docx and lxml, independently of our writer, so the checker is tested
on Word documents as other tools make them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph
from PIL import Image

from exporter.checks.docx_rules import RULES, check_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DECORATIVE = (
    '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
    "</a:ext></a:extLst>"
)


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 60)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def base_document() -> Document:
    """A small document that keeps every rule: title, language, Heading 1, readable text."""
    document = docx.Document()
    document.core_properties.title = "Quarterly report"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    defaults.find(qn("w:lang")).set(qn("w:val"), "en-US")
    readable_headings(document)
    document.add_paragraph("Quarterly report", style="Heading 1")
    document.add_paragraph("The numbers for the quarter are in.")
    return document


def readable_headings(document: Document) -> None:
    """The template's accent blue (#4F81BD, 4.0:1) replaced by a dark blue, theme reference removed."""
    for style_id in ("Heading2", "Heading3"):
        style = next(s for s in document.styles if s.style_id == style_id)
        colour = style.element.find(qn("w:rPr")).find(qn("w:color"))
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(attribute), None)
        colour.set(qn("w:val"), "1F3864")


def caption_style(document: Document, name: str = "Caption"):
    style = next(s for s in document.styles if s.style_id == "Caption")
    style.element.find(qn("w:name")).set(qn("w:val"), name)
    colour = style.element.find(qn("w:rPr")).find(qn("w:color"))
    colour.attrib.pop(qn("w:themeColor"), None)
    colour.set(qn("w:val"), "1F3864")
    return style


def add_picture(document: Document, alt: str | None, *, caption: str | None = "Figure 1. The site.") -> Paragraph:
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    run.add_picture(png(), width=Inches(1))
    doc_pr = run._r.xpath(".//wp:docPr")[0]
    if alt is not None:
        doc_pr.set("descr", alt)
    if caption is not None:
        document.add_paragraph(caption, style=caption_style(document))
    return paragraph


def add_hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    relationship = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    if text:
        t = OxmlElement("w:t")
        t.text = text
        run.append(t)
    link.append(run)
    paragraph._p.append(link)


def rules_broken(document: Document) -> set[str]:
    buffer = io.BytesIO()
    document.save(buffer)
    return {finding.rule for finding in check_docx(buffer.getvalue())}


def broken_after(change: Callable[[Document], None]) -> set[str]:
    """The rules the base document breaks after `change`."""
    document = base_document()
    change(document)
    return rules_broken(document)


def test_the_base_document_passes_every_rule():
    assert rules_broken(base_document()) == set()


def test_every_rule_has_a_description_and_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [rule for rule, description in RULES.items() if not description or f'"{rule}"' not in source]
    assert untested == []


# ---------------------------------------------------------------- alt text


def test_alt_missing():
    failing = base_document()
    add_picture(failing, None)
    passing = base_document()
    add_picture(passing, "A green square.")
    decorative = base_document()
    picture = add_picture(decorative, None, caption=None)
    picture.runs[0]._r.xpath(".//wp:docPr")[0].append(parse_xml(DECORATIVE))
    assert "DOCX-ALT-MISSING" in rules_broken(failing)
    assert rules_broken(passing) == set()
    assert rules_broken(decorative) == set()  # decorative: no alt and no caption needed


@pytest.mark.parametrize("name", ["IMG_1234.JPG", "photo 7.png", "230214-D-TT977-0483", "DSC0042"])
def test_alt_file_name(name):
    failing = base_document()
    add_picture(failing, name)
    assert "DOCX-ALT-FILENAME" in rules_broken(failing)


def test_alt_file_name_passes_a_description():
    passing = base_document()
    add_picture(passing, "Two people shake hands in front of a flag.")
    assert "DOCX-ALT-FILENAME" not in rules_broken(passing)


def test_alt_repeating_the_caption():
    caption = "Figure 1. Secretary Austin meets NATO Secretary General Stoltenberg in Brussels."
    failing = base_document()
    repeated = "Secretary Austin meets NATO Secretary General Stoltenberg in Brussels."
    add_picture(failing, repeated, caption=caption)
    passing = base_document()
    add_picture(passing, "Two men talk across a conference table.", caption=caption)
    assert "DOCX-ALT-CAPTION" in rules_broken(failing)
    assert rules_broken(passing) == set()


@pytest.mark.parametrize(("alt", "rule"), [("Photo", "DOCX-ALT-GENERIC"), ("A wide view. " * 30, "DOCX-ALT-LONG")])
def test_alt_generic_or_too_long(alt, rule):
    failing = base_document()
    add_picture(failing, alt)
    assert rule in rules_broken(failing)


# ---------------------------------------------------------------- headings


def test_no_headings():
    failing = docx.Document()
    failing.core_properties.title = "Memo"
    failing.add_paragraph("Just text.")
    assert "DOCX-HEADING-NONE" in rules_broken(failing)
    assert "DOCX-HEADING-NONE" not in rules_broken(base_document())


def test_fake_heading_in_direct_bold():
    def fake(document: Document) -> None:
        document.add_paragraph().add_run("Results").bold = True
        document.add_paragraph("Sales rose.")

    def real(document: Document) -> None:
        document.add_paragraph("Results", style="Heading 2")
        document.add_paragraph("Sales rose.")

    assert "DOCX-HEADING-FAKE" in broken_after(fake)
    assert broken_after(real) == set()


def test_a_line_of_bold_links_is_not_a_fake_heading():
    def bold_links(document: Document, between: str) -> None:
        paragraph = document.add_paragraph()
        namespaces = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
        for index, text in enumerate(("Download hi-res", "Photo details")):
            if index:
                paragraph.add_run(between).bold = True
            rel = document.part.relate_to(f"https://www.af.mil/{index}", RT.HYPERLINK, is_external=True)
            paragraph._p.append(parse_xml(
                f'<w:hyperlink {namespaces} r:id="{rel}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:b/></w:rPr>'
                f"<w:t>{text}</w:t></w:r></w:hyperlink>"
            ))
        document.add_paragraph("The photo shows the range.")

    assert "DOCX-HEADING-FAKE" not in broken_after(lambda document: bold_links(document, " / "))
    assert "DOCX-HEADING-FAKE" in broken_after(lambda document: bold_links(document, " and the "))


def test_list_items_in_bold_are_not_fake_headings():
    def bold_items(document: Document) -> None:
        for item in ("Alpha", "Bravo", "Charlie"):
            document.add_paragraph(style="List Number").add_run(item).bold = True

    assert broken_after(bold_items) == set()

    def numbered_fake_headings(document: Document) -> None:
        for title in ("Introduction", "Methods"):
            document.add_paragraph(style="List Number").add_run(title).bold = True
            document.add_paragraph("The body of the section.")

    assert "DOCX-HEADING-FAKE" in broken_after(numbered_fake_headings)


def test_first_heading_not_level_1():
    failing = docx.Document()
    failing.core_properties.title = "Report"
    readable_headings(failing)
    failing.add_paragraph("Background", style="Heading 2")
    failing.add_paragraph("Text.")
    assert "DOCX-HEADING-FIRST" in rules_broken(failing)
    assert "DOCX-HEADING-FIRST" not in rules_broken(base_document())


def test_skipped_heading_level():
    def skip(document: Document) -> None:
        document.add_paragraph("Detail", style="Heading 3")

    def in_order(document: Document) -> None:
        document.add_paragraph("Section", style="Heading 2")
        document.add_paragraph("Detail", style="Heading 3")

    assert "DOCX-HEADING-SKIP" in broken_after(skip)
    assert broken_after(in_order) == set()


# ---------------------------------------------------------------- title and language


def test_title_missing():
    failing = base_document()
    failing.core_properties.title = ""
    assert rules_broken(failing) == {"DOCX-TITLE"}


def test_language_missing():
    failing = base_document()
    rpr = failing.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.remove(rpr.find(qn("w:lang")))
    assert rules_broken(failing) == {"DOCX-LANGUAGE"}


# ---------------------------------------------------------------- tables


def add_table(document: Document, *, header: bool, rows: int = 2) -> None:
    table = document.add_table(rows=rows, cols=2)
    for (row, column), text in {(0, 0): "Year", (0, 1): "Sales", (1, 0): "2024", (1, 1): "12"}.items():
        if row < rows:
            table.cell(row, column).text = text
    if header:
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def without_header_look(document: Document, *, bold_first_row: bool = False) -> None:
    """A table whose style's Header Row option is off: it shows no header unless its first row is bold."""
    add_table(document, header=False)
    table = document.tables[-1]
    table._tbl.tblPr.find(qn("w:tblLook")).set(qn("w:firstRow"), "0")
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = bold_first_row


def test_a_row_drawn_as_a_header_is_marked_as_one():
    # python-docx's table style has Header Row on: its first row is drawn as a header.
    assert "DOCX-TABLE-HEADER" in broken_after(lambda d: add_table(d, header=False))
    assert broken_after(lambda d: add_table(d, header=True)) == set()
    assert "DOCX-TABLE-HEADER" in broken_after(lambda d: without_header_look(d, bold_first_row=True))
    # No header look, no header to announce (WCAG F91 is about headers that are only drawn).
    assert broken_after(without_header_look) == set()
    # One row has nothing below it for a header to name (a boxed note in a Word draft).
    assert broken_after(lambda d: add_table(d, header=False, rows=1)) == set()


def test_a_malformed_table_look_is_read_as_no_header_look():
    def malformed(document: Document) -> None:
        without_header_look(document)
        look = document.tables[-1]._tbl.tblPr.find(qn("w:tblLook"))
        del look.attrib[qn("w:firstRow")]
        look.set(qn("w:val"), "not-hex")

    assert broken_after(malformed) == set()


# ---------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("url", "text", "broken"),
    [
        # A URL names where the link goes (WCAG 2.4.4); the HTML, EPUB and PDF checks accept it too.
        ("https://example.org/report", "https://example.org/report", False),
        ("https://example.org/report", "www.example.org/report", False),
        ("https://example.org/report", "", True),
        ("https://example.org/report", "the full report", False),
        ("mailto:press@example.org", "write to the press office", False),
    ],
)
def test_link_text(url, text, broken):
    found = broken_after(lambda d: add_hyperlink(d.add_paragraph("See "), url, text))
    assert ("DOCX-LINK-TEXT" in found) is broken


# ---------------------------------------------------------------- floating pictures


def test_floating_picture():
    def floating(document: Document) -> None:
        paragraph = add_picture(document, "A green square.")
        inline = paragraph.runs[0]._r.xpath(".//wp:inline")[0]
        # What Word writes for "Square" wrapping: the same picture in a wp:anchor with a position.
        anchor = parse_xml(
            '<wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            "</wp:anchor>"
        )
        anchor.append(inline.find(qn("wp:extent")))
        anchor.append(parse_xml(f'<wp:wrapSquare xmlns:wp="{anchor.nsmap["wp"]}" wrapText="bothSides"/>'))
        for child in list(inline):
            anchor.append(child)
        inline.getparent().replace(inline, anchor)

    assert "DOCX-FLOATING" in broken_after(floating)
    assert broken_after(lambda d: add_picture(d, "A green square.")) == set()


# ---------------------------------------------------------------- contrast


@pytest.mark.parametrize(
    ("colour", "size", "broken"),
    [
        ("AAAAAA", 11, True),  # 2.3:1
        ("767676", 11, False),  # 4.54:1
        ("949494", 11, True),  # 3.0:1 is too little for body text ...
        ("949494", 18, False),  # ... and enough for large text
    ],
)
def test_text_contrast(colour, size, broken):
    def coloured(document: Document) -> None:
        run = document.add_paragraph().add_run("Grey words on white.")
        run.font.color.rgb = RGBColor.from_string(colour)
        run.font.size = Pt(size)

    assert ("DOCX-CONTRAST" in broken_after(coloured)) is broken


def test_template_heading_colour_from_the_theme_is_too_light():
    """python-docx's template: Heading 2 is theme accent1 (#4F81BD), 4.0:1 at 13 pt bold (not large)."""
    failing = docx.Document()
    failing.core_properties.title = "Report"
    failing.add_paragraph("Report", style="Heading 1")
    failing.add_paragraph("Section", style="Heading 2")
    assert "DOCX-CONTRAST" in rules_broken(failing)
    passing = base_document()
    passing.add_paragraph("Section", style="Heading 2")
    assert rules_broken(passing) == set()


def test_text_on_a_dark_shading_uses_the_shading_as_background():
    def white_on_navy(document: Document) -> None:
        paragraph = document.add_paragraph()
        shading = parse_xml(f'<w:shd xmlns:w="{W_NS}" w:val="clear" w:fill="1F3864"/>')
        paragraph._p.get_or_add_pPr().append(shading)
        paragraph.add_run("White on navy.").font.color.rgb = RGBColor.from_string("FFFFFF")

    assert broken_after(white_on_navy) == set()


# ---------------------------------------------------------------- typed lists


@pytest.mark.parametrize("text", ["• Apples", "- Apples", "1. Apples", "a) Apples", "iv. Apples"])
def test_typed_list_markers(text):
    assert "DOCX-TYPED-LIST" in broken_after(lambda d: d.add_paragraph(text))


def test_real_list_and_ordinary_sentences_pass():
    def real(document: Document) -> None:
        document.add_paragraph("Apples", style="List Bullet")
        document.add_paragraph("1995 was the year of the first flight.")
        document.add_paragraph("— Albert Einstein")  # an attribution dash is not a list marker

    assert broken_after(real) == set()


# ---------------------------------------------------------------- captions


def test_figure_without_caption():
    assert "DOCX-CAPTION" in broken_after(lambda d: add_picture(d, "A green square.", caption=None))
    assert broken_after(lambda d: add_picture(d, "A green square.")) == set()


def test_caption_style_named_in_lower_case():
    def lower_case(document: Document) -> None:
        add_picture(document, "A green square.")
        caption_style(document, "caption")

    assert broken_after(lower_case) == {"DOCX-CAPTION-STYLE"}


def test_a_file_that_is_not_a_docx_is_refused_clearly(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_text("plain text", encoding="utf-8")
    with pytest.raises(ValueError, match="not a DOCX file"):
        check_docx(path)

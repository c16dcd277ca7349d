"""Done when (issue 14, items 1, 2, 4, 5): any well-formed Word draft imports, nothing is lost without a word,
tables keep their headers, spans and captions, and Strict OOXML is read.

The drafts are the corpus files (tests/docx/corpus: written by pandoc, LibreOffice and in Word's idiom), so each
test reads what a real writer wrote.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from exporter.model import (
    Article,
    BlockQuote,
    Figure,
    Footnote,
    Heading,
    ListBlock,
    Packet,
    Paragraph,
    Subscript,
    Superscript,
    Table,
    plain_text,
    walk_inlines,
)
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_document
from tests.conftest import run_exporter
from tests.docx.corpus.similarity import CORPUS


def read(name: str) -> ReadResult:
    return read_document(CORPUS / name, BuildOptions())


def texts(blocks) -> list[str]:
    return [plain_text(block.children) for block in blocks if isinstance(block, Paragraph | Heading)]


def warned(result: ReadResult, fragment: str) -> bool:
    return any(fragment in message for message in result.warnings)


def nodes_of(result: ReadResult, kind) -> list:
    from exporter.model import inline_lists

    return [node for inlines in inline_lists(result.document.body) for node in walk_inlines(inlines)
            if isinstance(node, kind)]


# ---------------------------------------------------------------- item 1: any draft imports, a title found


def test_title_from_the_first_heading_which_leaves_the_body():
    result = read("pandoc-no-title-heading.docx")
    assert result.document.title == "Quarterly update from the district"
    assert "Quarterly update from the district" not in texts(result.document.body)
    assert [b.level for b in result.document.body if isinstance(b, Heading)] == [2, 2]
    assert warned(result, "the title 'Quarterly update from the district' was taken from its first heading")


def test_title_from_a_short_first_paragraph():
    result = read("libreoffice-rtf-plain.docx")
    assert result.document.title == "Short opening line"
    assert texts(result.document.body)[0].startswith("A plain memo without any title style.")
    assert warned(result, "was taken from its first paragraph")


def test_a_one_paragraph_draft_keeps_its_paragraph_as_body_and_builds(tmp_path):
    """The title is guessed from the only paragraph, which stays: taking it out would leave nothing to export."""
    document = docx.Document()
    document.add_paragraph("Walking on imported air")
    path = tmp_path / "note.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert result.document.title == "Walking on imported air"
    assert texts(result.document.body) == ["Walking on imported air"]
    completed = run_exporter("build", path, "--to", "html,docx", "--out", tmp_path / "out")
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "out" / "note.docx").is_file()


def long_paragraph_draft(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("This draft opens with a long paragraph, far longer than any title, " * 3)
    path = tmp_path / "field_report_2024.docx"
    document.save(str(path))
    return path


def test_title_from_the_file_name_when_the_text_offers_none(tmp_path):
    result = read_document(long_paragraph_draft(tmp_path), BuildOptions())
    assert result.document.title == "field report 2024"
    assert len(result.document.body) == 1
    assert warned(result, "was taken from its file name")


def test_strict_refuses_to_guess_a_title(tmp_path):
    out = tmp_path / "out"
    completed = run_exporter("build", long_paragraph_draft(tmp_path), "--to", "html", "--out", out, "--strict")
    assert completed.returncode == 2
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "has no title" in errors[0] and "--strict" in errors[0]
    assert "Traceback" not in completed.stderr
    assert not list(out.glob("*.html"))


def test_a_draft_left_empty_by_what_was_left_out_is_refused_in_one_line_that_says_what(tmp_path):
    """An equation object alone (PyDocX's image_data_inside_object_tag.docx is one): the refusal names it."""
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"><w:object>'
        '<o:OLEObject Type="Embed" ProgID="Equation.3" ObjectID="_1"/></w:object></w:r>'))
    path = tmp_path / "equation_only.docx"
    document.save(str(path))
    out = tmp_path / "out"
    completed = run_exporter("build", path, "--to", "html", "--out", out)
    assert completed.returncode == 2
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "nothing to export" in errors[0]
    assert "1 embedded object(s) (OLE) left out" in errors[0] and errors[0].count(str(path)) == 1
    assert not out.exists() or not list(out.iterdir())


# ---------------------------------------------------------------- item 2: nothing lost without a word


def test_text_boxes_come_in_reading_order_and_alternate_content_once():
    result = read("word-textboxes.docx")
    body = result.document.body
    assert texts(body) == ["The site report follows.", "A sidebar:", "Sidebar text in a box.", "The end of the report."]
    [figure] = [block for block in body if isinstance(block, Figure)]
    # The picture and its caption sat in a text box (with a VML copy as fallback): read once, caption attached.
    assert figure.alt == "A radar dish against a clear sky." and figure.virin == "230214-D-TT977-0483"
    assert plain_text(figure.caption) == "The radar site at Thule." and len(result.images) == 1


def test_content_controls_are_transparent_around_runs_paragraphs_cells_and_rows():
    result = read("word-content-controls.docx")
    assert "Prepared by the duty officer." in texts(result.document.body)
    assert "A paragraph inside a block content control." in texts(result.document.body)
    [table] = [block for block in result.document.body if isinstance(block, Table)]
    rows = [[plain_text(cell.children) for cell in row.cells] for row in table.rows]
    assert rows == [["Jane Doe", "Captain", "3rd Wing"], ["John Roe", "Major", "5th Wing"]]
    assert warned(result, "1 table(s) of contents left out")


def test_a_drop_cap_joins_its_paragraph():
    assert texts(read("word-drop-cap.docx").document.body) == [
        "Once upon a time, a squadron flew north for the winter exercise.",
        "The second paragraph has no drop cap.",
        "When the snow came, the crews were ready.",
    ]


def test_fields_keep_their_result_text():
    body = texts(read("libreoffice-odt-fields.docx").document.body)
    assert body[0].startswith("Written by Jane Doe on 5/1/24")
    assert body[1].startswith("This is page 1 of 1")


def test_equations_become_linear_text_with_scripts_and_a_warning():
    result = read("word-math.docx")
    body = texts(result.document.body)
    assert body[0] == "The roots are x=(-b±√(b2-4ac))/2a."
    assert body[1] == "∑i=1n xi"
    assert "a matrix (a b; c d), a function sin θ" in body[2].lower()
    assert [plain_text(node.children) for node in nodes_of(result, Superscript)] == ["2", "n", "14"]
    assert warned(result, "7 equation(s) kept as text")


def test_a_functions_name_stays_apart_from_its_argument():
    """pandoc writes TeX's `\\sin\\theta` as two math runs, "sin" and "θ"; Word shows them apart."""
    body = texts(read("pandoc-math.docx").document.body)
    assert body[-1] == "Functions as TeX writes them: sin θ≤log n and cos 2x."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("word-objects.docx", ["1 chart(s) replaced by their alt text", "1 chart(s) dropped: no text equivalent",
                               "1 SmartArt diagram(s) kept as their text", "1 drawing shape(s) without text",
                               "1 embedded object(s) (OLE) left out"]),
        ("libreoffice-odt-tracked.docx", ["3 tracked change(s) read as if accepted", "2 comment(s) left out"]),
        ("libreoffice-odt-notes.docx", ["1 endnote(s) read as footnotes"]),
        # Converted, not lost, but moved or restyled: said so the editor can check the result.
        ("word-textboxes.docx", ["2 text box(es) read into the text after the paragraph they are anchored in"]),
        ("word-wordart.docx", ["1 WordArt text(s) kept as plain text"]),
    ],
)
def test_each_kind_of_loss_is_named_once_with_a_count(name, expected):
    result = read(name)
    for fragment in expected:
        assert sum(fragment in message for message in result.warnings) == 1, (fragment, result.warnings)


def test_symbols_from_symbol_fonts_are_their_unicode_characters(tmp_path):
    """Word's Insert Symbol stores the font's own code (U+F061 in Symbol is alpha): read as it stands it is a
    private-use character that no font draws (a PDF/UA failure) and no screen reader names."""
    from docx.oxml import parse_xml

    def sym(font: str, char: str) -> str:
        return f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'

    document = docx.Document()
    document.core_properties.title = "Symbols"
    paragraph = document.add_paragraph()
    # Older drafts type the letter in the font instead: "p" set in Symbol shows as pi.
    typed = '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t xml:space="preserve">p r</w:t></w:r>'
    # Word draws ASCII in the w:ascii font and the rest in w:hAnsi; a Symbol space may be stored as U+F020.
    mixed = ('<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Times New Roman"/></w:rPr>'
             '<w:t xml:space="preserve"> m\u00e9</w:t></w:r>'
             '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>\uf020\uf062</w:t></w:r>')
    runs = [sym("Symbol", "F061"), sym("Symbol", "F0B3"), sym("Symbol", "B1"), sym("Wingdings", "F0FE"),
            sym("Wingdings", "F0A8"), sym("Wingdings", "F03A"), sym("Arial", "2013"), typed, mixed,
            # A press release's contact line: telephone, envelope, pointing hand.
            sym("Wingdings", "F028"), sym("Wingdings", "F02A"), sym("Wingdings", "F046")]
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for run in parse_xml(f"<w:p {namespace}>{''.join(runs)}</w:p>"):
        paragraph._p.append(run)
    path = tmp_path / "symbols.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    expected = "\u03b1\u2265\u00b1\u2611\u25fb\ufffd\u2013" + "\u03c0 \u03c1" + " \u03bc\u00e9 \u03b2" + "☎✉☞"
    assert texts(result.document.body) == [expected]
    assert warned(result, "1 symbol(s) of a picture font such as Wingdings have no known Unicode character")


def test_charts_and_smartart_keep_the_text_they_have():
    body = texts(read("word-objects.docx").document.body)
    assert "Bar chart: sorties rose from 40 in January to 65 in March." in body
    assert body[body.index("The process, as a SmartArt diagram:") + 1 :][:3] == [
        "Plan the mission", "Brief the crews", "Fly"
    ]


def test_shapes_without_text_are_their_alt_text_and_legacy_wordart_its_text():
    result = read("word-wordart.docx")
    body = texts(result.document.body)
    assert body[body.index("A banner follows.") + 1] == "Welcome Home Troops"
    assert body[body.index("A warning sign:") + 1] == "Red warning circle"  # VML
    assert body[body.index("The way out:") + 1] == "Arrow pointing to the exit"  # DrawingML
    assert warned(result, "2 drawing shape(s) without text or picture replaced by their alt text")
    # LibreOffice drops a shape's alt text when it saves: what is left is said to be left out.
    resaved = read("resaved-word-wordart.docx")
    assert "Welcome Home Troops" in texts(resaved.document.body)
    assert warned(resaved, "2 drawing shape(s) without text, picture or alt text left out")


WORD_BREAKS = ["Chapter one ends here", "Chapter two starts on a new page.", "Last words",
               "first words of the next page.", "Left column closes", "right column opens.",
               "A sentence that a page happened to end in.", "The end."]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("word-breaks.docx", WORD_BREAKS),
        ("resaved-word-breaks.docx", WORD_BREAKS),  # LibreOffice splits the paragraph at the break
        ("libreoffice-rtf-breaks.docx", ["Left column words continue", "right column words after a column break.",
                                         "Last words on the page", "first words on the next page.",
                                         "Line", "break and", "another."]),
    ],
)
def test_page_and_column_breaks_keep_the_words_on_either_side_apart(name, lines):
    """Ctrl+Enter in Word: the text after the break starts a new line. A page that happened to end inside a
    sentence (w:lastRenderedPageBreak) is no break."""
    assert [line for text in texts(read(name).document.body) for line in text.split("\n")] == lines


def test_a_page_break_in_a_cell_keeps_its_lines():
    table = tables_of("word-breaks.docx")[0]
    assert plain_text(table.rows[0].cells[0].children) == "Cell text before\ncell text after."


@pytest.mark.parametrize("name", ["word-report-page-breaks.docx", "resaved-word-report-page-breaks.docx",
                                  "resaved-word-packet-cover.docx"])
def test_chapters_after_page_breaks_stay_one_article(name):
    """Ctrl+Enter before each chapter (an empty paragraph holding the break, one at the end of the paragraph
    before, one before the heading's text) is how reports start chapters: one article, not a packet. LibreOffice
    writes "page break before" that way too, so a packet it re-saved reads as one article, its text whole."""
    article = read(name).document
    assert isinstance(article, Article)
    kinds = [type(block).__name__ for block in article.body]
    assert kinds == ["Paragraph", "Heading", "Paragraph", "Heading", "Paragraph"] + (
        [] if "packet" in name else ["Heading", "Paragraph"])


def test_a_packet_cover_keeps_its_text_and_a_title_on_two_lines():
    packet = read("word-packet-cover.docx").document
    assert isinstance(packet, Packet)
    assert packet.title == "Press packet for the northern exercise"
    assert packet.cover_note == "Three releases from the public affairs office."
    assert [article.title for article in packet.articles] == [
        "Crews arrive at the northern base", "Radar site comes back on line"]
    resaved = read("resaved-word-packet-cover.docx").document
    assert resaved.title == "Press packet for the northern exercise"


def test_tracked_changes_read_as_accepted():
    body = texts(read("libreoffice-odt-tracked.docx").document.body)
    assert "The unit has twelve aircraft on the line." in body
    assert "A whole inserted sentence. A sentence already there." in body


def test_footnotes_and_endnotes_become_footnotes_where_they_are_anchored():
    result = read("libreoffice-odt-notes.docx")
    notes = result.document.footnotes()
    assert [" / ".join(plain_text(p.children) for p in note.children) for note in notes] == [
        "Sites were chosen at random from the register.",
        "North, Central and South. / The regions follow the 2020 map.",
        "A note on a heading.",
        "An endnote about the visits.",
        "Including two islands.",
    ]
    heading = next(block for block in result.document.body if isinstance(block, Heading))
    assert any(isinstance(node, Footnote) for node in heading.children)


@pytest.mark.parametrize(
    "name", ["libreoffice-html-science.docx", "pandoc-scripts.docx", "libreoffice-odt-typography.docx"]
)
def test_superscript_and_subscript_are_kept(name):
    result = read(name)
    scripts = {plain_text(node.children) for node in nodes_of(result, Superscript | Subscript)}
    assert "2" in scripts


def test_raised_smaller_text_is_a_superscript():
    # LibreOffice writes HTML's <sup> as a raised position with a smaller size, not as vertAlign.
    result = read("libreoffice-html-science.docx")
    assert [plain_text(n.children) for n in nodes_of(result, Superscript)] == ["−1", "8", "st"]
    assert [plain_text(n.children) for n in nodes_of(result, Subscript)] == ["2", "2", "2"]


# ---------------------------------------------------------------- lists


def test_lists_keep_items_after_empty_ones_and_skipped_levels():
    lists = [b for b in read("libreoffice-odt-lists.docx").document.body if isinstance(b, ListBlock)]
    empty_item = lists[3]
    assert [plain_text(item[0].children) if isinstance(item[0], Paragraph) else "(sub-list)"
            for item in empty_item.items] == ["Apples", "(sub-list)", "Pears", "Plums"]
    assert [plain_text(p.children) for [p] in empty_item.items[1][0].items] == ["Green", "Red"]
    starts_deeper = lists[4]
    assert isinstance(starts_deeper.items[0][0], ListBlock)
    assert plain_text(starts_deeper.items[1][0].children) == "Back at the first level"


def test_lists_number_as_word_shows_them():
    lists = [b for b in read("libreoffice-odt-lists.docx").document.body if isinstance(b, ListBlock)]
    assert [(block.start, len(block.items)) for block in lists[:3]] == [(1, 3), (4, 2), (1, 2)]
    word = [b for b in read("word-lists.docx").document.body if isinstance(b, ListBlock)]
    assert [block.start for block in word if block.ordered] == [1, 3, 5, 1]
    jump = word[0].items[0][1]
    assert isinstance(jump, ListBlock) and isinstance(jump.items[0][0], ListBlock)


def outline(blocks) -> list:
    """Lists as (start, [item outline...]), an item as its paragraphs' text and its lists' outlines."""
    shown: list = []
    for block in blocks:
        if isinstance(block, ListBlock):
            shown.append((block.start, [outline(item) for item in block.items]))
        elif isinstance(block, Paragraph):
            shown.append(plain_text(block.children))
    return shown


def test_a_list_resumed_under_an_item_and_after_an_empty_item_keeps_words_numbers():
    """LibreOffice's reading of an RTF procedure: an item's further paragraph is an indented Normal paragraph,
    after which the list goes on two levels down (under item 1, as item ii), then at item 2; an empty item holds
    number VI. Every item keeps the number Word shows."""
    body = read("libreoffice-rtf-lists-resumed.docx").document.body
    assert outline(body[2:6]) == [
        (1, [["Gather the inspection forms", (1, [
            ["Form DD-1574 for serviceable items"],
            ["Form DD-1577 for condemned items", (1, [
                ["Mark each condemned item with red tape", (None, [
                    ["Tape is kept in cabinet seven"], ["Spare rolls are in the annex"]])]])]])]]),
        "This paragraph continues the bullet above without its own marker and explains the annex hours.",
        (1, [[(2, [["Photograph the item"]])], ["Inspect the vehicles"]]),
        "A continuation paragraph under the second step: vehicles older than ten years need two inspectors.",
    ]
    roman = [block for block in body if isinstance(block, ListBlock)][-2:]
    assert outline(roman) == [(4, [["Roman numbered item starting at four"], ["Roman numbered item five"]]),
                              (7, [["Item after an empty item"]])]


def test_an_items_second_paragraph_and_a_quote_stay_in_the_item():
    lists = [b for b in read("pandoc-lists.docx").document.body if isinstance(b, ListBlock)]
    assert [plain_text(p.children) for p in lists[-1].items[0]] == [
        "The first item has two paragraphs.", "This is the second paragraph of the first item."
    ]
    nested = [b for b in read("pandoc-nested.docx").document.body if isinstance(b, ListBlock)]
    assert isinstance(nested[1].items[0][1], BlockQuote)
    # LibreOffice writes an item's further paragraph with its numbering off (numId 0) in the body text style.
    lists = [b for b in read("libreoffice-html-lists.docx").document.body if isinstance(b, ListBlock)]
    assert [[plain_text(p.children) for p in item] for item in lists[-1].items] == [
        ["A step in a paragraph.", "Its second paragraph."], ["Another step"]]


# ---------------------------------------------------------------- item 4: tables


def tables_of(name: str) -> list[Table]:
    return [block for block in read(name).document.body if isinstance(block, Table)]


def test_header_rows_from_repeat_flag_style_flag_hex_flag_and_bold_first_row():
    heads = [[plain_text(c.children) for c in table.head[0].cells] if table.head else [] for table in
             tables_of("word-tables.docx")]
    assert heads == [["Month", "Liters"], ["Base", "State"], ["Name", "Post"], ["Unit", "A", "B"], []]
    assert tables_of("libreoffice-html-science.docx")[0].head  # LibreOffice's bold "Table Heading" style


def test_merged_cells_keep_their_spans():
    table = tables_of("word-tables.docx")[3]
    first, second, third = table.rows
    assert (first.cells[0].rowspan, first.cells[1].colspan) == (2, 2)
    assert [plain_text(c.children) for c in second.cells] == ["Left", "Right"]
    assert third.cells[0].colspan == 2 and plain_text(third.cells[0].children) == "Old-style merge"


def test_nested_tables_and_lists_in_cells_kept_as_lines_and_named():
    result = read("libreoffice-odt-tables.docx")
    table = [b for b in result.document.body if isinstance(b, Table)][1]
    assert plain_text(table.rows[0].cells[1].children) == "Site 1 | Open\nSite 2 | Closed"
    assert plain_text(table.rows[1].cells[1].children) == "Site 3\nSite 4"
    assert warned(result, "1 nested table(s) kept as lines of text")
    assert warned(result, "2 list item(s) in table cells kept as lines of text")


NESTED_LINES = ["Name Rank | Jane Okafor Colonel", "Phone Email | 555 0100 okafor@example.mil",
                "Duty one Duty two | Watch bill"]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("word-nested-cells.docx", ["Contact card", *NESTED_LINES]),
        ("resaved-word-nested-cells.docx", ["Contact card", *NESTED_LINES]),
        ("libreoffice-html-nested-cells.docx", ["Card", *NESTED_LINES[:1], "Phone Email | 555 0100 okafor",
                                                 NESTED_LINES[2]]),
        ("libreoffice-rtf-nested-cells.docx", ["Card", *NESTED_LINES[:1], "Phone Email | 555 0100 okafor"]),
    ],
)
def test_a_nested_cells_own_lines_stay_apart(name, lines):
    """A nested row is a line; the paragraphs and line breaks of its cells become spaces, not nothing."""
    table = tables_of(name)[0]
    assert plain_text(table.rows[0].cells[1].children).split("\n") == lines


def test_an_old_style_merged_cell_keeps_the_text_of_the_cells_it_covers():
    table = tables_of("word-nested-cells.docx")[0]
    assert plain_text(table.rows[1].cells[0].children) == "Merged start\nmerged continuation text"
    assert table.rows[1].cells[0].colspan == 2


def test_table_captions_attach_above_and_below_and_keep_the_authors_number(tmp_path):
    """The reader keeps a table caption as the author wrote it, "Table 1:" and all (an import writes it back
    out as it came); the build leaves that number out with a warning, as from any input, and every format prints
    its own "Table N." (a figure caption's number the reader already leaves out)."""
    captions = [plain_text(t.caption) for t in tables_of("libreoffice-odt-tables.docx")]
    assert captions == ["Table 1: Readiness by unit", "Table 2: Sites by area", "Table 3"]
    word_captions = [plain_text(t.caption) for t in tables_of("word-tables.docx")]
    assert word_captions == ["Table 1: Fuel by month", "", "", "", "Table 2"]
    result = read("libreoffice-odt-tables.docx")
    assert not warned(result, "has no picture above or below it")
    assert not warned(result, "caption number")
    # Our DOCX writes its own "Table N." before the caption and the reader takes that one off: nothing doubles.
    from tests.roundtrip.conftest import build_docx

    built = build_docx(CORPUS / "libreoffice-odt-tables.docx", tmp_path)
    shown = [p.text.strip() for p in docx.Document(str(built)).paragraphs if p.style.name == "Caption"]
    assert shown == ["Table 1. Readiness by unit", "Table 2. Sites by area", "Table 3."]  # the last is only "Table 3"
    again = read_document(built, BuildOptions())
    assert [plain_text(t.caption).strip() for t in again.document.body if isinstance(t, Table)] == [
        "Readiness by unit", "Sites by area", "Table 3."]


@pytest.mark.parametrize("name", ["word-captions.docx", "resaved-word-captions.docx"])
def test_caption_numbers_by_chapter_in_letters_or_under_another_label_leave_the_caption(name):
    """Word's Insert Caption: "Figure 2\u20111" (chapter numbers, a non-breaking hyphen), "Figure 2.2",
    "Figure III", "Figure d", "Photo 1", "Figure 6:2024...". A caption that starts with a number of its own keeps
    it: only the SEQ field's number is the label's."""
    result = read(name)
    assert [plain_text(figure.caption) for figure in result.document.figures()] == [
        "Helicopters land during the exercise", "Ship at anchor in the bay", "Convoy on the coastal road",
        "Checkpoint at dusk", "12 Marines board the aircraft (Figure 5)", "Hangar doors open",
        "2024 results at the range"]  # the label ends where the SEQ field's number does
    assert warned(result, "6 figure caption number(s)")


@pytest.mark.parametrize("name", ["pandoc-caption-facts.docx", "resaved-pandoc-caption-facts.docx"])
def test_a_figure_captions_other_lines_stay_in_the_caption(name):
    """Credit, VIRIN and rights lines are facts; "Duration: ten days..." in a photo's caption is its text."""
    figures = read(name).document.figures()
    assert plain_text(figures[1].caption) == "Marines train in the desert.\nDuration: ten days of live fire training"
    assert (figures[0].title, figures[0].credit) == ("Sunrise patrol", "U.S. Navy photo by Petty Officer Lee")
    assert (figures[2].credit, figures[2].virin) == ("Airman Diaz", "240101-F-AB123-1001")


def test_a_duration_that_is_no_fact_is_said_and_the_facts_beside_it_are_kept():
    from collections import Counter

    from exporter.readers.docx.figures import Captions
    from exporter.readers.docx.items import Atom

    warnings: list[str] = []
    captions = Captions("en", warnings, Counter(), own_document=False)

    def parse(*lines: str):
        atoms = [atom for number, line in enumerate(lines) for atom in ([Atom("break")] if number else [])
                 + [Atom("text", line, bold=line.startswith("Video:"))]]
        return captions.parse(atoms)

    photo = parse("Soldiers at the range.", "Credit: Sgt. Lee \u00b7 Duration: 2:30")
    assert (plain_text_of(photo.caption), photo.credit, photo.duration) == ("Soldiers at the range.", "Sgt. Lee", None)
    video = parse("Video: The flyover.", "Credit: NASA \u00b7 VIRIN: 240101-F-AB123-1002 \u00b7 Duration: 2 min")
    assert (video.media_kind, video.credit, video.virin, video.duration) == (
        "video", "NASA", "240101-F-AB123-1002", None)
    assert warnings == ["'Duration: 2:30' is in a photo's caption: only video and audio items have one; left out",
                        "'Duration: 2 min' is not a duration (M:SS or H:MM:SS); left out"]
    timed = parse("Video: The flyover.", "Credit: NASA \u00b7 Duration: 1:02:03")
    assert timed.duration == "PT1H2M3S"
    alone = parse("Marines train in the desert.", "Duration: ten days of live fire training")
    assert plain_text_of(alone.caption) == "Marines train in the desert.\nDuration: ten days of live fire training"


def plain_text_of(atoms) -> str:
    return "".join("\n" if atom.kind == "break" else atom.text for atom in atoms)


def test_lists_that_begin_deeper_keep_the_numbers_word_shows():
    """A list that begins deeper than any item is a list of its own before the next (it hung from an empty
    item, which took the next item's number); one that resumes deeper after a paragraph hangs under the item
    before it; a list numbered from 0 is read."""
    for name, zero in (("word-lists-deeper.docx", 0), ("resaved-word-lists-deeper.docx", 1)):  # LibreOffice: 1
        assert outline(read(name).document.body) == [
            (1, [["A lettered item with no item above it"]]), (1, [["Then a numbered one"], ["Second"]]),
            "A list numbered from zero:",
            (1, [["Deeper first"]]), (zero, [["Zero"], ["One"]]),
            "A note between the items.",
            (zero + 1, [[(1, [["Under One, after the note"]])], ["Two"]]),
            "The end."]


def test_a_caption_without_its_picture_keeps_its_number(tmp_path):
    document = docx.Document()
    document.add_paragraph("Pictures of the day", style="Title")
    document.add_paragraph("Figure 4: The picture above was deleted.", style="Caption")
    path = tmp_path / "orphan.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["Figure 4: The picture above was deleted."]
    assert warned(result, "has no picture above or below it")
    assert not warned(result, "caption number")


# ---------------------------------------------------------------- item 5: Strict OOXML


def test_strict_ooxml_is_read():
    result = read("word-strict.docx")
    assert result.document.title == "A Strict Open XML document"
    [note] = result.document.footnotes()
    assert plain_text(note.children[0].children) == "A footnote in a Strict file."
    [listed] = [b for b in result.document.body if isinstance(b, ListBlock)]
    assert listed.ordered and len(listed.items) == 2


def test_our_own_drafts_do_not_report_their_caption_numbers(tmp_path):
    from tests.conftest import SAMPLES
    from tests.roundtrip.conftest import build_docx

    result = read_document(build_docx(SAMPLES / "eileen-collins.md", tmp_path), BuildOptions())
    assert not warned(result, "caption number")


# ---------------------------------------------------------------- pictures linked, not embedded


def linked_picture_draft(folder: Path, target: str) -> Path:
    """A draft whose picture is a link to a file (Word's Insert > Link to File; LibreOffice does the same when it
    converts a web page), as Word and LibreOffice write it: the blip names an external relationship."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from tests.conftest import SAMPLES

    document = docx.Document()
    document.add_paragraph("A linked picture", style="Title")
    document.add_picture(str(SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg"))
    document.inline_shapes[0]._inline.docPr.set("descr", "The Hubble Extreme Deep Field")
    [blip] = document.element.body.iter(qn("a:blip"))
    del blip.attrib[qn("r:embed")]
    blip.set(qn("r:link"), document.part.relate_to(target, RT.IMAGE, is_external=True))
    path = folder / "linked.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("file:///C:/Users/editor/Pictures/hubble.jpg", "hubble.jpg"),
        ("C:\\Users\\editor\\Pictures\\hubble.jpg", "hubble.jpg"),
        ("file:///home/editor/My%20Photos/hubble.jpg", "hubble.jpg"),
        ("photos/hubble.jpg", "photos/hubble.jpg"),
        ("../../etc/hubble.jpg", "hubble.jpg"),
    ],
)
def test_a_linked_picture_is_looked_up_by_name_beside_the_draft_never_at_its_path(tmp_path, target, expected):
    from tests.conftest import SAMPLES

    path = linked_picture_draft(tmp_path, target)
    result = read_document(path, BuildOptions())
    [figure] = [block for block in result.document.body if isinstance(block, Figure)]
    assert figure.image == expected and figure.alt == "The Hubble Extreme Deep Field"
    assert warned(result, f"linked to a file, not embedded ({target}); it is read as {expected}")
    photo = SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg"
    (tmp_path / expected).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / expected).write_bytes(photo.read_bytes())
    built = run_exporter("build", path, "--to", "html", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "out" / "linked.html").read_text(encoding="utf-8")
    assert "Photo not included." not in page and 'alt="The Hubble Extreme Deep Field"' in page


@pytest.mark.parametrize(
    "target",
    ["%252e%252e%252fsecret.jpg", "photo%00.jpg", "file:///C:/Pictures/a%23b.jpg", "C:photo.jpg", "file:///C:/"],
)
def test_a_linked_name_that_would_read_differently_as_a_reference_is_not_used(tmp_path, target):
    """The name is decoded once here and read as a reference (a URL path) again when the image is looked up: a
    name that a second reading would change (or a NUL byte) is not used; the build goes on without the photo."""
    path = linked_picture_draft(tmp_path, target)
    result = read_document(path, BuildOptions())
    [figure] = [block for block in result.document.body if isinstance(block, Figure)]
    assert figure.image == "figure-1.jpg"
    built = run_exporter("build", path, "--to", "html", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "Photo not included." in (tmp_path / "out" / "linked.html").read_text(encoding="utf-8")



def test_a_table_of_contents_links_give_the_headings_no_ids(tmp_path):
    """Word's contents link to a `_Toc` bookmark on each heading; the contents are left out, so those bookmarks
    are no heading's id (an exported Markdown would show `## Intro {#_Toc100}`)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Contents test", style="Title")
    for number, name in enumerate(["Intro", "Methods"]):
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), f"_Toc10{number}")
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = name
        run.append(text)
        link.append(run)
        document.add_paragraph(style="toc 1" if "toc 1" in document.styles else None)._p.append(link)
    for number, name in enumerate(["Intro", "Methods"]):
        heading = document.add_heading(name, 1)
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), f"_Toc10{number}")
        end.set(qn("w:id"), str(number))
        heading._p.insert(1, start)
        heading._p.append(end)
        document.add_paragraph(f"Some text for {name}.")
    path = tmp_path / "contents.docx"
    document.save(str(path))
    headings = [block for block in read_document(path, BuildOptions()).document.body if isinstance(block, Heading)]
    assert [plain_text(heading.children) for heading in headings] == ["Intro", "Methods"]
    assert [heading.anchor for heading in headings] == [None, None]


def link_targets(result: ReadResult) -> list[str]:
    from exporter.model import Link

    return [link.href for link in nodes_of(result, Link)]


def test_a_links_place_in_its_page_is_kept():
    """python-docx's test file: `w:hyperlink` with both an `r:id` and a `w:anchor` goes to the anchor in the
    address (pandoc reads http://foo.com/#intro too)."""
    result = read_document(Path(__file__).parent / "public/python-docx/par-hlink-frags.docx", BuildOptions())
    assert "http://foo.com/#intro" in link_targets(result)


def field_link_paragraph(document, instruction: str, text: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph("See ")
    for kind, content in [("begin", None), (None, instruction), ("separate", None), (None, text), ("end", None)]:
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            element = OxmlElement("w:instrText" if content == instruction else "w:t")
            element.text = content
            element.set(qn("xml:space"), "preserve")
            run.append(element)
        paragraph._p.append(run)
    return paragraph


def bookmarked_heading(document, text: str, *bookmarks: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    heading = document.add_heading(text, 1)
    for number, bookmark in enumerate(bookmarks, start=1):
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), bookmark)
        end.set(qn("w:id"), str(number))
        heading._p.insert(1, start)
        heading._p.append(end)


def test_hyperlink_fields_keep_their_place_and_title(tmp_path):
    """LibreOffice and Word write a link to a place as `HYPERLINK "url" \\l "place"`, and to a place in the
    draft itself as `HYPERLINK \\l "bookmark"`: the heading that holds the bookmark takes it as its id."""

    document = docx.Document()
    document.add_paragraph("Field links", style="Title")
    field_link_paragraph(document, ' HYPERLINK "https://www.af.mil/News/" \\l "top" \\o "Air Force news" ',
                         "the news page")
    field_link_paragraph(document, ' HYPERLINK \\l "sec_intro" ', "the introduction")
    bookmarked_heading(document, "Introduction", "sec_intro")
    document.add_paragraph("Text of the introduction.")
    path = tmp_path / "fields.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    from exporter.model import Link

    links = nodes_of(result, Link)
    assert [(link.href, link.title) for link in links] == [
        ("https://www.af.mil/News/#top", "Air Force news"), ("#sec_intro", None)]
    assert [block.anchor for block in result.document.body if isinstance(block, Heading)] == ["sec_intro"]


def test_cross_reference_fields_with_h_link_to_their_bookmark(tmp_path):
    """Word's cross-references (`REF bookmark \\h`, `PAGEREF bookmark \\h`) are links to the bookmark when `\\h`
    is set: the heading that holds it takes it as its id. Without `\\h` they are plain text, as in Word."""

    from exporter.model import Link

    document = docx.Document()
    document.add_paragraph("Cross-references", style="Title")
    field_link_paragraph(document, " REF _Ref1234 \\h ", "Methods")
    field_link_paragraph(document, " PAGEREF _Ref1234 \\h ", "3")
    field_link_paragraph(document, " REF _Ref1234 \\r ", "2.1")
    bookmarked_heading(document, "Methods", "_Ref1234")
    document.add_paragraph("How it was done.")
    path = tmp_path / "references.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [(link.href, plain_text(link.children)) for link in nodes_of(result, Link)] == [
        ("#_Ref1234", "Methods"), ("#_Ref1234", "3")]
    assert [block.anchor for block in result.document.body if isinstance(block, Heading)] == ["_Ref1234"]
    assert "See 2.1" in texts(result.document.body)


def test_struck_text_is_kept_through_word_and_back(tmp_path):
    """pandoc writes `~~old~~` as `w:strike`; the reader keeps it, and the writers draw it (HTML `<del>`, Word
    `w:strike`, which pandoc reads back)."""
    import subprocess

    import pypandoc

    from exporter.model import Strikeout
    from tests.docx.corpus.build import pandoc_binary

    source = tmp_path / "struck.md"
    source.write_text("---\ntitle: Struck\n---\n\nThe ~~old~~ new plan.\n", encoding="utf-8")
    draft = tmp_path / "struck.docx"
    subprocess.run([pandoc_binary(), str(source), "-o", str(draft)], check=True, capture_output=True)
    assert [plain_text(node.children) for node in nodes_of(read_document(draft, BuildOptions()), Strikeout)] == [
        "old"]
    built = run_exporter("build", draft, "--to", "html,docx", "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "The <del>old</del> new plan." in (tmp_path / "out" / "struck.html").read_text(encoding="utf-8")
    assert "The ~~old~~ new plan." in pypandoc.convert_file(str(tmp_path / "out" / "struck.docx"), "markdown")


def test_a_caption_in_its_pictures_own_paragraph_leaves_the_text():
    """LibreOffice's Insert > Caption: a frame holding the picture and, in the same paragraph, "Illustration
    <SEQ>: caption" (after a line break or not). The caption is the figure's (test_docx_corpus: PICTURES), not a
    paragraph of the text."""
    body = texts(read("libreoffice-odt-caption-frames.docx").document.body)
    assert not [text for text in body if "Illustration" in text or "Refuelling" in text]


def test_links_to_files_are_named_in_a_warning_and_keep_their_text(tmp_path):
    """A link to another document ("../reports/annual.docx", file:) cannot be followed from the outputs: its text
    stays and the warning says how many were left out."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from exporter.model import Link

    document = docx.Document()
    document.add_paragraph("Links", style="Title")
    for url in ["../reports/annual.docx", "https://www.af.mil/", "file:///C:/memo.doc"]:
        paragraph = document.add_paragraph("See ")
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "the report"
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
    path = tmp_path / "links.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["See the report"] * 3
    assert [link.href for link in nodes_of(result, Link)] == ["https://www.af.mil/"]
    assert warned(result, "2 link(s) to a file or a program (not a web, mail or telephone address) left out")


def test_underline_highlight_and_small_caps_are_named_in_a_warning(tmp_path):
    """Looks the model has no place for keep their text and are counted, once per kind; a link's underline is
    the link's own look and is not counted."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Looks", style="Title")
    paragraph = document.add_paragraph("Plain, ")
    paragraph.add_run("underlined").underline = True
    paragraph.add_run(", ")
    paragraph.add_run("double").underline = docx.enum.text.WD_UNDERLINE.DOUBLE
    paragraph.add_run(", ")
    paragraph.add_run("marked").font.highlight_color = WD_COLOR_INDEX.YELLOW
    paragraph.add_run(" and ")
    paragraph.add_run("Small Caps").font.small_caps = True
    paragraph.add_run(" and ").underline = False
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to("https://www.af.mil/", RT.HYPERLINK, is_external=True))
    run = paragraph.add_run("a link")
    run.underline = True
    link.append(run._r)
    paragraph._p.append(link)
    path = tmp_path / "looks.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["Plain, underlined, double, marked and Small Caps and a link"]
    assert warned(result, "2 run(s) of underlined text kept without the underline")
    assert warned(result, "1 run(s) of highlighted text kept without the highlight")
    assert warned(result, "1 run(s) in small capitals kept as typed")


def test_a_picture_in_the_middle_of_a_sentence_leaves_the_sentence_whole(tmp_path):
    """A large picture placed in line with the text, mid-sentence: the sentence is one paragraph and the figure
    follows it, as a text box anchored there does. A picture on a line of its own (line breaks around it) still
    parts the lines before and after it."""
    from docx.shared import Inches

    from tests.conftest import SAMPLES

    photo = str(SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg")
    document = docx.Document()
    document.add_paragraph("Pictures in text", style="Title")
    paragraph = document.add_paragraph("The telescope ")
    paragraph.add_run().add_picture(photo, width=Inches(4))
    paragraph.add_run(" looked deeper than ever before.")
    paragraph = document.add_paragraph("Two ")
    paragraph.add_run().add_picture(photo, width=Inches(4))
    paragraph.add_run(" ")
    paragraph.add_run().add_picture(photo, width=Inches(4))
    paragraph.add_run(" pictures mid-sentence.")
    paragraph = document.add_paragraph("A line above.")
    paragraph.add_run().add_break()
    paragraph.add_run().add_picture(photo, width=Inches(4))
    paragraph.add_run().add_break()
    paragraph.add_run("A line below.")
    path = tmp_path / "in-text.docx"
    document.save(str(path))
    body = read_document(path, BuildOptions()).document.body
    assert [(block.type, plain_text(block.children) if isinstance(block, Paragraph) else None) for block in body] == [
        ("paragraph", "The telescope looked deeper than ever before."), ("figure", None),
        ("paragraph", "Two pictures mid-sentence."), ("figure", None), ("figure", None),
        ("paragraph", "A line above."), ("figure", None), ("paragraph", "A line below.")]


def test_a_table_description_that_says_more_than_its_caption_is_named_in_a_warning(tmp_path):
    """Word's table alt text has a title (read as the caption when no caption paragraph is there) and a
    description, which the model has no place for: one that is not the caption is counted; our own writer's,
    the caption again, is not."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Tables", style="Title")
    for title, description in [("Sorties", "Monthly sorties of the 1st Fighter Wing in 2024, by base."),
                                ("Bases", "Bases")]:
        table = document.add_table(rows=2, cols=2)
        for row, texts_of_row in zip(table.rows, [("Month", "Count"), ("May", "12")], strict=True):
            for cell, text in zip(row.cells, texts_of_row, strict=True):
                cell.text = text
        for tag, value in (("w:tblCaption", title), ("w:tblDescription", description)):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            table._tbl.tblPr.append(element)
        document.add_paragraph("Text after the table.")
    path = tmp_path / "described.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [plain_text(table.caption) for table in result.document.body if isinstance(table, Table)] == [
        "Sorties", "Bases"]
    assert warned(result, "1 table description(s) (alt text) left out")


def test_a_link_on_a_picture_is_named_in_a_warning(tmp_path):
    """Word's Insert > Link on a picture (`a:hlinkClick` in its `wp:docPr`): the model's figures link nowhere, so
    the picture comes in and the warning says its link was left out."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from tests.conftest import SAMPLES

    document = docx.Document()
    document.add_paragraph("Linked picture", style="Title")
    run = document.add_paragraph().add_run()
    run.add_picture(str(SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg"))
    rel_id = run.part.relate_to("https://www.nasa.gov/", RT.HYPERLINK, is_external=True)
    doc_pr = run._r.xpath(".//wp:docPr")[0]
    doc_pr.set("descr", "Galaxies in deep space.")
    doc_pr.append(parse_xml(f'<a:hlinkClick {nsdecls("a", "r")} r:id="{rel_id}"/>'))
    document.add_paragraph("Text after the picture.")
    path = tmp_path / "linked.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [figure.alt for figure in result.document.body if isinstance(figure, Figure)] == ["Galaxies in deep space."]
    assert warned(result, "1 link(s) on a picture or drawing left out")


def test_content_controls_nobody_filled_in_leave_out_their_prompt(tmp_path):
    """A template's content control left empty shows its prompt (`w:showingPlcHdr`): "Click or tap here to enter
    text." is not the draft's text, inline or as a whole paragraph. A filled-in control (a check box too) is
    read as before."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'

    def control(content: str, placeholder: bool, extra: str = "") -> str:
        shown = "<w:showingPlcHdr/>" if placeholder else ""
        return (f'<w:sdt {nsdecls("w")} {w14}><w:sdtPr>{shown}{extra}</w:sdtPr><w:sdtContent>{content}'
                "</w:sdtContent></w:sdt>")

    def run(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    document = docx.Document()
    document.add_paragraph("Press release", style="Title")
    dated = document.add_paragraph("Released on ")
    dated._p.append(parse_xml(control(run("Click or tap to enter a date."), True, "<w:date/>")))
    dated.add_run(".")
    document.element.body.insert(len(document.element.body) - 1, parse_xml(
        control(f"<w:p>{run('Click or tap here to enter text.')}</w:p>", True)))
    filled = document.add_paragraph()
    box = '<w14:checkbox><w14:checked w14:val="1"/></w14:checkbox>'
    filled._p.append(parse_xml(control(run("☒"), False, box)))
    filled.add_run(" Reviewed by ")
    filled._p.append(parse_xml(control(run("Lt. Jane Doe"), False, "<w:text/>")))
    path = tmp_path / "template.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["Released on .", "☒ Reviewed by Lt. Jane Doe"]
    assert warned(result, "2 content control(s) nobody filled in left out")


def test_outline_numbers_of_headings_are_named_in_a_warning(tmp_path):
    """Word's multilevel list linked to the heading styles numbers them (1, 1.1, 2): the headings stay headings,
    and the numbers, which no output shows, are counted in a warning."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Report", style="Title")
    numbering = document.part.numbering_part.numbering_definitions._numbering
    levels = "".join(f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
                     f'<w:pStyle w:val="Heading{level + 1}"/><w:lvlText w:val="{text}"/></w:lvl>'
                     for level, text in ((0, "%1"), (1, "%1.%2")))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="50">'
                                  f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="50"><w:abstractNumId w:val="50"/></w:num>'))
    for level in (0, 1):
        properties = document.styles.element.get_by_id(f"Heading{level + 1}").get_or_add_pPr()
        properties.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="50"/>'
                                    "</w:numPr>"))
    for text, level in (("Introduction", 1), ("Scope", 2), ("Methods", 1)):
        document.add_heading(text, level)
        document.add_paragraph(f"{text} text.")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [(block.level, plain_text(block.children)) for block in result.document.body
            if isinstance(block, Heading)] == [(2, "Introduction"), (3, "Scope"), (2, "Methods")]
    assert warned(result, "3 heading number(s) from Word's outline numbering (such as 2.1) left out")


def test_links_to_a_headings_two_bookmarks_both_reach_it_and_a_lost_bookmark_is_text(tmp_path):
    """Found in review: a heading holding two linked bookmarks (a cross-reference's `_Ref` one and a hyperlink's)
    took one as its id and the other link was lost at the build; and a cross-reference to a deleted bookmark
    (Word shows "Error! Reference source not found.") became a link to nowhere. Both links now go to the
    heading; the lost one is text."""
    from exporter.model import Link

    document = docx.Document()
    document.add_paragraph("Bookmarks", style="Title")
    field_link_paragraph(document, " REF _Ref1 \\h ", "Methods")
    field_link_paragraph(document, ' HYPERLINK \\l "methods_section" ', "the methods")
    field_link_paragraph(document, " REF _Ref9999 \\h ", "Error! Reference source not found.")
    bookmarked_heading(document, "Methods", "_Ref1", "methods_section")
    document.add_paragraph("How it was done.")
    path = tmp_path / "bookmarks.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    [heading] = [block for block in result.document.body if isinstance(block, Heading)]
    assert [link.href for link in nodes_of(result, Link)] == ["#" + heading.anchor] * 2
    assert "See Error! Reference source not found." in texts(result.document.body)


def test_pandocs_links_to_headings_with_ids_of_their_own_keep_their_target(tmp_path):
    """pandoc writes a heading's id (`## Methods {#sec-m}`) as a bookmark just before the heading's paragraph,
    between paragraphs, and a link to it as `w:hyperlink w:anchor`: the heading takes the id, so the link keeps
    its target (it was dropped at the build: "names no heading"). The draft's first paragraph has a footnote with
    a link of its own, read before the body's links."""
    import subprocess

    from exporter.anchors import article_links
    from tests.docx.corpus.build import pandoc_binary

    source = tmp_path / "ids.md"
    source.write_text("---\ntitle: Ids\n---\n\nIntro with a note.[^1]\n\nSee [the methods](#sec-m).\n\n"
                      "## Methods {#sec-m}\n\nText.\n\n[^1]: A note with [a link](https://www.nasa.gov/).\n",
                      encoding="utf-8")
    draft = tmp_path / "ids.docx"
    subprocess.run([pandoc_binary(), str(source), "-o", str(draft)], check=True, capture_output=True)
    result = read_document(draft, BuildOptions())
    assert [block.anchor for block in result.document.body if isinstance(block, Heading)] == ["sec-m"]
    assert [link.href for link in article_links(result.document)] == ["#sec-m", "https://www.nasa.gov/"]
    built = run_exporter("build", draft, "--to", "html", "-o", tmp_path / "out")
    assert built.returncode == 0 and "names no heading" not in built.stderr, built.stderr


def test_pandocs_author_and_date_under_the_title_are_byline_and_date(tmp_path):
    """Found probing unseen files: pandoc's Author and Date styles are based on Title, so a draft with a title,
    author and date and no subtitle between took all three for one title ("Harbor Walk Opens Jordan Lee
    2024-03-04"), as the corpus's pandoc-footnotes.docx did."""
    import subprocess

    from tests.docx.corpus.build import pandoc_binary

    source = tmp_path / "release.md"
    source.write_text("---\ntitle: Harbor Walk Opens\nauthor: Jordan Lee\ndate: 2024-03-04\n---\n\nThe path opened.\n",
                      encoding="utf-8")
    draft = tmp_path / "release.docx"
    subprocess.run([pandoc_binary(), str(source), "-o", str(draft)], check=True, capture_output=True)
    article = read_document(draft, BuildOptions()).document
    assert (article.title, article.byline.people, article.published) == (
        "Harbor Walk Opens", ["Jordan Lee"], "2024-03-04")
    assert read("pandoc-footnotes.docx").document.title == "Notes on the record"


def test_a_paragraph_mark_deleted_with_changes_tracked_joins_the_paragraphs(tmp_path):
    """Found probing unseen files: deleting the break between two paragraphs with Track Changes on marks the
    first paragraph's mark deleted (`w:pPr/w:rPr/w:del`); read as accepted, the sentence is one paragraph again
    (it was left broken in two, without a word). A deleted mark before a table leaves the paragraph where it is."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Tracked", style="Title")
    first = document.add_paragraph("The secretary will speak at the")
    first._p.get_or_add_pPr().append(parse_xml(
        f'<w:rPr {nsdecls("w")}><w:del w:id="1" w:author="Editor" w:date="2024-01-01T00:00:00Z"/></w:rPr>'))
    document.add_paragraph(" ceremony on Monday.")
    before_table = document.add_paragraph("Figures follow.")
    before_table._p.get_or_add_pPr().append(parse_xml(
        f'<w:rPr {nsdecls("w")}><w:del w:id="2" w:author="Editor" w:date="2024-01-01T00:00:00Z"/></w:rPr>'))
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "Cell"
    document.add_paragraph("After the table.")
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [block.type for block in result.document.body] == ["paragraph", "paragraph", "table", "paragraph"]
    assert texts(result.document.body) == ["The secretary will speak at the ceremony on Monday.", "Figures follow.",
                                           "After the table."]
    assert warned(result, "2 tracked change(s) read as if accepted")


def test_english_with_no_language_of_its_own_in_an_arabic_draft_stays_english(tmp_path):
    """Found probing LibreOffice's DOCX of an Arabic release: runs that no run, style or paragraph marks take
    Word's default language (the defaults' w:val, en-US here); the article is Arabic by most of its text, and its
    English paragraph was Arabic too (a screen reader would read it with an Arabic voice). It is English now;
    right-to-left text keeps its own."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from exporter.model import Span

    document = docx.Document()
    document.add_paragraph("بيان صحفي", style="Title")
    for text in ["أعلنت الوزارة اليوم عن افتتاح مركز جديد للخدمات في مدينة الرياض.",
                 "وقال المتحدث إن المركز سيخدم آلاف المواطنين كل يوم."]:
        document.add_paragraph()._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:rtl/><w:lang w:bidi="ar-SA"/></w:rPr><w:t>{text}</w:t></w:r>'))
    document.add_paragraph("The ministry opened a new service center.")
    path = tmp_path / "ar-en.docx"
    document.save(str(path))
    article = read_document(path, BuildOptions()).document
    assert article.language == "ar-SA"
    assert [child.lang if isinstance(child, Span) else None for block in article.body
            for child in block.children[:1]] == [None, None, "en"]


def test_list_numbers_with_words_around_them_are_named_in_a_warning(tmp_path):
    """A memorandum's articles ("Article 1.", "Article 2.": a list level whose w:lvlText has words around %1)
    are numbered 1, 2 in every output, which cannot show the words: the warning says so. A plain "%1." does not
    count."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Memorandum", style="Title")
    numbering = document.part.numbering_part.numbering_definitions._numbering
    for number, text in ((60, "Article %1."), (61, "%1.")):
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="decimal"/><w:lvlText w:val="{text}"/></w:lvl></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/>'
                                   "</w:num>"))
        for item in ("Purpose.", "Scope."):
            paragraph = document.add_paragraph(item, style="List Paragraph")
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{number}"/></w:numPr>'))
        document.add_paragraph("Between the lists.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts([block for list_block in result.document.body if isinstance(list_block, ListBlock)
                  for item in list_block.items for block in item]) == ["Purpose.", "Scope."] * 2
    assert warned(result, "1 list(s) numbered with words around the number")


def test_ruby_keeps_its_text_and_names_the_pronunciation_guide_left_out(tmp_path):
    """Japanese furigana (w:ruby): the text it annotates (w:rubyBase) is kept, the guide above it (w:rt) is left
    out, and the warning says so (it was left out without a word)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Ruby", style="Title")
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:ruby><w:rubyPr><w:rubyAlign w:val="center"/></w:rubyPr>'
        '<w:rt><w:r><w:t>とうきょう</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>東京</w:t></w:r></w:rubyBase></w:ruby></w:r>'))
    paragraph.add_run("に行く。")
    path = tmp_path / "ruby.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["東京に行く。"]
    assert warned(result, "1 pronunciation guide(s) (ruby, furigana) left out")


def test_page_headers_and_footers_with_text_are_named_and_ours_are_not(tmp_path):
    """Headers and footers are page furniture and are not read, but one can hold what a reader needs ("FOR
    IMMEDIATE RELEASE"): those with words are counted in a warning (LibreOffice's file has a header and a footer
    with text). Our own DOCX's header repeats the title and says nothing new: no warning."""
    from tests.conftest import SAMPLES

    assert warned(read("libreoffice-odt-headers.docx"), "2 page header(s) and footer(s) with text left out")
    built = run_exporter("build", SAMPLES / "eileen-collins.md", "--to", "docx", "-o", tmp_path)
    assert built.returncode == 0, built.stderr
    ours = read_document(tmp_path / "eileen-collins.docx", BuildOptions())
    assert not [warning for warning in ours.warnings if "page header" in warning]


def test_text_hidden_by_a_style_is_left_out_and_counted_with_hidden_runs(tmp_path):
    """w:vanish in a character style's or a paragraph style's run properties (also through basedOn) hides the
    text as a run's own w:vanish does: left out and counted in the one warning. A run's own w:vanish w:val="0"
    shows text its style hides."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Hidden", style="Title")
    for style in (
        '<w:style w:type="character" w:styleId="SecretBase"><w:name w:val="Secret Base"/><w:rPr><w:vanish/>'
        "</w:rPr></w:style>",
        '<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:basedOn w:val="SecretBase"/>'
        "</w:style>",
        '<w:style w:type="paragraph" w:styleId="NoteBase"><w:name w:val="Note Base"/><w:rPr><w:vanish/></w:rPr>'
        "</w:style>",
        '<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="NoteBase"/>'
        "</w:style>",
    ):
        document.styles.element.append(parse_xml(style.replace("<w:style ", f"<w:style {nsdecls('w')} ", 1)))

    def run(text: str, properties: str = "") -> str:
        return f'<w:r {nsdecls("w")}><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'

    paragraph = document.add_paragraph("Shown")
    for xml in (run(" STYLE", '<w:rStyle w:val="Secret"/>'), run(" DIRECT", "<w:vanish/>"),
                run(" and shown again", '<w:rStyle w:val="Secret"/><w:vanish w:val="0"/>')):
        paragraph._p.append(parse_xml(xml))
    document.add_paragraph("PARAGRAPH STYLE", style="Note")
    hidden_paragraph = document.add_paragraph(style="Note")
    hidden_paragraph._p.append(parse_xml(run("HIDDEN ")))
    hidden_paragraph._p.append(parse_xml(run("but this shows", '<w:vanish w:val="false"/>')))
    path = tmp_path / "hidden.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == ["Shown and shown again", "but this shows"]
    assert warned(result, "4 run(s) of hidden text left out")


def test_a_list_that_uses_a_word_list_style_numbers_as_the_style_does(tmp_path):
    """Word's list styles (Define New List Style): the list's abstract definition has only w:numStyleLink; its
    levels are in the definition the style's own w:numPr/w:numId uses (whose w:styleLink names the style). The
    list is A., B., C. with i. under B, not bullets."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Steps", style="Title")
    document.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="numbering" w:customStyle="1" w:styleId="StepList">'
        '<w:name w:val="Step List"/><w:pPr><w:numPr><w:numId w:val="70"/></w:numPr></w:pPr></w:style>'))
    numbering = document.part.numbering_part.numbering_definitions._numbering
    levels = "".join(f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
                     f'<w:lvlText w:val="%{level + 1}."/></w:lvl>'
                     for level, kind in enumerate(("upperLetter", "lowerRoman")))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70">'
                                  f'<w:styleLink w:val="StepList"/>{levels}</w:abstractNum>'))
    numbering.insert(1, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="71">'
                                  '<w:numStyleLink w:val="StepList"/></w:abstractNum>'))
    for number in (70, 71):
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/>'
                                   "</w:num>"))
    for text, level in (("Open the case.", 0), ("Fit the card.", 0), ("Press it home.", 1), ("Close it.", 0)):
        paragraph = document.add_paragraph(text, style="List Paragraph")
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="71"/></w:numPr>'))
    path = tmp_path / "list-style.docx"
    document.save(str(path))
    [steps] = [block for block in read_document(path, BuildOptions()).document.body if isinstance(block, ListBlock)]
    assert (steps.ordered, steps.start, steps.number_style) == (True, 1, "upper-alpha")
    assert texts([block for item in steps.items for block in item]) == ["Open the case.", "Fit the card.", "Close it."]
    [sub] = [block for block in steps.items[1] if isinstance(block, ListBlock)]
    assert (sub.ordered, sub.number_style) == (True, "lower-roman")


def test_a_level_a_list_defines_anew_in_its_override_replaces_the_abstract_one(tmp_path):
    """w:num/w:lvlOverride/w:lvl redefines a level for that list alone (its format, start, marker): a list that
    shares a numbered definition but redefines its level as bullets is bulleted, one that redefines it as upper
    Roman numerals is numbered I, II (not 1., 2. as the shared definition says)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Overrides", style="Title")
    numbering = document.part.numbering_part.numbering_definitions._numbering
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="80"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    redefinitions = {80: "", 81: '<w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>',
                     82: '<w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1)"/>'}
    for number, level in redefinitions.items():
        override = f'<w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0">{level}</w:lvl></w:lvlOverride>' if level else ""
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="80"/>'
                                   f"{override}</w:num>"))
        for item in ("First.", "Second."):
            paragraph = document.add_paragraph(item, style="List Paragraph")
            paragraph._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{number}"/></w:numPr>'))
        document.add_paragraph("Between the lists.")
    path = tmp_path / "overrides.docx"
    document.save(str(path))
    lists = [block for block in read_document(path, BuildOptions()).document.body if isinstance(block, ListBlock)]
    assert [(block.ordered, block.number_style) for block in lists] == [
        (True, None), (False, None), (True, "upper-roman")]


def test_a_caption_above_its_picture_is_the_pictures(tmp_path):
    """Word's Insert Caption "Above selected item" and LibreOffice put the caption paragraph over the picture: it
    is the picture's caption, its "Figure 1:" left out as under a picture. A caption under a picture stays that
    picture's, also one between two pictures; a caption over a picture that has its own caption under it is no
    caption of it."""
    from docx.shared import Inches

    from tests.conftest import SAMPLES

    photo = str(SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg")
    document = docx.Document()
    document.add_paragraph("Captions above", style="Title")
    for text in ("Figure 1: Over the first.", None, "Text between.", None, "Figure 2: Under the second.", None,
                 "Figure 3: Between two pictures.", None, "Text after.", "Figure 4: Its picture was deleted.", None,
                 "Figure 5: Under the fifth."):
        if text is None:
            document.add_paragraph().add_run().add_picture(photo, width=Inches(4))
        else:
            document.add_paragraph(text, style="Caption" if text.startswith("Figure") else None)
    path = tmp_path / "above.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert [plain_text(block.caption) if isinstance(block, Figure) else plain_text(block.children)
            for block in result.document.body] == [
        "Over the first.", "Text between.", "Under the second.", "Between two pictures.", "", "Text after.",
        "Figure 4: Its picture was deleted.", "Under the fifth."]
    assert warned(result, "4 figure caption number(s)")
    assert warned(result, "a caption paragraph ('Figure 4: Its picture was deleted.') has no picture above or below")


def test_a_generated_index_is_left_out_once_with_its_title(tmp_path):
    """An INDEX field's result (an index: words of the text and their pages, over as many paragraphs as it
    takes), complex or simple, or paragraphs styled Index 1-9, are left out and counted, as a table of contents
    is; so is the title right above it when it is kept out of the outline (w:outlineLvl 9, as LibreOffice writes
    an index saved as a section). A paragraph kept out of the outline elsewhere stays."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def paragraph(runs: str, properties: str = "") -> None:
        document.element.body.append(parse_xml(f'<w:p {nsdecls("w")}><w:pPr>{properties}</w:pPr>{runs}</w:p>'))

    def run(inner: str) -> str:
        return f"<w:r>{inner}</w:r>"

    document = docx.Document()
    document.add_paragraph("Indexed", style="Title")
    body_level = '<w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/>'
    paragraph(run("<w:t>Not in the outline.</w:t>"), body_level)
    paragraph(run("<w:t>Apples</w:t>") + run('<w:fldChar w:fldCharType="begin"/>')
              + run('<w:instrText xml:space="preserve"> XE "apple" </w:instrText>')
              + run('<w:fldChar w:fldCharType="end"/>') + run("<w:t xml:space=\"preserve\"> are fruit.</w:t>"))
    paragraph(run("<w:t>Index</w:t>"), body_level)
    paragraph(run('<w:fldChar w:fldCharType="begin"/>') + run('<w:instrText xml:space="preserve"> INDEX \\e "'
              '" </w:instrText>') + run('<w:fldChar w:fldCharType="separate"/>') + run("<w:t>apple, 1</w:t>"))
    paragraph(run("<w:t>fruit, </w:t>") + run('<w:fldChar w:fldCharType="begin"/>')
              + run('<w:instrText xml:space="preserve"> PAGEREF x </w:instrText>')
              + run('<w:fldChar w:fldCharType="separate"/>') + run("<w:t>1</w:t>")
              + run('<w:fldChar w:fldCharType="end"/>'))
    paragraph(run("<w:t>pear, 1</w:t>") + run('<w:fldChar w:fldCharType="end"/>'))
    paragraph(run("<w:t>Between the indexes.</w:t>"))
    paragraph('<w:fldSimple w:instr=" INDEX \\c 2 "><w:r><w:t>apple, 1</w:t></w:r></w:fldSimple>')
    paragraph(run("<w:t>After the index.</w:t>"))
    # An index whose field was unlinked (Ctrl+Shift+F9): its entries' style says what it is.
    document.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="Index1"><w:name w:val="index 1"/></w:style>'))
    paragraph(run("<w:t>kiwi, 3</w:t>"), '<w:pStyle w:val="Index1"/>')
    path = tmp_path / "index.docx"
    document.save(str(path))
    result = read_document(path, BuildOptions())
    assert texts(result.document.body) == [
        "Not in the outline.", "Apples are fruit.", "Between the indexes.", "After the index."]
    assert warned(result, "3 index(es) left out")

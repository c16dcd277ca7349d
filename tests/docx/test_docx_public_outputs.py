"""Public Word files (tests/docx/public) whose tables, links and lists once made outputs fail our own checks: a
staircase table (rows that skip columns, `w:gridBefore`), a header row over a body of empty cells, tables with
no header look, links whose text is their URL, list items all in bold (PyDocX's). They build to PDF and DOCX
that pass page-validation and the DOCX rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model import Table, TableCell, TableRow, make_regular, plain_text, walk_blocks
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import run_exporter

PUBLIC = Path(__file__).resolve().parent / "public" / "python-docx"
FILES = ["tbl-props", "sct-inner-content", "tests-blk-inner-content", "blk-paras-and-tables", "tbl-cell-props",
         "par-hlink-frags"]
# PyDocX's: list items all in bold (once read by the DOCX rules as fake headings), merged cells beyond the grid.
PYDOCX_FILES = ["upper_alpha_all_bold", "convert_p_to_h", "table_col_row_span"]


def cells(rows: list[TableRow]) -> list[list[tuple[str, int]]]:
    return [[(plain_text(cell.children), cell.colspan) for cell in row.cells] for row in rows]


def test_columns_a_row_skips_keep_their_place():
    document = read_document(PUBLIC / "tbl-props.docx", BuildOptions()).document
    staircase = [block for block in walk_blocks(document.body) if isinstance(block, Table)][7]
    assert cells(staircase.rows) == [
        [("a", 1), ("b", 1), ("c", 1), ("d", 1)],
        [("", 1), ("e", 1), ("f", 1), ("g", 1)],
        [("", 2), ("h", 1), ("i", 1)],
        [("", 3), ("j", 1)],
    ]


def test_a_ragged_table_is_made_regular_per_row_group():
    def cell(text: str = "", **spans: int) -> TableCell:
        return TableCell(children=text, **spans)

    table = Table(
        head=[TableRow(cells=[cell("Year", rowspan=3), cell("Sales")])],
        rows=[TableRow(cells=[cell("2024"), cell("12"), cell("extra")]), TableRow(cells=[cell("2025", rowspan=2)])],
    )
    assert make_regular(table)
    # Columns are the whole table's ("Year" spans down, so the body starts in the second column); the head's row
    # span ends with the head, the body's with the body; every row reaches the fourth column.
    assert [c.rowspan for c in table.head[0].cells] == [1, 1, 1]
    assert cells(table.head) == [[("Year", 1), ("Sales", 1), ("", 2)]]
    assert cells(table.rows) == [[("", 1), ("2024", 1), ("12", 1), ("extra", 1)], [("", 1), ("2025", 1), ("", 2)]]
    assert table.rows[1].cells[1].rowspan == 1 and table.head[0].cells[2].header
    assert not make_regular(table)


@pytest.mark.slow
def test_they_build_to_pdf_and_docx_that_pass_every_check(tmp_path):
    sources = [PUBLIC / f"{name}.docx" for name in FILES]
    sources += [PUBLIC.parent / "pydocx" / f"{name}.docx" for name in PYDOCX_FILES]
    result = run_exporter("build", *sources, "--to", "pdf,docx", "--out", tmp_path, "--check", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert sorted(path.name for path in tmp_path.glob("*.pdf")) == sorted(f"{path.stem}.pdf" for path in sources)


def test_a_picture_without_alt_text_in_a_word_draft_is_one_line_that_says_how_to_fix_it_in_word(tmp_path):
    result = run_exporter("build", PUBLIC.parent / "mammoth" / "tiny-picture.docx", "--out", tmp_path / "out")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2 and len(errors) == 1, result.stderr
    assert "figure 1 (figure-1.png) has no alt text: add alt text in Word" in errors[0]
    assert not (tmp_path / "out").exists()


def test_cells_keep_their_columns_when_spans_are_cut_and_holes_filled():
    def cell(text: str = "", **spans: int) -> TableCell:
        return TableCell(children=text, **spans)

    # A hole beside a row span is filled where it is, not after the span.
    table = Table(rows=[TableRow(cells=[cell("A"), cell("B"), cell("C", rowspan=2), cell("E"), cell("F")]),
                        TableRow(cells=[cell("D")])])
    assert make_regular(table)
    assert cells(table.rows) == [[("A", 1), ("B", 1), ("C", 1), ("E", 1), ("F", 1)], [("D", 1), ("", 1), ("", 2)]]
    # A head cell merged down into the body: cut at the head, its column left empty below, the rest in place.
    table = Table(head=[TableRow(cells=[cell("Group", rowspan=3), cell("h1"), cell("h2")])],
                  rows=[TableRow(cells=[cell("a"), cell("b")]), TableRow(cells=[cell("c"), cell("d")])])
    assert make_regular(table)
    assert cells(table.head) == [[("Group", 1), ("h1", 1), ("h2", 1)]] and table.head[0].cells[0].rowspan == 1
    assert cells(table.rows) == [[("", 1), ("a", 1), ("b", 1)], [("", 1), ("c", 1), ("d", 1)]]


def test_rows_that_merged_cells_cover_end_to_end_are_not_counted_in_the_span(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Merged rows", 1)
    document.add_paragraph("Intro.")
    table = document.add_table(rows=4, cols=3)
    for row in range(4):
        for column in range(3):
            table.cell(row, column).text = f"r{row}c{column}"
    table.cell(1, 0).merge(table.cell(2, 2))  # rows 1 and 2 become one merged block
    path = tmp_path / "merged.docx"
    document.save(str(path))
    [read] = [block for block in read_document(path, BuildOptions()).document.body if isinstance(block, Table)]
    assert [[cell.rowspan for cell in row.cells] for row in [*read.head, *read.rows]] == [[1, 1, 1], [1], [1, 1, 1]]
    assert read.rows[0].cells[0].colspan == 3 and not make_regular(read)

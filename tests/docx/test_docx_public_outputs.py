"""Public Word files (tests/docx/public) whose tables and links once made outputs fail our own checks: a
staircase table (rows that skip columns, `w:gridBefore`), a header row over a body of empty cells, tables with
no header look, links whose text is their URL. They build to PDF and DOCX that pass page-validation and the DOCX
rules."""

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
    # The head's row span ends with the head; every row reaches the third column.
    assert [c.rowspan for c in table.head[0].cells] == [1, 1, 1]
    assert cells(table.head) == [[("Year", 1), ("Sales", 1), ("", 1)]]
    assert cells(table.rows) == [[("2024", 1), ("12", 1), ("extra", 1)], [("2025", 1), ("", 2)]]
    assert table.rows[1].cells[0].rowspan == 1 and table.head[0].cells[2].header
    assert not make_regular(table)


@pytest.mark.slow
def test_they_build_to_pdf_and_docx_that_pass_every_check(tmp_path):
    sources = [PUBLIC / f"{name}.docx" for name in FILES]
    result = run_exporter("build", *sources, "--to", "pdf,docx", "--out", tmp_path, "--check", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert sorted(path.name for path in tmp_path.glob("*.pdf")) == sorted(f"{name}.pdf" for name in FILES)


def test_a_picture_without_alt_text_in_a_word_draft_is_one_line_that_says_how_to_fix_it_in_word(tmp_path):
    result = run_exporter("build", PUBLIC.parent / "mammoth" / "tiny-picture.docx", "--out", tmp_path / "out")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2 and len(errors) == 1, result.stderr
    assert "figure 1 (figure-1.png) has no alt text: add alt text in Word" in errors[0]
    assert not (tmp_path / "out").exists()

"""Word tables as the model's tables: header rows, spans, row headers, and cell content the model's text-only
cells cannot hold kept as text or moved out, with a count for the reader to report.

A header row is what Word or a reader of the file would take for one: rows marked "repeat as header row"
(`w:tblHeader`), else the first row when the table style's "Header Row" option is on (`w:tblLook`), else a
first row in bold when a later row is not. Merged cells keep their spans, and cells their columns (columns a
row skips, `w:gridBefore`, become an empty cell; the build makes every row reach the last column: model
`make_regular`). A nested table becomes lines of text in its cell, a list in a cell its items' lines, and a
picture in a cell is moved after the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from exporter.model import MAX_COLSPAN, Inline, Table, TableCell, TableRow
from exporter.readers.docx.drawings import Drawing
from exporter.readers.docx.items import Atom, Cell, Para, Row, TableInfo

NESTED_CELL_SEPARATOR = " | "


@dataclass
class TableResult:
    table: Table | None
    pictures: list[Drawing] = field(default_factory=list)  # pictures that sat in cells, in reading order
    counts: Counter[str] = field(default_factory=Counter)


def build_table(
    info: TableInfo, caption: list[Inline], inlines: Callable[[list[Atom]], list[Inline]]
) -> TableResult:
    result = TableResult(None)
    rows = [row for row in info.rows if row.cells]
    if not rows:
        return result
    head_count = _header_rows(info, rows)
    body_rows = rows[head_count:]
    row_headers = _has_row_headers(body_rows)
    model_rows: list[TableRow] = []
    kept_head = 0
    origins: dict[int, TableCell] = {}
    for row_index, row in enumerate(rows):
        cells: list[TableCell] = []
        continued: list[TableCell] = []
        position = 0  # the grid column after the cells so far
        for cell in row.cells:
            if cell.column > position:  # columns skipped before it (w:gridBefore): an empty cell keeps its place
                skipped = min(cell.column - position, MAX_COLSPAN)
                cells.append(TableCell(header=row_index < head_count, colspan=skipped))
            position = cell.column + cell.colspan
            if cell.merge == "continue" and cell.column in origins:
                continued.append(origins[cell.column])
                continue
            header = row_index < head_count or (row_headers and cell.column == 0)
            atoms = _cell_atoms(cell, result)
            if header:
                # Header cells are bold by the writer's choice, not the author's: not Strong.
                atoms = [replace(atom, bold=False) for atom in atoms]
            align = _alignment(cell.paragraphs[0].align if cell.paragraphs else None)
            model = TableCell(header=header, children=inlines(atoms), colspan=cell.colspan, align=align)
            cells.append(model)
            if cell.merge == "restart":
                origins[cell.column] = model
            else:
                origins.pop(cell.column, None)
        # A row that merged cells cover from end to end is no row of its own in the model (a row holds a cell):
        # it is not counted in their spans either.
        if cells:
            for origin in continued:
                origin.rowspan += 1
            model_rows.append(TableRow(cells=cells))
            kept_head += row_index < head_count
    head, body = model_rows[:kept_head], model_rows[kept_head:]
    if body:
        result.table = Table(caption=caption, head=head, rows=body)
    return result


def _header_rows(info: TableInfo, rows: list[Row]) -> int:
    """How many rows at the top are header rows (never all of them: the model needs a body)."""
    count = 0
    while count < len(rows) and rows[count].header:
        count += 1
    if count == 0 and len(rows) > 1 and (info.first_row_header or _bold_first_row(rows)):
        count = 1
    return 0 if count == len(rows) else count


def _bold_first_row(rows: list[Row]) -> bool:
    def bold_cell(cell: Cell) -> bool:
        return all(para.bold_style for para in cell.paragraphs if para.text.strip()) or _all_bold(_plain_atoms(cell))

    def bold(row: Row) -> bool:
        return all(bold_cell(cell) for cell in row.cells if _plain_atoms(cell))

    first = rows[0]
    if not any(_plain_atoms(cell) for cell in first.cells):
        return False
    return bold(first) and not all(bold(row) for row in rows[1:])


def _plain_atoms(cell: Cell) -> list[Atom]:
    return [atom for para in cell.paragraphs for atom in para.atoms if atom.kind == "text" and atom.text.strip()]


def _cell_atoms(cell: Cell, result: TableResult) -> list[Atom]:
    """A cell's content as one run of atoms, paragraphs on their own lines; what a model cell cannot hold
    (nested tables, list structure, pictures) becomes lines of text or is moved out, and is counted."""
    lines: list[list[Atom]] = []
    for item in cell.items:
        if isinstance(item, TableInfo):
            result.counts["nested_table"] += 1
            for row in item.rows:
                line: list[Atom] = []
                for number, nested in enumerate(row.cells):
                    if number:
                        line.append(Atom("text", NESTED_CELL_SEPARATOR))
                    # The nested row is one line: the cell's own lines are kept apart by a space.
                    line += [replace(atom, kind="text", text=" ") if atom.kind == "break" else atom
                             for atom in _cell_atoms(nested, result)]
                lines.append(line)
            continue
        if item.num is not None:
            result.counts["list_in_cell"] += 1
        lines.append(_without_pictures(item, result))
    atoms: list[Atom] = []
    for line in (line for line in lines if any(a.kind != "text" or a.text.strip() for a in line)):
        if atoms:
            atoms.append(Atom("break"))
        atoms += line
    return atoms


def _without_pictures(para: Para, result: TableResult) -> list[Atom]:
    kept = []
    for atom in para.atoms:
        if atom.kind == "drawing" and atom.drawing is not None:
            result.pictures.append(atom.drawing)
            result.counts["picture_in_cell"] += 1
        else:
            kept.append(atom)
    return kept


def _all_bold(atoms: list[Atom]) -> bool:
    texts = [atom for atom in atoms if atom.kind == "text" and atom.text.strip()]
    return bool(texts) and all(atom.bold for atom in texts) and not any(atom.link for atom in texts)


def _has_row_headers(rows: list[Row]) -> bool:
    """The writer marks row-header cells only by bold: every body row's first cell bold, not every cell."""
    if not rows or max(len(row.cells) for row in rows) < 2:
        return False
    firsts = [row.cells[0] for row in rows]
    if not all(cell.column == 0 and _all_bold([a for p in cell.paragraphs for a in p.atoms]) for cell in firsts):
        return False
    others = [cell for row in rows for cell in row.cells[1:]]
    return not all(_all_bold([a for p in cell.paragraphs for a in p.atoms]) for cell in others)


def _alignment(value: str | None) -> str | None:
    return {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}.get(
        value or ""
    )

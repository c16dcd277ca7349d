"""How deep an input may nest and how big its tables may be: limits on the model every reader produces, and the
parser limits that protect it. Every writer renders a model within these limits completely; anything past them
is refused with one line that names the limit (README, "Security and limits"), never cut short, never a crash."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from exporter.errors import ExportError
from exporter.model import Article, Packet, Table

# Blocks and inline markup inside each other (a paragraph in a quote in a list item...). Real articles nest a
# handful of levels; the writers are proven at this depth in every format.
MAX_NESTING = 32
# JSON/YAML arrays and mappings inside each other: a model level takes at most three (`items: [[{...}]]`).
MAX_DATA_DEPTH = 3 * MAX_NESTING + 4
# Rows times columns of one table. Writers that lay out a grid (DOCX pads every row to the full width) do work in
# proportion; news and data tables stay far below it.
MAX_TABLE_CELLS = 100_000


def nesting_error(found: str, limit: int, *, line: int | None = None) -> ExportError:
    return ExportError(f"{found} nested more than {limit} levels deep (the limit); refused", line=line)


def _nodes(node: BaseModel):
    """(node, depth) for every node under `node`: a block of an article's body is level 1, its inline content
    level 2, and so on. Iterative, so it cannot itself run out of stack."""
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, list):
            stack.extend((item, depth) for item in value)
        elif isinstance(value, BaseModel):
            yield value, depth
            for name in type(value).model_fields:
                child = getattr(value, name)
                if isinstance(child, list | BaseModel):
                    stack.append((child, depth + 1))


def table_cells(table: Table) -> int:
    """The cells of a table's grid: its rows times its widest row's columns (spans counted)."""
    rows = [*table.head, *table.rows]
    return len(rows) * max(sum(cell.colspan for cell in row.cells) for row in rows)


def check_model_limits(document: Article | Packet) -> None:
    """Nesting and table size, for every reader's model. Depth counts from the article (its body blocks are
    level 1); a packet's articles sit one level lower."""
    allowed = MAX_NESTING + (1 if isinstance(document, Packet) else 0)
    for node, depth in _nodes(document):
        if depth > allowed:
            raise nesting_error("the content is", MAX_NESTING)
        if isinstance(node, Table) and table_cells(node) > MAX_TABLE_CELLS:
            raise ExportError(
                f"a table of {len(node.head) + len(node.rows)} rows has {table_cells(node)} cells: more than "
                f"{MAX_TABLE_CELLS} (the limit); refused"
            )


def data_depth(value: Any) -> int:
    """How deep parsed JSON/YAML nests (a scalar is 0, `[]` is 1). Iterative."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest

"""pandoc's simple and multiline tables (what `pandoc -t markdown` writes for most tables) as markdown-it table
tokens, so the Markdown reader reads them as it reads pipe tables.

    Right  Left     Center            ----------- ------- --------------
  -------  ------ ----------             First    row     Spans two
       12  12         12                                  lines.
                                       Second   row     One line.
                                      ----------- ------- --------------

Columns are the runs of dashes of the line under the header (or, without a header, of the line that opens the
table); a cell is the text from its column's start to the next column's start. A simple table has a row per
line and ends at a blank line (or a line of dashes); a multiline table opens with a line of dashes, separates its
rows by blank lines, and closes with a line of dashes. A column's alignment is where its header (or first cell)
sits against its dashes: flush left, flush right, neither (centred) or both (the default). Two columns at least:
a line of text over one run of dashes is a heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import overload

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

DASHES = re.compile(r"-+")
# Runs of two dashes at least: "- - -" is a thematic break.
DASH_LINE = re.compile(r" {0,3}-{2,}(?: +-{2,})* *")


@dataclass(frozen=True)
class Column:
    start: int  # where its dashes start
    end: int  # where they end


@dataclass
class Parsed:
    head: list[list[str]]  # the header's lines (several in a multiline table); empty without a header
    rows: list[list[str]]  # each row's lines
    columns: list[Column]
    next_line: int


def pandoc_tables_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "pandoc_table", _rule)


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    lines = _Lines(state, start, end)
    parsed = _multiline(lines) or _simple(lines)
    if parsed is None:
        return False
    if not silent:
        _emit(state, start, parsed)
    state.line = start + parsed.next_line
    return True


class _Lines(Sequence[str]):
    """The lines from `start` to the container's end, each made when looked at: the rule runs at every block's
    start, and a table's tests look at two or three lines, so making them all made reading quadratic."""

    def __init__(self, state: StateBlock, start: int, end: int) -> None:
        self.state, self.start, self.end = state, start, end

    def __len__(self) -> int:
        return self.end - self.start

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return _line(self.state, self.start + index)


def _line(state: StateBlock, number: int) -> str:
    """The line inside its container (a list item's indentation off): columns count from there."""
    line = state.src[state.bMarks[number]:state.eMarks[number]].expandtabs(4)
    return line[min(state.blkIndent, len(line) - len(line.lstrip(" "))):]


def _blank(line: str) -> bool:
    return not line.strip()


def _columns(line: str) -> list[Column] | None:
    if not DASH_LINE.fullmatch(line):
        return None
    columns = [Column(match.start(), match.end()) for match in DASHES.finditer(line)]
    return columns if len(columns) >= 2 else None


def _full_dashes(line: str) -> bool:
    return bool(re.fullmatch(r" {0,3}-{3,} *", line))


def _simple(lines: Sequence[str]) -> Parsed | None:
    if len(lines) < 3:
        return None
    head: list[list[str]] = []
    if (columns := _columns(lines[0])) is not None:
        index = 1  # no header: a line of dashes opens the table, another closes it
    elif not _blank(lines[0]) and (columns := _columns(lines[1])) is not None:
        head, index = [[lines[0]]], 2
    else:
        return None
    rows: list[list[str]] = []
    while index < len(lines) and not _blank(lines[index]):
        if DASH_LINE.fullmatch(lines[index]):
            index += 1
            break
        rows.append([lines[index]])
        index += 1
    else:
        if not head:
            return None  # a headerless table ends with its line of dashes
    if not rows or (index < len(lines) and not _blank(lines[index])):
        return None
    return Parsed(head, rows, columns, index)


def _multiline(lines: Sequence[str]) -> Parsed | None:
    if len(lines) < 4:
        return None
    head: list[list[str]] = []
    if _full_dashes(lines[0]) and _columns(lines[0]) is None:
        index = 1
        while index < len(lines) and not _blank(lines[index]) and _columns(lines[index]) is None:
            index += 1
        if index == 1 or index >= len(lines) or (columns := _columns(lines[index])) is None:
            return None
        head = [lines[1:index]]
        index += 1
    elif (columns := _columns(lines[0])) is not None:
        index = 1
    else:
        return None
    rows: list[list[str]] = []
    current: list[str] = []
    blank_between = False
    while index < len(lines):
        line = lines[index]
        index += 1
        if DASH_LINE.fullmatch(line) and not _blank(line):
            if current:
                rows.append(current)
            break
        if _blank(line):
            if current:
                rows.append(current)
                current = []
                blank_between = True
            continue
        current.append(line)
    else:
        return None  # never closed
    if not rows or (not head and not blank_between):
        return None  # rows of a line each without a header: a simple table
    if index < len(lines) and not _blank(lines[index]):
        return None
    return Parsed(head, rows, columns, index)


def _spans(columns: list[Column]) -> list[tuple[int, int | None]]:
    """Where each column's text is: from its dashes' start (the line's, for the first) to the next column's."""
    return list(pairwise([0, *(column.start for column in columns[1:]), None]))


def _cells(lines: list[str], columns: list[Column]) -> list[str]:
    """Each column's text in the lines of one row, its lines joined by line ends (read as spaces)."""
    cells = []
    for left, right in _spans(columns):
        parts = [line[left:right].strip() for line in lines]
        cells.append("\n".join(part for part in parts if part))
    return cells


def _alignment(lines: list[str], columns: list[Column]) -> list[str | None]:
    """A column's alignment from where its text sits against its dashes."""
    found: list[str | None] = []
    for column, (left, right) in zip(columns, _spans(columns), strict=True):
        text = lines[0][left:right]
        if not text.strip():
            found.append(None)
            continue
        first = left + len(text) - len(text.lstrip())
        last = left + len(text.rstrip())
        flush_left, flush_right = first == column.start, last == column.end
        if flush_left and flush_right:
            found.append(None)
        elif flush_left:
            found.append("left")
        elif flush_right:
            found.append("right")
        else:
            found.append("center")
    return found


def _emit(state: StateBlock, start: int, parsed: Parsed) -> None:
    first = parsed.head[0] if parsed.head else parsed.rows[0]
    alignment = _alignment(first, parsed.columns)
    table = state.push("table_open", "table", 1)
    table.map = [start, start + parsed.next_line]
    sections = [("thead", "th", parsed.head), ("tbody", "td", parsed.rows)]
    for section, cell_tag, rows in sections:
        if not rows:
            continue
        state.push(f"{section}_open", section, 1)
        for row in rows:
            state.push("tr_open", "tr", 1)
            for text, align in zip(_cells(row, parsed.columns), alignment, strict=True):
                cell = state.push(f"{cell_tag}_open", cell_tag, 1)
                if align:
                    cell.attrs["style"] = f"text-align:{align}"
                inline = state.push("inline", "", 0)
                inline.content = text
                inline.map = table.map
                inline.children = []
                state.push(f"{cell_tag}_close", cell_tag, -1)
            state.push("tr_close", "tr", -1)
        state.push(f"{section}_close", section, -1)
    state.push("table_close", "table", -1)

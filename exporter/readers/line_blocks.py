"""pandoc's line blocks (verse, addresses), which CommonMark does not read: their lines would run together into
one paragraph with the `|` marks shown.

    | The limerick packs laughs anatomical
    |     In space that is quite economical.
    | 1600 Pennsylvania Avenue NW

Each `| ` line is a line of one paragraph (its Markdown read as usual), its leading spaces kept as no-break
spaces; a line that starts with a space continues the line above; `|` alone is an empty line. A pipe table is a
table: its delimiter row (`|---|`) says so, and the table rule runs first.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

LINE = re.compile(r" {0,3}\|(?: (?P<text>.*)|)\Z")
DELIMITER_ROW = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*\Z")


def line_blocks_plugin(md: MarkdownIt) -> None:
    md.block.ruler.after("table", "line_block", _rule)


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    lines: list[str] = []
    number = start
    while number < end:
        raw = state.src[state.bMarks[number]:state.eMarks[number]]
        raw = raw[min(state.blkIndent, len(raw) - len(raw.lstrip(" "))):]  # inside its container
        match = LINE.match(raw)
        if match:
            lines.append(_kept_spaces(match["text"] or ""))
        elif lines and raw[:1] == " " and raw.strip():
            lines[-1] += " " + raw.strip()  # a continuation of the line above
        else:
            break
        if DELIMITER_ROW.match(raw):
            return False
        number += 1
    if not lines:
        return False
    if not silent:
        state.push("paragraph_open", "p", 1).map = [start, number]
        inline = state.push("inline", "", 0)
        inline.content = "\\\n".join(lines)
        inline.map = [start, number]
        inline.children = []
        state.push("paragraph_close", "p", -1)
    state.line = number
    return True


def _kept_spaces(text: str) -> str:
    stripped = text.lstrip(" ")
    return "\u00a0" * (len(text) - len(stripped)) + stripped

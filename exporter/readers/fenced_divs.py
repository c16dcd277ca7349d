"""pandoc's fenced divs, nested as pandoc nests them.

    ::: {.sidebar lang=fr}
    Texte.

    ::: note
    Une note.
    :::
    :::

A line of three or more colons with a word or `{attributes}` (more colons may follow) opens a div; a line of
colons alone closes the innermost one open, so divs nest with fences of the same length (mdit-py-plugins'
container closes the outer div at the inner one's fence); colons in a fenced code block are code. The tokens are
the container plugin's, `container_div_open` and `container_div_close`, with the attributes as `info`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Pandoc's fenced div: colons, then one word or {attributes} (more colons may close the line); else it is text.
OPENING = re.compile(r"(?P<fence>:{3,})(?P<params>\s*(?:[\w-]+|\{[^{}\n]*\})\s*:*\s*)")
CLOSING = re.compile(r":{3,}\s*")
CODE_FENCE = re.compile(r"(`{3,}|~{3,})")


def fenced_divs_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "container_div", _rule, {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _line(state: StateBlock, number: int) -> str:
    return state.src[state.bMarks[number] + state.tShift[number]:state.eMarks[number]]


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    opening = OPENING.fullmatch(_line(state, start))
    if opening is None:
        return False
    if silent:
        return True
    depth, number, closed = 0, start, False
    code_fence: str | None = None  # the fence of a code block the lines are in: its colons are code
    while True:
        number += 1
        if number >= end:
            break  # an unclosed div ends with its container
        if state.sCount[number] < state.blkIndent and _line(state, number):
            break  # a line less indented than the container ends it (a list item's div)
        if state.sCount[number] - state.blkIndent >= 4:
            continue  # indented code
        text = _line(state, number)
        fence = CODE_FENCE.match(text)
        if code_fence is not None:
            if fence and fence.group(1)[0] == code_fence[0] and len(fence.group(1)) >= len(code_fence) \
                    and not text[fence.end():].strip():
                code_fence = None
            continue
        if fence:
            code_fence = fence.group(1)
        elif OPENING.fullmatch(text):
            depth += 1
        elif CLOSING.fullmatch(text):
            if depth == 0:
                closed = True
                break
            depth -= 1
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "container"
    state.lineMax = number  # no lazy continuation past the closing fence
    token = state.push("container_div_open", "div", 1)
    token.markup, token.block, token.map = opening["fence"], True, [start, number]
    token.info = opening["params"].strip()
    state.md.block.tokenize(state, start + 1, number)
    token = state.push("container_div_close", "div", -1)
    token.markup, token.block = opening["fence"], True
    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = number + (1 if closed else 0)
    return True

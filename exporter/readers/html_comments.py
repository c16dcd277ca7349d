"""HTML comments that hold a blank line. Authors hide draft notes this way, paragraphs of them, and pandoc and
browsers hide the whole comment; markdown-it, with HTML blocks off (raw HTML stays text here), ends the paragraph
at the blank line and leaves the comment's text in the page. A comment that starts a line and runs past a blank
line is therefore a block of its own, `html_comment`, which the Markdown reader leaves out. Text after its `-->`
on the closing line goes on as the next block, as pandoc reads it. A comment without a blank line stays to the
inline rule, which already leaves it out of its paragraph.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

OPEN, CLOSE = "<!--", "-->"


def html_comments_plugin(md: MarkdownIt) -> None:
    # Before the setext heading rule, which would take `<!--` over a line of dashes for a heading. It may
    # interrupt a paragraph (CommonMark's HTML block of comments does): the text before it stays.
    md.block.ruler.before("lheading", "html_comment", _rule, {"alt": ["paragraph", "reference", "blockquote"]})


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith(OPEN, begin):
        return False
    close = state.src.find(CLOSE, begin + len(OPEN), state.eMarks[end - 1])  # inside this container only
    if close == -1:
        return False
    last = start
    while state.eMarks[last] < close:
        last += 1
    if not any(state.isEmpty(number) for number in range(start + 1, last)):
        return False
    if silent:
        return True
    after = close + len(CLOSE)
    token = state.push("html_comment", "", 0)
    token.content = state.src[begin:after]
    token.map = [start, last + 1]
    rest = state.src[after:state.eMarks[last]]
    if rest.strip():
        # The rest starts a block at the container's own indent, as pandoc reads it: spaces after `-->` make no
        # code block.
        state.bMarks[last] = after
        state.tShift[last] = len(rest) - len(rest.lstrip(" "))
        state.sCount[last] = state.blkIndent
        state.line = last
    else:
        state.line = last + 1
    return True

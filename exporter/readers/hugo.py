"""Hugo's shortcodes, `{{< name params >}}` and `{{% name params %}}`, which the site generator fills in when it
builds the page. A shortcode that takes whole lines (one line or several, as Hugo's docs write a figure's
parameters one per line) is a block of its own, `hugo_shortcode`, so that markdown-it does not read a `>}}` line
as a quotation; the Markdown reader makes the figure shortcode a figure and keeps any other as text. A shortcode
inside a sentence stays part of the paragraph, as do Jekyll's Liquid tags (`names_in` finds both for a warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# One shortcode: its delimiters, its name and its parameters, where a quoted value may hold `>}}`.
SHORTCODE = re.compile(
    r"""\{\{(?P<open>[<%])\s*(?P<name>/?[\w.-]+)(?P<params>(?:"(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*'|(?![%>]\}\})[^"`'])*?)"""
    r"""\s*[%>]\}\}""",
    re.DOTALL,
)
PARAMETER = re.compile(r"""([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|'([^']*)'|([^\s"`']+))""")
_MAX_LINES = 50  # a shortcode's parameters are a few lines: past this, the `{{<` is text


@dataclass(frozen=True)
class Shortcode:
    name: str
    parameters: dict[str, str]


def parse(text: str) -> Shortcode | None:
    """The shortcode that is the whole of `text` (but for white space), if one is."""
    match = SHORTCODE.fullmatch(text.strip())
    if match is None:
        return None
    parameters = {found.group(1): next(group for group in found.groups()[1:] if group is not None)
                  for found in PARAMETER.finditer(match.group("params"))}
    return Shortcode(match.group("name"), parameters)


# Jekyll's Liquid, which other site generators' Markdown holds the same way: tags `{% include x.html %}` and
# output `{{ site.baseurl }}`.
LIQUID = re.compile(r"\{%-?\s*(?P<tag>[\w.]+)[^%]*?-?%\}|\{\{-?\s*(?P<output>[\w.]+)[^{}]*?-?\}\}")


def names_in(text: str) -> list[str]:
    """The names of the shortcodes (a closing `{{< /note >}}` names `note`) and Liquid tags and outputs in
    running text."""
    shortcodes = [match.group("name").lstrip("/") for match in SHORTCODE.finditer(text)]
    return shortcodes + [match.group("tag") or match.group("output") for match in LIQUID.finditer(text)]


def hugo_shortcodes_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("blockquote", "hugo_shortcode", _rule, {"alt": ["paragraph"]})


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    if not first.startswith(("{{<", "{{%")):
        return False
    lines = [first]
    number = start
    while parse("\n".join(lines)) is None:
        number += 1
        if number >= end or number - start > _MAX_LINES or state.isEmpty(number):
            return False
        lines.append(state.src[state.bMarks[number] + state.tShift[number]:state.eMarks[number]])
    number += 1
    if not silent:
        token = state.push("hugo_shortcode", "", 0)
        token.content = "\n".join(lines)
        token.map = [start, number]
    state.line = number
    return True

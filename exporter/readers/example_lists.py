"""pandoc's example lists: items marked `(@)` or `(@label)`, numbered in one sequence through the whole document,
and `(@label)` in the text, which reads as that item's number. CommonMark has neither: the items ran together into
one paragraph with their markers as text. Before markdown-it reads the text, each item's marker becomes its number,
as wide as the marker (`(@good)` -> `000002.`, so the item's lines keep their columns), and each reference to a
label its number; code is never rewritten. The lists then read as numbered lists starting at their first number.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from exporter.readers.fancy_lists import code_lines

MARKER = re.compile(r"(?P<lead>[ >]*+)\(@(?P<label>[\w-]*)\)(?P<space>[ \t]+)(?=\S)")
_MAX_DIGITS = 9  # CommonMark's longest list number


def rewrite(text: str, md: MarkdownIt) -> str:
    lines = text.split("\n")
    if not any(MARKER.match(line) for line in lines):
        return text
    protected = code_lines(text, md)
    numbers: dict[str, int] = {}
    count = 0
    for index, line in enumerate(lines):
        match = MARKER.match(line)
        if match is None or index in protected:
            continue
        count += 1
        if match["label"]:
            numbers.setdefault(match["label"], count)
        width = len(match["label"]) + 2  # "(@label)" less its "."
        digits = str(count).zfill(min(width, _MAX_DIGITS))
        lines[index] = f"{match['lead']}{digits}.{match['space']}{line[match.end():]}"
    if numbers:
        reference = re.compile(r"(?<![\w@])@(" + "|".join(map(re.escape, numbers)) + r")(?![\w-])")
        lines = [line if index in protected else reference.sub(lambda found: str(numbers[found[1]]), line)
                 for index, line in enumerate(lines)]
    return "\n".join(lines)

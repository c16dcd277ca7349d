"""pandoc's lists numbered with letters and Roman numerals (`a.`, `B)`, `iv.`) and with `#.`, which CommonMark
does not read: their items would run together into one paragraph. Before markdown-it reads the text, each line
that starts an item with such a marker gets a number of the same width instead (`a.` -> `1.`, `iv.` -> `04.`),
so the items keep their lines and indentation; the list keeps the number style its first marker gives.

As pandoc reads them: a letter is a letter (`c.` is 3), but `i.` and `I.` and markers of two or more Roman
numerals are Roman; a capital letter with a full stop needs two spaces after it (`A.  Item`), so that a name's
initial (`B. Smith`) stays text; an item starts after a blank line or in a list already started.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from exporter.model import NumberStyle

MARKER = re.compile(
    # The lead (indentation, block quote marks) is taken whole: a quote nested 30 deep must not backtrack.
    r"(?P<lead>[ >]*+)(?P<marker>#|[A-Za-z]|[ivxlcdm]+|[IVXLCDM]+)(?P<delimiter>[.)])"
    r"(?P<space>[ \t]+)(?=\S)"
)
ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", re.IGNORECASE)
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# Where a marker is never one: code, and the front matter.
LETTERS = ("lower-alpha", "upper-alpha")
PROTECTED = {"fence", "code_block", "front_matter"}


def rewrite(text: str, md: MarkdownIt) -> tuple[str, dict[int, NumberStyle | None]]:
    """The text with fancy markers made numbers, and the number style of each line that starts an item."""
    lines = text.split("\n")
    if not any(_marker(MARKER.match(line)) for line in lines):
        return text, {}
    # Code is never rewritten; what is code is known once the lists are: four spaces in an item are its text.
    protected = code_lines(text, md)
    rewritten, styles = _rewrite(lines, protected)
    for _ in range(2):
        code = code_lines(rewritten, md)
        if code == protected:
            break
        protected = code
        rewritten, styles = _rewrite(lines, protected)
    return rewritten, styles


def code_lines(text: str, md: MarkdownIt) -> set[int]:
    return {number for token in md.parse(text) if token.type in PROTECTED and token.map
            for number in range(*token.map)}


def _rewrite(source: list[str], protected: set[int]) -> tuple[str, dict[int, NumberStyle | None]]:
    lines = list(source)
    styles: dict[int, NumberStyle | None] = {}
    # Per indentation, the style of the list being read and the delimiter written for it: a list of another
    # style right after it is another list (pandoc's reading), so it gets the other delimiter.
    open_lists: dict[int, tuple[NumberStyle | None, str]] = {}
    previous_blank = True
    for number, line in enumerate(lines):
        blank = not line.strip()
        match = MARKER.match(line)
        found = _marker(match) if number not in protected else None
        if match and found and (previous_blank or open_lists):
            value, style = found
            indent = len(match["lead"])
            current = open_lists.get(indent)
            if current and _reads_as(match["marker"], current[0]):
                style = current[0]  # "i." after "h." is the ninth letter, "V)" after "IV)" Roman five
            if current and current[0] == style:
                # A later item: only a list's first number counts; one as wide as the marker keeps the columns.
                digits, delimiter = "0" * len(match["marker"]), current[1]
            else:
                digits = str(value).zfill(len(match["marker"]))
                delimiter = "." if current is None or current[1] == ")" else ")"
            open_lists = {depth: item for depth, item in open_lists.items() if depth < indent}
            open_lists[indent] = (style, delimiter)
            lines[number] = f"{match['lead']}{digits}{delimiter}{match['space']}{line[match.end():]}"
            styles[number] = style
        elif not blank and previous_blank and not line[:1].isspace():
            open_lists = {}  # a paragraph after the list ends it
        previous_blank = blank
    return "\n".join(lines), styles


def _marker(match: re.Match[str] | None) -> tuple[int, NumberStyle | None] | None:
    """The marker's number and style; None when it is no marker as pandoc reads them."""
    if match is None:
        return None
    marker = match["marker"]
    if marker == "#":
        return 1, None
    upper = marker.isupper()
    if len(marker) == 1 and upper and match["delimiter"] == "." and len(match["space"].expandtabs(4)) < 2:
        return None
    if len(marker) == 1 and marker not in "iI":
        return ord(marker.lower()) - ord("a") + 1, "upper-alpha" if upper else "lower-alpha"
    if ROMAN.fullmatch(marker):
        return _roman_value(marker), "upper-roman" if upper else "lower-roman"
    return None


def _reads_as(marker: str, style: NumberStyle | None) -> bool:
    """Whether a later item's marker can be read in its list's style, as pandoc reads it."""
    if style is None or marker == "#" or marker.isupper() != style.startswith("upper"):
        return False
    return len(marker) == 1 if style in LETTERS else bool(ROMAN.fullmatch(marker))


def _roman_value(numeral: str) -> int:
    values = [ROMAN_VALUES[character] for character in numeral.upper()]
    return sum(-value if index + 1 < len(values) and value < values[index + 1] else value
               for index, value in enumerate(values))

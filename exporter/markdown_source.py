"""The model written as canonical Markdown with YAML front matter, in the syntax the Markdown reader reads."""

from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass

import yaml

from exporter.errors import ExportError
from exporter.model import (
    TASK_BOXES,
    Article,
    Block,
    BlockQuote,
    Code,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Media,
    Paragraph,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
    place_cells,
    walk_blocks,
    without,
)

_ALWAYS_ESCAPE = re.compile(r"([\\`*_\[\]{}<>|&^~$])")
_LINE_START = re.compile(r"^([ \t]*)([#>+\-=:]|\d+[.)])", re.MULTILINE)
# Characters a line break or a table row would split on: written as character references, which CommonMark
# and pandoc decode back into the same text.
_BREAKING = re.compile(r"[\n\r\f\v\u2028\u2029\x85]")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def escape_text(text: str) -> str:
    escaped = _ALWAYS_ESCAPE.sub(r"\\\1", text)
    # "!" before "[" would start an image: escape it wherever a "[" may follow (in the text or after it).
    escaped = re.sub(r"!(?=\\\[|$)", r"\\!", escaped)
    return _BREAKING.sub(lambda m: _reference(m.group()), escaped)


def _reference(character: str) -> str:
    return f"&#{ord(character)};"


def _is_space(character: str | None) -> bool:
    return character is not None and (character.isspace() or unicodedata.category(character) == "Zs")


def _is_punctuation(character: str | None) -> bool:
    """What CommonMark may count as punctuation for delimiter runs (Unicode P and S, as markdown-it does)."""
    return character is not None and unicodedata.category(character).startswith(("P", "S"))


def _safe_neighbour(character: str | None) -> bool:
    """Beside a delimiter run, these let it open or close in every CommonMark reader: a line edge, an ASCII space,
    or ASCII punctuation (pandoc and markdown-it agree on those)."""
    return character is None or character in " \t\n" or character in _ASCII_PUNCTUATION


def tidy_inlines(nodes: list[Inline], *, edge: bool = True) -> list[Inline]:
    """The same content in the form Markdown can spell: empty text, code, emphasis and spans dropped,
    neighbouring text (and code, and emphasis of one kind) merged, emphasis inside emphasis of its kind and links
    and language spans inside links reduced to their content, line breaks moved out of the edges of emphasis
    (where no delimiter could close) and off the edges of a block (where they show nothing), and a block of white
    space alone is nothing. Every output renders a node and its tidy form alike."""
    result: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            if node.text:
                if result and isinstance(result[-1], Text):
                    result[-1] = Text(text=result[-1].text + node.text)
                else:
                    result.append(node)
        elif isinstance(node, Code):
            text = re.sub(r"\r\n|[\r\n]", " ", node.text)  # a code span has no line breaks
            if text and result and isinstance(result[-1], Code):
                result[-1] = Code(text=result[-1].text + text)  # two touching code spans are one
            elif text:
                result.append(Code(text=text))
        elif isinstance(node, Emphasis | Strong | Strikeout):
            # Emphasis inside emphasis (strong inside strong, strikeout inside strikeout) looks the same as once:
            # the inner one is its content.
            children = tidy_inlines(without(type(node), node.children), edge=False)
            leading: list[Inline] = []
            trailing: list[Inline] = []
            while children and isinstance(children[0], LineBreak):
                leading.append(children.pop(0))
            while children and isinstance(children[-1], LineBreak):
                trailing.insert(0, children.pop())
            result.extend(leading)
            if children and not leading and result and type(result[-1]) is type(node):
                # Two touching emphases are one emphasis.
                merged = tidy_inlines([*result[-1].children, *children], edge=False)
                result[-1] = node.model_copy(update={"children": merged})
            elif children:
                result.append(node.model_copy(update={"children": children}))
            result.extend(trailing)
        elif isinstance(node, Link):
            # A link inside a link is invalid everywhere: the inner one is its text (as the build makes it). A
            # language span inside link text is its text too: markdown-it's span syntax cannot sit in a link.
            children = tidy_inlines(without(Span, without(Link, node.children)), edge=False)
            result.append(node.model_copy(update={"children": children}))
        elif isinstance(node, Span):
            children = tidy_inlines(node.children, edge=False)
            if children:  # an empty span shows nothing
                result.append(node.model_copy(update={"children": children}))
        elif isinstance(node, Footnote):
            if any(tidy_inlines(paragraph.children) for paragraph in node.children):
                result.append(node)  # a note of white space alone says nothing (and Markdown has no empty note)
        else:
            result.append(node)
    if edge:
        while result and isinstance(result[0], LineBreak):
            result.pop(0)
        while result and isinstance(result[-1], LineBreak):
            result.pop()
        if all(isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip()) for node in result):
            return []  # a block of white space alone shows nothing: readers leave it out
    return result


@dataclass
class _Piece:
    """A stretch of written Markdown: `text` may be re-spelled with character references, the others not."""

    kind: str  # "text", "syntax", "open", "close", "break"
    value: str


def _pieces(nodes: list[Inline], out: list[_Piece], outer: str = "") -> None:
    for node in nodes:
        if isinstance(node, Text):
            text = escape_text(node.text)
            after_note = out and out[-1].kind == "syntax" and out[-1].value.startswith("[^")
            if after_note and text.startswith((":", "(")):
                text = "\\" + text  # "[^1]:" would start the note's definition, "[^1](x)" a link
            out.append(_Piece("text", text))
        elif isinstance(node, Emphasis | Strong):
            # Tidy content nests at most emphasis in strong or strong in emphasis, and no two emphases of one
            # kind touch: a run whose character differs from the enclosing run and from a run it touches can
            # only ever match its own partner.
            touching = out[-1].value[0] if out and out[-1].kind == "close" else ""
            character = next(c for c in "*_" if c not in (outer, touching))
            marker = character if isinstance(node, Emphasis) else character * 2
            out.append(_Piece("open", marker))
            _pieces(node.children, out, character)
            out.append(_Piece("close", marker))
        elif isinstance(node, Code):
            fence = "`" * (max((len(m) for m in re.findall(r"`+", node.text)), default=0) + 1)
            # CommonMark strips one space from each end of a code span that has both (and is not all spaces).
            padded = node.text.startswith("`") or node.text.endswith("`") or (
                node.text[:1] == " " and node.text[-1:] == " " and node.text.strip(" ")
            )
            pad = " " if padded else ""
            out.append(_Piece("syntax", f"{fence}{pad}{node.text}{pad}{fence}"))
        elif isinstance(node, LineBreak):
            out.append(_Piece("break", "\\\n"))
        elif isinstance(node, Span):
            out.append(_Piece("syntax", "["))
            _pieces(node.children, out, outer)
            out.append(_Piece("syntax", f"]{{lang={node.lang}}}"))
        elif isinstance(node, Link):
            title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
            out.append(_Piece("syntax", "["))
            _pieces(node.children, out, outer)
            out.append(_Piece("syntax", f"](<{node.href.replace('>', '%3E')}>{title})"))
        elif isinstance(node, Superscript | Subscript):
            out.append(_Piece("syntax", scripted(node.children, "^" if isinstance(node, Superscript) else "~")))
        elif isinstance(node, Strikeout):
            out.append(_Piece("open", "~~"))
            _pieces(node.children, out, outer)
            out.append(_Piece("close", "~~"))
        elif isinstance(node, Footnote):
            out.append(_Piece("syntax", footnote(node)))
        elif isinstance(node, InlineImage):
            title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
            out.append(_Piece("syntax", f"![{escape_text(node.alt)}](<{node.image.replace('>', '%3E')}>{title})"))


def _spell_edge(piece: _Piece, *, first: bool) -> None:
    """Write a text piece's first (or last) character as a character reference: punctuation to CommonMark."""
    value = piece.value
    if first:
        piece.value = _reference(value[0]) + value[1:]
    else:
        piece.value = value[:-1] + _reference(value[-1])


def _first(pieces: list[_Piece], index: int) -> str | None:
    return pieces[index].value[0] if 0 <= index < len(pieces) else None


def _last(pieces: list[_Piece], index: int) -> str | None:
    return pieces[index].value[-1] if 0 <= index < len(pieces) else None


def _delimit(pieces: list[_Piece]) -> list[_Piece]:
    """Make every emphasis delimiter open and close where the model says, by CommonMark's flanking rules: no
    space sits just inside a run, and a run with punctuation inside (or any "_" run) has a space, ASCII punctuation
    or the line's edge outside. Spaces and letters that break a rule are written as character references."""
    for index, piece in enumerate(pieces):
        inside, outside = (index + 1, index - 1) if piece.kind == "open" else (index - 1, index + 1)
        if piece.kind not in ("open", "close"):
            continue
        read_inside = _first if piece.kind == "open" else _last
        read_outside = _last if piece.kind == "open" else _first
        if _is_space(read_inside(pieces, inside)) and pieces[inside].kind == "text":
            _spell_edge(pieces[inside], first=piece.kind == "open")
        # "_" never opens or closes between two letters; "*" not where punctuation inside meets a letter outside.
        needs_break = piece.value[0] == "_" or _is_punctuation(read_inside(pieces, inside))
        if needs_break and not _safe_neighbour(read_outside(pieces, outside)) and pieces[outside].kind == "text":
            _spell_edge(pieces[outside], first=piece.kind == "close")
    # Spaces at a block's edges or beside a hard line break would be stripped: keep them as references.
    for index, piece in enumerate(pieces):
        if piece.kind != "text":
            continue
        if (index == 0 or pieces[index - 1].kind == "break") and _is_space(piece.value[0]):
            _spell_edge(piece, first=True)
        if (index == len(pieces) - 1 or pieces[index + 1].kind == "break") and _is_space(piece.value[-1]):
            _spell_edge(piece, first=False)
    return pieces


# The footnote definitions of the document being written (`to_markdown`), in the order they are referenced.
_notes: ContextVar[list[str] | None] = ContextVar("markdown_notes", default=None)


def scripted(nodes: list[Inline], mark: str) -> str:
    """Superscript (`^`) or subscript (`~`) text. Pandoc and the reader take no markup inside the marks and no
    unescaped space, so formatting goes outside them (`*^a^*`) and spaces are escaped (`^a\\ b^`)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text | Code):
            # Spaces at the edges go outside the marks (the marks may not open or close on a space).
            lead = " " if node.text[:1].isspace() else ""
            trail = " " if node.text[-1:].isspace() and node.text.strip() else ""
            text = " ".join(node.text.split())
            core = mark + escape_text(text).replace(" ", "\\ ") + mark if text else ""
            out.append(lead + core + trail)
        elif isinstance(node, Emphasis):
            out.append(f"*{scripted(node.children, mark)}*")
        elif isinstance(node, Strong):
            out.append(f"**{scripted(node.children, mark)}**")
        elif isinstance(node, Span):
            out.append(f"[{scripted(node.children, mark)}]{{lang={node.lang}}}")
        elif isinstance(node, Link):
            title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
            out.append(f"[{scripted(node.children, mark)}](<{node.href.replace('>', '%3E')}>{title})")
        elif isinstance(node, Superscript | Subscript):
            out.append(scripted(node.children, "^" if isinstance(node, Superscript) else "~"))
        else:
            out.append(inlines([node]))
    return "".join(out)


def footnote(node: Footnote) -> str:
    """`[^N]` here, the definition after the body; without a document being written, an inline note."""
    notes = _notes.get()
    paragraphs = [_paragraph_text(paragraph.children) for paragraph in node.children]
    if notes is None:
        return "^[" + " ".join(paragraphs) + "]"
    notes.append("\n\n".join(paragraphs))
    return f"[^{len(notes)}]"


def inlines(nodes: list[Inline]) -> str:
    pieces: list[_Piece] = []
    _pieces(tidy_inlines(nodes), pieces)
    text = "".join(piece.value for piece in _delimit(pieces))
    # A line after a line break (in a caption, a heading, a note) must not open a list, a quote or a div either.
    first, newline, rest = text.partition("\n")
    return first + newline + _escape_line_starts(rest) if newline else text


def _escape_line_starts(text: str) -> str:
    """Escape what would make a line of paragraph text start a block: `#`, `>`, `-`, `:`, `1.` and the like."""
    return _LINE_START.sub(
        lambda m: (
            m.group(1) + "\\" + m.group(2)
            if not m.group(2)[0].isdigit()
            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
        ),
        text,
    )


def _paragraph_text(nodes: list[Inline]) -> str:
    return _escape_line_starts(inlines(nodes))


def attribute(name: str, value: str | None) -> str:
    if value is None:
        return ""
    if "{" in value or "}" in value:
        raise ExportError(
            f"the {name} text contains a brace, which Markdown attributes cannot hold: {value!r}"
        )
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f' {name}="{escaped}"'


def figure(node: Figure) -> str:
    title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
    attrs = attribute("alt", node.alt)
    if node.decorative:
        attrs += " decorative=true"
    attrs += (
        attribute("credit", node.credit) + attribute("virin", node.virin) + attribute("rights", node.rights)
    )
    return f"![{inlines(node.caption)}](<{node.image}>{title}){{{attrs.strip()}}}"


def media(node: Media) -> str:
    title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
    attrs = f"media={node.kind}" + attribute("credit", node.credit) + attribute("virin", node.virin)
    attrs += attribute("duration", node.duration)
    if node.poster is not None:
        attrs += attribute("poster", node.poster.image) + attribute("poster-alt", node.poster.alt)
    return f"![{inlines(node.caption)}](<{node.url or ''}>{title}){{{attrs}}}"


def table(node: Table) -> str:
    """A pipe table: one header row, one cell per column. A merged cell's text is in its first column and row,
    the grid slots it covered empty; header rows past the first are body rows (`not_carried` says so)."""
    grid = _grid([*node.head, *node.rows])

    def row(cells: list[TableCell | None]) -> str:
        texts = [inlines([Text(text=" ") if isinstance(child, LineBreak) else child for child in cell.children])
                 if cell else "" for cell in cells]
        return "| " + " | ".join(texts) + " |"

    head = grid[0] if node.head else [None] * len(grid[0])
    body = grid[1:] if node.head else grid
    lines = [row(head), "|" + "|".join(_align(cell.align if cell else None) for cell in head) + "|"]
    lines += [row(cells) for cells in body]
    row_headers = all(r.cells[0].header for r in node.rows)
    if node.caption or row_headers:
        attrs = " {row-headers=true}" if row_headers else ""
        lines += ["", f": {inlines(node.caption)}{attrs}"]
    return "\n".join(lines)


def _grid(rows: list[TableRow]) -> list[list[TableCell | None]]:
    """Each row's cell in each column of the table, None where a merged cell above or to the left covers it."""
    placed = place_cells(rows)
    width = max(column + cell.colspan for _, column, cell in placed)
    grid: list[list[TableCell | None]] = [[None] * width for _ in rows]
    for row_index, column, cell in placed:
        grid[row_index][column] = cell
    return grid


def _is_grid(node: Table) -> bool:
    """Whether a pipe table says all the table does: one header row at most, no merged cells."""
    rows = [*node.head, *node.rows]
    return len(node.head) <= 1 and all(cell.colspan == cell.rowspan == 1 for row in rows for cell in row.cells)


def _align(align: str | None) -> str:
    return {"left": ":---", "center": ":---:", "right": "---:"}.get(align or "", "---")


def _indent(text: str, prefix: str, first: str) -> str:
    lines = text.split("\n")
    return "\n".join((first if i == 0 else (prefix if line else "")) + line for i, line in enumerate(lines))


def block(node: Block, after_list: bool = False) -> str:
    """`after_list`: the block before is a list of the same kind, which CommonMark would continue unless this one
    uses the other marker (`*` for `-`, `)` for `.`)."""
    if isinstance(node, Heading):
        # A closing run of "#" would be read as the heading's end marker, not its text.
        text = "#" * node.level + " " + re.sub(r"#$", r"\\#", inlines(node.children))
        return f"{text} {{#{node.anchor}}}" if node.anchor else text
    if isinstance(node, Paragraph):
        return _paragraph_text(node.children)
    if isinstance(node, Figure):
        return figure(node)
    if isinstance(node, Media):
        return media(node)
    if isinstance(node, Table):
        return table(node)
    if isinstance(node, BlockQuote):
        inner = blocks(node.children)
        if node.attribution:
            inner += "\n\n— " + inlines(node.attribution)
        return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
    if isinstance(node, ListBlock):
        items = []
        start = node.start if node.start is not None else 1
        # Past z or MMMCMXCIX, numbered 1, 2, 3 (not_carried says so).
        numbers = item_numbers(node) or [str(start + index) for index in range(len(node.items))]
        for index, item in enumerate(node.items):
            delimiter = (")" if after_list else ".") if node.ordered else ("*" if after_list else "-")
            number = numbers[index]
            # pandoc reads "B. Smith" as text: a capital letter with a full stop takes two spaces.
            space = "  " if number.isalpha() and number.isupper() and len(number) == 1 and delimiter == "." else " "
            marker = f"{number}{delimiter}{space}" if node.ordered else f"{delimiter} "
            items.append(_indent(_task_mark(blocks(item) or ""), " " * len(marker), marker))
        return "\n\n".join(items)
    raise TypeError(f"unknown block {type(node).__name__}")


def _task_mark(item: str) -> str:
    """A task item's box written as GitHub and pandoc write it: `[ ]` open, `[x]` done."""
    if item[:1] in TASK_BOXES and item[1:2] == " ":
        return ("[x]" if TASK_BOXES[item[0]] else "[ ]") + item[1:]
    return item


def blocks(nodes: list[Block]) -> str:
    written: list[str] = []
    alternate = False
    for index, node in enumerate(nodes):
        previous = nodes[index - 1] if index else None
        same_kind = (isinstance(node, ListBlock) and isinstance(previous, ListBlock)
                     and node.ordered == previous.ordered)
        alternate = same_kind and not alternate
        text = block(node, after_list=alternate)
        if isinstance(node, Paragraph) and isinstance(nodes[index + 1] if index + 1 < len(nodes) else None, Table):
            text = re.sub(r"\ATable:", r"Table\\:", text)  # else read back as the caption of the table below
        written.append(text)
    return "\n\n".join(written)


def item_numbers(node: ListBlock) -> list[str] | None:
    """Each item's number in the list's style, as pandoc writes it; None when the style cannot count so far."""
    start = node.start if node.start is not None else 1
    numbers = [list_number(start + index, node.number_style) for index in range(len(node.items))]
    return None if None in numbers else [number for number in numbers if number is not None]


def list_number(number: int, style: str | None) -> str | None:
    """An item's number as pandoc writes it in the list's style: c, C, iii, III; None past z or 3999."""
    if style in ("lower-alpha", "upper-alpha"):
        letter = chr(ord("a") + number - 1) if 1 <= number <= 26 else None
        return letter.upper() if letter and style == "upper-alpha" else letter
    if style in ("lower-roman", "upper-roman"):
        if not 1 <= number <= 3999:
            return None
        numeral = ""
        for value, letters in ROMAN_NUMERALS:
            count, number = divmod(number, value)
            numeral += letters * count
        return numeral.lower() if style == "lower-roman" else numeral
    return str(number)


ROMAN_NUMERALS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                  (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def not_carried(article: Article) -> list[str]:
    """What the Markdown cannot say and the article has, one warning per kind."""
    blocks = list(walk_blocks(article.body))
    styled = sum(isinstance(node, ListBlock) and item_numbers(node) is None for node in blocks)
    merged = sum(isinstance(node, Table) and not _is_grid(node) for node in blocks)
    broken = sum(isinstance(node, Table) and any(isinstance(child, LineBreak) for row in [*node.head, *node.rows]
                                                 for cell in row.cells for child in cell.children) for node in blocks)
    messages = []
    if styled:
        messages.append(f"{styled} list(s) numbered with letters or Roman numerals past what they can count (z, "
                        "MMMCMXCIX) are written numbered 1, 2, 3 (import to .json or .yaml to keep them)")
    if merged:
        messages.append(f"{merged} table(s) with merged cells or more than one header row are written as pipe "
                        "tables: a merged cell's text in its first column and row, header rows past the first as "
                        "body rows (import to .json or .yaml to keep them)")
    if broken:
        messages.append(f"{broken} table(s) have line breaks in cells, written as spaces: a pipe table's cell is "
                        "one line (import to .json or .yaml to keep them)")
    return messages


def to_markdown(article: Article) -> str:
    front = article.model_dump(mode="json", exclude_none=True, exclude={"body"})
    for key in ("keywords", "related"):
        if not front.get(key):
            front.pop(key, None)
    if front.get("source") == {}:
        front.pop("source")
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    notes: list[str] = []
    token = _notes.set(notes)
    try:
        body = blocks(article.body)
    finally:
        _notes.reset(token)
    definitions = "".join(
        f"\n\n{_indent(text, '    ', f'[^{number}]: ')}" for number, text in enumerate(notes, start=1)
    )
    return f"---\n{header}---\n\n{body}{definitions}\n"

"""The canonical article model: readers produce it, writers consume it, nothing else crosses that line.

Every field that a source may lack is optional and stays absent when the source lacks it: writers omit what
is missing rather than invent it. Text fields hold plain text; formatting lives in inline nodes, so nothing a
source contains can reach an output as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from exporter.language_tags import is_valid_language_tag

# ASCII digits only: `\d` would also take other scripts' digits (U+1D7D0 and the like), which no VIRIN has.
VIRIN_PATTERN = re.compile(r"^[0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}[A-Z]?(-[A-Z]{2})?$")
# HTML's own limits for spans, and the largest number a Word list can start at (a 32-bit integer): a table
# grid or list numbering past these would be built cell by cell, or rejected by the formats, for nothing.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
MAX_LIST_START = 2**31 - 1
_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|tiff?|webp|heic|bmp)$", re.IGNORECASE)


def normalize_virin(value: str) -> str:
    """Strip whitespace and an image-file extension (captures carry `230214-D-TT977-0483.JPG`)."""
    return _IMAGE_SUFFIX.sub("", value.strip())


def is_virin(value: str) -> bool:
    return bool(VIRIN_PATTERN.match(normalize_virin(value)))


def check_iso8601(value: str) -> str:
    """An ISO 8601 date or date-time, in any form `fromisoformat` reads in Python 3.11 ("20230115", "2023-W03-1",
    Jekyll's "2023-01-15 10:00:00 -0500"), written in the one form every output can carry: YYYY-MM-DD, or
    YYYY-MM-DDTHH:MM:SS with at most three decimals and its offset (a Z stays a Z). HTML's `<time datetime>` and
    EPUB's dates take no other; the value means the same instant."""
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
        ) from None
    offset = moment.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        moment = moment.astimezone(UTC)  # an offset in seconds, which neither takes: the same instant
    written = moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    return written.removesuffix("+00:00") + "Z" if text.endswith("Z") else written


def check_language(value: str) -> str:
    tag = value.strip()
    if not tag or not is_valid_language_tag(tag):
        raise ValueError(f"{value!r} is not a valid BCP 47 language tag")
    return tag


# Characters XML 1.0 cannot carry (C0 controls other than tab, newline and return; U+FFFE, U+FFFF).
_NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Node(BaseModel):
    # A number where text goes is that text (`title: 1984`, `virin: 230214`), as pandoc reads YAML metadata.
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True, coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _xml_characters_only(cls, data: Any) -> Any:
        """Every output is XML underneath (XHTML, OOXML, XMP): text that XML cannot hold is dropped here, once."""
        if isinstance(data, dict):
            return {key: _xml_safe(value) for key, value in data.items()}
        return data


def xml_text(text: str) -> str:
    """The text without the characters XML cannot hold: for text set on a node after it was made."""
    return _NOT_XML_CHARACTERS.sub("", text)


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return [xml_text(item) for item in value]
    return value


# ---------------------------------------------------------------- inlines


class Text(Node):
    type: Literal["text"] = "text"
    text: str


class Emphasis(Node):
    type: Literal["emphasis"] = "emphasis"
    children: list[Inline]


class Strong(Node):
    type: Literal["strong"] = "strong"
    children: list[Inline]


class Link(Node):
    type: Literal["link"] = "link"
    href: str
    title: str | None = None
    children: list[Inline]

    @field_validator("children")
    @classmethod
    def _no_note_in_a_link(cls, children: list[Inline]) -> list[Inline]:
        # A footnote's call is itself a link in HTML and EPUB, and links do not nest.
        if any(isinstance(node, Footnote) for node in walk_inlines(children)):
            raise ValueError("a footnote inside a link's text: put the footnote after the link")
        return children


class LineBreak(Node):
    type: Literal["line_break"] = "line_break"


class Code(Node):
    type: Literal["code"] = "code"
    text: str


class Span(Node):
    """Text in another language than its surroundings."""

    type: Literal["span"] = "span"
    lang: str
    children: list[Inline]

    _check_lang = field_validator("lang")(lambda cls, v: check_language(v))


class Superscript(Node):
    type: Literal["superscript"] = "superscript"
    children: list[Inline]


class Subscript(Node):
    type: Literal["subscript"] = "subscript"
    children: list[Inline]


class Strikeout(Node):
    """Text struck through: an editor's visible deletion, kept because the author chose to show it."""

    type: Literal["strikeout"] = "strikeout"
    children: list[Inline]


class Footnote(Node):
    """A note anchored at this point of the text. Writers number an article's notes in reading order and show
    them at the page foot (PDF, DOCX) or after the article (HTML, EPUB), linked both ways."""

    type: Literal["footnote"] = "footnote"
    children: list[Paragraph] = Field(min_length=1)

    @field_validator("children")
    @classmethod
    def _no_note_in_a_note(cls, paragraphs: list[Paragraph]) -> list[Paragraph]:
        for paragraph in paragraphs:
            if any(isinstance(node, Footnote) for node in walk_inlines(paragraph.children)):
                raise ValueError("a footnote inside a footnote: notes cannot nest")
        return paragraphs


class InlineImage(Node):
    """A picture inside running text (an icon, a symbol, a signature): part of the sentence, read as its alt
    text; not a figure (no caption, credit or number). An empty alt makes it decorative."""

    type: Literal["image"] = "image"
    image: str = Field(min_length=1, description="Path relative to the source file, or an https URL")
    alt: str = ""
    title: str | None = None


Inline = Annotated[
    Text | Emphasis | Strong | Link | LineBreak | Code | Span | Superscript | Subscript | Strikeout | Footnote
    | InlineImage,
    Field(discriminator="type"),
]


def _coerce_inlines(value: Any) -> Any:
    """Let JSON/YAML authors write a plain string where inlines are expected."""
    if isinstance(value, str):
        return [{"type": "text", "text": value}] if value else []
    return value


def plain_text(inlines: list[Inline] | None) -> str:
    """The text a reader would hear, without formatting. A footnote's text is not part of the sentence it is
    anchored in: it is left out (its call number is the writers' to draw)."""
    if not inlines:
        return ""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append("\n")
        elif isinstance(node, InlineImage):
            parts.append(node.alt)
        elif not isinstance(node, Footnote):
            parts.append(plain_text(node.children))
    return "".join(parts)


def walk_inlines(inlines: list[Inline]) -> Iterator[Inline]:
    """Every inline, depth first in reading order; a footnote's own paragraphs are not entered."""
    for node in inlines:
        yield node
        if not isinstance(node, Footnote | Text | Code | LineBreak | InlineImage):
            yield from walk_inlines(node.children)


def merge_text(nodes: list[Inline]) -> list[Inline]:
    """The inlines with neighbouring texts as one text and empty texts dropped."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(text=merged[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            merged.append(node)
    return merged


def without(kind: type[Node], inlines: list[Inline]) -> list[Inline]:
    """The inlines with every `kind` node inside them replaced by its content (a link inside a link, a span
    where spans cannot go); copies, the input stays as it was. Footnotes are not entered."""
    flat: list[Inline] = []
    for node in inlines:
        if isinstance(node, kind):
            flat.extend(without(kind, node.children))
        elif isinstance(node, Footnote | Text | Code | LineBreak | InlineImage):
            flat.append(node)
        else:
            flat.append(node.model_copy(update={"children": without(kind, node.children)}))
    return flat


# ---------------------------------------------------------------- blocks


class Heading(Node):
    type: Literal["heading"] = "heading"
    level: int = Field(ge=2, le=6, description="2-6: level 1 is the article title")
    children: list[Inline]
    anchor: str | None = Field(
        default=None,
        pattern=r"^[^\s#{}]+$",
        description="The id the author gave the heading (Markdown `{#id}`), which links in the text name (`#id`)",
    )

    _coerce = field_validator("children", mode="before")(lambda cls, v: _coerce_inlines(v))


class Paragraph(Node):
    type: Literal["paragraph"] = "paragraph"
    children: list[Inline]

    _coerce = field_validator("children", mode="before")(lambda cls, v: _coerce_inlines(v))


class BlockQuote(Node):
    type: Literal["blockquote"] = "blockquote"
    children: list[Block]
    attribution: list[Inline] = Field(default_factory=list)

    _coerce = field_validator("attribution", mode="before")(lambda cls, v: _coerce_inlines(v))


# How an ordered list's items are numbered (pandoc's ListNumberStyle), named as CSS names them: 1 2 3, a b c,
# A B C, i ii iii, I II III.
# A task list's item (pandoc's `- [ ]` and `- [x]`, a Word bullet that is a ballot box) starts with its box as
# text, followed by a space: open, or done.
TASK_BOXES = {"\u2610": False, "\u2611": True, "\u2612": True}
TASK_OPEN, TASK_DONE = "\u2610", "\u2612"


def is_task(item: list[Block]) -> bool:
    """Whether a list item is a task: its first paragraph starts with a ballot box and a space."""
    first = item[0] if item else None
    if not isinstance(first, Paragraph) or not first.children or not isinstance(first.children[0], Text):
        return False
    text = first.children[0].text
    return text[:1] in TASK_BOXES and text[1:2] == " "

NumberStyle = Literal["decimal", "lower-alpha", "upper-alpha", "lower-roman", "upper-roman"]


class ListBlock(Node):
    type: Literal["list"] = "list"
    ordered: bool = False
    start: int | None = Field(default=None, ge=0, le=MAX_LIST_START)
    number_style: NumberStyle | None = Field(default=None, description="An ordered list's numbers; none: decimal")
    items: list[list[Block]] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_if_ordered(self) -> ListBlock:
        if self.number_style == "decimal":
            self.number_style = None  # one way to say it: canonical files leave it out
        if not self.ordered and self.number_style is not None:
            raise ValueError(f"a bulleted list has no number style ({self.number_style!r} needs ordered: true)")
        return self


class Figure(Node):
    type: Literal["figure"] = "figure"
    image: str = Field(min_length=1, description="Path relative to the source file, or an https URL")
    alt: str | None = Field(default=None, description="Absent when the source has none; required to build")
    decorative: bool = False
    title: str | None = None
    caption: list[Inline] = Field(default_factory=list)
    credit: str | None = None
    virin: str | None = Field(default=None, description="DoD Visual Information Record Identification Number")
    rights: str | None = None

    _coerce = field_validator("caption", mode="before")(lambda cls, v: _coerce_inlines(v))

    @field_validator("virin")
    @classmethod
    def _check_virin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        virin = normalize_virin(value)
        if not VIRIN_PATTERN.match(virin):
            raise ValueError(f"{value!r} is not a VIRIN (YYMMDD-S-XXXXX-NNNN, e.g. 230214-D-TT977-0483)")
        return virin


class Media(Node):
    """A video or audio item: outputs describe it and link to it, they do not embed it."""

    type: Literal["media"] = "media"
    kind: Literal["video", "audio"]
    url: str | None = None
    title: str | None = None
    caption: list[Inline] = Field(default_factory=list)
    credit: str | None = None
    virin: str | None = None
    duration: str | None = Field(default=None, description="ISO 8601 duration, e.g. PT2M30S")
    poster: Figure | None = None

    _coerce = field_validator("caption", mode="before")(lambda cls, v: _coerce_inlines(v))
    _check_virin = field_validator("virin")(lambda cls, v: Figure._check_virin(v))


class TableCell(Node):
    header: bool = False
    children: list[Inline] = Field(default_factory=list)
    colspan: int = Field(default=1, ge=1, le=MAX_COLSPAN)
    rowspan: int = Field(default=1, ge=1, le=MAX_ROWSPAN)
    align: Literal["left", "center", "right"] | None = None

    _coerce = field_validator("children", mode="before")(lambda cls, v: _coerce_inlines(v))


class TableRow(Node):
    cells: list[TableCell] = Field(min_length=1)


class Table(Node):
    type: Literal["table"] = "table"
    # A table with a caption is numbered ("Table N."); a caption of one empty text is a number alone.
    caption: list[Inline] = Field(default_factory=list)
    head: list[TableRow] = Field(default_factory=list, description="Header rows (column headers)")
    rows: list[TableRow] = Field(min_length=1)

    _coerce = field_validator("caption", mode="before")(lambda cls, v: _coerce_inlines(v))


Block = Annotated[
    Heading | Paragraph | BlockQuote | ListBlock | Figure | Media | Table, Field(discriminator="type")
]


def place_cells(rows: list[TableRow]) -> list[tuple[int, int, TableCell]]:
    """(row, column, cell) for every cell, skipping grid slots taken by row and column spans above; a row span
    is cut at the last row (the cell is a copy then)."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for row_index, row in enumerate(rows):
        column = 0
        for cell in row.cells:
            while (row_index, column) in taken:
                column += 1
            if cell.rowspan > len(rows) - row_index:
                cell = cell.model_copy(update={"rowspan": len(rows) - row_index})
            placed.append((row_index, column, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((row_index + dr, column + dc))
            column += cell.colspan
    return placed


def make_regular(table: Table) -> bool:
    """Make every row of the table span the same columns, as PDF/UA requires of a table (and as Word draws a
    ragged one): each cell keeps the column the whole table gives it; a row span ends with its row group (head or
    body, as in HTML), and every grid slot no cell covers gets an empty cell. Whether anything changed."""
    rows = [*table.head, *table.rows]
    changed = False
    for row_index, row in enumerate(rows):  # a span past the last row: cut there (place_cells then copies none)
        for cell in row.cells:
            if cell.rowspan > len(rows) - row_index:
                cell.rowspan = len(rows) - row_index
                changed = True
    # Columns as the whole table gives them: a span cut at the head's end below leaves its slots empty, and the
    # cells beside it stay in their columns.
    columns = {id(cell): column for _, column, cell in place_cells(rows)}
    width = max((columns[id(cell)] + cell.colspan for row in rows for cell in row.cells), default=0)
    for header, group in ((True, table.head), (False, table.rows)):
        taken: set[tuple[int, int]] = set()
        for offset, row in enumerate(group):
            for cell in row.cells:
                if cell.rowspan > len(group) - offset:
                    cell.rowspan = len(group) - offset
                    changed = True
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((offset + dr, columns[id(cell)] + dc))
        for offset, row in enumerate(group):
            filled: list[tuple[int, TableCell]] = [(columns[id(cell)], cell) for cell in row.cells]
            column = 0
            while column < width:
                if (offset, column) in taken:
                    column += 1
                    continue
                run = column
                while run < width and (offset, run) not in taken:
                    run += 1
                for part in range(column, run, MAX_COLSPAN):
                    filled.append((part, TableCell(header=header, colspan=min(MAX_COLSPAN, run - part))))
                changed = True
                column = run
            filled.sort(key=lambda item: item[0])
            row.cells = [cell for _, cell in filled]
    return changed


# ---------------------------------------------------------------- article


class Byline(Node):
    people: list[str] = Field(default_factory=list)
    organization: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            name = re.sub(r"^\s*by\s+", "", value, flags=re.IGNORECASE).strip()
            return {"people": [name] if name else []}
        return value

    def text(self) -> str:
        names = ", ".join(self.people)
        if names and self.organization:
            return f"{names}, {self.organization}"
        return names or self.organization or ""


class Source(Node):
    """Where the article was published. Claims a page makes about itself are recorded, never trusted."""

    url: str | None = None
    agency: str | None = Field(default=None, description="Publishing agency or organisation")
    site_name: str | None = None
    url_from: Literal["given", "fetched", "saved page"] | None = Field(
        default=None,
        description="How the URL was found: given (--source-url or the input's own field), fetched (the page was "
        "downloaded from it) or saved page (recorded in a saved copy: canonical link, og:url, a mirror's note, "
        "the page's own form)",
    )
    retrieved: str | None = Field(default=None, description="ISO 8601 date, only when really known")
    page_claims_official: bool | None = Field(
        default=None, description="The page showed a .gov banner (recorded, never trusted)"
    )

    _check_date = field_validator("retrieved")(lambda cls, v: v if v is None else check_iso8601(v))


class RelatedLink(Node):
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)


class Article(Node):
    id: str | None = Field(default=None, description="Slug or identifier; derived when absent")
    title: str = Field(min_length=1)
    dek: str | None = None
    byline: Byline | None = None
    published: str | None = None
    updated: str | None = None
    language: str = "en"
    source: Source = Field(default_factory=Source)
    rights: str | None = None
    keywords: list[str] = Field(default_factory=list)
    body: list[Block] = Field(default_factory=list)
    related: list[RelatedLink] = Field(default_factory=list)

    _check_dates = field_validator("published", "updated")(
        lambda cls, v: v if v is None else check_iso8601(v)
    )
    _check_lang = field_validator("language")(lambda cls, v: check_language(v))

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title is empty")
        return value.strip()

    @model_validator(mode="after")
    def _headings_in_order(self) -> Article:
        previous = 1
        for block in self.body:
            if isinstance(block, Heading):
                if block.level > previous + 1:
                    raise ValueError(
                        f"heading {plain_text(block.children)!r} is level {block.level} after level {previous}:"
                        " heading levels may not be skipped"
                    )
                previous = block.level
        return self

    def figures(self) -> list[Figure]:
        """Every figure in reading order, media posters included."""
        found: list[Figure] = []

        def walk(blocks: list[Block]) -> None:
            for block in blocks:
                if isinstance(block, Figure):
                    found.append(block)
                elif isinstance(block, Media) and block.poster is not None:
                    found.append(block.poster)
                elif isinstance(block, BlockQuote):
                    walk(block.children)
                elif isinstance(block, ListBlock):
                    for item in block.items:
                        walk(item)

        walk(self.body)
        return found

    def inline_images(self) -> list[InlineImage]:
        """Every picture inside running text, in reading order (footnotes' text included)."""
        notes = [paragraph.children for note in self.footnotes() for paragraph in note.children]
        runs = [*inline_lists(self.body), *notes]
        return [node for inlines in runs for node in walk_inlines(inlines) if isinstance(node, InlineImage)]

    def figure_numbers(self, start: int = 0) -> dict[int, int]:
        """The "Figure N." number of each numbered figure and media block (see `is_numbered`), keyed by the
        identity of the block and, for media, of its poster; `start` figures come before (a packet's articles
        are numbered in one sequence)."""
        numbers: dict[int, int] = {}
        for block in walk_figure_blocks(self.body):
            if is_numbered(block):
                start += 1
                numbers[id(block)] = start
                if isinstance(block, Media) and block.poster is not None:
                    numbers[id(block.poster)] = start
        return numbers

    def table_numbers(self, start: int = 0) -> dict[int, int]:
        """The "Table N." number of each table with a caption (as Word's Insert Caption numbers them), keyed by
        the identity of the table; `start` tables come before (one sequence through a packet)."""
        numbers: dict[int, int] = {}
        for block in walk_blocks(self.body):
            if isinstance(block, Table) and block.caption:
                start += 1
                numbers[id(block)] = start
        return numbers

    def footnotes(self) -> list[Footnote]:
        """Every footnote in reading order: the order writers number them in."""
        return [
            node
            for inlines in inline_lists(self.body)
            for node in walk_inlines(inlines)
            if isinstance(node, Footnote)
        ]


def is_numbered(block: Figure | Media) -> bool:
    """Whether a figure or media block is labelled "Figure N." in every format (one sequence through a packet):
    every figure but a decorative one without caption text (an ornament, named by nothing), and media shown
    with a poster (without one there is no picture to number)."""
    if isinstance(block, Media):
        return block.poster is not None
    return not block.decorative or bool(
        block.title or block.caption or block.credit or block.virin or block.rights
    )


def walk_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block in reading order, those inside quotes and list items too."""
    for block in blocks:
        yield block
        if isinstance(block, BlockQuote):
            yield from walk_blocks(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from walk_blocks(item)


def walk_figure_blocks(blocks: list[Block]) -> Iterator[Figure | Media]:
    """Figure and media blocks in reading order, inside quotes and lists too."""
    return (block for block in walk_blocks(blocks) if isinstance(block, Figure | Media))


def inline_lists(blocks: list[Block]) -> Iterator[list[Inline]]:
    """Each run of inlines in the blocks (paragraphs, headings, captions, cells, attributions), in reading
    order."""
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            yield block.children
        elif isinstance(block, BlockQuote):
            yield from inline_lists(block.children)
            yield block.attribution
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from inline_lists(item)
        elif isinstance(block, Figure | Media):
            yield block.caption
        elif isinstance(block, Table):
            yield block.caption
            for row in [*block.head, *block.rows]:
                for cell in row.cells:
                    yield cell.children


class Packet(Node):
    """A press packet: an ordered set of articles with a cover."""

    title: str = Field(min_length=1)
    subtitle: str | None = None
    office: str | None = Field(default=None, description="Issuing office")
    date: str | None = None
    language: str = "en"
    cover_note: str | None = None
    logo: Figure | None = Field(default=None, description="The issuing office's logo on the cover, with its alt text")
    articles: list[Article] = Field(min_length=1)

    _check_date = field_validator("date")(lambda cls, v: v if v is None else check_iso8601(v))
    _check_lang = field_validator("language")(lambda cls, v: check_language(v))

    @field_validator("logo")
    @classmethod
    def _logo_has_alt(cls, logo: Figure | None) -> Figure | None:
        """A logo names the office that issues the packet: it is read out, never decorative."""
        if logo is not None and (logo.decorative or not (logo.alt or "").strip()):
            raise ValueError("logo: alt text is required (for example the office's name)")
        return logo


Document = Article | Packet

"""The flattened document the scanner (`scan`) makes and the body reader (`blocks`) reads: paragraphs as runs of
atoms (text with its formatting, line breaks, pictures, footnotes) and tables as rows of cells. Nothing here
knows WordprocessingML or the model."""

from __future__ import annotations

from dataclasses import dataclass, field

from exporter.readers.docx.drawings import Drawing


@dataclass(frozen=True)
class LinkRef:
    href: str
    title: str | None
    group: int  # one hyperlink: runs of the same element stay one link


@dataclass(frozen=True)
class Atom:
    kind: str  # text | break | drawing | note
    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    lang: str | None = None
    link: LinkRef | None = None
    seq: bool = False  # part of a SEQ field's result (a caption number)
    vert: str | None = None  # superscript | subscript
    strike: bool = False
    drawing: Drawing | None = field(default=None, compare=False)
    note: list[Para] | None = field(default=None, compare=False)  # a footnote's paragraphs


@dataclass
class Para:
    style_id: str | None
    names: list[str]
    outline_level: int | None
    num: tuple[str, int] | None
    left_indent: int | None
    align: str | None
    atoms: list[Atom]
    sequences: list[str]
    page_break_before: bool = False
    drop_cap: bool = False
    bold_style: bool = False  # its paragraph style is bold
    anchor: str | None = None  # the name of a bookmark on it that an in-document link goes to
    unnumbered: bool = False  # its numbering switched off (numId 0): a list item's further paragraph

    @property
    def text(self) -> str:
        return "".join(
            atom.text if atom.kind == "text" else "\n" if atom.kind == "break" else "" for atom in self.atoms
        )

    @property
    def drawings(self) -> list[Drawing]:
        return [atom.drawing for atom in self.atoms if atom.kind == "drawing" and atom.drawing is not None]

    def has_style(self, *names: str) -> bool:
        return any(name in self.names for name in names)


@dataclass
class Cell:
    items: list[Para | TableInfo]
    colspan: int
    merge: str | None  # vMerge: "restart", "continue" or None
    column: int = 0

    @property
    def paragraphs(self) -> list[Para]:
        return [item for item in self.items if isinstance(item, Para)]


@dataclass
class Row:
    cells: list[Cell]
    header: bool


@dataclass
class TableInfo:
    rows: list[Row]
    caption: str | None  # w:tblCaption (table alt text title)
    first_row_header: bool = False  # the table style's "Header Row" option (w:tblLook firstRow)
    description: str | None = None  # w:tblDescription (table alt text description)

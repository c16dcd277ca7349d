"""The body of a DOCX as model blocks, and the header paragraphs (headline, dek, byline, dateline, provenance)
set aside for `metadata` to reconcile with the stored document properties.

Recognised by style name (and outline level for headings), so it reads what our writer, pandoc, Word and
LibreOffice write: Heading 1-9 / Title, Dek / Subtitle, Byline / Author, Dateline / Date, Provenance,
Caption / Image Caption / Table Caption, Quotations / Quote / Block Text, Quote Attribution, List Paragraph
with Word numbering, tables with `w:tblHeader` rows, pictures with `wp:docPr` alt text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exporter.i18n import gettext
from exporter.model import (
    Block,
    BlockQuote,
    Figure,
    Heading,
    Inline,
    Link,
    ListBlock,
    Media,
    Paragraph,
    RelatedLink,
    Table,
    TableCell,
    TableRow,
    is_virin,
    normalize_virin,
    plain_text,
)
from exporter.readers.docx.inlines import (
    atoms_text,
    build_inlines,
    drop_prefix,
    split_lines,
    strip_atoms,
)
from exporter.readers.docx.scan import Atom, Drawing, Para, TableInfo
from exporter.readers.docx.styles import Numbering

HEADING_STYLE = re.compile(r"^heading ?([1-9])$")
CAPTION_STYLES = (
    "caption",
    "image caption",
    "imagecaption",
    "figure caption",
    "table caption",
    "tablecaption",
)
QUOTE_STYLES = ("quotations", "quote", "block text", "blocktext", "intense quote", "intensequote")
ATTRIBUTION_STYLES = ("quote attribution", "quoteattribution")
LIST_PARAGRAPH_STYLES = ("list paragraph", "listparagraph")
TWIPS_PER_LEVEL = 720  # the writer indents list levels by half an inch


def labels(language: str, *messages: str) -> set[str]:
    """A fixed text in the document's language and in English (an edited draft may mix them)."""
    found = set()
    for message in messages:
        found.add(message)
        found.add(gettext(language, message))
    return found


def starts_with_label(text: str, options: set[str]) -> str | None:
    stripped = text.lstrip()
    for label in sorted(options, key=len, reverse=True):
        if stripped.lower().startswith(label.lower()):
            return stripped[len(label) :].strip()
    return None


@dataclass
class Header:
    """Visible header paragraphs, as the editor left them."""

    title: str | None = None
    dek: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)  # pandoc writes one Author paragraph per person
    dateline: str | None = None
    date: str | None = None  # pandoc's Date paragraph
    provenance: list[Para] = field(default_factory=list)
    provenance_heading: bool = False


@dataclass
class FigureSource:
    """Where a figure's picture came from, for `media` to extract (or to report as not included)."""

    figure: Figure
    drawing: Drawing | None
    number: int


@dataclass
class Body:
    header: Header
    blocks: list[Block]
    related: list[RelatedLink]
    figures: list[FigureSource]
    warnings: list[str]


@dataclass
class _ListFrame:
    num_id: str
    level: int
    ordered: bool
    start: int | None
    items: list[list[object]] = field(default_factory=list)


@dataclass
class _Caption:
    title: str | None = None
    caption: list[Atom] = field(default_factory=list)
    credit: str | None = None
    virin: str | None = None
    rights: str | None = None
    duration: str | None = None
    media_kind: str | None = None
    url: str | None = None


class BodyReader:
    def __init__(self, items: list[Para | TableInfo], numbering: Numbering, language: str) -> None:
        self.items = items
        self.numbering = numbering
        self.language = language
        self.header = Header()
        self.blocks: list[Block] = []
        self.figures: list[FigureSource] = []
        self.warnings: list[str] = []
        self.in_header = True
        self.raw_levels: dict[int, int] = {}  # id(Heading) -> level as the document had it
        self._lists: list[_ListFrame] = []
        self._quote: BlockQuote | None = None
        self._root_list: _ListFrame | None = None
        self.label_figure = labels(language, "Figure")
        self.label_table = labels(language, "Table")
        self.label_video = labels(language, "Video:")
        self.label_audio = labels(language, "Audio:")
        self.label_credit = labels(language, "Credit:")
        self.label_virin = labels(language, "VIRIN:")
        self.label_duration = labels(language, "Duration:")
        self.label_rights = {f"{label}:" for label in labels(language, "Rights")}
        self.label_missing = labels(language, "Photo not included.")
        self.label_description = labels(language, "Description:")
        self.label_source_headings = labels(language, "Source", "Official source")

    # ------------------------------------------------------------ driver

    def read(self) -> Body:
        index = 0
        while index < len(self.items):
            index = self._item(index)
        self._close_list()
        self._close_quote()
        self._normalise_headings()
        related = self._related()
        return Body(self.header, self.blocks, related, self.figures, self.warnings)

    def _emit(self, block: Block) -> None:
        self.in_header = False
        self.blocks.append(block)

    def _item(self, index: int) -> int:
        item = self.items[index]
        if isinstance(item, TableInfo):
            self._close_list()
            self._close_quote()
            self._table(item, None)
            return index + 1
        para = item
        if para.num is None and not self._continues_list(para):
            self._close_list()
        if not (para.has_style(*QUOTE_STYLES) or para.has_style(*ATTRIBUTION_STYLES)):
            self._close_quote()
        if para.drawings:
            return self._picture_paragraph(index)
        text = para.text.strip()
        if not text:
            return index + 1
        if self.in_header and self._header_paragraph(para):
            return index + 1
        if para.has_style("provenance"):
            self.header.provenance.append(para)
            return index + 1
        level = self._heading_level(para)
        if level is not None:
            return self._heading(para, level, index)
        if self._is_caption(para):
            return self._caption_paragraph(index)
        if self._is_placeholder(para):
            return self._placeholder(index)
        if self._media_label(para.atoms) is not None:
            self._media(para.atoms)
            return index + 1
        if para.has_style(*ATTRIBUTION_STYLES):  # before quotes: the attribution style is based on Quote
            self._attribution(para)
            return index + 1
        if para.has_style(*QUOTE_STYLES):
            self._quote_paragraph(para)
            return index + 1
        if para.num is not None:
            self._list_item(para)
            return index + 1
        if self._lists:
            self._continuation(para)
            return index + 1
        self._emit(Paragraph(children=self._inlines(para.atoms)))
        return index + 1

    def _inlines(self, atoms: list[Atom]) -> list[Inline]:
        return build_inlines(strip_atoms(atoms), self.language)

    # ------------------------------------------------------------ header

    def _header_paragraph(self, para: Para) -> bool:
        header = self.header
        text = " ".join(para.text.split())
        if header.title is None and (
            (para.has_style("title") and not para.has_style("subtitle")) or self._heading_level(para) == 1
        ):
            header.title = text
            return True
        if header.title is None:
            return False
        if para.has_style("dek", "subtitle") and header.dek is None:
            header.dek = text
            return True
        if para.has_style("byline") and header.byline is None:
            header.byline = text
            return True
        if para.has_style("author"):
            header.authors.append(text)
            return True
        if para.has_style("dateline") and header.dateline is None:
            header.dateline = text
            return True
        if para.has_style("date") and header.date is None:
            header.date = text
            return True
        if para.has_style("abstract") and header.dek is None:
            header.dek = text
            return True
        if (
            not header.provenance_heading
            and self._heading_level(para) is not None
            and text in self.label_source_headings
        ):
            header.provenance_heading = True
            return True
        if para.has_style("provenance"):
            header.provenance.append(para)
            return True
        return False

    # ------------------------------------------------------------ headings

    def _heading_level(self, para: Para) -> int | None:
        for name in para.names:
            match = HEADING_STYLE.match(name)
            if match:
                return int(match.group(1))
        if para.has_style("title") and not para.has_style("subtitle"):
            return 1
        return para.outline_level

    def _heading(self, para: Para, level: int, index: int) -> int:
        self._close_list()
        heading = Heading(level=2, children=self._inlines(para.atoms))
        self.raw_levels[id(heading)] = level
        self._emit(heading)
        return index + 1

    def _normalise_headings(self) -> None:
        """Body headings start at level 2 (level 1 is the headline); levels may not be skipped."""
        headings = [block for block in self.blocks if isinstance(block, Heading)]
        if not headings:
            return
        offset = max(0, 2 - min(self.raw_levels[id(h)] for h in headings))
        previous = 1
        for heading in headings:
            wanted = self.raw_levels[id(heading)] + offset
            level = min(wanted, 6, previous + 1)
            if level != wanted:
                self.warnings.append(
                    f"heading {plain_text(heading.children)!r} is level {wanted - offset} in the DOCX; "
                    f"read as level {level - offset} so that no level is skipped"
                )
            heading.level = level
            previous = level

    def _related(self) -> list[RelatedLink]:
        """The writer's closing "Related stories" heading and list of links become `related` again."""
        if len(self.blocks) < 2:
            return []
        heading, links = self.blocks[-2], self.blocks[-1]
        if not (isinstance(heading, Heading) and isinstance(links, ListBlock)):
            return []
        if plain_text(heading.children).strip() not in labels(self.language, "Related stories"):
            return []
        related: list[RelatedLink] = []
        for item in links.items:
            if len(item) != 1 or not isinstance(item[0], Paragraph) or len(item[0].children) != 1:
                return []
            link = item[0].children[0]
            if not isinstance(link, Link) or not plain_text(link.children).strip():
                return []
            related.append(RelatedLink(title=plain_text(link.children).strip(), url=link.href))
        del self.blocks[-2:]
        return related

    # ------------------------------------------------------------ quotes

    def _quote_paragraph(self, para: Para) -> None:
        if self._quote is None:
            self._quote = BlockQuote(children=[])
        self._quote.children.append(Paragraph(children=self._inlines(para.atoms)))

    def _attribution(self, para: Para) -> None:
        atoms = strip_atoms(para.atoms)
        dash = re.match(r"^\s*(?:\u2014|\u2013|--?)\s*", atoms_text(atoms))
        if dash:
            atoms = drop_prefix(atoms, dash.end())
        if self._quote is None:
            self._quote = BlockQuote(children=[])
        self._quote.attribution = self._inlines(atoms)
        self._close_quote()

    def _close_quote(self) -> None:
        if self._quote is not None:
            quote, self._quote = self._quote, None
            if quote.children or quote.attribution:
                self._emit(quote)

    # ------------------------------------------------------------ lists

    def _continues_list(self, para: Para) -> bool:
        return bool(self._lists) and para.has_style(*LIST_PARAGRAPH_STYLES) and bool(para.text.strip())

    def _list_item(self, para: Para) -> None:
        assert para.num is not None
        num_id, ilvl = para.num
        level_def = self.numbering.level(num_id, ilvl)
        while self._lists and self._lists[-1].level > ilvl:
            self._lists.pop()
        top = self._lists[-1] if self._lists else None
        if top is not None and top.level == ilvl and top.num_id != num_id:
            # Another list definition at the same depth: a separate list (top level) or sub-list.
            if ilvl == 0:
                self._close_list()
            else:
                self._lists.pop()
            top = self._lists[-1] if self._lists else None
        if top is None or top.level < ilvl:
            frame = _ListFrame(
                num_id, ilvl, level_def.ordered, level_def.start if level_def.ordered else None
            )
            if top is not None and top.items:
                top.items[-1].append(frame)
            elif top is not None:
                top.items.append([frame])
            else:
                self._root_list = frame
            self._lists.append(frame)
            top = frame
        top.items.append([Paragraph(children=self._inlines(para.atoms))])

    def _continuation(self, para: Para) -> None:
        """A List Paragraph without a number continues an item, at the depth its indent shows."""
        depth = max(0, round((para.left_indent or TWIPS_PER_LEVEL) / TWIPS_PER_LEVEL) - 1)
        while len(self._lists) > 1 and self._lists[-1].level > depth:
            self._lists.pop()
        frame = self._lists[-1]
        paragraph = Paragraph(children=self._inlines(para.atoms))
        if frame.items:
            frame.items[-1].append(paragraph)
        else:
            frame.items.append([paragraph])

    def _close_list(self) -> None:
        if not self._lists:
            return
        self._lists = []
        if self._root_list is not None:
            self._emit(_list_block(self._root_list))
        self._root_list = None

    # ------------------------------------------------------------ tables

    def _table(self, info: TableInfo, caption_atoms: list[Atom] | None) -> None:
        rows = [row for row in info.rows if row.cells]
        if not rows:
            return
        caption: list[Inline] = []
        if caption_atoms is not None:
            caption = self._inlines(caption_atoms)
        elif info.caption:
            caption = build_inlines(strip_atoms([Atom("text", info.caption)]), self.language)
            self.warnings.append(
                f"table {plain_text(caption)!r}: no caption paragraph above it; its alt text title was used "
                "as the caption"
            )
        head_count = 0
        while head_count < len(rows) and rows[head_count].header:
            head_count += 1
        if head_count == len(rows):
            head_count = 0  # only header rows: the model needs body rows, so read them as body
        body_rows = rows[head_count:]
        row_headers = _has_row_headers(body_rows)
        model_rows: list[TableRow] = []
        origins: dict[int, TableCell] = {}
        for row_index, row in enumerate(rows):
            cells: list[TableCell] = []
            for cell in row.cells:
                if cell.merge == "continue" and cell.column in origins:
                    origins[cell.column].rowspan += 1
                    continue
                header = row_index < head_count or (row_headers and cell.column == 0)
                atoms: list[Atom] = []
                for number, paragraph in enumerate(cell.paragraphs):
                    if number:
                        atoms.append(Atom("break"))
                    atoms.extend(paragraph.atoms)
                if any(atom.kind == "drawing" for atom in atoms):
                    self.warnings.append(
                        "a picture inside a table cell was left out: the model's table cells hold text only"
                    )
                if header:
                    # Header cells are bold by the writer's choice, not the author's: not Strong.
                    atoms = [_unbold(atom) for atom in atoms]
                align = _alignment(cell.paragraphs[0].align if cell.paragraphs else None)
                model = TableCell(
                    header=header, children=self._inlines(atoms), colspan=cell.colspan, align=align
                )
                cells.append(model)
                if cell.merge == "restart":
                    origins[cell.column] = model
                else:
                    origins.pop(cell.column, None)
            if cells:
                model_rows.append(TableRow(cells=cells))
        head = model_rows[:head_count]
        body = model_rows[head_count:]
        if not body:
            return
        self._emit(Table(caption=caption, head=head, rows=body))

    # ------------------------------------------------------------ captions

    def _is_caption(self, para: Para) -> bool:
        if para.has_style(*CAPTION_STYLES):
            return True
        return bool(para.sequences) and bool(self._caption_prefix(para))

    def _caption_prefix(self, para: Para) -> int:
        """Length of "Figure 3. " / "Table 1: " at the start of a caption (0 when there is none)."""
        text = atoms_text(para.atoms)
        names = "|".join(re.escape(label) for label in sorted(self.label_figure | self.label_table, key=len))
        pattern = rf"^\s*(?:{names})\s*\d+\s*[.:\u2013\u2014-]?\s*"
        if para.sequences:
            pattern = rf"^\s*(?:{names}|\S+)?\s*\d+\s*[.:\u2013\u2014-]?\s*"
        match = re.match(pattern, text, flags=re.IGNORECASE)
        return match.end() if match else 0

    def _caption_paragraph(self, index: int) -> int:
        para = self.items[index]
        assert isinstance(para, Para)
        atoms = drop_prefix(para.atoms, self._caption_prefix(para))
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        is_table_caption = isinstance(following, TableInfo) and self._caption_kind(para) != "figure"
        if is_table_caption:
            assert isinstance(following, TableInfo)
            self._close_list()
            self._close_quote()
            self._table(following, atoms)
            return index + 2
        if self._media_label(atoms) is not None:
            self._media(atoms)
            return index + 1
        # A figure caption without its picture: the editor deleted the picture but kept the caption.
        self.warnings.append(
            f"a caption paragraph ({atoms_text(atoms)[:60]!r}) has no picture above it; kept as a paragraph"
        )
        self._emit(Paragraph(children=self._inlines(atoms)))
        return index + 1

    def _following_caption(self, index: int) -> list[Atom] | None:
        """The caption paragraph right after a picture (not a table's caption)."""
        if index + 1 >= len(self.items):
            return None
        after = self.items[index + 1]
        if not isinstance(after, Para) or after.drawings or not self._is_caption(after):
            return None
        if self._caption_kind(after) == "table":
            return None
        return drop_prefix(after.atoms, self._caption_prefix(after))

    def _caption_kind(self, para: Para) -> str | None:
        """ "figure" or "table" by the SEQ field, else by the label the caption starts with, else by style."""
        for sequence in para.sequences:
            if sequence.lower() in {label.lower() for label in self.label_table}:
                return "table"
            if sequence.lower() in {label.lower() for label in self.label_figure}:
                return "figure"
        text = atoms_text(para.atoms).lstrip().lower()
        for kind, options in (("table", self.label_table), ("figure", self.label_figure)):
            if any(re.match(rf"{re.escape(label.lower())}\s*\d", text) for label in options):
                return kind
        if para.has_style("table caption", "tablecaption"):
            return "table"
        if para.has_style("image caption", "imagecaption", "figure caption"):
            return "figure"
        return None

    def _parse_caption(self, atoms: list[Atom]) -> _Caption:
        parts = _Caption()
        lines = [strip_atoms(line) for line in split_lines(strip_atoms(atoms))]
        lines = [line for line in lines if atoms_text(line).strip()]
        if lines:
            kind = self._media_label(lines[0])
            if kind is not None:
                parts.media_kind = kind[0]
                lines[0] = strip_atoms(drop_prefix(lines[0], kind[1]))
                if not atoms_text(lines[0]).strip():
                    lines.pop(0)
        if lines and _all_bold(lines[0]):
            parts.title = " ".join(atoms_text(lines[0]).split())
            lines.pop(0)
        if (
            parts.media_kind
            and lines
            and all(atom.link is not None for atom in lines[-1] if atom.kind == "text")
        ):
            first_link = next((atom.link for atom in lines[-1] if atom.link is not None), None)
            if first_link is not None:
                parts.url = first_link.href
                lines.pop()
        facts_at = None
        for position in range(len(lines) - 1, -1, -1):
            if self._facts(atoms_text(lines[position]), parts, dry_run=True):
                facts_at = position
                break
        caption_lines = lines
        if facts_at is not None:
            self._facts(atoms_text(lines[facts_at]), parts, dry_run=False)
            rights = [" ".join(atoms_text(line).split()) for line in lines[facts_at + 1 :]]
            parts.rights = " ".join(rights) or None
            caption_lines = lines[:facts_at]
        kept: list[list[Atom]] = []
        for line in caption_lines:
            rights = starts_with_label(atoms_text(line), self.label_rights)
            if rights:
                parts.rights = rights
            else:
                kept.append(line)
        for number, line in enumerate(kept):
            if number:
                parts.caption.append(Atom("break"))
            parts.caption.extend(line)
        if parts.rights:
            rights = starts_with_label(parts.rights, self.label_rights)
            parts.rights = rights or parts.rights
        return parts

    def _facts(self, text: str, parts: _Caption, *, dry_run: bool) -> bool:
        """ "Credit: NASA · VIRIN: 230214-D-TT977-0483 · Duration: 2:30", each part optional."""
        pieces = [piece.strip() for piece in text.split("\u00b7") if piece.strip()]
        if not pieces:
            return False
        for piece in pieces:
            credit = starts_with_label(piece, self.label_credit)
            virin = starts_with_label(piece, self.label_virin)
            duration = starts_with_label(piece, self.label_duration)
            if credit is None and virin is None and duration is None:
                return False
            if dry_run:
                continue
            if credit is not None:
                parts.credit = credit or None
            elif virin is not None:
                value = normalize_virin(virin)
                if is_virin(value):
                    parts.virin = value
                elif value:
                    self.warnings.append(
                        f"{value!r} in a caption is not a VIRIN (YYMMDD-S-XXXXX-NNNN); left out"
                    )
            elif duration is not None:
                parts.duration = iso_duration(duration)
        return True

    def _media_label(self, atoms: list[Atom]) -> tuple[str, int] | None:
        """("video"|"audio", label length) when the text opens with the bold "Video:" or "Audio:" label."""
        stripped = strip_atoms(atoms)
        if not stripped or stripped[0].kind != "text" or not stripped[0].bold:
            return None
        text = atoms_text(stripped)
        for kind, options in (("video", self.label_video), ("audio", self.label_audio)):
            for label in options:
                if text.startswith(label):
                    return kind, len(atoms_text(atoms)) - len(text) + len(label)
        return None

    # ------------------------------------------------------------ figures and media

    def _picture_paragraph(self, index: int) -> int:
        para = self.items[index]
        assert isinstance(para, Para)
        self._close_list()
        self._close_quote()
        before: list[Atom] = []
        drawings: list[Drawing] = []
        after: list[Atom] = []
        for atom in para.atoms:
            if atom.kind == "drawing" and atom.drawing is not None:
                drawings.append(atom.drawing)
            elif drawings:
                after.append(atom)
            else:
                before.append(atom)
        if atoms_text(before).strip():
            self._emit(Paragraph(children=self._inlines(before)))
        caption_atoms = self._following_caption(index)
        consumed = index + 1 + (caption_atoms is not None)
        for position, drawing in enumerate(drawings):
            last = position == len(drawings) - 1
            caption = self._parse_caption(caption_atoms) if (last and caption_atoms is not None) else None
            if caption is not None and caption.media_kind:
                self._emit_media(caption, self._figure(drawing, None, with_caption=False, poster=True))
            else:
                self._emit(self._figure(drawing, caption, with_caption=caption_atoms is not None and last))
        if atoms_text(after).strip():
            self._emit(Paragraph(children=self._inlines(after)))
        return consumed

    def _figure(
        self, drawing: Drawing | None, caption: _Caption | None, *, with_caption: bool, poster: bool = False
    ) -> Figure:
        number = len(self.figures) + 1
        alt = drawing.descr.strip() if drawing and drawing.descr and drawing.descr.strip() else None
        stored_title = drawing.title.strip() if drawing and drawing.title and drawing.title.strip() else None
        decorative = bool(drawing and drawing.decorative and not alt)
        stored_virin = None
        if drawing and drawing.name and is_virin(drawing.name):
            stored_virin = normalize_virin(drawing.name)
        # pandoc (and Word's older alt-text "Title") keep the photo title in docPr/@title; our writer shows it
        # as the caption's bold first line, and never writes @title.
        title = (caption.title if caption else None) or stored_title
        virin = caption.virin if caption else None
        if poster:
            # A video's poster: the caption belongs to the video; the writer names the picture by its VIRIN.
            title, virin = None, stored_virin
        elif caption is None and not with_caption:
            title = stored_title
            if stored_virin and drawing is not None and not decorative:
                virin = stored_virin
                self.warnings.append(
                    f"figure {number}: no caption paragraph below the picture; its VIRIN {stored_virin} was "
                    "recovered from the picture's name"
                )
        elif stored_virin and stored_virin != virin and virin is None:
            self.warnings.append(
                f"figure {number}: the picture's name holds the VIRIN {stored_virin}, but its caption "
                "no longer does; the VIRIN was left out"
            )
        figure = Figure(
            image=f"figure-{number}",  # replaced by the extracted image's name in `media`
            alt=None if decorative else alt,
            decorative=decorative,
            title=title,
            caption=self._inlines(caption.caption) if caption else [],
            credit=caption.credit if caption else None,
            virin=virin,
            rights=caption.rights if caption else None,
        )
        self.figures.append(FigureSource(figure, drawing, number))
        return figure

    def _is_placeholder(self, para: Para) -> bool:
        if para.has_style("photo placeholder", "photoplaceholder"):
            return True
        stripped = strip_atoms(para.atoms)
        return (
            bool(stripped) and stripped[0].bold and atoms_text(stripped).startswith(tuple(self.label_missing))
        )

    def _placeholder(self, index: int) -> int:
        """The writer's stand-in for a photo that was not at hand: "Photo not included. Description: ..."."""
        para = self.items[index]
        assert isinstance(para, Para)
        self._close_list()
        self._close_quote()
        text = " ".join(atoms_text(para.atoms).split())
        rest = starts_with_label(text, self.label_missing)
        alt = starts_with_label(rest or "", self.label_description)
        caption_atoms = self._following_caption(index)
        caption = self._parse_caption(caption_atoms) if caption_atoms is not None else None
        drawing = Drawing(alt or None, None, None, False, None, None, 0, 0)
        if caption is not None and caption.media_kind:
            self._emit_media(caption, self._figure(drawing, None, with_caption=False, poster=True))
        else:
            self._emit(self._figure(drawing, caption, with_caption=caption_atoms is not None))
        return index + 1 + (caption_atoms is not None)

    def _media(self, atoms: list[Atom]) -> None:
        """A video or audio item without a poster: a described paragraph with a link."""
        self._close_list()
        self._close_quote()
        self._emit_media(self._parse_caption(atoms), None)

    def _emit_media(self, caption: _Caption, poster: Figure | None) -> None:
        media = Media(
            kind=caption.media_kind or "video",
            url=caption.url,
            title=caption.title,
            caption=self._inlines(caption.caption),
            credit=caption.credit,
            virin=caption.virin,
            duration=caption.duration,
            poster=poster,
        )
        self._emit(media)


def _list_block(frame: _ListFrame) -> ListBlock:
    items: list[list[Block]] = []
    for item in frame.items:
        blocks: list[Block] = []
        for child in item:
            block = _list_block(child) if isinstance(child, _ListFrame) else child
            blocks.append(block)  # type: ignore[arg-type]
        items.append(blocks)
    return ListBlock(ordered=frame.ordered, start=frame.start, items=items or [[]])


def _all_bold(atoms: list[Atom]) -> bool:
    texts = [atom for atom in atoms if atom.kind == "text" and atom.text.strip()]
    return bool(texts) and all(atom.bold for atom in texts) and not any(atom.link for atom in texts)


def _unbold(atom: Atom) -> Atom:
    from dataclasses import replace

    return replace(atom, bold=False)


def _has_row_headers(rows: list) -> bool:
    """The writer marks row-header cells only by bold: every body row's first cell bold, not every cell."""
    if not rows or max(len(row.cells) for row in rows) < 2:
        return False
    firsts = [row.cells[0] for row in rows]
    if not all(
        cell.column == 0 and _all_bold([a for p in cell.paragraphs for a in p.atoms]) for cell in firsts
    ):
        return False
    others = [cell for row in rows for cell in row.cells[1:]]
    return not all(_all_bold([a for p in cell.paragraphs for a in p.atoms]) for cell in others)


def _alignment(value: str | None) -> str | None:
    return {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}.get(
        value or ""
    )


def iso_duration(text: str) -> str | None:
    """ "2:30" or "1:02:03" (how the writer shows durations) back to ISO 8601 (PT2M30S, PT1H2M3S)."""
    value = text.strip()
    if value.upper().startswith("PT"):
        return value.upper()
    parts = value.split(":")
    if not all(part.isdigit() for part in parts) or not 2 <= len(parts) <= 3:
        return None
    numbers = [int(part) for part in parts]
    hours, minutes, seconds = [0, *numbers][-3:]
    result = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    result += f"{seconds}S" if seconds or result == "PT" else ""
    return result

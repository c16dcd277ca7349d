"""The body of a DOCX as model blocks, and the header paragraphs (headline, dek, byline, dateline, provenance)
set aside for `metadata` to reconcile with the stored document properties.

Recognised by style name (and outline level for headings), so it reads what our writer, pandoc, Word and
LibreOffice write: Heading 1-9 / Title, Dek / Subtitle, Byline / Author, Dateline / Date, Provenance,
Quotations / Quote / Block Text, Quote Attribution, lists (`lists`), tables (`tables`), and pictures with
their caption paragraphs (`figures`). A draft with no title paragraph gets one from its first heading or
first short paragraph (`take_title`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from exporter.i18n import labels
from exporter.model import (
    Block,
    BlockQuote,
    Footnote,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    RelatedLink,
    plain_text,
    walk_inlines,
)
from exporter.readers.docx.drawings import Drawing
from exporter.readers.docx.figures import CaptionParts, Captions, FigureMaker, FigureSource
from exporter.readers.docx.inlines import atoms_text, build_inlines, drop_prefix, strip_atoms
from exporter.readers.docx.items import Atom, Para, TableInfo
from exporter.readers.docx.labels import starts_with_label
from exporter.readers.docx.lists import ListBuilder
from exporter.readers.docx.losses import describe
from exporter.readers.docx.styles import Numbering
from exporter.readers.docx.tables import build_table

HEADING_STYLE = re.compile(r"^heading ?([1-9])$")
QUOTE_STYLES = ("quotations", "quote", "block text", "blocktext", "intense quote", "intensequote")
ATTRIBUTION_STYLES = ("quote attribution", "quoteattribution")
LIST_PARAGRAPH_STYLES = ("list paragraph", "listparagraph")
SHORT_TITLE = 120  # characters: a first paragraph this short (one line) can stand as the title


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
class Body:
    header: Header
    blocks: list[Block]
    related: list[RelatedLink]
    figures: list[FigureSource]
    warnings: list[str]


class BodyReader:
    def __init__(
        self, items: list[Para | TableInfo], numbering: Numbering, language: str, *, own_document: bool = False
    ) -> None:
        self.items = items
        self.numbering = numbering
        self.language = language
        self.header = Header()
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.counts: Counter[str] = Counter()
        self.in_header = True
        self._title_paragraph = False  # the last paragraph read was the title's
        self.raw_levels: dict[int, int] = {}  # id(Heading) -> level as the document had it
        self._quote: BlockQuote | None = None
        self.captions = Captions(language, self.warnings, self.counts, own_document=own_document)
        self.figures = FigureMaker(self._inlines, self.warnings)
        self.lists = ListBuilder(numbering, lambda para: Paragraph(children=self._inlines(para.atoms)), self.counts)
        self.label_missing = labels(language, "Photo not included.")
        self.label_description = labels(language, "Description:")
        self.label_source_headings = labels(language, "Source", "Official source")

    # ------------------------------------------------------------ driver

    def read(self) -> None:
        """Every item into blocks; `finish` completes the body once the title is settled."""
        index = 0
        while index < len(self.items):
            index = self._item(index)
        self._close_list()
        self._close_quote()

    def finish(self) -> Body:
        self._normalise_headings()
        related = self._related()
        self.warnings += describe(self.counts)
        return Body(self.header, self.blocks, related, self.figures.sources, self.warnings)

    def _emit(self, block: Block | None) -> None:
        """The next block of the body; a list still open ends before it, so the order stays the document's."""
        finished = self.lists.close()
        if finished:
            self.in_header = False
            self.blocks += finished
        if block is not None:
            self.in_header = False
            self.blocks.append(block)

    def _item(self, index: int) -> int:
        item = self.items[index]
        if isinstance(item, TableInfo):
            self._close_list()
            self._close_quote()
            return self._table(index, None)
        para = item
        if para.num is None and not self._continues_list(para):
            self._close_list()
        if not (para.has_style(*QUOTE_STYLES) or para.has_style(*ATTRIBUTION_STYLES)):
            self._close_quote()
        if para.drawings:
            return self._picture_paragraph(index)
        level = self._heading_level(para)
        if not _has_content(para):
            if para.num is not None and level is None:
                self._list_item(para)  # an empty item: kept when a sub-list hangs from it
            return index + 1
        if self.in_header and self._header_paragraph(para):
            return index + 1
        if para.has_style("provenance"):
            self.header.provenance.append(para)
            return index + 1
        if level is not None:
            self._close_list()
            if para.num is not None and self.numbering.level(*para.num).ordered:
                self.counts["heading_number"] += 1  # Word's outline numbering (1, 1.1, 1.2 ...)
            heading = Heading(level=2, children=self._inlines(para.atoms), anchor=para.anchor)
            self.raw_levels[id(heading)] = level
            self._emit(heading)
            return index + 1
        if self.captions.is_caption(para):
            return self._caption_paragraph(index)
        if self._is_placeholder(para):
            return self._placeholder(index)
        if self.captions.media_label(para.atoms) is not None:
            self._media(para.atoms)
            return index + 1
        if para.has_style(*ATTRIBUTION_STYLES):  # before quotes: the attribution style is based on Quote
            self._attribution(para)
            return index + 1
        if para.has_style(*QUOTE_STYLES):
            self._quote_paragraph(para)
            return index + 1
        if para.num is not None and self.numbering.level(*para.num).blank:
            if self.lists.open:
                self.lists.continuation(para, para.num[1])
            else:
                self._emit(Paragraph(children=self._inlines(para.atoms)))
            return index + 1
        if para.num is not None:
            self._list_item(para)
            return index + 1
        if self.lists.open:
            self.lists.continuation(para)
            return index + 1
        self._emit(Paragraph(children=self._inlines(para.atoms)))
        return index + 1

    def _inlines(self, atoms: list[Atom]) -> list[Inline]:
        return build_inlines(strip_atoms(atoms), self.language)

    # ------------------------------------------------------------ header and title

    def _header_paragraph(self, para: Para) -> bool:
        header = self.header
        text = " ".join(para.text.split())
        # pandoc's Subtitle, Author and Date styles are based on Title: each is its own part of the header.
        title_style = para.has_style("title") and not para.has_style(*HEADER_PARTS)
        starts = header.title is None and (title_style or self._heading_level(para) == 1)
        # A title on two lines, Enter inside it: the second Title paragraph right under the first.
        goes_on = header.title is not None and title_style and self._title_paragraph
        if starts or goes_on:
            header.title = text if starts else f"{header.title} {text}"
            self._title_paragraph = True
            self.counts["title_note"] += sum(atom.kind == "note" for atom in para.atoms)
            return True
        if header.title is None:
            return False
        self._title_paragraph = False
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

    def take_title(self, file_stem: str) -> tuple[str, str]:
        """A title for a draft that names none: (title, where it came from). The first heading, else the first
        paragraph when it is short, else the file name. The block leaves the body when it opened it (the title
        shows it), holds no footnote and is not all there is (a one-paragraph draft keeps its text)."""
        headings = [block for block in self.blocks if isinstance(block, Heading)]
        paragraphs = [block for block in self.blocks if isinstance(block, Paragraph)]
        candidate: Heading | Paragraph | None = None
        source = ""
        if headings and plain_text(headings[0].children).strip():
            candidate, source = headings[0], "its first heading"
        elif paragraphs:
            text = plain_text(paragraphs[0].children).strip()
            if text and len(text) <= SHORT_TITLE and "\n" not in text:
                candidate, source = paragraphs[0], "its first paragraph"
        if candidate is None:
            title = " ".join(re.sub(r"[_]+", " ", file_stem).split()) or file_stem
            return title, "its file name"
        title = " ".join(plain_text(candidate.children).split())
        holds_note = any(isinstance(node, Footnote) for node in walk_inlines(candidate.children))
        if len(self.blocks) > 1 and self.blocks[0] is candidate and not holds_note:
            self.blocks.pop(0)
        return title, source

    # ------------------------------------------------------------ headings

    def _heading_level(self, para: Para) -> int | None:
        for name in para.names:
            match = HEADING_STYLE.match(name)
            if match:
                return int(match.group(1))
        if para.has_style("title") and not para.has_style("subtitle"):
            return 1
        return para.outline_level

    def _normalise_headings(self) -> None:
        """Body headings start at level 2 (level 1 is the headline), the whole outline moved up or down
        together; levels may not be skipped."""
        headings = [block for block in self.blocks if isinstance(block, Heading)]
        if not headings:
            return
        offset = 2 - min(self.raw_levels[id(h)] for h in headings)
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
            if not (quote.children or quote.attribution):
                return
            if self.lists.open:
                self.lists.add_block(quote)  # numbered with the list: it sits in the current item
            else:
                self._emit(quote)

    # ------------------------------------------------------------ lists

    def _continues_list(self, para: Para) -> bool:
        return self.lists.open and (para.has_style(*LIST_PARAGRAPH_STYLES) or para.unnumbered) and _has_content(para)

    def _list_item(self, para: Para) -> None:
        finished = self.lists.item(para)
        if finished:  # the item started another list: the one it ended comes first
            self.in_header = False
            self.blocks += finished

    def _close_list(self) -> None:
        self._emit(None)

    # ------------------------------------------------------------ tables

    def _table(self, index: int, caption_atoms: list[Atom] | None) -> int:
        """The table at `index`, with its caption: given (the paragraph above), else the caption paragraph
        right below it, else its alt-text title. Pictures that sat in its cells follow it as figures."""
        info = self.items[index]
        assert isinstance(info, TableInfo)
        consumed = index + 1
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        if (
            caption_atoms is None
            and isinstance(following, Para)
            and not following.drawings
            and self.captions.is_caption(following)
            and self.captions.kind(following) != "figure"
        ):
            caption_atoms = self.captions.text_atoms(following, "table")
            consumed += 1
        caption: list[Inline] = []
        if caption_atoms is not None:
            caption = self._inlines(caption_atoms)
        elif info.caption:
            caption = build_inlines(strip_atoms([Atom("text", info.caption)]), self.language)
            self.warnings.append(
                f"table {plain_text(caption)!r}: no caption paragraph above or below it; its alt text title was "
                "used as the caption"
            )
        described = " ".join((info.description or "").split())
        if described and described not in (" ".join(plain_text(caption).split()), info.caption):
            self.counts["table_description"] += 1  # a description that says more than the caption
        result = build_table(info, caption, self._inlines)
        self.counts.update(result.counts)
        if result.table is not None:
            self._emit(result.table)
        for drawing in result.pictures:
            self._emit(self.figures.figure(drawing, None, with_caption=False))
        return consumed

    # ------------------------------------------------------------ captions, figures and media

    def _caption_paragraph(self, index: int) -> int:
        para = self.items[index]
        assert isinstance(para, Para)
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        if isinstance(following, TableInfo) and self.captions.kind(para) != "figure":
            self._close_list()
            self._close_quote()
            return self._table(index + 1, self.captions.text_atoms(para, "table"))
        if self.captions.opens_media(para):
            self._media(self.captions.text_atoms(para, "figure"))  # numbered as figures are
            return index + 1
        if isinstance(following, Para) and self._captions_from_above(para, index + 1):
            return self._picture_paragraph(index + 1, self._caption_of(para))
        # A figure caption without its picture: the editor deleted the picture but kept the caption.
        self.warnings.append(
            f"a caption paragraph ({atoms_text(para.atoms)[:60]!r}) has no picture above or below it; kept as a "
            "paragraph"
        )
        self._emit(Paragraph(children=self._inlines(self.captions.text_atoms(para, None))))
        return index + 1

    def _captions_from_above(self, caption: Para, index: int) -> bool:
        """Whether a figure caption captions the picture right below it, as Word's Insert Caption "Above selected
        item" and LibreOffice put it: a picture that is not part of a sentence and has no caption of its own, in
        its paragraph or right below it. (A caption between two pictures is the one above's: it took it first.)"""
        below = self.items[index]
        if not isinstance(below, Para) or not below.drawings or _pictures_in_text(below):
            return False
        if not self._is_picture_caption(caption):
            return False
        _, _, after = _split_at_pictures(below)
        own = strip_atoms(after)
        following = self.items[index + 1] if index + 1 < len(self.items) else None
        return not (own and self._is_picture_caption(replace(below, atoms=own))) and not (
            isinstance(following, Para) and self._is_picture_caption(following)
        )

    def _following_caption(self, index: int) -> list[Atom] | None:
        """The caption paragraph right after a picture (not a table's caption)."""
        if index + 1 >= len(self.items):
            return None
        after = self.items[index + 1]
        return self._caption_of(after) if isinstance(after, Para) else None

    def _is_picture_caption(self, para: Para) -> bool:
        return not para.drawings and self.captions.is_caption(para) and self.captions.kind(para) != "table"

    def _caption_of(self, para: Para) -> list[Atom] | None:
        """The paragraph's caption text when it is a picture's caption."""
        if not self._is_picture_caption(para):
            return None
        return self.captions.text_atoms(para, "figure")

    def _picture_paragraph(self, index: int, above: list[Atom] | None = None) -> int:
        """The pictures of a paragraph as figures, with their caption: `above` (the caption paragraph over
        them), else the one in their own paragraph after them, else the paragraph right below."""
        para = self.items[index]
        assert isinstance(para, Para)
        if _pictures_in_text(para):
            self._close_list()
            self._close_quote()
            self._emit(Paragraph(children=build_inlines(strip_atoms(para.atoms), self.language,
                                                        self.figures.inline_image)))
            return index + 1
        self._close_list()
        self._close_quote()
        before, drawings, after = _split_at_pictures(para)
        # LibreOffice's Insert > Caption puts the caption in the picture's own paragraph, after it.
        text_after = strip_atoms(after)
        caption_atoms = above
        if caption_atoms is None and text_after:
            caption_atoms = self._caption_of(replace(para, atoms=text_after))
            after = [] if caption_atoms is not None else after
        consumed = index + 1
        if caption_atoms is None:
            caption_atoms = self._following_caption(index)
            consumed += caption_atoms is not None
        if _in_one_line(before, after):
            # A picture in the middle of a sentence: the sentence stays whole, the figure follows its paragraph
            # (as a text box anchored in it does).
            before, after = _joined(before, after), []
        if _has_content_atoms(before):
            self._emit(Paragraph(children=self._inlines(before)))
        for position, drawing in enumerate(drawings):
            last = position == len(drawings) - 1
            caption = self.captions.parse(caption_atoms) if (last and caption_atoms is not None) else None
            if caption is not None and caption.media_kind:
                poster = self.figures.figure(drawing, None, with_caption=False, poster=True)
                self._emit(self.figures.media(caption, poster))
            else:
                with_caption = caption_atoms is not None and last
                self._emit(self.figures.figure(drawing, caption, with_caption=with_caption))
        if _has_content_atoms(after):
            self._emit(Paragraph(children=self._inlines(after)))
        return consumed

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
        caption = self.captions.parse(caption_atoms) if caption_atoms is not None else None
        drawing = Drawing(alt or None, None, None, False, None, None, 0, 0)
        if caption is not None and caption.media_kind:
            poster = self.figures.figure(drawing, None, with_caption=False, poster=True)
            self._emit(self.figures.media(caption, poster))
        else:
            self._emit(self.figures.figure(drawing, caption, with_caption=caption_atoms is not None))
        return index + 1 + (caption_atoms is not None)

    def _media(self, atoms: list[Atom]) -> None:
        """A video or audio item without a poster: a described paragraph with a link."""
        self._close_list()
        self._close_quote()
        parts: CaptionParts = self.captions.parse(atoms)
        self._emit(self.figures.media(parts, None))


# The header's paragraph styles other than the title's (some are based on Title, as pandoc's are).
HEADER_PARTS = ("subtitle", "dek", "author", "byline", "date", "dateline", "abstract")


# A picture no taller than this (in EMU: about three lines of text) in a paragraph with text is part of the
# sentence (an icon, a symbol), not a figure.
INLINE_PICTURE_MAX_HEIGHT = 457_200


def _pictures_in_text(para: Para) -> bool:
    drawings = [atom.drawing for atom in para.atoms if atom.kind == "drawing" and atom.drawing is not None]
    return (
        bool(drawings)
        and all(0 < drawing.height <= INLINE_PICTURE_MAX_HEIGHT for drawing in drawings)
        and bool(atoms_text(para.atoms).strip())
    )


def _split_at_pictures(para: Para) -> tuple[list[Atom], list[Drawing], list[Atom]]:
    """A paragraph's atoms before its first picture, its pictures, and the atoms after them."""
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
    return before, drawings, after


def _in_one_line(before: list[Atom], after: list[Atom]) -> bool:
    """Whether text runs on both sides of the pictures with no line break between (in a sentence)."""
    def meaningful(atoms: list[Atom]) -> list[Atom]:
        return [atom for atom in atoms if not (atom.kind == "text" and not atom.text.strip())]

    last, first = meaningful(before)[-1:], meaningful(after)[:1]
    return bool(last and first) and last[0].kind != "break" and first[0].kind != "break"


def _joined(before: list[Atom], after: list[Atom]) -> list[Atom]:
    """The text on both sides of a picture as one, with one space where each side had its own."""
    if before and before[-1].kind == "text" and before[-1].text[-1:].isspace():
        after = list(after)
        while after and after[0].kind == "text" and not after[0].text.strip():
            after.pop(0)  # the space between two pictures, say
        if after and after[0].kind == "text":
            after[0] = replace(after[0], text=after[0].text.lstrip())
    return before + after


def _has_content_atoms(atoms: list[Atom]) -> bool:
    return bool(atoms_text(atoms).strip()) or any(atom.kind == "note" for atom in atoms)


def _has_content(para: Para) -> bool:
    return _has_content_atoms(para.atoms)

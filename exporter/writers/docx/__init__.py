"""DOCX drafts people edit in Word or LibreOffice, built with python-docx plus the OOXML in `oxml`.

Structure an editor (and a screen reader) can rely on: the headline is Heading 1 and section headings
follow in order; the provenance notice opens the body (and repeats in the page header as a convenience);
every picture is inline with its alt text, followed by a Caption paragraph numbered with a SEQ Figure field;
lists are real Word lists; tables repeat their header row; links are real hyperlinks. What the body cannot
carry (source URL, agency, retrieval date, identifiers) goes into custom document properties, which survive
editing.

A press packet is a cover (the packet title in Word's Title style, then subtitle, office, date and note), a
real TOC field of the headlines with its result filled in (page numbers from the PDF of the same build), then
each article from a new page, headline in Heading 1 with a
bookmark, with its own provenance block, its own language where it differs, and one continuous SEQ Figure
numbering. The packet title is deliberately not a heading: the articles are the document's top-level
sections (Heading 1: what the TOC field collects with its outline-level switch and Word's navigation
pane lists), and the packet title is the document title (core property) that Word, screen readers and PDF
exports announce.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from lxml import etree

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Inches, Mm, Pt, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from exporter.anchors import article_links, fragment, heading_targets, slugify
from exporter.i18n import fixed_text_language, gettext, text_around
from exporter.identity import build_time, document_uuid
from exporter.language_tags import primary_language, written_direction
from exporter.model import (
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
    Packet,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
    is_numbered,
    is_task,
    place_cells,
    plain_text,
)
from exporter.model import (
    Paragraph as ParagraphBlock,
)
from exporter.provenance import OFFICIAL_NOTICE
from exporter.urls import safe_href
from exporter.writers.base import IMAGE_EDGES, RenderContext, Rendered
from exporter.writers.docx import oxml
from exporter.writers.docx.linear import LinearDocument

EXTENSION = "docx"
MAX_IMAGE_EDGE = IMAGE_EDGES["docx"]  # pixels: large enough to print, small enough to edit comfortably
EMU_PER_PIXEL = 9525  # at 96 dpi
# A picture inside running text is a line high (the reader takes a picture this small in a sentence for one).
INLINE_PICTURE_HEIGHT = Pt(13)
PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}
MARGIN = Inches(1)
CODE_FONT = "Courier New"
LOGO_HEIGHT = Inches(0.9)  # the office's logo on a packet's cover
QUOTE_STYLE = "Quotations"


def write(context: RenderContext) -> Rendered:
    document = context.document
    builder = DocxBuilder(context, document.language)
    if isinstance(document, Packet):
        builder.add_cover(document)
        for article in document.articles:
            builder.add_article(article)
        builder.add_table_of_contents()
    else:
        builder.add_article(document)
    return Rendered(builder.finish(document))


@dataclass(frozen=True)
class SharedList:
    num_id: int
    kinds: list[str]  # per Word level: list_kind()


def list_kind(block: ListBlock) -> str:
    """oxml.BULLET, or how the list is numbered (a model number style, "decimal" when it names none)."""
    return (block.number_style or "decimal") if block.ordered else oxml.BULLET


def list_kinds(block: ListBlock) -> list[str]:
    """The kind of list at each depth of a nested list; the first list seen at a depth decides."""
    kinds = [list_kind(block)]
    for item in block.items:
        for child in item:
            if isinstance(child, ListBlock):
                for depth, kind in enumerate(list_kinds(child), start=1):
                    if depth >= len(kinds):
                        kinds.append(kind)
    return kinds


@dataclass(frozen=True)
class RunFormat:
    """Formatting that nested inlines inherit (emphasis in a link in a span ...)."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    lang: str | None = None
    vert: str | None = None  # superscript | subscript
    strike: bool = False


class DocxBuilder:
    def __init__(self, context: RenderContext, language: str) -> None:
        self.context = context
        self.language = language
        self.doc: DocxDocument = docx.Document()
        self.figure_count = 0  # one SEQ Figure numbering across every article (packets)
        self.task_lists: dict[str, int] = {}  # a task box -> the numbering whose bullets are that box
        self.table_count = 0
        self.articles = 0
        self.decorative_digests: set[str] = set()  # sha256 of decorative pictures (see `finish`)
        self.cover_end: etree._Element | None = None  # last cover paragraph: the TOC goes after it
        self.bookmarks = 0
        self.bookmark_names: set[str] = set()  # lower case
        self.heading_bookmarks: dict[int, str] = {}  # id(heading) -> the bookmark an in-page link goes to
        self.link_bookmarks: dict[int, str] = {}  # id(link) -> that bookmark
        self._prepare_template()
        self.linear = LinearDocument(self.doc)
        section = self.doc.sections[0]
        # Fixed once the template is prepared; python-docx finds the sections by a search of the whole body.
        self.text_width = Emu(section.page_width - section.left_margin - section.right_margin)
        self.numbering = oxml.ListNumbering(self.doc.part.numbering_part.element)
        self.footnotes = oxml.Footnotes(self.doc)

    # ------------------------------------------------------------ template

    def _prepare_template(self) -> None:
        styles = self.doc.styles.element
        oxml.drop_table_styles(styles, keep=["TableGrid"])  # "Table Grid", every table's style
        oxml.rename_style(styles, "Caption", "Caption")
        # Looked up by id: python-docx's name lookup expects the template's lower-case "caption".
        self.caption_style = next(style for style in self.doc.styles if style.style_id == "Caption")
        # A caption's lines (title, caption, credit, rights) stay on one page, as a style rule so that captions
        # added while editing do too; the picture before it keeps with it (keep_with_next in _figure).
        self.caption_style.paragraph_format.keep_together = True
        oxml.ensure_hyperlink_style(styles)
        # pandoc's name for inline code, so a round trip through pandoc keeps code as code.
        oxml.add_character_style_xml(
            styles,
            "VerbatimChar",
            "Verbatim Char",
            f'<w:rFonts w:ascii="{CODE_FONT}" w:hAnsi="{CODE_FONT}"/>',
        )
        oxml.set_document_language(styles, self.doc.settings.element, self.language)
        self._add_paragraph_style("Dek", size=Pt(13), space_after=Pt(6))
        self._add_paragraph_style("Byline", space_after=Pt(2))
        self._add_paragraph_style("Dateline", space_after=Pt(10))
        self._add_paragraph_style("Provenance", space_after=Pt(4))
        self._add_paragraph_style("Quote Attribution", base="Quote", italic=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        self._add_paragraph_style("Photo Placeholder", italic=False)
        self._add_paragraph_style("Cover Note", space_after=Pt(6))
        oxml.add_toc_styles(styles)
        quote = self.doc.styles["Quote"].paragraph_format
        quote.left_indent = quote.right_indent = Inches(0.5)
        # Block quotes use "Quotations", based on Word's Quote style: LibreOffice tags that name /BlockQuote,
        # while a style named "Quote" becomes a RoleMap entry remapping the standard type /Quote (a PDF/UA
        # failure); pandoc still reads it as a block quote through its base style.
        self._add_paragraph_style(QUOTE_STYLE, base="Quote")
        oxml.fix_style_colours(styles)
        section = self.doc.sections[0]
        width, height = PAGE_SIZES.get(self.context.options.page_size, PAGE_SIZES["letter"])
        section.page_width, section.page_height = width, height
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN

    def _add_paragraph_style(
        self,
        name: str,
        *,
        base: str = "Normal",
        size: Pt | None = None,
        space_after: Pt | None = None,
        italic: bool | None = None,
        align: WD_ALIGN_PARAGRAPH | None = None,
    ) -> None:
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles[base]
        style.quick_style = True
        if size is not None:
            style.font.size = size
        if italic is not None:
            style.font.italic = italic
        if space_after is not None:
            style.paragraph_format.space_after = space_after
        if align is not None:
            style.paragraph_format.alignment = align

    def _picture_width(self, pixels: int) -> Emu:
        """Natural size at 96 dpi, never wider than the text column; the height follows the aspect ratio."""
        return Emu(min(self.text_width, pixels * EMU_PER_PIXEL))

    def _(self, message: str, **values: object) -> str:
        return gettext(self.language, message, **values)

    # ------------------------------------------------------------ article

    def add_cover(self, packet: Packet) -> None:
        """The packet's cover as real, editable text. Title style, not a heading (see the module notes)."""
        oxml.remove_paragraph_borders(self.doc.styles.element, "Title")
        logo = self.context.image_for(packet.logo, MAX_IMAGE_EDGE) if packet.logo else None
        if logo is not None:
            run = self.linear.paragraph().add_run()
            height = min(LOGO_HEIGHT, Emu(self.text_width * logo.height // logo.width))
            self.linear.picture(run, logo.data, logo.digest, None, height)
            oxml.set_picture_alt(run, packet.logo.alt or "")
        self.linear.paragraph(packet.title, style="Title")
        if packet.subtitle:
            self.linear.paragraph(packet.subtitle, style="Dek")
        if packet.office:
            self.linear.paragraph(packet.office, style="Byline")
        if packet.date:
            from exporter.i18n import long_date

            self.linear.paragraph(long_date(packet.date, self.language), style="Dateline")
        if packet.cover_note:
            self.linear.paragraph(packet.cover_note, style="Cover Note")
        self.cover_end = self.doc.paragraphs[-1]._p
        # The page header names the packet: a convenience only (screen readers skip headers), each
        # article's provenance is in the body.
        self.doc.sections[0].header.paragraphs[0].text = " · ".join(
            part for part in (packet.title, packet.office) if part
        )

    def add_table_of_contents(self) -> None:
        """After the cover: a TOC field listing every article's headline (Heading 1), each entry a hyperlink to
        a bookmark on it (Article_01 ...) and, when the PDF was laid out in the same build, the page the
        article starts on there."""
        # The style id as written (`paragraph.style` would resolve it through every style, per paragraph).
        headlines = [paragraph for paragraph in self.doc.paragraphs if paragraph._p.style == "Heading1"]
        pages = self.context.article_pages
        if pages is None or len(pages) != len(headlines):
            pages = [None] * len(headlines)
        entries: list[oxml.TocEntry] = []
        for article, (paragraph, page) in enumerate(zip(headlines, pages, strict=True), start=1):
            name = article_bookmark(article)
            self.bookmarks += 1
            oxml.add_bookmark(paragraph, self.bookmarks, name)
            entries.append(oxml.TocEntry(1, paragraph.text, name, oxml.run_language(paragraph), page))
        section = self.doc.sections[0]
        text_width = int((section.page_width - section.left_margin - section.right_margin) / Twips(1))
        toc = oxml.table_of_contents(self._("Contents"), entries, text_width)
        self._mark_fixed_text([toc.find(f".//{oxml.qn('w:p')}")])  # its heading; the entries are the titles
        if self.cover_end is not None:
            self.cover_end.addnext(toc)
        else:
            self.doc.element.body.insert(0, toc)

    def add_article(self, article: Article) -> None:
        """One article; in a packet from a new page, with fixed texts and run language in its own language."""
        document_language = self.language
        self.language = article.language
        mark = self.linear.last_element()
        try:
            self._add_article(article)
        finally:
            self.language = document_language
        if article.language != document_language:
            oxml.set_language_where_unset(self.linear.added_after(mark), article.language, document_language)

    def _add_article(self, article: Article) -> None:
        first = self.articles == 0
        self.articles += 1
        self._name_link_targets(article)
        headline = self.linear.paragraph(article.title, style="Heading 1")
        if not first or self.cover_end is not None:
            oxml.set_page_break_before(headline)
        if article.dek:
            self.linear.paragraph(article.dek, style="Dek")
        if article.byline and article.byline.text():
            # "By" is fixed text, the names are not.
            before, after = text_around(self.language, "By %(names)s", "names")
            paragraph = self.linear.paragraph(style="Byline")
            if before:
                self._fixed_run(paragraph, before)
            paragraph.add_run(article.byline.text())
            if after:
                self._fixed_run(paragraph, after)
        self._dateline(article)
        self._provenance(article)
        if first and self.cover_end is None:
            self._page_header(article)
        for block in article.body:
            self._block(block)
        self._related(article)

    def _dateline(self, article: Article) -> None:
        from exporter.i18n import long_date

        parts = [(self._("Published"), article.published), (self._("Updated"), article.updated)]
        parts = [(label, day) for label, day in parts if day]
        if not parts:
            return
        paragraph = self.linear.paragraph(style="Dateline")
        for index, (label, day) in enumerate(parts):
            if index:
                paragraph.add_run(" · ")
            self._fixed_run(paragraph, label)
            paragraph.add_run(f" {long_date(day, self.language)}")

    def _provenance(self, article: Article) -> None:
        """The notice in the body, where screen readers and LibreOffice's PDF export find it; the same facts
        as the other formats show (`provenance_view`: the official notice only for .gov and .mil hosts)."""
        from exporter.i18n import long_date
        from exporter.provenance import provenance_view

        view = provenance_view(article)
        mark = self.linear.last_element()
        self.linear.paragraph(self._("Official source") if view.official else self._("Source"), style="Heading 2")
        if view.official:
            self.linear.paragraph(self._(OFFICIAL_NOTICE, host=view.host), style="Provenance")
        if view.agency:
            paragraph = self.linear.paragraph(f"{self._('Published by')}: ", style="Provenance")
            self._own_run(paragraph, view.agency)
        paragraph = self.linear.paragraph(f"{self._('Source')}: ", style="Provenance")
        href = safe_href(view.url)
        if view.url and href and view.host:
            # Link text that says where it goes; the address itself follows as plain text for print.
            self._link(paragraph, href, [Text(text=self._("original article on %(host)s", host=view.host))])
            paragraph.add_run(f" ({view.url})")
        elif view.url:
            paragraph.add_run(view.url)
        else:
            paragraph.add_run(self._("Not recorded"))
        if view.url_recorded:
            paragraph.add_run(f" ({self._('as recorded in the saved page')})")
        if view.retrieved:
            paragraph = self.linear.paragraph(f"{self._('Retrieved')}: ", style="Provenance")
            self._own_run(paragraph, long_date(view.retrieved, self.language))
        if view.rights:
            paragraph = self.linear.paragraph(f"{self._('Rights')}: ", style="Provenance")
            self._own_run(paragraph, view.rights, view.rights_language)
        # The labels and statements: fixed text.
        self._mark_fixed_text(self.linear.added_after(mark))

    def _fixed_run(self, paragraph: Paragraph, text: str) -> Run:
        """A run of fixed text ("Figure", "Credit:") in a paragraph of the article's own text."""
        run = paragraph.add_run(text)
        self._mark_fixed_text([run._r])
        return run

    def _own_run(self, paragraph: Paragraph, text: str, language: str | None = None) -> Run:
        """A run of the article's text (a date, an agency), or of text in `language` (the US-government-work
        statement), in a paragraph of fixed text: its language said where the fixed text's differs (then
        `_mark_fixed_text` leaves it so) or where it is not the article's."""
        run = paragraph.add_run(text)
        language = language or self.language
        if fixed_text_language(self.language) != self.language or (
            primary_language(language) != primary_language(self.language)
        ):
            oxml.set_run_language(run, language, self.language)
        return run

    def _mark_fixed_text(self, elements: Iterable[etree._Element]) -> None:
        """Fixed text that stays English (the article's language has no catalog) says so, and reads left to right
        in a right-to-left article."""
        fixed = fixed_text_language(self.language)
        if fixed != self.language:
            oxml.set_language_where_unset(elements, fixed, self.language)

    def _page_header(self, article: Article) -> None:
        """A convenience copy in the page header (screen readers and LibreOffice's PDF tags skip headers)."""
        from exporter.provenance import provenance_view

        view = provenance_view(article)
        if view.official:
            text = self._(OFFICIAL_NOTICE, host=view.host)
        elif view.agency or view.host:
            text = f"{self._('Source:')} {view.agency or view.host}"
        else:
            return
        header = self.doc.sections[0].header.paragraphs[0]
        header.text = text
        self._mark_fixed_text([header._p])

    def _related(self, article: Article) -> None:
        if not article.related:
            return
        heading = self.linear.paragraph(self._("Related stories"), style="Heading 2")
        self._mark_fixed_text([heading._p])
        num_id = self.numbering.new_list([oxml.BULLET])
        for link in article.related:
            paragraph = self.linear.paragraph(style="List Paragraph")
            oxml.set_list_item(paragraph, num_id, 0)
            href = safe_href(link.url)
            if href:
                self._link(paragraph, href, [Text(text=link.title)])
            else:
                paragraph.add_run(link.title)

    # ------------------------------------------------------------ blocks

    def _block(
        self,
        block: Block,
        *,
        style: str | None = None,
        list_level: int | None = None,
        shared: SharedList | None = None,
    ) -> None:
        if isinstance(block, Heading):
            paragraph = self.linear.paragraph(style=f"Heading {block.level}")
            self._inlines(paragraph, block.children)
            if id(block) in self.heading_bookmarks:
                self.bookmarks += 1
                oxml.add_bookmark(paragraph, self.bookmarks, self.heading_bookmarks[id(block)])
        elif isinstance(block, ParagraphBlock):
            paragraph = self.linear.paragraph(style=style)
            if list_level is not None:
                paragraph.paragraph_format.left_indent = Twips(oxml.ListNumbering.indent_for(list_level))
            self._inlines(paragraph, block.children)
        elif isinstance(block, BlockQuote):
            self._quote(block)
        elif isinstance(block, ListBlock):
            self._list(block, level=0 if list_level is None else list_level + 1, shared=shared)
        elif isinstance(block, Figure):
            self._figure(block)
        elif isinstance(block, Media):
            self._media(block)
        elif isinstance(block, Table):
            self._table(block)

    def _quote(self, quote: BlockQuote) -> None:
        for child in quote.children:
            if isinstance(child, ParagraphBlock):
                self._block(child, style=QUOTE_STYLE)
            else:
                self._block(child)
        if quote.attribution:
            paragraph = self.linear.paragraph("— ", style="Quote Attribution")
            self._inlines(paragraph, quote.attribution)

    def _list(self, block: ListBlock, *, level: int, shared: SharedList | None = None) -> None:
        """Nested lists share their top-level list's numbering definition, one Word level per depth,
        unless their kind (bullets or a number style) or start number differs from what that definition has at
        their level."""
        fits = (
            shared is not None
            and level < len(shared.kinds)
            and shared.kinds[level] == list_kind(block)
            and block.start in (None, 1)
        )
        if not fits:
            kinds = [list_kind(block)] * level + list_kinds(block)
            shared = SharedList(self.numbering.new_list(kinds, start_level=level, start=block.start), kinds)
        assert shared is not None
        for item in block.items:
            rest = list(item)
            paragraph = self.linear.paragraph(style="List Paragraph")
            box = self._task_box(item) if not block.ordered else None
            oxml.set_list_item(paragraph, self._task_list(box) if box else shared.num_id, level)
            if rest and isinstance(rest[0], ParagraphBlock):
                children = rest.pop(0).children
                if box:  # the box is the item's bullet, as pandoc writes a task list (and reads it back)
                    after_box = children[0].text[2:]  # type: ignore[union-attr]
                    children = [*([Text(text=after_box)] if after_box else []), *children[1:]]
                self._inlines(paragraph, children)
            for child in rest:
                # Continuation paragraphs sit at the item's indent, without a number of their own.
                self._block(child, style="List Paragraph", list_level=level, shared=shared)

    @staticmethod
    def _task_box(item: list[Block]) -> str | None:
        return item[0].children[0].text[0] if is_task(item) else None  # type: ignore[union-attr]

    def _task_list(self, box: str) -> int:
        """The numbering of task items with this box: a bullet list whose bullets are the box."""
        if box not in self.task_lists:
            self.task_lists[box] = self.numbering.new_list([oxml.BULLET], bullet=box)
        return self.task_lists[box]

    def _figure(self, figure: Figure) -> None:
        shown = self._picture_or_placeholder(figure)
        if not is_numbered(figure):  # an ornament: no caption, no number
            return
        if shown is not None:
            oxml.set_keep_with_next(shown)
        caption = self._caption_start("Figure")
        self._caption_parts(caption, figure.title, figure.caption, figure.credit, figure.virin, figure.rights)
        self._caption_direction(caption, figure.caption, figure.title)

    def _picture_or_placeholder(self, figure: Figure) -> Paragraph | None:
        """The inline picture with its alt text (or decorative flag); a described placeholder when the image
        is not at hand; nothing for a missing decorative image (it carried no information)."""
        image = self.context.image_for(figure, MAX_IMAGE_EDGE)
        if image is not None:
            paragraph = self.linear.paragraph()
            run = paragraph.add_run()
            self.linear.picture(run, image.data, image.digest, self._picture_width(image.width))
            if figure.decorative:
                oxml.mark_decorative(run)
                self.decorative_digests.add(image.digest)
            else:
                oxml.set_picture_alt(run, figure.alt or "")
            if figure.virin:
                oxml.set_picture_name(run, figure.virin)
            return paragraph
        if figure.decorative:
            return None
        paragraph = self.linear.paragraph(style="Photo Placeholder")
        self._fixed_run(paragraph, self._("Photo not included.")).bold = True
        paragraph.add_run(" ")
        self._fixed_run(paragraph, self._("Description:"))
        paragraph.add_run(f" {figure.alt or ''}")
        return paragraph

    def _caption_start(self, sequence: str) -> Paragraph:
        if sequence == "Figure":
            self.figure_count += 1
            number, label = self.figure_count, self._("Figure")
        else:
            self.table_count += 1
            number, label = self.table_count, self._("Table")
        caption = self.linear.paragraph(style=self.caption_style)
        self._fixed_run(caption, f"{label} ")
        oxml.append_seq_field(caption, sequence, number)
        caption.add_run(". ")
        return caption

    def _caption_direction(self, caption: Paragraph, text: list[Inline], title: str | None = None) -> None:
        """A caption reads in the direction its text is written in, as HTML's `dir` on it does: an English
        caption in an Arabic article keeps its full stop at its end. (Word has no isolate that pandoc reads.)"""
        direction = written_direction(plain_text(text) or title or "")
        if direction:
            oxml.set_paragraph_direction(caption, direction, self.language)

    def _caption_parts(
        self,
        caption: Paragraph,
        title: str | None,
        text: list[Inline],
        credit: str | None,
        virin: str | None,
        rights: str | None,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        """Title, caption, credit and VIRIN, one per line, so each can be edited on its own. A label is fixed text
        (English where the article's language has no catalog); a VIRIN reads left to right in any article."""
        lines_started = False

        def new_line() -> None:
            nonlocal lines_started
            if lines_started:
                caption.add_run().add_break()
            lines_started = True

        def labelled(label: str, value: str) -> Run:
            self._fixed_run(caption, label)
            return caption.add_run(f" {value}")

        if title:
            new_line()
            caption.add_run(title).bold = True
        if text:
            new_line()
            self._inlines(caption, text)
        # (label, value, whether it reads left to right in any article)
        facts = [(self._("Credit:"), credit, False), (self._("VIRIN:"), virin, True),
                 *((label, value, False) for label, value in extra or [])]
        facts = [fact for fact in facts if fact[1]]
        if facts:
            new_line()
        for index, (label, value, left_to_right) in enumerate(facts):
            if index:
                caption.add_run(" · ")
            shown = labelled(label, value)
            if left_to_right:
                oxml.set_run_direction(shown, "ltr", self.language)
        if rights:
            new_line()
            # Labelled, so a reader (the DOCX reader, an editor) can tell it from a caption's last line.
            labelled(f"{self._('Rights')}:", rights)

    def _media(self, media: Media) -> None:
        """Video and audio are described and linked, not embedded; a poster is a figure of its own."""
        label = self._("Video:") if media.kind == "video" else self._("Audio:")
        extra = []
        if media.duration:
            from exporter.i18n import iso_duration

            extra.append((self._("Duration:"), iso_duration(media.duration)))
        shown = self._picture_or_placeholder(media.poster) if media.poster is not None else None
        if shown is not None:
            oxml.set_keep_with_next(shown)
        # Numbered as every format numbers it (model.is_numbered), even when the poster file is missing; without
        # a poster, a described paragraph, not a caption (there is nothing for it to caption).
        description = self._caption_start("Figure") if media.poster is not None else self.linear.paragraph()
        self._fixed_run(description, label + " ").bold = True
        self._caption_parts(description, media.title, media.caption, media.credit, media.virin, None, extra)
        self._caption_direction(description, media.caption, media.title)
        href = safe_href(media.url)
        if href:
            description.add_run().add_break()
            link_text = self._("Watch the video") if media.kind == "video" else self._("Listen to the audio")
            if media.title:
                link_text = f"{link_text}: {media.title}"
            self._link(description, href, [Text(text=link_text)])

    def _table(self, table: Table) -> None:
        rows = list(table.head) + list(table.rows)
        grid = place_cells(rows)
        columns = max((column + cell.colspan for _, column, cell in grid), default=1)
        if table.caption:
            caption = self._caption_start("Table")
            self._inlines(caption, table.caption)
            self._caption_direction(caption, table.caption)
            oxml.set_keep_with_next(caption)
        word_table = self.linear.table(columns, self.text_width)
        word_table.style = self.doc.styles["Table Grid"]
        if table.caption:
            text = plain_text(table.caption)
            oxml.set_table_alt_text(word_table, text, text)
        row_headers = bool(table.rows) and all(row.cells and row.cells[0].header for row in table.rows)
        oxml.set_table_look(word_table, header_row=bool(table.head), header_column=row_headers)
        oxml.set_table_direction(word_table, self.language)
        widths = oxml.column_widths(word_table)
        starts = {(row_index, column): cell for row_index, column, cell in grid}
        # Vertical merges still open, by the column they start in: (columns spanned, rows still covered).
        covering: dict[int, tuple[int, int]] = {}
        for row_index in range(len(rows)):
            row = oxml.append_row(word_table, header=row_index < len(table.head))
            column = 0
            while column < columns:
                cell = starts.get((row_index, column))
                if cell is None and column in covering:
                    span, rows_left = covering.pop(column)
                    if rows_left > 1:
                        covering[column] = (span, rows_left - 1)
                    width = sum(widths[column : column + span])
                    oxml.append_cell(word_table, row, width, colspan=span, merge="continue")
                elif cell is None:
                    span = 1
                    oxml.append_cell(word_table, row, widths[column])
                else:
                    span = cell.colspan
                    if cell.rowspan > 1:
                        covering[column] = (span, cell.rowspan - 1)
                    width = sum(widths[column : column + span])
                    merge = "restart" if cell.rowspan > 1 else None
                    paragraph = oxml.append_cell(word_table, row, width, colspan=span, merge=merge)
                    self._cell_content(paragraph, cell, header=cell.header or row_index < len(table.head))
                column += span
        # Space after the table, so a following table or paragraph does not touch it.
        self.linear.paragraph()

    def _cell_content(self, paragraph: Paragraph, cell: TableCell, *, header: bool) -> None:
        if cell.align:
            paragraph.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }[cell.align]
        self._inlines(paragraph, cell.children, RunFormat(bold=header))

    # ------------------------------------------------------------ inlines

    def _inlines(
        self,
        paragraph: Paragraph,
        nodes: list[Inline],
        fmt: RunFormat | None = None,
        container: etree._Element | None = None,
    ) -> None:
        fmt = fmt or RunFormat()
        target = paragraph._p if container is None else container
        for node in nodes:
            if isinstance(node, Text):
                self._run(target, paragraph, node.text, fmt)
            elif isinstance(node, Code):
                self._run(target, paragraph, node.text, replace(fmt, code=True))
            elif isinstance(node, LineBreak):
                oxml.new_run(target, paragraph).add_break()
            elif isinstance(node, Emphasis):
                self._inlines(paragraph, node.children, replace(fmt, italic=True), container)
            elif isinstance(node, Strong):
                self._inlines(paragraph, node.children, replace(fmt, bold=True), container)
            elif isinstance(node, Span):
                self._inlines(paragraph, node.children, replace(fmt, lang=node.lang), container)
            elif isinstance(node, Superscript | Subscript):
                vert = "superscript" if isinstance(node, Superscript) else "subscript"
                self._inlines(paragraph, node.children, replace(fmt, vert=vert), container)
            elif isinstance(node, Strikeout):
                self._inlines(paragraph, node.children, replace(fmt, strike=True), container)
            elif isinstance(node, Footnote):
                self._footnote(paragraph, node, fmt, target)
            elif isinstance(node, InlineImage):
                self._inline_picture(target, paragraph, node, fmt)
            elif isinstance(node, Link):
                href = safe_href(node.href)
                bookmark = self.link_bookmarks.get(id(node))
                if container is not None:  # links do not nest
                    self._inlines(paragraph, node.children, fmt, container)
                elif bookmark is not None:
                    hyperlink = oxml.add_hyperlink(paragraph, bookmark=bookmark, tooltip=node.title)
                    self._inlines(paragraph, node.children, fmt, container=hyperlink)
                elif href and not href.startswith("#"):
                    self._link(paragraph, href, node.children, fmt, tooltip=node.title)
                else:
                    self._inlines(paragraph, node.children, fmt, container)

    def _run(self, target: etree._Element, paragraph: Paragraph, text: str, fmt: RunFormat) -> Run:
        run = oxml.new_run(target, paragraph)
        run.text = text
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.code:
            oxml.set_run_style(run, "VerbatimChar")
        if fmt.lang:
            oxml.set_run_language(run, fmt.lang, self.language)
        if fmt.vert == "superscript":
            run.font.superscript = True
        elif fmt.vert == "subscript":
            run.font.subscript = True
        if fmt.strike:
            run.font.strike = True
        if target.tag == oxml.qn("w:hyperlink") and not fmt.code:
            # A run has one character style: code inside a link stays code (the w:hyperlink makes it a link).
            oxml.set_run_style(run, "Hyperlink")
        return run

    def _inline_picture(self, target: etree._Element, paragraph: Paragraph, node: InlineImage, fmt: RunFormat) -> None:
        """A picture inside the sentence, a line high; its alt text in its place when the image is not at hand."""
        image = self.context.image_for(node, MAX_IMAGE_EDGE)
        if image is None:
            if node.alt:
                self._run(target, paragraph, node.alt, fmt)
            return
        run = oxml.new_run(target, paragraph)
        self.linear.picture(run, image.data, image.digest, None, INLINE_PICTURE_HEIGHT)
        if node.alt:
            oxml.set_picture_alt(run, node.alt)
        else:
            oxml.mark_decorative(run)

    def _footnote(self, paragraph: Paragraph, note: Footnote, fmt: RunFormat, target: etree._Element) -> None:
        """A real Word footnote: the numbered reference here, the note's paragraphs in the footnotes part (in
        the run language of where it is anchored)."""
        part, element = self.footnotes.add(paragraph, target)
        note_format = RunFormat(lang=fmt.lang)
        for block in note.children:
            note_paragraph = Paragraph(oxml.Footnotes.note_paragraph(element), part)
            self._inlines(note_paragraph, block.children, note_format)

    def _name_link_targets(self, article: Article) -> None:
        """A bookmark for each heading an in-page link of the article names (`anchors`), and the link's target:
        the heading's own id where Word can take it as a bookmark name, else one made from its text."""
        targets = heading_targets(article)
        for link in article_links(article):
            name = fragment(link)
            heading = targets.get(name) if name is not None else None
            if heading is None:
                continue
            if id(heading) not in self.heading_bookmarks:
                self.heading_bookmarks[id(heading)] = self._bookmark_name(heading.anchor or slugify(
                    plain_text(heading.children)))
            self.link_bookmarks[id(link)] = self.heading_bookmarks[id(heading)]

    def _bookmark_name(self, wanted: str) -> str:
        """Word's rule: a letter first, then letters, digits and "_", at most 40 characters; unique whatever the
        case (Word matches names so), and none of the packet contents' `Article_NN`."""
        base = re.sub(r"\W", "_", wanted, flags=re.ASCII).lstrip("_0123456789")[:36] or "Section"
        name, number = base, 2
        while name.lower() in self.bookmark_names or re.fullmatch(r"article_\d+", name.lower()):
            name, number = f"{base}_{number}", number + 1
        self.bookmark_names.add(name.lower())
        return name

    def _link(
        self,
        paragraph: Paragraph,
        href: str,
        children: list[Inline],
        fmt: RunFormat | None = None,
        tooltip: str | None = None,
    ) -> None:
        relationship = self.linear.relate(paragraph.part, RT.HYPERLINK, href, external=True)
        hyperlink = oxml.add_hyperlink(paragraph, relationship_id=relationship, tooltip=tooltip)
        self._inlines(paragraph, children, fmt, container=hyperlink)

    # ------------------------------------------------------------ package

    def finish(self, document: Article | Packet) -> bytes:
        when = build_time(document)
        # Created: when the article was published or the packet dated (what an editor wants to see);
        # modified: the build time (SOURCE_DATE_EPOCH, else the document's own date), so the file never
        # depends on the clock.
        if isinstance(document, Packet):
            created = parse_date(document.date) if document.date else when
            keywords = list(dict.fromkeys(k for article in document.articles for k in article.keywords))
            core = {"title": document.title, "subject": document.subtitle, "author": document.office,
                    "keywords": keywords}
            properties = packet_properties(document)
        else:
            created = parse_date(document.published) if document.published else when
            byline = document.byline.text() if document.byline and document.byline.text() else None
            core = {"title": document.title, "subject": document.dek, "author": byline,
                    "keywords": document.keywords}
            properties = provenance_properties(document)
        oxml.write_core_properties(
            self.doc.core_properties._element,
            **core,
            language=document.language,
            created=created,
            modified=when,
        )
        package = self.doc.part.package
        oxml.replace_extended_properties(package)
        oxml.drop_template_leftovers(self.doc.part, package)
        if self.decorative_digests:
            # LibreOffice drops Word's decorative flag when it saves; the DOCX reader restores it for pictures
            # whose bytes (which LibreOffice keeps) are listed here.
            properties["exporter.decorative_images"] = json.dumps(sorted(self.decorative_digests))
        oxml.add_custom_properties(package, properties)
        return oxml.package_bytes(package, when)


def provenance_properties(article: Article) -> dict[str, str]:
    """What the body text cannot carry exactly, as custom document properties (read back by the DOCX reader).

    Only known values are written; names are stable and prefixed so they do not collide with an editor's own.
    """
    source = article.source
    values: dict[str, str | None] = {
        "exporter.article_id": article.id,
        "exporter.document_uuid": str(document_uuid(article)),
        "exporter.language": article.language,
        "exporter.source_url": source.url,
        "exporter.source_url_from": source.url_from if source.url else None,
        "exporter.agency": source.agency,
        "exporter.site_name": source.site_name,
        "exporter.retrieved": source.retrieved,
        "exporter.published": article.published,
        "exporter.updated": article.updated,
        "exporter.rights": article.rights,
        # The byline shows "people, organisation" as one line; its structure is kept here.
        "exporter.byline_people": json.dumps(article.byline.people, ensure_ascii=False)
        if article.byline and article.byline.people
        else None,
        "exporter.byline_organization": article.byline.organization if article.byline else None,
        # LibreOffice re-joins the keywords core property with spaces; the list itself is kept here.
        "exporter.keywords": json.dumps(article.keywords, ensure_ascii=False) if article.keywords else None,
    }
    if source.page_claims_official is not None:
        values["exporter.page_claims_official"] = "true" if source.page_claims_official else "false"
    return {name: value for name, value in values.items() if value}


def article_bookmark(number: int) -> str:
    """The bookmark on a packet article's headline (Word: letters, digits and underscores, <= 40 chars)."""
    return f"Article_{number:02d}"


def packet_properties(packet: Packet) -> dict[str, str]:
    """The packet's identity, plus each article's provenance under `exporter.articles.N.` (1-based), so a
    packet edited in Word or LibreOffice still says where each article came from."""
    values: dict[str, str | None] = {
        "exporter.document_uuid": str(document_uuid(packet)),
        "exporter.language": packet.language,
        "exporter.packet_office": packet.office,
        "exporter.packet_date": packet.date,
        "exporter.article_count": str(len(packet.articles)),
    }
    found = {name: value for name, value in values.items() if value}
    for number, article in enumerate(packet.articles, start=1):
        for name, value in provenance_properties(article).items():
            found[f"exporter.articles.{number}.{name.removeprefix('exporter.')}"] = value
    return found


def parse_date(value: str) -> datetime:
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

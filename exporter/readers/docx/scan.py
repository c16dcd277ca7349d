"""WordprocessingML flattened into what the model needs: paragraphs as runs of text with their formatting
(bold, italic, code, superscript/subscript, language, link), line breaks, pictures and footnotes, plus the
paragraph's style, outline level, list membership and caption fields; and tables as rows of cells.

Formatting is read the way Word and LibreOffice write it: direct run properties, character styles (Strong,
Emphasis, Verbatim Char, Footnote Reference), `w:hyperlink` elements and HYPERLINK fields; tracked deletions
and hidden text are not text; a field's result is its text, and SEQ field results are marked so caption
numbers can be recognised. Content controls, smart tags and custom XML are transparent. Text boxes come out as
blocks right after the paragraph that anchors them; a drop cap joins the paragraph it starts; equations become
their linear text (`omml`). What the model cannot hold is counted in `counts` for the reader to report.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from lxml import etree

from exporter.language_tags import primary_language, text_direction
from exporter.readers.docx.drawings import Drawing, DrawingReader
from exporter.readers.docx.items import Atom, Cell, LinkRef, Para, Row, TableInfo
from exporter.readers.docx.omml import equation_pieces, is_equation
from exporter.readers.docx.package import Package, Relationship
from exporter.readers.docx.styles import MONOSPACE_FONTS, Styles, is_on, run_fonts, w, wval
from exporter.readers.docx.symbols import font_text, symbol_text
from exporter.urls import safe_href

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BROWSER_FRAMES = {"_blank", "_self", "_parent", "_top", ""}
# A field instruction's words: a quoted argument, a switch, or a bare word.
_FIELD_TOKEN = re.compile(r'"([^"]*)"|(\\[A-Za-z*#@!])|(\S+)')
_ARGUMENT_SWITCHES = {"\\l", "\\o", "\\t"}  # HYPERLINK's switches that take an argument (\m, \n take none)
# Cross-references to a bookmark; with `\h` Word makes them links to it.
_BOOKMARK_REFERENCES = {"REF", "PAGEREF", "NOTEREF"}
_SEQ_FIELD = re.compile(r"^\s*SEQ\s+(\S+)", re.IGNORECASE)
# A table of contents' own paragraph styles: its heading ("TOC Heading", based on Heading 1) and its entries.
TOC_STYLE = re.compile(r"^toc ?(?:[1-9]|heading)$")
# A generated index: an INDEX field, whose result (its entries, often many paragraphs) Word and LibreOffice style
# Index 1-9 and Index Heading (the letters between the entries; LibreOffice's title of the index).
_INDEX_FIELD = re.compile(r"^\s*INDEX\b", re.IGNORECASE)
INDEX_STYLE = re.compile(r"^index ?(?:[1-9]|heading)$")
# Containers whose children are read as if they were their parent's own.
TRANSPARENT = {w("ins"), w("moveTo"), w("smartTag"), w("customXml"), w("bdo"), w("dir"), w("sdtContent")}
SKIPPED = {w("del"), w("moveFrom"), w("pPr"), w("rPr"), w("sdtPr"), w("sdtEndPr")}
VERTICAL = {"superscript": "superscript", "subscript": "subscript"}
NOTE_PARTS = {"footnotes": "footnote", "endnotes": "endnote"}

_link_ids = itertools.count(1)


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    lang: str | None = None
    link: LinkRef | None = None
    seq: bool = False
    hidden: bool = False
    vert: str | None = None
    strike: bool = False


@dataclass
class _Field:
    instruction: str = ""
    in_result: bool = False
    link: LinkRef | None = None
    seq: bool = False


class Scanner:
    def __init__(self, package: Package, part_name: str, styles: Styles) -> None:
        self.package = package
        self.part_name = part_name
        self.styles = styles
        self.rels: dict[str, Relationship] = package.relationships(part_name)
        self.anchor_aliases: dict[str, str] = {}  # a linked bookmark -> the id of the paragraph that holds it
        # What the model cannot hold, or holds differently, counted so the reader can say so.
        self.counts: Counter[str] = Counter()
        self.drawings = DrawingReader(package, self.rels, self.counts)
        self._notes: dict[str, tuple[str, dict[str, etree._Element]]] = {}
        self._in_note = False
        self._floating: list[Para | TableInfo] = []  # text boxes met in the paragraph being scanned
        self._anchors: set[str] | None = None
        self._all_bookmarks: set[str] | None = None
        self._main_root: etree._Element | None = None  # the part's root: its body is read first

    # ------------------------------------------------------------ blocks

    def body_items(self, container: etree._Element) -> list[Para | TableInfo]:
        """The paragraphs and tables of a body, cell, text box, note or content control, in reading order."""
        if self._main_root is None:
            self._main_root = container.getroottree().getroot()
        items: list[Para | TableInfo] = []
        drop_cap: Para | None = None
        joined: Para | None = None  # a paragraph whose mark was deleted with changes tracked: it joins the next
        in_contents = False  # inside a table of contents, which is left out whole
        in_index, index_depth = False, 0  # inside a generated index; how deep in its field the next paragraph is
        # The last paragraph kept out of the outline (w:outlineLvl 9): right above an index, it is its title, as
        # LibreOffice writes the heading of an index it saves as a section.
        out_of_outline: Para | None = None
        for child in container:
            if joined is not None and (child.tag in (w("tbl"), w("sdt"), w("altChunk")) or child.tag in TRANSPARENT):
                items.append(joined)  # a table or a control after it: nothing to join in this body
                joined = None
            if child.tag == w("p"):
                in_field, index_depth = _index_field(child, index_depth)
                if in_field or any(INDEX_STYLE.match(name) for name in self._style_names(child)):
                    # A generated index lists words of the text with the pages they are on: left out whole.
                    if not in_index:
                        self.counts["index"] += 1
                        if items and items[-1] is out_of_outline:
                            items.pop()  # the index's title, kept out of the outline (see below)
                    in_index = True
                    continue
                in_index = False
                outer, self._floating = self._floating, []
                para = self.paragraph(child)
                floating, self._floating = self._floating, outer
                if joined is not None:
                    para.atoms = joined.atoms + para.atoms
                    joined = None
                if child.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None:
                    self.counts["tracked_change"] += 1
                    joined = para
                    items.extend(floating)
                    continue
                if any(TOC_STYLE.match(name) for name in para.names):
                    # A table of contents outside a content control (its heading, then entries styled TOC 1-9),
                    # or the heading a control left outside: one table of contents.
                    if not in_contents:
                        self.counts["toc"] += 1
                    in_contents = True
                    continue
                in_contents = False
                if para.drop_cap and para.text.strip() and not any(c.isspace() for c in para.text.strip()):
                    drop_cap = para  # its letter (or word) starts the next paragraph
                    items.extend(floating)
                    continue
                if drop_cap is not None:
                    para.atoms = drop_cap.atoms + para.atoms
                    drop_cap = None
                if wval(child.find(f"{w('pPr')}/{w('outlineLvl')}")) == "9":
                    out_of_outline = para
                items.append(para)
                items.extend(floating)
            elif child.tag == w("tbl"):
                items.append(self.table(child))
                in_contents = False
            elif child.tag == w("sdt"):
                gallery = wval(child.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}"))
                if gallery and "contents" in gallery.lower():
                    if not in_contents:
                        self.counts["toc"] += 1
                    in_contents = True
                    continue  # a table of contents is generated from the headings, not content
                content = child.find(w("sdtContent"))
                if content is not None and not self._showing_placeholder(child):
                    items.extend(self.body_items(content))
            elif child.tag in TRANSPARENT:
                items.extend(self.body_items(child))
            elif child.tag == w("altChunk"):
                self.counts["alt_chunk"] += 1
        if drop_cap is not None:
            items.append(drop_cap)
        if joined is not None:
            items.append(joined)  # nothing after it to join
        return items

    def _style_names(self, paragraph: etree._Element) -> list[str]:
        return self.styles.names(wval(paragraph.find(f"{w('pPr')}/{w('pStyle')}")))

    def paragraph(self, element: etree._Element) -> Para:
        ppr = element.find(w("pPr"))
        style_id = wval(ppr.find(w("pStyle"))) if ppr is not None else None
        outline = None
        num: tuple[str, int] | None = None
        left = None
        align = None
        page_break = False
        drop_cap = False
        if ppr is not None:
            page_break = is_on(ppr.find(w("pageBreakBefore")))
            drop_cap = (wval(ppr.find(w("framePr")), "dropCap") or "none") != "none"
            level = wval(ppr.find(w("outlineLvl")))
            if level is not None and level.isdigit() and int(level) < 9:
                outline = int(level) + 1
            num_pr = ppr.find(w("numPr"))
            if num_pr is not None:
                num_id = wval(num_pr.find(w("numId")))
                ilvl = wval(num_pr.find(w("ilvl")))
                if num_id is not None:
                    num = (num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0)
            indent = ppr.find(w("ind"))
            if indent is not None:
                value = wval(indent, "left") or wval(indent, "start")
                if value and value.lstrip("-").isdigit():
                    left = int(value)
            align = wval(ppr.find(w("jc")))
        if outline is None:
            outline = self.styles.outline_level(style_id)
        if num is None:
            num = self.styles.list_of(style_id)
        # numId 0 switches numbering off: LibreOffice writes it on an item's further paragraphs, Word on a list
        # paragraph whose number was taken away.
        unnumbered = num is not None and num[0] == "0"
        if unnumbered:
            num = None
        atoms: list[Atom] = []
        sequences: list[str] = []
        self._inline_children(element, _Format(hidden=self.styles.hidden(style_id)), atoms, [], sequences)
        return Para(
            style_id,
            self.styles.names(style_id),
            outline,
            num,
            left,
            align,
            atoms,
            sequences,
            page_break,
            drop_cap,
            self.styles.bold(style_id),
            self._anchor(element),
            unnumbered,
        )

    def _anchor(self, paragraph: etree._Element) -> str | None:
        """The paragraph's first bookmark that a link goes to: its id. Links to its other bookmarks go to that
        id too (`anchor_aliases`)."""
        linked = [name for name in self._bookmarks(paragraph) if name in self._link_anchors()]
        for other in linked[1:]:
            self.anchor_aliases[other] = linked[0]
        return linked[0] if linked else None

    def _bookmarks(self, paragraph: etree._Element) -> Iterator[str]:
        """The paragraph's bookmarks: its own, and those that open just before it, between paragraphs (where
        pandoc puts a heading's)."""
        before = []
        previous = paragraph.getprevious()
        while previous is not None and previous.tag in (w("bookmarkStart"), w("bookmarkEnd")):
            before.append(previous)
            previous = previous.getprevious()
        for start in [*paragraph.iterchildren(w("bookmarkStart")), *reversed(before)]:
            name = start.get(w("name"))
            if start.tag == w("bookmarkStart") and name and not any(char.isspace() or char == "#" for char in name):
                yield name

    def _roots(self) -> list[etree._Element]:
        """The part the scanner reads (its root, met when its body is first read) and its notes."""
        assert self._main_root is not None
        return [self._main_root, *(note for kind in NOTE_PARTS for note in self._note_elements(kind)[1].values())]

    def _bookmark_names(self) -> set[str]:
        """Every bookmark of the part and of its notes, read once."""
        if self._all_bookmarks is None:
            self._all_bookmarks = {start.get(w("name")) or "" for root in self._roots()
                                   for start in root.iter(w("bookmarkStart"))}
        return self._all_bookmarks

    def _link_anchors(self) -> set[str]:
        """The bookmarks the hyperlinks of the part and of its notes go to (`w:hyperlink/@w:anchor`, HYPERLINK
        fields' `\\l` switch, cross-references with `\\h`), read once. A table of contents' links (to Word's `_Toc`
        bookmarks) are not counted: it is left out."""
        if self._anchors is None:
            roots = self._roots()
            places = {link.get(w("anchor")) for root in roots for link in root.iter(w("hyperlink"))}
            for root in roots:
                for instruction in _field_instructions(root):
                    link = _field_link(instruction)
                    if link and link.href.startswith("#"):
                        places.add(link.href[1:])
            self._anchors = {place for place in places if place and not place.startswith("_Toc")}
        return self._anchors

    def table(self, element: etree._Element) -> TableInfo:
        properties = element.find(w("tblPr"))
        caption = wval(properties.find(w("tblCaption"))) if properties is not None else None
        rows: list[Row] = []
        for tr in _through_wrappers(element, w("tr")):
            trpr = tr.find(w("trPr"))
            if trpr is not None and trpr.find(w("del")) is not None:
                self.counts["tracked_change"] += 1
                continue  # a row deleted with changes tracked
            header = trpr is not None and is_on(trpr.find(w("tblHeader")))
            column = 0
            if trpr is not None:
                before = wval(trpr.find(w("gridBefore")))
                column = int(before) if before and before.isdigit() else 0
            cells: list[Cell] = []
            for tc in _through_wrappers(tr, w("tc")):
                tcpr = tc.find(w("tcPr"))
                span = wval(tcpr.find(w("gridSpan"))) if tcpr is not None else None
                colspan = int(span) if span and span.isdigit() and int(span) > 0 else 1
                horizontal = tcpr.find(w("hMerge")) if tcpr is not None else None
                if horizontal is not None and cells and wval(horizontal) != "restart":
                    # A legacy horizontal merge: part of the cell before, whose text it keeps should it have any.
                    cells[-1].colspan += colspan
                    cells[-1].items.extend(self.body_items(tc))
                    column += colspan
                    continue
                merge = None
                if tcpr is not None and tcpr.find(w("vMerge")) is not None:
                    merge = "restart" if wval(tcpr.find(w("vMerge"))) == "restart" else "continue"
                cells.append(Cell(self.body_items(tc), colspan, merge, column))
                column += colspan
            if cells:
                rows.append(Row(cells, header))
        description = wval(properties.find(w("tblDescription"))) if properties is not None else None
        return TableInfo(rows, caption, _first_row_flag(properties), description)

    # ------------------------------------------------------------ inlines

    def _inline_children(
        self,
        parent: etree._Element,
        fmt: _Format,
        atoms: list[Atom],
        fields: list[_Field],
        sequences: list[str],
    ) -> None:
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIPPED:
                if tag in (w("del"), w("moveFrom")):
                    self.counts["tracked_change"] += 1
                continue
            if tag in (w("ins"), w("moveTo")):
                self.counts["tracked_change"] += 1
            if tag == w("r"):
                self._run(child, fmt, atoms, fields, sequences)
            elif tag == w("hyperlink"):
                self._inline_children(
                    child, replace(fmt, link=self._hyperlink(child)), atoms, fields, sequences
                )
            elif tag == w("fldSimple"):
                instruction = child.get(w("instr")) or ""
                inner = self._field_format(instruction, fmt, sequences)
                self._inline_children(child, inner, atoms, fields, sequences)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None and not self._showing_placeholder(child):
                    self._inline_children(content, fmt, atoms, fields, sequences)
            elif tag in TRANSPARENT:
                self._inline_children(child, fmt, atoms, fields, sequences)
            elif is_equation(child):
                self.counts["equation"] += 1
                self._equation(child, fmt, atoms)

    def _showing_placeholder(self, control: etree._Element) -> bool:
        """A content control nobody filled in shows its prompt ("Click or tap here to enter text."), which is
        not the draft's text: left out, and counted."""
        if not is_on(control.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")):
            return False
        self.counts["placeholder"] += 1
        return True

    def _equation(self, element: etree._Element, fmt: _Format, atoms: list[Atom]) -> None:
        for piece in equation_pieces(element):
            if piece.line_break:
                atoms.append(Atom("break"))
            else:
                atoms.append(
                    Atom("text", piece.text, fmt.bold, fmt.italic, False, fmt.lang, fmt.link, vert=piece.vert,
                         strike=fmt.strike)
                )

    def _hyperlink(self, element: etree._Element) -> LinkRef | None:
        rel_id = element.get(f"{{{R_NS}}}id")
        anchor = element.get(w("anchor"))
        if rel_id is not None and rel_id in self.rels:
            href = _with_fragment(self.rels[rel_id].target, anchor)
        elif anchor:
            href = "#" + anchor  # a bookmark of the document: a heading's, when it names one (`anchors`)
        else:
            return None
        if safe_href(href) is None:
            self.counts["unfollowable_link"] += 1
        title = element.get(w("tooltip"))
        frame = element.get(w("tgtFrame"))
        # LibreOffice 7 writes a link's title into w:tgtFrame when it saves DOCX.
        if not title and frame and frame not in BROWSER_FRAMES:
            title = frame
        return LinkRef(href, title or None, next(_link_ids))

    def _field_format(self, instruction: str, fmt: _Format, sequences: list[str]) -> _Format:
        link = _field_link(instruction)
        if link and link.href.startswith("#") and link.href[1:] not in self._bookmark_names():
            link = None  # a cross-reference to a bookmark since deleted: Word shows "Error! Reference source..."
        if link:
            if safe_href(link.href) is None:
                self.counts["unfollowable_link"] += 1
            return replace(fmt, link=link)
        seq = _SEQ_FIELD.match(instruction)
        if seq:
            sequences.append(seq.group(1))
            return replace(fmt, seq=True)
        return fmt

    def _unmarked_language(self, text: str) -> str | None:
        """The language Word gives text that no run, style or paragraph marks: the defaults' `w:val`, for text
        in a left-to-right script other than East Asian ones (right-to-left text takes `w:bidi`, which a run
        marked right-to-left says; East Asian text `w:eastAsia`). It matters where the article is in another
        language than the defaults, as a draft mostly in Arabic is: its English runs stay English."""
        if self.styles.default_language is None:
            return None  # nothing to give (and no letter to look at on every run)
        letters = [char for char in text if char.isalpha()]
        if not letters or any(unicodedata.bidirectional(char) in ("R", "AL") for char in letters):
            return None
        if any(_is_east_asian(char) for char in letters):
            return None
        return self.styles.default_language

    def _run_format(self, run: etree._Element, fmt: _Format) -> _Format:
        rpr = run.find(w("rPr"))
        if rpr is None:
            return fmt
        style = self.styles.character_format(wval(rpr.find(w("rStyle"))))
        bold, italic, code, vert = style.bold, style.italic, style.code, style.vert
        if rpr.find(w("b")) is not None:
            bold = is_on(rpr.find(w("b")))
        if rpr.find(w("i")) is not None:
            italic = is_on(rpr.find(w("i")))
        if rpr.find(w("vertAlign")) is not None:
            vert = VERTICAL.get(wval(rpr.find(w("vertAlign"))) or "")
        elif rpr.find(w("sz")) is not None and _number(wval(rpr.find(w("position")))):
            # Raised or lowered text in a smaller size: how LibreOffice writes HTML's <sup> and <sub>.
            vert = "superscript" if _number(wval(rpr.find(w("position")))) > 0 else "subscript"
        fonts = rpr.find(w("rFonts"))
        font = (wval(fonts, "ascii") or wval(fonts, "hAnsi") or "").lower()
        code = code or font in MONOSPACE_FONTS
        lang = _run_language(run, rpr, self.styles) or fmt.lang
        # Hidden as the paragraph's style says, unless the character style or the run's own w:vanish (which
        # can also show, w:val="0") says otherwise.
        hidden = fmt.hidden if style.hidden is None else style.hidden
        if rpr.find(w("vanish")) is not None:
            hidden = is_on(rpr.find(w("vanish")))
        hidden = hidden or is_on(rpr.find(w("specVanish")))
        struck = [element for element in (rpr.find(w("strike")), rpr.find(w("dstrike"))) if element is not None]
        strike = any(is_on(element) for element in struck) if struck else fmt.strike
        return replace(
            fmt,
            bold=bold or fmt.bold,
            italic=italic or fmt.italic,
            code=code or fmt.code,
            lang=lang,
            hidden=hidden,
            vert=vert or fmt.vert,
            strike=strike,
        )

    def _run(
        self,
        run: etree._Element,
        fmt: _Format,
        atoms: list[Atom],
        fields: list[_Field],
        sequences: list[str],
    ) -> None:
        run_fmt = self._run_format(run, fmt)

        def effective() -> _Format:
            current = run_fmt
            for open_field in fields:
                if open_field.in_result and open_field.link is not None:
                    current = replace(current, link=open_field.link)
                if open_field.in_result and open_field.seq:
                    current = replace(current, seq=True)
            return current

        def in_instruction() -> bool:
            # Inside any open field's instruction: a field nested there (IF { MERGEFIELD ... } = ...) feeds the
            # outer field, and only the outer field's result is shown.
            return any(not field.in_result for field in fields)

        def shown() -> bool:
            """Text here reaches the model: not in a field instruction, not hidden (add() leaves out both)."""
            return not (in_instruction() or run_fmt.hidden)

        def add(kind: str, text: str = "", drawing: Drawing | None = None) -> None:
            if in_instruction():
                return  # inside a field instruction: not text
            current = effective()
            if current.hidden and kind == "text":
                if text.strip():
                    self.counts["hidden_text"] += 1
                return
            atoms.append(
                Atom(
                    kind,
                    text,
                    current.bold,
                    current.italic,
                    current.code,
                    current.lang or (self._unmarked_language(text) if kind == "text" else None),
                    current.link,
                    current.seq,
                    current.vert,
                    current.strike,
                    drawing,
                )
            )

        if shown() and effective().link is None and any((text.text or "").strip() for text in run.iter(w("t"))):
            self.counts.update(_unkept_looks(run.find(w("rPr"))))
        ascii_font, other_font = run_fonts(run.find(f"{w('rPr')}/{w('rFonts')}"))
        custom_mark = False
        for child in run:
            tag = child.tag
            if tag == w("t"):
                if custom_mark:
                    custom_mark = False  # the note's own mark ("*"): the writers number notes themselves
                    continue
                text, unknown = font_text(ascii_font, other_font, child.text or "")
                if shown():
                    self.counts["private_symbol"] += unknown
                add("text", text)
            elif tag in (w("tab"), w("ptab")):
                add("text", "\t")
            elif tag in (w("br"), w("cr")):
                # A page or column break (Ctrl+Enter, Ctrl+Shift+Enter) ends the line too: the outputs paginate
                # themselves, and the words on either side stay apart.
                add("break")
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                if not in_instruction():
                    custom_mark = (child.get(w("customMarkFollows")) or "").lower() in ("1", "true", "on")
                    self._note(tag == w("footnoteReference"), child.get(w("id")) or "", atoms)
            elif tag == w("commentReference"):
                self.counts["comment"] += 1
            elif tag == w("noBreakHyphen"):
                add("text", "\u2011")
            elif tag == w("sym"):
                char = child.get(w("char")) or ""
                if re.fullmatch(r"[0-9A-Fa-f]{1,6}", char) and int(char, 16) <= 0x10FFFF:
                    text, known = symbol_text(child.get(w("font")) or "", char)
                    add("text", text)
                    if not known and shown():
                        self.counts["private_symbol"] += 1
            elif tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    drawn = _form_field_value(child.find(w("ffData")))
                    if drawn:
                        add("text", drawn)
                    fields.append(_Field())
                elif kind == "separate" and fields:
                    current_field = fields[-1]
                    current_field.in_result = True
                    meaning = self._field_format(current_field.instruction, _Format(), sequences)
                    current_field.link, current_field.seq = meaning.link, meaning.seq
                elif kind == "end" and fields:
                    fields.pop()
            elif tag == w("instrText"):
                if fields and not fields[-1].in_result:
                    fields[-1].instruction += child.text or ""
            elif tag in (w("drawing"), w("pict"), w("object")):
                if in_instruction():
                    continue
                content = self.drawings.read(child)
                for drawing in content.pictures:
                    add("drawing", drawing=drawing)
                for text in content.texts:
                    self._floating.append(_text_para(text))
                for box in content.text_boxes:
                    items = self.body_items(box)
                    self.counts["text_box"] += any(isinstance(item, TableInfo) or item.text.strip() for item in items)
                    self._floating.extend(items)
            elif tag == w("ruby"):
                base = child.find(w("rubyBase"))  # the text; the pronunciation guide above it is not
                guide = child.find(w("rt"))
                if shown() and guide is not None and "".join(guide.itertext()).strip():
                    self.counts["ruby"] += 1
                if base is not None:
                    self._inline_children(base, run_fmt, atoms, fields, sequences)

    # ------------------------------------------------------------ notes

    def _note(self, footnote: bool, note_id: str, atoms: list[Atom]) -> None:
        """A footnote or endnote reference: the note's paragraphs, read once, travel with the atom."""
        kind = "footnote" if footnote else "endnote"
        if self._in_note:
            self.counts["nested_note"] += 1
            return
        part, notes = self._note_elements("footnotes" if footnote else "endnotes")
        element = notes.get(note_id)
        if element is None:
            self.counts["missing_note"] += 1
            return
        self.counts[kind] += 1
        self._in_note = True
        outer, self._floating = self._floating, []
        # Links and pictures in a note are relationships of the notes part, not of the document.
        document_rels = self.rels
        self.rels = self.drawings.rels = self.package.relationships(part)
        try:
            items = self.body_items(element)
        finally:
            self._in_note = False
            self._floating = outer
            self.rels = self.drawings.rels = document_rels
        paragraphs = [item for item in items if isinstance(item, Para)]
        if len(paragraphs) != len(items):
            self.counts["table_in_note"] += 1
        if any(para.drawings for para in paragraphs):
            self.counts["picture_in_note"] += 1
        atoms.append(Atom("note", note=paragraphs))

    def _note_elements(self, kind: str) -> tuple[str, dict[str, etree._Element]]:
        """The notes part of a kind (footnotes, endnotes) and its notes by id."""
        if kind not in self._notes:
            found: dict[str, etree._Element] = {}
            rel = next((rel for rel in self.rels.values() if rel.type.endswith("/" + kind)), None)
            name = rel.target if rel is not None and not rel.external else ""
            if name and self.package.has(name):
                for note in self.package.xml(name).iter(w(NOTE_PARTS[kind])):
                    if (note.get(w("type")) or "normal") == "normal":
                        found[note.get(w("id")) or ""] = note
            self._notes[kind] = (name, found)
        return self._notes[kind]


def _through_wrappers(parent: etree._Element, tag: str):
    """Children with `tag`, also those wrapped in content controls or custom XML (not in nested tables)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (w("sdt"), w("customXml"), w("ins"), w("moveTo")):
            inner = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if inner is not None:
                yield from _through_wrappers(inner, tag)


def _first_row_flag(properties: etree._Element | None) -> bool:
    """`w:tblLook`: the firstRow attribute, or bit 0x0020 of the older hexadecimal `w:val`."""
    look = properties.find(w("tblLook")) if properties is not None else None
    if look is None:
        return False
    flag = look.get(w("firstRow"))
    if flag is not None:
        return flag.lower() in ("1", "true", "on")
    value = look.get(w("val")) or ""
    return bool(re.fullmatch(r"[0-9A-Fa-f]{1,4}", value)) and bool(int(value, 16) & 0x0020)


def _index_field(paragraph: etree._Element, depth: int) -> tuple[bool, int]:
    """Whether the paragraph holds part of an INDEX field's result (a generated index, which spans paragraphs),
    and how deep in that field the next paragraph starts (0: after it). `depth` is how deep this one starts: 1
    in the index's result, more inside fields nested there."""
    held = depth > 0
    pending: list[list[str] | None] = []  # fields begun outside an index: their instruction, None once it ended
    for element in paragraph.iter(w("fldSimple"), w("fldChar"), w("instrText")):
        kind = element.get(w("fldCharType"))
        if element.tag == w("fldSimple"):
            held = held or bool(_INDEX_FIELD.match(element.get(w("instr")) or ""))
        elif depth:
            depth += (kind == "begin") - (kind == "end")
        elif element.tag == w("instrText"):
            if pending and pending[-1] is not None:
                pending[-1].append(element.text or "")
        elif kind == "begin":
            pending.append([])
        elif kind == "separate" and pending and pending[-1] is not None:
            if _INDEX_FIELD.match("".join(pending[-1])):
                pending.pop()
                depth, held = 1, True  # the index's result begins
            else:
                pending[-1] = None
        elif kind == "end" and pending:
            pending.pop()
    return held, depth


def _field_instructions(root: etree._Element) -> Iterator[str]:
    """The instruction of every field under the element: simple fields' and complex ones' (begin, instruction
    text, separate, result, end; nested, and spanning paragraphs like a table of contents)."""
    for simple in root.iter(w("fldSimple")):
        yield simple.get(w("instr")) or ""
    open_fields: list[list[str] | None] = []  # each open field's instruction text, None once its result began
    for element in root.iter(w("fldChar"), w("instrText")):
        if element.tag == w("instrText"):
            if open_fields and open_fields[-1] is not None:
                open_fields[-1].append(element.text or "")
            continue
        kind = element.get(w("fldCharType"))
        if kind == "begin":
            open_fields.append([])
        elif kind == "separate" and open_fields and open_fields[-1] is not None:
            yield "".join(open_fields[-1])
            open_fields[-1] = None
        elif kind == "end" and open_fields:
            pieces = open_fields.pop()
            if pieces is not None:  # a field without a result
                yield "".join(pieces)


def _field_link(instruction: str) -> LinkRef | None:
    """Where a field links: `HYPERLINK "url" \\l "place" \\o "tip"` to the address, a place in it (or in this
    document, without an address), with a title; `REF bookmark \\h` (and PAGEREF, NOTEREF) to the bookmark."""
    words = [(match.group(2), match.group(1) if match.group(1) is not None else match.group(3))
             for match in _FIELD_TOKEN.finditer(instruction)]
    if not words or words[0][1] is None:
        return None
    name = words[0][1].upper()
    if name in _BOOKMARK_REFERENCES:
        bookmark = words[1][1] if len(words) > 1 and words[1][0] is None else None
        is_link = any(switch and switch.lower() == "\\h" for switch, _ in words)
        return LinkRef("#" + bookmark, None, next(_link_ids)) if bookmark and is_link else None
    if name != "HYPERLINK":
        return None
    address, switches, pending = None, {}, None
    for switch, word in words[1:]:
        if switch:
            pending = switch.lower() if switch.lower() in _ARGUMENT_SWITCHES else None
            switches[switch.lower()] = None
        elif pending:
            switches[pending], pending = word, None
        elif address is None:
            address = word
    place = switches.get("\\l")
    if address:
        href = _with_fragment(address, place)
    elif place:
        href = "#" + place
    else:
        return None
    return LinkRef(href, switches.get("\\o") or None, next(_link_ids))


def _with_fragment(address: str, place: str | None) -> str:
    """An address with the place in it that a link's `w:anchor` (or `\\l` switch) names."""
    if not place or "#" in address:
        return address
    return f"{address}#{place}"


def _number(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _unkept_looks(properties: etree._Element | None) -> list[str]:
    """A run's direct formatting that the model has no place for (the text is kept; a link's underline is the
    link's own look and is not counted)."""
    if properties is None:
        return []
    underline, highlight = properties.find(w("u")), properties.find(w("highlight"))
    looks = []
    if underline is not None and (wval(underline) or "single") != "none":
        looks.append("underline")
    if highlight is not None and (wval(highlight) or "none") != "none":
        looks.append("highlight")
    if is_on(properties.find(w("smallCaps"))):
        looks.append("small_caps")
    return looks


def _text_para(text: str) -> Para:
    """A paragraph that stands for an object without a picture (a chart's alt text, a SmartArt node)."""
    return Para(None, [], None, None, None, None, [Atom("text", text)], [])


def _form_field_value(data: etree._Element | None) -> str:
    """What Word draws for a legacy form field, which has no result text of its own: a check box's box, checked
    or not, or a drop-down's chosen entry (a text field's value is its result)."""
    if data is None:
        return ""
    box = data.find(w("checkBox"))
    if box is not None:
        # Both are on/off properties: the box's state, else the state it starts in.
        state = box.find(w("checked"))
        return "\u2612" if is_on(state if state is not None else box.find(w("default"))) else "\u2610"
    choices = data.find(w("ddList"))
    if choices is not None:
        entries = [wval(entry) or "" for entry in choices.findall(w("listEntry"))]
        chosen = wval(choices.find(w("result"))) or wval(choices.find(w("default"))) or "0"
        index = int(chosen) if chosen.isdigit() else 0
        return entries[index] if index < len(entries) else ""
    return ""


# Scripts Word sets in a run's East Asian language (w:lang/@w:eastAsia): kana, CJK ideographs, Hangul.
_EAST_ASIAN = ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
               (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def _is_east_asian(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _EAST_ASIAN)


def _run_language(run: etree._Element, rpr: etree._Element, styles: Styles) -> str | None:
    """The language Word gives the run's text: a run marked right-to-left takes its complex-script language
    (`w:bidi`, else the document defaults' when its script is the run's: python-docx's and Word's templates say
    ar-SA, which Hebrew is not), East Asian text its East Asian one (`w:eastAsia`), other text `w:val`; each falls
    back to `w:val` (None: the paragraph's)."""
    language = rpr.find(w("lang"))
    text = "".join(t.text or "" for t in run.iter(w("t")))
    if is_on(rpr.find(w("rtl"))) or is_on(rpr.find(w("cs"))):
        default = styles.default_bidi_language
        fitting = default if default and _written_in_script_of(text, default) else None
        return wval(language, "bidi") or fitting or wval(language)
    first = next((char for char in text if char.isalpha()), "")
    if language is not None and first and _is_east_asian(first):
        return wval(language, "eastAsia") or wval(language)
    return wval(language)


# The right-to-left languages not written in Arabic script, by the script's name in Unicode character names.
_RIGHT_TO_LEFT_SCRIPTS = {"he": "HEBREW", "iw": "HEBREW", "yi": "HEBREW", "ji": "HEBREW", "syr": "SYRIAC",
                          "dv": "THAANA", "nqo": "NKO"}


def _written_in_script_of(text: str, language: str) -> bool:
    """Whether the first right-to-left letter of `text` is in the script `language` (right to left) is written in."""
    letter = next((char for char in text if unicodedata.bidirectional(char) in ("R", "AL")), None)
    if letter is None or text_direction(language) != "rtl":
        return False
    script = _RIGHT_TO_LEFT_SCRIPTS.get(primary_language(language), "ARABIC")
    return unicodedata.name(letter, "").startswith(script)

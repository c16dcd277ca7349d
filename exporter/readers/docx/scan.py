"""Paragraphs and tables of WordprocessingML flattened into what the model needs: runs of text with their
formatting (bold, italic, code, language, link), line breaks and pictures, plus the paragraph's style,
outline level, list membership and caption fields.

Formatting is read the way Word and LibreOffice write it: direct run properties, character styles (Strong,
Emphasis, Verbatim Char), `w:hyperlink` elements and HYPERLINK fields; tracked deletions and hidden text are
not text; SEQ field results are marked so caption numbers can be recognised and dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from lxml import etree

from exporter.readers.docx.package import Package, Relationship
from exporter.readers.docx.styles import MONOSPACE_FONTS, Styles, is_on, w, wval

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V_NS = "urn:schemas-microsoft-com:vml"
ADEC_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
BROWSER_FRAMES = {"_blank", "_self", "_parent", "_top", ""}
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+"[^"]*"\s+)*"([^"]+)"', re.IGNORECASE)
_SEQ_FIELD = re.compile(r"^\s*SEQ\s+(\S+)", re.IGNORECASE)
# Containers whose children are read as if they were the paragraph's own.
TRANSPARENT = {w("ins"), w("moveTo"), w("smartTag"), w("customXml"), w("bdo"), w("dir"), w("sdtContent")}
SKIPPED = {w("del"), w("moveFrom"), w("pPr"), w("rPr")}

_link_ids = itertools.count(1)


@dataclass(frozen=True)
class LinkRef:
    href: str
    title: str | None
    group: int  # one hyperlink: runs of the same element stay one link


@dataclass
class Drawing:
    descr: str | None
    title: str | None
    name: str | None
    decorative: bool
    target: str | None  # package part name of the image
    external: str | None  # a linked (not embedded) image's URL
    width: int
    height: int


@dataclass(frozen=True)
class Atom:
    kind: str  # text | break | drawing
    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    lang: str | None = None
    link: LinkRef | None = None
    seq: bool = False  # part of a SEQ field's result (a caption number)
    drawing: Drawing | None = field(default=None, compare=False)


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
    paragraphs: list[Para]
    colspan: int
    merge: str | None  # vMerge: "restart", "continue" or None
    column: int = 0


@dataclass
class Row:
    cells: list[Cell]
    header: bool


@dataclass
class TableInfo:
    rows: list[Row]
    caption: str | None  # w:tblCaption (table alt text title)


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    lang: str | None = None
    link: LinkRef | None = None
    seq: bool = False
    hidden: bool = False


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
        # What the model cannot hold, counted so the reader can say what it left out.
        self.notes = 0
        self.tracked_changes = 0

    # ------------------------------------------------------------ body

    def body_items(self, body: etree._Element) -> list[Para | TableInfo]:
        items: list[Para | TableInfo] = []
        for child in body:
            if child.tag == w("p"):
                items.append(self.paragraph(child))
            elif child.tag == w("tbl"):
                items.append(self.table(child))
            elif child.tag in (w("sdt"), w("customXml")):
                gallery = wval(child.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}"))
                if gallery and "contents" in gallery.lower():
                    continue  # a table of contents is generated from the headings, not content
                content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
                if content is not None:
                    items.extend(self.body_items(content))
        return items

    def paragraph(self, element: etree._Element) -> Para:
        ppr = element.find(w("pPr"))
        style_id = wval(ppr.find(w("pStyle"))) if ppr is not None else None
        outline = None
        num: tuple[str, int] | None = None
        left = None
        align = None
        page_break = False
        if ppr is not None:
            page_break = is_on(ppr.find(w("pageBreakBefore")))
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
        if num is not None and num[0] == "0":  # numId 0 switches numbering off
            num = None
        atoms: list[Atom] = []
        sequences: list[str] = []
        self._inline_children(element, _Format(), atoms, [], sequences)
        return Para(
            style_id, self.styles.names(style_id), outline, num, left, align, atoms, sequences, page_break
        )

    def table(self, element: etree._Element) -> TableInfo:
        caption = wval(element.find(f"{w('tblPr')}/{w('tblCaption')}"))
        rows: list[Row] = []
        for tr in element.iter(w("tr")):
            if tr.getparent() is not element and tr.getparent().tag != w("sdtContent"):
                continue  # rows of nested tables belong to their own cell
            trpr = tr.find(w("trPr"))
            header = trpr is not None and is_on(trpr.find(w("tblHeader")))
            column = 0
            if trpr is not None:
                before = wval(trpr.find(w("gridBefore")))
                column = int(before) if before and before.isdigit() else 0
            cells: list[Cell] = []
            for tc in tr.iter(w("tc")):
                if tc.getparent() is not tr:
                    continue
                tcpr = tc.find(w("tcPr"))
                span = wval(tcpr.find(w("gridSpan"))) if tcpr is not None else None
                colspan = int(span) if span and span.isdigit() and int(span) > 0 else 1
                merge = None
                if tcpr is not None and tcpr.find(w("vMerge")) is not None:
                    merge = "restart" if wval(tcpr.find(w("vMerge"))) == "restart" else "continue"
                paragraphs = [self.paragraph(p) for p in tc.iter(w("p"))]
                cells.append(Cell(paragraphs, colspan, merge, column))
                column += colspan
            if cells:
                rows.append(Row(cells, header))
        return TableInfo(rows, caption)

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
                    self.tracked_changes += 1
                continue
            if tag in (w("ins"), w("moveTo")):
                self.tracked_changes += 1
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
                if content is not None:
                    self._inline_children(content, fmt, atoms, fields, sequences)
            elif tag in TRANSPARENT:
                self._inline_children(child, fmt, atoms, fields, sequences)
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    self._inline_children(choice, fmt, atoms, fields, sequences)

    def _hyperlink(self, element: etree._Element) -> LinkRef | None:
        rel_id = element.get(f"{{{R_NS}}}id")
        if rel_id is None or rel_id not in self.rels:
            return None  # an in-document anchor: the model has no target for it
        href = self.rels[rel_id].target
        title = element.get(w("tooltip"))
        frame = element.get(w("tgtFrame"))
        # LibreOffice 7 writes a link's title into w:tgtFrame when it saves DOCX.
        if not title and frame and frame not in BROWSER_FRAMES:
            title = frame
        return LinkRef(href, title or None, next(_link_ids))

    def _field_format(self, instruction: str, fmt: _Format, sequences: list[str]) -> _Format:
        link = _HYPERLINK_FIELD.match(instruction)
        if link:
            return replace(fmt, link=LinkRef(link.group(1), None, next(_link_ids)))
        seq = _SEQ_FIELD.match(instruction)
        if seq:
            sequences.append(seq.group(1))
            return replace(fmt, seq=True)
        return fmt

    def _run_format(self, run: etree._Element, fmt: _Format) -> _Format:
        rpr = run.find(w("rPr"))
        if rpr is None:
            return fmt
        bold, italic, code = self.styles.character_flags(wval(rpr.find(w("rStyle"))))
        if rpr.find(w("b")) is not None:
            bold = is_on(rpr.find(w("b")))
        if rpr.find(w("i")) is not None:
            italic = is_on(rpr.find(w("i")))
        fonts = rpr.find(w("rFonts"))
        font = (wval(fonts, "ascii") or wval(fonts, "hAnsi") or "").lower()
        code = code or font in MONOSPACE_FONTS
        lang = wval(rpr.find(w("lang"))) or fmt.lang
        hidden = is_on(rpr.find(w("vanish"))) or is_on(rpr.find(w("specVanish")))
        return replace(
            fmt,
            bold=bold or fmt.bold,
            italic=italic or fmt.italic,
            code=code or fmt.code,
            lang=lang,
            hidden=hidden,
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

        def add(kind: str, text: str = "", drawing: Drawing | None = None) -> None:
            if fields and not fields[-1].in_result:
                return  # inside a field instruction: not text
            current = effective()
            if current.hidden and kind == "text":
                return
            atoms.append(
                Atom(
                    kind,
                    text,
                    current.bold,
                    current.italic,
                    current.code,
                    current.lang,
                    current.link,
                    current.seq,
                    drawing,
                )
            )

        for child in run:
            tag = child.tag
            if tag == w("t"):
                add("text", child.text or "")
            elif tag == w("tab"):
                add("text", "\t")
            elif tag in (w("br"), w("cr")):
                if (child.get(w("type")) or "textWrapping") == "textWrapping":
                    add("break")
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                self.notes += 1
            elif tag == w("noBreakHyphen"):
                add("text", "\u2011")
            elif tag == w("sym"):
                char = child.get(w("char")) or ""
                if re.fullmatch(r"[0-9A-Fa-f]{1,6}", char) and int(char, 16) <= 0x10FFFF:
                    add("text", chr(int(char, 16)))
            elif tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
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
                for drawing in self._drawings(child):
                    add("drawing", drawing=drawing)
            elif tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    for drawing in self._drawings(choice):
                        add("drawing", drawing=drawing)

    # ------------------------------------------------------------ pictures

    def _drawings(self, container: etree._Element) -> list[Drawing]:
        found: list[Drawing] = []
        for frame in container.iter(f"{{{WP_NS}}}inline", f"{{{WP_NS}}}anchor"):
            doc_pr = frame.find(f"{{{WP_NS}}}docPr")
            blip = next(frame.iter(f"{{{A_NS}}}blip"), None)
            if blip is None:
                continue  # a chart, shape or text box: not a picture
            extent = frame.find(f"{{{WP_NS}}}extent")
            decorative = any(
                (element.get("val") or "").lower() in ("1", "true")
                for element in frame.iter(f"{{{ADEC_NS}}}decorative")
            )
            target, external = self._image_target(blip.get(f"{{{R_NS}}}embed"), blip.get(f"{{{R_NS}}}link"))
            found.append(
                Drawing(
                    descr=doc_pr.get("descr") if doc_pr is not None else None,
                    title=doc_pr.get("title") if doc_pr is not None else None,
                    name=doc_pr.get("name") if doc_pr is not None else None,
                    decorative=decorative,
                    target=target,
                    external=external,
                    width=_int(extent.get("cx")) if extent is not None else 0,
                    height=_int(extent.get("cy")) if extent is not None else 0,
                )
            )
        for image in container.iter(f"{{{V_NS}}}imagedata"):  # legacy VML pictures (Word 2003 files)
            shape = image.getparent()
            target, external = self._image_target(image.get(f"{{{R_NS}}}id"), None)
            found.append(
                Drawing(
                    descr=shape.get("alt") if shape is not None else None,
                    title=image.get(f"{{{'urn:schemas-microsoft-com:office:office'}}}title"),
                    name=None,
                    decorative=False,
                    target=target,
                    external=external,
                    width=0,
                    height=0,
                )
            )
        return found

    def _image_target(self, embed: str | None, link: str | None) -> tuple[str | None, str | None]:
        for rel_id in (embed, link):
            if rel_id and rel_id in self.rels:
                rel = self.rels[rel_id]
                if rel.external:
                    return None, rel.target
                return rel.target, None
        return None, None


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0

"""Accessibility rules for Word documents, read straight from the OOXML (any DOCX, not only ours).

The rules follow the Word accessibility checker and the Section 508 checklist for Word documents:
alt text, headings, document title and language, table header rows, link text, inline pictures, text
contrast, real lists and figure captions. `check_docx` returns findings (rule id, message, place); an empty
list means the document passed every rule.
"""

from __future__ import annotations

import colorsys
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from exporter.alt_text import review as review_alt

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
    "dc": "http://purl.org/dc/elements/1.1/",
}

RULES: dict[str, str] = {
    "DOCX-ALT-MISSING": "every picture that is not marked decorative has alt text (wp:docPr/@descr)",
    "DOCX-ALT-FILENAME": "alt text is not a file name",
    "DOCX-ALT-CAPTION": "alt text does not merely repeat the figure's caption",
    "DOCX-ALT-GENERIC": "alt text describes the picture, not just 'photo' or 'image'",
    "DOCX-ALT-LONG": "alt text is at most 250 characters (the rest belongs in the caption)",
    "DOCX-HEADING-NONE": "the document uses heading styles",
    "DOCX-HEADING-FAKE": "no paragraph is made to look like a heading with direct bold formatting",
    "DOCX-HEADING-FIRST": "the first heading is level 1",
    "DOCX-HEADING-SKIP": "heading levels are not skipped",
    "DOCX-TITLE": "the document title (core property dc:title) is set",
    "DOCX-LANGUAGE": "the document language (w:lang in the style defaults) is set",
    "DOCX-TABLE-HEADER": "a first row drawn as a header (table style Header Row, or bold) is a repeating header row",
    "DOCX-LINK-TEXT": "every link has text (or a picture with alt text) that a screen reader can read",
    "DOCX-FLOATING": "pictures are inline with text, not floating",
    "DOCX-CONTRAST": "text contrast is at least 4.5:1 (3:1 for large text)",
    "DOCX-TYPED-LIST": "lists use Word numbering, not typed markers such as '1.' or '•'",
    "DOCX-CAPTION": "every figure has a caption paragraph in the Caption style",
    "DOCX-CAPTION-STYLE": "the caption style is named 'Caption' (LibreOffice tags only that as /Caption)",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    place: str
    figure: int | None = None  # counted as every format counts figures: pictures not decorative, and placeholders
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.place}: {self.rule}: {self.message}"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def on(element: etree._Element | None) -> bool:
    """An OOXML on/off property: present and not switched off."""
    if element is None:
        return False
    return element.get(w("val"), "true").lower() not in ("0", "false", "off", "none")


# ---------------------------------------------------------------- colours

HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF",
    "red": "FF0000", "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080",
    "darkGreen": "008000", "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000",
    "darkGray": "808080", "lightGray": "C0C0C0",
}  # fmt: skip
THEME_NAMES = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1", "text2": "dk2", "dark2": "dk2",
    "background2": "lt2", "light2": "lt2", "hyperlink": "hlink", "followedHyperlink": "folHlink",
}  # fmt: skip


def hex_rgb(value: str | None) -> tuple[int, int, int] | None:
    if not value or len(value) != 6:
        return None
    try:
        return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    except ValueError:
        return None


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def shade_tint(rgb: tuple[int, int, int], shade: str | None, tint: str | None) -> tuple[int, int, int]:
    """Word's themeShade/themeTint: scale the HSL lightness toward black or white."""
    h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in rgb))
    if shade:
        lightness *= int(shade, 16) / 255
    if tint:
        lightness = lightness * int(tint, 16) / 255 + (1 - int(tint, 16) / 255)
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return (round(r * 255), round(g * 255), round(b * 255))


# ---------------------------------------------------------------- the package


class DocxPackage:
    def __init__(self, data: bytes) -> None:
        """Raises ExportError when the package is refused or is not a Word document."""
        # The file under check is untrusted: it is opened exactly as the DOCX reader opens it (entry count,
        # expanded sizes, compression ratio, part names, XML without DTD, entities or network).
        from exporter.readers.docx.package import Package

        package = Package(data)
        main = package.main_document()

        def read(name: str) -> etree._Element | None:
            return package.xml(name) if package.has(name) else None

        self.document = package.xml(main)
        self.styles = read("word/styles.xml")
        self.core = read("docProps/core.xml")
        self.theme = read("word/theme/theme1.xml")
        self.relationships = {rel.id: rel.target for rel in package.relationships(main).values()}
        self._styles = {}
        self.default_paragraph_style: str | None = None
        self.default_character_style: str | None = None
        if self.styles is not None:
            for style in self.styles.iterfind("w:style", NS):
                style_id = style.get(w("styleId"))
                self._styles[style_id] = style
                if on(style.find("w:default", NS)) or style.get(w("default")) in ("1", "true"):
                    if style.get(w("type")) == "paragraph":
                        self.default_paragraph_style = style_id
                    elif style.get(w("type")) == "character":
                        self.default_character_style = style_id
        self.theme_colours: dict[str, str] = {}
        if self.theme is not None:
            scheme = self.theme.find(".//a:clrScheme", NS)
            for slot in scheme if scheme is not None else []:
                colour = slot.find("a:srgbClr", NS)
                value = colour.get("val") if colour is not None else None
                if value is None:
                    system = slot.find("a:sysClr", NS)
                    value = system.get("lastClr") if system is not None else None
                if value:
                    self.theme_colours[etree.QName(slot).localname] = value

    # ------------------------------------------------------------ styles

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and the styles it is based on, nearest first."""
        found, seen = [], set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            found.append(style)
            based = style.find("w:basedOn", NS)
            style_id = based.get(w("val")) if based is not None else None
        return found

    def style_name(self, style_id: str | None) -> str:
        style = self._styles.get(style_id or "")
        name = style.find("w:name", NS) if style is not None else None
        return name.get(w("val"), "") if name is not None else ""

    def paragraph_style(self, paragraph: etree._Element) -> str | None:
        style = paragraph.find("w:pPr/w:pStyle", NS)
        return style.get(w("val")) if style is not None else self.default_paragraph_style

    def heading_level(self, paragraph: etree._Element) -> int | None:
        """1-9 from the outline level (direct or from the style chain); None for body text."""
        direct = paragraph.find("w:pPr/w:outlineLvl", NS)
        candidates = [direct] if direct is not None else []
        for style in self.chain(self.paragraph_style(paragraph)):
            level = style.find("w:pPr/w:outlineLvl", NS)
            if level is not None:
                candidates.append(level)
        for level in candidates:
            value = int(level.get(w("val"), "9"))
            return value + 1 if value < 9 else None
        name = self.style_name(self.paragraph_style(paragraph)).lower()
        match = re.fullmatch(r"heading ([1-9])", name)
        return int(match.group(1)) if match else None

    def has_numbering(self, paragraph: etree._Element) -> bool:
        num_pr = paragraph.find("w:pPr/w:numPr", NS)
        sources = [num_pr] if num_pr is not None else []
        sources += [s.find("w:pPr/w:numPr", NS) for s in self.chain(self.paragraph_style(paragraph))]
        for source in sources:
            if source is None:
                continue
            num_id = source.find("w:numId", NS)
            return num_id is not None and num_id.get(w("val")) != "0"
        return False

    def run_property(self, run: etree._Element, paragraph: etree._Element, tag: str) -> etree._Element | None:
        """The nearest definition of a run property: run, character style, paragraph style, defaults."""
        direct = run.find(f"w:rPr/w:{tag}", NS)
        if direct is not None:
            return direct
        char_style = run.find("w:rPr/w:rStyle", NS)
        for style in self.chain(char_style.get(w("val")) if char_style is not None else None):
            found = style.find(f"w:rPr/w:{tag}", NS)
            if found is not None:
                return found
        for style in self.chain(self.paragraph_style(paragraph)):
            found = style.find(f"w:rPr/w:{tag}", NS)
            if found is not None:
                return found
        if self.styles is not None:
            return self.styles.find(f"w:docDefaults/w:rPrDefault/w:rPr/w:{tag}", NS)
        return None

    def colour(self, element: etree._Element | None) -> tuple[int, int, int] | None:
        """A w:color's colour as Word draws it: the theme colour when one is named, else w:val."""
        if element is None:
            return None
        theme = element.get(w("themeColor"))
        if theme:
            value = self.theme_colours.get(THEME_NAMES.get(theme, theme))
            rgb = hex_rgb(value)
            if rgb is not None:
                return shade_tint(rgb, element.get(w("themeShade")), element.get(w("themeTint")))
        return hex_rgb(element.get(w("val")))

    # ------------------------------------------------------------ content

    def paragraphs(self) -> list[etree._Element]:
        """Body paragraphs in reading order, including those in table cells (not headers and footers)."""
        body = self.document.find("w:body", NS)
        return list(body.iter(w("p"))) if body is not None else []

    def core_value(self, prefix_tag: str) -> str:
        if self.core is None:
            return ""
        element = self.core.find(prefix_tag, NS)
        return (element.text or "").strip() if element is not None else ""


def paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(w("t"), w("tab"), w("br")):
        parts.append(node.text or "" if node.tag == w("t") else (" " if node.tag == w("tab") else "\n"))
    return "".join(parts)


def excerpt(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# ---------------------------------------------------------------- rules

TYPED_MARKER = re.compile(r"^\s*(?:[•◦▪▫‣●○■□➢➤✓✔*-]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxlcIVXLC]{1,5}[.)])\s+\S")
END_PUNCTUATION = tuple(".,:;!?…")


def check_docx(source: Path | str | bytes) -> list[Finding]:
    """All findings for one DOCX (a path or its bytes). Raises ValueError when it is not a Word document."""
    from exporter.errors import ExportError

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a DOCX file: it is not a ZIP package")
    try:
        package = DocxPackage(data)
    except ExportError as error:
        raise ValueError(error.problem) from None
    findings: list[Finding] = []
    findings += check_properties(package)
    findings += check_headings(package)
    findings += check_pictures(package)
    findings += check_tables(package)
    findings += check_links(package)
    findings += check_text(package)
    return findings


def check_properties(package: DocxPackage) -> Iterator[Finding]:
    if not package.core_value("dc:title"):
        yield Finding("DOCX-TITLE", "the document has no title (File > Properties > Title)", "docProps/core.xml",
                      field="title")
    language = None
    if package.styles is not None:
        language = package.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    if language is None or not (language.get(w("val")) or "").strip():
        yield Finding(
            "DOCX-LANGUAGE",
            "no document language: set w:lang in the default run properties",
            "word/styles.xml",
            field="language",
        )


def place(index: int, paragraph: etree._Element) -> str:
    return f"paragraph {index + 1} ({excerpt(paragraph_text(paragraph))!r})"


def check_headings(package: DocxPackage) -> Iterator[Finding]:
    paragraphs = package.paragraphs()
    previous: int | None = None
    for index, paragraph in enumerate(paragraphs):
        level = package.heading_level(paragraph)
        if level is None:
            if looks_like_fake_heading(package, paragraph, index, paragraphs):
                yield Finding(
                    "DOCX-HEADING-FAKE",
                    "short paragraph in direct bold formatting reads like a heading: use a Heading style",
                    place(index, paragraph),
                )
            continue
        if previous is None and level != 1:
            yield Finding("DOCX-HEADING-FIRST", f"the first heading is level {level}, not 1", place(index, paragraph))
        elif previous is not None and level > previous + 1:
            yield Finding(
                "DOCX-HEADING-SKIP",
                f"heading level {level} follows level {previous}",
                place(index, paragraph),
            )
        previous = level
    if previous is None and any(paragraph_text(p).strip() for p in paragraphs):
        yield Finding("DOCX-HEADING-NONE", "the document has no headings (use Heading 1, Heading 2, ...)", "body")


def looks_like_fake_heading(
    package: DocxPackage, paragraph: etree._Element, index: int, paragraphs: list[etree._Element]
) -> bool:
    text = paragraph_text(paragraph).strip()
    if not text or len(text) > 80 or text.endswith(END_PUNCTUATION) or index == len(paragraphs) - 1:
        return False
    if paragraph.getparent() is not None and paragraph.getparent().tag == w("tc"):
        return False  # table header cells are bold on purpose
    if "caption" in package.style_name(package.paragraph_style(paragraph)).lower():
        return False
    neighbours = paragraphs[max(index - 1, 0):index] + paragraphs[index + 1:index + 2]
    if package.has_numbering(paragraph) and any(package.has_numbering(other) for other in neighbours):
        # An item in bold among items of its list is an item; a bold numbered line between body paragraphs
        # ("1. Introduction") still reads like a heading.
        return False
    runs = [run for run in paragraph.iter(w("r")) if paragraph_text(run).strip()]
    if not runs or not all(on(run.find("w:rPr/w:b", NS)) for run in runs):
        return False
    # A line of bold links ("Download hi-res / Photo details") is a list of links, not a heading.
    return any(
        run.getparent().tag != w("hyperlink") and any(char.isalnum() for char in paragraph_text(run)) for run in runs
    )


def picture_caption(package: DocxPackage, paragraphs: list[etree._Element], index: int) -> etree._Element | None:
    """A Caption-style paragraph right below the picture's paragraph (or right above it)."""
    for neighbour in (index + 1, index - 1):
        if 0 <= neighbour < len(paragraphs):
            candidate = paragraphs[neighbour]
            if package.style_name(package.paragraph_style(candidate)).lower() == "caption":
                return candidate
    return None


PLACEHOLDER_STYLE = "photo placeholder"  # the writer's described stand-in for a photo that was not at hand


def in_running_text(frame: etree._Element, paragraph: etree._Element) -> bool:
    """The DOCX reader's rule (`INLINE_PICTURE_MAX_HEIGHT`): a small picture in a paragraph with text."""
    from exporter.readers.docx.blocks import INLINE_PICTURE_MAX_HEIGHT

    extent = frame.find("wp:extent", NS)
    height = int(extent.get("cy", "0")) if extent is not None and extent.get("cy", "").isdigit() else 0
    return 0 < height <= INLINE_PICTURE_MAX_HEIGHT and bool(paragraph_text(paragraph).strip())


def check_pictures(package: DocxPackage) -> Iterator[Finding]:
    paragraphs = package.paragraphs()
    number = figure = 0
    for index, paragraph in enumerate(paragraphs):
        if package.style_name(package.paragraph_style(paragraph)).lower() == PLACEHOLDER_STYLE:
            figure += 1
        for drawing in paragraph.iter(w("drawing")):
            frame = drawing[0] if len(drawing) else None
            if frame is None or frame.find(".//pic:pic", NS) is None:
                continue
            number += 1
            doc_pr = frame.find("wp:docPr", NS)
            name = doc_pr.get("name", "") if doc_pr is not None else ""
            where = f"picture {number} ({name or 'unnamed'}) in {place(index, paragraph)}"
            if etree.QName(frame).localname == "anchor":
                yield Finding("DOCX-FLOATING", "the picture floats: place it in line with text", where)
            decorative = doc_pr is not None and any(
                element.get("val", "1").lower() in ("1", "true")
                for element in doc_pr.iterfind(".//adec:decorative", NS)
            )
            if decorative:
                continue
            alt = (doc_pr.get("descr", "") if doc_pr is not None else "").strip()
            if in_running_text(frame, paragraph):
                # A picture inside a sentence is read as its alt text: no figure, no caption.
                if not alt:
                    yield Finding("DOCX-ALT-MISSING", "the picture has no alt text and is not marked decorative",
                                  where, None, "alt")
                for problem in review_alt(alt, ""):
                    yield Finding(f"DOCX-{problem.code}", problem.message, where, None, "alt")
                continue
            figure += 1
            caption = picture_caption(package, paragraphs, index)
            if not alt:
                yield Finding("DOCX-ALT-MISSING", "the picture has no alt text and is not marked decorative", where,
                              figure, "alt")
            for problem in review_alt(alt, paragraph_text(caption) if caption is not None else ""):
                yield Finding(f"DOCX-{problem.code}", problem.message, where, figure, "alt")
            if caption is None:
                yield Finding("DOCX-CAPTION", "the figure has no caption paragraph (Caption style) below it", where,
                              figure, "caption")
            elif package.style_name(package.paragraph_style(caption)) != "Caption":
                yield Finding(
                    "DOCX-CAPTION-STYLE",
                    f"the caption style is named {package.style_name(package.paragraph_style(caption))!r}, "
                    "not 'Caption': LibreOffice's PDF export will not tag it as a caption",
                    where,
                    figure,
                    "caption",
                )


def check_tables(package: DocxPackage) -> Iterator[Finding]:
    body = package.document.find("w:body", NS)
    tables = list(body.iter(w("tbl"))) if body is not None else []
    for number, table in enumerate(tables, start=1):
        rows = table.findall("w:tr", NS)
        if not rows or on(rows[0].find("w:trPr/w:tblHeader", NS)) or not drawn_as_header(package, table, rows):
            continue
        first_text = " | ".join(excerpt(paragraph_text(c), 15) for c in rows[0].iterfind(".//w:tc", NS))
        yield Finding(
            "DOCX-TABLE-HEADER",
            "the first row is drawn as a header row but not marked as one: set 'Repeat as header row at the top "
            "of each page'",
            f"table {number} ({first_text!r})",
        )


def drawn_as_header(package: DocxPackage, table: etree._Element, rows: list[etree._Element]) -> bool:
    """Whether sighted readers see a header row that screen readers are not told of (WCAG F91): the table style's
    "Header Row" option is on (w:tblLook), or the first row is bold where a later row is not. A one-row table has
    nothing below it for a header to name; a table with no header look has no header to announce."""
    if len(rows) < 2:
        return False
    look = table.find("w:tblPr/w:tblLook", NS)
    if look is not None:
        first_row = look.get(w("firstRow"))
        if first_row is not None and first_row.lower() in ("1", "true", "on"):
            return True
        value = look.get(w("val"), "")
        if first_row is None and re.fullmatch(r"[0-9A-Fa-f]{1,4}", value) and int(value, 16) & 0x0020:
            return True
    return bold_row(package, rows[0]) and not all(bold_row(package, row) for row in rows[1:])


def bold_row(package: DocxPackage, row: etree._Element) -> bool:
    runs = [(run, paragraph) for paragraph in row.iter(w("p")) for run in paragraph.iterfind("w:r", NS)
            if "".join(t.text or "" for t in run.iter(w("t"))).strip()]
    return bool(runs) and all(on(package.run_property(run, paragraph, "b")) for run, paragraph in runs)


def check_links(package: DocxPackage) -> Iterator[Finding]:
    for index, paragraph in enumerate(package.paragraphs()):
        for link in paragraph.iter(w("hyperlink")):
            # A picture inside the link speaks its alt text.
            alts = [doc_pr.get("descr", "") for doc_pr in link.iterfind(".//wp:docPr", NS)]
            text = " ".join(["".join(t.text or "" for t in link.iter(w("t"))), *alts]).strip()
            target = package.relationships.get(link.get(f"{{{R}}}id", ""), "")
            where = f"link to {target or '#' + link.get(w('anchor'), '')} in {place(index, paragraph)}"
            # A bare URL names where it goes (WCAG 2.4.4), as the other formats' checks accept; no text names nothing.
            if not text:
                yield Finding("DOCX-LINK-TEXT", "the link has no text", where)


def check_text(package: DocxPackage) -> Iterator[Finding]:
    for index, paragraph in enumerate(package.paragraphs()):
        text = paragraph_text(paragraph)
        if text.strip() and not package.has_numbering(paragraph) and TYPED_MARKER.match(text):
            yield Finding(
                "DOCX-TYPED-LIST",
                f"typed list marker {text.strip()[:3]!r}: use Word's bullets or numbering",
                place(index, paragraph),
            )
        finding = contrast_finding(package, paragraph)
        if finding:
            yield Finding("DOCX-CONTRAST", finding, place(index, paragraph))


def background(package: DocxPackage, run: etree._Element, paragraph: etree._Element) -> tuple[int, int, int]:
    highlight = package.run_property(run, paragraph, "highlight")
    if highlight is not None and highlight.get(w("val")) in HIGHLIGHTS:
        return hex_rgb(HIGHLIGHTS[highlight.get(w("val"))]) or (255, 255, 255)
    shading = [run.find("w:rPr/w:shd", NS), paragraph.find("w:pPr/w:shd", NS)]
    cell = paragraph.getparent()
    if cell is not None and cell.tag == w("tc"):
        shading.append(cell.find("w:tcPr/w:shd", NS))
    for shade in shading:
        fill = hex_rgb(shade.get(w("fill"))) if shade is not None else None
        if fill is not None:
            return fill
    page = package.document.find("w:background", NS)
    page_colour = hex_rgb(page.get(w("color"))) if page is not None else None
    return page_colour or (255, 255, 255)


def contrast_finding(package: DocxPackage, paragraph: etree._Element) -> str | None:
    for run in paragraph.iter(w("r")):
        if not "".join(t.text or "" for t in run.iter(w("t"))).strip():
            continue
        foreground = package.colour(package.run_property(run, paragraph, "color"))
        if foreground is None:  # "auto": Word picks black or white against the background
            continue
        back = background(package, run, paragraph)
        size_element = package.run_property(run, paragraph, "sz")
        half_points = int(size_element.get(w("val"), "20")) if size_element is not None else 20
        bold = on(package.run_property(run, paragraph, "b"))
        large = half_points >= 36 or (bold and half_points >= 28)
        minimum = 3.0 if large else 4.5
        ratio = contrast(foreground, back)
        if ratio < minimum:
            colour = "{:02X}{:02X}{:02X}".format(*foreground)
            behind = "{:02X}{:02X}{:02X}".format(*back)
            return f"text colour #{colour} on #{behind} is {ratio:.2f}:1, below {minimum}:1"
    return None

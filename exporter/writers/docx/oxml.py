"""Every piece of hand-written OOXML the DOCX writer needs and python-docx 1.2 has no API for.

Kept in one module so the rest of the writer speaks python-docx only, and so each feature has one place (and
one test): picture alt text and the decorative flag, hyperlinks, SEQ caption fields, footnotes, table header
rows and table alt text, document and run language, list numbering definitions, style colours with enough
contrast, core, extended and custom document properties, and the deterministic ZIP re-pack.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from exporter.language_tags import text_direction
from exporter.writers.base import zip_method
from exporter.xmltext import escape, escape_attribute

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
ADEC_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
# The extension URI Word writes for the "Mark as decorative" flag (Office 2019 / Microsoft 365).
DECORATIVE_EXT_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# fmtid every custom document property carries (the "user defined properties" property set).
CUSTOM_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

# What the writer darkens text colours to: WCAG's 4.5:1 with a margin, so no colour sits at the edge (#4A79B1 was
# 4.51:1) and a slightly different rendering or print cannot push it below.
TARGET_CONTRAST = 5.0
WHITE = (255, 255, 255)
# Word's own hyperlink blue (Office 2013+ theme), 5.9:1 on white.
HYPERLINK_COLOUR = "0563C1"

NSMAP = {"w": W_NS, "wp": WP_NS, "a": A_NS, "adec": ADEC_NS}


# ---------------------------------------------------------------- colour


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: tuple[int, int, int], background: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1.0 to 21.0."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def parse_hex(value: str) -> tuple[int, int, int] | None:
    """RRGGBB as Word writes it; None for "auto" or anything else that is not a fixed colour."""
    text = value.strip().lstrip("#")
    if len(text) != 6:
        return None
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError:
        return None


@functools.cache
def darken_until_readable(rgb: tuple[int, int, int], background: tuple[int, int, int] = WHITE) -> str:
    """The same hue, darkened in small steps until it reaches TARGET_CONTRAST on the background."""
    r, g, b = rgb
    factor = 1.0
    while contrast_ratio((int(r * factor), int(g * factor), int(b * factor)), background) < TARGET_CONTRAST:
        factor -= 0.02
    return f"{int(r * factor):02X}{int(g * factor):02X}{int(b * factor):02X}"


def fix_style_colours(styles_element: etree._Element) -> None:
    """Make every colour the styles define readable on white with a margin (TARGET_CONTRAST; the default
    template's #4F81BD is 4.0:1).

    Theme references are dropped: Word draws `w:themeColor` in preference to `w:val`, so leaving them would
    keep the theme's low-contrast accent whatever `w:val` says.
    """
    for colour in styles_element.iter(qn("w:color")):
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            colour.attrib.pop(qn(attribute), None)
        rgb = parse_hex(colour.get(qn("w:val"), ""))
        if rgb is not None and contrast_ratio(rgb, WHITE) < TARGET_CONTRAST:
            colour.set(qn("w:val"), darken_until_readable(rgb))
    # Borders drawn in the accent colour are not text, but keep them consistent with the headings.
    for border_parent in styles_element.iter(qn("w:pBdr")):
        for border in border_parent:
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                border.attrib.pop(qn(attribute), None)


# ---------------------------------------------------------------- styles


def style_element(styles_element: etree._Element, style_id: str) -> etree._Element | None:
    for style in styles_element.iter(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            return style
    return None


def drop_table_styles(styles_element: etree._Element, keep: Iterable[str]) -> None:
    """Remove the template's table styles but the default one and `keep` (python-docx's template defines 100,
    two thirds of its styles part, which every build parsed, searched and wrote again). Word still offers its
    built-in table styles from the latent style list; LibreOffice does not use them."""
    kept = set(keep)
    for style in list(styles_element.iterchildren(qn("w:style"))):
        if (
            style.get(qn("w:type")) == "table"
            and style.get(qn("w:styleId")) not in kept
            and style.get(qn("w:default")) not in ("1", "true", "on")
        ):
            styles_element.remove(style)


def rename_style(styles_element: etree._Element, style_id: str, name: str) -> None:
    """python-docx's template spells the caption style "caption"; LibreOffice tags only "Caption" /Caption."""
    style = style_element(styles_element, style_id)
    if style is None:
        raise ValueError(f"the template has no style {style_id}")
    style.find(qn("w:name")).set(qn("w:val"), name)
    # A semi-hidden style does not show in Word's style gallery; editors should see Caption there.
    for hidden in style.findall(qn("w:semiHidden")):
        style.remove(hidden)


def remove_paragraph_borders(styles_element: etree._Element, style_id: str) -> None:
    """Drop a style's paragraph borders: LibreOffice 7.4's tagged PDF export draws them as untagged paths
    (PDF/UA content-tagging failure). The template's Title style underlines the title with one."""
    style = style_element(styles_element, style_id)
    for borders in style.iter(qn("w:pBdr")) if style is not None else []:
        borders.getparent().remove(borders)


def add_character_style_xml(styles_element: etree._Element, style_id: str, name: str, rpr_xml: str) -> None:
    """A character style; Word's built-in "Hyperlink" is missing from python-docx's template."""
    if style_element(styles_element, style_id) is not None:
        return
    styles_element.append(
        parse_xml(
            f'<w:style xmlns:w="{W_NS}" w:type="character" w:styleId="{style_id}">'
            f'<w:name w:val="{escape(name)}"/><w:basedOn w:val="DefaultParagraphFont"/>'
            f'<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr>{rpr_xml}</w:rPr></w:style>'
        )
    )


def ensure_hyperlink_style(styles_element: etree._Element) -> None:
    add_character_style_xml(
        styles_element,
        "Hyperlink",
        "Hyperlink",
        f'<w:color w:val="{HYPERLINK_COLOUR}"/><w:u w:val="single"/>',
    )


def set_document_language(styles_element: etree._Element, settings_element: etree._Element, lang: str) -> None:
    """`w:lang` in the style defaults: what Word, LibreOffice and their PDF exports take as the language."""
    defaults = _child(styles_element, "w:docDefaults", index=0)
    rpr_default = _child(defaults, "w:rPrDefault", index=0)
    rpr = _child(rpr_default, "w:rPr")
    language = _child(rpr, "w:lang")
    language.set(qn("w:val"), lang)
    theme_language = settings_element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), lang)
    if text_direction(lang) == "rtl":
        # Word keeps a right-to-left language apart (w:bidi), and reads text right to left by w:rtl on its runs and
        # w:bidi on its paragraphs: both become the defaults.
        language.set(qn("w:bidi"), lang)
        _set_run_direction(rpr, "rtl")
        p_pr = _child(_child(defaults, "w:pPrDefault", index=1), "w:pPr")  # w:pPrDefault follows w:rPrDefault
        _insert_in_order(p_pr, OxmlElement("w:bidi"), _AFTER_BIDI)


def _child(parent: etree._Element, tag: str, index: int | None = None) -> etree._Element:
    """`parent`'s `tag` child, added (at `index`, else last) when it has none."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        if index is None:
            parent.append(child)
        else:
            parent.insert(index, child)
    return child


def set_run_language(run: Run, lang: str, document_lang: str) -> None:
    """The run's language, and its direction where it differs from the document's (an Arabic quotation in an
    English article, or English in an Arabic one)."""
    rpr = run._r.get_or_add_rPr()
    language = _child(rpr, "w:lang")
    language.set(qn("w:val"), lang)
    direction = text_direction(lang)
    if direction == "rtl":
        language.set(qn("w:bidi"), lang)
    set_run_direction(run, direction, document_lang)


def set_run_direction(run: Run, direction: str, document_lang: str) -> None:
    """The run's direction where it differs from the document's (a VIRIN in an Arabic article)."""
    if direction != text_direction(document_lang):
        _set_run_direction(run._r.get_or_add_rPr(), direction)


def set_table_direction(table: Table, lang: str) -> None:
    """A table of a right-to-left document puts its first column on the right (w:bidiVisual)."""
    if text_direction(lang) == "rtl":
        tbl_pr = table._tbl.tblPr
        _insert_in_order(tbl_pr, OxmlElement("w:bidiVisual"), _AFTER_BIDI_VISUAL)


# What follows w:rtl in w:rPr, w:bidi in w:pPr and w:bidiVisual in w:tblPr (the schema's order).
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing",
                      "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                      "w:tblDescription", "w:tblPrChange")


def _set_run_direction(rpr: etree._Element, direction: str) -> None:
    rtl = rpr.find(qn("w:rtl"))
    if rtl is None:
        rtl = OxmlElement("w:rtl")
        _insert_in_order(rpr, rtl, _AFTER_RTL)
    if direction == "rtl":
        rtl.attrib.pop(qn("w:val"), None)
    else:
        rtl.set(qn("w:val"), "0")


def set_paragraph_direction(paragraph: Paragraph, direction: str, document_lang: str) -> None:
    """The paragraph's direction where it differs from the document's (an English caption in an Arabic
    article: its full stop at its end)."""
    if direction != text_direction(document_lang):
        _set_paragraph_direction(paragraph._p.get_or_add_pPr(), direction)


def _set_paragraph_direction(p_pr: etree._Element, direction: str) -> None:
    bidi = OxmlElement("w:bidi")
    if direction == "ltr":
        bidi.set(qn("w:val"), "0")
    _insert_in_order(p_pr, bidi, _AFTER_BIDI)


def _insert_in_order(parent: etree._Element, child: etree._Element, successors: Sequence[str]) -> None:
    """`child` in `parent` before the first of the elements the schema puts after it (at the end if none is
    there), unless one of its kind is there already."""
    if parent.find(child.tag) is not None:
        return
    later = {qn(tag) for tag in successors}
    following = next((element for element in parent if element.tag in later), None)
    if following is not None:
        following.addprevious(child)
    else:
        parent.append(child)


def set_language_where_unset(elements: Iterable[etree._Element], lang: str, document_lang: str) -> None:
    """`w:lang` on every run (and paragraph mark) in `elements` that has none of its own: a packet article
    in another language than the packet's. Runs of foreign-language spans keep the language they have. Written in
    the other direction than the packet, its paragraphs and runs say so too; a run in a language of its own takes
    that language's direction."""
    direction, document_direction = text_direction(lang), text_direction(document_lang)
    turned = direction != document_direction
    for element in elements:
        for run in element.iter(qn("w:r")):
            rpr = _set_lang_if_missing(run, "w:rPr", lang)
            run_direction = text_direction(rpr.find(qn("w:lang")).get(qn("w:val")) or lang)
            if run_direction != document_direction and rpr.find(qn("w:rtl")) is None:
                _set_run_direction(rpr, run_direction)
        for paragraph in element.iter(qn("w:p")):
            p_pr = paragraph.find(qn("w:pPr"))
            if p_pr is None and not turned:
                continue
            if p_pr is None:
                p_pr = OxmlElement("w:pPr")
                paragraph.insert(0, p_pr)
            # The paragraph mark's run properties: what Word applies to text typed at the paragraph's end.
            _set_lang_if_missing(p_pr, "w:rPr", lang)
            if turned:
                _set_paragraph_direction(p_pr, direction)


def _set_lang_if_missing(parent: etree._Element, rpr_tag: str, lang: str) -> etree._Element:
    rpr = parent.find(qn(rpr_tag))
    if rpr is None:
        rpr = OxmlElement(rpr_tag)
        if parent.tag == qn("w:r"):
            parent.insert(0, rpr)
        else:
            # In w:pPr the paragraph mark's w:rPr comes after everything but w:sectPr and w:pPrChange.
            tail = parent.find(qn("w:sectPr"))
            if tail is not None:
                tail.addprevious(rpr)
            else:
                parent.append(rpr)
    if rpr.find(qn("w:lang")) is None:
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), lang)
        rpr.append(language)
    return rpr


def run_language(paragraph: Paragraph) -> str | None:
    """The language set directly on the paragraph's first run, if any (a packet article's own language)."""
    found = paragraph._p.xpath("./w:r[1]/w:rPr/w:lang/@w:val")
    return str(found[0]) if found else None


# ---------------------------------------------------------------- pictures


def _doc_pr(run: Run) -> etree._Element:
    found = run._r.xpath(".//wp:docPr")
    if not found:
        raise ValueError("the run holds no picture")
    return found[0]


def set_picture_alt(run: Run, alt: str) -> None:
    """Alt text in `wp:docPr/@descr`: what Word's "Alt Text" pane, pandoc and LibreOffice read.

    No `@title`: LibreOffice's PDF export joins title and description ("title - descr") into `/Alt`.
    """
    doc_pr = _doc_pr(run)
    doc_pr.set("descr", alt)
    doc_pr.attrib.pop("title", None)


def mark_decorative(run: Run) -> None:
    """Word's "Mark as decorative": an `adec:decorative` extension on `wp:docPr`, and no description."""
    doc_pr = _doc_pr(run)
    doc_pr.attrib.pop("descr", None)
    doc_pr.attrib.pop("title", None)
    doc_pr.append(
        parse_xml(
            f'<a:extLst xmlns:a="{A_NS}"><a:ext uri="{DECORATIVE_EXT_URI}">'
            f'<adec:decorative xmlns:adec="{ADEC_NS}" val="1"/></a:ext></a:extLst>'
        )
    )


def set_picture_name(run: Run, name: str) -> None:
    """The object name editors see in Word's selection pane and LibreOffice's navigator."""
    _doc_pr(run).set("name", name)


# ---------------------------------------------------------------- hyperlinks and fields


def add_hyperlink(
    paragraph: Paragraph, *, relationship_id: str | None = None, bookmark: str | None = None, tooltip: str | None = None
) -> etree._Element:
    """A `w:hyperlink` to the target of the external relationship `relationship_id`, or to a `bookmark` of the
    document; the caller fills it with runs."""
    hyperlink = OxmlElement("w:hyperlink")
    if relationship_id is not None:
        hyperlink.set(qn("r:id"), relationship_id)
    if bookmark is not None:
        hyperlink.set(qn("w:anchor"), bookmark)
    if tooltip:
        hyperlink.set(qn("w:tooltip"), tooltip)
    hyperlink.set(qn("w:history"), "1")
    paragraph._p.append(hyperlink)
    return hyperlink


def new_run(container: etree._Element, paragraph: Paragraph) -> Run:
    """A run appended to a paragraph or to a `w:hyperlink` inside it."""
    r = OxmlElement("w:r")
    container.append(r)
    return Run(r, paragraph)


def set_run_style(run: Run, style_id: str) -> None:
    rpr = run._r.get_or_add_rPr()
    style = rpr.find(qn("w:rStyle"))
    if style is None:
        style = OxmlElement("w:rStyle")
        rpr.insert(0, style)
    style.set(qn("w:val"), style_id)


def append_seq_field(paragraph: Paragraph, sequence: str, number: int) -> None:
    """A `SEQ <sequence> \\* ARABIC` field with its current result, as Word's Insert Caption writes it."""

    def field_char(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    field_char("begin")
    instruction_run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" SEQ {sequence} \\* ARABIC "
    instruction_run._r.append(instruction)
    field_char("separate")
    paragraph.add_run(str(number))
    field_char("end")


FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTE_TEXT_STYLE = "FootnoteText"
FOOTNOTE_REFERENCE_STYLE = "FootnoteReference"


class Footnotes:
    """Real Word footnotes (python-docx has none): a footnotes part made on first use, with Word's separator and
    continuation separator, Word's "footnote text" and "footnote reference" styles, and one `w:footnote` per
    note, its first paragraph opening with the automatic number (`w:footnoteRef`)."""

    def __init__(self, document) -> None:
        self.document = document
        self.part: Part | None = None
        self._next_id = 1

    def add(self, paragraph: Paragraph, container: etree._Element) -> tuple[Part, etree._Element]:
        """A reference run at the end of `container` (a paragraph or hyperlink of `paragraph`) and a new note;
        returns the footnotes part and the note, to which the caller adds paragraphs (`note_paragraph`)."""
        part = self._ensure_part()
        note_id = self._next_id
        self._next_id += 1
        reference = new_run(container, paragraph)
        set_run_style(reference, FOOTNOTE_REFERENCE_STYLE)
        mark = OxmlElement("w:footnoteReference")
        mark.set(qn("w:id"), str(note_id))
        reference._r.append(mark)
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(note_id))
        part.element.append(note)
        return part, note

    @staticmethod
    def note_paragraph(note: etree._Element) -> etree._Element:
        """A new paragraph in the note; the first one starts with the note's number and a space."""
        first = len(note) == 0
        paragraph = parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:pStyle w:val="{FOOTNOTE_TEXT_STYLE}"/></w:pPr></w:p>'
        )
        if first:
            paragraph.append(
                parse_xml(
                    f'<w:r xmlns:w="{W_NS}"><w:rPr><w:rStyle w:val="{FOOTNOTE_REFERENCE_STYLE}"/></w:rPr>'
                    '<w:footnoteRef/></w:r>'
                )
            )
            paragraph.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve"> </w:t></w:r>'))
        note.append(paragraph)
        return paragraph

    def _ensure_part(self) -> Part:
        if self.part is not None:
            return self.part
        from docx.opc.part import XmlPart

        separators = "".join(
            f'<w:footnote w:type="{kind}" w:id="{number}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            f'w:lineRule="auto"/></w:pPr><w:r><w:{kind}/></w:r></w:p></w:footnote>'
            for kind, number in (("separator", -1), ("continuationSeparator", 0))
        )
        element = parse_xml(f'<w:footnotes xmlns:w="{W_NS}">{separators}</w:footnotes>')
        document_part = self.document.part
        self.part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, element, document_part.package)
        document_part.relate_to(self.part, RT.FOOTNOTES)
        _add_footnote_styles(self.document.styles.element)
        _add_footnote_settings(self.document.settings.element)
        return self.part


def _add_footnote_styles(styles_element: etree._Element) -> None:
    if style_element(styles_element, FOOTNOTE_TEXT_STYLE) is None:
        styles_element.append(
            parse_xml(
                f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="{FOOTNOTE_TEXT_STYLE}">'
                '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
                '<w:unhideWhenUsed/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
            )
        )
    add_character_style_xml(
        styles_element, FOOTNOTE_REFERENCE_STYLE, "footnote reference", '<w:vertAlign w:val="superscript"/>'
    )


def _add_footnote_settings(settings: etree._Element) -> None:
    """`w:footnotePr` naming the separators, where Word writes it (before `w:endnotePr`, `w:compat` ...)."""
    footnote_pr = parse_xml(
        f'<w:footnotePr xmlns:w="{W_NS}"><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    )
    successors = ("w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
                  "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                  "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
                  "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
                  "w:decimalSymbol", "w:listSeparator")
    _insert_in_order(settings, footnote_pr, successors)


def set_keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def set_page_break_before(paragraph: Paragraph) -> None:
    """For packets: each article starts on a new page."""
    paragraph.paragraph_format.page_break_before = True


def add_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """A bookmark around the whole paragraph: a target for TOC hyperlinks, Word's Go To and
    LibreOffice's navigator (and named destinations in its PDF export)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    p_pr = p.find(qn("w:pPr"))
    # Schema order: w:pPr first, then the bookmark start, the runs, and the bookmark end.
    if p_pr is not None:
        p_pr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


# Headlines only (Heading 1): a packet's contents list its articles, not their sections (every article's
# "Source" heading would repeat).
TOC_INSTRUCTION = ' TOC \\o "1-1" \\h \\z \\u '


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1 (headlines)
    text: str
    bookmark: str
    lang: str | None = None  # the heading's language when it differs from the document's
    page: int | None = None  # the page number shown until the field is updated


def table_of_contents(heading: str, entries: Sequence[TocEntry], text_width: int) -> etree._Element:
    """A real TOC field inside Word's "Table of Contents" building block, as Word's References > Table of
    Contents writes it.

    The field result is filled in (one hyperlinked entry per heading, pointing at its bookmark), so programs
    that do not compute fields still show a working contents list: pandoc, and LibreOffice, which imports the
    result as its index and converts it to a tagged PDF TOC (TOC > TOCI > Link) without recomputing it. Page
    numbers, when known (`TocEntry.page`, from the PDF's layout of the same build), sit after a dot-leader tab
    at the right edge (`text_width`, twips): Word's layout differs a little, so `w:dirty` asks Word to update
    the field when the document is opened; "Update Table" in Word, or Tools > Update > Update All in
    LibreOffice, refreshes it at any time.
    """
    w = f'xmlns:w="{W_NS}"'
    paragraphs = [
        f'<w:p {w}><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>{escape(heading)}</w:t></w:r></w:p>'
    ]
    field_start = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(TOC_INSTRUCTION)}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    if not entries:
        raise ValueError("a table of contents needs at least one heading")
    field_end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    for index, entry in enumerate(entries):
        # The field ends in the last entry's paragraph: an empty paragraph of its own would become an empty
        # TOCI element in LibreOffice's tagged PDF.
        language = f'<w:lang w:val="{escape_attribute(entry.lang)}"/>' if entry.lang else ""
        run_properties = f"<w:rPr>{language}</w:rPr>" if language else ""
        page = f"<w:r><w:tab/></w:r><w:r><w:t>{entry.page}</w:t></w:r>" if entry.page is not None else ""
        paragraphs.append(
            f'<w:p {w}><w:pPr><w:pStyle w:val="TOC{entry.level}"/>'
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{text_width}"/></w:tabs></w:pPr>'
            + (field_start if index == 0 else "")
            + f'<w:hyperlink w:anchor="{escape_attribute(entry.bookmark)}" w:history="1">'
            f'<w:r>{run_properties}<w:t xml:space="preserve">{escape(entry.text)}</w:t></w:r>{page}</w:hyperlink>'
            + (field_end if index == len(entries) - 1 else "")
            + "</w:p>"
        )
    return parse_xml(
        f'<w:sdt {w}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        f'<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>{"".join(paragraphs)}</w:sdtContent></w:sdt>'
    )


def add_toc_styles(styles_element: etree._Element) -> None:
    """Word's built-in "toc 1" and "toc 2" entry styles (python-docx's template lacks them); Word and
    LibreOffice ("Contents 1/2") know them by these names."""
    for level in (1, 2):
        if style_element(styles_element, f"TOC{level}") is not None:
            continue
        indent = 240 * (level - 1)
        styles_element.append(
            parse_xml(
                f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="TOC{level}">'
                f'<w:name w:val="toc {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
                f'<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
                f'<w:pPr><w:spacing w:after="100"/><w:ind w:left="{indent}"/></w:pPr></w:style>'
            )
        )


# ---------------------------------------------------------------- tables


# python-docx's `Table.add_row` and `Table.cell` rebuild the whole cell grid on every call (quadratic in the
# table's size: a 2,000-row table took minutes); rows and cells are appended here directly, in constant time each.


def column_widths(table: Table) -> list[int]:
    """The width of each grid column in twips, as python-docx laid out the (empty) table."""
    return [int(column.get(qn("w:w"))) for column in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]


def append_row(table: Table, *, header: bool) -> etree._Element:
    """A new last row. `header`: `w:tblHeader`, repeated on every page (pandoc reads it as the table head)."""
    row = OxmlElement("w:tr")
    if header:
        properties = OxmlElement("w:trPr")
        properties.append(OxmlElement("w:tblHeader"))
        row.append(properties)
    table._tbl.append(row)
    return row


def append_cell(
    table: Table, row: etree._Element, width: int, *, colspan: int = 1, merge: str | None = None
) -> Paragraph:
    """A new last cell of `row`, `width` twips wide, spanning `colspan` grid columns; `merge` is "restart" for
    the top of a vertically merged cell and "continue" for the cells it covers below. Returns its paragraph."""
    cell = OxmlElement("w:tc")
    properties = OxmlElement("w:tcPr")
    cell_width = OxmlElement("w:tcW")
    cell_width.set(qn("w:type"), "dxa")
    cell_width.set(qn("w:w"), str(width))
    properties.append(cell_width)
    if colspan > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(colspan))
        properties.append(span)
    if merge is not None:
        vertical = OxmlElement("w:vMerge")
        if merge == "restart":
            vertical.set(qn("w:val"), "restart")
        properties.append(vertical)
    cell.append(properties)
    paragraph = OxmlElement("w:p")
    cell.append(paragraph)
    row.append(cell)
    return Paragraph(paragraph, _Cell(cell, table))


def set_table_look(table: Table, *, header_row: bool, header_column: bool) -> None:
    """`w:tblLook` says which rows and columns the table style sets apart; readers (pandoc, ours, Word's
    accessibility checker) take its first-row flag for a header row. python-docx sets both flags on every table,
    so they are set to what the table really has."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    look.set(qn("w:firstRow"), "1" if header_row else "0")
    look.set(qn("w:firstColumn"), "1" if header_column else "0")
    # The older hexadecimal form carries the same flags (0x0020 first row, 0x0080 first column).
    value = int(look.get(qn("w:val"), "0") or "0", 16) & ~0x00A0
    look.set(qn("w:val"), f"{value | (0x20 if header_row else 0) | (0x80 if header_column else 0):04X}")


def set_table_alt_text(table: Table, caption: str, description: str) -> None:
    """Word 2010+ table alt text (Table Properties > Alt Text): `w:tblCaption` and `w:tblDescription`."""
    tbl_pr = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        if value:
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            tbl_pr.append(element)


# ---------------------------------------------------------------- numbering

BULLETS = ("•", "◦", "▪")
BULLET = "bullet"
# The model's number styles as Word's number formats (w:numFmt).
NUMBER_FORMATS = {
    "decimal": "decimal",
    "lower-alpha": "lowerLetter",
    "upper-alpha": "upperLetter",
    "lower-roman": "lowerRoman",
    "upper-roman": "upperRoman",
}


class ListNumbering:
    """Real Word lists: one abstract definition and one `w:num` per top-level list, so every list restarts."""

    INDENT_STEP = 720  # twips: half an inch per level
    HANGING = 360

    def __init__(self, numbering_element: etree._Element) -> None:
        self.element = numbering_element
        abstract_ids = [int(e.get(qn("w:abstractNumId"))) for e in numbering_element.iter(qn("w:abstractNum"))]
        num_ids = [int(e.get(qn("w:numId"))) for e in numbering_element.iter(qn("w:num"))]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        # Every abstractNum goes before the first num (schema order): found once, not past all of them each time.
        self._first_num = numbering_element.find(qn("w:num"))

    def new_list(
        self, kinds: Sequence[str], *, start_level: int = 0, start: int | None = None, bullet: str | None = None
    ) -> int:
        """A list whose level N is bulleted when `kinds[N]` is BULLET, else numbered in that number style (a key of
        NUMBER_FORMATS); the last kind repeats. `bullet` replaces the bullets of every level (a task's ballot box,
        as pandoc writes task lists).

        One definition for a whole nested list, so Word, pandoc and LibreOffice's PDF tags (L > LI > L) see
        one list with levels, not a run of separate lists.
        """
        abstract_id = self._next_abstract
        self._next_abstract += 1
        levels = []
        for level in range(9):
            kind = kinds[min(level, len(kinds) - 1)] if kinds else BULLET
            if kind == BULLET:
                number_format, text = "bullet", bullet or BULLETS[level % len(BULLETS)]
            else:
                number_format, text = NUMBER_FORMATS[kind], f"%{level + 1}."
            first = start if (start is not None and level == start_level) else 1
            indent = self.INDENT_STEP * (level + 1)
            levels.append(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="{first}"/>'
                f'<w:numFmt w:val="{number_format}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{indent}" w:hanging="{self.HANGING}"/></w:pPr></w:lvl>'
            )
        abstract = parse_xml(
            f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(levels)}</w:abstractNum>'
        )
        if self._first_num is not None:
            self._first_num.addprevious(abstract)
        else:
            self.element.append(abstract)
        num_id = self._next_num
        self._next_num += 1
        num = parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        self.element.append(num)
        if self._first_num is None:
            self._first_num = num
        return num_id

    @classmethod
    def indent_for(cls, level: int) -> int:
        return cls.INDENT_STEP * (level + 1)


def set_list_item(paragraph: Paragraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# ---------------------------------------------------------------- document properties


def w3cdtf(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_core_properties(
    core_element: etree._Element,
    *,
    title: str,
    subject: str | None,
    author: str | None,
    keywords: Iterable[str],
    language: str,
    created: datetime,
    modified: datetime,
) -> None:
    """Replace python-docx's defaults ("python-docx", "generated by python-docx", 2013 dates) entirely.

    Missing values are omitted, never invented.
    """
    for child in list(core_element):
        core_element.remove(child)
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dcterms": "http://purl.org/dc/terms/",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    }

    def add(prefix: str, tag: str, text: str, **attributes: str) -> None:
        element = etree.SubElement(core_element, f"{{{ns[prefix]}}}{tag}")
        element.text = text
        for name, value in attributes.items():
            element.set(f"{{{ns['xsi']}}}{name}", value)

    add("dc", "title", title)
    if subject:
        add("dc", "subject", subject)
    if author:
        add("dc", "creator", author)
    keyword_text = ", ".join(k for k in keywords if k)
    if keyword_text:
        add("cp", "keywords", keyword_text)
    add("dc", "language", language)
    add("dcterms", "created", w3cdtf(created), type="dcterms:W3CDTF")
    add("dcterms", "modified", w3cdtf(modified), type="dcterms:W3CDTF")


APP_PROPERTIES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>gov-article-exporter</Application></Properties>"
)


def replace_extended_properties(package) -> None:
    """The template's app.xml claims "Microsoft Macintosh Word" and stale page/word counts."""
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = APP_PROPERTIES.encode("utf-8")


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    items = []
    for pid, (name, value) in enumerate(properties.items(), start=2):  # pid 0 and 1 are reserved
        items.append(
            f'<property fmtid="{CUSTOM_PROPERTY_FMTID}" pid="{pid}" name="{escape_attribute(name)}">'
            f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}">{"".join(items)}</Properties>'
    ).encode()


def add_custom_properties(package, properties: dict[str, str]) -> None:
    """docProps/custom.xml: Word's File > Properties > Custom, which Word and LibreOffice keep on save."""
    blob = custom_properties_xml(properties)
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES_TYPE, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(docx_bytes: bytes) -> dict[str, str]:
    """The custom properties of a DOCX (what issue 10's round trip reads back)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return {}
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{CUSTOM_PROPS_NS}}}property"):
        value = next(iter(prop), None)
        found[prop.get("name", "")] = value.text or "" if value is not None else ""
    return found


def drop_template_leftovers(document_part, package) -> None:
    """The template's thumbnail (a picture of some other document) and its Word 2010 stylesWithEffects
    copy, which would keep the old low-contrast colours for Word 2010."""
    for rels in (package.rels, document_part.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in (RT.THUMBNAIL, STYLES_WITH_EFFECTS):
                rels.pop(rel_id)


# ---------------------------------------------------------------- packaging

ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def package_bytes(package: OpcPackage, when: datetime) -> bytes:
    """The package as a DOCX: every entry stamped with one fixed time, fixed attributes, `[Content_Types].xml`
    first, and each part deflated once (not at all when it is compressed already).

    python-docx's own save stamps every entry with the current time, so two builds would differ, and deflates
    everything, which a re-pack would undo and redo. Its package writer's steps are used here with a collector
    for the entries (python-docx is pinned in pyproject.toml).
    """
    moment = max(when.astimezone(UTC), ZIP_EPOCH)
    # ZIP stores seconds in two-second steps.
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second // 2 * 2)
    for part in package.parts:
        part.before_marshal()
    entries = _Entries()
    PackageWriter._write_content_types_stream(entries, package.parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, package.parts)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name, blob in entries.items:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, level = zip_method(name)
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, blob, compresslevel=level)
    return output.getvalue()


class _Entries:
    """Stands in for python-docx's zip writer: collects (member name, bytes) in the order it is given them."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, uri: PackURI, blob: bytes) -> None:
        self.items.append((uri.membername, blob))

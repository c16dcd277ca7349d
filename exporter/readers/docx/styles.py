"""Style and numbering definitions: what a paragraph is (heading, caption, quote, list item) comes from its
style's name and outline level, and whether a list is numbered from the numbering part."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from lxml import etree

from exporter.model import TASK_BOXES
from exporter.readers.docx.symbols import font_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def wval(element: etree._Element | None, attribute: str = "val") -> str | None:
    if element is None:
        return None
    return element.get(w(attribute))


def is_on(element: etree._Element | None) -> bool:
    """An OOXML on/off property: present without a value, or with true/1/on."""
    if element is None:
        return False
    value = element.get(w("val"))
    return value is None or value.lower() in ("true", "1", "on")


MONOSPACE_FONTS = {
    "courier new",
    "courier",
    "consolas",
    "menlo",
    "monaco",
    "lucida console",
    "liberation mono",
    "dejavu sans mono",
    "source code pro",
    "noto sans mono",
    "cascadia code",
    "cascadia mono",
}
CODE_STYLE_WORDS = ("verbatim", "code", "source")


@dataclass
class CharacterFormat:
    bold: bool = False
    italic: bool = False
    code: bool = False
    vert: str | None = None
    hidden: bool | None = None  # None: the style says nothing, the paragraph's style decides


@dataclass
class Style:
    style_id: str
    name: str
    kind: str
    based_on: str | None = None
    outline_level: int | None = None
    bold: bool | None = None
    italic: bool | None = None
    code: bool = False
    vert: str | None = None  # superscript | subscript | baseline
    num_id: str | None = None
    num_level: int | None = None
    hidden: bool | None = None  # w:vanish in the style's run properties: its text is hidden


@dataclass
class Styles:
    by_id: dict[str, Style] = field(default_factory=dict)
    default_language: str | None = None
    # The defaults' language of right-to-left (complex script) text (w:lang/@w:bidi).
    default_bidi_language: str | None = None

    @classmethod
    def parse(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
        styles.default_language = wval(defaults)
        styles.default_bidi_language = wval(defaults, "bidi")
        for element in root.iter(w("style")):
            style_id = element.get(w("styleId")) or ""
            name = wval(element.find(w("name"))) or style_id
            style = Style(style_id, name, element.get(w("type")) or "paragraph")
            style.based_on = wval(element.find(w("basedOn")))
            ppr = element.find(w("pPr"))
            if ppr is not None:
                level = wval(ppr.find(w("outlineLvl")))
                if level is not None and level.isdigit() and int(level) < 9:
                    style.outline_level = int(level) + 1
                num_pr = ppr.find(w("numPr"))
                if num_pr is not None:
                    style.num_id = wval(num_pr.find(w("numId")))
                    ilvl = wval(num_pr.find(w("ilvl")))
                    style.num_level = int(ilvl) if ilvl and ilvl.isdigit() else 0
            rpr = element.find(w("rPr"))
            if rpr is not None:
                if rpr.find(w("b")) is not None:
                    style.bold = is_on(rpr.find(w("b")))
                if rpr.find(w("i")) is not None:
                    style.italic = is_on(rpr.find(w("i")))
                fonts = rpr.find(w("rFonts"))
                font = (wval(fonts, "ascii") or wval(fonts, "hAnsi") or "").lower()
                style.code = font in MONOSPACE_FONTS
                style.vert = wval(rpr.find(w("vertAlign")))
                if rpr.find(w("vanish")) is not None:
                    style.hidden = is_on(rpr.find(w("vanish")))
            lowered = name.lower()
            if style.kind == "character" and any(word in lowered for word in CODE_STYLE_WORDS):
                style.code = True
            styles.by_id[style_id] = style
        return styles

    def chain(self, style_id: str | None) -> list[Style]:
        """The style and the styles it is based on, nearest first (cycles cut)."""
        found: list[Style] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            style_id = style.based_on
        return found

    def names(self, style_id: str | None) -> list[str]:
        """Lower-cased names along the chain, also the id (LibreOffice and Word sometimes differ in names)."""
        names: list[str] = []
        for style in self.chain(style_id):
            names.append(style.name.lower())
            names.append(style.style_id.lower())
        if style_id and not names:
            names.append(style_id.lower())
        return names

    def outline_level(self, style_id: str | None) -> int | None:
        for style in self.chain(style_id):
            if style.outline_level is not None:
                return style.outline_level
        return None

    def character_format(self, style_id: str | None) -> CharacterFormat:
        """What a character style (Strong, Emphasis, Verbatim Char, Footnote Reference ...) gives its runs."""
        found = CharacterFormat()
        for style in reversed(self.chain(style_id)):
            if style.bold is not None:
                found.bold = style.bold
            if style.italic is not None:
                found.italic = style.italic
            if style.vert is not None:
                found.vert = style.vert if style.vert in ("superscript", "subscript") else None
            found.code = found.code or style.code
            if style.hidden is not None:
                found.hidden = style.hidden
        return found

    def hidden(self, style_id: str | None) -> bool:
        """Whether a paragraph style hides its text (w:vanish in its run properties, or a style it is based on):
        its runs are hidden unless their character style or own formatting shows them."""
        for style in self.chain(style_id):
            if style.hidden is not None:
                return style.hidden
        return False

    def bold(self, style_id: str | None) -> bool:
        """Whether a paragraph style sets its text in bold (LibreOffice's "Table Heading", for instance)."""
        for style in self.chain(style_id):
            if style.bold is not None:
                return style.bold
        return False

    def list_of(self, style_id: str | None) -> tuple[str, int] | None:
        for style in self.chain(style_id):
            if style.num_id is not None:
                return style.num_id, style.num_level or 0
        return None


# Word's number formats (w:numFmt) that the model's number styles carry; "decimal" is the model's default.
NUMBER_STYLES = {
    "decimal": None,
    "lowerLetter": "lower-alpha",
    "upperLetter": "upper-alpha",
    "lowerRoman": "lower-roman",
    "upperRoman": "upper-roman",
}


@dataclass(frozen=True)
class ListLevel:
    ordered: bool
    start: int
    blank: bool = False  # no visible marker: the paragraph continues an item (pandoc's way), it is not one
    number_style: str | None = None  # the model's, None for decimal
    other_format: bool = False  # numbered in a format the model has no style for (01, 1st, one, 一): decimal
    task_box: str | None = None  # a bullet that is a ballot box (☐, ☑, ☒): the items are tasks, open or done
    worded: bool = False  # numbers with words around them ("Article %1.", "Section %1.%2"): the words are lost


class Numbering:
    """numId -> (level -> numbered or bulleted, start number), with `w:lvlOverride`'s start overrides and
    levels defined anew."""

    def __init__(self, root: etree._Element | None, styles: Styles | None = None) -> None:
        self._abstract: dict[str, dict[int, ListLevel]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._redefined: dict[str, dict[int, ListLevel]] = {}  # numId -> the levels its w:lvlOverride redefines
        if root is None:
            return
        borrowed: dict[str, str] = {}  # an abstract definition that takes a list style's levels -> the style
        defining: dict[str, str] = {}  # a list style -> the abstract definition that holds its levels
        for abstract in root.iter(w("abstractNum")):
            abstract_id = abstract.get(w("abstractNumId")) or ""
            if wval(abstract.find(w("numStyleLink"))):
                borrowed[abstract_id] = wval(abstract.find(w("numStyleLink"))) or ""
            if wval(abstract.find(w("styleLink"))):
                defining[wval(abstract.find(w("styleLink"))) or ""] = abstract_id
            levels: dict[int, ListLevel] = {}
            for lvl in abstract.iter(w("lvl")):
                index = lvl.get(w("ilvl"))
                if index is None or not index.isdigit():
                    continue
                levels[int(index)] = _list_level(lvl)
            self._abstract[abstract_id] = levels
        for num in root.iter(w("num")):
            overrides: dict[int, int] = {}
            redefined: dict[int, ListLevel] = {}
            for override in num.iter(w("lvlOverride")):
                index = override.get(w("ilvl"))
                if not index or not index.isdigit():
                    continue
                start = wval(override.find(w("startOverride")))
                if start and start.isdigit():
                    overrides[int(index)] = int(start)
                # A level the instance defines anew (its format, start, marker): it replaces the abstract one.
                if override.find(w("lvl")) is not None:
                    redefined[int(index)] = _list_level(override.find(w("lvl")))
            num_id = num.get(w("numId")) or ""
            self._nums[num_id] = (wval(num.find(w("abstractNumId"))) or "", overrides)
            self._redefined[num_id] = redefined
        self._follow_list_styles(borrowed, defining, styles)

    def _follow_list_styles(self, borrowed: dict[str, str], defining: dict[str, str], styles: Styles | None) -> None:
        """Word's list styles: a list that uses one (`w:numStyleLink`) has no levels of its own; they are the
        style's, in the abstract definition the style's own numbering (`w:numPr/w:numId`) uses, whose
        `w:styleLink` names the style. Its instances number as that definition's do, and count on with them."""
        for num_id, (abstract_id, overrides) in list(self._nums.items()):
            style_id = borrowed.get(abstract_id)
            if style_id is None:
                continue
            style = styles.by_id.get(style_id) if styles is not None else None
            target = self._nums.get(style.num_id or "", ("", {}))[0] if style is not None else ""
            if not target or target in borrowed:  # no numbering of its own, or one that borrows too
                target = defining.get(style_id, abstract_id)
            self._nums[num_id] = (target, overrides)

    def abstract_of(self, num_id: str) -> str:
        """The abstract definition a list instance uses: instances that share one count on together (Word's
        "continue numbering")."""
        abstract_id = self._nums.get(num_id, ("", {}))[0]
        return f"abstract {abstract_id}" if abstract_id else f"num {num_id}"

    def start_override(self, num_id: str, ilvl: int) -> int | None:
        """The number this instance restarts the level at, where it restarts it."""
        return self._nums.get(num_id, ("", {}))[1].get(ilvl)

    def level(self, num_id: str, ilvl: int) -> ListLevel:
        abstract_id, overrides = self._nums.get(num_id, ("", {}))
        level = self._redefined.get(num_id, {}).get(ilvl)
        if level is None:
            level = self._abstract.get(abstract_id, {}).get(ilvl, ListLevel(False, 1))
        if ilvl in overrides:
            return dataclasses.replace(level, start=overrides[ilvl])
        return level


def _list_level(lvl: etree._Element) -> ListLevel:
    """A level of a list definition (`w:lvl`): its number format, start and marker."""
    number_format = wval(lvl.find(w("numFmt"))) or "decimal"
    start_text = wval(lvl.find(w("start"))) or "1"
    start = int(start_text) if start_text.isdigit() else 1
    marker = wval(lvl.find(w("lvlText")))
    blank = number_format == "none" or (marker is not None and not marker.strip())
    ordered = number_format not in ("bullet", "none")
    return ListLevel(
        ordered,
        start,
        blank,
        NUMBER_STYLES.get(number_format),
        ordered and not blank and number_format not in NUMBER_STYLES,
        _task_box(lvl, marker) if number_format == "bullet" else None,
        ordered and not blank and bool(re.search(r"[^\W\d_]", re.sub(r"%\d", "", marker or ""))),
    )


def run_fonts(fonts: etree._Element | None) -> tuple[str, str]:
    """The fonts `w:rFonts` draws text in: ASCII in `w:ascii`, the rest in `w:hAnsi` (each standing in for the
    other when it is missing), as `symbols.font_text` takes them."""
    ascii_font = wval(fonts, "ascii") or wval(fonts, "hAnsi") or ""
    return ascii_font, wval(fonts, "hAnsi") or ascii_font


def _task_box(level: etree._Element, marker: str | None) -> str | None:
    """The ballot box a bullet level shows, if it shows one (pandoc writes task lists so; Word's check box
    bullets are Wingdings characters)."""
    shown, _ = font_text(*run_fonts(level.find(f"{w('rPr')}/{w('rFonts')}")), (marker or "").strip())
    return shown if shown in TASK_BOXES else None

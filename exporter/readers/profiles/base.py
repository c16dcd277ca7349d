"""What every page profile shares: the parsed page, text clean-up, and the HTML -> model conversion.

A profile only says *where* a platform keeps the headline, byline, date, body and figures; turning markup into
blocks and inlines is done here, the same way for every platform. Everything that leaves this module is plain
text inside model nodes: no markup, no script, no reference other than http(s)/mailto links and image URLs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from exporter.language_tags import primary_language
from exporter.model import (
    Block,
    BlockQuote,
    Code,
    Emphasis,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    RelatedLink,
    Span,
    Strong,
    Table,
    TableCell,
    TableRow,
    Text,
    check_language,
    is_virin,
    merge_text,
    normalize_virin,
    plain_text,
    without,
)
from exporter.readers.data_uri import decode_picture, is_data_uri

# Deeper markup than this is read as plain text: real articles nest a few dozen levels, hostile pages nest
# thousands, and the converter recurses.
MAX_DEPTH = 120
# Inline markup nested deeper than this (<em><span><em>...) is read as its text: outputs nest it as deeply.
MAX_INLINE_NESTING = 12

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# An ordered list's `type` attribute (case counts: "a" is a b c, "A" is A B C) as the model's number style.
HTML_LIST_TYPES = {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}
IMAGE_SCHEMES = frozenset({"http", "https"})

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "picture",
        "video",
        "audio",
        "iframe",
        "img",
    ]
)
# Never article content, whatever a page puts inside them.
CHROME_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "footer",
        "aside",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "label",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "map",
        "area",
        "link",
        "meta",
        "head",
        "title",
        "dialog",
        "menu",
    ]
)
# Class or id words that mark page chrome (share widgets, navigation, skip links, screen-reader-only helpers).
_CHROME_WORDS = re.compile(
    r"(?:^|[-_])(?:share|sharing|social|a2a|addtoany|breadcrumbs?|skip(?:nav|link)?|navbar|nav|menu|sidebar|"
    r"comments?|subscribe|newsletter|sr-only|screen-reader-text|visually-hidden|visuallyhidden|"
    r"edit-post-link|"
    r"cookie|advert|ads|print-button|pager|pagination|header_banner\w*|usa-banner|modal|tags?|tag-list|"
    r"social-icons?)(?:$|[-_])",
    re.IGNORECASE,
)
_WHITESPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Zero-width space, word joiner, byte-order mark, soft hyphen. The zero-width (non-)joiners stay: Persian and
# Indic words and emoji sequences are spelt with them.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")

# "(U.S. Air Force photo/Staff Sgt. Jane Doe)", "(Courtesy photo)", "(NASA/Bill Ingalls)": the credit a
# caption ends with. Only parentheses that name a photo, graphic, video or courtesy count.
_CREDIT_SUFFIX = re.compile(
    r"\s*\((?P<credit>[^()]*\b(?:photo|photograph|photos|graphic|illustration|image|video|courtesy|"
    r"screenshot|artwork|rendering)\b[^()]*)\)?\s*$",
    re.IGNORECASE,
)
_RELEASED_AFTER = re.compile(r"\s*\(released\)[\s,.]*$|(?<=\))[\s,.]+$", re.IGNORECASE)
_RELEASED_INSIDE = re.compile(r"\s*/\s*released\s*$", re.IGNORECASE)
_VIRIN_IN_NAME = re.compile(r"([0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}[A-Z]?(?:-[A-Z]{2})?)(?=\.[A-Za-z]{3,4}$|$)")

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TEXT_DATE = re.compile(
    r"\b(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
    r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b",
    re.IGNORECASE,
)
_MONTH_NAME = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "28 Jul 2011", "01 July 2016" (marines.mil, navy.mil) and "2009 October 5" (APOD).
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH_NAME}\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
_YEAR_MONTH_DAY = re.compile(rf"\b(?P<year>\d{{4}})\s+{_MONTH_NAME}\s+(?P<day>\d{{1,2}})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


# ---------------------------------------------------------------- text


def clean_text(value: str | None) -> str:
    """Mojibake repaired (ftfy), invisible characters dropped, whitespace collapsed; curly quotes kept."""
    if not value:
        return ""
    text = value
    if not text.isascii():
        text = fix_mojibake(text)
    text = _INVISIBLE.sub("", text)
    return _WHITESPACE.sub(" ", text)


def fix_mojibake(text: str) -> str:
    import ftfy

    fixed = ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        unescape_html=False,
        normalization="NFC",
    )
    return unicodedata.normalize("NFC", fixed)


def squash(value: str | None) -> str:
    """clean_text, trimmed."""
    return clean_text(value).strip()


def element_text(element: HtmlElement | None) -> str:
    """The visible text of an element, chrome (scripts, hidden helpers) excluded, whitespace normalised."""
    if element is None:
        return ""
    copy = deepcopy(element)
    copy.tail = None
    for node in list(copy.iterdescendants()):
        if isinstance(node.tag, str) and node.getparent() is not None and is_chrome(node):
            node.drop_tree()  # keeps the tail text, which belongs to the parent
    for line_break in copy.iter("br"):
        line_break.tail = " " + (line_break.tail or "")
    return squash("".join(text for text in copy.itertext() if isinstance(text, str)))


def is_chrome(element: HtmlElement) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in CHROME_TAGS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    words = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return any(_CHROME_WORDS.search(word) for word in words)


# ---------------------------------------------------------------- page


def either(*candidates: HtmlElement | None) -> HtmlElement | None:
    """The first candidate that exists. (`a or b` is wrong for elements: one without children is falsy.)"""
    return next((candidate for candidate in candidates if candidate is not None), None)


@dataclass
class Page:
    """A parsed page with what the importer knows about where it came from."""

    root: HtmlElement
    # The URL relative references resolve against: --source-url, else the canonical link/og:url. Never <base>.
    url: str | None
    # Saved with HTTrack: absolute URLs were rewritten to ../../host/path and must be turned back.
    mirrored: bool = False
    warnings: list[str] = field(default_factory=list)
    # The page's JSON-LD blocks, kept as text before scripts are removed (they are data, never run).
    json_ld_texts: list[str] = field(default_factory=list)
    # The names given to figures whose image the page holds only as a data: URI (stand_in_image), with the
    # picture it holds, or None for a lazy loader's placeholder or what is no picture.
    embedded_images: dict[str, bytes | None] = field(default_factory=dict)
    _json_ld: list[dict[str, Any]] | None = None

    def find(self, xpath: str, context: HtmlElement | None = None) -> HtmlElement | None:
        found = (context if context is not None else self.root).xpath(xpath)
        for item in found:
            if isinstance(item, HtmlElement):
                return item
        return None

    def find_all(self, xpath: str, context: HtmlElement | None = None) -> list[HtmlElement]:
        return [
            item
            for item in (context if context is not None else self.root).xpath(xpath)
            if isinstance(item, HtmlElement)
        ]

    def meta(self, *names: str) -> str | None:
        """A <meta> value by property or name; some sites (Drupal) put it in `value` instead of `content`."""
        for name in names:
            for element in self.root.iter("meta"):
                key = (element.get("property") or element.get("name") or "").strip().lower()
                if key == name.lower():
                    value = squash(element.get("content") or element.get("value"))
                    if value:
                        return value
        return None

    def json_ld(self) -> list[dict[str, Any]]:
        """Every object in the page's JSON-LD blocks (a @graph is flattened)."""
        if self._json_ld is None:
            objects: list[dict[str, Any]] = []
            for text in self.json_ld_texts:
                try:
                    data = json.loads(text)
                except (ValueError, RecursionError):
                    continue
                stack = data if isinstance(data, list) else [data]
                for item in stack:
                    if isinstance(item, dict):
                        objects.append(item)
                        graph = item.get("@graph")
                        if isinstance(graph, list):
                            objects.extend(entry for entry in graph if isinstance(entry, dict))
            self._json_ld = objects
        return self._json_ld

    # ------------------------------------------------------------ references

    def image_url(self, reference: str | None) -> str | None:
        """An image reference as a usable URL: absolute http(s) (http upgraded to https, which is all the
        exporter fetches), or a relative path when the page's own URL is unknown. javascript:, data:, file:
        and other schemes give None."""
        if not reference:
            return None
        value = squash(reference)
        if not value or any(ord(ch) < 32 for ch in value):
            return None
        value = self._unmirror(value)
        try:
            parts = urlsplit(value)
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if value.startswith("//"):
            value, scheme = "https:" + value, "https"
        elif not scheme and self.url:
            value = urljoin(self.url, value)
            scheme = urlsplit(value).scheme.lower()
        if scheme in IMAGE_SCHEMES:
            if scheme == "http":
                value = "https" + value[4:]
            return value
        if scheme:
            return None
        # No page URL to resolve against: keep only the file name, which `--images DIR` can supply; a path
        # climbing out of the page's folder would be refused by the confinement rule anyway.
        name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
        return name or None

    def stand_in_image(self, hint: str, uri: str) -> str:
        """A name for a figure whose image is a data: URI: made of its VIRIN or alt text (letters, digits and
        hyphens, so never a path), unique in the page. The picture the URI holds (a page saved by SingleFile
        holds its photos so) goes with the article as a DOCX's pictures do, never to a file; a placeholder
        leaves the name (`placeholder-...`, or the VIRIN's) to `--images DIR`."""
        picture = picture_in_data_uri(uri)
        stem = re.sub(r"[^A-Za-z0-9]+", "-", hint).strip("-")[:60].strip("-") or "photo"
        if not is_virin(stem):
            # A name no other file beside the page has by chance ("photo.jpg" would be any photo there).
            stem = stem.lower() if picture else f"placeholder-{stem.lower()}"
        suffix = f".{picture[1]}" if picture else ".jpg"
        name, number = stem + suffix, 1
        while name in self.embedded_images:
            number += 1
            name = f"{stem}-{number}{suffix}"
        self.embedded_images[name] = picture[0] if picture else None
        return name

    def link_url(self, reference: str | None) -> str | None:
        """A link readers may follow: http(s) or mailto; relative ones resolve against the page URL."""
        if not reference:
            return None
        value = reference.strip()
        if not value or any(ord(ch) < 32 for ch in value) or value.startswith("#"):
            return None
        value = self._unmirror(value)
        try:
            scheme = urlsplit(value).scheme.lower()
        except ValueError:
            return None
        if value.startswith("//"):
            value, scheme = "https:" + value, "https"
        elif not scheme:
            if not self.url:
                return None
            value = urljoin(self.url, value)
            scheme = urlsplit(value).scheme.lower()
        return value if scheme in LINK_SCHEMES else None

    def _unmirror(self, value: str) -> str:
        """HTTrack saves `https://media.defense.gov/x.jpg` as `../../media.defense.gov/x.jpg`: undo that."""
        if not self.mirrored or urlsplit(value).scheme:
            return value
        parts = [part for part in value.split("/") if part not in ("..", ".", "")]
        if (
            parts
            and re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", parts[0], re.IGNORECASE)
            and not re.search(r"\.(?:html?|aspx?|php|jpe?g|png|gif)$", parts[0], re.IGNORECASE)
        ):
            return "http://" + "/".join(parts)
        return value


# ---------------------------------------------------------------- metadata helpers


def iso_date(value: str | None) -> str | None:
    """An ISO 8601 date from what pages show: ISO stamps are kept, 'July 23, 2015' becomes 2015-07-23."""
    text = squash(value)
    if not text:
        return None
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if _ISO_DATE.match(candidate):
        try:
            if len(candidate) == 10:
                datetime.strptime(candidate, "%Y-%m-%d")
            else:
                datetime.fromisoformat(candidate.replace("Z", "+00:00"))
            return candidate
        except ValueError:
            return None
    match = _TEXT_DATE.search(text) or _DAY_MONTH_YEAR.search(text) or _YEAR_MONTH_DAY.search(text)
    if not match:
        return None
    month = _MONTHS[match.group("month").lower().rstrip(".")]
    try:
        return datetime(int(match.group("year")), month, int(match.group("day"))).date().isoformat()
    except ValueError:
        return None


def valid_language(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return check_language(value.strip().replace("_", "-"))
    except ValueError:
        return None


def split_credit(caption: str) -> tuple[str, str | None]:
    """'... at the base. (U.S. Air Force photo/Jane Doe)' -> ('... at the base.',
    'U.S. Air Force photo/Jane Doe'). A release marker after the credit ('/Released', '(Released)') is not part
    of it."""
    match = _CREDIT_SUFFIX.search(_RELEASED_AFTER.sub("", caption))
    if not match:
        return caption, None
    credit = _RELEASED_INSIDE.sub("", squash(match.group("credit")))
    return caption[: match.start()].rstrip(), credit or None


def virin_from_reference(reference: str | None) -> str | None:
    """A VIRIN named by an image file (`.../150523-F-ZL078-838.JPG`), else None."""
    if not reference:
        return None
    name = unquote(urlsplit(reference).path.rstrip("/").rsplit("/", 1)[-1])
    match = _VIRIN_IN_NAME.search(name)
    if match and is_virin(match.group(1)):
        return normalize_virin(match.group(1))
    return None


def clean_virin(value: str | None) -> str | None:
    text = squash(value)
    text = re.sub(r"^VIRIN:?\s*", "", text, flags=re.IGNORECASE)
    return normalize_virin(text) if text and is_virin(text) else None


def image_source(image: HtmlElement) -> str | None:
    """The best image URL an <img> offers: the largest srcset candidate, lazy-loading attributes, then src."""
    srcset = image.get("srcset") or image.get("data-srcset")
    best: tuple[float, str] | None = None
    if srcset:
        for candidate in srcset.split(","):
            bits = candidate.strip().split()
            if not bits:
                continue
            weight = 0.0
            if len(bits) > 1 and bits[1][:-1].replace(".", "", 1).isdigit():
                weight = float(bits[1][:-1])
            if best is None or weight > best[0]:
                best = (weight, bits[0])
    embedded = None
    for attribute in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (image.get(attribute) or "").strip()
        if is_data_uri(value):
            embedded = embedded or value
        elif value:
            return value
    # An image held only inside the page (SingleFile's copy, a lazy loader's placeholder) last: new_figure keeps
    # the figure under a stand-in name rather than decode it.
    return best[1] if best else embedded


# Lazy loaders' placeholders are a pixel or a blurred thumbnail a few dozen pixels wide: no figure's picture.
_PLACEHOLDER_EDGE = 64


def picture_in_data_uri(uri: str) -> tuple[bytes, str] | None:
    """The bytes of the picture a data: URI holds and its file suffix, when Pillow reads them as a picture
    larger than a placeholder; None otherwise (an SVG, a pixel, a URI past the image size limit)."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        data, suffix = decode_picture(uri)
        with Image.open(io.BytesIO(data)) as picture:
            size = picture.size
    except (ValueError, UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    return (data, suffix) if max(size) >= _PLACEHOLDER_EDGE else None


# ---------------------------------------------------------------- body conversion


class Converter:
    """HTML content -> model blocks. `special` lets a profile claim elements (figures, chrome) first."""

    def __init__(self, page: Page, profile: Any) -> None:
        self.page = page
        self.profile = profile
        self._last_heading = 1
        # Elements the profile left out on purpose (its `special` gave no blocks): not text the reader lost.
        self.dropped: set[HtmlElement] = set()

    # ------------------------------------------------------------ blocks

    def blocks(self, container: HtmlElement, depth: int = 0) -> list[Block]:
        result: list[Block] = []
        pending: list[Inline] = []

        def flush() -> None:
            nonlocal pending
            for paragraph in split_paragraphs(pending):
                result.extend(self.bold_subhead(paragraph))
            pending = []

        if depth > MAX_DEPTH:
            text = squash(" ".join(container.itertext()))
            return [Paragraph(children=[Text(text=text)])] if text else []

        if container.text:
            append_text(pending, container.text)
        for child in container:
            if not isinstance(child.tag, str):  # comments, processing instructions
                if child.tail:
                    append_text(pending, child.tail)
                continue
            tag = child.tag.lower()
            if tag == "br":
                pending.append(LineBreak())
            elif (claimed := self._claimed(child)) is not None:
                if claimed:
                    flush()
                    result.extend(claimed)
            elif is_chrome(child):
                pass
            elif tag == "img" and running_text(container):
                # An image inside running text (an icon, a tracking pixel, an emoji picture) is not a figure.
                self.page.warnings.append("an image inside running text (an icon or pixel) was left out")
            elif tag in BLOCK_TAGS:
                flush()
                result.extend(self.block(child, depth + 1))
            elif child.find(".//img") is not None and not squash(child.text_content()):
                # An image alone in a link or span (<a href=...><img></a>) is a figure, not running text.
                flush()
                for image in child.iter("img"):
                    result.extend(self.profile.figure(image, self))
            else:
                pending.extend(self.inline(child, depth + 1, links=True))
            if child.tail:
                append_text(pending, child.tail)
        flush()
        return result

    def bold_subhead(self, paragraph: Paragraph) -> list[Block]:
        """Older CMS pages mark subheads as a bold line: `<strong>Mission</strong><br>Text...` or a paragraph
        that is only bold. Such a line (short, no final punctuation) becomes a heading, so outputs tag it."""
        children = paragraph.children
        if not children or not isinstance(children[0], Strong):
            return [paragraph]
        label = plain_text(children[0].children).strip()
        rest = children[1:]
        if rest and not isinstance(rest[0], LineBreak):
            return [paragraph]  # bold run-in text such as a dateline: not a subhead
        if not label or len(label) > 80 or label.endswith((".", ",", ";", ":", "!", "?", "-", "—")):
            return [paragraph]
        if "\n" in label or re.match(r"(?i)by\s", label) or iso_date(label):
            return [paragraph]  # a bold byline or date line, not a section title
        level = self._last_heading if self._last_heading >= 2 else 2
        self._last_heading = level
        heading = Heading(level=level, children=trim_inlines(list(children[0].children)))
        remainder = make_paragraph(rest[1:]) if rest else None
        return [heading, remainder] if remainder is not None else [heading]

    def _claimed(self, element: HtmlElement) -> list[Block] | None:
        claimed = self.profile.special(element, self)
        if claimed == []:
            self.dropped.add(element)
        return claimed

    def block(self, element: HtmlElement, depth: int) -> list[Block]:
        tag = element.tag.lower()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self.heading(element, depth)
        if tag == "p":
            return self.blocks(element, depth)
        if tag in ("ul", "ol"):
            return self.list_block(element, depth)
        if tag == "blockquote":
            children = self.blocks(element, depth)
            return [BlockQuote(children=children)] if children else []
        if tag == "table":
            return self.table(element, depth)
        if tag in ("figure", "picture"):
            return self.profile.figure(element, self)
        if tag == "img":
            return self.profile.figure(element, self)
        if tag in ("video", "audio"):
            media = self.profile.media(element, self)
            return [media] if media else []
        if tag == "hr":
            return []
        if tag == "pre":
            lines = "".join(element.itertext()).strip("\n").split("\n")
            children: list[Inline] = []
            for number, line in enumerate(lines):
                if number:
                    children.append(LineBreak())
                children.append(Code(text=fix_mojibake(line) if not line.isascii() else line))
            return [Paragraph(children=children)] if any(line.strip() for line in lines) else []
        if tag == "dl":
            return self.blocks(element, depth)
        return self.blocks(element, depth)

    def heading(self, element: HtmlElement, depth: int) -> list[Block]:
        children = trim_inlines(self.inlines_of(element, depth, links=True))
        if not plain_text(children).strip():
            return []
        level = int(element.tag[1])
        # Level 1 is the title; levels may not skip (h2 -> h4 becomes h2 -> h3).
        level = max(2, min(level, self._last_heading + 1))
        self._last_heading = level
        return [Heading(level=level, children=children)]

    def list_block(self, element: HtmlElement, depth: int) -> list[Block]:
        items: list[list[Block]] = []
        for item in element:
            if not isinstance(item.tag, str) or item.tag.lower() != "li" or is_chrome(item):
                continue
            content = self.blocks(item, depth + 1)
            if content:
                items.append(content)
        if not items:
            return []
        ordered = element.tag.lower() == "ol"
        start = None
        if ordered and (element.get("start") or "").strip().isdigit():
            start = int(element.get("start"))
        number_style = HTML_LIST_TYPES.get((element.get("type") or "").strip()) if ordered else None
        return [ListBlock(ordered=ordered, start=start, number_style=number_style, items=items)]

    def table(self, element: HtmlElement, depth: int) -> list[Block]:
        rows = [row for row in element.iter("tr") if _nearest(row, "table") is element]
        # Layout tables (cells holding paragraphs, images or other tables) are read as their content.
        for row in rows:
            for cell in row:
                if isinstance(cell.tag, str) and any(
                    isinstance(node.tag, str)
                    and node.tag in ("table", "p", "div", "img", "figure", "ul", "ol")
                    for node in cell.iterdescendants()
                ):
                    return self.blocks(element, depth)
        head: list[TableRow] = []
        body: list[TableRow] = []
        for row in rows:
            cells = []
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                cells.append(
                    TableCell(
                        header=cell.tag == "th",
                        children=trim_inlines(self.inlines_of(cell, depth + 1, links=True)),
                        colspan=_positive_int(cell.get("colspan")),
                        rowspan=_positive_int(cell.get("rowspan")),
                    )
                )
            if not cells:
                continue
            in_head = _nearest(row, "thead") is not None
            (head if in_head else body).append(TableRow(cells=cells))
        if not body:
            body, head = head, []
        if not body:
            return []
        caption_element = next((c for c in element if isinstance(c.tag, str) and c.tag == "caption"), None)
        caption = (
            trim_inlines(self.inlines_of(caption_element, depth + 1)) if caption_element is not None else []
        )
        return [Table(caption=caption, head=head, rows=body)]

    # ------------------------------------------------------------ inlines

    def inlines_of(
        self,
        element: HtmlElement | None,
        depth: int = 0,
        *,
        links: bool = True,
        level: int = 0,
    ) -> list[Inline]:
        """The inline content of an element (its text and children), without its tail."""
        if element is None:
            return []
        result: list[Inline] = []
        if depth > MAX_DEPTH or level > MAX_INLINE_NESTING:
            append_text(result, " ".join(element.itertext()))
            return result
        if element.text:
            append_text(result, element.text)
        for child in element:
            if isinstance(child.tag, str) and not is_chrome(child) and child not in self.profile.skip:
                result.extend(self.inline(child, depth + 1, links, level))
            if child.tail:
                append_text(result, child.tail)
        return merge_text(result)

    def inline(self, element: HtmlElement, depth: int, links: bool, level: int = 0) -> list[Inline]:
        tag = element.tag.lower()
        if tag == "br":
            return [LineBreak()]
        if tag in ("img", "picture", "video", "audio", "figure"):
            return []
        children = self.inlines_of(element, depth, links=links, level=level + 1)
        if tag in ("em", "i", "cite", "dfn", "var"):
            return outside_spaces(Emphasis(children=children)) if plain_text(children).strip() else children
        if tag in ("strong", "b"):
            return outside_spaces(Strong(children=children)) if plain_text(children).strip() else children
        if tag in ("code", "kbd", "samp", "tt"):
            text = squash(" ".join(element.itertext()))
            return [Code(text=text)] if text else []
        if tag == "a":
            href = self.page.link_url(element.get("href")) if links else None
            if href and plain_text(children).strip():
                title = squash(element.get("title")) or None
                return [Link(href=href, title=title, children=merge_text(without(Link, children)))]
            return children
        lang = valid_language(element.get("lang") or element.get("xml:lang"))
        if (
            lang
            and plain_text(children).strip()
            and primary_language(lang) != primary_language(self.profile.language)
        ):
            return [Span(lang=lang, children=children)]
        return children

    # ------------------------------------------------------------ figures

    def caption_inlines(self, element: HtmlElement | None) -> list[Inline]:
        return trim_inlines(self.inlines_of(element, links=True)) if element is not None else []


def outside_spaces(node: Emphasis | Strong) -> list[Inline]:
    """`<b>DATELINE -- </b>Text`, `<i>line<br></i>`: spaces and line breaks at the edges of emphasis belong outside
    it (they look the same, and Markdown can only close emphasis that does not end in a space or a break)."""
    children = list(node.children)
    before: list[Inline] = []
    after: list[Inline] = []
    while children:
        first = children[0]
        if isinstance(first, LineBreak):
            before.append(children.pop(0))
        elif isinstance(first, Text) and first.text[:1].isspace():
            children[0] = Text(text=first.text.lstrip())
            before.append(Text(text=" "))
        elif isinstance(first, Text) and not first.text:
            children.pop(0)
        else:
            break
    while children:
        last = children[-1]
        if isinstance(last, LineBreak):
            after.insert(0, children.pop())
        elif isinstance(last, Text) and last.text[-1:].isspace():
            children[-1] = Text(text=last.text.rstrip())
            after.insert(0, Text(text=" "))
        elif isinstance(last, Text) and not last.text:
            children.pop()
        else:
            break
    return [*before, node.model_copy(update={"children": children}), *after] if children else before + after


def running_text(container: HtmlElement) -> bool:
    """Whether a paragraph holds text besides its images (so an image in it is inline, not a figure)."""
    tag = container.tag.lower() if isinstance(container.tag, str) else ""
    return tag in ("p", "li", "td", "th", "dd", "figcaption") and bool(squash(container.text_content()))


def _nearest(element: HtmlElement, tag: str) -> HtmlElement | None:
    for ancestor in element.iterancestors():
        if isinstance(ancestor.tag, str) and ancestor.tag == tag:
            return ancestor
    return None


def _positive_int(value: str | None) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), 1000)


def append_text(result: list[Inline], text: str) -> None:
    cleaned = clean_text(text)
    if not cleaned:
        return
    if result and isinstance(result[-1], Text):
        if result[-1].text.endswith(" "):
            cleaned = cleaned.lstrip(" ")  # "a <img> b": one space, not two
        result[-1] = Text(text=result[-1].text + cleaned)
    else:
        result.append(Text(text=cleaned))


def trim_inlines(nodes: list[Inline]) -> list[Inline]:
    """Collapse doubled spaces across nodes, drop leading/trailing whitespace and line breaks."""
    nodes = merge_text(nodes)
    while nodes and (
        isinstance(nodes[0], LineBreak) or (isinstance(nodes[0], Text) and not nodes[0].text.strip())
    ):
        nodes = nodes[1:]
    while nodes and (
        isinstance(nodes[-1], LineBreak) or (isinstance(nodes[-1], Text) and not nodes[-1].text.strip())
    ):
        nodes = nodes[:-1]
    if not nodes:
        return []
    nodes = list(nodes)
    _strip_edge(nodes, 0, leading=True)
    _strip_edge(nodes, len(nodes) - 1, leading=False)
    previous_space = False
    cleaned: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            text = node.text
            if previous_space:
                text = text.lstrip(" ")
            if not text:
                continue
            previous_space = text.endswith(" ")
            cleaned.append(Text(text=text))
        elif isinstance(node, LineBreak):
            if cleaned and isinstance(cleaned[-1], Text):
                cleaned[-1] = (
                    Text(text=cleaned[-1].text.rstrip(" ")) if cleaned[-1].text.rstrip(" ") else cleaned[-1]
                )
            cleaned.append(node)
            previous_space = True
        else:
            cleaned.append(node)
            previous_space = plain_text([node]).endswith(" ")
    return cleaned


def _strip_edge(nodes: list[Inline], index: int, *, leading: bool) -> None:
    node = nodes[index]
    if isinstance(node, Text):
        text = node.text.lstrip() if leading else node.text.rstrip()
        nodes[index] = Text(text=text)
    elif isinstance(node, Emphasis | Strong | Span | Link) and node.children:
        children = list(node.children)
        _strip_edge(children, 0 if leading else len(children) - 1, leading=leading)
        children = [child for child in children if not (isinstance(child, Text) and not child.text)]
        nodes[index] = node.model_copy(update={"children": children})


def split_paragraphs(inlines: list[Inline]) -> list[Paragraph]:
    """Paragraphs from a run of inlines: two line breaks in a row (<br><br>) end a paragraph."""
    paragraphs: list[Paragraph] = []
    current: list[Inline] = []
    breaks = 0
    for node in inlines:
        if isinstance(node, LineBreak):
            breaks += 1
            if breaks == 2:
                paragraph = make_paragraph(current)
                if paragraph is not None:
                    paragraphs.append(paragraph)
                current = []
                continue
        elif isinstance(node, Text) and not node.text.strip():
            pass  # whitespace between two <br> still makes a blank line
        else:
            breaks = 0
        if breaks < 2:
            current.append(node)
    paragraph = make_paragraph(current)
    if paragraph is not None:
        paragraphs.append(paragraph)
    return paragraphs


def make_paragraph(inlines: list[Inline]) -> Paragraph | None:
    children = trim_inlines(inlines)
    if not plain_text(children).strip():
        return None
    return Paragraph(children=children)


def related_links(page: Page, container: HtmlElement | None, limit: int = 20) -> list[RelatedLink]:
    if container is None:
        return []
    found: list[RelatedLink] = []
    seen: set[str] = set()
    for anchor in container.iter("a"):
        url = page.link_url(anchor.get("href"))
        title = element_text(anchor) or squash(anchor.get("title"))
        if not url or not title or url in seen or url.startswith("mailto:"):
            continue
        seen.add(url)
        found.append(RelatedLink(title=title, url=url))
        if len(found) >= limit:
            break
    return found


def new_figure(
    page: Page,
    *,
    image: str | None,
    alt: str | None,
    title: str | None = None,
    caption: list[Inline] | None = None,
    credit: str | None = None,
    virin: str | None = None,
    fallback_image: str | None = None,
) -> Figure | None:
    """A figure from what the markup offers; the VIRIN falls back to the image's file name. A figure with alt text
    or a caption whose image the page holds only as a data: URI gets a name (Page.stand_in_image)."""
    caption = caption or []
    url = page.image_url(image) or page.image_url(fallback_image)
    virin = clean_virin(virin) or virin_from_reference(url) or virin_from_reference(fallback_image)
    alt_text = squash(alt) if alt is not None else None
    if not url and is_data_uri(image) and (alt_text or plain_text(caption).strip()):
        url = page.stand_in_image(virin or alt_text or squash(title) or plain_text(caption), image or "")
    if not url:
        return None
    return Figure(
        image=url,
        alt=alt_text or None,
        title=squash(title) or None,
        caption=caption,
        credit=squash(credit) or None,
        virin=virin,
    )


def separate_credit(caption: list[Inline], credit: str | None) -> tuple[list[Inline], str | None]:
    """Move a trailing '(U.S. Air Force photo/NAME)' from the caption into the credit."""
    if not caption or not isinstance(caption[-1], Text):
        return caption, credit
    text, found = split_credit(caption[-1].text)
    if found is None:
        return caption, credit
    head = [*caption[:-1], Text(text=text)] if text else list(caption[:-1])
    return trim_inlines(head), credit or found

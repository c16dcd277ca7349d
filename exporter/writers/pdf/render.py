"""Model -> print HTML -> WeasyPrint (tagged PDF) with every file read through the input's confinement."""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from exporter.confine import MAX_IMAGE_FILE_BYTES, Confinement
from exporter.errors import ExportError
from exporter.i18n import gettext
from exporter.identity import document_uuid
from exporter.images import ProcessedImage
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.provenance import ProvenanceView, provenance_view
from exporter.resources import fonts_dir
from exporter.writers.base import IMAGE_EDGES, RenderContext
from exporter.writers.html import SERVED_IMAGE_SCHEME, ImageLinks
from exporter.writers.pdf.placement import article_first_pages, placed
from exporter.writers.pdf.tagging import TagRecording, recording
from exporter.writers.templating import Numbering, body_arguments, font_faces, render_template

# Longest edge for photos in the PDF (2000 px): a full text-width image at 300 dpi on US Letter.
MAX_IMAGE_EDGE = IMAGE_EDGES["pdf"]
RUNNING_TITLE_LENGTH = 60
PAGE_SIZES = {"letter": "letter", "a4": "A4"}
# Public Sans and Merriweather are used for Latin only. Public Sans also has a few Greek letters (π as a math
# sign): without this limit a Greek word would switch fonts mid-word. Everything else falls back to Noto Serif
# (Greek and Cyrillic, in serif text) or Noto Sans.
LATIN_RANGES = (
    "U+0000-024F, U+0259, U+02B0-02FF, U+0300-036F, U+1E00-1EFF, U+2000-206F, U+20A0-20CF, U+2100-2122"
)


def _parse_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    for part in text.split(","):
        low, _, high = part.strip().removeprefix("U+").partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


@cache
def latin_range_of(font_file: str) -> str:
    """The unicode-range a Latin face may claim: LATIN_RANGES, less what the font has no glyph for. (A range
    that claims a character the font lacks makes the engine draw .notdef instead of falling back.)"""
    from fontTools.ttLib import TTFont

    with TTFont(fonts_dir() / font_file, lazy=True) as font:
        has = set(font.getBestCmap() or {})
    points = sorted(p for low, high in _parse_ranges(LATIN_RANGES) for p in range(low, high + 1) if p in has)
    runs: list[list[int]] = []
    for point in points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{low:04X}" if low == high else f"U+{low:04X}-{high:04X}" for low, high in runs)


@dataclass
class RenderedPdf:
    data: bytes
    recording: TagRecording
    html: str
    pages: int
    article_pages: list[int] = field(default_factory=list)  # the first page of each article


def short_title(title: str, limit: int = RUNNING_TITLE_LENGTH) -> str:
    """The running title: the headline cut at a word boundary, with an ellipsis when cut."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return (cut or title[:limit]) + "…"


def css_string(text: str) -> Markup:
    """Text for the inside of a double-quoted CSS string; `<` escaped too, so it can never close <style>."""
    escaped = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\{ord(char):X} ")
        else:
            escaped.append(char)
    return Markup("".join(escaped))


def page_label(language: str) -> Markup:
    """CSS `content` for the page number: the translated "Page %(number)s" around counter(page)."""
    before, _, after = gettext(language, "Page %(number)s", number="\x00").partition("\x00")
    parts = [f'"{css_string(before)}"' if before else "", "counter(page)"]
    if after:
        parts.append(f'"{css_string(after)}"')
    return Markup(" ".join(part for part in parts if part))


def style_sheet(css: str) -> Markup:
    """CSS goes into <style> as is (HTML escaping would corrupt quotes); refuse anything that could end it."""
    if re.search(r"</", css):
        raise ExportError("internal error: generated CSS contains '</'")
    return Markup(css)


def article_prefix(index: int) -> str:
    """The prefix of everything named inside a packet's article (1-based index): its element ids, heading
    anchors, and (in the merged PDF) its structure element IDs."""
    return f"article-{index}-"


@dataclass
class PacketEntry:
    """One article of a packet as the templates see it: its provenance view (with the article's anchor
    prefix), its running title, its language when it differs from the packet's (else None), and in the
    contents the number of its first page."""

    article: Article
    view: ProvenanceView
    running_title: str
    lang: str | None
    first_page: int = 0

    @property
    def element_id(self) -> str:
        """The id of the article's element (its anchor prefix without the trailing hyphen)."""
        return self.view.anchor_prefix.rstrip("-")

    @property
    def target(self) -> str:
        """The fragment the contents entry points at: the article's headline."""
        return f"#{self.view.anchor_prefix}title"


def packet_entry(article: Article, index: int, packet_language: str, first_page: int = 0) -> PacketEntry:
    lang = article.language if article.language.lower() != packet_language.lower() else None
    view = provenance_view(article, article_prefix(index))
    return PacketEntry(article, view, short_title(article.title), lang, first_page)


def print_css(
    options: BuildOptions,
    language: str,
    *,
    running_title: str = "",
    packet: bool = False,
    furniture: bool = True,
    running_titles: list[tuple[str, str]] | None = None,
    first_page_number: int | None = None,
) -> Markup:
    """The shared article CSS followed by the print rules. `running_title`: a packet's title in the top margin,
    which each article replaces with its own (`running_titles`: element id and title, set by CSS string-set on
    that element). A single article's running title is set in its HTML (pdf/article.html.j2), so that its print
    CSS is the same for every article and is parsed once per process (shared_stylesheet). `furniture`: page
    numbers and running titles in the margins (a packet's article, rendered on its own, has none: the merge lays
    the packet's under it). `first_page_number`: the page furniture of a packet's article pages, numbered on from
    there."""
    faces = [
        {**face, "unicode_range": latin_range_of(face["file"]) if face["latin_only"] else None}
        for face in font_faces(lambda name: (fonts_dir() / name).as_uri())
    ]
    # The shared CSS without its @font-face rules: print.css.j2 declares the same faces with unicode-range.
    css = render_template("css/article.css.j2", language, font_faces=[])
    css += "\n" + render_template(
        "pdf/print.css.j2",
        language,
        page_size=PAGE_SIZES[options.page_size],
        running_title=css_string(short_title(running_title)),
        page_label=page_label(language),
        archive=options.pdf_profile == "archive",
        packet=packet,
        furniture=furniture,
        article_running_titles=[(element_id, css_string(title)) for element_id, title in running_titles or []],
        first_page_number=first_page_number,
        font_faces=faces,
    )
    return style_sheet(css)


def article_html(context: RenderContext, article: Article, links: ImageLinks) -> str:
    language = article.language
    numbering = Numbering([article])
    return render_template(
        "pdf/article.html.j2",
        language,
        article=article,
        view=provenance_view(article),
        css=print_css(context.options, language),
        running_title=css_string(short_title(article.title)),
        **_body_arguments(links, numbering),
    )


def print_image_links(context: RenderContext) -> ImageLinks:
    """A print document's images, processed once and handed to WeasyPrint by its fetcher (`render_pdf`'s
    `images`, the links' `served`): the renderer never opens the original files."""
    return ImageLinks(context, "", serve=True, max_edge=MAX_IMAGE_EDGE)


def _body_arguments(links: ImageLinks, numbering: Numbering, heading_offset: int = 0) -> dict:
    """What the article body templates (blocks.j2) need in a print document: images, anchors, numbers."""
    return body_arguments("pdf", numbering, links.src, links.size, lambda figure: decorative_ratio(links, figure),
                          heading_offset)


def packet_part_html(
    context: RenderContext,
    article: Article,
    *,
    index: int,
    figures_before: int,
    tables_before: int,
    packet_language: str,
    links: ImageLinks,
) -> str:
    """One article of a packet (1-based `index`) as a print document of its own, rendered in the article's
    language inside a document in the packet's: its headings one level down (heading_offset=1) under the
    packet's H1, its figures and tables numbered on from `figures_before` and `tables_before`, its ids
    prefixed as in the packet. Its style sheet, the same for every article of the packet, is apart:
    packet_part_css."""
    entry = packet_entry(article, index, packet_language)
    numbering = Numbering(
        [article], [entry.view.anchor_prefix], figures_before=figures_before, tables_before=tables_before
    )
    return render_template(
        "pdf/packet-article.html.j2",
        article.language,
        article=article,
        entry=entry,
        packet_language=packet_language,
        **_body_arguments(links, numbering, heading_offset=1),
    )


def packet_part_css(options: BuildOptions, packet_language: str) -> str:
    """The style sheet of every article of a packet (no page furniture: the merge lays the packet's under it)."""
    return str(print_css(options, packet_language, packet=True, furniture=False))


def packet_front_html(
    options: BuildOptions, packet: Packet, first_pages: list[int], logo_src: str | None = None
) -> str:
    """The packet's cover and contents; `first_pages`: the number of each article's first page; `logo_src`:
    the cover's logo, when the packet has one."""
    language = packet.language
    entries = [
        packet_entry(article, index, language, first_page)
        for index, (article, first_page) in enumerate(zip(packet.articles, first_pages, strict=True), start=1)
    ]
    return render_template(
        "pdf/packet.html.j2",
        language,
        packet=packet,
        entries=entries,
        css=print_css(options, language, running_title=packet.title, packet=True),
        logo_src=logo_src,
        xhtml=False,  # its fixed text says its language with blocks.j2's macros
    )


def packet_furniture_html(
    options: BuildOptions, language: str, title: str, first_page: int, articles: list[tuple[str, str, int]]
) -> str:
    """Page numbers and running titles for a run of a packet's article pages, the first numbered `first_page`:
    for each article (element id, running title, pages), that many empty pages."""
    css = print_css(
        options,
        language,
        running_title=title,
        packet=True,
        running_titles=[(element_id, running) for element_id, running, _ in articles],
        first_page_number=first_page,
    )
    return render_template(
        "pdf/packet-furniture.html.j2",
        language,
        lang=language,
        title=title,
        css=css,
        articles=[(element_id, pages) for element_id, _, pages in articles],
    )


def decorative_ratio(links: ImageLinks, figure) -> str:
    """blocks.j2 writes `aspect-ratio: <this>` in the decorative image's style. WeasyPrint 70 ignores
    aspect-ratio, so a padding-top percentage (of the width) follows it and gives the box its height."""
    size = links.size(figure)
    if size is None or not size[0]:
        return "auto"
    width, height = size
    return f"{width} / {height}; padding-top: {height / width * 100:.4f}%"


def pdf_identifier(document: Article | Packet) -> bytes:
    """Stable /ID: the document's UUID v5 (hex, as WeasyPrint writes the identifier as a string)."""
    return document_uuid(document).hex.encode("ascii")


def confined_fetcher(confinement: Confinement, served: Mapping[str, ProcessedImage] | None = None):
    """A WeasyPrint URL fetcher that reads only the document's processed images (`served`, ImageLinks.served),
    files inside the confinement, data: URLs, and the network only when --allow-network is on (through
    Confinement.fetch: https, size and time limits)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == SERVED_IMAGE_SCHEME:
                image = (served or {}).get(url)
                if image is None:
                    raise ValueError(f"{url}: not an image of this document")
                return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                try:
                    path = confinement.local_path(url, Path("/"))
                except ExportError as error:
                    raise ValueError(error.problem) from None
                try:
                    data = confinement.read(path, MAX_IMAGE_FILE_BYTES, "files")
                except ExportError as error:
                    raise ValueError(error.problem) from None
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": media_type})
            if scheme in ("http", "https"):
                data = confinement.fetch(url)  # raises when the network is off
                media_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": media_type})
            raise ValueError(f"{url}: {scheme}: URLs are not fetched")

    return ConfinedFetcher(fail_on_errors=False)


class _WeasyPrintErrors(logging.Handler):
    """WeasyPrint logs (rather than raises) problems such as an image without alt text; collect them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_untagged_pdf(html: str, options: BuildOptions) -> bytes:
    """A print document that is all page furniture (a packet's page numbers and running titles): untagged, the
    merge marks all of it as a pagination artifact. Only the bundled fonts are read."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=fonts_dir().as_uri() + "/", url_fetcher=fonts_only())
    # PDF/A-3b: what PDF/A asks of fonts and colour, without tagging (the packet claims PDF/A-3a as a whole).
    return document.write_pdf(pdf_variant="pdf/a-3b" if options.pdf_profile == "archive" else None)


@lru_cache(maxsize=2)
def shared_stylesheet(css: str) -> tuple[Any, Any]:
    """A style sheet that many documents of a process use (a packet's articles), parsed once, with the fonts it
    declares: WeasyPrint's CSS and FontConfiguration are made to be reused, and the output stays the same.
    Only the bundled fonts are read for it."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheet = weasyprint.CSS(string=css, base_url=fonts_dir().as_uri() + "/", url_fetcher=fonts_only(), font_config=fonts)
    return sheet, fonts


def take_style_elements(root) -> list[str]:
    """The text of each of the document's `<style>` elements, which are removed from it (our templates put the
    print CSS in the first, with nothing that has a URL but the bundled fonts, and per-document rules after)."""
    parents = {child: parent for parent in root.iter() for child in parent}
    styles = [element for element in root.iter() if element.tag == "style"]
    for element in styles:
        parents[element].remove(element)
    return [element.text or "" for element in styles] or [""]


def fonts_only():
    """A URL fetcher for documents that need nothing but the bundled fonts."""
    return confined_fetcher(Confinement((fonts_dir().resolve(),)))


def render_pdf(
    html: str,
    context: RenderContext,
    source_document: Article | Packet,
    *,
    stylesheet: str | None = None,
    images: Mapping[str, ProcessedImage] | None = None,
) -> RenderedPdf:
    """`stylesheet`: CSS the HTML does not hold, shared with other documents (shared_stylesheet); `images`: what
    its image URLs stand for (ImageLinks.served)."""
    import weasyprint

    variant = "pdf/a-3a" if context.options.pdf_profile == "archive" else "pdf/ua-1"
    logger = logging.getLogger("weasyprint")
    errors = _WeasyPrintErrors()
    logger.addHandler(errors)
    try:
        source = weasyprint.HTML(
            string=html,
            base_url=context.base_dir.resolve().as_uri() + "/",
            url_fetcher=confined_fetcher(context.confinement, images),
        )
        own_sheets: list[str] = []
        if stylesheet is None:
            # Figure placement lays the document out more than once, and a batch renders many documents with the
            # same print CSS: it and its fonts are read once (a FontConfiguration per document would also keep
            # its fonts in memory for the life of the process).
            stylesheet, *own_sheets = take_style_elements(source.etree_element)
        css, fonts = shared_stylesheet(stylesheet)
        sheets = [css, *(weasyprint.CSS(string=text, font_config=fonts) for text in own_sheets)]
        # Each layout would fetch and decode every image again: the layouts of one document share one cache.
        shared = {"font_config": fonts, "cache": {}}

        def layout(extra_css: str):
            return source.render(stylesheets=[*sheets, weasyprint.CSS(string=extra_css)], **shared)

        document = placed(layout, source.etree_element)
        with recording() as record:
            data = document.write_pdf(
                pdf_variant=variant,
                pdf_identifier=pdf_identifier(source_document),
            )
    finally:
        logger.removeHandler(errors)
    for message in errors.messages:
        context.warnings.warn(f"PDF renderer: {message}", file=context.source_path)
    return RenderedPdf(data, record, html, len(document.pages), article_first_pages(document))

"""XHTML content documents generated from the shared templates, one per article.

ebooklib's own document serialiser re-parses content with an HTML parser and drops `<head>`/`<body>`
attributes, so the writer hands it finished, well-formed XHTML (see book.py) and this module is where that
XHTML is made and checked for well-formedness before it goes into the book.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from exporter.errors import ExportError
from exporter.model import Article, Heading, Packet, plain_text
from exporter.provenance import provenance_view
from exporter.resources import fonts_dir
from exporter.writers.base import IMAGE_EDGES, RenderContext
from exporter.writers.html import ImageLinks
from exporter.writers.templating import Numbering, body_arguments, font_faces, render_template, walk_blocks

MAX_IMAGE_EDGE = IMAGE_EDGES["epub"]  # pixels: e-reader screens
IMAGES_FOLDER = "images"
FONTS_FOLDER = "fonts"
STYLESHEET = "style/book.css"


@dataclass
class TocEntry:
    """A heading the table of contents links to, with the headings nested under it."""

    title: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class ContentDocument:
    file_name: str  # relative to the package folder
    title: str
    language: str
    xhtml: bytes
    headings: list[TocEntry]


def article_headings(article: Article, numbering: Numbering, file_name: str) -> list[TocEntry]:
    """Section headings as a tree (h2 > h3 > ...), so the nav and NCX mirror the article's outline."""
    roots: list[TocEntry] = []
    stack: list[tuple[int, TocEntry]] = []
    for block in walk_blocks(article.body):
        if not isinstance(block, Heading):
            continue
        entry = TocEntry(plain_text(block.children).strip() or "…", f"{file_name}#{numbering.anchor(block)}")
        while stack and stack[-1][0] >= block.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(entry)
        stack.append((block.level, entry))
    return roots


def image_links(context: RenderContext) -> ImageLinks:
    """Images for the whole book: each processed once, named by VIRIN, shared by digest."""
    return ImageLinks(context, IMAGES_FOLDER, embed=False, max_edge=MAX_IMAGE_EDGE)


def render_article(
    article: Article, file_name: str, links: ImageLinks, numbering: Numbering | None = None
) -> ContentDocument:
    """One article's content document. A packet passes one `numbering` for all its articles, so figure ids
    count on across the book as they do in the packet's other formats."""
    numbering = numbering or Numbering([article])
    view = provenance_view(article)
    depth = file_name.count("/")
    up = "../" * depth
    xhtml = render_template(
        "epub/article.xhtml.j2",
        article.language,
        article=article,
        view=view,
        stylesheet=up + STYLESHEET,
        **body_arguments("epub", numbering, lambda figure: (up + src) if (src := links.src(figure)) else None,
                         links.size, links.ratio),
    )
    data = xhtml.encode("utf-8")
    ensure_well_formed(data, file_name)
    return ContentDocument(file_name, article.title, article.language, data,
                           article_headings(article, numbering, file_name))


def render_cover(packet: Packet, file_name: str, links: ImageLinks) -> ContentDocument:
    """The packet's cover as real text (title, subtitle, issuing office, date, cover note) with the office's
    logo when it has one, not a picture."""
    up = "../" * file_name.count("/")
    logo_src = links.src(packet.logo) if packet.logo else None
    xhtml = render_template(
        "epub/cover.xhtml.j2",
        packet.language,
        packet=packet,
        stylesheet=up + STYLESHEET,
        logo_src=up + logo_src if logo_src else None,
        xhtml=True,
    )
    data = xhtml.encode("utf-8")
    ensure_well_formed(data, file_name)
    return ContentDocument(file_name, packet.title, packet.language, data, [])


def ensure_well_formed(data: bytes, file_name: str) -> None:
    """A template slip must fail the build here, with the place named, not as an EPUBCheck error later."""
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise ExportError(f"EPUB content document {file_name} is not well-formed XHTML: {error}") from None


def stylesheet(language: str, *, embed_fonts: bool) -> bytes:
    """The book's CSS; with embedded fonts the @font-face rules point at the packaged files."""
    faces = font_faces(lambda name: f"../{FONTS_FOLDER}/{name}") if embed_fonts else []
    return render_template("epub/book.css.j2", language, font_faces=faces).encode("utf-8")


def font_files() -> dict[str, bytes]:
    """The bundled font files the stylesheet's @font-face rules name, keyed by package path."""
    names = sorted({face["file"] for face in font_faces(lambda name: name)})
    return {f"{FONTS_FOLDER}/{name}": (fonts_dir() / name).read_bytes() for name in names}

"""A thin layer over ebooklib 0.20 that fixes what it gets wrong for an accessible EPUB 3.

- `package` gets `xml:lang` (Ace rule epub-lang); ebooklib writes none.
- Content documents are our finished XHTML: ebooklib's EpubHtml re-parses content with an HTML parser and
  drops `<head>`/`<body>` attributes, so `FinishedXhtml` returns the bytes as they are.
- The nav document gets a real `<h1>`, a stable `id="toc"` for the landmark, and translated headings.
- `epub3_pages` is off (ebooklib would turn every element with `epub:type` and `id` into a broken page list)
  and the EPUB 2 guide is off (its types differ from EPUB 3 landmarks and reading systems use the nav).
- `dcterms:modified` comes from the build time, never from the clock.

The class reaches into ebooklib's private writer methods, so ebooklib is pinned to 0.20 in pyproject.toml and
tests/epub/test_epub_engine.py fails loudly when the installed version changes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import ebooklib
from ebooklib import epub
from lxml import etree

from exporter.errors import ExitCode, ExportError
from exporter.i18n import fixed_text_language, gettext
from exporter.language_tags import text_direction
from exporter.writers.epub.a11y import AccessibilityMetadata
from exporter.writers.epub.content import STYLESHEET, ContentDocument, TocEntry

TESTED_EBOOKLIB = (0, 20)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NAV_FILE = "nav.xhtml"


@dataclass
class PackageMetadata:
    """Dublin Core and package facts; None and empty lists are omitted, never invented."""

    identifier: str  # urn:uuid:...
    title: str
    language: str
    modified: datetime
    creators: list[str] = field(default_factory=list)
    date: str | None = None
    publisher: str | None = None
    source: str | None = None
    # How the source URL was found, in words (`provenance.URL_FOUND`).
    source_found: str | None = None
    rights: str | None = None
    description: str | None = None
    subjects: list[str] = field(default_factory=list)


class FinishedXhtml(epub.EpubHtml):
    """A content document whose XHTML is already complete: written as given."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content

    def get_body_content(self) -> bytes:
        return self.content


class AccessibleEpubWriter(epub.EpubWriter):
    def __init__(
        self,
        name,
        book: epub.EpubBook,
        language: str,
        options: dict | None = None,
        document_languages: dict[str, str] | None = None,
    ) -> None:
        super().__init__(name, book, options)
        self.language = language
        # Content document file name -> its language, so nav entries of an article in another language
        # than the book's are pronounced in that language.
        self.document_languages = document_languages or {}

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.language)
        super()._write_opf_file(root)

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        document = etree.fromstring(super()._get_nav(item))
        navs = document.findall(f".//{{{XHTML_NS}}}nav")
        fixed_language = fixed_text_language(self.language)
        for nav in navs:
            kind = nav.get(EPUB_TYPE)
            heading = nav.find(f"{{{XHTML_NS}}}h2")
            if kind == "toc":
                nav.set("id", "toc")
                nav.set("aria-labelledby", "toc-heading")
                if heading is not None:
                    # The nav document's own top-level heading: h1, so the document does not start at h2.
                    heading.tag = f"{{{XHTML_NS}}}h1"
                    heading.set("id", "toc-heading")
            elif kind == "landmarks":
                nav.set("id", "landmarks")
                nav.set("aria-labelledby", "landmarks-heading")
                # Landmarks serve reading systems; readers already have the contents list above.
                nav.set("hidden", "hidden")
                if heading is not None:
                    heading.set("id", "landmarks-heading")
            if heading is not None:
                self._mark_language(heading, fixed_language)
            for link in nav.iter(f"{{{XHTML_NS}}}a"):
                if kind == "landmarks":  # fixed text ("Cover", "Start of content")
                    self._mark_language(link, fixed_language)
                else:  # a title, in the language of the document it leads to
                    self._mark_language(link, self.document_languages.get((link.get("href") or "").partition("#")[0]))
        head = document.find(f"{{{XHTML_NS}}}head")
        if head is not None and head.find(f"{{{XHTML_NS}}}meta") is None:
            meta = etree.Element(f"{{{XHTML_NS}}}meta", charset="utf-8")
            head.insert(0, meta)
        tree = document.getroottree()
        return etree.tostring(tree, encoding="utf-8", xml_declaration=True, pretty_print=True)

    def _mark_language(self, element: etree._Element, language: str | None) -> None:
        """lang (and dir, where it runs the other way) on text in another language than the book's."""
        if not language or language == self.language:
            return
        element.set("lang", language)
        element.set(XML_LANG, language)
        if text_direction(language) != text_direction(self.language):
            element.set("dir", text_direction(language))


def check_engine() -> None:
    if tuple(ebooklib.VERSION[:2]) != TESTED_EBOOKLIB:
        installed = ".".join(map(str, ebooklib.VERSION))
        raise ExportError(
            f"ebooklib {installed} is installed but the EPUB writer was tested with 0.20.x; "
            "install ebooklib==0.20",
            code=ExitCode.BAD_INPUT,
        )


def _toc_links(entries: list[TocEntry], counter: list[int]) -> list:
    links: list = []
    for entry in entries:
        counter[0] += 1
        if entry.children:
            # A heading with sub-headings is a section: ebooklib nests the children under it.
            section = epub.Section(entry.title, entry.href)
            links.append((section, _toc_links(entry.children, counter)))
        else:
            links.append(epub.Link(entry.href, entry.title, f"toc-{counter[0]}"))
    return links


def assemble(
    metadata: PackageMetadata,
    a11y: AccessibilityMetadata,
    documents: list[ContentDocument],
    *,
    stylesheet: bytes,
    images: dict[str, tuple[bytes, str]],
    fonts: dict[str, bytes],
    cover: ContentDocument | None = None,
) -> bytes:
    """The EPUB as ebooklib writes it (entry order and dates still to be fixed by package.repack).

    With a `cover` (a press packet) the reading order is cover, contents, articles, and the table of
    contents nests packet > article > sections under the cover's title.
    """
    check_engine()
    language = metadata.language
    book = epub.EpubBook()
    book.set_identifier(metadata.identifier)
    book.set_title(metadata.title)
    book.set_language(language)
    # A right-to-left book: the spine's page-progression-direction (pages turn right to left) and the nav's dir.
    right_to_left = text_direction(language) == "rtl"
    if right_to_left:
        book.set_direction("rtl")
    for index, creator in enumerate(metadata.creators):
        book.add_author(creator, uid=f"creator-{index + 1}")
    optional_dc = {
        "date": metadata.date,
        "publisher": metadata.publisher,
        "source": metadata.source,
        "rights": metadata.rights,
        "description": metadata.description,
    }
    for name, value in optional_dc.items():
        if value:
            book.add_metadata("DC", name, value)
    for subject in metadata.subjects:
        book.add_metadata("DC", "subject", subject)
    if metadata.source and metadata.source_found:
        book.add_metadata(None, "meta", metadata.source_found, {"property": "dcterms:provenance"})
    _add_a11y(book, a11y)

    css = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css", content=stylesheet)
    book.add_item(css)
    for index, (path, data) in enumerate(sorted(fonts.items())):
        font = epub.EpubItem(uid=f"font-{index + 1}", file_name=path, media_type="font/ttf", content=data)
        book.add_item(font)
    for index, (path, (data, media_type)) in enumerate(sorted(images.items())):
        book.add_item(epub.EpubImage(uid=f"image-{index + 1}", file_name=path, media_type=media_type,
                                     content=data))

    chapters: list[FinishedXhtml] = []
    toc: list = []
    counter = [0]
    for index, document in enumerate(documents):
        chapter = FinishedXhtml(uid=f"article-{index + 1}", file_name=document.file_name,
                                title=document.title, lang=document.language)
        chapter.content = document.xhtml
        book.add_item(chapter)
        chapters.append(chapter)
        children = _toc_links(document.headings, counter)
        toc.append((chapter, children) if children else chapter)

    nav_title = gettext(language, "Contents")
    guide = [
        {"type": "toc", "href": f"{NAV_FILE}#toc", "title": nav_title},
        {"type": "bodymatter", "href": documents[0].file_name,
         "title": gettext(language, "Start of content")},
    ]
    front: list[FinishedXhtml] = []
    if cover is not None:
        cover_page = FinishedXhtml(uid="packet-cover", file_name=cover.file_name, title=cover.title,
                                   lang=cover.language)
        cover_page.content = cover.xhtml
        book.add_item(cover_page)
        front.append(cover_page)
        toc = [(cover_page, toc)]
        # EPUB 3 landmark "cover": the publication's cover, here the packet's text cover page.
        guide.insert(0, {"type": "cover", "href": cover.file_name, "title": gettext(language, "Cover")})
    book.toc = toc

    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(file_name=NAV_FILE, title=nav_title, direction="rtl" if right_to_left else None))
    book.spine = [*front, "nav", *chapters]
    book.guide = guide

    buffer = io.BytesIO()
    writer = AccessibleEpubWriter(
        buffer,
        book,
        language,
        {
            "epub3_pages": False,
            "epub2_guide": False,
            "epub3_landmark": True,
            "landmark_title": gettext(language, "Landmarks"),
            "mtime": metadata.modified,
            "raise_exceptions": True,
            # package.repack deflates every entry once; ebooklib's own pass only has to be undone.
            "compresslevel": 0,
        },
        {document.file_name: document.language for document in documents},
    )
    writer.process()
    writer.write()
    return buffer.getvalue()


def _add_a11y(book: epub.EpubBook, a11y: AccessibilityMetadata) -> None:
    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    for mode in a11y.access_modes:
        meta("schema:accessMode", mode)
    for modes in a11y.access_modes_sufficient:
        meta("schema:accessModeSufficient", modes)
    for feature in a11y.features:
        meta("schema:accessibilityFeature", feature)
    for hazard in a11y.hazards:
        meta("schema:accessibilityHazard", hazard)
    meta("schema:accessibilitySummary", a11y.summary)
    if a11y.conforms_to and a11y.certified_by:
        meta("dcterms:conformsTo", a11y.conforms_to)
        meta("a11y:certifiedBy", a11y.certified_by)

"""DOCX reader: drafts we exported, edited in Word or LibreOffice (or written by pandoc), back into the model.

    exporter import edited.docx -o article.md     # images land in article_files/<VIRIN>.jpg
    exporter build edited.docx --to pdf,epub,docx # images rendered straight from the DOCX, nothing extracted

The file is untrusted: `package` bounds the ZIP and parses XML without DTDs or entities (`compat` renames
Strict OOXML and resolves alternate content as each part is parsed); `media` refuses decompression bombs.
`scan` flattens WordprocessingML into `items` (with `drawings` for pictures, text boxes and other objects and
`omml` for equations), `blocks` rebuilds the body (headings, paragraphs, quotes, `lists`, `tables`, `figures`
with their caption paragraphs, media) and names each kind of loss once (`losses`), `metadata` reconciles the
visible header and provenance block with the custom document properties the DOCX writer stored. A press packet
(a cover, then one Heading 1 per article, provenance per article under `exporter.articles.N.`) comes back as a
Packet. Any well-formed draft imports: one without a title takes it from its text (`BodyReader.take_title`).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from exporter.anchors import article_links
from exporter.errors import ExportError
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.readers import ReadResult
from exporter.readers.docx.blocks import BodyReader
from exporter.readers.docx.figures import FigureSource
from exporter.readers.docx.inlines import minimal_language
from exporter.readers.docx.items import Para, TableInfo
from exporter.readers.docx.losses import describe
from exporter.readers.docx.media import extract_images, relocate_images
from exporter.readers.docx.metadata import (
    PREFIX,
    MetadataReader,
    core_properties,
    custom_properties,
    document_language,
    long_date,
    parse_long_date,
)
from exporter.readers.docx.package import Package, Relationship
from exporter.readers.docx.scan import Scanner
from exporter.readers.docx.styles import Numbering, Styles, w

__all__ = ["read", "relocate_images"]


def read(path: Path, options: BuildOptions) -> ReadResult:
    if path.is_dir():
        raise ExportError("is a folder, not a file", file=path)
    package = Package(path)
    main = package.main_document()
    related_parts = {rel.type.rsplit("/", 1)[-1]: rel.target for rel in package.relationships(main).values()}
    styles = Styles.parse(_optional_xml(package, related_parts.get("styles")))
    numbering = Numbering(_optional_xml(package, related_parts.get("numbering")), styles)
    stored = custom_properties(package)
    core = core_properties(package)
    root = package.xml(main)
    body_element = root.find(w("body"))
    if body_element is None:
        raise ExportError("refused: not a Word document (the main part has no body)", file=path)
    scanner = Scanner(package, main, styles)
    items = scanner.body_items(body_element)
    if not stored.get(PREFIX + "document_uuid"):  # ours repeat the title: nothing is lost
        scanner.counts["page_furniture"] += _furniture_with_text(package, scanner.rels)
    language = document_language(stored, core, styles.default_language, items)
    warnings: list[str] = describe(scanner.counts)
    figures: list[FigureSource] = []
    try:
        if is_packet(items, stored):
            document: Article | Packet = read_packet(
                items, numbering, stored, core, language, figures, warnings
            )
        else:
            document = read_article(
                items, numbering, stored, core, language, PREFIX, figures, warnings, title_from=(path, options)
            )
        _follow_aliases(document, scanner.anchor_aliases)
        decorative: set[str] = set(MetadataReader.stored_list(stored, PREFIX + "decorative_images"))
        images = extract_images(package, figures, warnings, decorative)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise ExportError(
            f"the DOCX does not make a valid article: {where}: {first.get('msg')}", file=path
        ) from None
    except ExportError as error:
        raise error.located(path) from None
    # Embedded pictures travel in memory with the model (see `media`).
    return ReadResult(document, warnings=[f"{path}: {message}" for message in warnings], images=images)


def _furniture_with_text(package: Package, rels: dict[str, Relationship]) -> int:
    """How many page headers and footers hold words (not a page number alone), which the reader leaves out."""
    parts = {rel.target for rel in rels.values()
             if not rel.external and rel.type.endswith(("/header", "/footer")) and rel.target in package.parts}
    return sum(any(char.isalpha() for text in package.xml(part).iter(w("t")) for char in text.text or "")
               for part in sorted(parts))


def _follow_aliases(document: Article | Packet, aliases: dict[str, str]) -> None:
    """Links to a heading's second bookmark (a cross-reference and a hyperlink to the same heading, each with
    its own bookmark) go to the id the heading took."""
    if not aliases:
        return
    for article in document.articles if isinstance(document, Packet) else [document]:
        for link in article_links(article):
            if link.href.startswith("#") and link.href[1:] in aliases:
                link.href = "#" + aliases[link.href[1:]]


def read_article(
    items: list[Para | TableInfo],
    numbering: Numbering,
    stored: dict[str, str],
    core: dict[str, str] | None,
    language: str,
    prefix: str,
    figures: list[FigureSource],
    warnings: list[str],
    title_from: tuple[Path, BuildOptions] | None = None,
) -> Article:
    """One article from its items. `title_from` (the file and the options) lets a draft without a title
    paragraph or property take one from its content, or be refused with --strict."""
    article_language = minimal_language(stored.get(prefix + "language")) or language
    reader = BodyReader(items, numbering, article_language, own_document=bool(stored.get(PREFIX + "document_uuid")))
    reader.read()
    guessed: str | None = None
    if title_from is not None and not (reader.header.title or (core or {}).get("title")):
        path, options = title_from
        if options.strict:
            raise ExportError(
                "the DOCX has no title: no Title or Heading 1 paragraph at the top and no title property "
                "(--strict does not take one from the text)"
            )
        title, source = reader.take_title(path.stem)
        reader.header.title = title
        guessed = (
            f"the DOCX has no title paragraph (Title or Heading 1 at the top) or title property: the title "
            f"{title!r} was taken from {source}"
        )
    body = reader.finish()
    metadata = MetadataReader(body.header, stored, core, article_language, prefix).read()
    warnings += ([guessed] if guessed else []) + body.warnings + metadata.warnings
    figures += body.figures
    if not metadata.title:
        raise ExportError(
            "the DOCX has no headline: no Heading 1 or Title paragraph at the top and no title property"
        )
    return Article(
        id=metadata.article_id,
        title=metadata.title,
        dek=metadata.dek,
        byline=metadata.byline,
        published=metadata.published,
        updated=metadata.updated,
        language=metadata.language,
        source=metadata.source,
        rights=metadata.rights,
        keywords=metadata.keywords,
        body=body.blocks,
        related=body.related,
    )


# ---------------------------------------------------------------- packets


def _is_headline(item: Para | TableInfo) -> bool:
    return isinstance(item, Para) and (
        item.has_style("heading 1", "heading1") or (item.outline_level == 1 and not item.has_style("title"))
    )


def is_packet(items: list[Para | TableInfo], stored: dict[str, str]) -> bool:
    """Our packet writer stores the article count; without it, a cover (Title, Cover Note) followed by
    headlines that each start a new page is a packet too."""
    if stored.get(PREFIX + "article_count"):
        return True
    paragraphs = [item for item in items if isinstance(item, Para)]
    if not paragraphs or not paragraphs[0].has_style("title"):
        return False
    headlines = [item for item in paragraphs if _is_headline(item)]
    has_cover_note = any(item.has_style("cover note", "covernote") for item in paragraphs)
    return has_cover_note or (len(headlines) >= 2 and all(item.page_break_before for item in headlines))


def read_packet(
    items: list[Para | TableInfo],
    numbering: Numbering,
    stored: dict[str, str],
    core: dict[str, str],
    language: str,
    figures: list[FigureSource],
    warnings: list[str],
) -> Packet:
    starts = [index for index, item in enumerate(items) if _is_headline(item)]
    if not starts:
        raise ExportError("the packet DOCX has no articles (no Heading 1 after the cover)")
    cover = [item for item in items[: starts[0]] if isinstance(item, Para) and item.text.strip()]
    tables = sum(isinstance(item, TableInfo) for item in items[: starts[0]])
    if tables:
        warnings.append(f"{tables} table(s) on the packet's cover left out: the cover holds lines of text")
    title = subtitle = office = shown_date = note = None
    for para in cover:
        text = " ".join(para.text.split())
        if para.has_style("title"):
            title = text if title is None else f"{title} {text}"  # a title on two lines (Enter inside it)
        elif para.has_style("dek", "subtitle") and subtitle is None:
            subtitle = text
        elif para.has_style("byline") and office is None:
            office = text
        elif para.has_style("dateline") and shown_date is None:
            shown_date = text
        else:
            # The cover note, and any other text on the cover (a second title, a plain paragraph): the cover's
            # text is not lost for want of a style.
            note = text if note is None else f"{note}\n\n{text}"
    stored_date = stored.get(PREFIX + "packet_date") or None
    packet_date = stored_date
    if shown_date is not None and not (stored_date and long_date(stored_date, language) == shown_date):
        packet_date = parse_long_date(shown_date, language) or stored_date
        if packet_date is None:
            warnings.append(f"the packet date {shown_date!r} is not a date; left out")
    articles: list[Article] = []
    for number, start in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else len(items)
        article_warnings: list[str] = []
        article = read_article(
            items[start:end],
            numbering,
            stored,
            None,
            language,
            f"{PREFIX}articles.{number}.",
            figures,
            article_warnings,
        )
        warnings += [f"article {number} ({article.title}): {message}" for message in article_warnings]
        articles.append(article)
    return Packet(
        title=title or core.get("title") or articles[0].title,
        subtitle=subtitle,
        office=office or stored.get(PREFIX + "packet_office") or None,
        date=packet_date,
        language=language,
        cover_note=note,
        articles=articles,
    )


def _optional_xml(package: Package, name: str | None):
    if name is None or not package.has(name):
        return None
    return package.xml(name)

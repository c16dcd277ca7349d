"""EPUB 3 with EPUB Accessibility 1.1 metadata: XHTML from the shared templates -> ebooklib -> re-packed ZIP.

The book is built from a list of articles, one content document each; a press packet adds a text cover
document in front, nests the table of contents packet > article > sections, and derives its package and
accessibility metadata across all its articles.
"""

from __future__ import annotations

from exporter.errors import ExportError
from exporter.identity import build_time, document_uuid
from exporter.model import Article, Packet
from exporter.provenance import URL_FOUND, rights_statement
from exporter.writers.base import RenderContext, Rendered
from exporter.writers.epub import a11y, book, content, package
from exporter.writers.templating import Numbering

EXTENSION = "epub"
COVER_FILE = "cover.xhtml"


def write(context: RenderContext) -> Rendered:
    document = context.document
    if isinstance(document, Packet):
        return Rendered(build_epub(context, document.articles, packet_metadata(document), packet=document))
    return Rendered(build_epub(context, [document], article_metadata(document)))


def article_metadata(article: Article) -> book.PackageMetadata:
    byline = article.byline
    creators = list(byline.people) if byline and byline.people else []
    if not creators and byline and byline.organization:
        creators = [byline.organization]
    return book.PackageMetadata(
        identifier=f"urn:uuid:{document_uuid(article)}",
        title=article.title,
        language=article.language,
        modified=build_time(article),
        creators=creators,
        date=article.published or article.updated,
        publisher=article.source.agency or article.source.site_name,
        source=article.source.url,
        source_found=URL_FOUND.get(article.source.url_from or ""),
        rights=rights_statement(article),
        description=article.dek,
        subjects=list(article.keywords),
    )


def packet_metadata(packet: Packet) -> book.PackageMetadata:
    """The packet's own facts; what only its articles know is gathered from them, never invented.

    The issuing office publishes the packet (the articles' agencies are named in each article's
    provenance aside). Rights are stated for the whole book only when every article has the same
    statement; otherwise each article's aside carries its own.
    """
    rights = {rights_statement(article) for article in packet.articles}
    subjects = list(dict.fromkeys(keyword for article in packet.articles for keyword in article.keywords))
    return book.PackageMetadata(
        identifier=f"urn:uuid:{document_uuid(packet)}",
        title=packet.title,
        language=packet.language,
        modified=build_time(packet),
        date=packet.date,
        publisher=packet.office,
        rights=rights.pop() if len(rights) == 1 else None,
        description=packet.subtitle or packet.cover_note,
        subjects=subjects,
    )


def article_file_name(index: int, count: int) -> str:
    return "article.xhtml" if count == 1 else f"article-{index + 1:02d}.xhtml"


def build_epub(
    context: RenderContext,
    articles: list[Article],
    metadata: book.PackageMetadata,
    *,
    packet: Packet | None = None,
) -> bytes:
    """Render each article to its own content document, derive the accessibility metadata, package.

    A `packet` adds its cover document in front and numbers figures once across all its articles.
    """
    refuse_missing_alt(articles)
    links = content.image_links(context)
    # One numbering for a packet (figure ids count on from article to article); per article otherwise.
    numbering = Numbering(articles) if packet is not None else None
    documents = [
        content.render_article(article, article_file_name(index, len(articles)), links, numbering)
        for index, article in enumerate(articles)
    ]
    cover = content.render_cover(packet, COVER_FILE, links) if packet is not None else None
    facts = a11y.ContentFacts()
    for article in articles:
        embedded = {id(figure) for figure in article.figures() if links.src(figure) is not None}
        facts.add_article(article, embedded)
    accessibility = a11y.derive(facts, metadata.language, context.options.a11y_certifier)

    images = {
        f"{content.IMAGES_FOLDER}/{name}": (data, _media_type(name)) for name, data in links.assets.items()
    }
    embed_fonts = context.options.embed_fonts
    raw = book.assemble(
        metadata,
        accessibility,
        documents,
        stylesheet=content.stylesheet(metadata.language, embed_fonts=embed_fonts),
        images=images,
        fonts=content.font_files() if embed_fonts else {},
        cover=cover,
    )
    return package.repack(raw, metadata.modified)


def refuse_missing_alt(articles: list[Article]) -> None:
    """The pipeline already stops such input (exit 2); the writer refuses too, so no caller can make an
    EPUB whose metadata would claim text alternatives it does not have."""
    for article in articles:
        for number, figure in enumerate(article.figures(), start=1):
            if not figure.decorative and not (figure.alt or "").strip():
                label = figure.title or figure.virin or figure.image
                raise ExportError(
                    f"figure {number} ({label}) in {article.title!r} has no alt text: "
                    'add alt="..." (or decorative=true), or build with --alt-from-caption'
                )


def _media_type(name: str) -> str:
    # exporter.images only ever produces these two core media types.
    return "image/png" if name.endswith(".png") else "image/jpeg"

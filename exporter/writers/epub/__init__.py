"""EPUB 3 with EPUB Accessibility 1.1 metadata: XHTML from the shared templates -> ebooklib -> re-packed ZIP.

The book is built from a list of articles, one content document each, so a press packet (a cover document
followed by its articles) plugs into `build_epub` without changing the layers below.
"""

from __future__ import annotations

from exporter.errors import ExitCode, ExportError
from exporter.identity import build_time, document_uuid
from exporter.model import Article, Packet
from exporter.provenance import rights_statement
from exporter.writers.base import RenderContext, Rendered
from exporter.writers.epub import a11y, book, content, package

EXTENSION = "epub"


def write(context: RenderContext) -> Rendered:
    document = context.document
    if isinstance(document, Packet):
        raise ExportError(
            "EPUB export of press packets is not supported yet (issue 7); "
            "export the packet's articles one by one",
            code=ExitCode.BAD_INPUT,
        )
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
        rights=rights_statement(article),
        description=article.dek,
        subjects=list(article.keywords),
    )


def article_file_name(index: int, count: int) -> str:
    return "article.xhtml" if count == 1 else f"article-{index + 1:02d}.xhtml"


def build_epub(context: RenderContext, articles: list[Article], metadata: book.PackageMetadata) -> bytes:
    """Render each article to its own content document, derive the accessibility metadata, package."""
    refuse_missing_alt(articles)
    links = content.image_links(context)
    documents = [
        content.render_article(article, article_file_name(index, len(articles)), links)
        for index, article in enumerate(articles)
    ]
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

"""Tagged PDF (PDF/UA-1; with --pdf-profile archive also PDF/A-3a): the HTML templates with print CSS,
rendered by WeasyPrint, then a structure repair pass (repair.py) and our own metadata (metadata.py).

A packet is rendered as one HTML document in one WeasyPrint pass (cover, contents, articles), so that its
links, page numbers, bookmarks and structure tree come out whole; merging per-article PDFs would lose them."""

from __future__ import annotations

from exporter.model import Packet
from exporter.writers.base import RenderContext, Rendered

EXTENSION = "pdf"


def print_html(context: RenderContext) -> str:
    """The HTML that WeasyPrint renders (also used by benchmarks/pdf.py to time plain WeasyPrint on it)."""
    from exporter.writers.html import ImageLinks
    from exporter.writers.pdf.render import MAX_IMAGE_EDGE, article_html, packet_html

    document = context.document
    # Images go in as data: URLs of the processed bytes (oriented, EXIF stripped, resized): the renderer never
    # opens the original files.
    links = ImageLinks(context, "", embed=True, max_edge=MAX_IMAGE_EDGE)
    if isinstance(document, Packet):
        return packet_html(context, document, links)
    return article_html(context, document, links)


def write(context: RenderContext) -> Rendered:
    from exporter.writers.pdf.coverage import missing_scripts
    from exporter.writers.pdf.render import render_pdf
    from exporter.writers.pdf.repair import repair

    html = print_html(context)
    document = context.document
    for missing in missing_scripts(document):
        context.warnings.warn(f"PDF: {missing.describe()}", file=context.source_path)
    rendered = render_pdf(html, context, document)
    # The DOCX writer, when it runs in the same build, numbers its contents from this layout.
    context.article_pages = rendered.article_pages
    return Rendered(repair(rendered.data, rendered.recording, document, context.options))

"""Tagged PDF (PDF/UA-1; with --pdf-profile archive also PDF/A-3a): the HTML templates with print CSS,
rendered by WeasyPrint, then a structure repair pass (repair.py) and our own metadata (metadata.py).

A packet is rendered one article at a time, each as a tagged PDF of its own (in parallel with --jobs), then
its cover and contents, and merged into one document (packet.py, merge.py): memory stays that of the largest
article, and the merge keeps the structure tree, link annotations, named destinations, bookmarks, page labels
and languages of every part, as one WeasyPrint pass over the whole packet would have made them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from exporter.model import Packet
from exporter.writers.base import RenderContext, Rendered
from exporter.writers.pdf.engine import import_weasyprint

if TYPE_CHECKING:
    from exporter.images import ProcessedImage

# Before any module of this package imports WeasyPrint (the package is imported to render a PDF, in every process
# that renders one): engine.py says why.
import_weasyprint()

EXTENSION = "pdf"


def print_page(context: RenderContext) -> tuple[str, dict[str, ProcessedImage]]:
    """The HTML that WeasyPrint renders for an article, and the processed image bytes (oriented, EXIF stripped,
    resized) each of its image URLs stands for. (Benchmarks and tests render it with plain WeasyPrint too.)"""
    from exporter.writers.pdf.render import article_html, print_image_links

    document = context.document
    assert not isinstance(document, Packet), "a packet is rendered article by article (packet.py)"
    links = print_image_links(context)
    return article_html(context, document, links), links.served


def write(context: RenderContext) -> Rendered:
    from exporter.writers.pdf.coverage import missing_scripts

    document = context.document
    for missing in missing_scripts(document):
        context.warnings.warn(f"PDF: {missing.describe()}", file=context.source_path)
    if isinstance(document, Packet):
        from exporter.writers.pdf.packet import write_packet

        return Rendered(write_packet(context, context.parts))
    from exporter.writers.pdf.render import render_pdf
    from exporter.writers.pdf.repair import repair

    html, images = print_page(context)
    rendered = render_pdf(html, context, document, images=images)
    # The DOCX writer, when it runs in the same build, numbers its contents from this layout.
    context.article_pages = rendered.article_pages
    return Rendered(repair(rendered.data, rendered.recording, document, context.options))

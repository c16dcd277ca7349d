"""Tagged PDF (PDF/UA-1; with --pdf-profile archive also PDF/A-3a): the HTML templates with print CSS,
rendered by WeasyPrint, then a structure repair pass (repair.py) and our own metadata (metadata.py)."""

from __future__ import annotations

from exporter.errors import ExportError
from exporter.model import Packet
from exporter.writers.base import RenderContext, Rendered

EXTENSION = "pdf"


def print_html(context: RenderContext) -> str:
    """The HTML that WeasyPrint renders (also used by benchmarks/pdf.py to time plain WeasyPrint on it)."""
    from exporter.writers.html import ImageLinks
    from exporter.writers.pdf.render import MAX_IMAGE_EDGE, article_html

    document = context.document
    if isinstance(document, Packet):
        raise ExportError("PDF export of a packet is not supported yet; export its articles one by one")
    # Images go in as data: URLs of the processed bytes (oriented, EXIF stripped, resized): the renderer never
    # opens the original files.
    links = ImageLinks(context, "", embed=True, max_edge=MAX_IMAGE_EDGE)
    return article_html(context, document, links)


def write(context: RenderContext) -> Rendered:
    from exporter.writers.pdf.render import render_pdf
    from exporter.writers.pdf.repair import repair

    html = print_html(context)
    article = context.document
    assert not isinstance(article, Packet)  # print_html refused it
    rendered = render_pdf(html, context, article)
    return Rendered(repair(rendered.data, rendered.recording, article, context.options))

"""A press packet as one accessible HTML page: cover, table of contents, then each article."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from exporter.model import Article, Packet
from exporter.provenance import ProvenanceView, provenance_view
from exporter.writers.base import RenderContext, Rendered
from exporter.writers.html import MAX_IMAGE_EDGE, ImageLinks, asset_url, font_assets
from exporter.writers.templating import Numbering, body_arguments, font_faces, render_template


@dataclass
class PacketEntry:
    article: Article
    view: ProvenanceView
    content: Markup  # the article's header, provenance, body and notes


def write_packet(context: RenderContext) -> Rendered:
    packet = context.document
    assert isinstance(packet, Packet)
    folder = f"{context.stem}_files"
    embed = context.options.embed_images
    links = ImageLinks(context, folder, embed=embed, max_edge=MAX_IMAGE_EDGE)
    prefixes = [f"article-{index + 1}-" for index in range(len(packet.articles))]
    numbering = Numbering(packet.articles, prefixes)
    # The logo's file name is given out first, as it always was (names are unique in order of asking).
    logo_src = links.src(packet.logo) if packet.logo else None
    arguments = body_arguments("html", numbering, links.src, links.size, links.ratio, heading_offset=1)
    entries = []
    def title_key(article: Article) -> str:
        return " ".join(article.title.split()).casefold()

    titles = Counter(title_key(article) for article in packet.articles)
    for number, (article, prefix) in enumerate(zip(packet.articles, prefixes, strict=True), start=1):
        repeated = titles[title_key(article)] > 1
        view = provenance_view(article, prefix, place=str(number) if repeated else None)
        content = render_template("packet-article.html.j2", article.language, article=article, view=view,
                                  **arguments)
        entries.append(PacketEntry(article, view, Markup(content)))
    faces = [] if embed else font_faces(lambda name: asset_url(folder, "fonts", name))
    css = render_template("css/article.css.j2", packet.language, font_faces=faces)
    html = render_template(
        "packet.html.j2",
        packet.language,
        packet=packet,
        entries=entries,
        css=css,
        logo_src=logo_src,
        xhtml=False,
    )
    assets = dict(links.assets)
    if not embed:
        assets.update(font_assets())
    return Rendered(html.encode("utf-8"), assets)

"""A standalone, accessible HTML5 page. Images and fonts go to `<stem>_files/`, or images are embedded as
data URIs with --embed-images (the page then uses installed fonts)."""

from __future__ import annotations

import base64
import re
from pathlib import PurePosixPath
from urllib.parse import quote

from exporter.i18n import gettext
from exporter.images import ProcessedImage
from exporter.model import Article, Figure, Packet
from exporter.provenance import provenance_view
from exporter.resources import fonts_dir
from exporter.writers.base import IMAGE_EDGES, Picture, RenderContext, Rendered
from exporter.writers.templating import Numbering, body_arguments, font_faces, render_template

EXTENSION = "html"
MAX_IMAGE_EDGE = IMAGE_EDGES["html"]
# The PDF's images reach WeasyPrint through its URL fetcher under this scheme (pdf/render.py, confined_fetcher),
# not as data: URLs, which its HTML parser reads at about 20 MB/s (0.09 s of CPU for the sample's two photos).
SERVED_IMAGE_SCHEME = "exporter-image"


def asset_url(*parts: str) -> str:
    """A relative URL to a file beside the page: each part percent-encoded, so a stem such as `a #1` or one
    with quotes stays a path (not a fragment, not the end of an attribute or a CSS string)."""
    return "/".join(quote(part, safe="") for part in parts if part)


def image_file_name(figure: Picture, image: ProcessedImage, used: set[str]) -> str:
    """A readable, unique file name: the VIRIN when there is one, else the source file's name."""
    if isinstance(figure, Figure) and figure.virin:
        base = figure.virin
    else:
        base = PurePosixPath(figure.image.split("?", 1)[0]).stem or "image"
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.") or "image"
    name, counter = f"{base}.{image.extension}", 2
    while name in used:
        name, counter = f"{base}-{counter}.{image.extension}", counter + 1
    used.add(name)
    return name


class ImageLinks:
    """Processes each figure's image once and says what `src` the page uses for it."""

    def __init__(
        self, context: RenderContext, folder: str, *, max_edge: int, embed: bool = False, serve: bool = False
    ) -> None:
        """`embed`: data: URLs; `serve`: SERVED_IMAGE_SCHEME URLs, each standing for an image of `served`;
        neither: files of `assets` in `folder`."""
        self.context = context
        self.folder = folder
        self.embed = embed
        self.serve = serve
        self.max_edge = max_edge
        self.assets: dict[str, bytes] = {}
        self.served: dict[str, ProcessedImage] = {}
        self._images: dict[int, ProcessedImage | None] = {}
        self._sources: dict[int, str | None] = {}
        self._used: set[str] = set()
        self._by_digest: dict[str, str] = {}

    def image(self, figure: Picture) -> ProcessedImage | None:
        key = id(figure)
        if key not in self._images:
            self._images[key] = self.context.image_for(figure, self.max_edge)
        return self._images[key]

    def src(self, figure: Picture) -> str | None:
        key = id(figure)
        if key not in self._sources:
            image = self.image(figure)
            if image is None:
                self._sources[key] = None
            elif self.serve:
                url = f"{SERVED_IMAGE_SCHEME}:{image.digest}"
                self.served[url] = image
                self._sources[key] = url
            elif self.embed:
                encoded = base64.b64encode(image.data).decode("ascii")
                self._sources[key] = f"data:{image.media_type};base64,{encoded}"
            else:
                name = self._by_digest.get(image.digest)
                if name is None:
                    name = self._by_digest[image.digest] = image_file_name(figure, image, self._used)
                    self.assets[name] = image.data
                self._sources[key] = asset_url(self.folder, name)
        return self._sources[key]

    def size(self, figure: Picture) -> tuple[int, int] | None:
        image = self.image(figure)
        return (image.width, image.height) if image else None

    def ratio(self, figure: Picture) -> str:
        image = self.image(figure)
        return f"{image.width} / {image.height}" if image else "auto"


def write(context: RenderContext) -> Rendered:
    document = context.document
    if isinstance(document, Packet):
        from exporter.writers.packet_html import write_packet

        return write_packet(context)
    folder = f"{context.stem}_files"
    links = ImageLinks(context, folder, embed=context.options.embed_images, max_edge=MAX_IMAGE_EDGE)
    html = render_article_page(document, links, font_folder=None if context.options.embed_images else folder)
    assets = {name: data for name, data in links.assets.items()}
    if not context.options.embed_images:
        assets.update(font_assets())
    return Rendered(html.encode("utf-8"), assets)


def font_assets() -> dict[str, bytes]:
    files = {face["file"] for face in font_faces(lambda name: name)}
    assets = {f"fonts/{name}": (fonts_dir() / name).read_bytes() for name in sorted(files)}
    assets["fonts/OFL-1.1.txt"] = (fonts_dir() / "OFL-1.1.txt").read_bytes()
    return assets


def render_article_page(article: Article, links: ImageLinks, *, font_folder: str | None) -> str:
    language = article.language
    numbering = Numbering([article])
    view = provenance_view(article)
    faces = font_faces(lambda name: asset_url(font_folder, "fonts", name)) if font_folder else []
    css = render_template("css/article.css.j2", language, font_faces=faces)
    return render_template(
        "article.html.j2",
        language,
        article=article,
        view=view,
        footer_line=footer_line(article, view.rights),
        css=css,
        **body_arguments("html", numbering, links.src, links.size, links.ratio),
    )


def footer_line(article: Article, rights: str | None) -> str:
    source = gettext(article.language, "Source:") + f" {article.source.url}" if article.source.url else None
    return " ".join(part for part in (rights, source) if part)

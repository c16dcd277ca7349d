"""What every writer receives and returns."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from exporter.confine import MAX_IMAGE_FILE_BYTES, Confinement, is_remote
from exporter.errors import ExportError, Place, Warnings
from exporter.images import ProcessedImage, process_image
from exporter.model import Article, Figure, InlineImage, Packet
from exporter.options import BuildOptions

# A figure's picture, or a picture inside running text: both name their file in `image`.
Picture = Figure | InlineImage

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff")
# Longest edge of photos in each format, in pixels. Known before any writer runs, so that a build decodes each
# photo once, at the largest size any of its formats needs, and makes every format's size from those pixels.
IMAGE_EDGES = {"html": 2000, "pdf": 2000, "docx": 2000, "epub": 1600}


# Entries of the DOCX and EPUB containers that are compressed already: stored, since deflating them again costs
# time and saves next to nothing.
COMPRESSED_SUFFIXES = (".jpg", ".jpeg", ".webp", ".woff", ".woff2")
# Pictures their writer compressed, perhaps weakly: a PNG passed on as its source wrote it may be (the sample
# photo deflates from 791 to 450 KB at level 6, to 468 KB at level 1 in a quarter of the time). Deflated fast.
PICTURE_SUFFIXES = (".png", ".gif")
# zlib's own default, for text and everything else: level 9 takes a third longer for 0.1% less.
DEFLATE_LEVEL = 6
FAST_DEFLATE_LEVEL = 1


def zip_method(name: str) -> tuple[int, int | None]:
    """How a container entry is written: (compression, level); stored when its data is compressed already."""
    import zipfile

    lowered = name.lower()
    if lowered.endswith(COMPRESSED_SUFFIXES):
        return zipfile.ZIP_STORED, None
    return zipfile.ZIP_DEFLATED, FAST_DEFLATE_LEVEL if lowered.endswith(PICTURE_SUFFIXES) else DEFLATE_LEVEL


@dataclass
class Rendered:
    """A writer's result: the main file and, for HTML, the files that go in `<stem>_files/`."""

    data: bytes
    assets: dict[str, bytes] = field(default_factory=dict)


@dataclass
class RenderContext:
    document: Article | Packet
    options: BuildOptions
    source_path: Path
    confinement: Confinement
    warnings: Warnings
    stem: str
    # Pictures that came inside the input (DOCX media), by `Figure.image`: used before any file lookup.
    embedded_images: dict[str, bytes] = field(default_factory=dict)
    _sources: dict[int, tuple[bytes, str] | None] = field(default_factory=dict, repr=False)
    # Local files read while rendering (images): inputs too, which no output may replace.
    files_read: list[Path] = field(default_factory=list)
    # Local files looked for and not found: an incremental build rebuilds the input once one appears.
    files_missing: list[Path] = field(default_factory=list)
    # Where a writer may spread the parts of one output (a packet's PDF articles): any executor with `submit`,
    # such as a Dask client. None: the writer's own choice (options.jobs local processes).
    parts: Executor | None = None
    # The first page of each article in the PDF, set by the PDF writer: the DOCX contents show these page
    # numbers (its own pages are laid out by Word, which updates them). None when no PDF is built.
    article_pages: list[int] | None = None
    # Where each picture was read (file and line), by `id()`: a problem with its image names the place.
    picture_places: dict[int, Place] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return self.source_path.parent

    def image_source(self, figure: Picture) -> tuple[bytes, str] | None:
        """The original image file and the name it was found under, or None when it is not at hand
        (the figure then becomes a placeholder)."""
        key = id(figure)
        if key not in self._sources:
            try:
                self._sources[key] = self._locate(figure)
            except ExportError as error:
                raise self._about(error, figure) from None
        return self._sources[key]

    def image_bytes(self, figure: Picture) -> bytes | None:
        found = self.image_source(figure)
        return found[0] if found else None

    def image_for(self, figure: Picture, max_edge: int | None) -> ProcessedImage | None:
        found = self.image_source(figure)
        if found is None:
            return None
        data, name = found
        others = [IMAGE_EDGES[fmt] for fmt in self.options.formats if fmt in IMAGE_EDGES]
        try:
            if self.options.max_image_edge:
                return process_image(data, max_edge=self.options.max_image_edge, name=name)
            return process_image(data, max_edge=max_edge, name=name, other_edges=others)
        except ExportError as error:
            raise self._about(error, figure) from None

    def _about(self, error: ExportError, picture: Picture) -> ExportError:
        """The error names the source line of the picture (when it is about the source, not a file the picture
        names) and, in a packet, the article the picture is in."""
        if error.file in (None, str(self.source_path)):
            error.file = None
            error.located(*self.place_of(picture))
        if isinstance(self.document, Packet):
            for number, article in enumerate(self.document.articles, start=1):
                if any(found is picture for found in [*article.figures(), *article.inline_images()]):
                    return error.in_article(number, article.title)
        return error

    def _locate(self, figure: Picture) -> tuple[bytes, str] | None:
        reference = figure.image
        if reference in self.embedded_images:
            return self.embedded_images[reference], reference
        if is_remote(reference):
            if self.options.allow_network:
                try:
                    return self.confinement.fetch(reference), reference
                except ExportError as error:
                    raise ExportError(f"image {reference}: {error.problem}", file=self.source_path) from None
            found = self._from_images_dir(figure)
            if found is None:
                self._missing(figure, "is remote and --allow-network is off")
            return found
        path = self.confinement.local_path(reference, self.base_dir)
        if path.exists():
            return self._read(path), reference
        self.files_missing.append(path)
        found = self._from_images_dir(figure)
        if found is None:
            self._missing(figure, "was not found")
        return found

    def _from_images_dir(self, figure: Picture) -> tuple[bytes, str] | None:
        """`--images DIR` supplies photos by VIRIN (`DIR/<VIRIN>.jpg`) or by file name."""
        folder = self.options.images_dir
        if folder is None:
            return None
        names: list[str] = []
        if isinstance(figure, Figure) and figure.virin:
            names += [figure.virin + suffix for suffix in IMAGE_SUFFIXES]
        basename = figure.image.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        if basename:
            names.append(basename)
        for name in names:
            candidate = folder / name
            if candidate.exists() and self.confinement.allows(candidate):
                return self._read(candidate), str(candidate)
            self.files_missing.append(candidate)
        return None

    def _read(self, path: Path) -> bytes:
        self.files_read.append(path)
        return self.confinement.read(path, MAX_IMAGE_FILE_BYTES, "images")

    def _missing(self, figure: Picture, why: str) -> None:
        shown = "the figure is shown as 'photo not included'" if isinstance(figure, Figure) else "its alt text is shown"
        file, line = self.place_of(figure)
        self.warnings.warn(f"image {figure.image} {why}: {shown}", file=file, line=line, strict_error=True)

    def place_of(self, picture: Picture) -> Place:
        return self.picture_places.get(id(picture), Place(self.source_path))

"""Pictures out of the DOCX media, byte for byte (the resolution the DOCX stores), named by VIRIN.

Nothing is written to disk here: the reader hands the bytes over in memory (`ReadResult.images`, keyed by
each figure's `image` reference). `exporter build` renders straight from them; `exporter import` writes them
into `<output stem>_files/` beside the imported file (`relocate_images`).
"""

from __future__ import annotations

import hashlib
import io
import warnings as python_warnings
from urllib.parse import unquote, urlsplit

from exporter.errors import ExportError
from exporter.images import MAX_PIXELS
from exporter.model import Article, InlineImage, Packet
from exporter.readers.docx.drawings import Drawing
from exporter.readers.docx.figures import FigureSource
from exporter.readers.docx.package import Package

# A linked picture's name is read as a reference (a URL path) again: these would change what it names.
UNSAFE_IN_NAMES = frozenset("%:#?")
IMAGE_FORMATS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "TIFF": "tif",
    "BMP": "bmp",
}


def image_extension(data: bytes, label: str) -> str | None:
    """The file extension for a picture Pillow can read (None for EMF, WMF, SVG ...); refuses a picture
    whose header declares more pixels than any output would use (a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                image_format = image.format or ""
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExportError(f"refused: {label} is too large (decompression bomb)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if width * height > MAX_PIXELS:
        raise ExportError(f"refused: {label} is {width} x {height} pixels: too large (decompression bomb?)")
    return IMAGE_FORMATS.get(image_format)


def extract_images(
    package: Package, sources: list[FigureSource], warnings: list[str], decorative_digests: set[str]
) -> dict[str, bytes]:
    """Point every figure at its picture: an embedded one by a file name (VIRIN where known), a linked one by
    its URL; a photo the DOCX does not hold gets a name `--images DIR` can supply it under.

    A picture without alt text whose bytes the writer listed as decorative (`decorative_digests`) is marked
    decorative again: LibreOffice drops Word's flag on save but keeps the picture's bytes."""
    images: dict[str, bytes] = {}
    for source in sources:
        figure, drawing, number = source.figure, source.drawing, source.number
        if isinstance(figure, InlineImage):
            _point_inline(package, figure, drawing, number, images, warnings)
            continue
        stem = figure.virin or f"figure-{number}"
        label = f"figure {number}'s picture"
        if drawing is not None and drawing.target is not None and package.has(drawing.target):
            data = package.parts[drawing.target]
            extension = image_extension(data, label)
            if extension is not None:
                if not figure.decorative and not figure.alt:
                    if hashlib.sha256(data).hexdigest() in decorative_digests:
                        figure.decorative = True
                    else:
                        warnings.append(
                            f"figure {number}: the picture has no alt text; add alt text, or mark it "
                            "decorative if it is (LibreOffice drops Word's decorative flag when it saves)"
                        )
                name = _unique(f"{stem}.{extension}", data, images)
                images[name] = data
                figure.image = name
                continue
            warnings.append(
                f"figure {number}: its picture ({drawing.target.rsplit('/', 1)[-1]}) is not in a format the "
                "outputs can use (JPEG, PNG, GIF, WebP, TIFF); the figure is shown as 'photo not included'"
            )
        elif (
            drawing is not None
            and drawing.external
            and urlsplit(drawing.external).scheme in ("http", "https")
        ):
            figure.image = drawing.external
            warnings.append(
                f"figure {number}: the picture is linked, not embedded ({drawing.external}); it is fetched "
                "only with --allow-network"
            )
            continue
        elif drawing is not None and drawing.external and (linked := linked_file_name(drawing.external)):
            # An absolute path is the author's machine, and an untrusted DOCX must not point the build at files of
            # its choosing: only the file's name is kept, looked up beside the DOCX and in --images.
            figure.image = linked
            warnings.append(
                f"figure {number}: the picture is linked to a file, not embedded ({drawing.external}); it is "
                f"read as {linked} from the DOCX's folder or --images DIR"
            )
            continue
        elif not figure.decorative or drawing is not None:
            warnings.append(
                f"figure {number}: the DOCX does not hold this photo; the figure refers to {stem}.jpg "
                "(supply it with --images DIR)"
            )
        figure.image = f"{stem}.jpg"
    return images


def _point_inline(
    package: Package, image: InlineImage, drawing: Drawing | None, number: int, images: dict[str, bytes],
    warnings: list[str],
) -> None:
    """A picture inside the text: the embedded picture, else its alt text stands in the sentence."""
    label = f"picture {number} (inside the text)"
    if drawing is not None and drawing.target is not None and package.has(drawing.target):
        data = package.parts[drawing.target]
        extension = image_extension(data, label)
        if extension is not None:
            name = _unique(f"image-{number}.{extension}", data, images)
            images[name] = data
            image.image = name
            return
    warnings.append(f"{label}: the DOCX does not hold it in a format the outputs can use; its alt text is shown")


def linked_file_name(target: str) -> str | None:
    """Where to look for a linked picture: a relative path that stays below the DOCX's folder as it stands, else
    the file name at the end of the path or file: URL (Windows paths included). None for another kind of address
    or a path that ends in no file name."""
    parts = urlsplit(target)
    drive = len(parts.scheme) == 1  # C:\photos\a.jpg: a drive letter, not a scheme
    if parts.scheme.lower() not in ("", "file") and not drive:
        return None
    path = unquote(target if drive else parts.path).replace("\\", "/")
    steps = path.split("/")
    if not parts.scheme and not path.startswith("/") and all(step.strip(". ") for step in steps):
        found = path
    else:
        found = steps[-1] if steps[-1].strip(". ") else ""
    return found if found and not any(char in UNSAFE_IN_NAMES or ord(char) < 32 for char in found) else None


def _unique(name: str, data: bytes, taken: dict[str, bytes]) -> str:
    """The same picture used twice keeps one name; a different picture under a taken name gets a suffix."""
    if name not in taken or taken[name] == data:
        return name
    stem, _, extension = name.rpartition(".")
    counter = 2
    while f"{stem}-{counter}.{extension}" in taken and taken[f"{stem}-{counter}.{extension}"] != data:
        counter += 1
    return f"{stem}-{counter}.{extension}"


def relocate_images(document: Article | Packet, images: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """For `exporter import`: figures refer to `<folder>/<name>` (the output's `<stem>_files/`), whose files
    are returned for the caller to write beside the output."""
    articles = document.articles if isinstance(document, Packet) else [document]
    for article in articles:
        for picture in [*article.figures(), *article.inline_images()]:
            if picture.image in images:
                picture.image = f"{folder}/{picture.image}"
    return dict(images)

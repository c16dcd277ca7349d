"""Images as they go into outputs: orientation applied, ICC profile kept, camera metadata dropped,
resized per format, decompression bombs refused. Results are cached by content hash."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exporter.errors import ExportError

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 100_000_000  # 10000 x 10000; more is treated as a decompression bomb
CORE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "MPO"}
FORMAT_OF_EXTENSION = {
    "jpg": {"JPEG", "MPO"},
    "jpeg": {"JPEG", "MPO"},
    "png": {"PNG"},
    "gif": {"GIF"},
    "webp": {"WEBP"},
    "tif": {"TIFF"},
    "tiff": {"TIFF"},
    "bmp": {"BMP"},
}
ORIENTATION = 0x0112  # the EXIF tag
# IHDR bit depth 8 with colour type grey, RGB, grey + alpha or RGBA: what output_pixels keeps as it is.
_PLAIN_PNG = {bytes((8, colour_type)) for colour_type in (0, 2, 4, 6)}


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    media_type: str
    extension: str
    width: int
    height: int
    digest: str  # sha256 of the processed bytes


# Processed images by (content digest, long edge, extension): each format asks again for the same photos. Only
# the small processed results are kept, never the originals or their pixels.
_CACHE: dict[tuple[str, int | None, str], ProcessedImage] = {}
_CACHE_SIZE = 64


def process_image(
    data: bytes, *, max_edge: int | None, name: str = "image", other_edges: Iterable[int | None] = ()
) -> ProcessedImage:
    """The image as it goes into an output whose photos are at most `max_edge` pixels on their long side.

    `other_edges` are the sizes other formats of the same build will ask for: the source is decoded once (at
    the largest of them) and every size is made from those pixels and cached, so a later request costs nothing.
    """
    digest = hashlib.sha256(data).hexdigest()
    # The name's extension is part of the key: the same bytes under a misleading name must still be refused.
    extension = name.rpartition(".")[2].lower()
    cached = _CACHE.get((digest, max_edge, extension))
    if cached is None:
        edges = [max_edge, *(edge for edge in other_edges if edge != max_edge)]
        wanted = [edge for edge in dict.fromkeys(edges) if (digest, edge, extension) not in _CACHE]
        for edge, processed in zip(wanted, _process(data, wanted, name), strict=True):
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[(digest, edge, extension)] = processed
        cached = _CACHE[(digest, max_edge, extension)]
    return cached


def clear_cache() -> None:
    _CACHE.clear()


def _largest(edges: list[int | None]) -> int | None:
    return None if None in edges else max(edge for edge in edges if edge is not None)


def _process(data: bytes, edges: list[int | None], name: str) -> list[ProcessedImage]:
    """One decode of `data`, one output per long-edge limit in `edges` (None: no limit)."""
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    if not data:
        raise ExportError(f"image {name} is empty (zero bytes)")
    # WeasyPrint sets this for the whole process when it is imported; a damaged image is refused here whatever
    # ran before (WeasyPrint only ever receives the images made here).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ExportError(
                    f"image {name} is {width} x {height} pixels: too large (decompression bomb?)"
                )
            _draft(image, _largest(edges))
            image.load()
    except ExportError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ExportError(f"image {name} is too large (decompression bomb)") from None
    except UnidentifiedImageError:
        raise ExportError(f"image {name} is not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ExportError(f"image {name} is damaged or truncated ({error})") from None

    source_format = image.format or ""
    if source_format not in ACCEPTED_FORMATS:
        raise ExportError(
            f"image {name} is in {source_format or 'an unknown'} format, which is not supported "
            "(use JPEG, PNG, GIF, WebP or TIFF)"
        )
    extension = name.split("?", 1)[0].rsplit("/", 1)[-1].rpartition(".")[2].lower() if "." in name else ""
    expected = FORMAT_OF_EXTENSION.get(extension)
    if expected is not None and source_format not in expected:
        raise ExportError(f"image {name} is a {source_format} file, not what its .{extension} extension says")
    decoded_size = image.size
    single_frame = getattr(image, "n_frames", 1) == 1
    source_icc = image.info.get("icc_profile")
    # exif_transpose copies the whole image even when there is nothing to turn: ask first.
    upright = image.getexif().get(ORIENTATION) not in range(2, 9)
    if not upright:
        image = ImageOps.exif_transpose(image)
    if not single_frame:
        image.seek(0)
    converted, icc_profile = output_pixels(image, source_icc)
    unchanged = upright and single_frame and converted is image and decoded_size == (width, height)
    keep_png = converted.mode in ("RGBA", "LA") or source_format in ("PNG", "GIF")
    results: list[ProcessedImage] = []
    for edge in edges:
        fits = not edge or max(converted.size) <= edge
        stripped = _stripped(data, source_format, keep_icc=icc_profile is not None) if fits and unchanged else None
        if stripped is not None:
            media_type, suffix = CORE_FORMATS["JPEG" if source_format == "JPEG" else "PNG"]
            results.append(_result(stripped, media_type, suffix, converted.width, converted.height))
            continue
        pixels = converted
        if not fits:
            pixels = converted.copy() if edge != edges[-1] else converted
            pixels.thumbnail((edge, edge), Image.Resampling.LANCZOS)
        results.append(_encoded(pixels, "PNG" if keep_png else "JPEG", icc_profile))
    return results


def _draft(image: Image.Image, edge: int | None) -> None:
    """Let a JPEG decode straight at a reduced scale (1/2, 1/4, 1/8) no smaller than the largest size asked
    for: a 6000 px photo for a 2000 px output is decoded at 3000 px, not in full."""
    if edge is None or image.format not in ("JPEG", "MPO") or max(image.size) <= edge:
        return
    scale = edge / max(image.size)
    image.draft(None, (max(1, round(image.width * scale)), max(1, round(image.height * scale))))


def _stripped(data: bytes, source_format: str, *, keep_icc: bool) -> bytes | None:
    from exporter.image_strip import strip_jpeg, strip_png

    if source_format == "JPEG":
        return strip_jpeg(data, keep_icc=keep_icc)
    if source_format == "PNG" and data[24:26] in _PLAIN_PNG:
        return strip_png(data, keep_icc=keep_icc)
    return None


def _encoded(image: Image.Image, target: str, icc_profile: bytes | None) -> ProcessedImage:
    # Only the pixels and the ICC profile go out: Pillow would otherwise copy what `info` still holds (a JPEG
    # comment, XMP, text chunks) into the new file. Orientation is already applied to the pixels.
    image.info = {}
    buffer = io.BytesIO()
    save_args: dict[str, object] = {"optimize": True}
    if icc_profile:
        save_args["icc_profile"] = icc_profile
    if target == "JPEG":
        save_args["quality"] = 88
    image.save(buffer, format=target, **save_args)
    media_type, extension = CORE_FORMATS[target]
    return _result(buffer.getvalue(), media_type, extension, image.width, image.height)


def _result(data: bytes, media_type: str, extension: str, width: int, height: int) -> ProcessedImage:
    return ProcessedImage(data, media_type, extension, width, height, hashlib.sha256(data).hexdigest())


def output_pixels(image: Image.Image, icc_profile: bytes | None) -> tuple[Image.Image, bytes | None]:
    """The image in a mode every output format carries (L, LA, RGB, RGBA), its tones kept, and the ICC profile
    that still describes it (None when the pixels were converted to sRGB).

    Pillow's plain `convert` is not enough: it clips 16- and 32-bit and floating-point grey to 8 bits (a 16-bit
    scan comes out white) and converts CMYK naively, leaving a CMYK profile on RGB pixels."""
    mode = image.mode
    transparent = "transparency" in image.info
    if mode.startswith("I") or mode == "F":
        image = _grey_8bit(image)
    elif mode in ("CMYK", "LAB"):
        image, icc_profile = _to_srgb(image, icc_profile), None
    elif mode in ("1", "L", "LA", "La"):
        image = _converted(image, "LA" if transparent or mode in ("LA", "La") else "L")
    elif mode in ("RGBA", "RGBa", "PA") or transparent:
        image = _converted(image, "RGBA")
    else:  # P, RGB, RGBX, YCbCr, HSV: three colour channels
        image = _converted(image, "RGB")
    described = "GRAY" if image.mode in ("L", "LA") else "RGB"
    return image, icc_profile if _profile_space(icc_profile) == described else None


def _converted(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)


def _grey_8bit(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and floating-point grey to 8 bits by scaling, not clipping. 16-bit images use their full
    range; other integer images that fit in 8 or 16 bits are read as such; floating point in [0, 1] as
    fractions; anything else is stretched from its darkest to its lightest value."""
    sixteen_bit = image.mode.startswith("I;16")
    if image.mode != "F":
        image = image.convert("I")
    low, high = image.getextrema()
    if sixteen_bit or (image.mode == "I" and low >= 0 and 255 < high <= 65535):
        low, high = 0, 65535
    elif image.mode == "F" and low >= 0 and high <= 1:
        low, high = 0, 1
    elif low >= 0 and high <= 255:
        low, high = 0, 255
    scale = 255 / (high - low) if high > low else 1
    return image.point(lambda value: value * scale - low * scale).convert("L")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """CMYK and Lab through their ICC profile (or the built-in one for Lab) to sRGB; CMYK without a profile
    as Pillow converts it."""
    from PIL import ImageCms

    try:
        if icc_profile:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        elif image.mode == "LAB":
            source = ImageCms.createProfile("LAB")
        else:
            return image.convert("RGB")
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image.convert("RGB")


def _profile_space(icc_profile: bytes | None) -> str | None:
    """The colour space an ICC profile describes ("RGB", "GRAY", "CMYK"...), from its header."""
    if not icc_profile or len(icc_profile) < 20:
        return None
    return icc_profile[16:20].decode("ascii", "replace").strip()

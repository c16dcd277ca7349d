"""Images as they go into outputs: orientation applied, ICC profile kept, camera metadata dropped,
resized per format, decompression bombs refused. Results are cached by content hash."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from exporter.errors import ExportError

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


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    media_type: str
    extension: str
    width: int
    height: int
    digest: str  # sha256 of the processed bytes


# Processed images by (content digest, long edge): each format asks again for the same photos. Only the small
# processed results are kept, never the originals.
_CACHE: dict[tuple[str, int | None, str], ProcessedImage] = {}
_CACHE_SIZE = 64


def process_image(data: bytes, *, max_edge: int | None, name: str = "image") -> ProcessedImage:
    # The name's extension is part of the key: the same bytes under a misleading name must still be refused.
    key = (hashlib.sha256(data).hexdigest(), max_edge, name.rpartition(".")[2].lower())
    cached = _CACHE.get(key)
    if cached is None:
        cached = _process(data, max_edge, name)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    return cached


def clear_cache() -> None:
    _CACHE.clear()


def _process(data: bytes, max_edge: int | None, name: str) -> ProcessedImage:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ExportError(f"image {name} is empty (zero bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ExportError(
                    f"image {name} is {width} x {height} pixels: too large (decompression bomb?)"
                )
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
    icc_profile = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if max_edge and max(image.size) > max_edge:
        image.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)

    keep_png = has_alpha or source_format in ("PNG", "GIF")
    target = "PNG" if keep_png else "JPEG"
    buffer = io.BytesIO()
    save_args: dict[str, object] = {}
    if icc_profile:
        save_args["icc_profile"] = icc_profile
    if target == "JPEG":
        save_args.update(quality=88, optimize=True)
    else:
        save_args.update(optimize=True)
    image.save(buffer, format=target, **save_args)
    media_type, extension = CORE_FORMATS[target]
    output = buffer.getvalue()
    return ProcessedImage(
        output, media_type, extension, image.width, image.height, hashlib.sha256(output).hexdigest()
    )

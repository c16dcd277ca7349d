"""Bad and hostile images: each is refused with one clear line and no output, or handled safely."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SAMPLES

PHOTO = SAMPLES / "images" / "nasa-eileen-collins.png"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb that costs nothing to make."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def icon_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "ICO")
    return buffer.getvalue()


CASES = [
    ("zero.png", b"", "is empty (zero bytes)"),
    ("truncated.jpg", jpeg_bytes()[:200], "damaged or truncated"),
    ("text.png", b"this is not an image at all\n", "not an image Pillow can read"),
    ("bomb.png", png_claiming(20000, 20000), "too large"),
    ("wrongext.jpg", PHOTO.read_bytes(), "is a PNG file, not what its .jpg extension says"),
    ("icon.ico", icon_bytes(), "not supported"),
]


@pytest.mark.parametrize(("name", "data", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_image_is_refused_cleanly(
    tmp_path: Path, exporter_cli, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    source = tmp_path / "article.md"
    source.write_text(f'---\ntitle: T\n---\n\n![Cap]({name}){{alt="A photo"}}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "html", "--out", out)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0] and "article.md" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_exif_orientation_applied_and_metadata_dropped(tmp_path: Path, exporter_cli) -> None:
    image = Image.new("RGB", (60, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0)}  # GPS
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(tmp_path / "camera.jpg", "JPEG", exif=exif, icc_profile=profile)
    source = tmp_path / "article.md"
    source.write_text('---\ntitle: T\n---\n\n![Cap](camera.jpg){alt="Blue box"}\n', encoding="utf-8")
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "out" / "article_files" / "camera.jpg") as written:
        assert written.size == (30, 60)  # orientation applied
        assert not written.getexif()
        assert written.info.get("icc_profile") == profile


@pytest.mark.slow
def test_no_camera_metadata_in_any_format(tmp_path: Path, exporter_cli) -> None:
    """A photo with EXIF, GPS and a maker note comes out of every format without them, orientation applied."""
    import zipfile

    import pikepdf

    image = Image.new("RGB", (80, 40), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0)}
    image.save(tmp_path / "camera.jpg", "JPEG", exif=exif)
    source = tmp_path / "article.md"
    source.write_text('---\ntitle: T\n---\n\n![Cap](camera.jpg){alt="Blue box"}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "html,pdf,epub,docx", "--out", out)
    assert result.returncode == 0, result.stderr

    found: dict[str, list[bytes]] = {"html": [(out / "article_files" / "camera.jpg").read_bytes()]}
    for fmt, prefix in (("epub", "EPUB/images/"), ("docx", "word/media/")):
        with zipfile.ZipFile(out / f"article.{fmt}") as package:
            found[fmt] = [package.read(n) for n in package.namelist() if n.startswith(prefix)]
    with pikepdf.open(out / "article.pdf") as pdf:
        found["pdf"] = [
            pikepdf.PdfImage(obj).read_bytes() if obj.get("/Filter") != "/DCTDecode" else obj.read_raw_bytes()
            for page in pdf.pages
            for obj in page.get_images().values()
        ]
    for fmt, images in found.items():
        assert images, f"{fmt}: no image found"
        for data in images:
            assert b"Exif\x00\x00" not in data and b"CameraMaker" not in data, fmt
    with Image.open(io.BytesIO(found["docx"][0])) as docx_image:
        assert docx_image.size == (40, 80)


def test_a_damaged_image_is_refused_after_weasyprint_was_imported() -> None:
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process: a PDF built earlier in
    the same process (a batch, the web app's warm workers) must not make a cut-off photo pass as whole."""
    import random

    import weasyprint  # noqa: F401 - imported for its side effect on Pillow

    from exporter.errors import ExportError
    from exporter.images import clear_cache, process_image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), random.Random(0).randbytes(64 * 64 * 3)).save(buffer, "PNG")
    cut = buffer.getvalue()[: len(buffer.getvalue()) * 3 // 5]
    clear_cache()
    with pytest.raises(ExportError, match="damaged or truncated"):
        process_image(cut, max_edge=2000, name="cut.png")

"""Images are decoded once per build at the largest size any format needs (JPEG straight at a reduced scale),
and an image that needs no change but metadata removal keeps its compressed pixels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from exporter.image_strip import strip_jpeg, strip_png
from exporter.images import clear_cache, process_image

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    clear_cache()


def photo(size: tuple[int, int]) -> Image.Image:
    """A deterministic picture with detail in every channel."""
    across = Image.linear_gradient("L").resize(size)
    rings = Image.radial_gradient("L").resize(size)
    return Image.merge("RGB", (across, rings, across.transpose(Image.Transpose.ROTATE_180)))


def tagged_jpeg(size=(96, 64), **save) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "LEAKARTIST"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    buffer = io.BytesIO()
    photo(size).save(buffer, "JPEG", exif=exif.tobytes(), icc_profile=SRGB, comment=b"LEAKCOMMENT",
                     xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">LEAKXMP</x:xmpmeta>', **save)
    return buffer.getvalue() + b"LEAKTRAILER"


def tagged_png(mode: str = "RGB") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "LEAKTEXT")
    info.add_itxt("Author", "LEAKITXT")
    buffer = io.BytesIO()
    icc = SRGB if mode.startswith("RGB") else None  # a grey image's RGB profile would be dropped
    photo((80, 60)).convert(mode).save(buffer, "PNG", pnginfo=info, icc_profile=icc)
    return buffer.getvalue()


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).tobytes()


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_a_jpeg_that_needs_no_change_keeps_its_compressed_pixels(progressive: bool) -> None:
    original = tagged_jpeg(progressive=progressive)
    processed = process_image(original, max_edge=2000, name="photo.jpg")
    assert processed.media_type == "image/jpeg" and (processed.width, processed.height) == (96, 64)
    assert pixels(processed.data) == pixels(original)  # not re-encoded: every pixel as the source decodes
    assert b"LEAK" not in processed.data and len(processed.data) < len(original)
    kept = Image.open(io.BytesIO(processed.data))
    assert kept.info.get("icc_profile") == SRGB and not kept.getexif()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
def test_a_png_that_needs_no_change_keeps_its_compressed_pixels(mode: str) -> None:
    original = tagged_png(mode)
    processed = process_image(original, max_edge=2000, name="photo.png")
    assert processed.data == strip_png(original, keep_icc=True)
    assert pixels(processed.data) == pixels(original) and b"LEAK" not in processed.data
    assert Image.open(io.BytesIO(processed.data)).mode == mode


def test_stripping_refuses_what_it_does_not_understand() -> None:
    jpeg = tagged_jpeg()
    assert strip_jpeg(jpeg[:300], keep_icc=True) is None  # cut inside the tables
    assert strip_jpeg(b"\xff\xd8\xff\xd9", keep_icc=True) is None  # no frame
    png = tagged_png()
    damaged = bytearray(png)
    damaged[40] ^= 0xFF  # inside a chunk: its CRC no longer matches
    assert strip_png(bytes(damaged), keep_icc=True) is None
    assert strip_png(png[:-12], keep_icc=True) is None  # no IEND
    without_icc = strip_jpeg(jpeg, keep_icc=False)
    assert without_icc is not None and "icc_profile" not in Image.open(io.BytesIO(without_icc)).info


def test_an_image_that_changes_is_re_encoded_without_metadata() -> None:
    rotated = Image.Exif()
    rotated[0x0112] = 6
    buffer = io.BytesIO()
    photo((96, 64)).save(buffer, "JPEG", exif=rotated.tobytes(), comment=b"LEAKCOMMENT")
    processed = process_image(buffer.getvalue(), max_edge=None, name="turned.jpg")
    assert (processed.width, processed.height) == (64, 96) and b"LEAK" not in processed.data
    small = process_image(tagged_png(), max_edge=40, name="photo.png")
    assert (small.width, small.height) == (40, 30) and b"LEAK" not in small.data


def decoded_sizes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The size of every image Pillow decodes from now on."""
    sizes: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        if self.tile:
            sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_one_decode_serves_every_format_of_a_build(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    photo((3000, 2000)).save(buffer, "PNG")
    data = buffer.getvalue()
    sizes = decoded_sizes(monkeypatch)
    for edge in (2000, 1600, 2000):
        result = process_image(data, max_edge=edge, name="big.png", other_edges=[2000, 1600])
        assert max(result.width, result.height) == edge
    assert sizes == [(3000, 2000)]


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    photo((4000, 3000)).save(buffer, "JPEG", quality=90)
    sizes = decoded_sizes(monkeypatch)
    result = process_image(buffer.getvalue(), max_edge=900, name="big.jpg", other_edges=[1000])
    assert sizes == [(1000, 750)]  # DCT scaling to 1/4: the smallest scale still at least 1000 px
    assert (result.width, result.height) == (900, 675)
    assert (process_image(buffer.getvalue(), max_edge=1000, name="big.jpg").width, len(sizes)) == (1000, 1)


def test_the_pdf_embeds_the_processed_jpeg_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pikepdf

    from exporter.batch import export_one
    from exporter.errors import ExitCode
    from exporter.options import BuildOptions

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "photo.jpg").write_bytes(tagged_jpeg((300, 200)))
    source = tmp_path / "a.md"
    source.write_text('---\ntitle: T\n---\n\n![A caption](photo.jpg){alt="A photo"}\n', "utf-8")
    result = export_one(source, BuildOptions(formats=("pdf",), out_dir=tmp_path / "out"))
    assert result.code == ExitCode.OK, result.error
    expected = process_image(tagged_jpeg((300, 200)), max_edge=2000, name="photo.jpg").data
    with pikepdf.open(result.outputs[0]) as pdf:
        jpegs = [obj.read_raw_bytes() for obj in pdf.objects
                 if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == pikepdf.Name.DCTDecode]
    assert jpegs == [expected]


def test_a_jpeg_without_jfif_gets_one_so_every_reader_recognises_it() -> None:
    from docx.image.image import Image as DocxImage

    from tests.conftest import SAMPLES

    original = (SAMPLES / "images" / "nasa-hubble-extreme-deep-field.jpg").read_bytes()
    assert original[6:10] != b"JFIF"  # Adobe and EXIF segments only
    processed = process_image(original, max_edge=2000, name="hubble.jpg")
    assert processed.data[6:10] == b"JFIF" and pixels(processed.data) == pixels(original)
    assert DocxImage.from_blob(processed.data).content_type == "image/jpeg"

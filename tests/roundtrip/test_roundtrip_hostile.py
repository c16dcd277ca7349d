"""Untrusted DOCX files: zip bombs, entity expansion, external entities, path traversal and decompression-bomb
images are each refused with one clear line and exit code 2, and nothing is written."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from exporter.errors import ExportError
from exporter.readers.docx import package as docx_package
from tests.conftest import run_exporter
from tests.roundtrip.conftest import read_docx


def rewrite(
    source: Path, target: Path, replace: dict[str, bytes | None], add: dict[str, bytes] | None = None
) -> Path:
    """A copy of a DOCX with some parts replaced (None removes a part) and others added."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    copy.writestr(info.filename, replace[info.filename])
            else:
                copy.writestr(info.filename, original.read(info.filename))
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return target


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height pixels (the pixel data itself is never read)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\x00" * 16)
    body += struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    end = b"IEND"
    return b"\x89PNG\r\n\x1a\n" + body + struct.pack(">I", 0) + end + struct.pack(">I", zlib.crc32(end))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.fixture(scope="module")
def hostile(built_samples, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("roundtrip-hostile")
    plain = built_samples["community-newsletter"].path
    pictured = built_samples["eileen-collins"].path
    made: dict[str, Path] = {}

    made["not a zip"] = folder / "not-a-zip.docx"
    made["not a zip"].write_bytes(b"This is a text file with a .docx extension.\n")

    many = folder / "many-entries.docx"
    rewrite(
        plain, many, {}, {f"customXml/filler{n}.xml": b"<a/>" for n in range(docx_package.MAX_ENTRIES + 1)}
    )
    made["entry count"] = many

    made["compression ratio"] = rewrite(
        plain, folder / "ratio-bomb.docx", {}, {"word/media/bomb.bin": b"\0" * (8 << 20)}
    )

    declared = folder / "declared-size.docx"
    rewrite(plain, declared, {}, {"word/media/huge.bin": b"\0" * (docx_package.MAX_ENTRY_BYTES + 1)})
    made["declared size"] = declared

    made["entity expansion"] = rewrite(
        plain, folder / "billion-laughs.docx", {"word/document.xml": BILLION_LAUGHS}
    )
    made["external entity"] = rewrite(plain, folder / "xxe.docx", {"word/document.xml": EXTERNAL_ENTITY})
    made["part name traversal"] = rewrite(plain, folder / "zip-slip.docx", {}, {"../../evil.xml": b"<a/>"})

    with zipfile.ZipFile(pictured) as archive:
        rels = archive.read("word/_rels/document.xml.rels")
        media = [
            name for name in archive.namelist() if name.startswith("word/media/") and name.endswith(".png")
        ]
    escaped = rels.replace(b'Target="media/', b'Target="../../../../etc/')
    made["relationship traversal"] = rewrite(
        pictured, folder / "rel-traversal.docx", {"word/_rels/document.xml.rels": escaped}
    )
    made["image bomb"] = rewrite(pictured, folder / "image-bomb.docx", {media[0]: png_header(60_000, 60_000)})
    return made


EXPECTED = {
    "not a zip": "not a DOCX",
    "entry count": "entries",
    "compression ratio": "zip bomb",
    "declared size": "zip bomb",
    "entity expansion": "DOCTYPE",
    "external entity": "DOCTYPE",
    "part name traversal": "path traversal",
    "relationship traversal": "path traversal",
    "image bomb": "decompression bomb",
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_roundtrip_hostile_docx_is_refused_by_the_reader(hostile, case):
    with pytest.raises(ExportError) as raised:
        read_docx(hostile[case])
    assert EXPECTED[case] in str(raised.value)
    assert str(hostile[case]) in str(raised.value)


@pytest.mark.slow
def test_roundtrip_hostile_docx_exits_2_with_one_line_and_writes_nothing(hostile, tmp_path):
    for case, path in sorted(hostile.items()):
        output = tmp_path / case.replace(" ", "-") / "article.md"
        completed = run_exporter("import", path, "-o", output)
        assert completed.returncode == 2, (case, completed.stderr)
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (case, completed.stderr)
        assert EXPECTED[case] in lines[0]
        assert not output.parent.exists() or not any(output.parent.iterdir()), case


def test_roundtrip_xml_parser_never_resolves_entities():
    """Defence in depth behind the DOCTYPE refusal: the parser itself loads no DTD and expands nothing."""
    from lxml import etree

    parser = docx_package.xml_parser()
    root = etree.fromstring(b'<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>', parser)
    assert "expanded" not in etree.tostring(root).decode()


def test_roundtrip_part_names_inside_the_package_only():
    assert docx_package.safe_part_name("word/document.xml")
    for name in ("../x.xml", "word/../../x.xml", "/etc/passwd", "C:/x.xml", "word\\x.xml", "word/./x.xml"):
        assert not docx_package.safe_part_name(name), name


def test_roundtrip_png_header_helper_declares_the_size():
    from PIL import Image

    Image.MAX_IMAGE_PIXELS, previous = None, Image.MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(png_header(123, 45))) as image:
            assert image.size == (123, 45)
    finally:
        Image.MAX_IMAGE_PIXELS = previous

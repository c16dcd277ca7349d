"""The bad-input catalogue: every case gives a non-zero exit, one line naming the file and the problem, no
traceback, and no output file (an earlier good output is kept)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import SAMPLES

PHOTO = SAMPLES / "images" / "nasa-eileen-collins.png"
FIGURE = '![Cap](photo.png){alt="A photo"}'


def md(body: str, front: str = "title: T") -> bytes:
    return f"---\n{front}\n---\n\n{body}\n".encode()


def jpeg(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + chunk(b"IEND", b"")


def docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        package.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'))
        package.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    return buffer.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                   b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")

# (case id, input file name, input bytes, extra files, extra CLI arguments)
# A callable stands for bytes too costly to make at collection time.
CASES: list[tuple[str, str, bytes | Callable[[], bytes], dict[str, bytes], list[str]]] = [
    ("yaml-malformed", "a.md", b"---\ntitle: [oops\n---\n\nBody\n", {}, []),
    ("yaml-not-a-mapping", "a.md", b"---\n- just\n- a list\n---\n\nBody\n", {}, []),
    ("yaml-duplicate-key", "a.yaml", b"title: A\ntitle: B\nbody: []\n", {}, []),
    ("yaml-alias-bomb", "a.yaml", b"a: &a [x, x]\nb: &b [*a, *a]\ntitle: T\n", {}, []),
    ("json-malformed", "a.json", b'{"title": "T",\n "body": [}', {}, []),
    ("json-duplicate-key", "a.json", b'{"title": "A",\n "title": "B", "body": []}', {}, []),
    ("json-not-an-object", "a.json", b"[1, 2, 3]", {}, []),
    ("json-wrong-type", "a.json", json.dumps({"title": "T", "body": "not a list"}).encode(), {}, []),
    ("json-unknown-block", "a.json", json.dumps({"title": "T", "body": [{"type": "sidebar"}]}).encode(), {}, []),
    ("json-unknown-field", "a.json", json.dumps({"title": "T", "subtitle": "S", "body": []}).encode(), {}, []),
    ("missing-title", "a.md", md("Body", front="dek: no title"), {}, []),
    ("empty-file", "a.md", b"", {}, []),
    ("empty-article", "a.md", md(""), {}, []),
    # Read with a warning by default (issue 13: Markdown reads what pandoc reads); --strict keeps the refusal.
    ("markdown-level-1-in-body", "a.md", md("# Another title"), {}, ["--strict"]),
    ("markdown-skipped-heading", "a.md", md("## A\n\n#### B"), {}, ["--strict"]),
    ("markdown-inline-image", "a.md", md("Text ![x](photo.png) text"), {"photo.png": PHOTO.read_bytes()},
     ["--strict"]),
    ("markdown-bad-attributes", "a.md", md('![c](photo.png){alt="x {y}"}'), {"photo.png": PHOTO.read_bytes()}, []),
    ("figure-without-alt", "a.md", md("![Only a caption](photo.png)"), {"photo.png": PHOTO.read_bytes()}, []),
    ("alt-is-a-file-name", "a.md", md('![c](photo.png){alt="IMG_2041.JPG"}'), {"photo.png": PHOTO.read_bytes()},
     ["--strict"]),
    ("bad-virin", "a.md", md('![c](photo.png){alt="x" virin="2023-01"}'), {"photo.png": PHOTO.read_bytes()}, []),
    ("unknown-language", "a.md", md("Body", front="title: T\nlanguage: klingonish-xx"), {}, []),
    ("bad-date", "a.md", md("Body", front="title: T\npublished: 14/02/2023"), {}, []),
    ("undecodable-text", "a.md", b"---\ntitle: T\n---\n\n\xff\xfe\xfa caf\xe9\n", {}, []),
    ("missing-image-strict", "a.md", md(FIGURE), {}, ["--strict"]),
    ("zero-byte-image", "a.md", md(FIGURE), {"photo.png": b""}, []),
    ("truncated-image", "a.md", md('![c](photo.jpg){alt="x"}'), {"photo.jpg": jpeg()[:150]}, []),
    ("corrupt-image", "a.md", md(FIGURE), {"photo.png": b"\x89PNG\r\n\x1a\n" + b"garbage" * 20}, []),
    ("image-not-what-extension-says", "a.md", md('![c](photo.jpg){alt="x"}'), {"photo.jpg": PHOTO.read_bytes()}, []),
    ("decompression-bomb", "a.md", md(FIGURE), {"photo.png": png_claiming(20000, 20000)}, []),
    ("unsupported-image-format", "a.md", md('![c](photo.svg){alt="x"}'),
     {"photo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}, []),
    ("unknown-input-kind", "a.xyz", b"whatever", {}, []),
    ("docx-not-a-zip", "a.docx", b"PK but not really a zip file", {}, []),
    ("docx-zip-bomb", "a.docx", zip_bomb_docx, {}, []),
    ("docx-entity-expansion", "a.docx", docx_with(BILLION_LAUGHS), {}, []),
    ("docx-external-entity", "a.docx", docx_with(EXTERNAL_ENTITY), {}, []),
    ("docx-path-traversal", "a.docx", docx_with(b"<w:document/>", {"../../evil.txt": b"x"}), {}, []),
]


@pytest.mark.parametrize(("case", "name", "data", "extra", "arguments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path: Path, exporter_cli, case: str, name: str, data, extra: dict, arguments: list) -> None:
    source = tmp_path / name
    source.write_bytes(data() if callable(data) else data)
    for extra_name, extra_data in extra.items():
        (tmp_path / extra_name).write_bytes(extra_data)
    out = tmp_path / "out"
    result = exporter_cli("build", source, "--to", "html,docx", "--out", out, *arguments)
    assert result.returncode == 2, (case, result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert name in errors[0], errors[0]
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))
    assert not (tmp_path.parent / "evil.txt").exists()


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_failed_rebuild_keeps_the_earlier_good_output(tmp_path: Path, exporter_cli) -> None:
    source = tmp_path / "doc.md"
    source.write_bytes(md("Version one."))
    out = tmp_path / "out"
    assert exporter_cli("build", source, "--to", "html,docx", "--out", out).returncode == 0
    # The build manifest records the failure; the outputs stay as they were.
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != MANIFEST_NAME}
    source.write_bytes(b"---\ntitle: [broken\n---\n")
    assert exporter_cli("build", source, "--to", "html,docx", "--out", out).returncode == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != MANIFEST_NAME} == before

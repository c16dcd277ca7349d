"""The second hardening pass (issue 15): one or more tests per rule of the README's "Security and limits" section,
each on a case of its class, not only on the example the attack run reported."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from exporter.batch import export_one
from exporter.errors import ExitCode
from exporter.images import process_image
from exporter.limits import MAX_NESTING
from exporter.options import BuildOptions
from tests.conftest import FIXED_EPOCH
from tests.hardening.inputs import INPUT_KINDS, output_text, snapshot
from tests.hardening.test_hardening_catalogue import docx_with

ALL_FORMATS = ("html", "pdf", "epub", "docx")


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


def build(source: Path, out: Path, formats=("html",), **options):
    return export_one(source, BuildOptions(formats=formats, out_dir=out, **options))


def refused(result, *words: str) -> None:
    assert result.code == ExitCode.BAD_INPUT, result
    assert result.error and "\n" not in result.error and "Traceback" not in result.error
    for word in words:
        assert word in result.error, result.error


def jpeg(size=(40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG", **save)
    return buffer.getvalue()


# ------------------------------------------------------------ 1. an output never replaces an input


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_building_in_the_input_folder_does_not_overwrite_the_input(tmp_path: Path, exporter_cli, kind: str) -> None:
    source = INPUT_KINDS[kind](tmp_path, "draft")
    before = source.read_bytes()
    result = exporter_cli("build", source.name, "--to", f"{source.suffix[1:]},epub", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "never replaces an input" in errors[0]
    assert source.read_bytes() == before and "wrote" not in result.stdout
    assert not (tmp_path / f"{source.stem}.epub").exists()  # nothing written for that input


def test_import_does_not_overwrite_its_source(tmp_path: Path, exporter_cli) -> None:
    source = INPUT_KINDS["markdown"](tmp_path, "draft")
    before = source.read_bytes()
    result = exporter_cli("import", source, "-o", tmp_path / "." / source.name)
    assert result.returncode == 2 and "never replaces an input" in result.stderr, result.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_an_output_that_is_a_link_to_the_input_is_refused(tmp_path: Path, link: str) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    source = INPUT_KINDS["html"](drafts, "x")
    out = tmp_path / "out"
    out.mkdir()
    (os.symlink if link == "symlink" else os.link)(source, out / "page.html")
    before = source.read_bytes()
    refused(build(source, out), "never replaces an input")
    assert source.read_bytes() == before


def test_an_asset_folder_holding_an_input_is_not_replaced(tmp_path: Path) -> None:
    """`exporter import x.docx -o article.md` keeps the pictures in article_files/; building article.md to
    HTML in the same folder would replace that folder with the page's assets."""
    (tmp_path / "article_files").mkdir()
    (tmp_path / "article_files" / "photo.jpg").write_bytes(jpeg())
    source = tmp_path / "article.md"
    source.write_text('---\ntitle: T\n---\n\n![c](article_files/photo.jpg){alt="A photo"}\n', "utf-8")
    refused(build(source, tmp_path), "never replaces an input")
    assert snapshot(tmp_path / "article_files") == {"photo.jpg": jpeg()}
    assert build(source, tmp_path, formats=("docx",)).code == ExitCode.OK  # no asset folder: nothing to refuse


def test_a_packet_entry_is_an_input_too(tmp_path: Path) -> None:
    INPUT_KINDS["docx"](tmp_path, "entry").rename(tmp_path / "packet.docx")
    entry = (tmp_path / "packet.docx").read_bytes()
    packet = tmp_path / "packet.yaml"
    packet.write_text("title: P\narticles:\n  - packet.docx\n", "utf-8")
    refused(build(packet, tmp_path, formats=("docx",)), "never replaces an input")
    assert (tmp_path / "packet.docx").read_bytes() == entry


@pytest.mark.parametrize("formats", [("html",), ("pdf",), ("docx",)])
def test_a_bad_packet_entry_is_named_by_its_line_or_article(tmp_path: Path, formats) -> None:
    """A packet of many articles: the error says which entry (its line in the packet) or which article."""
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\n\nText.\n", "utf-8")
    (tmp_path / "bad.md").write_text('---\ntitle: Broken photo\n---\n\n![c](bad.jpg){alt="A broken photo"}\n',
                                     "utf-8")
    (tmp_path / "bad.jpg").write_bytes(b"not a picture")
    (tmp_path / "folder").mkdir()
    packet = tmp_path / "packet.yaml"
    for entry, words in [("missing.md", (":4: articles[1]: ", "missing.md: no such file")),
                         ("folder", (":4: articles[1]: folder is a folder",)),
                         ("bad.md", ("article 2 ('Broken photo'): image bad.jpg is not an image",))]:
        packet.write_text(f"title: P\narticles:\n  - good.md\n  - {entry}\n", "utf-8")
        refused(build(packet, tmp_path / "out", formats=formats), *words)


# ------------------------------------------------------------ 2. complete, or refused naming the limit


def test_content_at_the_nesting_limit_renders_completely_in_every_format(tmp_path: Path) -> None:
    quotes = MAX_NESTING - 2  # quotes, then the paragraph, then its text: MAX_NESTING levels
    source = tmp_path / "deep.md"
    source.write_text("---\ntitle: T\n---\n\n" + "> " * quotes + "innermost words\n", "utf-8")
    result = build(source, tmp_path / "out", formats=ALL_FORMATS)
    assert result.code == ExitCode.OK, result.error
    for path in result.outputs:
        assert "innermost words" in output_text(path), path.name


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("quotes.md", "---\ntitle: T\n---\n\n" + "> " * (MAX_NESTING - 1) + "words\n"),
        ("quotes-far.md", "---\ntitle: T\n---\n\n" + "> " * 500 + "words\n"),
        ("lists.md", "---\ntitle: T\n---\n\n" + "".join("  " * i + "- item\n" for i in range(MAX_NESTING + 5))),
        ("emphasis.json", json.dumps({"title": "T", "body": [{"type": "paragraph", "children": [
            json.loads('{"type": "emphasis", "children": [' * 40 + '{"type": "text", "text": "w"}' + "]}" * 40)]}]})),
        ("page.html", "<html><body><article><h1>T</h1>" + "<blockquote>" * 40 + "words" + "</blockquote>" * 40
         + "</article></body></html>"),
    ],
)
def test_content_past_the_limit_is_refused_naming_it(tmp_path: Path, name: str, text: str) -> None:
    source = tmp_path / name
    source.write_text(text, "utf-8")
    refused(build(source, tmp_path / "out"), f"more than {MAX_NESTING} levels deep (the limit)")


def _gradient(mode: str, top: float) -> Image.Image:
    image = Image.new(mode, (64, 8))
    image.putdata([top * x / 63 for x in range(64)] * 8 if mode == "F" else [int(top * x / 63) for x in range(64)] * 8)
    return image


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _palette_with_transparency() -> bytes:
    image = Image.new("P", (64, 8), 1)
    image.putpalette([0, 0, 0, 128, 128, 128] + [0] * 762)
    image.paste(0, (0, 0, 32, 8))
    return _saved(image, "PNG", transparency=0)


# (name, bytes, expected grey (or RGB) at x = 0, 32 and 63 of the first row)
TONES = [
    ("16-bit grey PNG", _saved(_gradient("I;16", 65535), "PNG"), (0, 129, 255)),
    ("32-bit grey TIFF in 16-bit range", _saved(_gradient("I", 65535), "TIFF"), (0, 129, 255)),
    ("32-bit grey TIFF in 8-bit range", _saved(_gradient("I", 255), "TIFF"), (0, 129, 255)),
    ("float TIFF in [0, 1]", _saved(_gradient("F", 1.0), "TIFF"), (0, 129, 255)),
    ("float TIFF in [0, 255]", _saved(_gradient("F", 255.0), "TIFF"), (0, 129, 255)),
]


@pytest.mark.parametrize(("name", "data", "expected"), TONES, ids=[t[0] for t in TONES])
def test_deep_grey_keeps_its_tones(name: str, data: bytes, expected: tuple[int, ...]) -> None:
    processed = process_image(data, max_edge=None, name="image.png" if "PNG" in name else "image.tif")
    image = Image.open(io.BytesIO(processed.data))
    assert image.mode == "L"
    for x, value in zip((0, 32, 63), expected, strict=True):
        assert abs(image.getpixel((x, 0)) - value) <= 3, (x, image.getpixel((x, 0)), value)


def test_other_modes_keep_colour_and_transparency() -> None:
    def first_pixel(data: bytes, name: str):
        return Image.open(io.BytesIO(process_image(data, max_edge=None, name=name).data))

    grey_alpha = first_pixel(_saved(Image.new("LA", (8, 8), (100, 50)), "PNG"), "a.png")
    assert grey_alpha.mode == "LA" and grey_alpha.getpixel((0, 0)) == (100, 50)
    palette = first_pixel(_palette_with_transparency(), "p.png")
    assert palette.mode == "RGBA" and palette.getpixel((0, 0))[3] == 0
    assert palette.getpixel((40, 0)) == (128, 128, 128, 255)
    cmyk = first_pixel(_saved(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"), "c.jpg")
    red, green, blue = cmyk.getpixel((4, 4))
    assert cmyk.mode == "RGB" and red > 200 and green < 60 and blue < 60


def test_a_16_bit_photo_is_not_white_in_any_format(tmp_path: Path) -> None:
    (tmp_path / "scan.png").write_bytes(_saved(Image.new("I;16", (64, 48), 32768), "PNG"))
    source = tmp_path / "a.md"
    source.write_text('---\ntitle: T\n---\n\n![c](scan.png){alt="A grey scan"}\n', "utf-8")
    result = build(source, tmp_path / "out", formats=ALL_FORMATS)
    assert result.code == ExitCode.OK, result.error
    for image in images_in_outputs(result.outputs):
        assert 120 <= image.convert("L").getpixel((10, 10)) <= 136, image


def images_in_outputs(outputs: list[Path]) -> list[Image.Image]:
    import pikepdf

    found = []
    for path in outputs:
        if path.suffix == ".pdf":
            with pikepdf.open(path) as pdf:
                for page in pdf.pages:
                    for raw in page.get_images().values():
                        found.append(pikepdf.PdfImage(raw).as_pil_image())
        elif path.suffix in (".docx", ".epub"):
            with zipfile.ZipFile(path) as package:
                found += [Image.open(io.BytesIO(package.read(n))) for n in package.namelist()
                          if n.lower().endswith((".png", ".jpg", ".jpeg"))]
        else:
            assets = path.with_name(path.stem + "_files")
            found += [Image.open(p) for p in assets.rglob("*") if p.suffix in (".png", ".jpg")]
    assert len(found) == len(outputs), found
    return found


# ------------------------------------------------------------ 3. one line, exit 0, 1 or 2, whatever the input


def _deep_docx(levels: int) -> bytes:
    inner = "<w:p><w:r><w:t>deep</w:t></w:r></w:p>"
    for _ in range(levels):
        inner = f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return docx_with(f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                     f"<w:body>{inner}</w:body></w:document>".encode())


def _docx_with_property(name: str, value: str) -> bytes:
    custom = ('<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}">'
              f"<vt:lpwstr>{value}</vt:lpwstr></property></Properties>")
    body = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Title</w:t></w:r></w:p>'
            "<w:p><w:r><w:t>Body text.</w:t></w:r></w:p></w:body></w:document>")
    return docx_with(body.encode(), {"docProps/custom.xml": custom.encode()})


BAD_SHAPES = [
    ("unquoted-impossible-date.md", b"---\ntitle: T\npublished: 2023-02-30\n---\n\nBody\n", ["a.md:3", "2023-02-30"]),
    ("unquoted-impossible-date.yaml", b"title: T\nupdated: 2021-13-01\nbody: []\n", [":2", "2021-13-01"]),
    ("deep.json", b'{"title": "T", "body": ' + b"[" * 5000 + b"]" * 5000 + b"}", ["levels deep (the limit)"]),
    ("deep-but-parsable.json", b'{"title": "T", "body": ' + b"[" * 300 + b"]" * 300 + b"}",
     ["levels deep (the limit)"]),
    ("deep.yaml", b"title: T\nbody: " + b"[" * 5000 + b"]" * 5000 + b"\n", ["levels deep (the limit)"]),
    ("deep-html.html", b"<html><body><h1>T</h1>" + b"<div>" * 3000 + b"x" + b"</div>" * 3000 + b"</body></html>",
     ["levels deep"]),
    ("deep.docx", _deep_docx(300), ["nested more than 256 levels deep (the limit)"]),
    ("huge-number.json", b'{"title": "T", "body": [{"type": "list", "ordered": true, "start": ' + b"9" * 5000
     + b', "items": [[]]}]}', ["digits (the limit)"]),
    ("huge-number.yaml", b"title: T\nbody:\n  - type: list\n    start: " + b"9" * 5000 + b"\n", [":4", "digits"]),
    ("huge-span.json", json.dumps({"title": "T", "body": [{"type": "table", "rows": [{"cells": [
        {"children": "x", "colspan": 10**8}]}]}]}).encode(), ["colspan"]),
    ("huge-grid.json", json.dumps({"title": "T", "body": [{"type": "table", "rows": [
        {"cells": [{"children": "wide", "colspan": 1000}]}, *[{"cells": [{"children": "x"}]}] * 100]}]}).encode(),
     ["101000 cells", "(the limit)"]),
    ("huge-start.json", json.dumps({"title": "T", "body": [{"type": "list", "ordered": True, "start": 10**20,
                                                            "items": [[]]}]}).encode(), ["start"]),
    ("oversized-property.docx", _docx_with_property("exporter.source_url", "https://a.gov/" + "x" * 100_000),
     ["custom property", "limit"]),
]


@pytest.mark.parametrize(("name", "data", "words"), BAD_SHAPES, ids=[c[0] for c in BAD_SHAPES])
def test_every_shape_of_input_ends_in_one_line(tmp_path: Path, name: str, data: bytes, words: list[str]) -> None:
    source = tmp_path / ("a" + Path(name).suffix)
    source.write_bytes(data)
    refused(build(source, tmp_path / "out", formats=("html", "docx")), *words)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_deep_list_in_a_custom_property_is_ignored_not_a_crash(tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    source.write_bytes(_docx_with_property("exporter.byline_people", "[" * 50_000))
    result = build(source, tmp_path / "out")
    assert result.code == ExitCode.OK, result.error


@pytest.mark.parametrize("kind", ["fifo", "device", "link-to-device"])
def test_only_regular_files_are_read(tmp_path: Path, exporter_cli, kind: str) -> None:
    source = tmp_path / "input.md"
    if kind == "fifo":
        os.mkfifo(source)
    else:
        os.symlink("/dev/zero", source)
    argument = "/dev/zero" if kind == "device" else source
    result = exporter_cli("build", argument, "--from", "markdown", "--out", tmp_path / "out", timeout=60)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "not a regular file" in errors[0], result.stderr


def test_an_image_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "photo.jpg")
    source = tmp_path / "a.md"
    source.write_text('---\ntitle: T\n---\n\n![c](photo.jpg){alt="A photo"}\n', "utf-8")
    refused(build(source, tmp_path / "out"), "not a regular file")


def test_the_size_cap_does_not_trust_the_reported_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file may be bigger than the file system says (files under /proc report 0 bytes, a file can grow while it
    is read): the cap counts the bytes read."""
    import exporter.readers

    source = tmp_path / "big.md"
    source.write_text("---\ntitle: T\n---\n\n" + "words " * 400, "utf-8")
    monkeypatch.setattr(exporter.readers, "MAX_TEXT_INPUT_BYTES", 1000)

    def small(real):
        def reported(*args, **kwargs):
            found = real(*args, **kwargs)
            return os.stat_result((*found[:6], 10, *found[7:10]))
        return reported

    monkeypatch.setattr(os, "stat", small(os.stat))
    monkeypatch.setattr(os, "fstat", small(os.fstat))
    refused(build(source, tmp_path / "out"), "limit")


# ------------------------------------------------------------ 4. a folder input keeps to the folder


def test_a_folder_input_refuses_links_out_of_it(tmp_path: Path, exporter_cli) -> None:
    elsewhere = tmp_path / "private"
    elsewhere.mkdir()
    secret = INPUT_KINDS["markdown"](elsewhere, "secret words")
    folder = tmp_path / "articles"
    folder.mkdir()
    INPUT_KINDS["json"](folder, "public")
    os.symlink(secret, folder / "leak.md")
    os.symlink(folder / "article.json", folder / "alias.json")  # a link inside the folder is fine
    out = tmp_path / "out"
    result = exporter_cli("build", folder, "--to", "html", "--out", out)
    assert result.returncode == 2, result.stderr
    assert re.search(r"^error: .*leak\.md: a link to .*outside the folder", result.stderr, re.M), result.stderr
    assert sorted(p.name for p in out.glob("*.html")) == ["alias.html", "article.html"]


# ------------------------------------------------------------ 5. only pixels, the ICC profile and orientation


def _tagged_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "LEAKDESCRIPTION"
    exif[0x013B] = "LEAKARTIST"
    exif[0x0112] = 6  # rotate 90 degrees: the only thing from EXIF that must survive, applied to the pixels
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg((40, 30), comment=b"LEAKCOMMENT", exif=exif.tobytes(), icc_profile=icc,
                xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">LEAKXMP</x:xmpmeta>')


def _tagged_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "LEAKTEXT")
    info.add_itxt("Author", "LEAKITXT")
    info.add_text("Description", "LEAKZTXT", zip=True)
    return _saved(Image.new("RGB", (40, 30), (10, 200, 30)), "PNG", pnginfo=info)


def _all_bytes(path: Path) -> bytes:
    """The file, its ZIP members and its PDF streams, decompressed: where metadata could hide."""
    import pikepdf

    if path.suffix in (".docx", ".epub"):
        with zipfile.ZipFile(path) as package:
            return b"".join(package.read(name) for name in package.namelist())
    if path.suffix == ".pdf":
        with pikepdf.open(path) as pdf:
            streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
            return b"".join(_decoded(stream) for stream in streams)
    assets = path.with_name(path.stem + "_files")
    return path.read_bytes() + b"".join(p.read_bytes() for p in assets.rglob("*") if p.is_file())


def _decoded(stream) -> bytes:
    import pikepdf

    try:
        return stream.read_bytes()
    except pikepdf.PdfError:  # a JPEG (DCTDecode) stays as it is: its markers are in the raw bytes
        return stream.read_raw_bytes()


def test_image_metadata_never_reaches_an_output(tmp_path: Path) -> None:
    (tmp_path / "tagged.jpg").write_bytes(_tagged_jpeg())
    (tmp_path / "tagged.png").write_bytes(_tagged_png())
    source = tmp_path / "a.md"
    source.write_text('---\ntitle: T\n---\n\n![c](tagged.jpg){alt="One photo"}\n\n![d](tagged.png){alt="Another"}\n')
    result = build(source, tmp_path / "out", formats=ALL_FORMATS)
    assert result.code == ExitCode.OK, result.error
    for path in result.outputs:
        data = _all_bytes(path)
        leaks = re.findall(rb"LEAK[A-Z]+", data)
        assert not leaks, (path.name, leaks)
    photo = process_image(_tagged_jpeg(), max_edge=None, name="tagged.jpg")
    kept = Image.open(io.BytesIO(photo.data))
    assert kept.size == (30, 40) and kept.info.get("icc_profile") and not kept.getexif()


# ------------------------------------------------------------ 7. the DOCX writer is linear in table cells


def test_docx_tables_are_built_without_python_docx_grid_lookups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Table.cell` and `Table.add_row` rebuild the cell grid on every call (quadratic)."""
    from docx.table import Table

    def quadratic(*args, **kwargs):
        raise AssertionError("a grid-rebuilding python-docx table call")

    monkeypatch.setattr(Table, "cell", quadratic)
    monkeypatch.setattr(Table, "add_row", quadratic)
    rows = [{"cells": [{"children": f"r{r}c{c}"} for c in range(4)]} for r in range(300)]
    rows[1]["cells"][0].update(rowspan=2)
    rows[2]["cells"] = rows[2]["cells"][:3]
    rows[3]["cells"][1].update(colspan=2)
    rows[3]["cells"] = rows[3]["cells"][:3]
    head = [{"cells": [{"header": True, "children": f"H{c}"} for c in range(4)]}]
    source = tmp_path / "t.json"
    source.write_text(json.dumps({"title": "T", "body": [{"type": "table", "head": head, "rows": rows}]}))
    result = build(source, tmp_path / "out", formats=("docx",))
    assert result.code == ExitCode.OK, result.error
    monkeypatch.undo()
    import docx

    table = docx.Document(str(result.outputs[0])).tables[0]
    assert len(table.rows) == 301 and len(table.columns) == 4
    assert table.cell(2, 0).text == "r1c0" and table.cell(3, 0)._tc is table.cell(2, 0)._tc  # merged down
    assert table.cell(4, 1).text == "r3c1" and table.cell(4, 2)._tc is table.cell(4, 1)._tc  # merged across
    assert table.cell(300, 3).text == "r299c3"
    assert table.rows[0]._tr.trPr is not None  # the header row repeats


# ------------------------------------------------------------ 8. every message is one line


def test_control_characters_in_messages_are_escaped(tmp_path: Path, exporter_cli) -> None:
    figure = {"type": "figure", "image": "p.jpg", "title": "Line one\nerror: forged line \u009b2J\u202eevil"}
    source = tmp_path / "bad\nerror: forged\x1b[31m.json"
    source.write_text(json.dumps({"title": "T", "body": [figure]}), "utf-8")
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", result.stderr.rstrip("\n"))
    assert "\\n" in lines[0] and "\\x1b" in lines[0] and "\\x9b" in lines[0]

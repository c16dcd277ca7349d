"""The PDF writer's contract beyond the structure tree: engine pin, metadata, profiles, page size,
determinism, confinement of what the renderer reads, and a packet's metadata and hostile titles. (The packet
PDF's structure is proven in tests/packets/test_packet_pdf.py.)"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from exporter.errors import ExportError
from exporter.writers.pdf.tagging import TESTED_WEASYPRINT
from tests.conftest import FIXED_EPOCH, SAMPLES, run_exporter

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}


def test_weasyprint_is_the_version_the_repair_pass_was_written_for():
    """The repair pass reads WeasyPrint's tagging internals (tagging.py). A different version may tag
    differently: re-check every repair (tests/pdf) against it, then update TESTED_WEASYPRINT."""
    import weasyprint
    from weasyprint.pdf import tags

    assert weasyprint.__version__ == TESTED_WEASYPRINT == "70.0", (
        f"WeasyPrint {weasyprint.__version__} is installed; the PDF repair pass was written against "
        f"{TESTED_WEASYPRINT}. Re-validate exporter/writers/pdf/repair.py before changing the pin."
    )
    assert callable(getattr(tags, "_build_box_tree", None))


def xmp(path: Path) -> etree._Element:
    with pikepdf.open(path) as pdf:
        stream = pdf.Root.Metadata
        assert "/Filter" not in stream, "the XMP metadata stream must be uncompressed"
        raw = stream.read_raw_bytes()
    assert raw.startswith(b"<?xpacket begin=") and raw.rstrip().endswith(b'<?xpacket end="r"?>')
    return etree.fromstring(raw)


def one(tree: etree._Element, path: str) -> str:
    values = tree.xpath(path, namespaces=NS)
    assert len(values) == 1, (path, values)
    return values[0]


@pytest.mark.slow
def test_document_metadata_from_the_model(pdf_outputs, pdf_sources, render_context_for):
    path = pdf_outputs["torture-every-block"]
    article = render_context_for(pdf_sources["torture-every-block"]).document
    tree = xmp(path)
    assert one(tree, "//dc:title//rdf:li/text()") == article.title
    assert one(tree, "//dc:creator//rdf:li/text()") == article.byline.text()
    assert one(tree, "//dc:description//rdf:li/text()") == article.dek
    assert one(tree, "//dc:language//rdf:li/text()") == "en"
    assert one(tree, "//dc:date//rdf:li/text()") == article.published
    assert one(tree, "//pdfuaid:part/text()") == "1"
    assert not tree.xpath("//pdfaid:part", namespaces=NS)
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == article.title
        assert str(info.Author) == article.byline.text()
        assert str(info.Subject) == article.dek
        assert str(info.CreationDate) == "D:20231114221320+00'00'"  # SOURCE_DATE_EPOCH=1700000000
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True
    official = xmp(pdf_outputs["stoltenberg-ukraine-support"])
    assert one(official, "//dc:source/text()").startswith("https://www.defense.gov/News/")
    assert "17 U.S.C. 105" in one(official, "//dc:rights//rdf:li/text()")


@pytest.mark.slow
def test_archive_profile_declares_both_standards_in_one_packet(archive_outputs):
    path = archive_outputs["eileen-collins"]
    tree = xmp(path)
    assert one(tree, "//pdfaid:part/text()") == "3"
    assert one(tree, "//pdfaid:conformance/text()") == "A"
    assert one(tree, "//pdfuaid:part/text()") == "1"
    assert one(tree, "//pdfaSchema:namespaceURI/text()") == NS["pdfuaid"]
    with pikepdf.open(path) as pdf:
        assert pdf.Root.Metadata.read_raw_bytes().count(b"<?xpacket begin=") == 1
        assert "/OutputIntents" in pdf.Root
        images = [image for page in pdf.pages for image in page.get_images().values()]
        assert images
        assert not any(bool(image.get("/Interpolate", False)) for image in images)


@pytest.mark.slow
def test_source_date_epoch_sets_the_pdf_dates(tmp_path):
    """Same input, another SOURCE_DATE_EPOCH: other bytes, with that date. (Same input and epoch, same bytes, in
    separate processes: tests/hardening/test_hardening_reproducible.py, for every sample and format.)"""
    source = SAMPLES / "torture-every-block.md"
    for folder, epoch in (("first", FIXED_EPOCH), ("other", str(int(FIXED_EPOCH) + 86400))):
        result = run_exporter("build", source, "--to", "pdf", "--out", tmp_path / folder,
                              env={"SOURCE_DATE_EPOCH": epoch})
        assert result.returncode == 0, result.stderr
    changed = (tmp_path / "other" / "torture-every-block.pdf").read_bytes()
    assert changed != (tmp_path / "first" / "torture-every-block.pdf").read_bytes()
    assert b"D:20231115221320" in changed or re.search(rb"2023-11-15T22:13:20", changed)


@pytest.mark.slow
def test_a4_page_size_and_long_article_length(tmp_path, long_article_source, pdf_outputs):
    result = run_exporter("build", long_article_source, "--to", "pdf", "--page-size", "a4", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    with pikepdf.open(tmp_path / "long-article.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 595, 842]
    with pikepdf.open(pdf_outputs["long-article"]) as pdf:
        assert len(pdf.pages) >= 5


def test_renderer_reads_only_confined_files_and_no_network(tmp_path):
    from exporter.confine import Confinement
    from exporter.writers.pdf.render import confined_fetcher

    inside = tmp_path / "input"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    fetcher = confined_fetcher(Confinement((inside.resolve(),), allow_network=False))
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(ValueError, match="outside the allowed folders"):
        fetcher.fetch(outside.as_uri())
    with pytest.raises(ValueError, match="outside the allowed folders"):
        fetcher.fetch((inside / ".." / "secret.txt").as_uri())
    with pytest.raises(ExportError, match="network access is off"):
        fetcher.fetch("https://example.org/image.png")
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.fetch("ftp://example.org/image.png")


def test_images_reach_the_renderer_through_its_fetcher_not_as_data_urls(render_context_for):
    """A data: URL of a photo costs WeasyPrint's HTML parser about 0.05 s per MB of base64: the print HTML names
    each processed image by a URL that only this document's fetcher answers, with the processed bytes."""
    from exporter.confine import Confinement
    from exporter.writers.html import SERVED_IMAGE_SCHEME
    from exporter.writers.pdf import print_page
    from exporter.writers.pdf.render import confined_fetcher

    context = render_context_for(SAMPLES / "eileen-collins.md")
    html, images = print_page(context)
    assert "data:" not in html and len(html) < 100_000
    assert len(images) == 2 and all(f'src="{url}"' in html for url in images)
    fetcher = confined_fetcher(Confinement((SAMPLES.resolve(),)), images)
    for url, image in images.items():
        response = fetcher.fetch(url)
        assert response.read() == image.data and response.headers["Content-Type"] == image.media_type
    with pytest.raises(ValueError, match="not an image of this document"):
        fetcher.fetch(f"{SERVED_IMAGE_SCHEME}:{'0' * 64}")
    with pytest.raises(ValueError, match="not an image of this document"):
        confined_fetcher(Confinement((SAMPLES.resolve(),))).fetch(next(iter(images)))


def test_a_packet_is_one_pdf_with_packet_metadata_and_escaped_running_titles(render_context_for):
    """Article titles reach the CSS of the packet's front (one string-set rule per article): a title that tries
    to end the style sheet or the CSS string stays text. The Info and XMP describe the packet, not its first
    article."""
    from exporter.model import Packet
    from exporter.writers import pdf
    from exporter.writers.pdf.render import packet_front_html

    context = render_context_for(SAMPLES / "community-newsletter.md")
    article = context.document
    article.title = 'Library "hours" </style><p>injected</p> \\ end'
    context.document = Packet(title="Packet Title", subtitle="Sub", office="Desk", articles=[article])
    html = packet_front_html(context.options, context.document, [3])
    style = html[html.index("<style>") : html.index("</style>")]
    assert "string-set: running-title" in style
    assert "<p>injected" not in style and '"hours"' not in style
    data = pdf.write(context).data
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.docinfo["/Title"]) == "Packet Title"
        assert str(document.docinfo["/Author"]) == "Desk"
        assert str(document.docinfo["/Subject"]) == "Sub"
        with document.open_metadata() as meta:
            assert meta["dc:title"] == "Packet Title"
        assert len(document.pages) >= 3  # cover, contents, the article on a page of its own


def test_running_title_and_css_strings_are_safe():
    from exporter.writers.pdf.render import css_string, short_title

    assert short_title("Short") == "Short"
    long_title = "Defense Ministers Review a Year of Logistics, Training and Deliveries to Partner Nations"
    cut = short_title(long_title)
    assert len(cut) <= 61 and cut.endswith("…") and long_title.startswith(cut[:-1])
    escaped = str(css_string('a "quoted" </style> \\ title'))
    assert '"' not in escaped and "<" not in escaped and "\\22 " in escaped


@pytest.mark.slow
def test_spanish_article_with_hostile_title(tmp_path):
    """Fixed text is translated ("Página"), a title with quotes and </style> cannot break the print CSS, and an
    English phrase in a Spanish article gets /Lang en."""
    source = tmp_path / "articulo.md"
    source.write_text(
        "---\n"
        'title: "Un artículo con \\"comillas\\" y </style> en un título bastante largo para el encabezado"\n'
        "language: es\n"
        "---\n\n"
        + "\n\n".join(f"Párrafo {n} con una frase en inglés: [the quick brown fox]{{lang=en}}." for n in range(60))
        + "\n",
        encoding="utf-8",
    )
    result = run_exporter("build", source, "--to", "pdf", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from pdf_inspect import TaggedPdf

    pdf = TaggedPdf(tmp_path / "out" / "articulo.pdf")
    assert pdf.doc.lang == "es"
    assert pdf.page_count() >= 2
    assert "Página 1" in pdf.artifact_text(0)
    assert 'Un artículo con "comillas" y </style>' in pdf.artifact_text(1)
    english = [element for element in pdf.elements if element.lang == "en"]
    assert len(english) == 60


def test_articles_share_one_parsed_print_style_sheet_and_font_configuration(render_context_for):
    """A batch renders many articles in one process: each has its own running title, yet all use the same parsed
    print CSS and FontConfiguration (one per article kept its fonts in memory: about 0.4 MB per article), and
    each title still reaches its own top margin."""
    from exporter.writers import pdf
    from exporter.writers.pdf.render import shared_stylesheet

    titles = ["First story of the batch", "Second story, another title"]
    first_pages = []
    pdf.write(render_context_for(SAMPLES / "community-newsletter.md"))  # the style sheet is parsed here
    before = shared_stylesheet.cache_info()
    for title in titles:
        context = render_context_for(SAMPLES / "community-newsletter.md")
        context.document.title = title
        with pikepdf.open(io.BytesIO(pdf.write(context).data)) as document:
            first_pages.append(document.pages[0].Contents.read_bytes() if "/Contents" in document.pages[0] else b"")
    after = shared_stylesheet.cache_info()
    assert after.misses == before.misses and after.hits >= before.hits + len(titles)
    assert first_pages[0] != first_pages[1]  # the margins differ: each article's own running title


def test_a_code_blocks_indentation_is_kept(tmp_path):
    """A code block is lines of code with breaks between them; HTML collapses their leading spaces unless the
    style sheet keeps them, so an indented line would print flush with the line above."""
    import pymupdf

    source = tmp_path / "code.md"
    source.write_text("---\ntitle: Code sample\n---\n\nIntro.\n\n```\nouter()\n        inner()\n```\n",
                      encoding="utf-8")
    built = run_exporter("build", source, "--to", "pdf", "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    with pymupdf.open(tmp_path / "out" / "code.pdf") as pdf:
        words = {word[4]: word[0] for word in pdf[0].get_text("words")}
    assert words["inner()"] - words["outer()"] > 20  # eight spaces, not none


def flate_ending_in_cr(prefix: bytes) -> tuple[bytes, bytes]:
    """Data starting with `prefix` whose deflated form ends in a carriage return (its checksum's last byte)."""
    import zlib

    for number in range(100_000):
        data = prefix + str(number).encode()
        if zlib.compress(data).endswith(b"\r"):
            return data, zlib.compress(data)
    raise AssertionError("no such data")


def test_no_stream_ends_in_a_carriage_return_that_pdf_a_would_count_as_its_line_end():
    """qpdf writes "\\n" before `endstream`; deflated data ending in "\\r" then reads as one byte short to PDF/A's
    /Length rule (about one stream in 256: a packet of a few hundred pages nearly always has one). A page's
    content takes a line end more, any other stream a hex filter; what each decodes to stays the same."""
    from exporter.writers.pdf.repair import save_pdf

    content, packed_content = flate_ending_in_cr(b"q 1 0 0 1 0 0 cm Q %")
    pixels, packed_pixels = flate_ending_in_cr(b"\x00\xff" * 8)
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(packed_content, Filter=pikepdf.Name.FlateDecode)
    image = pdf.make_stream(packed_pixels, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=len(pixels),
                            Height=1, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                            Filter=pikepdf.Name.FlateDecode)
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    data = save_pdf(pdf)
    assert b"\r\nendstream" not in data
    saved = pikepdf.open(io.BytesIO(data))
    assert saved.pages[0].obj.Contents.read_bytes().rstrip(b"\n") == content
    assert saved.pages[0].obj.Resources.XObject.Im0.read_bytes() == pixels
    assert save_pdf(pikepdf.open(io.BytesIO(data))) == data  # and saving again changes nothing


def test_a_tables_caption_stays_on_the_page_of_its_first_rows(tmp_path):
    """Tables after more and more text: wherever a page ends, no caption is left at its foot, its table on the
    next page."""
    import pymupdf

    filler = "Filler text that runs long enough to wrap onto a second line of the printed page, and on."
    parts = []
    for number in range(1, 13):
        parts += [filler] * (number % 5 + 2)
        rows = "\n".join(f"| Unit {number}-{row} | {row} |" for row in range(6))
        parts.append(f"| Head {number} | Count |\n|---|---|\n{rows}\n\n: Caption {number} of the tables")
    source = tmp_path / "tables.md"
    source.write_text("---\ntitle: Many tables\n---\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    built = run_exporter("build", source, "--to", "pdf", "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    with pymupdf.open(tmp_path / "out" / "tables.pdf") as pdf:
        pages = [page.get_text() for page in pdf]
    assert len(pages) > 3
    for number in range(1, 13):
        caption = next(index for index, text in enumerate(pages) if f"Caption {number} of" in text)
        head = next(index for index, text in enumerate(pages) if f"Head {number}\n" in text)
        assert caption == head, f"table {number}: caption on page {caption + 1}, its rows on {head + 1}"

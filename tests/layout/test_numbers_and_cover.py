"""Figure numbers, ornaments, the packet cover and the DOCX contents (issue 19), on the torture sample and the
sample packet with a logo, built once in all four formats."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from exporter.checks import docx_format, epub_format, html_format, pdf_format
from exporter.checks.consistency import compare
from tests.conftest import SAMPLE_ARTICLES, SAMPLES, run_exporter

pytestmark = pytest.mark.slow

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LOGO_ALT = "Exporter Project Sample Desk"
FORMATS = {"html": html_format, "epub": epub_format, "pdf": pdf_format, "docx": docx_format}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The samples and the sample packet with a logo, copied beside each other, built in every format."""
    folder = tmp_path_factory.mktemp("numbers")
    shutil.copytree(SAMPLES / "images", folder / "images")
    for article in SAMPLE_ARTICLES:
        shutil.copy(article, folder / article.name)
    packet = (SAMPLES / "press-packet.yaml").read_text(encoding="utf-8")
    logo = f"logo:\n  image: images/nasa-eileen-collins.png\n  alt: {LOGO_ALT}\n"
    packet = packet.replace("articles:\n", logo + "articles:\n")
    (folder / "press-packet.yaml").write_text(packet, encoding="utf-8")
    out = folder / "out"
    sources = [folder / "torture-every-block.md", folder / "press-packet.yaml"]
    result = run_exporter("build", *sources, "--to", "html,pdf,epub,docx", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def numbers(facts) -> list[list[int | None]]:
    return [[figure.number for figure in article.figures] for article in facts]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_numbers_figures_alike_through_a_packet(built, fmt):
    """Torture: its photo is Figure 1, the decorative image has no number, the video with a poster is Figure 2,
    the audio without one none. The packet numbers on from article to article."""
    reader = FORMATS[fmt]
    assert numbers(reader.facts(built / f"torture-every-block.{fmt}")) == [[1, 2]]
    assert numbers(reader.facts(built / f"press-packet.{fmt}")) == [[1], [2, 3], [], [4, 5]]


def test_check_reports_a_figure_whose_number_differs(built):
    facts = {fmt: FORMATS[fmt].facts(built / f"press-packet.{fmt}") for fmt in ("html", "pdf", "docx")}
    facts["pdf"][1].figures[0].number = 7
    findings = compare(facts, None)
    assert [f.field for f in findings["pdf"]] == ["number"] and not findings["html"] and not findings["docx"]


def test_labels_read_figure_n_before_the_caption(built):
    page = html.fromstring((built / "torture-every-block.html").read_bytes())
    labels = [" ".join(label.text_content().split()) for label in page.xpath("//figcaption/*[1]")]
    assert labels == ["Figure 1.", "Figure 2.", "Audio:"]  # the audio has no poster: no number


def test_a_decorative_image_without_caption_is_a_plain_img(built):
    for name, data in [("html", (built / "torture-every-block.html").read_bytes()),
                       ("epub", _epub_documents(built / "torture-every-block.epub"))]:
        page = html.fromstring(data)
        ornaments = page.xpath("//img[@alt='']")
        assert len(ornaments) == 1, name
        assert not ornaments[0].xpath("ancestor::figure"), name


def _epub_documents(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(name) for name in book.namelist() if name.endswith(".xhtml") and "nav" not in name)


def test_docx_captions_keep_together_and_pictures_keep_with_them(built):
    with zipfile.ZipFile(built / "torture-every-block.docx") as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        body = etree.fromstring(package.read("word/document.xml")).find(f"{W}body")
    caption = styles.find(f"{W}style[@{W}styleId='Caption']")
    assert caption.find(f"{W}pPr/{W}keepLines") is not None
    paragraphs = list(body.iter(f"{W}p"))
    for index, paragraph in enumerate(paragraphs):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "Caption" and paragraph.find(f".//{W}instrText") is not None:
            before = paragraphs[index - 1]
            if before.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}graphic") is not None:
                assert before.find(f"{W}pPr/{W}keepNext") is not None


def test_docx_contents_list_headlines_with_the_pdfs_page_numbers(built):
    import pymupdf

    with zipfile.ZipFile(built / "press-packet.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
    entries = [p for p in body.iter(f"{W}p") if (s := p.find(f"{W}pPr/{W}pStyle")) is not None
               and s.get(f"{W}val").startswith("TOC") and s.get(f"{W}val") != "TOCHeading"]
    titles = ["".join(p.find(f"{W}hyperlink").itertext()) for p in entries]
    instruction = "".join(t.text for t in body.iter(f"{W}instrText") if "TOC" in (t.text or ""))
    assert '\\o "1-1"' in instruction
    assert body.find(f".//{W}fldChar[@{W}dirty='true']") is not None
    pdf_toc = [(title, page) for level, title, page in pymupdf.open(built / "press-packet.pdf").get_toc() if level == 2
               and title != "Contents"]
    assert [(title.rstrip("0123456789"), int(title[len(title.rstrip("0123456789")):])) for title in titles] == pdf_toc


def test_the_cover_logo_is_a_tagged_figure_with_its_alt_text(built):
    import pikepdf

    with pikepdf.open(built / "press-packet.pdf") as pdf:
        first_page = pdf.pages[0].obj.objgen
        figures = [element for element in _elements(pdf.Root.StructTreeRoot) if element.get("/S") == "/Figure"]
        logo = figures[0]
        assert str(logo.get("/Alt")) == LOGO_ALT
        assert logo.get("/Pg").objgen == first_page
    page = html.fromstring((built / "press-packet.html").read_bytes())
    assert page.xpath("//*[contains(@class, 'packet-cover')]/img/@alt") == [LOGO_ALT]


def _elements(node):
    import pikepdf

    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)

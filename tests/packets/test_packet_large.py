"""A generated packet of 50 articles (the samples, repeated, with their figures) exports to EPUB and DOCX in
one process; the outputs hold every article and every figure. Not validated here (the sample packet is), so
the test stays fast: it proves the packet writers scale to a real press packet without losing anything."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from lxml import etree

from exporter.model import Figure, Media, is_numbered
from exporter.options import BuildOptions
from exporter.pipeline import export
from exporter.writers.templating import walk_blocks
from tests.conftest import SAMPLE_ARTICLES
from tests.epub.conftest import Book
from tests.packets.conftest import NS, copy_samples, docx_paragraphs, docx_style, docx_text, load_packet

ARTICLES = 50


@pytest.fixture(scope="module")
def large_packet(tmp_path_factory):
    folder = copy_samples(tmp_path_factory.mktemp("packet-50-input"))
    names = [SAMPLE_ARTICLES[index % len(SAMPLE_ARTICLES)].name for index in range(ARTICLES)]
    source = folder / "fifty.yaml"
    source.write_text(
        "title: Fifty Articles\noffice: Load Test Desk\ndate: \"2025-01-01\"\nlanguage: en\narticles:\n"
        + "".join(f"  - {name}\n" for name in names),
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("packet-50")
    started = time.perf_counter()
    result = export(source, BuildOptions(formats=("epub", "docx"), out_dir=out))
    elapsed = time.perf_counter() - started
    print(f"\n50-article packet: EPUB + DOCX in {elapsed:.1f} s")
    epub = out / "fifty.epub"
    assert result.outputs, "both files written"
    packet = load_packet(source)
    at_hand = [f for a in packet.articles for f in a.figures() if (folder / f.image).is_file()]
    return packet, Book(epub, epub.read_bytes()), (out / "fifty.docx").read_bytes(), at_hand


def test_fifty_articles_all_reach_the_epub(large_packet):
    packet, book, _, at_hand = large_packet
    assert len(packet.articles) == ARTICLES
    documents = book.articles()
    assert [d.find(".//x:h1", NS).text for d in documents] == [a.title for a in packet.articles]
    toc = book.nav().find(".//x:nav[@id='toc']", NS)
    assert len(toc.findall("x:ol/x:li/x:ol/x:li", NS)) == ARTICLES, "one nav entry per article"
    # Every figure and media item is a <figure>, but ornaments (decorative, no caption), plain images.
    blocks = [b for a in packet.articles for b in walk_blocks(a.body)
              if isinstance(b, Media) or (isinstance(b, Figure) and is_numbered(b))]
    assert sum(len(d.findall(".//x:figure", NS)) for d in documents) == len(blocks)
    images = [img for d in documents for img in d.findall(".//x:img", NS)]
    assert len(images) == len(at_hand) > ARTICLES // 2
    assert [img.get("alt") for img in images] == ["" if f.decorative else f.alt for f in at_hand]


def test_fifty_articles_all_reach_the_docx(large_packet):
    packet, _, docx, at_hand = large_packet
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = docx_paragraphs(document)
    headlines = [docx_text(p) for p in paragraphs if docx_style(p) == "Heading1"]
    assert headlines == [a.title for a in packet.articles]
    toc_level_one = [docx_text(p) for p in paragraphs if docx_style(p) == "TOC1"]
    assert toc_level_one == headlines
    names = {e.get(f"{{{NS['w']}}}name") for e in document.iter(f"{{{NS['w']}}}bookmarkStart")}
    assert {f"Article_{n:02d}" for n in range(1, ARTICLES + 1)} <= names
    numbers = [int(re.match(r"\D*(\d+)", docx_text(p)).group(1)) for p in paragraphs
               if any(" SEQ Figure " in (t.text or "") for t in p.iter(f"{{{NS['w']}}}instrText"))]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > ARTICLES // 2
    alts = [d.get("descr") for d in document.iter(f"{{{NS['wp']}}}docPr")]
    assert alts == [None if f.decorative else f.alt for f in at_hand]

"""Text written from right to left (Arabic, Hebrew, Persian, Urdu...) reads right to left in every output, text in
the other direction inside it keeps its own, and fixed text the article's language has no catalog for says it is
English.

An Arabic article (with an English phrase, a list, a table and a photo with its VIRIN, from an official source), an
English packet holding it and an Arabic packet holding it and an English article with an Arabic word are built to
all four formats with every validator (`--check`: the consistency check reads the PDF's text back from visual into
reading order); each output is then read as its reader reads it. An English article comes out as before: no dir
attribute anywhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from exporter.model import Span, walk_inlines
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLES
from tests.roundtrip.conftest import build, build_formats

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text(value: str) -> dict:
    return {"type": "text", "text": value}


ARTICLE = {
    "title": "وزير الدفاع يلتقي بنظيره",
    "language": "ar",
    "byline": "أحمد علي",
    "source": {"url": "https://www.centcom.mil/MEDIA/NEWS-ARTICLES/News-Article-View/Article/1/",
               "agency": "U.S. Central Command", "retrieved": "2025-09-01"},
    "body": [
        {"type": "paragraph", "children": [text("التقى وزير الدفاع اليوم بنظيره في واشنطن، وناقشا التعاون (NATO).")]},
        {"type": "heading", "level": 2, "children": [text("الخلفية")]},
        {"type": "paragraph", "children": [text("قال الوزير إن "), {"type": "span", "lang": "en",
                                                                     "children": [text("Operation Inherent Resolve")]},
                                           text(" مستمرة.")]},
        {"type": "list", "ordered": True, "items": [[{"type": "paragraph", "children": [text("البند الأول")]}],
                                                    [{"type": "paragraph", "children": [text("البند الثاني")]}]]},
        {"type": "figure", "image": "images/nasa-eileen-collins.png", "alt": "صورة رسمية لرائدة الفضاء",
         # Long enough to wrap, with lam-alef ligatures (a glyph for two letters): read back line by line, whole.
         "caption": [text("ناقش الوزيران التعاون الأمني بين البلدين خلال السنوات القادمة في مجالات التدريب "
                          "والاستخبارات والعمليات المشتركة، وأكدا الالتزام بالأمن الإقليمي.")],
         "credit": "ناسا", "virin": "250101-N-AB123-1001"},
        # A caption in English alone reads left to right, its full stop at its end (drawn at the left before).
        {"type": "figure", "image": "images/nasa-hubble-extreme-deep-field.jpg", "alt": "مجرات في الفضاء العميق",
         "caption": [text("Hubble's deepest view of the universe.")], "credit": "NASA"},
        {"type": "table", "caption": [text("الأرقام")],
         "head": [{"cells": [{"children": [text("السنة")]}, {"children": [text("العدد")]}]}],
         "rows": [{"cells": [{"children": [text("2024")]}, {"children": [text("12")]}]}]},
    ],
}


# An English article with an Arabic word in its title and caption: left-to-right lines with right-to-left words.
ENGLISH_WITH_ARABIC = {
    "title": "The minister says سلام to his counterpart",
    "language": "en",
    "source": {"url": "https://www.defense.gov/News/News-Stories/Article/Article/1/", "agency": "DoD News"},
    "body": [
        {"type": "paragraph", "children": [text("The greeting opened the meeting.")]},
        {"type": "figure", "image": "images/nasa-hubble-extreme-deep-field.jpg", "alt": "Galaxies in deep space",
         "caption": [text("The word سلام means peace.")], "credit": "NASA", "virin": "250101-N-AB123-1002"},
    ],
}


def build_checked(source: Path, out: Path) -> dict[str, Path]:
    """Every format, with every validator passing on it. The PDF draws right-to-left text in visual order, as
    every layout engine does; the consistency check reads it back in reading order, as text extractors do."""
    result = build(source, out, check=True)
    failed = [(found.target.name, found.check, [f.message for f in found.findings])
              for found in result.checks if found.status != "passed"]
    assert not failed, failed
    return {path.suffix[1:]: path for path in result.outputs}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("right-to-left")
    article = folder / "arabic.json"
    article.write_text(json.dumps(ARTICLE, ensure_ascii=False), encoding="utf-8")
    (folder / "english.json").write_text(json.dumps(ENGLISH_WITH_ARABIC, ensure_ascii=False), encoding="utf-8")
    shutil.copy(SAMPLES / "eileen-collins.md", folder)
    shutil.copytree(SAMPLES / "images", folder / "images")
    packet = folder / "packet.yaml"
    packet.write_text("title: Mixed packet\nlanguage: en\ndate: '2025-09-01'\narticles:\n  - eileen-collins.md\n"
                      "  - arabic.json\n", encoding="utf-8")
    # A packet in a language without a message catalog: its cover and contents label their English fixed text.
    arabic_packet = folder / "arabic-packet.yaml"
    arabic_packet.write_text("title: حزمة صحفية\nlanguage: ar\ndate: '2025-09-01'\narticles:\n  - english.json\n"
                             "  - arabic.json\n", encoding="utf-8")
    return {"article": build_checked(article, folder / "out"), "packet": build_checked(packet, folder / "out"),
            "arabic packet": build_checked(arabic_packet, folder / "out")}


def html_tree(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes(), etree.HTMLParser())


def test_html_reads_right_to_left_and_english_inside_it_left_to_right(built):
    page = html_tree(built["article"]["html"])
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    [span] = [element for element in page.iter("span") if element.text == "Operation Inherent Resolve"]
    assert (span.get("lang"), span.get("dir")) == ("en", "ltr")
    # Fixed text: Arabic has no catalog, so the labels stay English and say so; the address reads left to right.
    provenance = page.find(".//*[@class='provenance official']")
    heading = provenance.find(".//h2")
    assert (heading.text, heading.get("lang"), heading.get("dir")) == ("Official source", "en", "ltr")
    assert {dt.get("lang") for dt in provenance.iter("dt")} == {"en"}
    assert provenance.find(".//a").get("dir") == "ltr"
    rights = provenance.findall(".//dd")[-1]
    assert rights.text.startswith("A work of the United States Government") and rights.get("lang") == "en"
    byline = page.find(".//p[@class='byline']")  # "By" is English, the name Arabic
    assert [(byline[0].text, byline[0].get("lang")), byline[0].tail] == [("By ", "en"), "أحمد علي"]
    # A VIRIN too: in a right-to-left line its date would move to its end.
    [virin] = page.findall(".//*[@class='virin']/span[@dir='ltr'][last()]")
    assert virin.text == "250101-N-AB123-1001"


def test_an_english_caption_in_an_arabic_article_reads_left_to_right(built):
    captions = html_tree(built["article"]["html"]).findall(".//span[@class='caption-text']")
    assert [caption.get("dir") for caption in captions] == [None, "ltr"]


def test_an_english_caption_in_an_arabic_docx_is_a_left_to_right_paragraph(built):
    """Word has no isolate pandoc reads (w:dir hides its text from pandoc): the caption's paragraph takes the
    direction its text is written in, and the Arabic one keeps the document's."""
    with zipfile.ZipFile(built["article"]["docx"]) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    captions = [p for p in document.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle[@{W}val='Caption']") is not None]
    directions = {"".join(p.itertext()).split(". ", 1)[1][:6]: p.find(f"{W}pPr/{W}bidi") for p in captions}
    assert directions["ناقش ا"] is None
    assert directions["Hubble"].get(f"{W}val") == "0"


def test_an_english_article_has_no_direction_and_no_relabelled_text(tmp_path):
    markup = build_formats(SAMPLES / "eileen-collins.md", tmp_path, ("html",))["html"].read_text(encoding="utf-8")
    assert " dir=" not in markup
    assert markup.count('lang="en"') == 1  # the page's own


def test_the_epub_turns_its_pages_right_to_left(built):
    with zipfile.ZipFile(built["article"]["epub"]) as book:
        package = etree.fromstring(book.read("EPUB/content.opf"))
        chapter = etree.fromstring(book.read("EPUB/article.xhtml"))
    spine = package.find("{http://www.idpf.org/2007/opf}spine")
    assert spine.get("page-progression-direction") == "rtl"
    assert chapter.get("dir") == "rtl"


def test_the_pdf_sets_arabic_paragraphs_against_the_right_margin(built):
    lines = subprocess.run(["pdftotext", "-layout", str(built["article"]["pdf"]), "-"], capture_output=True,
                           check=True, text=True).stdout.splitlines()
    heading = next(line for line in lines if "الخلفية" in line)
    notice = next(line for line in lines if "Official source" in line)
    assert len(heading) - len(heading.lstrip()) > 40  # right-aligned
    assert not notice.startswith(" ")  # English fixed text, left-aligned


def test_docx_paragraphs_and_runs_are_right_to_left_and_read_back(built):
    with zipfile.ZipFile(built["article"]["docx"]) as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        document = etree.fromstring(package.read("word/document.xml"))
    defaults = styles.find(f"{W}docDefaults")
    assert defaults.find(f"{W}pPrDefault/{W}pPr/{W}bidi") is not None
    assert defaults.find(f"{W}rPrDefault/{W}rPr/{W}rtl") is not None
    assert defaults.find(f"{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}bidi") == "ar"
    english = next(run for run in document.iter(f"{W}r") if run.findtext(f"{W}t") == "Operation Inherent Resolve")
    assert english.find(f"{W}rPr/{W}rtl").get(f"{W}val") == "0"
    notice = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()) == "Official source")
    assert notice.find(f"{W}pPr/{W}bidi").get(f"{W}val") == "0"
    assert {lang.get(f"{W}val") for lang in notice.iter(f"{W}lang")} == {"en"}
    assert document.find(f".//{W}tblPr/{W}bidiVisual") is not None
    # The retrieval date is Arabic (its label is not) and reads right to left.
    retrieved = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()).startswith("Retrieved: "))
    date = retrieved.findall(f"{W}r")[-1]
    assert date.find(f"{W}rPr/{W}lang").get(f"{W}val") == "ar" and date.find(f"{W}rPr/{W}rtl") is None
    by = next(run for run in document.iter(f"{W}r") if run.findtext(f"{W}t") == "By ")
    assert by.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en" and by.getnext().findtext(f"{W}t") == "أحمد علي"
    # A caption's labels are English fixed text; the VIRIN reads left to right.
    label = next(run for run in document.iter(f"{W}r") if run.findtext(f"{W}t") == "Credit:")
    assert label.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en"
    virin = next(run for run in document.iter(f"{W}r") if run.findtext(f"{W}t") == " 250101-N-AB123-1001")
    assert virin.find(f"{W}rPr/{W}rtl").get(f"{W}val") == "0"
    back = read_document(built["article"]["docx"], BuildOptions()).document
    assert back.language == "ar" and back.title == ARTICLE["title"] and back.byline.text() == ARTICLE["byline"]
    figure, english_figure = [block for block in back.body if block.type == "figure"]
    assert (figure.alt, figure.credit, figure.virin) == ("صورة رسمية لرائدة الفضاء", "ناسا", "250101-N-AB123-1001")
    assert english_figure.caption[0].text == "Hubble's deepest view of the universe."
    spans = [node.lang for block in back.body for node in walk_inlines(getattr(block, "children", []))
             if isinstance(node, Span)]
    assert spans == ["en"]


def test_an_arabic_article_in_an_english_packet_turns_alone(built):
    page = html_tree(built["packet"]["html"])
    assert page.get("dir") is None
    articles = page.findall(".//article")
    assert [(a.get("lang"), a.get("dir")) for a in articles] == [(None, None), ("ar", "rtl")]
    # Inside the Arabic article, directions and fixed text are measured against it, as in the article alone.
    arabic = articles[1]
    [span] = [element for element in arabic.iter("span") if element.text == "Operation Inherent Resolve"]
    assert (span.get("lang"), span.get("dir")) == ("en", "ltr")
    assert arabic.find(".//*[@class='virin']/span[@dir='ltr'][last()]").text == "250101-N-AB123-1001"
    assert {label.get("lang") for label in arabic.iterfind(".//*[@class='label']")} == {"en"}
    with zipfile.ZipFile(built["packet"]["docx"]) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    arabic = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()) == "الخلفية")
    english = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()).startswith("Eileen Collins"))
    assert arabic.find(f"{W}pPr/{W}bidi") is not None and english.find(f"{W}pPr/{W}bidi") is None


def test_an_arabic_packet_holds_an_english_article_left_to_right(built):
    page = html_tree(built["arabic packet"]["html"])
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    articles = page.findall(".//article")
    assert [(a.get("lang"), a.get("dir")) for a in articles] == [("en", "ltr"), (None, None)]
    contents = page.findall(".//nav[@class='packet-toc']//a")
    assert [(a.get("lang"), a.get("dir")) for a in contents] == [("en", "ltr"), (None, None)]
    with zipfile.ZipFile(built["arabic packet"]["epub"]) as book:
        navigation = etree.fromstring(book.read("EPUB/nav.xhtml"))
    xhtml = "{http://www.w3.org/1999/xhtml}"
    heading = navigation.find(f".//{xhtml}h1")  # fixed text: Arabic has no catalog
    assert (heading.text, heading.get("lang"), heading.get("dir")) == ("Contents", "en", "ltr")
    english = next(a for a in navigation.iter(f"{xhtml}a") if a.text == ENGLISH_WITH_ARABIC["title"])
    assert (english.get("lang"), english.get("dir")) == ("en", "ltr")
    with zipfile.ZipFile(built["arabic packet"]["docx"]) as package:
        document = etree.fromstring(package.read("word/document.xml"))
    contents = next(p for p in document.iter(f"{W}p") if "".join(p.itertext()) == "Contents")
    assert {lang.get(f"{W}val") for lang in contents.iter(f"{W}lang")} == {"en"}


def test_an_arabic_docx_without_its_stored_properties_is_read_as_arabic(built, tmp_path):
    """Word or an editor may drop the exporter's custom properties: the language then comes from the text, and
    the English labels and rights statement of the provenance and captions do not count."""
    stripped = tmp_path / "arabic.docx"
    with zipfile.ZipFile(built["article"]["docx"]) as source, zipfile.ZipFile(stripped, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/custom.xml":
                data = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                        b'custom-properties"/>')
            target.writestr(entry, data)
    back = read_document(stripped, BuildOptions()).document
    assert back.language == "ar"

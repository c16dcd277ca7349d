"""Lists numbered a, b, c / A, B, C / i, ii, iii / I, II, III and lists that start past 1 keep their numbers in
every writer and come back through the DOCX and HTML readers; Markdown, which cannot say it, says so.

One canonical article holds each number style (one nested in another, starting at 3) and a decimal list
starting at 4; it is built to all four formats once, and each output is read as its readers read it.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest
from lxml import etree

from exporter.errors import Warnings
from exporter.model import Article, ListBlock, walk_blocks
from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.serialize import serialize
from tests.roundtrip.conftest import build_formats


def item(text: str, *more: dict) -> list[dict]:
    return [{"type": "paragraph", "children": [{"type": "text", "text": text}]}, *more]


def ordered(*items: list[dict], **attributes) -> dict:
    return {"type": "list", "ordered": True, "items": list(items), **attributes}


ARTICLE = {
    "title": "Numbered as written",
    "language": "en",
    "body": [
        {"type": "paragraph", "children": [{"type": "text", "text": "The terms are as follows."}]},
        ordered(item("alpha one"), item("alpha two", ordered(item("roman three"), item("roman four"),
                number_style="upper-roman", start=3)), number_style="lower-alpha"),
        {"type": "paragraph", "children": [{"type": "text", "text": "Then the annexes."}]},
        ordered(item("Annex one"), item("Annex two"), number_style="upper-alpha"),
        {"type": "paragraph", "children": [{"type": "text", "text": "The small print."}]},
        ordered(item("roman one"), item("roman two"), number_style="lower-roman"),
        {"type": "paragraph", "children": [{"type": "text", "text": "And the steps, resumed."}]},
        ordered(item("step four"), item("step five"), start=4),
    ],
}
# (number style, start) of each ordered list in reading order, as the model has them.
EXPECTED = [("lower-alpha", None), ("upper-roman", 3), ("upper-alpha", None), ("lower-roman", None), (None, 4)]
HTML_TYPES = {"lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I"}
# The markers a reader sees before each item.
MARKERS = {"alpha one": "a.", "alpha two": "b.", "roman three": "III.", "roman four": "IV.", "Annex one": "A.",
           "Annex two": "B.", "roman one": "i.", "roman two": "ii.", "step four": "4.", "step five": "5."}


def number_styles(article: Article) -> list[tuple[str | None, int | None]]:
    return [
        (block.number_style, block.start if block.start != 1 else None)
        for block in walk_blocks(article.body)
        if isinstance(block, ListBlock) and block.ordered
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("number-styles")
    source = folder / "numbered.json"
    source.write_text(json.dumps(ARTICLE), encoding="utf-8")
    return {"source": source, **build_formats(source, folder / "out")}


def test_the_model_refuses_a_number_style_on_a_bulleted_list():
    with pytest.raises(ValueError, match="needs ordered: true"):
        ListBlock(number_style="lower-alpha", items=[item("x")])
    assert ListBlock(ordered=True, number_style="decimal", items=[item("x")]).number_style is None


def ol_attributes(markup: bytes, parser) -> list[tuple[str | None, str | None]]:
    root = etree.fromstring(markup, parser)
    return [(ol.get("type"), ol.get("start")) for ol in root.iter("{*}ol", "ol")]


def test_html_and_epub_say_it_with_the_type_and_start_attributes(outputs):
    expected = [(HTML_TYPES.get(style), str(start) if start else None) for style, start in EXPECTED]
    assert ol_attributes(outputs["html"].read_bytes(), etree.HTMLParser()) == expected
    with zipfile.ZipFile(outputs["epub"]) as book:
        chapter = next(name for name in book.namelist() if name.endswith("article.xhtml"))
        assert ol_attributes(book.read(chapter), etree.XMLParser()) == expected


def test_the_pdf_draws_the_same_markers(outputs):
    text = subprocess.run(["pdftotext", "-layout", str(outputs["pdf"]), "-"], capture_output=True, check=True,
                          text=True).stdout
    for words, marker in MARKERS.items():
        assert re.search(rf"{re.escape(marker)}\s+{words}\b", text), (marker, words)


def test_docx_numbers_them_in_word_formats_and_both_readers_get_them_back(outputs):
    with zipfile.ZipFile(outputs["docx"]) as package:
        numbering = package.read("word/numbering.xml").decode()
    for word_format in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
        assert f'w:numFmt w:val="{word_format}"' in numbering
    back = read_document(outputs["docx"], BuildOptions())
    assert number_styles(back.document) == EXPECTED
    assert not any("number" in message for message in back.warnings)
    ast = json.loads(subprocess.run([pypandoc.get_pandoc_path(), str(outputs["docx"]), "-t", "json"],
                                    capture_output=True, check=True).stdout)
    pandoc = [(node["c"][0][1]["t"], node["c"][0][0]) for node in find_ordered_lists(ast)]
    assert pandoc == [("LowerAlpha", 1), ("UpperRoman", 3), ("UpperAlpha", 1), ("LowerRoman", 1), ("Decimal", 4)]


def find_ordered_lists(node) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("t") == "OrderedList":
            found.append(node)
        for value in node.values():
            found += find_ordered_lists(value)
    elif isinstance(node, list):
        for value in node:
            found += find_ordered_lists(value)
    return found


def test_the_html_reader_takes_the_type_attribute(outputs):
    assert number_styles(read_document(outputs["html"], BuildOptions()).document) == EXPECTED


def test_markdown_writes_them_as_pandoc_reads_them(outputs, tmp_path):
    article = read_document(outputs["source"], BuildOptions()).document
    warnings = Warnings()
    path = tmp_path / "numbered.md"
    path.write_bytes(serialize(article, path, warnings))
    assert warnings.messages == []
    assert "4. step four" in path.read_text(encoding="utf-8")  # a start past 1
    assert number_styles(read_document(path, BuildOptions()).document) == EXPECTED
    ast = json.loads(subprocess.run([pypandoc.get_pandoc_path(), str(path), "-t", "json"],
                                    capture_output=True, check=True).stdout)
    pandoc = [(node["c"][0][1]["t"], node["c"][0][0]) for node in find_ordered_lists(ast)]
    assert pandoc == [("LowerAlpha", 1), ("UpperRoman", 3), ("UpperAlpha", 1), ("LowerRoman", 1), ("Decimal", 4)]


def test_markdown_says_what_it_cannot_carry(tmp_path):
    article = Article.model_validate({"title": "T", "body": [
        {"type": "list", "ordered": True, "number_style": "lower-alpha", "start": 25,
         "items": [[{"type": "paragraph", "children": [{"type": "text", "text": f"item {n}"}]}] for n in range(3)]}]})
    warnings = Warnings()
    markdown = serialize(article, tmp_path / "numbered.md", warnings).decode()
    assert warnings.messages == [
        "1 list(s) numbered with letters or Roman numerals past what they can count (z, MMMCMXCIX) are written "
        "numbered 1, 2, 3 (import to .json or .yaml to keep them)"
    ]
    assert "25. item 0" in markdown


def test_a_word_number_format_the_model_lacks_is_named(outputs, tmp_path):
    """decimalZero (01, 02) has no number style: read as decimal, with one warning."""
    rewritten = tmp_path / "zero.docx"
    with zipfile.ZipFile(outputs["docx"]) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/numbering.xml":
                data = data.replace(b'w:numFmt w:val="lowerLetter"', b'w:numFmt w:val="decimalZero"')
            target.writestr(info, data)
    result = read_document(rewritten, BuildOptions())
    assert number_styles(result.document)[0] == (None, None)
    assert [message.split(": ", 1)[-1] for message in result.warnings if "format" in message] == [
        "1 list(s) numbered in a format the article model has no style for (such as 01, 1st or one) numbered 1, 2, 3"
    ]

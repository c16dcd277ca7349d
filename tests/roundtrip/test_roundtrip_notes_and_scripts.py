"""Done when (issue 14, item 3): superscript, subscript and footnotes go through every writer and both readers.

One article holds footnotes in every place inlines go (paragraph, heading, caption, table cell, list item,
attribution; two paragraphs in one note; a link and a language span inside a note) and scripts in text,
captions and notes. It is built to all four formats once; each test reads one output as that format's reader
(or a validator) would. DOCX and Markdown come back through our readers as the same model.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from exporter.markdown_source import to_markdown
from exporter.model import Article, Footnote, Subscript, Superscript, Text, plain_text, walk_inlines
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.roundtrip.conftest import assert_same_article, build_docx, build_formats, comparable, load_article

PNG = (Path(__file__).resolve().parents[1] / "docx" / "corpus" / "sources" / "markdown" / "images" / "photo.png")


def note(*paragraphs) -> dict:
    return {"type": "footnote", "children": [{"type": "paragraph", "children": list(p)} for p in paragraphs]}


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def sup(value: str) -> dict:
    return {"type": "superscript", "children": [text(value)]}


def sub(value: str) -> dict:
    return {"type": "subscript", "children": [text(value)]}


ARTICLE = {
    "title": "Notes and scripts",
    "language": "en",
    "source": {"url": "https://www.defense.gov/News/Article/1/"},
    "body": [
        {"type": "paragraph", "children": [
            text("Fuel cells turn H"), sub("2"), text(" into power"),
            note([text("A cell makes about 0.7 V.")], [text("See "), {"type": "link", "href": "https://www.energy.gov/",
                  "children": [text("the energy site")]}, text(" and "),
                  {"type": "span", "lang": "fr", "children": [text("la pile")]}, text(".")]),
            text(" in 40 m"), sup("2"), text(" of space."),
        ]},
        {"type": "heading", "level": 2, "children": [text("Results"), note([text("Measured in May.")])]},
        {"type": "figure", "image": "photo.png", "alt": "An orange test card.", "title": "Test card",
         "caption": [text("The card covers 2 m"), sup("2"), note([text("Printed on A3.")]), text(" of wall.")],
         "credit": "Test Desk", "virin": "230214-D-TT977-0483"},
        {"type": "table", "caption": [text("Yields")],
         "head": [{"cells": [{"header": True, "children": [text("Gas")]},
                             {"header": True, "children": [text("Yield")]}]}],
         "rows": [{"cells": [{"children": [text("CO"), sub("2"), note([text("Dry air.")])]},
                             {"children": [text("10")]}]}]},
        {"type": "list", "ordered": True, "start": 1, "items": [
            [{"type": "paragraph", "children": [text("First step"), note([text("Do it first.")])]}],
            [{"type": "paragraph", "children": [text("Second step with x"), sup("n")]}],
        ]},
        {"type": "blockquote", "children": [{"type": "paragraph", "children": [text("Power to the field.")]}],
         "attribution": [text("A sergeant"), note([text("Quoted in 2024.")])]},
    ],
}
NOTES = [
    "A cell makes about 0.7 V. See the energy site and la pile.",
    "Measured in May.",
    "Printed on A3.",
    "Dry air.",
    "Do it first.",
    "Quoted in 2024.",
]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notes-source")
    (folder / "photo.png").write_bytes(PNG.read_bytes())
    path = folder / "notes.json"
    path.write_text(json.dumps(ARTICLE), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def outputs(source, tmp_path_factory) -> dict[str, Path]:
    return build_formats(source, tmp_path_factory.mktemp("notes-out"))


def note_texts(article: Article) -> list[str]:
    return [" ".join(" ".join(plain_text(p.children) for p in n.children).split()) for n in article.footnotes()]


def test_the_model_numbers_notes_in_reading_order_and_keeps_them_out_of_the_text(source):
    article = load_article(source)
    assert note_texts(article) == NOTES
    assert plain_text(article.body[0].children) == "Fuel cells turn H2 into power in 40 m2 of space."
    assert plain_text(article.body[2].caption) == "The card covers 2 m2 of wall."


# ---------------------------------------------------------------- HTML and EPUB


def html_tree(path: Path):
    from lxml import html

    return html.fromstring(path.read_bytes())


def test_html_has_sup_sub_and_linked_asides_in_order(outputs):
    page = html_tree(outputs["html"])
    calls = page.xpath("//a[@role='doc-noteref']")
    asides = page.xpath("//section[contains(@class, 'footnotes')]/aside[@role='doc-footnote']")
    assert [call.text_content() for call in calls] == [str(n) for n in range(1, 7)]
    assert [" ".join(a.text_content().split()) for a in asides] == [f"{n}. {t}" for n, t in enumerate(NOTES, 1)]
    for call, aside in zip(calls, asides, strict=True):
        assert call.get("href") == f"#{aside.get('id')}"
        [back] = aside.xpath(".//a[@role='doc-backlink']")
        assert back.get("href") == f"#{call.get('id')}"
    assert [s.text_content() for s in page.xpath("//p//sub")] == ["2"]
    assert "2" in [s.text_content() for s in page.xpath("//figcaption//sup")]
    # The note's link and language span are kept inside the note.
    assert asides[0].xpath(".//a[@href='https://www.energy.gov/']") and asides[0].xpath(".//span[@lang='fr']")


def test_epub_marks_noterefs_and_footnotes_for_reading_systems(outputs):
    with zipfile.ZipFile(outputs["epub"]) as archive:
        name = next(n for n in archive.namelist() if n.endswith("article.xhtml"))
        root = etree.fromstring(archive.read(name))
    epub = "{http://www.idpf.org/2007/ops}type"
    calls = [e for e in root.iter() if e.get(epub) == "noteref"]
    notes = [e for e in root.iter() if e.get(epub) == "footnote"]
    assert len(calls) == len(notes) == 6
    assert all(etree.QName(n).localname == "aside" for n in notes)


# ---------------------------------------------------------------- PDF


def test_pdf_notes_are_tagged_note_with_an_id_beside_their_reference(outputs):
    with pikepdf.open(outputs["pdf"]) as pdf:
        root = pdf.Root.StructTreeRoot
        found = []

        def walk(element, parent=None):
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
            structured = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
            for index, kid in enumerate(structured):
                if kid.S == "/Reference":
                    following = structured[index + 1] if index + 1 < len(structured) else None
                    found.append((kid, following))
                walk(kid, element)

        walk(root.K[0] if isinstance(root.K, pikepdf.Array) else root.K)
        assert len(found) == 6
        ids = set()
        for reference, following in found:
            assert following is not None and following.S == "/Note"
            assert "/ID" in following and reference.Ref[0].objgen == following.objgen
            ids.add(bytes(following.ID))
        assert len(ids) == 6
        names = root.IDTree.Names
        in_tree = {bytes(names[i]) for i in range(0, len(names), 2)}
        assert ids <= in_tree


def test_pdf_scripts_keep_their_text_in_the_tags_and_notes_stay_out_of_the_sentence(outputs):
    import pikepdf

    from exporter.checks.pdf_tags import TaggedPdf

    with pikepdf.open(outputs["pdf"]) as pdf:
        tagged = TaggedPdf(pdf)
        elements = tagged.elements
        paragraphs = [tagged.text(element).replace(" ", "") for element in elements if element.raw_type == "P"]
        scripts = [element for element in elements if element.raw_type == "NonStruct" and tagged.text(element) == "2"]
        spans = [tagged.text(element) for element in elements if element.raw_type == "Span"]
    assert "FuelcellsturnH2intopowerin40m2ofspace." in paragraphs
    assert "Acellmakesabout0.7V." in paragraphs  # the note's own paragraph, inside its Note
    # H₂, m² and the caption's m²: each script a Span with its text (WeasyPrint makes them NonStruct).
    assert spans.count("2") >= 3 and scripts == []


@pytest.mark.slow
def test_every_format_passes_its_validators_and_the_formats_agree(outputs, source):
    from exporter.checks.facts import facts_of_model
    from exporter.checks.run import check_files

    results = check_files(list(outputs.values()), expected=facts_of_model(load_article(source)))
    failed = [(result.check, result.path.name, result.findings or result.reason) for result in results
              if result.status != "passed"]
    assert not failed


# ---------------------------------------------------------------- DOCX and Markdown, read back


def test_docx_has_real_footnotes_and_vertical_alignment(outputs):
    with zipfile.ZipFile(outputs["docx"]) as archive:
        document = archive.read("word/document.xml").decode()
        notes = archive.read("word/footnotes.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    assert document.count("<w:footnoteReference") == 6
    assert len(re.findall(r'<w:footnote w:id="[1-9]', notes)) == 6
    assert 'w:val="superscript"' in document and 'w:val="subscript"' in document
    assert 'w:styleId="FootnoteText"' in styles and 'w:styleId="FootnoteReference"' in styles


def test_docx_round_trip_keeps_every_note_and_script(source, tmp_path):
    original = load_article(source)
    imported = read_document(build_docx(source, tmp_path), BuildOptions()).document
    assert isinstance(imported, Article)
    assert note_texts(imported) == NOTES
    expected, _ = comparable(original, lambda reference: None)
    actual, _ = comparable(imported, lambda reference: None)
    assert_same_article(expected["body"], actual["body"], "body")


def test_pandoc_reads_our_docx_notes_and_scripts(outputs):
    import pypandoc

    markdown = pypandoc.convert_file(str(outputs["docx"]), "markdown")
    assert markdown.count("[^") >= 12  # six references and six definitions
    assert "H~2~" in markdown and "m^2^" in markdown


def test_markdown_round_trip_and_pandoc_agree(source, tmp_path):
    import pypandoc

    original = load_article(source)
    path = tmp_path / "notes.md"
    path.write_text(to_markdown(original), encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(PNG.read_bytes())
    again = read_document(path, BuildOptions()).document
    assert again.model_dump() == original.model_dump()
    ast = json.loads(pypandoc.convert_file(str(path), "json"))
    kinds = re.findall(r'"t": ?"(Note|Superscript|Subscript)"', json.dumps(ast))
    assert kinds.count("Note") == 6
    assert kinds.count("Superscript") == 3 and kinds.count("Subscript") == 2


def test_canonical_json_round_trip(source):
    original = load_article(source)
    assert Article.model_validate_json(original.model_dump_json()) == original


def test_notes_cannot_nest_or_sit_in_a_link():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="footnote inside a footnote"):
        Footnote.model_validate({"children": [{"type": "paragraph", "children": [note([text("x")])]}]})
    with pytest.raises(ValidationError, match="footnote inside a link"):
        Article.model_validate({"title": "t", "body": [{"type": "paragraph", "children": [
            {"type": "link", "href": "https://a.example/", "children": [note([text("x")])]}]}]})


def test_markdown_reader_errors_name_the_line(tmp_path):
    from exporter.errors import ExportError

    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: T\n---\n\nText[^1].\n\n[^1]: A note with a list:\n\n    - item\n", encoding="utf-8")
    with pytest.raises(ExportError, match="holds paragraphs only") as error:
        read_document(path, BuildOptions())
    assert error.value.line == 9
    path.write_text("---\ntitle: T\n---\n\n[link text^[A note.]](https://a.example/)\n", encoding="utf-8")
    with pytest.raises(ExportError, match="inside a link") as error:
        read_document(path, BuildOptions())
    assert error.value.line == 5


def test_scripts_keep_formatting_in_markdown():
    from exporter.model import Emphasis, Paragraph

    paragraph = Paragraph(children=[Superscript(children=[Text(text="a b"), Emphasis(children=[Text(text="c")])]),
                                    Subscript(children=[Text(text="2")])])
    written = to_markdown(Article(title="t", body=[paragraph]))
    assert "^a\\ b^*^c^*~2~" in written
    assert [type(node).__name__ for node in walk_inlines(paragraph.children)].count("Superscript") == 1


@pytest.mark.slow
def test_a_packet_numbers_notes_per_article_and_passes_every_check(source, tmp_path):
    import os

    from exporter.checks.facts import facts_of_model
    from exporter.checks.run import check_files
    from exporter.model import Packet
    from exporter.pipeline import export
    from tests.conftest import FIXED_EPOCH

    second = dict(ARTICLE, title="A second article with notes")
    (source.parent / "second.json").write_text(json.dumps(second), encoding="utf-8")
    packet = source.parent / "packet.yaml"
    packet.write_text("title: Notes packet\narticles:\n  - notes.json\n  - second.json\n", encoding="utf-8")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        result = export(packet, BuildOptions(formats=("html", "pdf", "epub", "docx"), out_dir=tmp_path))
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    outputs = [Path(path) for path in result.outputs]
    document = read_document(packet, BuildOptions()).document
    checks = check_files(outputs, expected=facts_of_model(document))
    assert not [(c.check, c.path.name, c.findings or c.reason) for c in checks if c.status != "passed"]
    page = html_tree(next(path for path in outputs if path.suffix == ".html"))
    ids = [element.get("id") for element in page.xpath("//aside[@role='doc-footnote']")]
    assert ids == [f"article-{a}-fn-{n}" for a in (1, 2) for n in range(1, 7)]
    again = read_document(next(path for path in outputs if path.suffix == ".docx"), BuildOptions()).document
    assert isinstance(again, Packet)
    assert [note_texts(article) for article in again.articles] == [NOTES, NOTES]

"""Done when (issue 14, item 6): Word files we did not write, from real writers, import with their text, each
shortfall against pandoc's reading named by a warning, and every picture's alt text, caption, credit and VIRIN.

The corpus (tests/docx/corpus/docx, committed; `python -m tests.docx.corpus.build` makes it again from
tests/docx/corpus/sources) holds pandoc's DOCX of Markdown drafts, LibreOffice's DOCX of HTML, flat ODT and RTF
documents, Word's idiom written by hand, and pandoc's and the Word files re-saved by LibreOffice.
`python -m tests.docx.corpus.similarity` prints the figures asserted here.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest

from exporter.model import ListBlock, plain_text, walk_blocks
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.docx.corpus.similarity import CORPUS, THRESHOLD, files_in, measure, pandoc_document

FILES = files_in([str(CORPUS)])

# Markup that shows each construct the corpus must cover, as the DOCX files store it.
CONSTRUCTS = {
    "multi-level lists": r'<w:ilvl w:val="[12]"/>',
    "list restarts": r"<w:startOverride",
    "table header flags": r"<w:tblHeader|w:firstRow=\"1\"|w:val=\"0020\"",
    "merged cells": r"<w:vMerge|<w:gridSpan",
    "nested tables": r"<w:tc>(?:(?!</w:tc>).)*<w:tbl>",
    "text boxes": r"<w:txbxContent",
    "footnotes": r"<w:footnoteReference",
    "endnotes": r"<w:endnoteReference",
    "equations": r"<m:oMath",
    "fields": r"<w:fldChar|<w:fldSimple",
    "content controls": r"<w:sdt>",
    "tracked changes": r"<w:ins |<w:del ",
    "comments": r"<w:commentReference",
    "drop caps": r'w:dropCap="(?:drop|margin)"',
    "charts": r"drawingml/2006/chart",
    "SmartArt": r"drawingml/2006/diagram",
    "pictures with alt text": r'<wp:docPr [^>]*descr="[^"]+"',
    "pictures without alt text": r'<wp:docPr (?![^>]*descr="[^"]+")[^>]*/?>',
    "superscripts and subscripts": r'<w:vertAlign w:val="(?:superscript|subscript)"',
    "Strict OOXML": r"http://purl\.oclc\.org/ooxml/wordprocessingml/main",
}


def document_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def package_has(path, pattern: str) -> bool:
    """Whether any XML part of the Word document (body, numbering, notes, headers ...) matches."""
    with zipfile.ZipFile(path) as archive:
        return any(
            re.search(pattern, archive.read(name).decode("utf-8"), re.DOTALL)
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )


def test_the_corpus_comes_from_real_writers_and_covers_every_construct():
    writers = Counter(path.name.split("-", 1)[0] for path in FILES)
    assert len(FILES) >= 60
    assert writers["pandoc"] >= 10 and writers["libreoffice"] >= 15 and writers["resaved"] >= 15, writers
    missing = [name for name, pattern in CONSTRUCTS.items() if not any(package_has(path, pattern) for path in FILES)]
    assert not missing, f"no corpus file has: {missing}"
    assert any(package_has(path, r"<w:hdr ") for path in FILES), "no corpus file has a page header"


@pytest.fixture(scope="module")
def measurements():
    return [measure(path) for path in FILES]


@pytest.mark.slow
def test_every_corpus_file_imports(measurements):
    refused = [(result.path.name, result.error) for result in measurements if result.error]
    assert not refused


@pytest.mark.slow
def test_imported_text_matches_pandoc_and_every_shortfall_is_explained(measurements):
    measured = [result for result in measurements if result.similarity is not None]
    assert len(measured) >= 60
    unexplained = [
        (result.path.name, round(result.similarity, 3), result.missing)
        for result in measured
        if result.similarity < THRESHOLD and not result.explained
    ]
    assert not unexplained
    # Below the threshold only where the reader said what it left out (a table of contents) or where pandoc
    # leaves out text the reader keeps (a text box's anchoring paragraph, a picture's alt text, a chart's).
    passing = sum(result.similarity >= THRESHOLD for result in measured)
    assert passing / len(measured) >= 0.85, f"{passing} of {len(measured)}"
    complete = sum((result.recall or 0) >= THRESHOLD or result.similarity >= THRESHOLD for result in measured)
    assert complete / len(measured) >= 0.9


# Every picture as its source gave it: (alt, photo title, caption, credit, VIRIN). LibreOffice drops a picture's
# title when it re-saves and an <img alt> when it imports HTML; pandoc repeats the caption as the alt text of a
# picture that has none.
PICTURES = {
    "pandoc-figures.docx": [
        ("Four airmen push a pallet up the ramp of a gray cargo aircraft.", "Loading cargo",
         "Airmen load cargo onto a C-17 Globemaster III.", "Senior Airman Jane Doe", "230214-D-TT977-0483"),
        ("A soldier lies prone behind a rifle on a grassy range.", None,
         "Soldiers fire during a qualification range.", "Sgt. John Roe", "161112-D-SW162-143B"),
        ("A photo whose author gave no description", None, "A photo whose author gave no description", None, None),
    ],
    "resaved-pandoc-figures.docx": [
        ("Four airmen push a pallet up the ramp of a gray cargo aircraft.", None,
         "Airmen load cargo onto a C-17 Globemaster III.", "Senior Airman Jane Doe", "230214-D-TT977-0483"),
        ("A soldier lies prone behind a rifle on a grassy range.", None,
         "Soldiers fire during a qualification range.", "Sgt. John Roe", "161112-D-SW162-143B"),
        ("A photo whose author gave no description", None, "A photo whose author gave no description", None, None),
    ],
    "pandoc-everything.docx": [("An orange test pattern.", None, "A photo caption.", "NASA", "110130-M-4471M-045")],
    "resaved-pandoc-everything.docx": [
        ("An orange test pattern.", None, "A photo caption.", "NASA", "110130-M-4471M-045")
    ],
    "libreoffice-odt-pictures.docx": [
        ("Two airmen carry a stretcher across a snowy field.", None, "Medical evacuation training.",
         "Staff Sgt. Ann Lee", "230214-D-TT977-0483"),
        (None, None, "A caption in the Caption style, with a credit on its own line.", "Navy photo", None),
    ],
    "libreoffice-html-pictures.docx": [(None, None, None, None, None), (None, None, None, None, None)],
    # LibreOffice's Insert > Caption: the caption after the picture in its own paragraph, inside a frame.
    "libreoffice-odt-caption-frames.docx": [
        ("Two airmen load a pallet onto a cargo plane.", None, "Loading the C-17 at dawn.", None, None),
        ("A tanker refuels a fighter over the sea.", None, "Refuelling over the Pacific.", "Senior Airman Kim Park",
         None),
    ],
    "word-textboxes.docx": [
        ("A radar dish against a clear sky.", None, "The radar site at Thule.", "Airman Kim Ode",
         "230214-D-TT977-0483")
    ],
    "resaved-word-textboxes.docx": [
        ("A radar dish against a clear sky.", None, "The radar site at Thule.", "Airman Kim Ode",
         "230214-D-TT977-0483")
    ],
    **{name: [
        ("Sunrise patrol Sailors stand watch aboard the ship at dawn. Credit: U.S. Navy photo by Petty Officer Lee",
         "Sunrise patrol", "Sailors stand watch aboard the ship at dawn.", "U.S. Navy photo by Petty Officer Lee",
         None),
        ("Marines train in the desert. Duration: ten days of live fire training", None,
         "Marines train in the desert. Duration: ten days of live fire training", None, None),
        ("Aircraft on the flight line. Credit: Airman Diaz · VIRIN: 240101-F-AB123-1001", None,
         "Aircraft on the flight line.", "Airman Diaz", "240101-F-AB123-1001"),
        ("Soldiers cross the river. VIRIN: pending review", None, "Soldiers cross the river.", None, None),
        ("Flags at half staff. Credit: Staff Released under public domain terms", None, "Flags at half staff.",
         "Staff", None),
        ("Rights: reserved by the photographer\u2019s estate", None, None, None, None),
    ] for name in ("pandoc-caption-facts.docx", "resaved-pandoc-caption-facts.docx")},
    **{name: [
        ("Two helicopters on a ship's deck", None, "Helicopters land during the exercise", None, None),
        ("A gray ship in a calm bay", None, "Ship at anchor in the bay", None, None),
        ("A row of trucks on a coast road", None, "Convoy on the coastal road", None, None),
        ("A checkpoint at dusk", None, "Checkpoint at dusk", None, None),
        ("Marines walk up a ramp", None, "12 Marines board the aircraft (Figure 5)", None, None),
        ("Open hangar doors at night", None, "Hangar doors open", None, None),
        ("A score board", None, "2024 results at the range", None, None),
    ] for name in ("word-captions.docx", "resaved-word-captions.docx")},
}


# Pictures anchored as characters inside a sentence: part of the text, not figures.
IN_TEXT = {"libreoffice-odt-pictures.docx": ["A small icon."]}


def normal(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text is not None else None


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_every_picture_keeps_alt_caption_credit_and_virin(name):
    result = read_document(CORPUS / name, BuildOptions())
    found = [
        (normal(f.alt), normal(f.title), normal(plain_text(f.caption)), normal(f.credit), f.virin)
        for f in result.document.figures()
    ]
    assert found == PICTURES[name]
    # Every picture the file holds comes out, named by its VIRIN where it has one, each exactly once; a picture
    # inside a sentence stays there (`IN_TEXT`).
    inline = [image.alt for image in result.document.inline_images()]
    assert inline == IN_TEXT.get(name, [])
    assert len(result.images) == len({f.image for f in result.document.figures()}) + len(inline)


def test_no_other_corpus_file_has_pictures():
    with_pictures = {
        path.name for path in FILES if re.search(r"<a:blip r:embed|<v:imagedata", document_xml(path))
    }
    # The hand-written objects file holds an OLE object's preview picture, which is left out with a warning.
    assert with_pictures - set(PICTURES) <= {"word-objects.docx", "resaved-word-objects.docx"}


# pandoc's names for the number styles of ordered lists (its ListNumberStyle), as the model names them.
PANDOC_NUMBER_STYLES = {"LowerAlpha": "lower-alpha", "UpperAlpha": "upper-alpha", "LowerRoman": "lower-roman",
                        "UpperRoman": "upper-roman"}


def pandoc_number_styles(node) -> set[str]:
    """The lettered and Roman number styles of the ordered lists in pandoc's JSON reading."""
    found: set[str] = set()
    if isinstance(node, dict):
        if node.get("t") == "OrderedList":
            found |= {PANDOC_NUMBER_STYLES.get(node["c"][0][1]["t"], "decimal")}
        for value in node.values():
            found |= pandoc_number_styles(value)
    elif isinstance(node, list):
        for value in node:
            found |= pandoc_number_styles(value)
    return found - {"decimal"}


@pytest.mark.slow
def test_lettered_and_roman_lists_keep_their_numbers_as_pandoc_reads_them():
    """Lists Word numbers a, b, c / A, B, C / i, ii, iii / I, II, III (written by Word, LibreOffice from ODT and
    RTF, and re-saved) come in with that number style wherever pandoc reads one: none comes out as 1, 2, 3."""
    files = [*FILES, *files_in([str(CORPUS.parent.parent / "public" / "pydocx")])]
    compared = 0
    for path in files:
        theirs = pandoc_number_styles(pandoc_document(path))
        if not theirs:
            continue
        document = read_document(path, BuildOptions()).document
        ours = {
            block.number_style
            for article in getattr(document, "articles", [document])
            for block in walk_blocks(article.body)
            if isinstance(block, ListBlock) and block.number_style
        }
        assert theirs <= ours, path.name
        compared += 1
    assert compared >= 8


# ---------------------------------------------------------------- public Word files (tests/docx/public)

PUBLIC_FOLDER = CORPUS.parent.parent / "public"
# Measured first, before the reader was fixed on any public file.
PUBLIC = files_in([str(PUBLIC_FOLDER / name) for name in ("python-docx", "mammoth", "docx4js")])
# Measured after those fixes, as unseen input again.
PYDOCX = files_in([str(PUBLIC_FOLDER / "pydocx")])


@pytest.fixture(scope="module")
def public_measurements():
    return [measure(path) for path in PUBLIC]


@pytest.mark.slow
def test_public_word_files_import_with_their_text(public_measurements):
    """The same measure on Word files that other DOCX readers publish as test data, which the reader was not
    tuned on: every one imports, and of those that hold text, 95% match pandoc's reading at the threshold, the
    rest only where pandoc leaves out text the reader keeps."""
    assert len(PUBLIC) >= 60
    assert not [(result.path.name, result.error) for result in public_measurements if result.error]
    measured = [result for result in public_measurements if result.similarity is not None]
    below = [result for result in measured if result.similarity < THRESHOLD]
    assert len(below) <= 0.05 * len(measured), [(result.path.name, result.similarity) for result in below]
    with_text = [result for result in measured if result.pandoc]
    assert len(with_text) >= 40
    assert all(result.similarity >= THRESHOLD for result in with_text)
    assert all(result.recall == 1.0 for result in below), [(result.path.name, result.missing) for result in below]


@pytest.mark.slow
def test_pydocx_test_documents_import_and_every_shortfall_is_explained():
    """PyDocX's test documents, most of them saved by LibreOffice: all but the one that is no Word document
    import, and every file below the threshold is one where the reader keeps text pandoc leaves out (a linked
    picture's description, cells beyond a table grid that is too narrow, a nested table) or says what it left out
    (hidden text)."""
    results = [measure(path) for path in PYDOCX]
    assert len(results) >= 40
    refused = {result.path.name: result.error for result in results if result.error}
    assert list(refused) == ["missing_relationships.docx"]
    assert "not a Word document" in refused["missing_relationships.docx"]
    measured = [result for result in results if result.similarity is not None and not result.error]
    unexplained = [(result.path.name, result.missing) for result in measured
                   if result.similarity < THRESHOLD and not result.explained]
    assert not unexplained
    with_text = [result for result in measured if result.pandoc]
    assert len(with_text) >= 35
    at_threshold = [result for result in with_text if result.similarity >= THRESHOLD]
    assert len(at_threshold) >= 0.85 * len(with_text)

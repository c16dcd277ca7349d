"""Done when: a DOCX edited programmatically the way a person would (a paragraph rewritten, a paragraph
inserted, a figure's caption changed, a figure deleted) imports with exactly those changes."""

from __future__ import annotations

import copy

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from exporter.model import Figure, Heading, Paragraph, Text, plain_text
from tests.roundtrip.conftest import assert_same_article, comparable, read_docx

REWRITTEN = "Eileen Collins joined the astronaut corps in 1992 (this sentence was rewritten in Word)."
INSERTED = "An editor inserted this paragraph after the section heading."
NEW_CAPTION = "Eileen Collins before STS-63, in a caption an editor changed."


@pytest.fixture(scope="module")
def edited(built_samples, tmp_path_factory):
    built = built_samples["eileen-collins"]
    document = docx.Document(str(built.path))
    paragraphs = document.paragraphs
    original = built.article
    first_text = plain_text(original.body[0].children)
    [target] = [p for p in paragraphs if p.text == first_text]
    target.text = REWRITTEN  # python-docx replaces the runs, as retyping does

    heading_text = "A career measured in days aloft"
    [heading] = [p for p in paragraphs if p.text == heading_text]
    following = paragraphs[paragraphs.index(heading) + 1]
    following.insert_paragraph_before(INSERTED)

    first_figure, second_figure = original.figures()
    caption_text = plain_text(first_figure.caption)
    runs = [run for p in paragraphs for run in p.runs if run.text == caption_text]
    assert len(runs) == 1, "the first figure's caption line"
    runs[0].text = NEW_CAPTION

    # Delete the second figure: its picture paragraph and its caption paragraph.
    body = document.element.body
    pictures = [p for p in body.iter(qn("w:p")) if p.find(".//" + qn("w:drawing")) is not None]
    picture = pictures[1]
    caption = picture.getnext()
    body.remove(picture)
    body.remove(caption)

    path = tmp_path_factory.mktemp("roundtrip-edited") / "eileen-collins-edited.docx"
    document.save(str(path))

    expected = original.model_copy(deep=True)
    expected.body[0] = Paragraph(children=[Text(text=REWRITTEN)])
    heading_index = next(
        index
        for index, block in enumerate(expected.body)
        if isinstance(block, Heading) and plain_text(block.children) == heading_text
    )
    expected.body.insert(heading_index + 1, Paragraph(children=[Text(text=INSERTED)]))
    expected_figures = [block for block in expected.body if isinstance(block, Figure)]
    expected_figures[0].caption = [Text(text=NEW_CAPTION)]
    expected.body.remove(expected_figures[1])
    return path, expected, second_figure


def test_roundtrip_edits_import_with_exactly_those_changes(edited):
    path, expected, _ = edited
    result = read_docx(path)
    images = getattr(result, "images", {})
    expected_dump, _ = comparable(expected, lambda reference: b"" if reference else None)
    actual_dump, _ = comparable(result.document, lambda reference: b"" if reference in images else None)
    assert_same_article(expected_dump, actual_dump)


def test_roundtrip_edits_keep_the_remaining_figure_and_drop_the_deleted_one(edited):
    path, expected, deleted = edited
    result = read_docx(path)
    [figure] = result.document.figures()
    assert figure.alt == expected.figures()[0].alt
    assert figure.credit == "NASA" and figure.rights == expected.figures()[0].rights
    assert plain_text(figure.caption) == NEW_CAPTION
    assert deleted.alt not in {f.alt for f in result.document.figures()}
    assert len(getattr(result, "images", {})) == 1


def test_roundtrip_edited_provenance_text_wins_over_stored_values(built_samples, tmp_path_factory):
    """The editor corrects the agency and the retrieval date in the visible provenance block: the visible
    text wins; the site name (not shown) still comes from the stored properties."""
    built = built_samples["community-newsletter"]
    document = docx.Document(str(built.path))
    [agency] = [p for p in document.paragraphs if p.text.startswith("Published by: ")]
    agency.text = "Published by: Riverside Library Friends"
    [dateline] = [p for p in document.paragraphs if p.text.startswith("Published ") and "by:" not in p.text]
    dateline.text = "Published August 16, 2025"
    path = tmp_path_factory.mktemp("roundtrip-provenance") / "newsletter-edited.docx"
    document.save(str(path))
    article = read_docx(path).document
    assert article.source.agency == "Riverside Library Friends"
    assert article.source.site_name == built.article.source.site_name
    assert article.source.url == built.article.source.url
    assert article.published == "2025-08-16"


def test_roundtrip_unchanged_dates_keep_their_stored_precision(built_samples):
    """The dateline shows "January 20, 2025"; the stored 2025-01-20T09:30:00+00:00 comes back exactly."""
    article = read_docx(built_samples["torture-every-block"].path).document
    assert article.updated == "2025-01-20T09:30:00+00:00"


def test_roundtrip_lost_properties_are_recovered_from_text_and_warned(built_samples, tmp_path_factory):
    """An application that drops custom properties: URL and agency come back from the visible provenance
    block; what only the properties held is reported, not invented."""
    import zipfile

    built = built_samples["community-newsletter"]
    path = tmp_path_factory.mktemp("roundtrip-lost") / "newsletter-no-properties.docx"
    with zipfile.ZipFile(built.path) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/custom.xml":
                continue
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"docProps/custom.xml", b"docProps/custom-gone.xml")
            target.writestr(info, data)
    result = read_docx(path)
    article = result.document
    assert article.source.url == built.article.source.url
    assert article.source.agency == built.article.source.agency
    assert article.source.site_name is None
    assert article.published == built.article.published
    assert any("document properties are missing" in message for message in result.warnings)
    # Work on a copy so other tests keep the original.
    assert copy.deepcopy(article) == article


def test_roundtrip_credit_words_inside_a_caption_stay_caption_text(tmp_path):
    """A caption that ends "Credit: Example Agency" (the author's words, with no credit of its own) came back from
    our DOCX as a shorter caption and a credit, and `--check` failed the build on it (FACT-DIFFERS). A Word draft's
    caption line is still split so (tests/docx)."""
    from tests.roundtrip.conftest import build_docx

    photo = tmp_path / "map.png"
    Image.new("RGB", (40, 30), "navy").save(photo)
    source = tmp_path / "map.md"
    source.write_text("---\ntitle: Map\n---\n\nThe agency released a map.\n\n![States receiving grants. "
                      'Credit: Example Agency](map.png){alt="Map of the twelve states receiving grants"}\n\n'
                      '![Two](map.png){alt="Map again" credit="Jane Doe"}\n', encoding="utf-8")
    figures = read_docx(build_docx(source, tmp_path / "out")).document.figures()
    assert [(plain_text(figure.caption), figure.credit) for figure in figures] == [
        ("States receiving grants. Credit: Example Agency", None), ("Two", "Jane Doe")]

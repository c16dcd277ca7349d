"""Each repair of the structure pass, proven by reading the finished file's structure tree (pikepdf) and
its content (outloud's parser). Where WeasyPrint alone gets it wrong, a test also shows the defect in its
output, so a passing test means the repair did something."""

from __future__ import annotations

import itertools
import re

import pikepdf
import pytest
from pdf_inspect import TaggedPdf, squash
from pdf_long_article import LONG_ARTICLE_ALT, LONG_ARTICLE_CREDIT, LONG_ARTICLE_VIRIN, TABLE_ROWS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tagged(pdf_outputs) -> dict[str, TaggedPdf]:
    return {name: TaggedPdf(path) for name, path in pdf_outputs.items()}


@pytest.fixture(scope="session")
def plain(plain_weasyprint_outputs) -> dict[str, TaggedPdf]:
    return {name: TaggedPdf(path) for name, path in plain_weasyprint_outputs.items()}


def unreachable_parent_tree_entries(pdf: TaggedPdf) -> list[tuple[int, int]]:
    reachable = pdf.reachable_objgens()
    found = []
    for key, value in pdf.parent_tree().items():
        entries = list(value) if isinstance(value, pikepdf.Array) else [value]
        for mcid, element in enumerate(entries):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                found.append((key, mcid))
    return found


# --- page margins -------------------------------------------------------------------------------------------


def test_plain_weasyprint_leaves_margin_text_outside_the_tree(plain):
    assert unreachable_parent_tree_entries(plain["torture-every-block"])


def test_margin_text_is_pagination_artifact_and_nothing_is_outside_the_tree(tagged, pdf_sources):
    for name, pdf in tagged.items():
        assert unreachable_parent_tree_entries(pdf) == [], name
        tagged_text = squash(" ".join(pdf.own_text(element) for element in pdf.elements))
        for page in range(pdf.page_count()):
            artifacts = pdf.artifact_text(page)
            assert f"Page {page + 1}" in artifacts, (name, page, artifacts)
            assert not re.search(rf"\bPage {page + 1}\b", tagged_text), name
            stream = pdf.pdf.pages[page].Contents.read_bytes()
            # Page number on every page; the running title too, except on page 1 (under the headline).
            expected = 1 if page == 0 else 2
            assert stream.count(b"/Artifact <</Type /Pagination>> BDC") >= expected, (name, page)
            if page > 0:
                assert pdf.doc.title[:20] in artifacts, (name, page, artifacts)


# --- tables -------------------------------------------------------------------------------------------------


def test_plain_weasyprint_repeats_thead_per_page(plain):
    assert len(plain["long-article"].of_type("THead")) > 1
    assert len(plain["long-article"].of_type("Table")) > 1


def test_table_crossing_pages_is_one_table_with_one_thead(tagged):
    pdf = tagged["long-article"]
    [table] = pdf.of_type("Table")
    assert len(pdf.pages_of(table)) >= 2, "the long table should cross a page break"
    heads = [child for child in table.children if child.type_raw == "THead"]
    bodies = [child for child in table.children if child.type_raw == "TBody"]
    assert len(heads) == 1 and len(bodies) == 1
    assert [row.type_raw for row in heads[0].children] == ["TR"]
    assert len(bodies[0].children) == TABLE_ROWS
    header_text = "Items delivered"
    assert header_text in pdf.text(heads[0])
    later_pages = sorted(pdf.pages_of(bodies[0]) - pdf.pages_of(heads[0]))
    assert later_pages
    for page in later_pages:
        assert header_text in pdf.artifact_text(page), f"repeated header on page {page + 1} is tagged"


def test_header_cells_have_scope_and_ids_resolve_through_idtree(tagged):
    for name, pdf in tagged.items():
        cells = pdf.of_type("TH")
        if not cells:
            continue
        for cell in cells:
            in_head = any(ancestor.type_raw == "THead" for ancestor in ancestors(cell))
            assert cell.attr("Scope", "Table") == ("Column" if in_head else "Row"), (name, pdf.text(cell))
        root = pdf.pdf.Root.StructTreeRoot
        assert "/IDTree" in root, name
        names = root.IDTree.Names
        id_tree = {bytes(names[i]): names[i + 1].objgen for i in range(0, len(names), 2)}
        with_id = [element for element in pdf.elements if element.id is not None]
        assert len(id_tree) == len(with_id), name
        for element in with_id:
            assert id_tree[element.id.encode()] == element.objgen
        for data_cell in pdf.of_type("TD"):
            headers = data_cell.obj.get("/A", {}).get("/Headers", [])
            assert headers, (name, pdf.text(data_cell))
            for header in headers:
                assert bytes(header) in id_tree, (name, header)


def ancestors(element):
    node = element.parent
    while node is not None:
        yield node
        node = node.parent


# --- languages, links, lists, empties ----------------------------------------------------------------------


def test_spans_in_other_languages_carry_lang(tagged, plain):
    expected = {"Київ": "uk", "Віталій Кличко": "uk", "Αθήνα": "el", "la biblioteca abre los domingos": "es"}
    for document, pdf in (("torture-every-block", tagged["torture-every-block"]),):
        found = {squash(pdf.text(element)): element.lang for element in pdf.elements if element.lang}
        assert found == expected, document
    assert not [element for element in plain["torture-every-block"].elements if element.lang]
    assert tagged["torture-every-block"].doc.lang == "en"


def test_links_have_descriptive_contents_and_print_flag(tagged):
    checked = 0
    for name, pdf in tagged.items():
        owners = {}
        for link in pdf.of_type("Link"):
            for objgen in link.objrs:
                owners[objgen] = link
        for page in pdf.pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    continue
                assert int(annotation.get("/F", 0)) & 4, name
                link = owners[annotation.objgen]
                contents = str(annotation.Contents)
                text = squash(pdf.text(link))
                # A long URL wraps mid-word, so compare without spaces.
                assert text and text.replace(" ", "") in contents.replace(" ", ""), (name, text, contents)
                uri = str(annotation.A.get("/URI", "")) if "/A" in annotation else ""
                if uri and uri != text:
                    assert uri in contents, (name, contents)
                checked += 1
    assert checked >= 5


def test_list_items_hold_only_lbl_and_lbody(tagged):
    for name, pdf in tagged.items():
        for item in pdf.of_type("LI"):
            assert {child.type_raw for child in item.children} <= {"Lbl", "LBody"}, name


def test_no_empty_or_whitespace_only_elements(tagged):
    for name, pdf in tagged.items():
        for element in pdf.elements:
            has_content = element.children or element.mcrefs or element.objrs
            assert has_content, (name, element.path)
            if element.type_raw == "Span":
                assert pdf.text(element).strip(), (name, element.path)


def test_headings_nest_without_skipping(tagged):
    for name, pdf in tagged.items():
        levels = [element.heading_level for element in pdf.elements if element.heading_level]
        assert levels[0] == 1 and levels.count(1) == 1, name
        for previous, current in itertools.pairwise(levels):
            assert current <= previous + 1, (name, levels)


def test_bookmarks_follow_headings(tagged):
    pdf = tagged["torture-every-block"]
    with pikepdf.open(pdf.path) as document, document.open_outline() as outline:
        titles = []

        def collect(items):
            for item in items:
                titles.append(item.title)
                collect(item.children)

        collect(outline.root)
    headings = [squash(pdf.text(element)) for element in pdf.elements if element.heading_level]
    assert titles == headings


# --- figures ------------------------------------------------------------------------------------------


def expected_figures(context) -> list:
    """Figures that are drawn as a tagged image: not decorative, and the image is at hand."""
    return [
        figure for figure in context.document.figures()
        if not figure.decorative and context.image_bytes(figure) is not None
    ]


def test_figure_alt_equals_model_and_caption_is_its_sibling_in_a_div(tagged, pdf_sources, render_context_for):
    seen = 0
    for name, pdf in tagged.items():
        context = render_context_for(pdf_sources[name])
        figures = pdf.of_type("Figure")
        model = expected_figures(context)
        assert [element.alt for element in figures] == [figure.alt for figure in model], name
        for element, figure in zip(figures, model, strict=True):
            assert element.children == [], "nothing may sit inside a Figure (its /Alt would hide it)"
            assert element.parent.type_raw == "Div", (name, element.path)
            captions = [sibling for sibling in element.parent.children if sibling.type_raw == "Caption"]
            assert len(captions) == 1, (name, element.path)
            caption = squash(pdf.text(captions[0]))
            if figure.credit:
                assert f"Credit: {figure.credit}" in caption, (name, caption)
            if figure.virin:
                assert f"VIRIN: {figure.virin}" in caption, (name, caption)
            seen += 1
    assert seen >= 4


def test_every_credit_and_virin_is_inside_a_caption(tagged, pdf_sources, render_context_for):
    """Figures, media and placeholders alike: each credit and VIRIN of the model is read inside a Caption."""
    for name, pdf in tagged.items():
        captions = " | ".join(squash(pdf.text(element)) for element in pdf.of_type("Caption"))
        document = render_context_for(pdf_sources[name]).document
        items = [*document.figures(), *[block for block in document.body if block.type == "media"]]
        for item in items:
            if item.credit:
                assert f"Credit: {item.credit}" in captions, (name, item.credit)
            if item.virin:
                assert f"VIRIN: {item.virin}" in captions, (name, item.virin)


def test_long_article_figure(tagged):
    pdf = tagged["long-article"]
    [figure] = pdf.of_type("Figure")
    assert figure.alt == LONG_ARTICLE_ALT
    caption = squash(pdf.text(next(s for s in figure.parent.children if s.type_raw == "Caption")))
    assert f"Credit: {LONG_ARTICLE_CREDIT}" in caption and f"VIRIN: {LONG_ARTICLE_VIRIN}" in caption


def test_decorative_image_is_an_artifact(tagged):
    pdf = tagged["torture-every-block"]
    images = [image for page in range(pdf.page_count()) for image in pdf.doc.content(page).images]
    decorative = [image for image in images if image.artifact]
    assert decorative, "the decorative image should be drawn (as a CSS background) inside an artifact"
    assert all(image.mcid is not None for image in images if not image.artifact)
    assert all(figure.alt for figure in pdf.of_type("Figure"))


# --- provenance, fonts, page size -------------------------------------------------------------------------


def test_provenance_notice_is_tagged_body_content_on_page_one(tagged):
    pdf = tagged["stoltenberg-ukraine-support"]
    notice = (
        "This article was published on www.defense.gov, an official website of the United States government."
    )
    paragraphs = [element for element in pdf.of_type("P") if squash(pdf.text(element)) == notice]
    assert len(paragraphs) == 1
    assert pdf.pages_of(paragraphs[0]) == {0}
    [heading] = [h for h in pdf.of_type("H2") if squash(pdf.text(h)) == "Official source"]
    assert pdf.pages_of(heading) == {0}
    assert notice not in pdf.artifact_text(0)
    for name, other in tagged.items():
        source_headings = [
            h for h in other.of_type("H2") if squash(other.text(h)) in ("Source", "Official source")
        ]
        assert source_headings and other.pages_of(source_headings[0]) == {0}, name


def test_fonts_are_bundled_embedded_subset_and_no_notdef(tagged):
    for name, pdf in tagged.items():
        for page_index, page in enumerate(pdf.pdf.pages):
            content = pdf.doc.content(page_index)
            assert content.notdef_shown == 0, (name, page_index, content.notdef_by_font)
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
                base = str(descendant.BaseFont)[1:]
                assert re.match(r"^[A-Z]{6}\+", base), f"{name}: font {base} is not subset"
                family = base.split("+", 1)[1].replace("-", "")
                assert family.startswith(("PublicSans", "Merriweather", "NotoSerif", "NotoSans")), (name, base)


def test_latin_cyrillic_greek_text_comes_back(tagged):
    pdf = tagged["torture-every-block"]
    text = squash(" ".join(pdf.text(element) for element in pdf.elements if element.parent is None))
    phrases = ("Віталій Кличко", "Αθήνα", "Γιώργος Παπαδόπουλος", "Olena Kovalenko", "la biblioteca abre")
    for phrase in phrases:
        assert phrase in text, phrase


def test_default_page_size_is_us_letter(tagged):
    for name, pdf in tagged.items():
        box = [float(v) for v in pdf.pdf.pages[0].MediaBox]
        assert box == [0, 0, 612, 792], name


def test_elements_split_by_a_page_break_are_one_element(tagged, plain):
    """WeasyPrint makes one P per page for a paragraph that crosses a page break; the repair joins them."""
    def crossing(pdf: TaggedPdf) -> list:
        return [p for p in pdf.of_type("P") if len(pdf.pages_of(p)) > 1]

    assert crossing(plain["long-article"]) == []
    joined = crossing(tagged["long-article"])
    assert joined, "no paragraph of the long article crosses a page break any more: adjust the generator"
    for paragraph in joined:
        assert pdf_text_is_one_sentence_run(tagged["long-article"].text(paragraph))


def pdf_text_is_one_sentence_run(text: str) -> bool:
    return text.startswith("Report ") and text.rstrip().endswith(".")

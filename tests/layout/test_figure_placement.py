"""Figure placement (issue 19), over articles whose photo falls at every height of the first page: the photo is
scaled down (not below 45% of the text height) to finish the page, or else the text after it flows up before it;
either way no page but the last is more than 40% blank, and the structure tree reads in the model's order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_exporter
from tests.layout.pages import MARGIN_TOP_BOTTOM_IN, rendered_pages
from tests.pdf.pdf_inspect import TaggedPdf

pytestmark = pytest.mark.slow

# Two lines a paragraph: the photo's position steps down the page by about 6% of the text height per variant, less
# than the range in which it can be scaled to finish the page (from 61% to 54% of the text height, caption included).
FILLER = "The crew reviewed the flight plan, checked the suits and rehearsed the landing once more."
COUNTS = range(1, 14)
FULL_HEIGHT_PT = 4.75 * 72  # figure img { max-height } in print.css.j2
ALT = "Portrait of a smiling woman in an orange pressure suit."


def source(before: int) -> str:
    paragraphs = [f"Paragraph {n}. {FILLER}" for n in range(1, before + 1)]
    after = [f"After {n}. {FILLER} {FILLER}" for n in range(1, 9)]
    figure = f'![Caption of the photo.](images/photo.png "Photo title"){{alt="{ALT}" credit="NASA"}}'
    front = "---\ntitle: Placement test\nlanguage: en\nsource:\n  agency: Test desk\n---\n"
    return front + "\n\n".join([*paragraphs, figure, *after]) + "\n"


@pytest.fixture(scope="module")
def placed_pdfs(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("placement")
    (folder / "images").mkdir()
    shutil.copy(SAMPLES / "images" / "nasa-eileen-collins.png", folder / "images" / "photo.png")
    for before in COUNTS:
        (folder / f"before-{before}.md").write_text(source(before), encoding="utf-8")
    out = folder / "out"
    result = run_exporter("build", *sorted(folder.glob("*.md")), "--to", "pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    return {before: out / f"before-{before}.pdf" for before in COUNTS}


def test_no_page_but_the_last_is_more_than_40_percent_blank(placed_pdfs):
    for before, pdf in placed_pdfs.items():
        pages = rendered_pages(pdf)
        for page in pages[:-1]:
            assert page.blank_share <= 0.40, f"{before} paragraphs before: page {page.number} {page.blank_share:.0%}"


def test_photos_keep_at_least_45_percent_of_the_text_height(placed_pdfs):
    import pymupdf

    scaled = []
    for before, pdf in placed_pdfs.items():
        document = pymupdf.open(pdf)
        text_height = document[0].rect.height - 2 * MARGIN_TOP_BOTTOM_IN * 72
        heights = [info["bbox"][3] - info["bbox"][1] for page in document for info in page.get_image_info()]
        assert len(heights) == 1, before
        assert heights[0] >= 0.45 * text_height - 1, (before, heights[0] / text_height)
        scaled.append(heights[0] < FULL_HEIGHT_PT - 1)
    assert any(scaled), "no variant scaled its photo to finish a page: the scaling is untested"


def test_the_structure_tree_reads_in_the_models_order(placed_pdfs):
    expected = [*(f"Paragraph {n}." for n in COUNTS), "figure", *(f"After {n}." for n in range(1, 9))]
    moved = 0
    for before, pdf in placed_pdfs.items():
        tagged = TaggedPdf(pdf)
        order = []
        for element in tagged.of_type("P", "Figure"):
            if element.type_raw == "Figure":
                order.append("figure")
            elif tagged.text(element).startswith(("Paragraph", "After")):
                order.append(tagged.text(element).split(". ", 1)[0] + ".")
        assert order == [item for item in expected if not item.startswith("Paragraph") or
                         int(item.split()[1][:-1]) <= before], before
        moved += _figure_drawn_after_text(tagged)
    assert moved, "no variant let the text flow up before the figure: the move is untested"


def _figure_drawn_after_text(tagged: TaggedPdf) -> bool:
    """Whether "After 1." is drawn on a page before the photo's page (the text flowed up before the figure)."""
    import pymupdf

    document = pymupdf.open(tagged.path)
    after_page = next(i for i, page in enumerate(document) if "After 1." in page.get_text())
    photo_page = next(i for i, page in enumerate(document) if page.get_image_info())
    return after_page < photo_page


def test_two_photos_in_a_row_let_the_text_after_both_flow_up_in_one_layout(tmp_path, monkeypatch):
    """The sample's first photo lets the blocks after it flow up and meets the second photo, which it may not pass,
    with room left: the blocks after the second flow up before both in the same layout. Once this took a layout
    per step (4); now 2, and the PDF still passes every check, its structure tree in the model's order."""
    from exporter.checks.run import check_files
    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.model import Figure, Heading, plain_text
    from exporter.options import BuildOptions
    from exporter.pipeline import prepare, render_all
    from exporter.readers import read_document
    from exporter.writers.base import RenderContext
    from exporter.writers.pdf import render

    sample = SAMPLES / "eileen-collins.md"
    layouts = []
    real_placed = render.placed

    def counting(layout, root):
        def counted(extra_css: str):
            layouts.append(extra_css)
            return layout(extra_css)

        return real_placed(counted, root)

    monkeypatch.setattr(render, "placed", counting)
    options = BuildOptions(formats=("pdf",))
    warnings = Warnings()
    document = prepare(read_document(sample, options), sample, options, warnings)
    context = RenderContext(document, options, sample, Confinement.for_input(sample.parent.resolve()), warnings,
                            sample.stem)
    pdf = tmp_path / "eileen-collins.pdf"
    pdf.write_bytes(render_all(context, ("pdf",))["pdf"].data)
    assert len(layouts) == 2
    assert [(r.check, r.status) for r in check_files([pdf], against=sample) if r.status != "passed"] == []
    tagged = TaggedPdf(pdf)
    model = [plain_text(block.children) if isinstance(block, Heading) else "figure"
             for block in document.body if isinstance(block, Heading | Figure)]
    read = [tagged.text(element) if element.type_raw == "H2" else "figure"
            for element in tagged.of_type("H2", "Figure")]
    # The PDF's own headings (source, related stories) are not the article body's.
    assert [item for item in read if item in model] == model and model.count("figure") == 2

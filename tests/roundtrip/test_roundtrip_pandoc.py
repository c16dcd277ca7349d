"""Done when: a DOCX written by pandoc from the same Markdown imports with its headings, paragraphs, images
and alt text."""

from __future__ import annotations

import pytest

from exporter.model import Figure, Heading, ListBlock, Paragraph, plain_text
from tests.conftest import SAMPLE_ARTICLES, SAMPLES
from tests.roundtrip.conftest import load_article, read_docx

pytestmark = pytest.mark.slow

# pandoc's `smart` extension typesets quotes, apostrophes, dashes and ellipses.
SMART = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."})


def normal(text: str) -> str:
    return " ".join(text.translate(SMART).replace("\u2014", "---").replace("\u2013", "--").split())


@pytest.fixture(scope="module")
def pandoc_docx(tmp_path_factory) -> dict[str, object]:
    import pypandoc

    out_dir = tmp_path_factory.mktemp("roundtrip-pandoc")
    made = {}
    for source in SAMPLE_ARTICLES:
        target = out_dir / f"{source.stem}.docx"
        # No network: remote media links stay undownloaded (pandoc describes them instead).
        pypandoc.convert_file(
            str(source), "docx", outputfile=str(target), extra_args=[f"--resource-path={SAMPLES}"]
        )
        made[source.stem] = target
    return made


def top_paragraph_texts(blocks) -> list[str]:
    return [normal(plain_text(block.children)) for block in blocks if isinstance(block, Paragraph)]


@pytest.mark.parametrize("stem", [source.stem for source in SAMPLE_ARTICLES])
def test_roundtrip_pandoc_docx_imports_headings_paragraphs_images_and_alt(pandoc_docx, stem):
    source = SAMPLES / f"{stem}.md"
    original = load_article(source)
    result = read_docx(pandoc_docx[stem])
    imported = result.document
    images = getattr(result, "images", {})

    assert normal(imported.title) == normal(original.title)
    expected_headings = [
        (block.level, normal(plain_text(block.children)))
        for block in original.body
        if isinstance(block, Heading)
    ]
    actual_headings = [
        (block.level, normal(plain_text(block.children)))
        for block in imported.body
        if isinstance(block, Heading)
    ]
    assert actual_headings == expected_headings

    imported_texts = top_paragraph_texts(imported.body)
    for text in top_paragraph_texts(original.body):
        assert text in imported_texts, f"paragraph missing after pandoc: {text[:80]!r}"
    original_lists = [block for block in original.body if isinstance(block, ListBlock)]
    imported_lists = [block for block in imported.body if isinstance(block, ListBlock)]
    assert [(b.ordered, len(b.items)) for b in imported_lists] == [
        (b.ordered, len(b.items)) for b in original_lists
    ]

    # Every figure whose image pandoc could embed (local, not decorative) comes back with image and alt text.
    expected_figures = [
        f
        for f in original.body
        if isinstance(f, Figure) and not f.decorative and (source.parent / f.image).is_file()
    ]
    actual_figures = [f for f in imported.body if isinstance(f, Figure) and f.alt]
    assert [f.alt for f in actual_figures] == [f.alt for f in expected_figures]
    assert [f.title for f in actual_figures] == [f.title for f in expected_figures]
    for figure in actual_figures:
        assert figure.image in images, f"{figure.alt[:40]!r}: the picture did not come back"
    for before, after in zip(expected_figures, actual_figures, strict=True):
        assert normal(plain_text(after.caption)) == normal(plain_text(before.caption))

"""Done when: for every sample, model -> DOCX -> model gives the same article, field by field, inline
formatting included; images compared by presence and aspect ratio (the writer resizes them)."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE_ARTICLES
from tests.roundtrip.conftest import (
    assert_same_article,
    comparable,
    embedded_images,
    imported_image_reader,
    original_image_reader,
    read_docx,
)


@pytest.mark.parametrize("stem", [source.stem for source in SAMPLE_ARTICLES])
def test_roundtrip_sample_gives_the_same_article(built_samples, stem):
    built = built_samples[stem]
    result = read_docx(built.path)
    expected, expected_aspects = comparable(built.article, original_image_reader(built.source))
    actual, actual_aspects = comparable(result.document, imported_image_reader(result))
    assert_same_article(expected, actual)
    assert len(expected_aspects) == len(actual_aspects)
    for number, (before, after) in enumerate(zip(expected_aspects, actual_aspects, strict=True), start=1):
        assert (before is None) == (after is None), f"figure {number}: image presence changed"
        if before is not None:
            assert after == pytest.approx(before, rel=0.01), f"figure {number}: aspect ratio changed"


def test_roundtrip_images_are_named_by_virin_at_stored_resolution(built_samples):
    """The torture sample's photo with a VIRIN: its file is named by it, bytes as the DOCX stores them."""
    import zipfile

    built = built_samples["torture-every-block"]
    result = read_docx(built.path)
    images = embedded_images(result)
    [figure] = [f for f in result.document.figures() if f.virin]
    assert figure.image == f"{figure.virin}.png"
    with zipfile.ZipFile(built.path) as archive:
        media = {archive.read(name) for name in archive.namelist() if name.startswith("word/media/")}
    assert images[figure.image] in media


def test_roundtrip_missing_photo_keeps_its_virin_name_and_warns(built_samples):
    """The official sample's photo is not at hand: the DOCX has a placeholder, the import keeps alt text,
    caption, credit and VIRIN and refers to <VIRIN>.jpg so --images can supply it."""
    built = built_samples["stoltenberg-ukraine-support"]
    result = read_docx(built.path)
    [figure] = result.document.figures()
    assert figure.image == "230214-D-TT977-0483.jpg"
    assert figure.alt == built.article.figures()[0].alt
    assert any("does not hold this photo" in message for message in result.warnings)

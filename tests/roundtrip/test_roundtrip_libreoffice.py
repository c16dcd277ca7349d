"""Done when: a DOCX exported by us, opened and re-saved by LibreOffice headless, imports with every figure's
alt text, caption, credit and VIRIN and the provenance intact."""

from __future__ import annotations

import pytest

from tests.roundtrip.conftest import canonical, read_docx

pytestmark = pytest.mark.slow


def figure_facts(article) -> list[dict]:
    return [
        canonical(
            {
                "alt": figure.alt,
                "title": figure.title,
                "caption": figure.model_dump(mode="json")["caption"],
                "credit": figure.credit,
                "virin": figure.virin,
                "rights": figure.rights,
            }
        )
        for figure in article.figures()
    ]


def provenance(article) -> dict:
    return {
        "source": article.source.model_dump(mode="json"),
        "rights": article.rights,
        "published": article.published,
        "updated": article.updated,
        "language": article.language,
        "id": article.id,
        "title": article.title,
    }


def test_roundtrip_libreoffice_resave_keeps_figures_and_provenance(built_samples, libreoffice_resaved):
    checked_figures = 0
    for name, path in libreoffice_resaved.items():
        original = built_samples[name].article
        imported = read_docx(path).document
        assert provenance(imported) == provenance(original), name
        assert figure_facts(imported) == figure_facts(original), name
        checked_figures += len(original.figures())
    assert checked_figures == 6  # every sample figure, the video's poster included


def test_roundtrip_libreoffice_resave_restores_the_decorative_flag(built_samples, libreoffice_resaved):
    """LibreOffice 7.4 drops Word's decorative flag on save; the reader restores it from the picture bytes the
    writer listed (`exporter.decorative_images`), never from a guess."""
    original = built_samples["torture-every-block"].article
    result = read_docx(libreoffice_resaved["torture-every-block"])
    assert [f.decorative for f in result.document.figures()] == [f.decorative for f in original.figures()]
    assert any(f.decorative for f in original.figures())


def test_roundtrip_libreoffice_resave_keeps_the_article_text(built_samples, libreoffice_resaved):
    """Beyond the floor: the body (headings, lists, table, quote, spans) survives LibreOffice too."""
    from tests.roundtrip.conftest import assert_same_article, comparable, imported_image_reader

    for name, path in libreoffice_resaved.items():
        original = built_samples[name].article
        result = read_docx(path)
        expected, _ = comparable(original, lambda _reference: None)
        actual, _ = comparable(result.document, lambda _reference: None)
        assert_same_article(expected, actual, name)
        assert imported_image_reader(result) is not None


def test_roundtrip_picture_without_alt_or_stored_flag_is_reported_not_guessed(libreoffice_resaved, tmp_path):
    """Without the writer's list of decorative pictures, a picture LibreOffice saved without alt text is not
    assumed decorative: the reader warns, and the build will ask for alt text."""
    import re
    import zipfile

    source = libreoffice_resaved["torture-every-block"]
    target = tmp_path / "no-decorative-list.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "docProps/custom.xml":
                data = re.sub(rb'<property [^>]*name="exporter\.decorative_images">.*?</property>', b"", data)
            copy.writestr(info, data)
    result = read_docx(target)
    undescribed = [f for f in result.document.figures() if not f.alt]
    assert undescribed and not any(f.decorative for f in undescribed)
    assert any("has no alt text" in message for message in result.warnings)

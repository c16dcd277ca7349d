"""The HTML page: every figure's alt, caption, credit and VIRIN; provenance; placeholders; languages."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import html as lxml_html

from exporter.model import Article, is_numbered, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.run.manifest import MANIFEST_NAME
from tests.conftest import REPO_ROOT, SAMPLE_ARTICLES, SAMPLES

SEED_URL = (
    "https://www.defense.gov/News/News-Stories/Article/Article/3298480/"
    "stoltenberg-explains-why-support-to-ukraine-still-matters/"
)
OFFICIAL_PHRASE = "an official website of the United States government"


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory, exporter_cli) -> Path:
    out = tmp_path_factory.mktemp("html")
    result = exporter_cli("build", *SAMPLE_ARTICLES, "--to", "html", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def page(out: Path, stem: str):
    return lxml_html.fromstring((out / f"{stem}.html").read_bytes())


@pytest.mark.parametrize("sample", SAMPLE_ARTICLES, ids=lambda p: p.stem)
def test_every_figure_fact_is_in_the_page(built_samples: Path, sample: Path) -> None:
    article: Article = read_document(sample, BuildOptions()).document
    doc = page(built_samples, sample.stem)
    figures = doc.xpath("//figure[contains(concat(' ', @class, ' '), ' figure ')]")
    # An ornament (decorative, no caption) is a plain img, not a figure: it names nothing.
    model_figures = [b for b in article.body if b.type == "figure" and is_numbered(b)]
    ornaments = [b for b in article.body if b.type == "figure" and not is_numbered(b)]
    assert len(doc.xpath("//img[@alt=''][not(ancestor::figure)]")) == len(ornaments)
    assert len(figures) == len(model_figures)
    numbers = article.figure_numbers()
    for element, figure in zip(figures, model_figures, strict=True):
        assert element.find("figcaption/span").text_content() == f"Figure {numbers[id(figure)]}."
        caption = element.find("figcaption")
        caption_text = caption.text_content() if caption is not None else ""
        img = element.find("img")
        if figure.decorative:
            assert img is not None and img.get("alt") == ""
        elif img is not None:
            assert img.get("alt") == figure.alt
            assert (built_samples / img.get("src")).is_file()
        else:
            placeholder = element.find_class("photo-placeholder")[0].text_content()
            assert "Photo not included." in placeholder and figure.alt in placeholder
        for fact in (figure.title, plain_text(figure.caption), figure.credit, figure.virin):
            if fact:
                assert fact in caption_text


def test_structure_and_landmarks(built_samples: Path) -> None:
    for sample in SAMPLE_ARTICLES:
        doc = page(built_samples, sample.stem)
        assert doc.get("lang") == "en"
        assert doc.findtext(".//title")
        assert len(doc.xpath("//h1")) == 1
        assert doc.xpath("//main") and doc.xpath("//article/header")
        region = doc.xpath("//section[contains(@class, 'provenance')]")[0]
        label_ids = region.get("aria-labelledby").split()
        assert all(doc.get_element_by_id(label_id).text_content() for label_id in label_ids)
        levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        assert all(b - a <= 1 for a, b in pairwise(levels))


def test_official_notice_only_for_real_gov(built_samples: Path) -> None:
    seed = page(built_samples, "stoltenberg-ukraine-support").text_content()
    assert OFFICIAL_PHRASE in seed and "www.defense.gov" in seed and "17 U.S.C. 105" in seed
    newsletter = page(built_samples, "community-newsletter").text_content()
    assert OFFICIAL_PHRASE not in newsletter and "www.example.org" in newsletter


@pytest.mark.parametrize(
    "url", ["https://defense.gov.example.com/news", "https://www.defense.gov@evil.example/x"]
)
def test_pretending_sources_get_no_notice(tmp_path: Path, exporter_cli, url: str) -> None:
    result = exporter_cli(
        "build",
        SAMPLES / "stoltenberg-ukraine-support.md",
        "--to",
        "html",
        "--out",
        tmp_path,
        "--source-url",
        url,
    )
    assert result.returncode == 0, result.stderr
    text = page(tmp_path, "stoltenberg-ukraine-support").text_content()
    assert OFFICIAL_PHRASE not in text and "17 U.S.C. 105" not in text


def test_missing_image_placeholder_and_strict(tmp_path: Path, exporter_cli) -> None:
    seed = SAMPLES / "stoltenberg-ukraine-support.md"
    result = exporter_cli("build", seed, "--to", "html", "--out", tmp_path)
    assert result.returncode == 0
    assert "230214-D-TT977-0483.jpg was not found" in result.stderr
    strict = exporter_cli("build", seed, "--to", "html", "--out", tmp_path / "strict", "--strict")
    assert strict.returncode == 2
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())


def test_images_folder_supplies_photo_by_virin(tmp_path: Path, exporter_cli) -> None:
    images = tmp_path / "photos"
    images.mkdir()
    (images / "230214-D-TT977-0483.png").write_bytes(
        (SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes()
    )
    result = exporter_cli(
        "build",
        SAMPLES / "stoltenberg-ukraine-support.md",
        "--to",
        "html",
        "--out",
        tmp_path,
        "--images",
        images,
        "--strict",
    )
    assert result.returncode == 0, result.stderr
    img = page(tmp_path, "stoltenberg-ukraine-support").xpath("//figure/img")[0]
    assert img.get("src") == "stoltenberg-ukraine-support_files/230214-D-TT977-0483.png"


def test_embed_images_writes_one_file(tmp_path: Path, exporter_cli) -> None:
    result = exporter_cli(
        "build", SAMPLES / "eileen-collins.md", "--to", "html", "--out", tmp_path, "--embed-images"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, "eileen-collins.html"]
    sources = page(tmp_path, "eileen-collins").xpath("//img/@src")
    assert sources and all(s.startswith("data:image/") for s in sources)


def test_language_spans_and_escaping(built_samples: Path) -> None:
    raw = (built_samples / "torture-every-block.html").read_text(encoding="utf-8")
    assert '<span lang="uk">Київ</span>' in raw and '<span lang="el">Αθήνα</span>' in raw
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_spanish_catalog(tmp_path: Path, exporter_cli) -> None:
    source = tmp_path / "nota.md"
    source.write_text(
        "---\ntitle: Nota\nlanguage: es\nsource:\n  url: https://www.usa.gov/es/nota\n---\n\n"
        '![Leyenda](foto.png "Título"){alt="Una foto" credit="Ana"}\n',
        encoding="utf-8",
    )
    (tmp_path / "foto.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    result = exporter_cli("build", source, "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    text = page(tmp_path / "out", "nota").text_content()
    assert "Crédito:" in text and "sitio web oficial del Gobierno de los Estados Unidos" in text
    assert "Credit:" not in text


def test_output_images_have_no_camera_metadata(built_samples: Path) -> None:
    from PIL import Image

    for image_path in (built_samples / "eileen-collins_files").glob("*.*"):
        with Image.open(image_path) as image:
            assert not image.getexif(), image_path
            assert "exif" not in image.info


def test_fonts_and_license_are_shipped_beside_the_page(built_samples: Path) -> None:
    fonts = built_samples / "eileen-collins_files" / "fonts"
    assert (fonts / "OFL-1.1.txt").is_file()
    css_fonts = re.findall(
        r'url\("eileen-collins_files/fonts/([^"]+)"\)',
        (built_samples / "eileen-collins.html").read_text(encoding="utf-8"),
    )
    assert css_fonts and all((fonts / name).is_file() for name in css_fonts)
    assert REPO_ROOT.joinpath("fonts", "OFL-1.1.txt").is_file()

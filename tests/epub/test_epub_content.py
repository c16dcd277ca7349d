"""The EPUB parsed back: what the model says must be in the book, and only that."""

from __future__ import annotations

import re

import pytest

from exporter.model import Figure, Media, is_numbered, plain_text
from exporter.provenance import US_GOVERNMENT_WORK
from exporter.writers.templating import walk_blocks
from tests.conftest import SAMPLE_ARTICLES
from tests.epub.conftest import NS, XML_LANG, Book

SAMPLE_STEMS = [path.stem for path in SAMPLE_ARTICLES]
OFFICIAL_NOTICE = "an official website of the United States government"


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def figure_elements(book: Book):
    (article,) = book.articles()
    return article.findall(".//x:figure", NS)


def model_figures(article):
    """The blocks shown as <figure>: media, and figures but ornaments (decorative, no caption: a plain img)."""
    return [block for block in walk_blocks(article.body)
            if isinstance(block, Media) or (isinstance(block, Figure) and is_numbered(block))]


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_every_img_alt_equals_the_model_alt(sample_books, models, stem):
    book, article = sample_books[stem], models[stem]
    rendered = figure_elements(book)
    expected = model_figures(article)
    assert len(rendered) == len(expected), "one <figure> per model figure or media item"
    for element, block in zip(rendered, expected, strict=True):
        figure = block.poster if isinstance(block, Media) else block
        images = element.findall("x:img", NS)
        if figure is None:
            assert images == []
            continue
        model_alt = "" if figure.decorative else figure.alt
        if images:
            (img,) = images
            assert img.get("alt") == model_alt
            src = book.folder + img.get("src")
            assert src in book.zip.namelist(), "images are embedded, never remote"
        else:
            # The photo is not at hand: the described placeholder carries the alt text.
            placeholder = element.find(".//x:div[@class='photo-placeholder']", NS)
            assert placeholder is not None and model_alt in text_of(placeholder)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_every_figcaption_holds_title_caption_credit_and_virin(sample_books, models, stem):
    rendered = figure_elements(sample_books[stem])
    checked = 0
    for element, block in zip(rendered, model_figures(models[stem]), strict=True):
        caption = element.find("x:figcaption", NS)
        if not (block.title or block.caption or block.credit or block.virin):
            continue
        text = text_of(caption)
        if block.title:
            assert block.title in text
        if block.caption:
            assert re.sub(r"\s+", " ", plain_text(block.caption)).strip() in text
        if block.credit:
            assert f"Credit: {block.credit}" in text
        if block.virin:
            assert f"VIRIN: {block.virin}" in text
        checked += 1
    assert checked or not model_figures(models[stem])


def test_the_samples_exercise_credit_and_virin(models):
    """Guard for the test above: at least one sample figure has a VIRIN and one a credit."""
    blocks = [b for article in models.values() for b in model_figures(article)]
    assert any(b.virin for b in blocks) and any(b.credit for b in blocks)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_provenance_notice_official_only_for_gov_and_mil(sample_books, models, stem):
    (article,) = sample_books[stem].articles()
    asides = article.findall(".//x:aside[@class]", NS)
    provenance = [a for a in asides if "provenance" in a.get("class").split()]
    assert len(provenance) == 1, "the provenance notice is one labelled aside"
    aside = provenance[0]
    for label_id in aside.get("aria-labelledby").split():
        label = article.find(f".//*[@id='{label_id}']")
        assert label is not None and text_of(label), f"aria-labelledby names a missing or empty {label_id}"
    source = models[stem].source
    official = stem.startswith("stoltenberg")  # the defense.gov sample; the others are not .gov/.mil
    assert (OFFICIAL_NOTICE in text_of(aside)) is official
    if source.url:
        assert source.url in text_of(aside)
    if source.agency:
        assert source.agency in text_of(aside)
    if official:
        assert US_GOVERNMENT_WORK in text_of(aside)


def test_a_lookalike_host_gets_no_official_notice(tmp_path, exporter_cli):
    newsletter = next(p for p in SAMPLE_ARTICLES if p.stem.startswith("community"))
    results = {}
    for name, url in {"lookalike": "https://www.defense.gov.example.org/story",
                      "army": "https://www.army.mil/article/1"}.items():
        out = tmp_path / name
        run = exporter_cli("build", newsletter, "--to", "epub", "--out", out, "--source-url", url)
        assert run.returncode == 0, run.stderr
        book = Book(out / f"{newsletter.stem}.epub", (out / f"{newsletter.stem}.epub").read_bytes())
        (article,) = book.articles()
        results[name] = OFFICIAL_NOTICE in text_of(article)
        assert book.dc("source") == [url]
    assert results == {"lookalike": False, "army": True}


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_structure_lang_and_titles(sample_books, models, stem):
    book, model = sample_books[stem], models[stem]
    assert book.opf.get(XML_LANG) == model.language, "package xml:lang (Ace epub-lang)"
    for href, document in book.spine_documents():
        title = document.find("x:head/x:title", NS)
        assert title is not None and title.text.strip(), f"{href} has no title"
        assert document.get("lang") == document.get(XML_LANG) == model.language
    (article,) = book.articles()
    assert len(article.findall(".//x:h1", NS)) == 1
    assert text_of(article.find(".//x:h1", NS)) == model.title
    for span in article.findall(".//x:span[@lang]", NS):
        assert span.get(XML_LANG) == span.get("lang")
    if model.byline and model.byline.text():
        assert model.byline.text() in text_of(article.find(".//x:p[@class='byline']", NS))
    if model.related:
        related = article.find(".//x:section[@class='related']", NS)
        assert [a.get("href") for a in related.findall(".//x:a", NS)] == [r.url for r in model.related]


def test_foreign_language_spans_keep_their_language(sample_books):
    (article,) = sample_books["torture-every-block"].articles()
    languages = {(span.get("lang"), span.get(XML_LANG)) for span in article.findall(".//x:span[@lang]", NS)}
    assert {("uk", "uk"), ("el", "el"), ("es", "es")} <= languages


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_navigation_toc_landmarks_and_no_page_list(sample_books, models, stem):
    book = sample_books[stem]
    nav = book.nav()
    epub_type = f"{{{NS['epub']}}}type"
    kinds = [n.get(epub_type) for n in nav.findall(".//x:nav", NS)]
    assert kinds == ["toc", "landmarks"], "no page-list for born-digital news"
    toc = nav.find(".//x:nav[@id='toc']", NS)
    links = [a.get("href") for a in toc.findall(".//x:a", NS)]
    headings = [b for b in walk_blocks(models[stem].body) if b.__class__.__name__ == "Heading"]
    assert len(links) == 1 + len(headings), "the article and each of its headings"
    for href in links:
        file_name, _, fragment = href.partition("#")
        target = book.document(file_name)
        assert not fragment or target.find(f".//*[@id='{fragment}']") is not None, href
    landmarks = nav.find(".//x:nav[@id='landmarks']", NS)
    assert [a.get(epub_type) for a in landmarks.findall(".//x:a", NS)] == ["toc", "bodymatter"]
    ncx_item = next(i for i in book.manifest() if i.get("media-type") == "application/x-dtbncx+xml")
    ncx = book.document(ncx_item.get("href"))
    assert len(ncx.findall(".//ncx:navPoint", NS)) == len(links)


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_package_metadata_present_and_missing_omitted(sample_books, models, stem):
    from exporter.identity import document_uuid

    book, model = sample_books[stem], models[stem]
    assert book.dc("identifier") == [f"urn:uuid:{document_uuid(model)}"]
    assert book.dc("title") == [model.title]
    assert book.dc("language") == [model.language]
    people = model.byline.people if model.byline else []
    organization = model.byline.organization if model.byline else None
    assert book.dc("creator") == (people or ([organization] if organization else []))
    date = model.published or model.updated
    assert book.dc("date") == ([date] if date else [])
    publisher = model.source.agency or model.source.site_name
    assert book.dc("publisher") == ([publisher] if publisher else [])
    assert book.dc("source") == ([model.source.url] if model.source.url else [])
    assert book.dc("description") == ([model.dek] if model.dek else [])
    from exporter.provenance import rights_statement

    rights = rights_statement(model)
    assert book.dc("rights") == ([rights] if rights else [])
    # SOURCE_DATE_EPOCH=1700000000 (tests/conftest.py) is the build time.
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]


def test_samples_cover_present_and_missing_metadata(models):
    """Guard: at least one sample lacks a byline and date, so 'omitted' is really tested."""
    assert any(m.byline is None and m.published is None for m in models.values())
    assert any(m.byline and m.published and m.dek for m in models.values())


def test_accessibility_metadata_is_derived_from_content(sample_books):
    torture, text_only = sample_books["torture-every-block"], sample_books["community-newsletter"]
    assert set(torture.meta("schema:accessMode")) == {"textual", "visual"}
    assert set(text_only.meta("schema:accessMode")) == {"textual"}
    assert "alternativeText" in torture.meta("schema:accessibilityFeature")
    assert "alternativeText" not in text_only.meta("schema:accessibilityFeature")
    features = "schema:accessibilityFeature"
    assert set(torture.meta(features)) != set(text_only.meta(features))
    assert set(torture.meta("schema:accessModeSufficient")) == {"textual", "textual,visual"}
    assert text_only.meta("schema:accessModeSufficient") == ["textual"]
    for book in (torture, text_only):
        assert {"structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"} <= set(
            book.meta("schema:accessibilityFeature"))
        assert book.meta("schema:accessibilityHazard") == ["none"]
        assert "pageNavigation" not in book.meta("schema:accessibilityFeature")
    (torture_summary,) = torture.meta("schema:accessibilitySummary")
    (text_summary,) = text_only.meta("schema:accessibilitySummary")
    assert "Decorative images" in torture_summary and "Tables have header cells" in torture_summary
    assert "no images" in text_summary and "Decorative" not in text_summary


def test_a_missing_photo_is_not_claimed_as_visual(sample_books):
    """The defense.gov sample's photo is not at hand: the book is text with a description, not visual."""
    book = sample_books["stoltenberg-ukraine-support"]
    assert book.meta("schema:accessMode") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")
    assert "not included" in book.meta("schema:accessibilitySummary")[0]


def test_no_conformance_claim_without_a_certifier(sample_books):
    for book in sample_books.values():
        assert book.meta("dcterms:conformsTo") == []
        assert book.meta("a11y:certifiedBy") == []


def test_conformance_claim_with_a_certifier(certified_torture_book):
    from tests.epub.conftest import CERTIFIER

    assert certified_torture_book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert certified_torture_book.meta("a11y:certifiedBy") == [CERTIFIER]


def test_fonts_embedded_on_request(sample_books, certified_torture_book):
    def fonts(book: Book) -> list[str]:
        return [i.get("href") for i in book.manifest() if i.get("media-type") == "font/ttf"]

    assert fonts(sample_books["torture-every-block"]) == []
    embedded = fonts(certified_torture_book)
    assert "fonts/PublicSans-Regular.ttf" in embedded and "fonts/NotoSans-Regular.ttf" in embedded
    css_item = next(i for i in certified_torture_book.manifest() if i.get("media-type") == "text/css")
    css = certified_torture_book.read(certified_torture_book.folder + css_item.get("href")).decode()
    for href in embedded:
        assert f'url("../{href}")' in css
        assert certified_torture_book.folder + href in certified_torture_book.zip.namelist()


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_images_use_core_media_types(sample_books, stem):
    for item in sample_books[stem].manifest():
        if item.get("media-type").startswith("image/"):
            assert item.get("media-type") in ("image/jpeg", "image/png")


def test_a_spanish_article_gets_spanish_navigation_and_summary(spanish_book):
    assert spanish_book.opf.get(XML_LANG) == "es"
    assert spanish_book.dc("language") == ["es"]
    nav = spanish_book.nav()
    assert nav.get("lang") == nav.get(XML_LANG) == "es"
    assert text_of(nav.find(".//x:nav[@id='toc']/x:h1", NS)) == "Contenido"
    (summary,) = spanish_book.meta("schema:accessibilitySummary")
    assert summary.startswith("Esta publicación") and "alternativa textual" in summary
    assert set(spanish_book.meta("schema:accessMode")) == {"textual", "visual"}
    (article,) = spanish_book.articles()
    assert "www.usa.gov, un sitio web oficial del Gobierno de los Estados Unidos" in text_of(article)
    (img,) = article.findall(".//x:img", NS)
    assert img.get("alt") == "Miles de galaxias pequeñas sobre un fondo negro."
    assert "Crédito: NASA, ESA" in text_of(article.find(".//x:figcaption", NS))

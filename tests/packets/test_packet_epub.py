"""A press packet as EPUB, parsed back: cover document, one content document per article, nested nav,
landmarks, packet metadata, accessibility metadata across all articles, figures and per-article language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exporter.confine import Confinement
from exporter.errors import Warnings
from exporter.i18n import gettext, long_date
from exporter.identity import document_uuid
from exporter.model import Figure, Media, Packet, is_numbered, plain_text
from exporter.options import BuildOptions
from exporter.provenance import is_official_source, provenance_view
from exporter.writers.base import RenderContext
from exporter.writers.epub import write as write_epub
from exporter.writers.templating import walk_blocks
from tests.conftest import FIXED_EPOCH
from tests.epub.conftest import XML_LANG, Book
from tests.packets.conftest import NS, SAMPLE_PACKET, BuiltPacket, article_of, load_packet, text_of

EPUB_TYPE = f"{{{NS['epub']}}}type"
OFFICIAL_NOTICE = (
    "This article was published on %(host)s, an official website of the United States government."
)


def article_documents(book: Book) -> list:
    return book.articles()


def test_spine_is_cover_then_contents_then_one_document_per_article(any_packet: BuiltPacket):
    book, packet = any_packet.epub, any_packet.packet
    hrefs = [href for href, _ in book.spine_documents()]
    articles = [f"article-{n:02d}.xhtml" for n in range(1, len(packet.articles) + 1)]
    assert hrefs == ["cover.xhtml", "nav.xhtml", *articles]
    documents = article_documents(book)
    assert len(documents) == len(packet.articles)
    for document, article in zip(documents, packet.articles, strict=True):
        (h1,) = document.findall(".//x:h1", NS)
        assert text_of(h1) == article.title
        assert text_of(document.find("x:head/x:title", NS)) == article.title


def test_the_cover_is_real_text(sample_packet: BuiltPacket):
    packet = sample_packet.packet
    cover = sample_packet.epub.document("cover.xhtml")
    section = cover.find(".//x:section[@class='packet-cover']", NS)
    assert section.get("aria-labelledby") == "packet-title"
    assert text_of(section.find("x:h1", NS)) == packet.title
    assert [text_of(p) for p in section.findall("x:p", NS)] == [
        packet.subtitle,
        packet.office,
        long_date(packet.date, packet.language),
        packet.cover_note,
    ]
    assert section.find(".//x:time", NS).get("datetime") == packet.date
    assert cover.find(".//x:img", NS) is None, "the cover is text, not a picture of text"


def test_nav_nests_packet_then_articles_then_sections(any_packet: BuiltPacket):
    book, packet = any_packet.epub, any_packet.packet
    toc = book.nav().find(".//x:nav[@id='toc']", NS)
    (root,) = toc.findall("x:ol/x:li", NS)
    assert root.find("x:a", NS).get("href") == "cover.xhtml"
    assert text_of(root.find("x:a", NS)) == packet.title
    entries = root.findall("x:ol/x:li", NS)
    assert [text_of(li.find("x:a", NS)) for li in entries] == [a.title for a in packet.articles]
    for number, (li, article) in enumerate(zip(entries, packet.articles, strict=True), start=1):
        file_name = f"article-{number:02d}.xhtml"
        assert li.find("x:a", NS).get("href") == file_name
        sections = li.find("x:ol", NS)
        section_links = sections.findall(".//x:a", NS) if sections is not None else []
        headings = [b for b in walk_blocks(article.body) if b.__class__.__name__ == "Heading"]
        assert [text_of(a) for a in section_links] == [plain_text(h.children) for h in headings]
        top_level = li.findall("x:ol/x:li", NS)
        assert len(top_level) == sum(1 for h in headings if h.level == 2), "sections nest under their article"
        for link in section_links:
            target, _, fragment = link.get("href").partition("#")
            assert target == file_name
            assert book.document(target).find(f".//*[@id='{fragment}']", NS) is not None, link.get("href")
    # The NCX (EPUB 2 reading systems) mirrors the nav: the packet, its articles and their sections.
    ncx_item = next(i for i in book.manifest() if i.get("media-type") == "application/x-dtbncx+xml")
    ncx = book.document(ncx_item.get("href"))
    navpoints = ncx.findall(".//{http://www.daisy.org/z3986/2005/ncx/}navPoint")
    assert len(navpoints) == len(toc.findall(".//x:a", NS))


def test_landmarks_cover_toc_and_bodymatter(sample_packet: BuiltPacket):
    nav = sample_packet.epub.nav()
    assert [n.get(EPUB_TYPE) for n in nav.findall(".//x:nav", NS)] == ["toc", "landmarks"], "no page-list"
    landmarks = nav.find(".//x:nav[@id='landmarks']", NS).findall(".//x:a", NS)
    assert [(a.get(EPUB_TYPE), a.get("href")) for a in landmarks] == [
        ("cover", "cover.xhtml"),
        ("toc", "nav.xhtml#toc"),
        ("bodymatter", "article-01.xhtml"),
    ]


def test_package_metadata_describes_the_packet(sample_packet: BuiltPacket):
    book, packet = sample_packet.epub, sample_packet.packet
    assert book.dc("identifier") == [f"urn:uuid:{document_uuid(packet)}"]
    assert book.opf.find(f".//*[@id='{book.opf.get('unique-identifier')}']").text == book.dc("identifier")[0]
    assert book.dc("title") == [packet.title]
    assert book.dc("language") == [packet.language] and book.opf.get(XML_LANG) == packet.language
    assert book.dc("date") == [packet.date]
    assert book.dc("publisher") == [packet.office]
    assert book.dc("description") == [packet.subtitle]
    assert book.dc("creator") == [], "the packet names no author; each article's byline is in the article"
    assert book.dc("source") == [], "sources belong to the articles (their provenance asides)"
    modified = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert book.meta("dcterms:modified") == [modified]
    keywords = [k for a in packet.articles for k in a.keywords]
    assert book.dc("subject") == list(dict.fromkeys(keywords))


def test_the_identifier_is_stable_and_depends_on_the_content(sample_packet: BuiltPacket, tmp_path):
    packet = load_packet(SAMPLE_PACKET)
    assert document_uuid(packet) == document_uuid(load_packet(SAMPLE_PACKET))
    changed = packet.model_copy(update={"title": packet.title + " (revised)"})
    assert document_uuid(changed) != document_uuid(packet)


def test_accessibility_metadata_is_derived_across_all_articles(sample_packet: BuiltPacket):
    """The first article has only a missing photo (text), the second has pictures, the fourth a decorative
    image and a table: the packet's metadata must reflect all of them, not the first article alone."""
    book, packet = sample_packet.epub, sample_packet.packet
    first = packet.articles[0]
    assert not any(sample_packet.image_at_hand(f) for f in first.figures()), "guard: article 1 is text only"
    assert set(book.meta("schema:accessMode")) == {"textual", "visual"}
    assert set(book.meta("schema:accessModeSufficient")) == {"textual", "textual,visual"}
    features = book.meta("schema:accessibilityFeature")
    assert {"alternativeText", "structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    assert "pageNavigation" not in features
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    for fact in ("text alternative", "Decorative images", "not included", "Tables have header cells",
                 "Video and audio"):
        assert fact in summary, fact
    assert book.meta("dcterms:conformsTo") == [] and book.meta("a11y:certifiedBy") == []


def test_a_text_only_packet_is_not_claimed_visual(tmp_path):
    """Control for the test above: the same derivation on a packet of the text-only and missing-photo
    articles gives a textual book, so 'visual' above really comes from the other articles."""
    packet = load_packet(SAMPLE_PACKET)
    text_only = Packet(title="Text only", articles=[packet.articles[0], packet.articles[2]])
    confinement = Confinement.for_input(SAMPLE_PACKET.parent, None)
    context = RenderContext(text_only, BuildOptions(), SAMPLE_PACKET, confinement, Warnings(), "t")
    path = tmp_path / "t.epub"
    path.write_bytes(write_epub(context).data)
    book = Book(path, path.read_bytes())
    assert book.meta("schema:accessMode") == ["textual"]
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")


def figure_pairs(built: BuiltPacket):
    """(figure element, model block) for every figure and media item of every article, in order."""
    for document, article in zip(article_documents(built.epub), built.packet.articles, strict=True):
        elements = document.findall(".//x:figure", NS)
        # Ornaments (decorative, no caption) are plain images, not figures (issue 19).
        blocks = [b for b in walk_blocks(article.body)
                  if isinstance(b, Media) or (isinstance(b, Figure) and is_numbered(b))]
        assert len(elements) == len(blocks), article.title
        for element, block in zip(elements, blocks, strict=True):
            yield element, block, article.language


def test_every_figure_keeps_alt_text_caption_credit_and_virin(any_packet: BuiltPacket):
    book = any_packet.epub
    checked = {"alt": 0, "placeholder": 0, "credit": 0, "virin": 0}
    for element, block, language in figure_pairs(any_packet):
        figure = block.poster if isinstance(block, Media) else block
        if figure is not None:
            images = element.findall("x:img", NS)
            if images:
                (img,) = images
                assert img.get("alt") == ("" if figure.decorative else figure.alt)
                assert book.folder + img.get("src") in book.zip.namelist()
                checked["alt"] += not figure.decorative
            else:
                placeholder = element.find(".//x:div[@class='photo-placeholder']", NS)
                assert placeholder is not None and figure.alt in text_of(placeholder)
                checked["placeholder"] += 1
        caption = element.find("x:figcaption", NS)
        if block.title:
            assert text_of(caption.find(".//x:span[@class='photo-title']", NS)) == block.title
        if block.caption:
            assert plain_text(block.caption).split()[0] in text_of(caption)
        if block.credit:
            assert f"{gettext(language, 'Credit:')} {block.credit}" in text_of(caption)
            checked["credit"] += 1
        if block.virin:
            assert f"{gettext(language, 'VIRIN:')} {block.virin}" in text_of(caption)
            checked["virin"] += 1
    missing = [f for a in any_packet.packet.articles for f in a.figures()
               if not f.decorative and not any_packet.image_at_hand(f)]
    assert checked.pop("placeholder") == len(missing)
    assert all(checked.values()), checked


def test_figure_ids_count_on_across_the_articles(sample_packet: BuiltPacket):
    """Numbered figures and media (model.is_numbered: media without a poster have no number) count on."""
    ids = [element.get("id") for element, _, _ in figure_pairs(sample_packet)]
    numbered = [int(i.rsplit("-", 1)[1]) for i in ids if "unnumbered" not in i]
    assert numbered == list(range(1, len(numbered) + 1)) and len(numbered) >= 3


def test_each_article_has_its_own_provenance_aside(any_packet: BuiltPacket):
    for document, article in zip(article_documents(any_packet.epub), any_packet.packet.articles, strict=True):
        (aside,) = document.findall(".//x:aside", NS)
        assert "provenance" in aside.get("class").split()
        official = is_official_source(article.source.url)
        assert ("official" in aside.get("class").split()) == official
        notice = gettext(article.language, OFFICIAL_NOTICE, host=provenance_view(article).host)
        assert (notice in text_of(aside)) == official
        if article.source.url:
            assert aside.find(f".//x:a[@href='{article.source.url}']", NS) is not None


def test_each_article_keeps_its_own_language(multilingual_packet: BuiltPacket):
    book, packet = multilingual_packet.epub, multilingual_packet.packet
    index, spanish = article_of(packet, "es")
    assert packet.language == "en" and book.opf.get(XML_LANG) == "en"
    for document, article in zip(article_documents(book), packet.articles, strict=True):
        assert document.get("lang") == document.get(XML_LANG) == article.language
    document = article_documents(book)[index]
    # Fixed texts of the Spanish article are Spanish, whatever the packet's language.
    assert "un sitio web oficial del Gobierno de los Estados Unidos" in text_of(document)
    assert "Crédito: NASA, ESA" in text_of(document.find(".//x:figcaption", NS))
    # The nav (in the packet's language) marks the Spanish entries as Spanish.
    nav = book.nav()
    links = [a for a in nav.findall(".//x:nav[@id='toc']//x:a", NS)
             if a.get("href").startswith(f"article-{index + 1:02d}.xhtml")]
    assert links and all(a.get("lang") == a.get(XML_LANG) == "es" for a in links)
    others = [a for a in nav.findall(".//x:nav[@id='toc']//x:a", NS) if a not in links]
    assert all(a.get("lang") is None for a in others)
    assert spanish.title in [text_of(a) for a in links]


@pytest.mark.parametrize("name", ["sample", "multilingual"])
def test_every_content_document_has_a_title_and_one_h1(sample_packet, multilingual_packet, name):
    built = {"sample": sample_packet, "multilingual": multilingual_packet}[name]
    for href, document in built.epub.spine_documents():
        assert text_of(document.find("x:head/x:title", NS)), href
        assert len(document.findall(".//x:h1", NS)) == 1, href

"""A press packet as DOCX, read back from the OOXML: cover, TOC field, bookmarks, one page-started Heading 1
per article, one continuous figure numbering, every figure's facts, per-article provenance and language."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from exporter.checks.docx_rules import DocxPackage, check_docx
from exporter.confine import Confinement
from exporter.errors import Warnings
from exporter.i18n import gettext, long_date
from exporter.model import Article, Figure, Media
from exporter.options import BuildOptions
from exporter.provenance import US_GOVERNMENT_WORK, is_official_source, provenance_view
from exporter.writers.base import RenderContext
from exporter.writers.docx import oxml
from exporter.writers.docx import write as write_docx
from exporter.writers.templating import walk_blocks
from tests.packets.conftest import NS, BuiltPacket, W, article_of
from tests.packets.conftest import docx_article_ranges as article_ranges
from tests.packets.conftest import docx_paragraphs as paragraphs
from tests.packets.conftest import docx_style as style_of
from tests.packets.conftest import docx_text as text_of

OFFICIAL_NOTICE = (
    "This article was published on %(host)s, an official website of the United States government."
)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def body_of(document: etree._Element) -> etree._Element:
    return document.find("w:body", NS)


def is_figure_caption(paragraph: etree._Element) -> bool:
    return " SEQ Figure \\* ARABIC " in [t.text for t in paragraph.iter(w("instrText"))]


def seq_figure_numbers(document: etree._Element) -> list[int]:
    numbers = []
    for paragraph in paragraphs(document):
        if is_figure_caption(paragraph):
            numbers.append(int(re.match(r"\D*(\d+)", text_of(paragraph)).group(1)))
    return numbers


def test_our_docx_checker_reports_zero_findings(any_packet: BuiltPacket):
    assert [str(finding) for finding in check_docx(any_packet.docx_path)] == []


def test_cover_is_title_text_and_the_first_heading_is_the_first_article(sample_packet: BuiltPacket):
    packet, document = sample_packet.packet, sample_packet.docx_part()
    cover = paragraphs(document)[:5]
    assert [(style_of(p), text_of(p)) for p in cover] == [
        ("Title", packet.title),
        ("Dek", packet.subtitle),
        ("Byline", packet.office),
        ("Dateline", long_date(packet.date, packet.language)),
        ("CoverNote", packet.cover_note),
    ]
    # The Title style is not a heading (no outline level): the articles are the top-level sections.
    package = DocxPackage(sample_packet.docx)
    levels = [(package.heading_level(p), text_of(p)) for p in package.paragraphs()]
    headings = [(level, text) for level, text in levels if level is not None]
    assert headings[0] == (1, packet.articles[0].title)
    assert all(level is None for level, _ in levels[:5])
    core = sample_packet.docx_part("docProps/core.xml")
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.find(f"{dc}title").text == packet.title
    assert core.find(f"{dc}creator").text == packet.office
    assert core.find(f"{dc}language").text == packet.language
    assert "word/header1.xml" in names(sample_packet)
    assert packet.title in "".join(sample_packet.docx_part("word/header1.xml").itertext())


def names(built: BuiltPacket) -> list[str]:
    with zipfile.ZipFile(built.docx_path) as archive:
        return archive.namelist()


def bookmarks(document: etree._Element) -> dict[str, etree._Element]:
    """Bookmark name -> the paragraph it starts in."""
    return {start.get(w("name")): start.getparent() for start in body_of(document).iter(w("bookmarkStart"))}


def test_a_real_toc_field_after_the_cover_links_every_heading(any_packet: BuiltPacket):
    document = any_packet.docx_part()
    (sdt,) = body_of(document).findall("w:sdt", NS)
    gallery = sdt.find("w:sdtPr/w:docPartObj/w:docPartGallery", NS)
    assert gallery.get(w("val")) == "Table of Contents"
    chars = [(c.get(w("fldCharType")), c.get(w("dirty"))) for c in sdt.iter(w("fldChar"))]
    # One complex field, flagged dirty so Word updates it (page numbers) when the document is opened.
    assert chars == [("begin", "true"), ("separate", None), ("end", None)]
    # Headlines only: every article's "Source" heading would repeat (issue 19).
    assert [t.text for t in sdt.iter(w("instrText"))] == [' TOC \\o "1-1" \\h \\z \\u ']
    body_children = list(body_of(document))
    first_headline = next(p for p in body_children if p.tag == w("p") and style_of(p) == "Heading1")
    assert body_children.index(sdt) < body_children.index(first_headline), "contents before the articles"
    packet = any_packet.packet
    cover = [packet.title, packet.subtitle, packet.office, packet.date, packet.cover_note]
    assert body_children.index(sdt) == sum(1 for part in cover if part), "right after the cover"

    entries = [p for p in sdt.iter(w("p")) if style_of(p) in ("TOC1", "TOC2")]
    assert style_of(next(sdt.iter(w("p")))) == "TOCHeading"
    targets = bookmarks(document)
    headings = [p for p in paragraphs(document) if style_of(p) == "Heading1"]
    assert len(entries) == len(headings)
    for entry, heading in zip(entries, headings, strict=True):
        (link,) = entry.findall("w:hyperlink", NS)
        assert link.find("w:r/w:t", NS).text == text_of(heading)
        assert style_of(entry) == style_of(heading).replace("Heading", "TOC")
        assert targets[link.get(w("anchor"))] is heading, "each entry jumps to its own heading"
    level_one = [text_of(e) for e in entries if style_of(e) == "TOC1"]
    assert level_one == [article.title for article in packet.articles]


def test_a_bookmark_on_each_article_headline_and_each_article_on_a_new_page(any_packet: BuiltPacket):
    document, packet = any_packet.docx_part(), any_packet.packet
    targets = bookmarks(document)
    headlines = [p for p in paragraphs(document) if style_of(p) == "Heading1"]
    assert [text_of(p) for p in headlines] == [a.title for a in packet.articles]
    for number, headline in enumerate(headlines, start=1):
        assert targets[f"Article_{number:02d}"] is headline
        assert headline.find("w:pPr/w:pageBreakBefore", NS) is not None, "each article starts a new page"
        # The bookmark spans the headline's text, so Word's Go To and cross-references select it.
        assert headline.find("w:bookmarkStart", NS) is not None and headline[-1].tag == w("bookmarkEnd")


def single_article_docx(built: BuiltPacket, article: Article) -> etree._Element:
    """The same article exported on its own, through the same writer (images resolved in the packet's
    folder, as the packet reader rebased them)."""
    confinement = Confinement.for_input(built.source.parent, None)
    options = BuildOptions(formats=("docx",))
    context = RenderContext(article, options, built.source, confinement, Warnings(), "a")
    with zipfile.ZipFile(io.BytesIO(write_docx(context).data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def test_one_continuous_figure_numbering_across_articles(any_packet: BuiltPacket):
    numbers = seq_figure_numbers(any_packet.docx_part())
    articles = any_packet.packet.articles
    per_article = [len(seq_figure_numbers(single_article_docx(any_packet, a))) for a in articles]
    assert sum(1 for count in per_article if count) >= 2, "guard: figures in more than one article"
    assert numbers == list(range(1, sum(per_article) + 1))


def expects_caption(block: Figure | Media, built: BuiltPacket) -> bool:
    """What the DOCX writer captions with a SEQ Figure: every figure but a caption-less decorative one, and
    media whose poster picture is shown."""
    if isinstance(block, Media):
        return block.poster is not None and built.image_at_hand(block.poster)
    caption_text = block.title or block.caption or block.credit or block.virin or block.rights
    return not block.decorative or bool(caption_text)


def test_every_figure_keeps_alt_text_caption_credit_and_virin(any_packet: BuiltPacket):
    document = any_packet.docx_part()
    checked = {"alt": 0, "decorative": 0, "credit": 0, "virin": 0}
    for article, article_paragraphs in zip(any_packet.packet.articles, article_ranges(document), strict=True):
        language = article.language
        pictures = [d for p in article_paragraphs for d in p.iter(w("drawing"))]
        shown = [f for f in article.figures() if any_packet.image_at_hand(f)]
        assert len(pictures) == len(shown), article.title
        for drawing, figure in zip(pictures, shown, strict=True):
            doc_pr = drawing.find(".//wp:docPr", NS)
            if figure.decorative:
                assert doc_pr.get("descr") is None and doc_pr.find(".//adec:decorative", NS) is not None
                checked["decorative"] += 1
            else:
                assert doc_pr.get("descr") == figure.alt
                checked["alt"] += 1
        placeholders = [text_of(p) for p in article_paragraphs if style_of(p) == "PhotoPlaceholder"]
        missing = [f for f in article.figures() if not f.decorative and not any_packet.image_at_hand(f)]
        lead = f"{gettext(language, 'Photo not included.')} {gettext(language, 'Description:')}"
        assert placeholders == [f"{lead} {f.alt}" for f in missing]
        caption_paragraphs = [p for p in article_paragraphs if is_figure_caption(p)]
        assert {style_of(p) for p in caption_paragraphs} <= {"Caption"}
        captions = [text_of(p) for p in caption_paragraphs]
        blocks = [b for b in walk_blocks(article.body)
                  if isinstance(b, Figure | Media) and expects_caption(b, any_packet)]
        assert len(captions) == len(blocks), article.title
        for caption, block in zip(captions, blocks, strict=True):
            if block.title:
                assert block.title in caption
            if block.credit:
                assert f"{gettext(language, 'Credit:')} {block.credit}" in caption
                checked["credit"] += 1
            if block.virin:
                assert f"{gettext(language, 'VIRIN:')} {block.virin}" in caption
                checked["virin"] += 1
    assert all(checked.values()), checked


def test_each_article_has_its_own_provenance_block(any_packet: BuiltPacket):
    for article, article_paragraphs in zip(any_packet.packet.articles, article_ranges(any_packet.docx_part()),
                                           strict=True):
        language = article.language
        official = is_official_source(article.source.url)
        heading = article_paragraphs[[style_of(p) for p in article_paragraphs].index("Heading2")]
        assert text_of(heading) == gettext(language, "Official source" if official else "Source")
        block = " ".join(text_of(p) for p in article_paragraphs if style_of(p) == "Provenance")
        notice = gettext(language, OFFICIAL_NOTICE, host=provenance_view(article).host)
        assert (notice in block) == official
        if article.source.agency:
            assert f"{gettext(language, 'Published by')}: {article.source.agency}" in block
        if article.source.url:
            assert article.source.url in block


def test_each_articles_provenance_is_kept_in_custom_properties(sample_packet: BuiltPacket):
    properties = oxml.read_custom_properties(sample_packet.docx)
    packet = sample_packet.packet
    assert properties["exporter.article_count"] == str(len(packet.articles))
    assert properties["exporter.packet_office"] == packet.office
    for number, article in enumerate(packet.articles, start=1):
        assert properties.get(f"exporter.articles.{number}.source_url") == article.source.url
        assert properties[f"exporter.articles.{number}.language"] == article.language


def direct_language(run: etree._Element) -> str | None:
    lang = run.find("w:rPr/w:lang", NS)
    return lang.get(w("val")) if lang is not None else None


def test_each_article_keeps_its_own_language(multilingual_packet: BuiltPacket):
    document, packet = multilingual_packet.docx_part(), multilingual_packet.packet
    index, spanish = article_of(packet, "es")
    styles = multilingual_packet.docx_part("word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("val"))
    assert default == packet.language == "en"
    for number, (article, article_paragraphs) in enumerate(zip(packet.articles, article_ranges(document),
                                                                strict=True)):
        runs = [r for p in article_paragraphs for r in p.iter(w("r")) if r.find("w:t", NS) is not None]
        languages = {direct_language(r) for r in runs}
        if number == index:
            # Every run of the Spanish article is Spanish but the US-government-work statement, English as in HTML.
            english = [r.findtext("w:t", namespaces=NS) for r in runs if direct_language(r) == "en"]
            assert languages == {"es", "en"} and english == [US_GOVERNMENT_WORK]
        else:
            # English articles inherit the document language; only their foreign-language spans say otherwise.
            spans = {s.lang for b in walk_blocks(article.body) for s in spans_of(b)}
            assert languages <= {None} | spans
    spanish_paragraphs = article_ranges(document)[index]
    assert text_of(spanish_paragraphs[0]) == spanish.title
    assert "Fuente oficial" in [text_of(p) for p in spanish_paragraphs]
    (sdt,) = body_of(document).findall("w:sdt", NS)
    entry_languages = {text_of(link): {direct_language(r) for r in link.iter(w("r"))}
                       for link in sdt.iter(w("hyperlink"))}
    assert entry_languages[spanish.title] == {"es"}, "the contents entry is pronounced in Spanish too"
    assert entry_languages[packet.articles[0].title] == {None}


def spans_of(block):
    from exporter.model import Span

    def walk(nodes):
        for node in nodes:
            if isinstance(node, Span):
                yield node
            yield from walk(getattr(node, "children", []) or [])

    for field in ("children", "caption", "attribution"):
        value = getattr(block, field, None)
        if isinstance(value, list):
            yield from walk(value)
    if block.__class__.__name__ == "Table":
        for row in [*block.head, *block.rows]:
            for cell in row.cells:
                yield from walk(cell.children)

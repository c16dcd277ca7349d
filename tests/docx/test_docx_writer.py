"""One test per hand-written OOXML feature of the DOCX writer, read back from the built files with lxml."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import UTC, datetime

import pytest
from lxml import etree
from PIL import Image

from exporter.model import Figure, Heading, Media, Packet, plain_text
from exporter.writers.docx import oxml
from tests.conftest import FIXED_EPOCH
from tests.docx.conftest import NS, BuiltDocx, W, build_docx, load_article


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def body_paragraphs(built: BuiltDocx) -> list[etree._Element]:
    return list(built.part("word/document.xml").find("w:body", NS).iter(w("p")))


def text_of(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t")))


def style_of(paragraph: etree._Element) -> str | None:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return style.get(w("val")) if style is not None else None


def styles_by_id(built: BuiltDocx) -> dict[str, etree._Element]:
    return {s.get(w("styleId")): s for s in built.part("word/styles.xml").iterfind("w:style", NS)}


def pictures(built: BuiltDocx) -> list[etree._Element]:
    """wp:inline / wp:anchor frames holding a picture, in document order."""
    return [d[0] for d in built.part("word/document.xml").iter(w("drawing")) if d[0].find(".//pic:pic", NS) is not None]


def present_figures(built: BuiltDocx) -> list[Figure]:
    return [f for f in built.article.figures() if built.image_at_hand(f.image)]


# ---------------------------------------------------------------- headline, dek, byline, headings


def test_headline_is_heading_1_followed_by_dek_and_byline(torture):
    paragraphs = body_paragraphs(torture)
    assert (style_of(paragraphs[0]), text_of(paragraphs[0])) == ("Heading1", torture.article.title)
    assert (style_of(paragraphs[1]), text_of(paragraphs[1])) == ("Dek", torture.article.dek)
    assert style_of(paragraphs[2]) == "Byline"
    assert text_of(paragraphs[2]) == "By Olena Kovalenko, Γιώργος Παπαδόπουλος, Exporter Test Desk"
    assert "Title" not in {style_of(p) for p in paragraphs}


def test_section_headings_map_model_levels_to_heading_styles_in_order(torture):
    found = [(style_of(p), text_of(p)) for p in body_paragraphs(torture) if (style_of(p) or "").startswith("Heading")]
    expected = [("Heading1", torture.article.title), ("Heading2", "Source")]
    expected += [(f"Heading{b.level}", plain_text(b.children)) for b in torture.article.body if isinstance(b, Heading)]
    expected += [("Heading2", "Related stories")]
    assert found == expected


# ---------------------------------------------------------------- provenance


def test_official_notice_opens_the_body_and_repeats_in_the_page_header(official):
    paragraphs = [text_of(p) for p in body_paragraphs(official)]
    notice = "This article was published on www.defense.gov, an official website of the United States government."
    assert paragraphs[1] == "Official source"
    assert paragraphs[2] == notice
    first_body_text = plain_text(official.article.body[0].children)
    assert paragraphs.index(notice) < paragraphs.index(first_body_text)
    header_names = [n for n in official.names() if n.startswith("word/header")]
    header_texts = ["".join(official.part(n).itertext()) for n in header_names]
    assert notice in header_texts


def test_no_official_notice_for_a_non_government_source(docx_builds):
    newsletter = docx_builds["community-newsletter"]
    texts = [text_of(p) for p in body_paragraphs(newsletter)]
    assert not any("official website" in t for t in texts)
    assert "Source" in texts and "Official source" not in texts
    for name in newsletter.names():
        if name.startswith("word/header"):
            assert "official website" not in "".join(newsletter.part(name).itertext())


def test_source_link_text_describes_the_link_and_the_address_stays_visible(official):
    source_paragraph = next(p for p in body_paragraphs(official) if text_of(p).startswith("Source: "))
    link = source_paragraph.find("w:hyperlink", NS)
    assert "".join(t.text for t in link.iter(w("t"))) == "original article on www.defense.gov"
    assert official.article.source.url in text_of(source_paragraph)


# ---------------------------------------------------------------- pictures


def test_every_picture_is_inline_with_the_model_alt_text_in_descr(docx_builds):
    for built in docx_builds.values():
        frames = pictures(built)
        assert all(etree.QName(f).localname == "inline" for f in frames), built.source.name
        expected = [f for f in present_figures(built)]
        assert len(frames) == len(expected), built.source.name
        for frame, figure in zip(frames, expected, strict=True):
            doc_pr = frame.find("wp:docPr", NS)
            assert doc_pr.get("title") is None  # LibreOffice would prepend it to /Alt
            if figure.decorative:
                assert doc_pr.get("descr") is None
            else:
                assert doc_pr.get("descr") == figure.alt


def test_decorative_picture_carries_the_word_decorative_extension(torture):
    decorative = [f for f in pictures(torture) if f.find("wp:docPr//adec:decorative", NS) is not None]
    assert len(decorative) == sum(1 for f in present_figures(torture) if f.decorative) == 1
    ext = decorative[0].find("wp:docPr/a:extLst/a:ext", NS)
    assert ext.get("uri") == oxml.DECORATIVE_EXT_URI
    assert ext.find("adec:decorative", NS).get("val") == "1"


def test_missing_photo_becomes_a_described_placeholder_followed_by_its_caption(official):
    paragraphs = body_paragraphs(official)
    figure = official.article.figures()[0]
    assert not official.image_at_hand(figure.image)
    index = next(i for i, p in enumerate(paragraphs) if text_of(p).startswith("Photo not included."))
    assert text_of(paragraphs[index]) == f"Photo not included. Description: {figure.alt}"
    caption = text_of(paragraphs[index + 1])
    assert style_of(paragraphs[index + 1]) == "Caption"
    for part in (
        figure.title,
        plain_text(figure.caption),
        f"Credit: {figure.credit}",
        f"VIRIN: {figure.virin}",
    ):
        assert part in caption
    assert not pictures(official)


def test_images_are_resized_to_2000_px_keeping_the_aspect_ratio(tmp_path):
    Image.new("RGB", (3000, 1500), (40, 90, 160)).save(tmp_path / "wide.png")
    source = tmp_path / "wide.md"
    source.write_text(
        "---\ntitle: Wide photo\nlanguage: en\n---\n\n"
        '![A wide test picture.](wide.png "Wide")'
        '{alt="A flat blue rectangle twice as wide as it is tall."}\n',
        encoding="utf-8",
    )
    built = BuiltDocx(source, load_article(source), build_docx(source, tmp_path / "out"))
    [media] = [n for n in built.names() if n.startswith("word/media/")]
    with zipfile.ZipFile(built.path) as archive:
        embedded = Image.open(io.BytesIO(archive.read(media)))
    assert embedded.size == (2000, 1000)
    extent = pictures(built)[0].find("wp:extent", NS)
    assert int(extent.get("cx")) == 2 * int(extent.get("cy"))


# ---------------------------------------------------------------- captions


def test_caption_style_is_named_caption_and_visible(torture):
    caption = styles_by_id(torture)["Caption"]
    assert caption.find("w:name", NS).get(w("val")) == "Caption"
    assert caption.find("w:semiHidden", NS) is None


def test_every_picture_is_followed_by_a_numbered_caption_with_title_credit_and_virin(torture):
    paragraphs = body_paragraphs(torture)
    picture_paragraphs = [i for i, p in enumerate(paragraphs) if p.find(".//pic:pic", NS) is not None]
    numbers = []
    for index in picture_paragraphs:
        caption = paragraphs[index + 1]
        if style_of(caption) != "Caption":
            continue  # the decorative picture without caption text has none
        instructions = [t.text for t in caption.iter(w("instrText"))]
        assert instructions == [" SEQ Figure \\* ARABIC "]
        numbers.append(int(text_of(caption).split(".")[0].removeprefix("Figure ")))
        assert paragraphs[index].find("w:pPr/w:keepNext", NS) is not None
    assert numbers == [1, 2]
    portrait = text_of(paragraphs[picture_paragraphs[0] + 1])
    assert portrait.startswith("Figure 1. Portrait of Eileen Collins")
    assert "Credit: NASA" in portrait and "VIRIN: 950101-O-AB123-001" in portrait


def test_media_is_described_with_a_link_and_a_poster_figure(torture):
    paragraphs = body_paragraphs(torture)
    media = [b for b in torture.article.body if isinstance(b, Media)]
    video = next(p for p in paragraphs if "Video:" in text_of(p))
    assert style_of(video) == "Caption"  # the poster is a figure
    assert "Duration: 2:30" in text_of(video)
    audio = next(p for p in paragraphs if "Audio:" in text_of(p))
    assert style_of(audio) != "Caption"  # no picture, so no figure caption
    rels = relationships(torture)
    for paragraph, item in zip((video, audio), media, strict=True):
        [link] = paragraph.iterfind("w:hyperlink", NS)
        assert rels[link.get(f"{{{NS['r']}}}id")] == item.url


# ---------------------------------------------------------------- hyperlinks


def relationships(built: BuiltDocx) -> dict[str, str]:
    rels = built.part("word/_rels/document.xml.rels")
    return {r.get("Id"): r.get("Target") for r in rels if r.get("TargetMode") == "External"}


def test_links_are_hyperlinks_with_relationships_and_the_hyperlink_style(torture):
    rels = relationships(torture)
    links = list(torture.part("word/document.xml").iter(w("hyperlink")))
    targets = [rels[link.get(f"{{{NS['r']}}}id")] for link in links]
    assert "https://www.w3.org/" in targets
    assert [r.url for r in torture.article.related] == targets[-2:]
    for link in links:
        for run in link.iterfind("w:r", NS):
            assert run.find("w:rPr/w:rStyle", NS).get(w("val")) == "Hyperlink"
    w3c = links[targets.index("https://www.w3.org/")]
    assert w3c.get(w("tooltip")) == "World Wide Web Consortium"
    style = styles_by_id(torture)["Hyperlink"]
    assert style.get(w("type")) == "character"
    assert style.find("w:name", NS).get(w("val")) == "Hyperlink"


# ---------------------------------------------------------------- quotes, lists, tables


def test_block_quote_uses_the_quote_style_with_an_attribution(torture):
    paragraphs = body_paragraphs(torture)
    quote = next(i for i, p in enumerate(paragraphs) if style_of(p) == "Quotations")
    based_on = styles_by_id(torture)["Quotations"].find("w:basedOn", NS).get(w("val"))
    assert based_on == "Quote"
    assert text_of(paragraphs[quote]).startswith("The important thing is not to stop questioning.")
    assert style_of(paragraphs[quote + 1]) == "QuoteAttribution"
    assert text_of(paragraphs[quote + 1]) == "— Albert Einstein, LIFE magazine, 1955"


def numbering_formats(built: BuiltDocx) -> dict[int, list[str]]:
    numbering = built.part("word/numbering.xml")
    abstract = {
        a.get(w("abstractNumId")): [lvl.find("w:numFmt", NS).get(w("val")) for lvl in a.iterfind("w:lvl", NS)]
        for a in numbering.iterfind("w:abstractNum", NS)
    }
    return {
        int(n.get(w("numId"))): abstract[n.find("w:abstractNumId", NS).get(w("val"))]
        for n in numbering.iterfind("w:num", NS)
    }


def test_lists_are_word_numbering_with_nested_levels(torture):
    formats = numbering_formats(torture)
    items = []
    for paragraph in body_paragraphs(torture):
        num_pr = paragraph.find("w:pPr/w:numPr", NS)
        if num_pr is not None:
            num_id = int(num_pr.find("w:numId", NS).get(w("val")))
            level = int(num_pr.find("w:ilvl", NS).get(w("val")))
            items.append((text_of(paragraph), num_id, level, formats[num_id][level]))
    by_text = {text: (num_id, level, kind) for text, num_id, level, kind in items}
    first = by_text["First ordered item"]
    assert first[1:] == (0, "decimal")
    assert by_text["nested bullet one"][1:] == (1, "bullet")
    assert by_text["a third level, numbered"][1:] == (2, "decimal")
    # One nested list shares one definition (so it is one list with levels, not several lists).
    assert by_text["nested bullet one"][0] == by_text["a third level, numbered"][0] == first[0]
    second_list = by_text["A bullet with a link inside it."]
    assert second_list[0] != first[0] and second_list[1:] == (0, "bullet")
    for text, *_ in items:
        assert not text.lstrip().startswith(("•", "-", "1.", "2.", "3."))


def test_table_has_a_repeating_header_row_a_caption_and_alt_text(torture):
    document = torture.part("word/document.xml")
    [table] = list(document.iter(w("tbl")))
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(row.find("w:trPr/w:tblHeader", NS) is None for row in rows[1:])
    assert table.find("w:tblPr/w:tblCaption", NS).get(w("val")).startswith("Shuttle flights by year")
    caption = table.getprevious()
    assert style_of(caption) == "Caption"
    assert text_of(caption).startswith("Table 1. Shuttle flights by year")
    assert [t.text for t in caption.iter(w("instrText"))] == [" SEQ Table \\* ARABIC "]
    row_header = rows[1].find("w:tc//w:r", NS)
    assert row_header.find("w:rPr/w:b", NS) is not None  # row header cells stand out


def test_the_template_keeps_only_the_table_styles_in_use(torture):
    """python-docx's template brings 100 table styles; the document keeps the default and the one its tables use."""
    [table] = list(torture.part("word/document.xml").iter(w("tbl")))
    used = table.find("w:tblPr/w:tblStyle", NS).get(w("val"))
    kept = {style_id for style_id, style in styles_by_id(torture).items() if style.get(w("type")) == "table"}
    assert kept == {"TableNormal", used}
    assert styles_by_id(torture)["TableNormal"].get(w("default")) == "1"


# ---------------------------------------------------------------- language


def test_document_language_and_foreign_spans_carry_w_lang(torture):
    styles = torture.part("word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("val")) == "en"
    languages = {
        text_of_run(run): run.find("w:rPr/w:lang", NS).get(w("val"))
        for run in torture.part("word/document.xml").iter(w("r"))
        if run.find("w:rPr/w:lang", NS) is not None
    }
    assert languages == {
        "Київ": "uk",
        "Віталій Кличко": "uk",
        "Αθήνα": "el",
        "la biblioteca abre los domingos": "es",
    }


def text_of_run(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(w("t")))


def test_spanish_article_gets_spanish_fixed_text(tmp_path):
    source = tmp_path / "es.md"
    source.write_text(
        "---\ntitle: Nota de prensa\nlanguage: es\nsource:\n  url: https://www.example.gov/nota\n---\n\n"
        "Texto.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Cuadro de prueba\n",
        encoding="utf-8",
    )
    built = BuiltDocx(source, load_article(source), build_docx(source, tmp_path / "out"))
    texts = [text_of(p) for p in body_paragraphs(built)]
    assert "Fuente oficial" in texts
    assert any(t.startswith("Tabla 1.") for t in texts)
    assert built.part("word/styles.xml").find(".//w:docDefaults//w:lang", NS).get(w("val")) == "es"


# ---------------------------------------------------------------- colour contrast


def test_style_colours_reach_5_to_1_and_no_theme_colour_overrides_them(docx_builds):
    """WCAG asks 4.5:1; every text colour keeps a margin above it (issue 19: the caption's #4A79B1 was 4.51:1)."""
    for built in docx_builds.values():
        styles = built.part("word/styles.xml")
        for colour in styles.iter(w("color")):
            assert colour.get(w("themeColor")) is None
            rgb = oxml.parse_hex(colour.get(w("val")))
            if rgb is not None:
                assert oxml.contrast_ratio(rgb, oxml.WHITE) >= 5.0, colour.get(w("val"))
    heading2 = styles_by_id(built)["Heading2"].find("w:rPr/w:color", NS).get(w("val"))
    assert heading2 != "4F81BD"


def test_darkening_keeps_the_hue_and_reaches_the_minimum():
    darker = oxml.darken_until_readable((0x4F, 0x81, 0xBD))
    rgb = oxml.parse_hex(darker)
    assert 5.0 <= oxml.contrast_ratio(rgb, oxml.WHITE) < 5.5
    assert rgb[2] > rgb[1] > rgb[0]  # still blue


# ---------------------------------------------------------------- properties and packaging


def test_core_properties_come_from_the_article_without_python_docx_defaults(torture):
    core = torture.part("docProps/core.xml")
    article = torture.article

    def value(tag: str) -> str | None:
        element = core.find(tag, NS)
        return element.text if element is not None else None

    assert value("dc:title") == article.title
    assert value("dc:subject") == article.dek
    assert value("dc:creator") == article.byline.text()
    assert value("cp:keywords") == "testing, accessibility, Unicode"
    assert value("dc:language") == "en"
    assert value("dcterms:created") == "2025-01-15T00:00:00Z"
    epoch = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC)
    assert value("dcterms:modified") == epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert core.find("dc:description", NS) is None and core.find("cp:lastModifiedBy", NS) is None
    assert b"python-docx" not in etree.tostring(core)
    app = torture.part("docProps/app.xml")
    assert "Microsoft" not in "".join(app.itertext())


def test_provenance_is_kept_in_custom_document_properties(official):
    properties = oxml.read_custom_properties(official.data)
    source = official.article.source
    assert properties["exporter.source_url"] == source.url
    assert properties["exporter.agency"] == source.agency
    assert properties["exporter.language"] == "en"
    assert properties["exporter.document_uuid"]
    assert "exporter.retrieved" not in properties  # not known for this sample: never invented


def test_zip_entries_have_fixed_dates_and_content_types_first(torture):
    with zipfile.ZipFile(torture.path) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    epoch = datetime.fromtimestamp(int(FIXED_EPOCH), tz=UTC)
    assert {info.date_time for info in infos} == {
        (epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, epoch.second // 2 * 2)
    }
    assert "docProps/thumbnail.jpeg" not in {i.filename for i in infos}
    assert "word/stylesWithEffects.xml" not in {i.filename for i in infos}


def test_docx_export_does_not_import_weasyprint(tmp_path):
    code = (
        "import sys, pathlib\n"
        "from exporter.options import BuildOptions\n"
        "from exporter.pipeline import export\n"
        f"export(pathlib.Path({str(tmp_path / 'a.md')!r}), BuildOptions(formats=('docx',), "
        f"out_dir=pathlib.Path({str(tmp_path)!r})))\n"
        "print('weasyprint' in sys.modules)\n"
    )
    (tmp_path / "a.md").write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"
    assert (tmp_path / "a.docx").is_file()


def test_a_packet_gets_a_cover_a_toc_field_and_its_articles(torture):
    """Packets are built (issue 7); tests/packets/ checks them in depth."""
    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.options import BuildOptions
    from exporter.writers import docx as docx_writer
    from exporter.writers.base import RenderContext

    packet = Packet(title="Press packet", articles=[torture.article])
    confinement = Confinement.for_input(torture.source.parent, None)
    context = RenderContext(packet, BuildOptions(formats=("docx",)), torture.source, confinement, Warnings(), "p")
    with zipfile.ZipFile(io.BytesIO(docx_writer.write(context).data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find("w:body", NS)
    paragraphs = list(body.iter(w("p")))
    assert (style_of(paragraphs[0]), text_of(paragraphs[0])) == ("Title", "Press packet")
    assert next(t.text for t in body.iter(w("instrText"))) == ' TOC \\o "1-1" \\h \\z \\u '
    assert [text_of(p) for p in paragraphs if style_of(p) == "Heading1"] == [torture.article.title]


def test_only_followable_links_become_hyperlinks(tmp_path):
    import json

    def link(href: str, text: str) -> dict:
        return {"type": "link", "href": href, "children": [{"type": "text", "text": text}]}

    source = tmp_path / "links.json"
    children = [
        {"type": "text", "text": "Write to "},
        link("mailto:desk@example.org", "the desk"),
        {"type": "text", "text": ", see "},
        link("javascript:alert(1)", "the script"),
        {"type": "text", "text": " and "},
        link("#later", "the section"),
        {"type": "text", "text": "."},
    ]
    article = {"title": "Links", "language": "en", "body": [{"type": "paragraph", "children": children}]}
    source.write_text(json.dumps(article), encoding="utf-8")
    built = BuiltDocx(source, load_article(source), build_docx(source, tmp_path / "out"))
    links = list(built.part("word/document.xml").iter(w("hyperlink")))
    targets = [relationships(built)[link.get(f"{{{NS['r']}}}id")] for link in links]
    assert targets == ["mailto:desk@example.org"]
    paragraph = next(p for p in body_paragraphs(built) if text_of(p).startswith("Write to"))
    assert text_of(paragraph) == "Write to the desk, see the script and the section."


@pytest.mark.parametrize(("page_size", "twips"), [("letter", (12240, 15840)), ("a4", (11906, 16838))])
def test_page_size_option(tmp_path, page_size, twips):
    source = tmp_path / "page.md"
    source.write_text("---\ntitle: Page\n---\n\nText.\n", encoding="utf-8")
    built = BuiltDocx(source, load_article(source), build_docx(source, tmp_path / "out", page_size=page_size))
    size = built.part("word/document.xml").find(".//w:sectPr/w:pgSz", NS)
    assert (int(size.get(w("w"))), int(size.get(w("h")))) == twips

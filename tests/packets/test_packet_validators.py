"""The packets judged by real validators and independent readers, in batches: EPUBCheck and DAISY Ace on the
EPUBs; pandoc and LibreOffice (tagged PDF, then page-validation and the structure tree) on the DOCX files;
and rebuilds through the CLI to prove byte-identical output. A missing validator fails, never skips."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from exporter.checks.epub_validators import ValidatorResult, validate_epubs
from tests.docx.conftest import PDF_UA_FILTER, soffice_binary
from tests.packets.conftest import SAMPLE_PACKET, BuiltPacket, article_of, docx_article_ranges, docx_text

PACKETS = ["sample", "multilingual"]
# Defects of LibreOffice 7.4's PDF export, not of our DOCX (see tests/docx/test_docx_validators.py): no
# /Tabs /S on pages with links, and Word's decorative flag ignored (a Figure without /Alt).
LIBREOFFICE_PAGE_TABS = "PDFUA1-PAGE-TABS-001"
LIBREOFFICE_DECORATIVE = "PDFUA1-FIGURE-ALTERNATIVE-TEXT-001"


@pytest.fixture(scope="session")
def packets(sample_packet, multilingual_packet) -> dict[str, BuiltPacket]:
    return {"sample": sample_packet, "multilingual": multilingual_packet}


# ---------------------------------------------------------------- EPUB: EPUBCheck and Ace


@pytest.fixture(scope="session")
def epub_validation(packets) -> dict[str, list[ValidatorResult]]:
    results = validate_epubs([built.epub.path for built in packets.values()])
    return {name: results[built.epub.path] for name, built in packets.items()}


@pytest.mark.slow
@pytest.mark.parametrize("name", PACKETS)
def test_epubcheck_passes_the_packet(epub_validation, name):
    (result,) = [r for r in epub_validation[name] if r.validator == "EPUBCheck"]
    assert result.ran, result.summary()
    assert result.passed, result.summary()


@pytest.mark.slow
@pytest.mark.parametrize("name", PACKETS)
def test_ace_reports_no_violation_on_the_packet(epub_validation, name):
    (result,) = [r for r in epub_validation[name] if r.validator == "DAISY Ace"]
    assert result.ran, result.summary()
    assert result.passed, result.summary()


# ---------------------------------------------------------------- DOCX: pandoc


def stringify(node) -> str:
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind in ("Link", "Image", "Span"):
        return stringify(content[1])
    return stringify(content)


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def pictured(built: BuiltPacket):
    return [f for a in built.packet.articles for f in a.figures() if built.image_at_hand(f)]


@pytest.mark.slow
@pytest.mark.parametrize("name", PACKETS)
def test_pandoc_reads_back_every_alt_text_and_the_article_headings(packets, name):
    import pypandoc

    built = packets[name]
    ast = json.loads(pypandoc.convert_file(str(built.docx_path), "json", format="docx"))
    images = [n["c"] for n in walk(ast["blocks"]) if n.get("t") == "Image"]
    assert [stringify(inlines) for _, inlines, _ in images] == [
        "" if f.decorative else f.alt for f in pictured(built)
    ]
    level_one = [stringify(n["c"][2]) for n in ast["blocks"] if n.get("t") == "Header" and n["c"][0] == 1]
    # pandoc reads Word's "TOC Heading" (based on Heading 1) as a heading; Word and our checker do not.
    assert level_one == ["Contents"] + [a.title for a in built.packet.articles]
    # The TOC result is readable as links to the article headings.
    links = [n["c"] for n in walk(ast["blocks"]) if n.get("t") == "Link" and n["c"][2][0].startswith("#")]
    assert [stringify(inlines) for _, inlines, _ in links][:1] == [built.packet.articles[0].title]


# ---------------------------------------------------------------- DOCX: LibreOffice tagged PDF


@pytest.fixture(scope="session")
def libreoffice_pdfs(packets, tmp_path_factory) -> dict[str, Path]:
    import subprocess

    binary = soffice_binary()
    profile = tmp_path_factory.mktemp("packet-lo-profile")
    out_dir = tmp_path_factory.mktemp("packet-lo-pdf")
    files = [built.docx_path for built in packets.values()]
    completed = subprocess.run(
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", PDF_UA_FILTER, "--outdir", str(out_dir), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    pdfs = {name: out_dir / f"{built.docx_path.stem}.pdf" for name, built in packets.items()}
    missing = [p.name for p in pdfs.values() if not p.is_file()]
    if completed.returncode != 0 or missing:
        pytest.fail(f"LibreOffice did not convert {missing}: {completed.stdout}\n{completed.stderr}")
    return pdfs


def kids(element) -> list:
    k = element.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []


def struct_walk(element):
    if isinstance(element, pikepdf.Dictionary):
        yield element
        for kid in kids(element):
            yield from struct_walk(kid)


def page_of(element, pages: dict) -> int | None:
    """The page an element starts on: its own /Pg, else that of its first marked content."""
    for candidate in struct_walk(element):
        if "/Pg" in candidate:
            return pages[candidate.Pg.objgen]
    return None


def link_targets(element, pages: dict) -> list[int]:
    """Pages the Link annotations under a structure element jump to."""
    targets = []
    for node in struct_walk(element):
        if node.get("/Type") == "/OBJR" and "/Dest" in node.Obj:
            targets.append(pages[node.Obj.Dest[0].objgen])
    return targets


@pytest.mark.slow
@pytest.mark.parametrize("name", PACKETS)
def test_libreoffice_pdf_keeps_every_alt_text_and_links_toc_and_bookmarks_to_the_articles(
    packets, libreoffice_pdfs, name
):
    built = packets[name]
    articles = built.packet.articles
    with pikepdf.open(libreoffice_pdfs[name]) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        elements = list(struct_walk(pdf.Root.StructTreeRoot))
        figures = [e for e in elements if e.get("/S") == "/Figure"]
        with_alt = [str(e.Alt) for e in figures if "/Alt" in e]
        assert with_alt == [f.alt for f in pictured(built) if not f.decorative]
        # LibreOffice 7.4 ignores Word's decorative flag: a Figure without /Alt is only ever a decorative one.
        assert len(figures) - len(with_alt) <= sum(1 for f in pictured(built) if f.decorative)

        headlines = [e for e in elements if e.get("/S") == "/H1"]
        assert len(headlines) == len(articles)
        first_pages = [page_of(h, pages) for h in headlines]
        assert first_pages == sorted(set(first_pages)) and first_pages[0] >= 1, "each article on its own page"

        (toc,) = [e for e in elements if e.get("/S") == "/TOC"]
        items = [k for k in kids(toc) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TOCI"]
        top_level = [item for item in items if any(n.get("/S") == "/Contents 1" for n in struct_walk(item))]
        assert [link_targets(item, pages) for item in top_level] == [[page] for page in first_pages]

        with pdf.open_outline() as outline:
            roots = [(item.title, pages[item.destination[0].objgen]) for item in outline.root]
        assert roots == [(a.title, page) for a, page in zip(articles, first_pages, strict=True)]


@pytest.mark.slow
@pytest.mark.parametrize("name", PACKETS)
def test_libreoffice_pdf_passes_pdf_ua_but_for_known_libreoffice_defects(packets, libreoffice_pdfs, name):
    import page

    report = page.validate_pdf(str(libreoffice_pdfs[name]))
    allowed = {LIBREOFFICE_PAGE_TABS}
    if any(f.decorative for f in pictured(packets[name])):
        allowed.add(LIBREOFFICE_DECORATIVE)
    assert {failure.rule_id for failure in report.failures} <= allowed, str(report)


def spanish_elements(pdf_path: Path) -> int:
    with pikepdf.open(pdf_path) as pdf:
        assert str(pdf.Root.Lang).split("-")[0] == "en"
        languages = [str(e.get("/Lang", "")) for e in struct_walk(pdf.Root.StructTreeRoot)]
    return sum(1 for language in languages if language.startswith("es"))


@pytest.mark.slow
def test_libreoffice_pdf_keeps_the_spanish_articles_language(packets, libreoffice_pdfs):
    """The multilingual packet adds one Spanish article to articles the sample packet also has: each of its
    text paragraphs must come out of LibreOffice tagged Spanish (the torture sample's own Spanish span
    is in both packets and cancels out)."""
    built = packets["multilingual"]
    index, _ = article_of(built.packet, "es")
    spanish_paragraphs = [p for p in docx_article_ranges(built.docx_part())[index] if docx_text(p).strip()]
    added = spanish_elements(libreoffice_pdfs["multilingual"]) - spanish_elements(libreoffice_pdfs["sample"])
    assert added >= len(spanish_paragraphs) >= 8


# ---------------------------------------------------------------- determinism


@pytest.mark.slow
def test_rebuilding_the_sample_packet_gives_byte_identical_files(exporter_cli, sample_packet, tmp_path):
    completed = exporter_cli("build", SAMPLE_PACKET, "--to", "epub,docx", "--out", tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "press-packet.epub").read_bytes() == sample_packet.epub.data
    assert (tmp_path / "press-packet.docx").read_bytes() == sample_packet.docx


@pytest.mark.slow
def test_a_different_source_date_epoch_changes_only_dates(exporter_cli, sample_packet, tmp_path):
    import zipfile

    completed = exporter_cli("build", SAMPLE_PACKET, "--to", "docx", "--out", tmp_path,
                             env={"SOURCE_DATE_EPOCH": "1600000000"})
    assert completed.returncode == 0, completed.stderr
    with zipfile.ZipFile(sample_packet.docx_path) as a, zipfile.ZipFile(tmp_path / "press-packet.docx") as b:
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] == ["docProps/core.xml"]

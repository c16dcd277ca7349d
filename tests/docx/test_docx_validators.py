"""Every sample's DOCX judged by our rule checker and read back by independent programs: pandoc (alt text,
headings), LibreOffice (tagged PDF: Figure /Alt, H1/H2, Caption; edit-and-save keeps our custom properties),
and built twice to prove byte-identical output."""

from __future__ import annotations

import json
import re
import zipfile

import pikepdf
import pytest

from exporter.checks.docx_rules import check_docx
from exporter.model import Article, Heading, plain_text
from exporter.provenance import is_official_source
from exporter.writers.docx.oxml import read_custom_properties
from tests.conftest import SAMPLE_ARTICLES
from tests.docx.conftest import BuiltDocx


def expected_headings(article: Article) -> list[tuple[int, str]]:
    """Headline, the provenance heading, the body's headings, and the related-stories heading."""
    provenance = "Official source" if is_official_source(article.source.url) else "Source"
    headings = [(1, article.title), (2, provenance)]
    headings += [(b.level, plain_text(b.children)) for b in article.body if isinstance(b, Heading)]
    if article.related:
        headings.append((2, "Related stories"))
    return headings


def pictured_figures(built: BuiltDocx):
    """The figures (media posters included) whose image is at hand, so the DOCX holds a picture for them."""
    return [f for f in built.article.figures() if built.image_at_hand(f.image)]


def test_every_sample_passes_the_docx_checker_with_zero_findings(docx_builds):
    assert {name: [str(f) for f in check_docx(b.path)] for name, b in docx_builds.items()} == {
        name: [] for name in docx_builds
    }


def test_the_checker_reports_the_template_defaults_we_repair(tmp_path):
    """Control: a plain python-docx file breaks rules our writer repairs, so zero findings mean something."""
    import docx

    plain = docx.Document()
    plain.add_paragraph("Headline", style="Heading 2")
    plain.add_paragraph("Body.")
    path = tmp_path / "plain.docx"
    plain.save(path)
    rules = {f.rule for f in check_docx(path)}
    assert {"DOCX-TITLE", "DOCX-HEADING-FIRST", "DOCX-CONTRAST"} <= rules


# ---------------------------------------------------------------- pandoc


def pandoc_ast(built: BuiltDocx) -> dict:
    import pypandoc

    return json.loads(pypandoc.convert_file(str(built.path), "json", format="docx"))


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
    if kind == "LineBreak":
        return "\n"
    if kind == "Code":
        return content[1]
    if kind in ("Link", "Image", "Span"):
        return stringify(content[1])
    if kind == "Quoted":
        mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
        return mark + stringify(content[1]) + mark
    return stringify(content)


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLE_ARTICLES])
def test_pandoc_reads_back_the_alt_text_and_the_headings(docx_builds, sample):
    built = docx_builds[sample]
    ast = pandoc_ast(built)
    images = [n["c"] for n in walk(ast["blocks"]) if n.get("t") == "Image"]
    # pandoc's docx reader puts wp:docPr/@descr into the Image's inlines (its alt text).
    alts = [stringify(inlines) for _attr, inlines, _target in images]
    assert alts == [("" if f.decorative else f.alt) for f in pictured_figures(built)]
    headings = [(n["c"][0], stringify(n["c"][2])) for n in ast["blocks"] if n.get("t") == "Header"]
    assert headings == expected_headings(built.article)


@pytest.mark.slow
def test_pandoc_sees_the_placeholder_of_a_missing_photo(official):
    figure = official.article.figures()[0]
    assert not official.image_at_hand(figure.image)
    paragraphs = [stringify(n["c"]) for n in pandoc_ast(official)["blocks"] if n.get("t") == "Para"]
    assert f"Photo not included. Description: {figure.alt}" in paragraphs


@pytest.mark.slow
def test_pandoc_reads_the_table_header_row(torture):
    [table] = [n for n in pandoc_ast(torture)["blocks"] if n.get("t") == "Table"]
    head_rows = table["c"][3][1]
    assert [stringify(cell[4]) for cell in head_rows[0][1]] == ["Mission", "Year", "Role"]


# ---------------------------------------------------------------- LibreOffice: tagged PDF


def struct_elements(pdf: pikepdf.Pdf) -> list[tuple[str, str | None, int, tuple]]:
    """(tag, /Alt, depth, path) for every structure element, in reading order."""
    found: list[tuple[str, str | None, int, tuple]] = []

    def visit(element, depth: int, path: tuple) -> None:
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        alt = str(element.Alt) if "/Alt" in element else None
        found.append((str(element.S)[1:], alt, depth, path))
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for index, kid in enumerate(kids):
            visit(kid, depth + 1, (*path, index))

    root = pdf.Root.StructTreeRoot.K
    for index, element in enumerate(list(root) if isinstance(root, pikepdf.Array) else [root]):
        visit(element, 0, (index,))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLE_ARTICLES])
def test_libreoffice_tagged_pdf_keeps_alt_text_headings_and_captions(docx_builds, libreoffice_pdfs, sample):
    built = docx_builds[sample]
    with pikepdf.open(libreoffice_pdfs[sample]) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang).split("-")[0] == built.article.language.split("-")[0]
        elements = struct_elements(pdf)
    figures = pictured_figures(built)
    with_alt = [alt for tag, alt, _, _ in elements if tag == "Figure" and alt is not None]
    assert with_alt == [f.alt for f in figures if not f.decorative]
    # LibreOffice 7.4 does not read Word's decorative flag (it still emits a Figure, without /Alt): a
    # Figure without /Alt may only ever stand for a decorative picture.
    without_alt = [tag for tag, alt, _, _ in elements if tag == "Figure" and alt is None]
    assert len(without_alt) <= sum(1 for f in figures if f.decorative)

    heading_levels = [int(tag[1]) for tag, *_ in elements if re.fullmatch(r"H[1-6]", tag)]
    assert heading_levels == [level for level, _ in expected_headings(built.article)]

    captions = [path for tag, _, _, path in elements if tag == "Caption"]
    figure_captions = sum(1 for f in built.article.figures() if has_caption(f))
    assert len(captions) == figure_captions + count_table_captions(built)
    # Every figure with alt text is followed by its Caption, as a sibling of the element holding the Figure
    # (never inside the Figure, whose /Alt would hide it from screen readers).
    for tag, alt, _, path in elements:
        if tag == "Figure" and alt is not None:
            holder = path[:-1]
            assert (*holder[:-1], holder[-1] + 1) in captions


def has_caption(figure) -> bool:
    """The writer gives a caption to every figure that is not decorative, and to any that has caption text."""
    return not figure.decorative or bool(
        figure.title or figure.caption or figure.credit or figure.virin or figure.rights
    )


def count_table_captions(built: BuiltDocx) -> int:
    from exporter.model import Table

    return sum(1 for b in built.article.body if isinstance(b, Table) and b.caption)


# Defects of LibreOffice 7.4's PDF export, not of our DOCX: it never writes /Tabs /S on pages with link
# annotations, and it does not read Word's decorative flag (the picture becomes a Figure without /Alt).
LIBREOFFICE_PAGE_TABS = "PDFUA1-PAGE-TABS-001"
LIBREOFFICE_DECORATIVE = "PDFUA1-FIGURE-ALTERNATIVE-TEXT-001"


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLE_ARTICLES])
def test_libreoffice_pdf_passes_pdf_ua_but_for_known_libreoffice_defects(docx_builds, libreoffice_pdfs, sample):
    import page

    report = page.validate_pdf(str(libreoffice_pdfs[sample]))
    allowed = {LIBREOFFICE_PAGE_TABS}
    if any(f.decorative for f in pictured_figures(docx_builds[sample])):
        allowed.add(LIBREOFFICE_DECORATIVE)
    failed = {failure.rule_id for failure in report.failures}
    assert failed <= allowed, str(report)


@pytest.mark.slow
def test_block_quotes_are_tagged_blockquote_and_no_standard_type_is_remapped(libreoffice_pdfs):
    # ISO 32000-1, 14.8.4: the standard structure types, which a RoleMap may not remap.
    standard_types = {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    }
    with pikepdf.open(libreoffice_pdfs["torture-every-block"]) as pdf:
        role_map = {str(key)[1:] for key in pdf.Root.StructTreeRoot.get("/RoleMap", {})}
        tags = [tag for tag, *_ in struct_elements(pdf)]
    assert role_map.isdisjoint(standard_types)
    assert "BlockQuote" in tags


@pytest.mark.slow
def test_libreoffice_pdf_keeps_foreign_language_spans(torture, libreoffice_pdfs):
    with pikepdf.open(libreoffice_pdfs["torture-every-block"]) as pdf:
        languages = set()
        for element in walk_pdf(pdf.Root.StructTreeRoot):
            if "/Lang" in element:
                languages.add(str(element.Lang).split("-")[0])
    assert {"uk", "el", "es"} <= languages


def walk_pdf(element):
    if isinstance(element, pikepdf.Dictionary):
        yield element
        kids = element.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            yield from walk_pdf(kid)


# ---------------------------------------------------------------- LibreOffice: edit and save


@pytest.mark.slow
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLE_ARTICLES])
def test_libreoffice_resave_keeps_the_custom_provenance_properties(docx_builds, libreoffice_resaved, sample):
    original = read_custom_properties(docx_builds[sample].data)
    assert original["exporter.language"] == docx_builds[sample].article.language
    assert read_custom_properties(libreoffice_resaved[sample].read_bytes()) == original


# ---------------------------------------------------------------- determinism


@pytest.mark.slow
def test_two_builds_with_the_same_source_date_epoch_are_byte_identical(exporter_cli, tmp_path, docx_builds):
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        completed = exporter_cli("build", *SAMPLE_ARTICLES, "--to", "docx", "--out", out)
        assert completed.returncode == 0, completed.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("*.docx"))})
    assert len(outputs[0]) == len(SAMPLE_ARTICLES)
    assert outputs[0] == outputs[1]
    # The in-process build of the session fixture (same SOURCE_DATE_EPOCH) gives the same bytes too.
    assert {name: b.data for name, b in ((f"{n}.docx", b) for n, b in docx_builds.items())} == outputs[0]


@pytest.mark.slow
def test_a_different_source_date_epoch_changes_only_dates(exporter_cli, tmp_path, torture):
    out = tmp_path / "other"
    completed = exporter_cli(
        "build", torture.source, "--to", "docx", "--out", out, env={"SOURCE_DATE_EPOCH": "1600000000"}
    )
    assert completed.returncode == 0, completed.stderr
    other = BuiltDocx(torture.source, torture.article, out / "torture-every-block.docx")
    assert other.data != torture.data
    with zipfile.ZipFile(torture.path) as a, zipfile.ZipFile(other.path) as b:
        differing = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert differing == ["docProps/core.xml"]

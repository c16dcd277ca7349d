"""`exporter check`: validators per format, cross-format consistency, and damage that must be caught."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from exporter.checks import epub_validators
from exporter.checks.report import overall_exit_code
from exporter.checks.run import check_files
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

ALL_FORMATS = "html,epub,pdf,docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory, exporter_cli) -> Path:
    out = tmp_path_factory.mktemp("check")
    sources = [*sorted(SAMPLES.glob("*.md")), SAMPLES / "press-packet.yaml"]
    result = exporter_cli("build", *sources, "--to", ALL_FORMATS, "--out", out, timeout=900)
    assert result.returncode == 0, result.stderr
    return out


def outputs(folder: Path, stem: str, formats: str = ALL_FORMATS) -> list[Path]:
    return [folder / f"{stem}.{fmt}" for fmt in formats.split(",")]


def copy_set(built: Path, tmp_path: Path, stem: str) -> list[Path]:
    for path in built.glob(f"{stem}*"):
        target = tmp_path / path.name
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copy2(path, target)
    return outputs(tmp_path, stem)


def rewrite_zip_member(path: Path, member: str, edit) -> None:
    with zipfile.ZipFile(path) as old:
        items = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for info, data in items:
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data)


SAMPLE_STEMS = [path.stem for path in sorted(SAMPLES.glob("*.md"))] + ["press-packet"]


def test_every_sample_and_the_packet_pass_every_check(built: Path, exporter_cli) -> None:
    files = []
    for stem in SAMPLE_STEMS:
        files += outputs(built, stem)
    result = exporter_cli("check", *files, "--json", timeout=900)
    report = json.loads(result.stdout)
    failing = [r for r in report["results"] if r["status"] != "passed"]
    assert result.returncode == 0 and not failing, failing
    checks = {(Path(r["file"]).suffix, r["check"].split()[0]) for r in report["results"]}
    for expected in [(".html", "axe-core"), (".html", "structure"), (".epub", "EPUBCheck"), (".epub", "DAISY"),
                     (".docx", "DOCX"), (".pdf", "page-validation"), (".pdf", "structure")]:
        assert expected in checks, expected
    assert sum(1 for r in report["results"] if r["check"] == "consistency") == 4 * len(SAMPLE_STEMS)


def test_against_the_source(built: Path, exporter_cli) -> None:
    source = SAMPLES / "torture-every-block.md"
    result = exporter_cli("check", *outputs(built, "torture-every-block", "html,epub"), "--against", source,
                          "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, report
    consistency = [r for r in report["results"] if r["check"] == "consistency"]
    assert len(consistency) == 2 and all(r["status"] == "passed" for r in consistency)


def test_credit_changed_in_one_format_is_named(built: Path, tmp_path: Path, exporter_cli) -> None:
    files = copy_set(built, tmp_path, "torture-every-block")
    html = tmp_path / "torture-every-block.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</span> NASA</span>", "</span> Someone Else</span>", 1),
                    encoding="utf-8")
    result = exporter_cli("check", files[1], files[0])
    assert result.returncode == 1
    assert "HTML: figure 1: credit is 'Someone Else', EPUB has 'NASA'" in result.stdout.replace("\n", " ")


def test_virin_dropped_from_an_epub_caption(built: Path, tmp_path: Path, exporter_cli) -> None:
    files = copy_set(built, tmp_path, "torture-every-block")
    epub = tmp_path / "torture-every-block.epub"
    rewrite_zip_member(epub, "EPUB/article.xhtml",
                       lambda text: text.replace('<span class="label">VIRIN:</span> 950101-O-AB123-001', ""))
    result = exporter_cli("check", files[0], epub, "--json")
    report = json.loads(result.stdout)
    found = [f for r in report["results"] if r["check"] == "consistency" for f in r["findings"]]
    assert "EPUB: figure 1: virin is None, HTML has '950101-O-AB123-001'" in found
    assert result.returncode == 1


def test_img_alt_emptied_in_an_epub(built: Path, tmp_path: Path, exporter_cli) -> None:
    files = copy_set(built, tmp_path, "torture-every-block")
    epub = tmp_path / "torture-every-block.epub"
    alt = "Portrait of a smiling woman with short hair wearing an orange pressure suit, with a United States flag"
    rewrite_zip_member(epub, "EPUB/article.xhtml", lambda text: text.replace(f'alt="{alt}', 'alt="" data-x="', 1))
    result = exporter_cli("check", files[0], epub, "--json")
    report = json.loads(result.stdout)
    by_check = {r["check"].split()[0]: r for r in report["results"] if r["file"].endswith(".epub")}
    # Ace takes alt="" for a decorative image; our structure check knows the figure is not decorative.
    assert any("image 1" in f and "has empty alt text" in f for f in by_check["structure"]["findings"])
    assert any("figure 1: alt is None" in f for f in by_check["consistency"]["findings"])
    assert result.returncode == 1


def test_official_notice_added_to_a_non_gov_article(built: Path, tmp_path: Path, exporter_cli) -> None:
    files = copy_set(built, tmp_path, "community-newsletter")
    html = tmp_path / "community-newsletter.html"
    fake = ('<p class="notice">This article was published on www.example.org, an official website of the United '
            'States government.</p>\n<dl class="source-facts">')
    html.write_text(html.read_text(encoding="utf-8").replace('<dl class="source-facts">', fake, 1), encoding="utf-8")
    result = exporter_cli("check", files[0], files[1], "--against", SAMPLES / "community-newsletter.md", "--json")
    report = json.loads(result.stdout)
    found = [f for r in report["results"] if r["check"] == "consistency" for f in r["findings"]]
    assert "HTML: official_notice is True, source has False" in found
    assert result.returncode == 1


def test_unreadable_file_exits_2(tmp_path: Path, exporter_cli) -> None:
    fake = tmp_path / "broken.epub"
    fake.write_bytes(b"not a zip at all")
    result = exporter_cli("check", fake, "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["results"][0]["status"] == "unreadable"


def test_a_validator_that_cannot_run_is_incomplete_not_passed(built: Path, monkeypatch) -> None:
    monkeypatch.setattr(epub_validators, "find_ace", lambda: None)
    results = check_files([built / "community-newsletter.epub"])
    ace = [r for r in results if r.check.startswith("DAISY") or "Ace" in r.check]
    assert ace and ace[0].status == "not_installed"
    assert overall_exit_code(results) == 3


def test_human_report_names_file_and_place(built: Path, tmp_path: Path, exporter_cli) -> None:
    copy_set(built, tmp_path, "torture-every-block")
    html = tmp_path / "torture-every-block.html"
    html.write_text(html.read_text(encoding="utf-8").replace("<html lang=\"en\">", "<html>", 1), encoding="utf-8")
    result = exporter_cli("check", html)
    assert result.returncode == 1
    assert f"{html}: structure: torture-every-block.html: <html> has no lang attribute" in result.stdout


def test_figure_alt_removed_from_a_pdf(built: Path, tmp_path: Path, exporter_cli) -> None:
    import pikepdf

    files = copy_set(built, tmp_path, "torture-every-block")
    pdf_path = tmp_path / "torture-every-block.pdf"
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        figures = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"]
        assert figures
        del figures[0]["/Alt"]
        pdf.save(pdf_path)
    result = exporter_cli("check", files[1], pdf_path, "--json")
    report = json.loads(result.stdout)
    by_check = {r["check"]: r for r in report["results"] if r["file"].endswith(".pdf")}
    assert any("figure 1 on page" in f and "has no /Alt" in f for f in by_check["structure"]["findings"])
    assert by_check["page-validation PDF/UA-1"]["status"] == "failed"
    assert any("figure 1: alt is None" in f for f in by_check["consistency"]["findings"])
    assert result.returncode == 1


def test_margin_artifact_turned_into_untagged_content(built: Path, tmp_path: Path, exporter_cli) -> None:
    import pikepdf

    copy_set(built, tmp_path, "torture-every-block")
    pdf_path = tmp_path / "torture-every-block.pdf"
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        data = page.Contents.read_bytes()
        assert b"/Artifact <</Type /Pagination>> BDC" in data
        page.Contents.write(data.replace(b"/Artifact <</Type /Pagination>> BDC", b"/Span BMC"))
        pdf.save(pdf_path)
    result = exporter_cli("check", pdf_path, "--json")
    report = json.loads(result.stdout)
    structure = next(r for r in report["results"] if r["check"] == "structure")
    assert any("page 1: content neither tagged nor an artifact" in f for f in structure["findings"])
    assert result.returncode == 1


def test_descr_removed_from_a_docx(built: Path, tmp_path: Path, exporter_cli) -> None:
    files = copy_set(built, tmp_path, "torture-every-block")
    docx_path = tmp_path / "torture-every-block.docx"
    alt = "Portrait of a smiling woman with short hair wearing an orange pressure suit"
    rewrite_zip_member(docx_path, "word/document.xml",
                       lambda text: text.replace(f'descr="{alt}', 'data-gone="', 1))
    result = exporter_cli("check", files[1], docx_path, "--json")
    report = json.loads(result.stdout)
    by_check = {r["check"]: r for r in report["results"] if r["file"].endswith(".docx")}
    assert any("DOCX-ALT-MISSING" in f for f in by_check["DOCX rules"]["findings"])
    assert result.returncode == 1

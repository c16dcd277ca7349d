"""`exporter check` end to end (slow: EPUBCheck, Ace, Chromium): every sample passes every validator from any
working directory; damage in one format is named, with the right format blamed; the JSON report follows its
documented schema."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from exporter.checks import epub_validators
from exporter.checks.codes import is_known
from exporter.checks.report import overall_exit_code
from exporter.checks.run import check_files
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

ALL_FORMATS = "html,epub,pdf,docx"
SAMPLE_STEMS = [path.stem for path in sorted(SAMPLES.glob("*.md"))] + ["press-packet"]
TORTURE = SAMPLES / "torture-every-block.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory, exporter_cli) -> Path:
    out = tmp_path_factory.mktemp("check")
    sources = [*sorted(SAMPLES.glob("*.md")), SAMPLES / "press-packet.yaml"]
    result = exporter_cli("build", *sources, "--to", ALL_FORMATS, "--out", out, timeout=900)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def report_schema(exporter_cli) -> dict:
    import jsonschema

    result = exporter_cli("schema", "--check")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


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


def run_check(exporter_cli, schema: dict, *args, cwd: Path | None = None) -> tuple[int, dict]:
    """`exporter check ARGS --json`; the report must follow the published schema and use known codes only."""
    import jsonschema

    result = exporter_cli("check", *args, "--json", cwd=cwd, timeout=900)
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, schema)
    unknown = {f["code"] for r in report["results"] for f in r["findings"] if not is_known(f["code"])}
    assert not unknown, unknown
    assert report["exit_code"] == result.returncode
    return result.returncode, report


def findings(report: dict, suffix: str, check: str) -> list[dict]:
    return [f for r in report["results"] if r["file"].endswith(suffix) and r["check"].startswith(check)
            for f in r["findings"]]


def test_every_sample_and_the_packet_pass_every_check(built, exporter_cli, report_schema):
    files = [path for stem in SAMPLE_STEMS for path in outputs(built, stem)]
    code, report = run_check(exporter_cli, report_schema, *files)
    failing = [r for r in report["results"] if r["status"] != "passed"]
    assert code == 0 and not failing, failing
    checks = {(r["format"], r["check"].split()[0]) for r in report["results"]}
    for expected in [("HTML", "axe-core"), ("HTML", "structure"), ("HTML", "alt"), ("EPUB", "EPUBCheck"),
                     ("EPUB", "DAISY"), ("EPUB", "structure"), ("EPUB", "alt"), ("DOCX", "DOCX"),
                     ("PDF", "page-validation"), ("PDF", "structure"), ("PDF", "alt")]:
        assert expected in checks, expected
    assert sum(1 for r in report["results"] if r["check"] == "consistency") == 4 * len(SAMPLE_STEMS)


def test_every_format_checks_the_same_from_another_folder_with_spaces_and_accents(tmp_path, exporter_cli,
                                                                                    report_schema):
    """Relative paths, spaces and non-ASCII in names, run from another folder (DAISY Ace "crashed" on relative
    paths: it runs in a folder of its own)."""
    source_folder = tmp_path / "sources é"
    source_folder.mkdir()
    shutil.copytree(SAMPLES / "images", source_folder / "images")
    source = shutil.copy(TORTURE, source_folder / "Übung mit Leerzeichen.md")
    out = tmp_path / "out dir ü"
    result = exporter_cli("build", source, "--to", ALL_FORMATS, "--out", out, timeout=600)
    assert result.returncode == 0, result.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    names = [Path("..") / out.name / f"Übung mit Leerzeichen.{fmt}" for fmt in ALL_FORMATS.split(",")]
    code, report = run_check(exporter_cli, report_schema, *names, cwd=elsewhere)
    assert code == 0, [r for r in report["results"] if r["status"] != "passed"]
    assert {r["status"] for r in report["results"]} == {"passed"}
    checks = {r["check"].split()[0] for r in report["results"]}
    assert {"EPUBCheck", "DAISY", "axe-core", "page-validation", "DOCX", "consistency"} <= checks


def test_against_the_source(built, exporter_cli, report_schema):
    code, report = run_check(exporter_cli, report_schema, *outputs(built, "torture-every-block", "html,docx"),
                             "--against", TORTURE)
    assert code == 0, report
    consistency = [r for r in report["results"] if r["check"] == "consistency"]
    assert len(consistency) == 2 and all(r["status"] == "passed" for r in consistency)


def test_a_credit_changed_in_one_format_is_blamed_on_that_format_only(built, tmp_path, exporter_cli,
                                                                        report_schema):
    # Three formats are enough to outvote one (the EPUB's own validators are the slowest, and not what is tested).
    files = [path for path in copy_set(built, tmp_path, "torture-every-block") if path.suffix != ".epub"]
    html = tmp_path / "torture-every-block.html"
    html.write_text(html.read_text(encoding="utf-8").replace("</span> NASA</span>", "</span> Someone Else</span>", 1),
                    encoding="utf-8")
    code, report = run_check(exporter_cli, report_schema, *files)
    assert code == 1
    [finding] = findings(report, ".html", "consistency")
    assert finding["message"] == "HTML: figure 1: credit is 'Someone Else', PDF and DOCX have 'NASA'"
    assert (finding["code"], finding["format"], finding["figure"], finding["field"]) == (
        "FACT-DIFFERS", "HTML", 1, "credit")
    assert [f for suffix in (".pdf", ".docx") for f in findings(report, suffix, "consistency")] == []


def test_virin_dropped_from_an_epub_caption(built, tmp_path, exporter_cli, report_schema):
    copy_set(built, tmp_path, "torture-every-block")
    epub = tmp_path / "torture-every-block.epub"
    rewrite_zip_member(epub, "EPUB/article.xhtml",
                       lambda text: text.replace('<span class="label">VIRIN:</span> 950101-O-AB123-001', ""))
    code, report = run_check(exporter_cli, report_schema, epub, "--against", TORTURE)
    assert code == 1
    messages = [f["message"] for f in findings(report, ".epub", "consistency")]
    assert "EPUB: figure 1: virin is None, source has '950101-O-AB123-001'" in messages


def test_img_alt_emptied_in_an_epub(built, tmp_path, exporter_cli, report_schema):
    copy_set(built, tmp_path, "torture-every-block")
    epub = tmp_path / "torture-every-block.epub"
    alt = "Portrait of a smiling woman with short hair wearing an orange pressure suit, with a United States flag"
    rewrite_zip_member(epub, "EPUB/article.xhtml", lambda text: text.replace(f'alt="{alt}', 'alt="" data-x="', 1))
    code, report = run_check(exporter_cli, report_schema, epub, "--against", TORTURE)
    # Ace takes alt="" for a decorative image; our structure check knows the figure is not decorative.
    structure = findings(report, ".epub", "structure")
    assert any(f["code"] == "EPUB-IMG-ALT-EMPTY" and f["figure"] == 1 for f in structure), structure
    assert any(f["field"] == "alt" and f["figure"] == 1 for f in findings(report, ".epub", "consistency"))
    assert code == 1


def test_official_notice_added_to_a_non_gov_article(built, tmp_path, exporter_cli, report_schema):
    files = copy_set(built, tmp_path, "community-newsletter")
    html = tmp_path / "community-newsletter.html"
    fake = ('<p class="notice">This article was published on www.example.org, an official website of the United '
            'States government.</p>\n<dl class="source-facts">')
    html.write_text(html.read_text(encoding="utf-8").replace('<dl class="source-facts">', fake, 1), encoding="utf-8")
    code, report = run_check(exporter_cli, report_schema, files[0], files[3], "--against",
                             SAMPLES / "community-newsletter.md")
    messages = [f["message"] for f in findings(report, ".html", "consistency")]
    assert "HTML: official notice is True, source has False" in messages
    assert code == 1


def test_unreadable_file_exits_2(tmp_path, exporter_cli, report_schema):
    fake = tmp_path / "broken.epub"
    fake.write_bytes(b"not a zip at all")
    code, report = run_check(exporter_cli, report_schema, fake)
    assert code == 2
    assert report["results"][0]["status"] == "unreadable"


def test_a_validator_that_cannot_run_is_incomplete_not_passed(built, monkeypatch):
    monkeypatch.setattr(epub_validators, "find_ace", lambda: None)
    results = check_files([built / "community-newsletter.epub"])
    ace = [r for r in results if r.check.startswith("DAISY") or "Ace" in r.check]
    assert ace and ace[0].status == "not_installed"
    assert overall_exit_code(results) == 3


def test_human_report_names_file_check_code_and_place(built, tmp_path, exporter_cli):
    copy_set(built, tmp_path, "torture-every-block")
    html = tmp_path / "torture-every-block.html"
    html.write_text(html.read_text(encoding="utf-8").replace("<html lang=\"en\">", "<html>", 1), encoding="utf-8")
    result = exporter_cli("check", html)
    assert result.returncode == 1
    assert f"{html}: structure: HTML-LANG: torture-every-block.html: <html> has no lang attribute" in result.stdout


def test_figure_alt_removed_from_a_pdf(built, tmp_path, exporter_cli, report_schema):
    import pikepdf

    files = copy_set(built, tmp_path, "torture-every-block")
    pdf_path = tmp_path / "torture-every-block.pdf"
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        figures = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"]
        del figures[0]["/Alt"]
        pdf.save(pdf_path)
    code, report = run_check(exporter_cli, report_schema, files[3], pdf_path, "--against", TORTURE)
    assert any(f["code"] == "PDF-FIGURE-ALT" and f["figure"] == 1 and f["page"]
               for f in findings(report, ".pdf", "structure"))
    assert any(f["code"].startswith("PAGEVAL-") for f in findings(report, ".pdf", "page-validation"))
    assert any(f["field"] == "alt" and f["figure"] == 1 for f in findings(report, ".pdf", "consistency"))
    assert code == 1


def test_descr_removed_from_a_docx(built, tmp_path, exporter_cli, report_schema):
    files = copy_set(built, tmp_path, "torture-every-block")
    docx_path = tmp_path / "torture-every-block.docx"
    alt = "Portrait of a smiling woman with short hair wearing an orange pressure suit"
    rewrite_zip_member(docx_path, "word/document.xml", lambda text: text.replace(f'descr="{alt}', 'data-gone="', 1))
    code, report = run_check(exporter_cli, report_schema, files[2], docx_path)
    rules = findings(report, ".docx", "DOCX rules")
    assert any(f["code"] == "DOCX-ALT-MISSING" and f["figure"] == 1 and f["field"] == "alt" for f in rules)
    assert code == 1


def test_a_folder_stands_for_the_outputs_in_it_and_a_pages_images_folder_goes_with_its_page(tmp_path):
    from exporter.checks.run import files_in_folders, unreadable_reason

    for name in ("page.html", "page.pdf", "notes.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "photo.png").write_bytes(b"x")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert files_in_folders([tmp_path]) == [tmp_path / "page.html", tmp_path / "page.pdf"]
    # `exporter check out/*`: the images folder beside its page is no file to check, nor a problem.
    assert files_in_folders(sorted(tmp_path.iterdir())) == [
        empty, tmp_path / "notes.txt", tmp_path / "page.html", tmp_path / "page.pdf"
    ]
    assert unreadable_reason(empty) == "a folder with no PDF, EPUB, DOCX or HTML file in it"
    # Named alone, the images folder is no output to check: said, not passed over.
    assert files_in_folders([tmp_path / "page_files"]) == [tmp_path / "page_files"]
    assert unreadable_reason(tmp_path / "page_files") == "a folder with no PDF, EPUB, DOCX or HTML file in it"

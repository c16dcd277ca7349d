"""EPUBCheck (with usage messages) and DAISY Ace on every sample, in one batch, plus a broken control book
that both must reject. A validator that is not installed fails these tests: it is never a pass."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from exporter.checks import epub_validators
from exporter.checks.epub_validators import (
    ValidatorResult,
    exit_code,
    run_ace,
    run_epubcheck,
    validate_epubs,
)
from exporter.errors import ExitCode
from exporter.writers.epub.package import repack
from tests.conftest import SAMPLE_ARTICLES
from tests.epub.conftest import Book

CONTROL = "broken-control"


def broken_copy(book: Book, target: Path) -> Path:
    """The torture book with faults each validator must see: an img without alt and without its a11y
    metadata (Ace), a link to a file that is not in the container (EPUBCheck RSC-007)."""
    source = zipfile.ZipFile(io.BytesIO(book.data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("article.xhtml"):
                text = data.decode()
                text = re.sub(r'(<img [^>]*?)alt="[^"]*"', r"\1", text, count=1)
                text = text.replace("</article>", '<p><a href="missing.xhtml">Missing page</a></p></article>')
                data = text.encode()
            elif info.filename.endswith(".opf"):
                data = re.sub(rb'\s*<meta property="schema:accessMode">[^<]*</meta>', b"", data)
            out.writestr(info.filename, data)
    target.write_bytes(repack(buffer.getvalue(), datetime(2024, 1, 1)))
    return target


@pytest.fixture(scope="session")
def validation(
    sample_books, certified_torture_book, spanish_book, tmp_path_factory
) -> dict[str, list[ValidatorResult]]:
    control_path = tmp_path_factory.mktemp("epub-control") / "broken.epub"
    control = broken_copy(sample_books["torture-every-block"], control_path)
    paths = {stem: book.path for stem, book in sample_books.items()}
    paths["torture-certified-fonts"] = certified_torture_book.path
    paths["spanish-gov"] = spanish_book.path
    paths[CONTROL] = control
    results = validate_epubs(list(paths.values()))
    return {name: results[path] for name, path in paths.items()}


BOOKS = [p.stem for p in SAMPLE_ARTICLES] + ["torture-certified-fonts", "spanish-gov"]


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOKS)
def test_epubcheck_passes_with_no_fatal_error_or_warning(validation, name):
    (result,) = [r for r in validation[name] if r.validator == "EPUBCheck"]
    assert result.ran, result.summary()
    assert result.version and result.version.startswith("5."), result.version
    assert result.passed, result.summary()


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOKS)
def test_ace_reports_no_violation(validation, name):
    (result,) = [r for r in validation[name] if r.validator == "DAISY Ace"]
    assert result.ran, result.summary()
    assert result.version == "1.4.6"
    assert result.passed, result.summary()


@pytest.mark.slow
def test_both_validators_reject_the_broken_control(validation):
    epubcheck, ace = validation[CONTROL]
    assert epubcheck.status == "failed", epubcheck.summary()
    assert any("RSC-007" in finding for finding in epubcheck.findings), epubcheck.findings
    assert ace.status == "failed", ace.summary()
    assert any("image-alt" in finding for finding in ace.findings), ace.findings
    assert any("metadata-accessmode" in finding for finding in ace.findings), ace.findings


def test_a_missing_validator_is_reported_as_not_installed(monkeypatch, tmp_path):
    epub = tmp_path / "any.epub"
    epub.write_bytes(b"not checked")
    monkeypatch.setattr(epub_validators, "find_epubcheck", lambda: None)
    monkeypatch.setattr(epub_validators, "find_ace", lambda: None)
    for result in (run_epubcheck(epub), run_ace(epub)):
        assert result.status == "not_installed"
        assert not result.passed and not result.ran
        assert "NOT validated" in result.summary()


def test_a_validator_without_a_report_is_reported_as_crashed(monkeypatch, tmp_path):
    epub = tmp_path / "any.epub"
    epub.write_bytes(b"not checked")
    fake = tmp_path / "fake-ace"
    fake.write_text("#!/bin/sh\necho 'boom' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(epub_validators, "find_ace", lambda: fake)
    monkeypatch.setattr(epub_validators, "find_chromium", lambda: "/bin/true")
    result = run_ace(epub)
    assert result.status == "crashed" and not result.passed
    assert "boom" in result.reason


def test_ace_stopped_by_a_slow_browser_start_is_run_again(monkeypatch, tmp_path):
    """Ace gives Chromium 5 s to start and stops without a report when it takes longer (a busy machine): the next
    attempt's report counts; one that never comes is still "crashed", never a pass."""
    epub = tmp_path / "any.epub"
    epub.write_bytes(b"not checked")
    attempts = tmp_path / "attempts"
    fake = tmp_path / "fake-ace"
    fake.write_text(
        "#!/bin/sh\n"
        f"echo x >> {attempts}\n"
        f'[ "$(wc -l < {attempts})" -lt 2 ] && {{ echo "Timed out after 5000 ms" >&2; exit 1; }}\n'
        'out=$4; mkdir -p "$out"\n'
        'echo \'{"earl:result": {"earl:outcome": "pass"}, "assertions": []}\' > "$out/report.json"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr(epub_validators, "find_ace", lambda: fake)
    monkeypatch.setattr(epub_validators, "find_chromium", lambda: "/bin/true")
    monkeypatch.setattr(epub_validators, "ace_version", lambda ace: "1.4.6")
    assert run_ace(epub).status == "passed"
    assert attempts.read_text().count("x") == 2


def test_exit_codes_never_turn_a_missing_validator_into_a_pass(tmp_path):
    def result(status: str) -> ValidatorResult:
        return ValidatorResult("X", tmp_path / "b.epub", status)

    assert exit_code([result("passed"), result("passed")]) == ExitCode.OK
    assert exit_code([result("passed"), result("failed")]) == ExitCode.CHECK_FAILED
    assert exit_code([result("failed"), result("not_installed")]) == ExitCode.INCOMPLETE
    assert exit_code([result("passed"), result("crashed")]) == ExitCode.INCOMPLETE

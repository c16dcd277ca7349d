"""Every archive the check opens (EPUB, DOCX) is read with the importers' limits, before any validator sees it:
a ZIP bomb is refused in one line (exit 2), and neither EPUBCheck nor Ace is started on it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from exporter.checks import epub_validators
from exporter.checks.report import overall_exit_code
from exporter.checks.run import check_files
from exporter.errors import ExitCode
from exporter.readers.docx.package import MAX_ENTRIES, MAX_TOTAL_BYTES


def package(path: Path, members: dict[str, bytes], declared: dict[str, int] | None = None) -> Path:
    """A ZIP with these members; `declared` forges the uncompressed size the central directory gives."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        for name, data in members.items():
            archive.writestr(name, data)
        for name, size in (declared or {}).items():
            archive.getinfo(name).file_size = size  # written into the central directory on close
    return path


BOMBS = {
    "compression ratio": lambda path: package(path, {"EPUB/bomb.xhtml": bytes(4 * 1024 * 1024)}),
    "entry count": lambda path: package(path, {f"EPUB/{n}.txt": b"x" for n in range(MAX_ENTRIES + 1)}),
    "declared size": lambda path: package(path, {"EPUB/big.xhtml": b"<p/>"}, {"EPUB/big.xhtml": MAX_TOTAL_BYTES + 1}),
    "more than declared": lambda path: package(path, {"EPUB/part.xhtml": b"<p>" + b"a" * 200_000 + b"</p>"},
                                               {"EPUB/part.xhtml": 1000}),
}
REFUSALS = {
    "compression ratio": "compresses",
    "entry count": "entries",
    "declared size": "declares",
    "more than declared": "'EPUB/part.xhtml'",  # read no further than declared: its checksum then fails
}


@pytest.fixture
def no_validators(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a validator was started on a refused package")

    monkeypatch.setattr(epub_validators, "validate_epubs", refuse)


@pytest.mark.parametrize("bomb", BOMBS)
@pytest.mark.parametrize("suffix", [".epub", ".docx"])
def test_a_zip_bomb_is_refused_in_one_line_before_any_validator(tmp_path, no_validators, bomb, suffix):
    path = tmp_path / f"book{suffix}"
    BOMBS[bomb](path)
    results = check_files([path])
    assert [(r.check, r.status) for r in results] == [("read", "unreadable")]
    assert overall_exit_code(results) == ExitCode.BAD_INPUT
    reason = results[0].reason
    assert reason.startswith("refused:") and REFUSALS[bomb] in reason and "\n" not in reason


def test_the_cli_prints_the_refusal_and_exits_2(tmp_path, exporter_cli):
    path = BOMBS["compression ratio"](tmp_path / "bomb.epub")
    result = exporter_cli("check", path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if "UNREADABLE: refused" in line]
    assert "zip bomb" in line

"""Importers feed the shared alt-text rules: poor alt text from a page or a capture is reported by `exporter
import` and `exporter build`, naming the figure; with --strict it is an error (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_exporter
from tests.importers.conftest import PAGES

NOAA = PAGES / "noaa_go-goes-s.html"

CAPTURE = """Training Day

Soldiers trained at the range today.

picture
Range Day
Soldiers fire their rifles at the range, March 3, 2023.
Photo by: Sgt. Jane Doe | VIRIN: 230303-A-AB123-1001.JPG

Soldiers fire their rifles at the range, March 3, 2023.
Second Look
Soldiers fire their rifles at the range, March 3, 2023.
Photo by: Sgt. Jane Doe | VIRIN: 230303-A-AB123-1002.JPG
"""


def test_noaa_generic_alt_text_is_reported_on_import_and_build(tmp_path: Path) -> None:
    imported = run_exporter("import", NOAA, "-o", tmp_path / "goes.md")
    assert imported.returncode == 0, imported.stderr
    assert "alt text does not describe the picture: 'Image at NESDIS'" in imported.stderr
    assert "figure 1 (" in imported.stderr  # the warning names the figure
    built = run_exporter("build", NOAA, "--to", "html", "--alt-from-caption", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "'Image at NESDIS'" in built.stderr


def test_strict_makes_poor_alt_text_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    built = run_exporter("build", NOAA, "--to", "html", "--alt-from-caption", "--strict", "--out", out)
    assert built.returncode == 2
    assert "'Image at NESDIS'" in built.stderr
    assert not (out / f"{NOAA.stem}.html").exists()


def test_capture_alt_text_that_names_nothing_or_repeats_the_caption(tmp_path: Path) -> None:
    source = tmp_path / "range.txt"
    source.write_text(CAPTURE, encoding="utf-8")
    result = run_exporter("import", source, "-o", tmp_path / "range.md")
    assert result.returncode == 0, result.stderr
    assert "figure 1 (Range Day): alt text does not describe the picture: 'picture'" in result.stderr
    assert "figure 2 (Second Look): alt text only repeats the caption" in result.stderr
    strict = run_exporter("import", source, "-o", tmp_path / "strict.md", "--strict")
    assert strict.returncode == 2 and not (tmp_path / "strict.md").exists()

"""Scripts the bundled fonts lack (issue 19): the PDF takes them from installed fonts, and names the script and
the Debian package when no installed font has them either."""

from __future__ import annotations

import pytest

from exporter.model import Article
from exporter.writers.pdf import coverage


def article(text: str) -> Article:
    return Article.model_validate(
        {"title": "Scripts", "language": "en",
         "body": [{"type": "paragraph", "children": [{"type": "text", "text": text}]}]}
    )


def test_greek_and_cyrillic_are_bundled():
    assert coverage.uncovered_characters(article("Київ Αθήνα Ἀθῆναι")) == []


def test_a_script_no_font_has_is_named_with_its_debian_package(monkeypatch):
    monkeypatch.setattr(coverage, "installed_font_has", lambda character: False)
    missing = coverage.missing_scripts(article("中文 and മലയാളം"))
    assert [(m.script, m.package) for m in missing] == [("Han", "fonts-noto-cjk"), ("Malayalam", "fonts-noto-core")]
    assert missing[0].characters == ("中", "文")
    assert "install the Debian package fonts-noto-cjk" in missing[0].describe()
    assert "U+4E2D" in missing[0].describe()


def test_an_installed_font_stands_in_for_what_the_bundled_fonts_lack():
    """Armenian is in DejaVu Sans (fonts-dejavu-core, which scripts/setup installs), not in the bundled fonts."""
    armenian = article("Երևան")
    assert coverage.uncovered_characters(armenian)
    if not coverage.installed_font_has("Ե"):
        pytest.fail("no installed font has Armenian: is fonts-dejavu-core installed (scripts/setup)?")
    assert coverage.missing_scripts(armenian) == []


def test_chinese_japanese_and_korean_come_from_the_font_setup_installs():
    """Found probing unseen files: a Word draft with Han characters failed PDF/UA-1 (.notdef glyphs) on a machine
    set up as the README says. scripts/setup installs WenQuanYi Micro Hei (fonts-wqy-microhei) for them."""
    text = article("中文 日本語のかな 한국어")
    assert coverage.uncovered_characters(text)
    if not coverage.installed_font_has("中"):
        pytest.fail("no installed font has Han characters: is fonts-wqy-microhei installed (scripts/setup)?")
    assert coverage.missing_scripts(text) == []


def test_the_ranges_taken_as_covered_are_in_every_bundled_text_face():
    """uncovered_characters skips the fonts' character maps for these ranges: each visible, assigned code point
    in them must be drawn by the bundled fonts."""
    import unicodedata

    covered = coverage.bundled_code_points()
    claimed = [
        code_point
        for low, high in coverage.ALWAYS_COVERED
        for code_point in range(low, high + 1)
        if unicodedata.category(chr(code_point)) not in {*coverage.INVISIBLE, "Cn", "Cs", "Co"}
    ]
    assert len(claimed) > 800
    assert [hex(c) for c in claimed if c not in covered] == []


def test_a_latin_document_never_reads_the_fonts(monkeypatch):
    monkeypatch.setattr(coverage, "bundled_code_points", lambda: pytest.fail("the character maps were read"))
    assert coverage.uncovered_characters(article("Café – “naïve” façade, 5 € ™ Ångström")) == []

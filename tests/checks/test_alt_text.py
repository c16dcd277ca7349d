"""One alt-text rule set for every format: alt text that repeats the caption, names a file, is a generic word
or is too long fails in the PDF, the EPUB and the HTML as it does in the DOCX, with a code per format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exporter.checks import epub_format, html_format, pdf_format
from exporter.checks.alt_check import alt_text_result
from exporter.checks.codes import ALT_TEXT_RULES
from exporter.checks.docx_rules import check_docx
from tests.checks.conftest import build
from tests.conftest import SAMPLES

CAPTION = "Eileen Collins in her launch and entry suit before a shuttle flight"
CASES = {
    "ALT-CAPTION": CAPTION,
    "ALT-FILENAME": "IMG_2041.JPG",
    "ALT-GENERIC": "photo",
    "ALT-LONG": "A portrait of the astronaut " + "in her orange pressure suit, smiling, " * 8,
}
READERS = {"PDF": pdf_format.facts, "EPUB": epub_format.facts, "HTML": html_format.facts}


def article(alts: list[str]) -> str:
    figures = "\n\n".join(
        f'![{CAPTION} (figure {number})](images/nasa-eileen-collins.png "Portrait {number}"){{alt="{alt}" '
        f'credit="NASA"}}' for number, alt in enumerate(alts, start=1)
    )
    return f"---\ntitle: Alt Text Rules\nlanguage: en\n---\n\nOpening paragraph.\n\n{figures}\n"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("alt")
    shutil.copytree(SAMPLES / "images", folder / "images")
    source = folder / "alt-rules.md"
    alts = [f"{CAPTION} (figure 1)", *list(CASES.values())[1:]]  # the first alt text is its caption
    source.write_text(article(alts), encoding="utf-8")
    return build(source, folder / "out")


@pytest.mark.parametrize("fmt", READERS)
def test_each_rule_fails_in_every_format_with_its_own_code(outputs, fmt):
    path = outputs[fmt.lower()]
    result = alt_text_result(path, fmt, READERS[fmt](path))
    assert result.status == "failed"
    assert [(f.figure, f.code, f.field) for f in result.findings] == [
        (number, f"{fmt}-{code}", "alt") for number, code in enumerate(CASES, start=1)
    ]


def test_the_docx_rules_give_the_same_verdicts(outputs):
    found = [(f.figure, f.rule) for f in check_docx(outputs["docx"]) if f.rule.startswith("DOCX-ALT-")]
    assert found == [(number, f"DOCX-{code}") for number, code in enumerate(CASES, start=1)]


def test_good_alt_text_passes_everywhere(torture):
    for fmt, read in READERS.items():
        path = torture[fmt.lower()]
        assert alt_text_result(path, fmt, read(path)).findings == []


def test_every_code_of_the_rule_set_is_documented():
    from exporter.alt_text import review

    produced = {problem.code for text in CASES.values() for problem in review(text, CAPTION)}
    assert produced == set(ALT_TEXT_RULES)

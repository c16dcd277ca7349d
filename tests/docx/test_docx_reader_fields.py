"""Word constructs on which pandoc's own reading is wrong or partial, so they stay out of the measured corpus
(tests/docx/corpus, where pandoc's reading is the reference), or which its text measure cannot see: fields nested
in another field's instruction, legacy form fields, a table of contents outside a content control, a footnote on
the title, the language of right-to-left and East Asian runs and of a draft written right to left. pandoc writes
each draft from `drafts/` (raw WordprocessingML where Markdown has no word for it) when the tests run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from exporter.model import Heading, Paragraph, Span, inline_lists, plain_text, walk_inlines
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_document
from tests.docx.corpus.build import pandoc_binary

DRAFTS = Path(__file__).resolve().parent / "drafts"


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, ReadResult]:
    folder = tmp_path_factory.mktemp("drafts")
    read = {}
    for source in sorted(DRAFTS.glob("*.md")):
        target = folder / f"{source.stem}.docx"
        subprocess.run([pandoc_binary(), str(source), "-o", str(target)], check=True, capture_output=True)
        read[source.stem] = read_document(target, BuildOptions())
    return read


def texts(result: ReadResult) -> list[str]:
    return [plain_text(block.children) for block in result.document.body if isinstance(block, Paragraph | Heading)]


def test_a_field_nested_in_another_fields_instruction_shows_only_the_outer_result(drafts):
    """IF { MERGEFIELD Rank } = "Admiral" ...: Word shows the IF field's result, not the merge field's (pandoc
    shows both: "«Rank»Dear Sailor")."""
    assert "Greeting: Dear Sailor, welcome aboard." in texts(drafts["fields-nested"])


def test_legacy_form_fields_show_what_word_draws(drafts):
    """A check box's box, checked or not, and a drop-down's chosen entry (pandoc shows neither)."""
    assert {"\u2612 I agree to the terms.", "\u2610 Subscribe to updates.", "Rank: Lieutenant chosen."} <= set(
        texts(drafts["form-fields"]))


def test_a_table_of_contents_outside_a_content_control_is_left_out_once(drafts):
    """Its heading (TOC Heading, based on Heading 1) is no title, and its entries (TOC 1-3) no text."""
    result = drafts["toc-field"]
    assert result.document.title != "Contents"
    assert not any("Contents" in text or "Overview 3" in text for text in texts(result))
    assert [message.split(": ", 1)[1] for message in result.warnings if "table(s) of contents" in message] == [
        "1 table(s) of contents left out: they list the headings, which are kept"]


def test_a_footnote_on_the_title_is_reported(drafts):
    result = drafts["footnotes-rich"]
    assert result.document.title == "Footnotes with structure"
    assert any("1 footnote(s) on the title left out" in message for message in result.warnings)


def spans(result: ReadResult) -> list[tuple[str, str]]:
    return [(node.lang, plain_text(node.children)) for inlines in inline_lists(result.document.body)
            for node in walk_inlines(inlines) if isinstance(node, Span)]


def test_right_to_left_and_east_asian_runs_keep_their_language(drafts):
    """Word sets a right-to-left run in its complex-script language (w:lang/@w:bidi; without one, the defaults',
    here pandoc's ar-SA, for Arabic-script text) and East Asian text in its East Asian one (@w:eastAsia), not in
    w:lang/@w:val. Latin text and Arabic-Indic digits marked right-to-left keep the paragraph's language."""
    assert [(language, text[:4]) for language, text in spans(drafts["scripts"])] == [
        ("ar-SA", "هذه "), ("he", "זוהי"), ("ar-SA", "كلما"), ("ar-SA", " حام"), ("ja", "日本語の"), ("zh", "中文段落"),
        ("ko", "한국어 ")]


def test_a_draft_written_right_to_left_is_in_its_right_to_left_language(drafts):
    """pandoc (as Word) keeps English as the default language of an Arabic draft and marks its text right-to-left,
    in the default complex-script language: most of the text is Arabic, so the article is; the English phrase in
    it is the span."""
    result = drafts["right-to-left"]
    assert result.document.language == "ar"
    assert spans(result) == [("en", "Operation Inherent Resolve")]


def test_a_right_to_left_word_takes_the_default_complex_script_language_only_in_its_script(drafts):
    """An English draft's Arabic and Hebrew words, marked right-to-left without a language: the defaults' ar-SA
    names the Arabic one; Hebrew is no Arabic, so it keeps the paragraph's language."""
    result = drafts["right-to-left-words"]
    assert result.document.language == "en"
    assert spans(result) == [("ar-SA", "سلام")]

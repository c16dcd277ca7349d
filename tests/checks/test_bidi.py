"""Right-to-left text drawn in visual order, read back in reading order (exporter/checks/bidi.py), as text
extractors do: the PDF checks compare what a PDF shows with its source through it."""

from __future__ import annotations

import pytest

from exporter.checks.bidi import reading_order


@pytest.mark.parametrize(
    ("drawn", "read"),
    [
        ("هريظنب يقتلي عافدلا ريزو", "وزير الدفاع يلتقي بنظيره"),  # a line drawn right to left, turned whole
        (".)NATO( 2024 ماع يف", "في عام 2024 (NATO)."),  # a Latin word and a number inside keep their order
        (" انه رهظي English text نأ", "أن English text يظهر هنا "),
        ("םולש", "שלום"),
        ("Eileen Collins (1956)", "Eileen Collins (1956)"),  # left-to-right text is left alone
    ],
)
def test_a_right_to_left_line_is_turned_and_its_left_to_right_runs_turned_back(drawn, read):
    assert reading_order(list(drawn), "rtl") == read


@pytest.mark.parametrize(
    ("drawn", "read"),
    [
        ("The word مالس means peace.", "The word سلام means peace."),
        ("Says مكيلع مالسلا twice", "Says السلام عليكم twice"),  # two words: the stretch is turned whole
        ("In 2024 םולש said", "In 2024 שלום said"),
        ("Eileen Collins (1956)", "Eileen Collins (1956)"),
    ],
)
def test_a_left_to_right_line_turns_only_its_right_to_left_words(drawn, read):
    assert reading_order(list(drawn), "ltr") == read


def test_a_ligature_is_turned_as_one_glyph():
    """Arabic lam-alef is one glyph for two letters; its ToUnicode entry gives them in reading order ("لا")."""
    drawn = ["م", "لا", "س"]  # سلام, drawn left to right
    assert reading_order(drawn, "rtl") == "سلام"
    assert reading_order(drawn, "ltr") == "سلام"

"""The shared alt-text rule set: each rule fires on what it names and stays quiet on real descriptions."""

from __future__ import annotations

import pytest

from exporter.alt_text import MAX_ALT_LENGTH, review


def codes(alt: str, caption: str = "") -> set[str]:
    return {problem.code for problem in review(alt, caption)}


@pytest.mark.parametrize(
    "alt",
    ["IMG_2041.JPG", "DSC01234", "230214-D-TT977-0483.jpg", "photo 12", "hubble deep field.png", "PXL_20230101"],
)
def test_file_names_are_reported(alt: str) -> None:
    assert codes(alt) == {"ALT-FILENAME"}


@pytest.mark.parametrize(
    "alt", ["image", "Photo", "a picture.", "Image at NESDIS", "photo courtesy of NASA", "Graphic by DOD", "Untitled"]
)
def test_generic_words_are_reported(alt: str) -> None:
    assert codes(alt) == {"ALT-GENERIC"}


@pytest.mark.parametrize(
    "alt",
    [
        "Secretary of Defense Lloyd J. Austin III speaks with NATO Secretary General Jens Stoltenberg at the Pentagon",
        "Photo of an astronaut in an orange launch suit waving from the crew access arm",
        "Image of the Hubble eXtreme Deep Field, thousands of galaxies on black",
        "A C-17 Globemaster III lands at dawn",
    ],
)
def test_descriptions_pass(alt: str) -> None:
    assert codes(alt, caption="An unrelated caption about a meeting in Brussels.") == set()


def test_alt_repeating_the_caption_or_a_sentence_of_it() -> None:
    caption = "Eileen Collins, the first woman to pilot the Space Shuttle. She later commanded STS-93."
    assert codes("Eileen Collins, the first woman to pilot the Space Shuttle", caption) == {"ALT-CAPTION"}
    assert codes(caption.upper(), caption) == {"ALT-CAPTION"}
    # Two shared words are not a repeat.
    assert codes("Eileen Collins", caption) == set()


def test_long_alt_text_is_reported_with_its_length() -> None:
    alt = "A very detailed description of the scene " * 8
    problems = review(alt)
    assert [problem.code for problem in problems] == ["ALT-LONG"]
    assert str(len(" ".join(alt.split()))) in problems[0].message
    assert codes("x" * MAX_ALT_LENGTH) == set()


@pytest.mark.parametrize(
    ("source", "input_format", "advice"),
    [("draft.docx", None, "add alt text in Word (right-click the picture, View Alt Text) or mark it decorative there"),
     ("story.md", None, "write what it shows in the brackets: ![what it shows](...)"),
     ("notes.txt", "markdown", "write what it shows in the brackets: ![what it shows](...)"),
     ("article.json", None, 'add alt="..."')],
)
def test_an_inline_image_without_alt_text_is_told_how_its_kind_of_source_gives_one(
    source: str, input_format: str | None, advice: str
) -> None:
    from pathlib import Path

    from exporter.errors import Warnings
    from exporter.model import InlineImage
    from exporter.options import BuildOptions
    from exporter.pipeline import check_inline_alt

    warnings = Warnings()
    check_inline_alt(InlineImage(image="image-1", alt=""), Path(source), BuildOptions(input_format=input_format),
                     warnings)
    assert len(warnings.messages) == 1
    assert warnings.messages[0].endswith(f"it is treated as decorative ({advice})")

"""The canonical model: validation of VIRINs, dates, languages, heading order; JSON round trip; schema."""

from __future__ import annotations

import itertools
import json
import string
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from exporter.language_tags import (
    RIGHT_TO_LEFT_LANGUAGES,
    RIGHT_TO_LEFT_SCRIPTS,
    TWO_LETTER_LANGUAGES,
    TWO_LETTER_REGIONS,
    is_valid_language_tag,
    text_direction,
)
from exporter.model import Article, Figure, is_virin, normalize_virin
from tests.strategies import ARTICLES


@pytest.mark.parametrize(
    "virin",
    [
        "230214-D-TT977-0483",
        "161112-D-SW162-143B",
        "110130-M-4471M-045",
        "191212-F-00000-002",
        "230214-D-TT977-0483.JPG",
        "200101-N-AB123-1001-GB",
    ],
)
def test_valid_virins(virin: str) -> None:
    assert is_virin(virin)
    figure = Figure(image="x.jpg", alt="a", virin=virin)
    assert figure.virin == normalize_virin(virin)
    assert not figure.virin.endswith(".JPG")


@pytest.mark.parametrize(
    "virin", ["230214-D-TT977", "2302140-D-TT977-0483", "230214-DD-TT977-0483", "photo.jpg", ""]
)
def test_invalid_virins_are_refused(virin: str) -> None:
    with pytest.raises(ValidationError, match="VIRIN"):
        Figure(image="x.jpg", alt="a", virin=virin)


@pytest.mark.parametrize(
    "value", ["2023-02-14", "2023-02-14T10:30:00", "2023-02-14T10:30:00Z", "2023-02-14T10:30:00+01:00"]
)
def test_iso_dates_accepted(value: str) -> None:
    assert Article(title="t", published=value).published == value


@pytest.mark.parametrize("value", ["14/02/2023", "Feb 14, 2023", "2023-13-01", "yesterday"])
def test_non_iso_dates_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="ISO 8601"):
        Article(title="t", published=value)


@pytest.mark.parametrize("tag", ["en", "en-US", "es-419", "uk", "el", "zh-Hant-TW", "sr-Latn"])
def test_bcp47_languages_accepted(tag: str) -> None:
    assert Article(title="t", language=tag).language == tag


@pytest.mark.parametrize("tag", ["english", "xx-invalid-tag-", "e", "en_US!"])
def test_bad_languages_refused(tag: str) -> None:
    with pytest.raises(ValidationError, match="language tag"):
        Article(title="t", language=tag)


@pytest.mark.parametrize("tag", ["xx", "en-AB", "en-", "-US", "EN", "en-us", "qaa", "en-419"])
def test_tags_beyond_the_two_letter_lists_are_judged_by_langcodes(tag: str) -> None:
    import langcodes

    expected = langcodes.tag_is_valid(tag) and langcodes.Language.get(tag).is_valid()
    assert is_valid_language_tag(tag) is expected


def test_two_letter_lists_are_langcodes_answers_for_every_pair_of_letters() -> None:
    import langcodes

    pairs = ["".join(pair) for pair in itertools.product(string.ascii_lowercase, repeat=2)]
    languages = {pair for pair in pairs if langcodes.tag_is_valid(pair)}
    regions = {pair.upper() for pair in pairs if langcodes.tag_is_valid(f"en-{pair.upper()}")}
    assert languages == TWO_LETTER_LANGUAGES
    assert regions == TWO_LETTER_REGIONS
    assert "en" in languages and "US" in regions and "xx" not in languages and "AB" not in regions

    def judged_by_langcodes(tag: str) -> bool:
        return langcodes.tag_is_valid(tag) and langcodes.Language.get(tag).is_valid()

    # The whole check, as langcodes makes it, agrees on the pairs too.
    for tag in [*languages, *(f"{language}-US" for language in languages), *(f"en-{r}" for r in regions)]:
        assert is_valid_language_tag(tag) is judged_by_langcodes(tag) is True, tag


def test_right_to_left_languages_are_those_cldr_writes_in_a_right_to_left_script() -> None:
    """Every two-letter language and every listed one: right to left exactly when langcodes' likely script for it
    (CLDR's) is one of the right-to-left scripts; a script subtag decides over the language."""
    import langcodes

    for language in sorted(TWO_LETTER_LANGUAGES | RIGHT_TO_LEFT_LANGUAGES):
        script = langcodes.Language.get(language).maximize().script
        assert (text_direction(language) == "rtl") is (script in RIGHT_TO_LEFT_SCRIPTS), (language, script)
    assert [text_direction(tag) for tag in ("ar-EG", "he-IL", "az-Arab", "sd-Deva", "en-US", "zh-Hant-TW")] == [
        "rtl", "rtl", "rtl", "ltr", "ltr", "ltr"]


def test_a_two_letter_language_and_region_are_checked_without_loading_langcodes() -> None:
    check = (
        "import sys; from exporter.model import Article; Article(title='t', language='en-US');"
        "print('langcodes' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_skipped_heading_level_refused() -> None:
    with pytest.raises(ValidationError, match="skipped"):
        Article.model_validate({"title": "t", "body": [{"type": "heading", "level": 3, "children": "x"}]})


def test_unknown_block_type_refused() -> None:
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        Article.model_validate({"title": "t", "body": [{"type": "sidebar", "children": "x"}]})


def test_plain_strings_become_inlines() -> None:
    article = Article.model_validate(
        {
            "title": "t",
            "body": [
                {"type": "paragraph", "children": "Hello"},
                {"type": "figure", "image": "a.jpg", "alt": "A", "caption": "Cap"},
            ],
        }
    )
    assert article.body[0].children[0].text == "Hello"
    assert article.figures()[0].caption[0].text == "Cap"


# ------------------------------------------------------------------ round trip (hypothesis)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ARTICLES)
def test_model_json_model_is_lossless(data: dict) -> None:
    article = Article.model_validate(data)
    again = Article.model_validate(json.loads(article.model_dump_json()))
    assert again == article
    assert again.model_dump_json() == article.model_dump_json()


def test_schema_command_prints_the_model_schema(exporter_cli) -> None:
    result = exporter_cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert {"Article", "Figure", "Packet", "Media", "Table"} <= set(schema["$defs"])
    figure = schema["$defs"]["Figure"]["properties"]
    assert {"image", "alt", "title", "caption", "credit", "virin", "decorative"} <= set(figure)

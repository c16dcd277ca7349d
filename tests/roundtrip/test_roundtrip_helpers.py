"""The small conversions the DOCX reader relies on: dates as the writer shows them, durations, language tags
as LibreOffice rewrites them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exporter.readers.docx.figures import iso_duration
from exporter.readers.docx.inlines import minimal_language
from exporter.readers.docx.metadata import long_date, parse_long_date


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("January 21, 2025", "en", "2025-01-21"),
        ("21 de enero de 2025", "es", "2025-01-21"),
        ("2025-01-21", "en", "2025-01-21"),
        ("Jan 21, 2025", "en", "2025-01-21"),
        ("sometime soon", "en", None),
        ("February 30, 2025", "en", None),
    ],
)
def test_roundtrip_parse_long_date(text, language, expected):
    assert parse_long_date(text, language) == expected


@pytest.mark.parametrize("value", ["2025-01-21", "2024-02-29", "1999-12-31"])
@pytest.mark.parametrize("language", ["en", "es", "de", "uk"])
def test_roundtrip_long_date_parses_back(value, language):
    assert parse_long_date(long_date(value, language), language) == value


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("2:30", "PT2M30S"), ("31:00", "PT31M"), ("1:02:03", "PT1H2M3S"), ("0:45", "PT45S"), ("soon", None)],
)
def test_roundtrip_iso_duration(shown, expected):
    assert iso_duration(shown) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("uk-UA", "uk"),
        ("en-US", "en"),
        ("es-ES", "es"),
        ("el-GR", "el"),
        ("en-GB", "en-GB"),
        ("fr-CA", "fr-CA"),
        ("sr-Latn", "sr-Latn"),
        ("not a tag", None),
    ],
)
def test_roundtrip_minimal_language(tag, expected):
    assert minimal_language(tag) == expected


@pytest.mark.parametrize("language", ["en", "en-US"])
def test_english_long_dates_are_babels_without_loading_it(language):
    from babel.dates import format_date

    from exporter.i18n import long_date as written

    day = date(2024, 1, 1)
    while day.year == 2024:
        assert written(day.isoformat(), language) == format_date(day, format="long", locale="en_US")
        day += timedelta(days=1)
    assert written("0999-03-05", language) == format_date(date(999, 3, 5), format="long", locale="en_US")
    assert written("2025-06-01", "en-GB") == "1 June 2025"

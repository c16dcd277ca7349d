"""Message catalogs for the fixed text of outputs, chosen by the document's language.

Catalogs are gettext .po files under `exporter/locale/<lang>/LC_MESSAGES/messages.po`, compiled in memory
(no build step); a language without a catalog falls back to English, the language of the message ids.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from gettext import NullTranslations

from exporter.language_tags import primary_language
from exporter.resources import locale_dir


@cache
def translations(language: str) -> NullTranslations:
    for candidate in (language.replace("-", "_"), primary_language(language)):
        po_file = locale_dir() / candidate / "LC_MESSAGES" / "messages.po"
        if po_file.is_file():
            # Imported only here: an English document (the message ids) needs no catalog.
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po
            from babel.support import Translations

            with po_file.open("rb") as handle:
                catalog = read_po(handle, locale=candidate)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(fp=buffer)
    return NullTranslations()


def fixed_text_language(language: str) -> str:
    """The language the fixed text of a document in `language` is written in: its own, or English (the message
    ids) when it has no catalog."""
    has_catalog = type(translations(language)) is not NullTranslations
    return language if has_catalog or primary_language(language) == "en" else "en"


def gettext(language: str, message: str, **values: object) -> str:
    """For writers that build text outside templates (DOCX, PDF metadata)."""
    text = translations(language).gettext(message)
    return text % values if values else text


def text_around(language: str, message: str, name: str) -> tuple[str, str]:
    """The fixed text before and after the value `name` in the translated `message` ("By " and "" around the
    names of "By %(names)s"): fixed text and the article's own text can then each say their language."""
    before, after = gettext(language, message, **{name: "\x00"}).split("\x00")
    return before, after


def labels(language: str, *messages: str) -> set[str]:
    """A fixed text the writers print, in the document's language and in English: an edited draft, or a page
    made from our output, may have either."""
    found = set()
    for message in messages:
        found.add(message)
        found.add(gettext(language, message))
    return found


# A caption's number after its label: "3", or the chapter's number and then the caption's, as Word's Insert
# Caption writes them with each of its separators ("2-1" with a hyphen or a non-breaking one, "2.1", "2:1",
# "2—1", "2–1").
CAPTION_NUMBER = r"\d+(?:[-\u2011.:\u2014\u2013]\d+)*"


# English as written in the United States, the language of most articles, is written out here: loading Babel and
# its locale data takes a twentieth of a second, longer than the rest of an HTML export. A test holds this to
# Babel's own long format for every month and day.
_US_ENGLISH = frozenset({"en", "en-US"})
_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value: str, language: str) -> str:
    """An ISO date as people of that language write it in full (\"February 14, 2023\")."""
    parsed = date.fromisoformat(value[:10])
    if language in _US_ENGLISH:
        return f"{_ENGLISH_MONTHS[parsed.month - 1]} {parsed.day}, {parsed.year}"
    from babel.dates import format_date

    try:
        return format_date(parsed, format="long", locale=language.replace("-", "_"))
    except (ValueError, LookupError):
        return format_date(parsed, format="long", locale="en")


def iso_duration(value: str) -> str:
    """PT2M30S -> 2:30 (what people read); anything else is shown as given."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", value)
    if not match or not any(match.groups()):
        return value
    hours, minutes, seconds = (int(float(g)) if g else 0 for g in match.groups())
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"

"""Message catalogs for the fixed text of outputs, chosen by the document's language.

Catalogs are gettext .po files under `exporter/locale/<lang>/LC_MESSAGES/messages.po`, compiled in memory
(no build step); a language without a catalog falls back to English, the language of the message ids.
"""

from __future__ import annotations

import io
from functools import cache
from gettext import NullTranslations

from exporter.resources import locale_dir


@cache
def translations(language: str) -> NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    primary = language.split("-")[0].lower()
    for candidate in (language.replace("-", "_"), primary):
        po_file = locale_dir() / candidate / "LC_MESSAGES" / "messages.po"
        if po_file.is_file():
            with po_file.open("rb") as handle:
                catalog = read_po(handle, locale=candidate)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(fp=buffer)
    return NullTranslations()


def gettext(language: str, message: str, **values: object) -> str:
    """For writers that build text outside templates (DOCX, PDF metadata)."""
    text = translations(language).gettext(message)
    return text % values if values else text

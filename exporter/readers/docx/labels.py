"""The fixed texts the writers print (labels such as "Credit:", "Figure", "Source"), recognised in the
document's language and in English: an edited draft may mix them."""

from __future__ import annotations

from exporter.i18n import gettext


def labels(language: str, *messages: str) -> set[str]:
    """A fixed text in the document's language and in English."""
    found = set()
    for message in messages:
        found.add(message)
        found.add(gettext(language, message))
    return found


def starts_with_label(text: str, options: set[str]) -> str | None:
    """What follows the label the text starts with (None when it starts with none of them)."""
    stripped = text.lstrip()
    for label in sorted(options, key=len, reverse=True):
        if stripped.lower().startswith(label.lower()):
            return stripped[len(label) :].strip()
    return None

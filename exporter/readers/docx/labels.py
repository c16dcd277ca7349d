"""The fixed texts the writers print (labels such as "Credit:", "Figure", "Source": `i18n.labels`), recognised
at the start of a draft's text."""

from __future__ import annotations


def starts_with_label(text: str, options: set[str]) -> str | None:
    """What follows the label the text starts with (None when it starts with none of them)."""
    stripped = text.lstrip()
    for label in sorted(options, key=len, reverse=True):
        if stripped.lower().startswith(label.lower()):
            return stripped[len(label) :].strip()
    return None

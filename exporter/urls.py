"""Which link targets may reach an output: web, mail and telephone links and in-page fragments only."""

from __future__ import annotations

from urllib.parse import urlsplit

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def safe_href(href: str | None) -> str | None:
    """The href if a reader can follow it without running anything; None for javascript:, data:, file: ..."""
    if not href:
        return None
    value = href.strip()
    if any(ord(ch) < 32 for ch in value):
        return None
    if value.startswith("#"):
        return value
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in SAFE_SCHEMES else None

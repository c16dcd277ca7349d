"""Escaping text for XML written by hand (OOXML parts, XMP).

Not `xml.sax.saxutils.escape`: importing xml.sax.saxutils imports urllib.request, and with it ssl, http and
email, a tenth of a second of start-up for every build.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """Text content: `&`, `<` and `>` as entities (what xml.sax.saxutils.escape does)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """A value inside double quotes: `"` as well."""
    return escape(text).replace('"', "&quot;")

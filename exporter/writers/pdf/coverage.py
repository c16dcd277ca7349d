"""Which characters of a document no bundled font can draw: in a PDF they would show as empty boxes (.notdef),
which PDF/UA-1 forbids, so the writer names them before anyone has to find them in a validator report."""

from __future__ import annotations

import json
import unicodedata
from functools import cache

from exporter.model import Article, Packet
from exporter.resources import fonts_dir

# Spaces, controls and format characters draw no glyph of their own.
INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


@cache
def bundled_code_points() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted(fonts_dir().glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def uncovered_characters(document: Article | Packet) -> list[str]:
    """Characters of the document's text that none of the bundled fonts has (spaces and controls aside)."""
    covered = bundled_code_points()
    missing: set[str] = set()
    for text in _strings(json.loads(document.model_dump_json())):
        for character in text:
            if ord(character) not in covered and unicodedata.category(character) not in INVISIBLE:
                missing.add(character)
    return sorted(missing)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("type", "image", "href", "url", "lang", "language"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)

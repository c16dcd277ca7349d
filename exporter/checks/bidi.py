"""Right-to-left text drawn in a PDF, read back in reading order.

Layout engines (WeasyPrint, browsers) draw each line in visual order: a line of Arabic or Hebrew is shown glyph by
glyph from left to right, its last word first. Text extractors (poppler's pdftotext, screen readers' PDF engines)
turn it back, and so do the checks, by the line's base direction (the language of the element it belongs to): in a
right-to-left line the whole line is turned, then each run of left-to-right text in it (a Latin name, a number)
turned back; in a left-to-right line only its runs of right-to-left text are turned. Glyphs are turned whole, so a
ligature (Arabic lam-alef) keeps its letters in the order its ToUnicode entry gives them.
"""

from __future__ import annotations

import unicodedata

# Spaces and punctuation that sit inside a run of the other direction ("NATO 2024", "http://a.b/c").
_INSIDE_A_RUN = frozenset(" .,:/-")


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(character) in ("R", "AL") for character in text)


def reading_order(glyphs: list[str], direction: str) -> str:
    """One line's text in reading order, from its glyphs' text in the order they are drawn (left to right)."""
    if not any(has_right_to_left(glyph) for glyph in glyphs):
        return "".join(glyphs)
    if direction == "rtl":
        return _turned(glyphs)
    read: list[str] = []
    start = 0
    while start < len(glyphs):
        if _kind(glyphs[start]) != "rtl":
            read.append(glyphs[start])
            start += 1
            continue
        end = last = start  # the stretch runs to its last right-to-left glyph before a left-to-right letter
        while end < len(glyphs) and _kind(glyphs[end]) != "letter":
            if _kind(glyphs[end]) == "rtl":
                last = end
            end += 1
        read.append(_turned(glyphs[start:last + 1]))
        start = last + 1
    return "".join(read)


def _turned(glyphs: list[str]) -> str:
    """Glyphs drawn right to left, in reading order: all turned, each left-to-right run in them turned back."""
    read: list[str] = []
    run: list[str] = []  # left-to-right text, with the spaces and punctuation inside it

    def close_run() -> None:
        end = len(run)
        while end and _kind(run[end - 1]) == "neutral":
            end -= 1
        read.extend(reversed(run[:end]))
        read.extend(run[end:])
        run.clear()

    for glyph in reversed(glyphs):
        if _kind(glyph) in ("letter", "number") or (run and glyph in _INSIDE_A_RUN):
            run.append(glyph)
        else:
            close_run()
            read.append(glyph)
    close_run()
    return "".join(read)


def _kind(glyph: str) -> str:
    """"rtl", "letter" (left to right), "number" (digits, which read left to right in either direction) or
    "neutral" (spaces, punctuation), by the glyph's first character that is not neutral."""
    for character in glyph:
        category = unicodedata.bidirectional(character)
        if category in ("R", "AL"):
            return "rtl"
        if category == "L":
            return "letter"
        if category in ("EN", "AN"):
            return "number"
    return "neutral"

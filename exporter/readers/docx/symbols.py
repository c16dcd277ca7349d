"""Word's symbol fonts: a `w:sym` names a font and a character code, and for the Symbol font that code is a
position in the font (0x20 to 0xFF, stored as U+F020 to U+F0FF), not a Unicode character. Read as it is, it is a
private-use character no font draws."""

from __future__ import annotations

# The Symbol font's characters for 0x20 to 0xFF: Adobe's Symbol encoding (as Perl's Encode::Symbol `AdobeSymbol`
# decodes it), with the glyphs Adobe mapped to its own private-use code points (bracket pieces, the sans-serif
# (R), (C) and TM, the arrow extenders) at the code points Unicode has since given them, and "m" as the Greek mu
# (Adobe's micro sign) like the other Greek letters; FFFD: no character.
_SYMBOL_CODES = (
    "0020 0021 2200 0023 2203 0025 0026 220B 0028 0029 2217 002B 002C 2212 002E 002F",
    "0030 0031 0032 0033 0034 0035 0036 0037 0038 0039 003A 003B 003C 003D 003E 003F",
    "2245 0391 0392 03A7 0394 0395 03A6 0393 0397 0399 03D1 039A 039B 039C 039D 039F",
    "03A0 0398 03A1 03A3 03A4 03A5 03C2 03A9 039E 03A8 0396 005B 2234 005D 22A5 005F",
    "203E 03B1 03B2 03C7 03B4 03B5 03C6 03B3 03B7 03B9 03D5 03BA 03BB 03BC 03BD 03BF",
    "03C0 03B8 03C1 03C3 03C4 03C5 03D6 03C9 03BE 03C8 03B6 007B 007C 007D 223C FFFD",
    "FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD",
    "FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD",
    "20AC 03D2 2032 2264 2044 221E 0192 2663 2666 2665 2660 2194 2190 2191 2192 2193",
    "00B0 00B1 2033 2265 00D7 221D 2202 2022 00F7 2260 2261 2248 2026 23D0 23AF 21B5",
    "2135 2111 211C 2118 2297 2295 2205 2229 222A 2283 2287 2284 2282 2286 2208 2209",
    "2220 2207 00AE 00A9 2122 220F 221A 22C5 00AC 2227 2228 21D4 21D0 21D1 21D2 21D3",
    "25CA 2329 00AE 00A9 2122 2211 239B 239C 239D 23A1 23A2 23A3 23A7 23A8 23A9 23AA",
    "FFFD 232A 222B 2320 23AE 2321 239E 239F 23A0 23A4 23A5 23A6 23AB 23AC 23AD FFFD",
)
SYMBOL = {
    position: chr(int(code, 16))
    for position, code in enumerate(" ".join(_SYMBOL_CODES).split(), start=0x20)
    if code != "FFFD"
}


# Wingdings: the bullets, boxes and marks drafts use for lists and check boxes, and the contact icons of press
# releases (telephone, envelope, pointing hand); each a character DejaVu Sans (the PDF's fallback) draws.
WINGDINGS = {
    0x22: "\u2702",  # BLACK SCISSORS
    0x23: "\u2701",  # UPPER BLADE SCISSORS
    0x28: "\u260e",  # BLACK TELEPHONE
    0x29: "\u2706",  # TELEPHONE LOCATION SIGN
    0x2A: "\u2709",  # ENVELOPE
    0x37: "\u2328",  # KEYBOARD
    0x3E: "\u2707",  # TAPE DRIVE
    0x3F: "\u270d",  # WRITING HAND
    0x41: "\u270c",  # VICTORY HAND
    0x45: "\u261c",  # WHITE LEFT POINTING INDEX
    0x46: "\u261e",  # WHITE RIGHT POINTING INDEX
    0x47: "\u261d",  # WHITE UP POINTING INDEX
    0x48: "\u261f",  # WHITE DOWN POINTING INDEX
    0x4A: "\u263a",  # WHITE SMILING FACE (Word's AutoCorrect of ":)")
    0x4C: "\u2639",  # WHITE FROWNING FACE
    0x6C: "\u25cf",  # BLACK CIRCLE
    0x6E: "\u25a0",  # BLACK SQUARE
    0x6F: "\u25a1",  # WHITE SQUARE
    0x71: "\u2751",  # LOWER RIGHT SHADOWED WHITE SQUARE
    0x75: "\u25c6",  # BLACK DIAMOND
    0x76: "\u2756",  # BLACK DIAMOND MINUS WHITE X
    0x9F: "\u2022",  # BULLET
    0xA1: "\u25cb",  # WHITE CIRCLE
    0xA7: "\u25aa",  # BLACK SMALL SQUARE
    0xA8: "\u25fb",  # WHITE MEDIUM SQUARE
    0xD8: "\u27a2",  # THREE-D TOP-LIGHTED RIGHTWARDS ARROWHEAD
    0xE8: "\u2794",  # HEAVY WIDE-HEADED RIGHTWARDS ARROW
    0xF0: "\u21e8",  # RIGHTWARDS WHITE ARROW
    0xFB: "\u2718",  # HEAVY BALLOT X
    0xFC: "\u2714",  # HEAVY CHECK MARK
    0xFD: "\u2612",  # BALLOT BOX WITH X
    0xFE: "\u2611",  # BALLOT BOX WITH CHECK
}
FONTS = {"symbol": SYMBOL, "wingdings": WINGDINGS}
# Fonts that draw pictures or symbols in place of letters: text set in one is read through its table.
PICTURE_FONTS = {"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings", "zapf dingbats", "zapfdingbats"}


def _position(code: int) -> int:
    """A picture font's own code: Word stores 0x20-0xFF as U+F020-U+F0FF, in the private-use area."""
    return code - 0xF000 if 0xF000 <= code <= 0xF0FF else code


def symbol_text(font: str, char: str) -> tuple[str, bool]:
    """The text of a `w:sym` (its font and hexadecimal character code) and whether it is known: a private-use code
    of a font whose character is not known here is U+FFFD (no font draws a private-use character, and a screen
    reader cannot name it) and False."""
    code = int(char, 16)
    known = FONTS.get(font.strip().lower(), {}).get(_position(code))
    if known:
        return known, True
    if 0xE000 <= code <= 0xF8FF:
        return "\ufffd", False
    return chr(code), True


def font_text(ascii_font: str, other_font: str, text: str) -> tuple[str, int]:
    """Text typed in a picture font (Symbol's "a" shows as alpha), as Unicode, and how many of its characters have
    no known equivalent (read as U+FFFD); other fonts' text as it is. Word draws ASCII in the run's `w:ascii`
    font and the rest in its `w:hAnsi` font (`other_font`)."""
    fonts = (ascii_font.strip().lower(), other_font.strip().lower())
    if not PICTURE_FONTS.intersection(fonts):
        return text, 0
    unknown = 0
    characters = []
    for character in text:
        code = ord(character)
        name = fonts[code >= 0x80]
        if name not in PICTURE_FONTS:
            characters.append(character)
            continue
        table = FONTS.get(name, {})
        position = _position(code)
        if position == 0x20:
            characters.append(" ")
            continue
        if not 0x20 < position <= 0xFF:
            characters.append(character)  # a Unicode character beyond the font's own codes
            continue
        mapped = table.get(position)
        unknown += mapped is None
        characters.append(mapped or "\ufffd")
    return "".join(characters), unknown

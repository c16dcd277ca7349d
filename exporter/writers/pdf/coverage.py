"""Which characters of a document no bundled font can draw. The PDF's font stacks end in a generic family, so
WeasyPrint takes those from the fonts installed on the machine (fontconfig); a character no installed font has
either would show as an empty box (.notdef), which PDF/UA-1 forbids, so the writer names its script and the
Debian package that supplies it before anyone has to find it in a validator report."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache

from exporter.model import Article, Packet
from exporter.resources import fonts_dir

# Spaces, controls and format characters draw no glyph of their own.
INVISIBLE = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
# Debian's Noto packages: fonts-noto-core covers nearly every script (Malayalam, Arabic, Devanagari, ...);
# Chinese, Japanese and Korean are apart, and so are colour emoji.
CJK_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})
DEFAULT_PACKAGE = "fonts-noto-core"


@dataclass(frozen=True)
class MissingScript:
    """Characters of one script that no bundled or installed font can draw."""

    script: str  # its English name: "Han", "Malayalam"
    package: str  # the Debian package whose fonts draw it
    characters: tuple[str, ...]

    def describe(self) -> str:
        listed = ", ".join(f"U+{ord(c):04X}" for c in self.characters[:8])
        more = " ..." if len(self.characters) > 8 else ""
        return (
            f"{len(self.characters)} {self.script} character(s) ({listed}{more}) are in no bundled or installed "
            f"font and show as empty boxes, which PDF/UA does not allow: install the Debian package {self.package}"
        )


@cache
def bundled_code_points() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted(fonts_dir().glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


# Code point ranges every bundled text face draws (Latin with its diacritics, general punctuation, currency and
# letterlike symbols; a test holds the fonts to it): a document written in them needs no look into the fonts'
# character maps, which costs a tenth of a second per process.
ALWAYS_COVERED = ((0x0000, 0x024F), (0x0300, 0x036F), (0x2000, 0x20BF), (0x2100, 0x214F))


def always_covered(code_point: int) -> bool:
    return any(low <= code_point <= high for low, high in ALWAYS_COVERED)


def uncovered_characters(document: Article | Packet) -> list[str]:
    """Characters of the document's text that none of the bundled fonts has (spaces and controls aside)."""
    candidates = {
        character
        for text in _strings(json.loads(document.model_dump_json()))
        for character in set(text)
        if not always_covered(ord(character))
    }
    if not candidates:
        return []
    covered = bundled_code_points()
    return sorted(c for c in candidates if ord(c) not in covered and unicodedata.category(c) not in INVISIBLE)


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


def missing_scripts(document: Article | Packet) -> list[MissingScript]:
    """The document's characters that neither a bundled nor an installed font has, grouped by script."""
    from fontTools import unicodedata as scripts

    by_script: dict[str, list[str]] = {}
    for character in uncovered_characters(document):
        if not installed_font_has(character):
            by_script.setdefault(scripts.script(character), []).append(character)
    return [
        MissingScript(_script_name(code, chars), debian_package(code, chars[0]), tuple(chars))
        for code, chars in sorted(by_script.items())
    ]


def debian_package(script: str, character: str) -> str:
    if script in CJK_SCRIPTS:
        return "fonts-noto-cjk"
    if unicodedata.category(character) == "So" and ord(character) >= 0x1F000:
        return "fonts-noto-color-emoji"
    return DEFAULT_PACKAGE


def _script_name(code: str, characters: list[str]) -> str:
    from fontTools import unicodedata as scripts

    if code in ("Zyyy", "Zinh", "Zzzz"):  # common or unknown: the symbols' own block says more
        return "symbol" if unicodedata.category(characters[0]).startswith("S") else "common"
    return scripts.script_name(code, default=code)


@cache
def installed_font_has(character: str) -> bool:
    """Whether fontconfig knows an installed font with a glyph for the character (False without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        listed = subprocess.run(
            [fc_list, "--format", "%{file}\n", f":charset={ord(character):x}"],
            capture_output=True, text=True, timeout=30, check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())

"""Alt-text quality: the one rule set that build, import and `exporter check` (every format) apply.

Alt text that is present but does not describe the picture fails screen-reader users as surely as missing alt
text: a repeat of the caption (heard twice), a file name, a generic word ("photo", "Image at NESDIS"), or an
essay that belongs in the caption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ALT_LENGTH = 250

_FILE_NAME = re.compile(
    r"^\s*(?:[\w\-.() ]+\.(?:jpe?g|png|gif|webp|tiff?|bmp|heic|svg|emf|wmf)"
    r"|(?:img|dsc|dscn|dcim|pxl|photo|image|picture)[_ -]?\d+\w*"
    r"|[0-9]{6}-[A-Z]-[A-Z0-9]{5}-[0-9]{3,4}\w*)\s*$",
    re.IGNORECASE,
)
_GENERIC_NOUN = (
    r"(?:image|photo|photograph|picture|pic|img|graphic|figure|thumbnail|illustration|icon|banner|untitled)s?"
)
# "photo", "an image", "Image at NESDIS", "photo courtesy of NASA": a generic noun, at most a short attribution.
_GENERIC = re.compile(
    rf"^(?:(?:an?|the|this)\s+)?{_GENERIC_NOUN}"
    r"(?:\s+(?:at|from|by|courtesy(?:\s+of)?|credit|via)\s+\S+(?:\s+\S+)?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AltProblem:
    code: str  # stable: ALT-CAPTION, ALT-FILENAME, ALT-GENERIC, ALT-LONG
    message: str


def normalize(text: str) -> str:
    """Words only, case-folded: punctuation and spacing do not make alt text different from a caption."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def repeats_caption(alt: str, caption: str) -> bool:
    """The alt text equals the caption, or is a stretch of it (a caption's sentence pasted as alt text)."""
    alt_words, caption_words = normalize(alt), normalize(caption)
    if not alt_words or not caption_words:
        return False
    return alt_words == caption_words or (len(alt_words.split()) >= 3 and f" {alt_words} " in f" {caption_words} ")


def looks_like_file_name(alt: str) -> bool:
    return bool(_FILE_NAME.match(alt))


def is_generic(alt: str) -> bool:
    return bool(_GENERIC.match(" ".join(re.sub(r"[.:;,!]+$", "", alt.strip()).split())))


def review(alt: str, caption: str = "") -> list[AltProblem]:
    """Every problem with present alt text; an empty list when it is fine (missing alt text is not judged here)."""
    text = " ".join(alt.split())
    if not text:
        return []
    problems: list[AltProblem] = []
    if looks_like_file_name(text):
        problems.append(AltProblem("ALT-FILENAME", f"alt text looks like a file name: {text!r}"))
    elif is_generic(text):
        problems.append(AltProblem("ALT-GENERIC", f"alt text does not describe the picture: {text!r}"))
    if repeats_caption(text, caption):
        problems.append(AltProblem("ALT-CAPTION", "alt text only repeats the caption: describe the picture"))
    if len(text) > MAX_ALT_LENGTH:
        problems.append(
            AltProblem(
                "ALT-LONG",
                f"alt text is {len(text)} characters (over {MAX_ALT_LENGTH}): "
                "keep it short, put the rest in the caption",
            )
        )
    return problems

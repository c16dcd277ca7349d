"""Rendered pages of a PDF as a reader sees them: pdftoppm at low resolution (the blank-page and lone-image rules)
and PyMuPDF's text spans (the font rule). Margins are those of templates/pdf/print.css.j2."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

DPI = 24
MARGIN_TOP_BOTTOM_IN = 0.9
MARGIN_SIDES_IN = 0.85
INK = 200  # a grey level below this (of 255) is ink
BUNDLED_FAMILIES = ("PublicSans", "Merriweather", "NotoSerif", "NotoSans")
GREEK_OR_CYRILLIC = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f]")


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    blank_share: float  # share of the text area's height below its last inked row
    text: str  # the text inside the text area


def rendered_pages(pdf: Path) -> list[Page]:
    import pymupdf
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed (Debian poppler-utils; scripts/setup --test installs it)")
    document = pymupdf.open(pdf)
    pages = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(pdf), f"{folder}/page"], check=True)
        images = sorted(Path(folder).glob("page-*.pgm"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        assert len(images) == document.page_count
        for index, path in enumerate(images):
            with Image.open(path) as image:
                top, side = round(MARGIN_TOP_BOTTOM_IN * DPI), round(MARGIN_SIDES_IN * DPI)
                area = image.crop((side, top, image.width - side, image.height - top))
                pixels = area.load()
                inked = [y for y in range(area.height) if any(pixels[x, y] < INK for x in range(area.width))]
                last = inked[-1] + 1 if inked else 0
            page = document[index]
            inch = 72
            clip = pymupdf.Rect(
                MARGIN_SIDES_IN * inch, MARGIN_TOP_BOTTOM_IN * inch,
                page.rect.width - MARGIN_SIDES_IN * inch, page.rect.height - MARGIN_TOP_BOTTOM_IN * inch,
            )
            pages.append(Page(index + 1, 1 - last / area.height, page.get_text("text", clip=clip).strip()))
    return pages


def unit_last_pages(pdf: Path, levels: int) -> set[int]:
    """The last page of every part the outline starts at a level up to `levels` (a packet: its cover, its contents
    and each article; an article: itself)."""
    import pymupdf

    document = pymupdf.open(pdf)
    starts = sorted({page for level, _title, page in document.get_toc() if level <= levels})
    return {start - 1 for start in starts[1:]} | {document.page_count}


def family(font: str) -> str:
    return font.split("+", 1)[-1].replace("-", "")


def mixed_script_spans(pdf: Path) -> list[str]:
    """Greek or Cyrillic drawn in the other role's family: in a serif line (Merriweather) it must be Noto Serif,
    in a sans line (Public Sans) Noto Sans. Also every font must be a bundled one."""
    import pymupdf

    problems = []
    for number, page in enumerate(pymupdf.open(pdf), start=1):
        for block in page.get_text("dict")["blocks"]:
            for line in block.get("lines", []):
                families = {family(span["font"]) for span in line["spans"]}
                for name in families:
                    if not name.startswith(BUNDLED_FAMILIES):
                        problems.append(f"page {number}: font {name} is not bundled")
                serif = any(name.startswith("Merriweather") for name in families)
                sans = any(name.startswith("PublicSans") for name in families)
                for span in line["spans"]:
                    if not GREEK_OR_CYRILLIC.search(span["text"]):
                        continue
                    expected = "NotoSerif" if serif else "NotoSans" if sans else None
                    if expected and not family(span["font"]).startswith(expected):
                        problems.append(f"page {number}: {span['text']!r} in {span['font']}, expected {expected}")
    return problems

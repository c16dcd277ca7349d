"""A long article made on the fly (never committed): 5+ pages, a photo with credit and VIRIN, and a table that
crosses page breaks. Used by the PDF tests and by benchmarks/pdf.py."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PHOTO = REPO_ROOT / "samples" / "images" / "nasa-eileen-collins.png"
LONG_ARTICLE_ALT = "Portrait of a smiling woman in an orange pressure suit in front of a United States flag."
LONG_ARTICLE_VIRIN = "250301-D-ZZ999-1001"
LONG_ARTICLE_CREDIT = "NASA Johnson Space Center"
TABLE_ROWS = 70

_PARAGRAPH = (
    "Paragraph {n} of section {s}. Ministers met again to review logistics, training and the delivery schedules "
    "agreed at the previous meeting, and the staff briefed them on the progress of each program. Each delegation "
    "reported what it had delivered since the last session, what remained outstanding, and which obstacles "
    "slowed the work; the chair asked for a written summary before the next meeting."
)


def long_article_markdown() -> str:
    parts = [
        "---",
        "title: Defense Ministers Review a Year of Logistics, Training and Deliveries to Partner Nations",
        "dek: A long report used to test page breaks, running titles, figures and tables across pages.",
        "byline:",
        "  people: [Jordan Example]",
        "  organization: Exporter Test Desk",
        'published: "2025-03-01"',
        "language: en",
        "source:",
        "  url: https://www.defense.gov/News/Example/long-report/",
        "  agency: U.S. Department of Defense",
        "keywords: [logistics, testing]",
        "---",
        "",
    ]
    for section in range(1, 5):
        parts += [f"## Section {section}: progress report", ""]
        for n in range(1, 6):
            parts += [_PARAGRAPH.format(n=n, s=section), ""]
        if section == 1:
            parts += [
                "The delegates greeted each other in [Київ]{lang=uk} and in [Αθήνα]{lang=el}.",
                "",
                "![Eileen Collins before her first flight as shuttle commander.](images/photo.png "
                f'"Commander Collins"){{alt="{LONG_ARTICLE_ALT}" credit="{LONG_ARTICLE_CREDIT}" '
                f'virin="{LONG_ARTICLE_VIRIN}"}}',
                "",
            ]
        if section == 2:
            parts += ["### Deliveries by month", ""]
            parts += ["| Program | Month | Items delivered |", "|:--|:--|--:|"]
            parts += [f"| Program {row:02d} | Month {row % 12 + 1} | {row * 37} |" for row in range(1, TABLE_ROWS + 1)]
            parts += ["", ": Deliveries per program and month {row-headers=true}", ""]
            parts += [_PARAGRAPH.format(n="after the table", s=section), ""]
    return "\n".join(parts) + "\n"


def write_long_article(folder: Path) -> Path:
    """Write the article and its photo into `folder`; return the Markdown file."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PHOTO, folder / "images" / "photo.png")
    path = folder / "long-article.md"
    path.write_text(long_article_markdown(), encoding="utf-8")
    return path

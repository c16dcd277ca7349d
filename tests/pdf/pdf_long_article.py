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

_SENTENCES = [
    "Ministers met again to review logistics, training and the delivery schedules agreed last time.",
    "The staff briefed them on the progress of each program and on the budget still to be spent.",
    "Each delegation reported what it had delivered since the previous session.",
    "Several programs were ahead of plan, while a few waited for parts from suppliers overseas.",
    "The chair asked for a written summary before the next meeting and set a date for it.",
    "Trainers described the courses held during the quarter and the number of people who finished them.",
    "Engineers explained how the repair depots had been moved closer to the people who use them.",
    "Delegates asked how winter would change the routes and the time each shipment takes.",
    "The logistics office promised a map of every depot, updated each month.",
    "Observers from partner nations thanked the ministers and asked for a report they could publish.",
    "Auditors noted that the inventory counts now match the records kept at each depot.",
]


def paragraph(section: int, number: int) -> str:
    """Different text for every paragraph: repeated lines at page tops would look like running headers."""
    picks = [_SENTENCES[(section * 7 + number * 3 + step * 5) % len(_SENTENCES)] for step in range(5)]
    return f"Report {section}.{number}: " + " ".join(picks)


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
            parts += [paragraph(section, n), ""]
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
            rows = range(1, TABLE_ROWS + 1)
            parts += [f"| Program {row:02d} | Month {row % 12 + 1} | {row * 37} |" for row in rows]
            parts += ["", ": Deliveries per program and month {row-headers=true}", ""]
            parts += [paragraph(section, 99), ""]
    return "\n".join(parts) + "\n"


def write_long_article(folder: Path) -> Path:
    """Write the article and its photo into `folder`; return the Markdown file."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PHOTO, folder / "images" / "photo.png")
    path = folder / "long-article.md"
    path.write_text(long_article_markdown(), encoding="utf-8")
    return path

"""Field accuracy of the text-capture reader on hand-labelled captures.

Each `NAME.txt` in a folder has `NAME.expected.json`: title, byline, published and, for every figure in order,
alt, title, caption, credit and VIRIN (null where the capture shows none). A field counts as right only when it
is exactly the labelled value (whitespace collapsed); a byline is compared by its words, since a capture shows it
as one line whatever its structure. A missing figure counts all five of its fields wrong; an extra one counts one.

    python -m tests.importers.capture_accuracy [FOLDER...]   # prints each mismatch and the percentage
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from exporter.alt_text import normalize
from exporter.errors import ExportError
from exporter.model import Article, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document

FIGURE_FIELDS = ("alt", "title", "caption", "credit", "virin")


@dataclass
class Score:
    right: int = 0
    total: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.right / self.total if self.total else 100.0

    def check(self, where: str, got: str | None, want: str | None, *, words: bool = False) -> None:
        self.total += 1
        same = (normalize(got or "") == normalize(want or "")) if words else (squash(got) == squash(want))
        if same:
            self.right += 1
        else:
            self.mismatches.append(f"{where}: got {got!r}, want {want!r}")


def squash(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def score_capture(path: Path, score: Score) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    name = path.stem
    try:
        article = read_document(path, BuildOptions()).document
    except ExportError as error:
        score.total += 3 + len(FIGURE_FIELDS) * len(expected["figures"])
        score.mismatches.append(f"{name}: refused: {error}")
        return
    assert isinstance(article, Article)
    score.check(f"{name}: title", article.title, expected["title"])
    score.check(f"{name}: byline", article.byline.text() if article.byline else None, expected["byline"], words=True)
    score.check(f"{name}: published", article.published, expected["published"])
    figures = article.figures()
    for number, want in enumerate(expected["figures"], start=1):
        got = figures[number - 1] if number <= len(figures) else None
        for key in FIGURE_FIELDS:
            value = None
            if got is not None:
                value = plain_text(got.caption) or None if key == "caption" else getattr(got, key)
            score.check(f"{name}: figure {number} {key}", value, want[key])
    for extra in figures[len(expected["figures"]) :]:
        score.total += 1
        score.mismatches.append(f"{name}: extra figure {extra.title or plain_text(extra.caption)[:40]!r}")


def score_folder(*folders: Path) -> Score:
    score = Score()
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            if path.with_suffix(".expected.json").exists():
                score_capture(path, score)
    return score


def main(argv: list[str]) -> int:
    folders = [Path(arg) for arg in argv] or [Path(__file__).parent / "data" / "captures"]
    score = score_folder(*folders)
    for line in score.mismatches:
        print(line)
    count = sum(len(list(folder.glob("*.expected.json"))) for folder in folders)
    print(f"{score.right}/{score.total} labelled fields exact ({score.percent:.1f}%) over {count} captures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

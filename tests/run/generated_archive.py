"""A generated archive of articles (Markdown + YAML front matter) for the cluster tests and benchmarks/archive.py:
varied lengths, 0-4 photos each (drawn from a small set of generated JPEGs, as an archive reuses its photos),
every figure with alt text, caption, credit and VIRIN. The same `count` and `seed` give the same files."""

from __future__ import annotations

import io
import random
from pathlib import Path

PHOTOS = 12
_TEXT = (
    "the secretary met service members at the base to discuss readiness training families housing and the "
    "budget for the next fiscal year while engineers described new equipment for the mission ahead of the "
    "exercise which brought partners from several allied nations together for two weeks of planning"
)
_WORDS = _TEXT.split()


def write_archive(
    folder: Path, count: int, seed: int = 18, *, min_paragraphs: int = 2, max_paragraphs: int = 40
) -> list[Path]:
    """Write `count` articles and their photos into `folder`; returns the article paths in order."""
    rng = random.Random(seed)
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    virins = [_write_photo(images, number, rng) for number in range(PHOTOS)]
    articles = []
    for number in range(count):
        path = folder / f"article-{number:05d}.md"
        path.write_text(_article(number, rng, virins, min_paragraphs, max_paragraphs), encoding="utf-8")
        articles.append(path)
    return articles


def change_article(path: Path, note: str) -> None:
    """An edit, as a newsroom makes one: a paragraph appended."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nCorrection: {note}\n")


def _write_photo(folder: Path, number: int, rng: random.Random) -> str:
    from PIL import Image, ImageDraw

    virin = f"2401{number:02d}-D-AB123-{1000 + number}"
    width, height = rng.choice([(800, 600), (640, 480), (600, 800), (1024, 683)])
    image = Image.new("RGB", (width, height), tuple(rng.randrange(40, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(20, width // 2), y + rng.randrange(20, height // 2))
        draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    (folder / f"{virin}.jpg").write_bytes(buffer.getvalue())
    return virin


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randrange(8, 22))]
    return " ".join(words).capitalize() + "."


def _article(number: int, rng: random.Random, virins: list[str], min_paragraphs: int, max_paragraphs: int) -> str:
    paragraphs = rng.randrange(min_paragraphs, max_paragraphs + 1)
    photos = rng.sample(virins, rng.randrange(0, 5))
    lines = [
        "---",
        f"title: Archive article {number}",
        f"dek: Generated article {number} of a test archive.",
        "byline:",
        "  people: [Archive Desk]",
        f'published: "2024-{1 + number % 12:02d}-{1 + number % 28:02d}"',
        "language: en",
        "source:",
        f"  url: https://www.defense.gov/News/News-Stories/Article/{100000 + number}/",
        "  agency: U.S. Department of Defense",
        "---",
        "",
    ]
    figure_at = {rng.randrange(paragraphs + 1) for _ in photos}
    queue = list(photos)
    for index in range(paragraphs):
        if index and index % 8 == 0:
            lines += [f"## Part {index // 8}", ""]
        lines += [" ".join(_sentence(rng) for _ in range(rng.randrange(2, 7))), ""]
        if index in figure_at or (index == paragraphs - 1):
            while queue and (index in figure_at or index == paragraphs - 1):
                virin = queue.pop()
                lines += [
                    f'![Service members during exercise {virin}.](images/{virin}.jpg "Photo {virin}")'
                    f'{{alt="Coloured rectangles standing in for a photo of service members, number {virin[-4:]}." '
                    f'credit="DoD photo" virin="{virin}"}}',
                    "",
                ]
                if index != paragraphs - 1:
                    break
    return "\n".join(lines)

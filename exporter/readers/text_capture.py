"""Plain-text captures of published pages (copied from a browser, the seed's format).

A capture reads, top to bottom: the .gov/.mil banner lines, optional labels ("Immediate Release", a
historical-collection notice), the headline, an optional byline and date, body paragraphs separated by blank
lines, and photo blocks: consecutive lines holding the alt text, the photo title, the caption, a credit line
("Credit: NAME", "Photo By: NAME", or "NAME, DOD") and "VIRIN: YYMMDD-S-XXXXX-NNNN" (or one "Photo by: NAME |
VIRIN: ..." line). "Related Stories" ends the article. Text is repaired with ftfy (mojibake) and whitespace is
normalised; typographic quotes are kept.

A capture names no image file, so a photo's image is `<VIRIN>.jpg`: `--images DIR` supplies it by VIRIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.model import Article, Block, Byline, Figure, Heading, ListBlock, Paragraph, Source, Text
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.profiles.base import clean_virin, iso_date, split_credit, squash

_BANNER_LINES = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^an official website of the united states government\.?$",
        r"^here['’]s how you know\.?$",
        r"^official websites use \.(?:gov|mil)$",
        r"^(?:an? )?\.(?:gov|mil) website belongs to an official .*$",
        r"^secure \.(?:gov|mil) websites use https$",
        r"^an? lock \(.*\) or https:// means you['’]ve safely connected to the \.(?:gov|mil) website.*$",
        r"^skip to main content.*$",
    )
]
_LABELS = re.compile(
    r"^(?:immediate release|press release|news release|for immediate release)$", re.IGNORECASE
)
_HISTORICAL = re.compile(
    r"(?:historical (?:collection|material|document|content)|archived (?:content|page)"
    r"|no longer (?:maintained|updated)"
    r"|frozen in time)",
    re.IGNORECASE,
)
_CHROME_LINES = re.compile(
    r"^(?:share|print|e-?mail|facebook|x|twitter|linkedin|subscribe|hide|download|comments?|"
    r"download hi-res|photo details|full size|copy link)$",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^(?:related stories|related articles|related content|related links|related)$", re.IGNORECASE
)
_VIRIN_LINE = re.compile(r"^VIRIN\s*:\s*(?P<virin>\S+)\s*$", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"^(?:photo\s+by|credit|photo\s+credit|video\s+by|courtesy)\s*:\s*(?P<credit>.+)$", re.IGNORECASE
)
_COMBINED = re.compile(
    r"^(?:photo\s+by|credit)\s*:\s*(?P<credit>.+?)\s*\|\s*VIRIN\s*:\s*(?P<virin>\S+)\s*$", re.IGNORECASE
)
# "Chad J. McNeeley, DOD" / "Navy Petty Officer 1st Class Jane Doe, U.S. Navy": a credit line without a label.
_AGENCY_CREDIT = re.compile(r"^[^.!?]{3,80},\s*(?:DOD|DoD|U\.S\. [A-Z][A-Za-z ]+|[A-Z]{2,6})$")
_BYLINE = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:[•·▪◦*-]|\d{1,3}[.)])\s+(?P<text>.+)$")
_TERMINAL = (".", "!", "?", ":", ";", "”", '"', "’", "'", ")", ",")


@dataclass
class Group:
    """Consecutive non-blank lines; `line` is the 1-based number of the first."""

    lines: list[str]
    line: int


def read(path: Path, options: BuildOptions) -> ReadResult:
    return parse_capture(read_text(path), options, name=str(path))


def groups_of(text: str) -> list[Group]:
    groups: list[Group] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = squash(raw)
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            groups.append(Group(current, start))
            current = []
    if current:
        groups.append(Group(current, start))
    return groups


def is_banner(line: str) -> bool:
    return any(pattern.match(line) for pattern in _BANNER_LINES)


def parse_capture(text: str, options: BuildOptions, *, name: str) -> ReadResult:
    groups = groups_of(text)
    warnings: list[str] = []
    claims_official = False
    # Banner lines and labels before the headline.
    while groups:
        group = groups[0]
        kept = [line for line in group.lines if not is_banner(line)]
        if len(kept) != len(group.lines):
            claims_official = True
        kept = [line for line in kept if not _LABELS.match(line) and not _CHROME_LINES.match(line)]
        if kept and _HISTORICAL.search(" ".join(kept)) and len(" ".join(kept)) < 400:
            warnings.append(f"{name}:{group.line}: historical-collection notice left out of the article")
            kept = []
        if kept:
            groups[0] = Group(kept, group.line + len(group.lines) - len(kept))
            break
        groups.pop(0)
    if not groups:
        raise ExportError("no headline: the capture holds only banner lines or nothing", file=name, line=1)
    headline_group = groups.pop(0)
    title = headline_group.lines[0]
    leftover = headline_group.lines[1:]

    byline: Byline | None = None
    published: str | None = None
    # Byline and date lines right after the headline (same group or their own short groups).
    meta_lines = list(leftover)
    while (
        groups
        and all(len(line) < 120 for line in groups[0].lines)
        and any(_BYLINE.match(line) or _is_date_line(line) for line in groups[0].lines)
        and not any(_VIRIN_LINE.match(line) for line in groups[0].lines)
    ):
        meta_lines.extend(groups.pop(0).lines)
    for line in meta_lines:
        match = _BYLINE.match(line)
        if match and byline is None:
            byline = _byline(match.group("names"))
        elif _is_date_line(line) and published is None:
            published = iso_date(line)

    body: list[Block] = []
    figure_lines: list[int | None] = []
    for group in groups:
        if len(group.lines) == 1 and _RELATED.match(group.lines[0]):
            remaining = groups[groups.index(group) + 1 :]
            if remaining:
                warnings.append(f"{name}:{group.line}: related stories listed without links were left out")
            break
        lines = [line for line in group.lines if not _CHROME_LINES.match(line) and not is_banner(line)]
        if not lines:
            continue
        figure = photo_block(lines)
        if figure is not None:
            body.append(figure)
            figure_lines.append(group.line)
            if not figure.alt:
                warnings.append(
                    f"{name}:{group.line}: photo {figure.virin or figure.title or ''} has no alt-text line: "
                    "add alt text to the imported file or build with --alt-from-caption"
                )
            continue
        body.extend(text_blocks(lines, body))

    source = Source(url=options.source_url, page_claims_official=claims_official)
    try:
        article = Article(title=title, byline=byline, published=published, source=source, body=body)
    except ValidationError as error:
        raise ExportError(
            f"the capture gave an invalid article: {error.errors()[0]['msg']}", file=name
        ) from None
    return ReadResult(article, figure_lines=figure_lines, warnings=warnings)


def _is_date_line(line: str) -> bool:
    return (len(line) <= 60 and iso_date(line) is not None and not line.endswith(".")) or bool(
        re.fullmatch(r"(?:published|updated)?:?\s*[A-Za-z]{3,9}\.? \d{1,2}, \d{4}", line, re.IGNORECASE)
    )


def _byline(names: str) -> Byline:
    parts = [part.strip() for part in names.split(",") if part.strip()]
    organization = parts.pop() if len(parts) > 1 else None
    people = [p for p in re.split(r"\s+and\s+|\s*,\s*", ", ".join(parts)) if p]
    return Byline(people=people, organization=organization)


def photo_block(lines: list[str]) -> Figure | None:
    """A photo block: its last lines are the credit and VIRIN (either may be missing, not both)."""
    rest = list(lines)
    virin: str | None = None
    credit: str | None = None
    # Read from the end: VIRIN, credit, or the combined "Photo by: NAME | VIRIN: ..." line.
    for _ in range(3):
        if not rest:
            break
        last = rest[-1]
        combined = _COMBINED.match(last)
        virin_match = _VIRIN_LINE.match(last)
        credit_match = _CREDIT_LINE.match(last)
        if combined and virin is None and credit is None:
            virin, credit = combined.group("virin"), combined.group("credit")
        elif virin_match and virin is None:
            virin = virin_match.group("virin")
        elif credit_match and credit is None:
            credit = credit_match.group("credit")
        elif virin is not None and credit is None and _AGENCY_CREDIT.match(last) and len(rest) > 1:
            credit = last
        else:
            break
        rest.pop()
    if virin is None and credit is None:
        return None
    if not rest:
        return None
    alt: str | None = None
    title: str | None = None
    if len(rest) >= 3:
        alt, title, caption_lines = rest[0], rest[1], rest[2:]
    elif len(rest) == 2:
        # Two lines: alt text is a sentence; a photo title is a short label without final punctuation.
        if rest[0].endswith(_TERMINAL):
            alt, caption_lines = rest[0], rest[1:]
        else:
            title, caption_lines = rest[0], rest[1:]
    else:
        caption_lines = rest
    caption_text = " ".join(caption_lines)
    caption_text, suffix_credit = split_credit(caption_text)
    credit = squash(credit) if credit else suffix_credit
    virin_value = clean_virin(virin) if virin else None
    image = f"{virin_value}.jpg" if virin_value else f"{_slug(title or caption_text)}.jpg"
    return Figure(
        image=image,
        alt=alt,
        title=title,
        caption=[Text(text=caption_text)] if caption_text else [],
        credit=credit or None,
        virin=virin_value,
    )


def text_blocks(lines: list[str], previous: list[Block]) -> list[Block]:
    """Body text: list items, a subhead (a short line without final punctuation), or a paragraph."""
    items = [_LIST_ITEM.match(line) for line in lines]
    if all(items) and (len(lines) > 1 or (previous and isinstance(previous[-1], ListBlock))):
        entries = [[Paragraph(children=[Text(text=match.group("text"))])] for match in items if match]
        if previous and isinstance(previous[-1], ListBlock):
            previous[-1].items.extend(entries)
            return []
        ordered = bool(re.match(r"^\d", lines[0]))
        return [ListBlock(ordered=ordered, items=entries)]
    if len(lines) == 1 and _looks_like_subhead(lines[0]):
        return [Heading(level=2, children=[Text(text=lines[0])])]
    return [Paragraph(children=[Text(text=" ".join(lines))])]


def _looks_like_subhead(line: str) -> bool:
    return (
        len(line) <= 80
        and not line.endswith(_TERMINAL)
        and line[:1].isupper()
        and len(line.split()) <= 12
        and not _VIRIN_LINE.match(line)
    )


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug or "photo"

"""Cross-format consistency: the PDF, EPUB, DOCX and HTML made from one source must say the same thing."""

from __future__ import annotations

from dataclasses import fields

from exporter.checks.facts import DocumentFacts, FigureFacts

DOCUMENT_FIELDS = ("title", "language", "source_url", "official_notice")
FIGURE_FIELDS = tuple(field.name for field in fields(FigureFacts) if field.name != "split")


def compare(reference_name: str, reference: list[DocumentFacts], other_name: str,
            other: list[DocumentFacts]) -> list[str]:
    """Every difference, one line naming the format, the article, the figure and the field."""
    problems: list[str] = []
    if len(reference) != len(other):
        return [f"{other_name}: {len(other)} article(s), {reference_name} has {len(reference)}"]
    many = len(reference) > 1
    for index, (expected, actual) in enumerate(zip(reference, other, strict=True), start=1):
        where = f"{other_name}: article {index}" if many else other_name
        same = _same if expected.exact_spacing and actual.exact_spacing else _same_without_spaces
        for name in DOCUMENT_FIELDS:
            want, got = getattr(expected, name), getattr(actual, name)
            if not same(want, got):
                problems.append(f"{where}: {name} is {got!r}, {reference_name} has {want!r}")
        if len(expected.figures) != len(actual.figures):
            problems.append(
                f"{where}: {len(actual.figures)} figure(s), {reference_name} has {len(expected.figures)}"
            )
            continue
        for number, (want_figure, got_figure) in enumerate(zip(expected.figures, actual.figures, strict=True), 1):
            for name, want, got in _figure_fields(want_figure, got_figure):
                if not same(want, got):
                    problems.append(
                        f"{where}: figure {number}: {name} is {got!r}, {reference_name} has {want!r}"
                    )
    return problems


def _figure_fields(want: FigureFacts, got: FigureFacts):
    """(field, expected, actual) for each field both formats can tell apart."""
    split = want.split and got.split
    for name in FIGURE_FIELDS:
        if not split and name in ("title", "caption"):
            continue
        yield name, getattr(want, name), getattr(got, name)
    if not split:
        yield "title and caption", want.title_and_caption(), got.title_and_caption()


def _same(want: object, got: object) -> bool:
    return want == got


def _same_without_spaces(want: object, got: object) -> bool:
    if isinstance(want, str) and isinstance(got, str):
        return "".join(want.split()) == "".join(got.split())
    return want == got

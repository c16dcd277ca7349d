"""Cross-format consistency: the PDF, EPUB, DOCX and HTML made from one source must say the same thing.

Every fact is put to a vote. With the source (`--against`, or the model in `build --check`) the source is right
and every format that differs from it is blamed. Without it, the value most formats agree on is right and only
the formats that differ from it are blamed; when no value has more formats behind it than every other (two
against two, one against one), each side is told that there is no majority, and which values compete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exporter.checks.facts import DocumentFacts, FigureFacts
from exporter.checks.report import CheckResult, Finding, format_name

SOURCE = "source"
DOCUMENT_FIELDS = ("title", "language", "source_url", "official_notice")
FIGURE_FIELDS = ("number", "alt", "credit", "virin")
SPLIT_FIELDS = ("title", "caption")  # only formats that tell the photo title from the caption have these
COMBINED = "title and caption"


def consistency_results(facts: dict[Path, list[DocumentFacts] | None],
                        expected: list[DocumentFacts] | None) -> list[CheckResult]:
    """Outputs sharing a stem are one group; each file gets its own verdict (what it is blamed for)."""
    groups: dict[str, dict[Path, list[DocumentFacts]]] = {}
    for path, found in facts.items():
        if found is not None:
            groups.setdefault(path.stem, {})[path] = found
    results: list[CheckResult] = []
    for group in groups.values():
        if len(group) < 2 and expected is None:
            continue
        names = {path: format_name(path) or path.suffix for path in group}
        if len(set(names.values())) < len(names):  # the same format twice (a.html and a.htm): tell them apart
            names = {path: f"{names[path]} ({path.name})" for path in group}
        blamed = compare({names[path]: found for path, found in group.items()}, expected)
        compared = ", ".join(names.values()) + (f" and the {SOURCE}" if expected is not None else "")
        for path in group:
            results.append(CheckResult.from_findings("consistency", path, blamed[names[path]],
                                                     notes=[f"compared: {compared}"]))
    return results


@dataclass
class Vote:
    reference: str | None  # who holds the value taken as right (SOURCE or a format), None when there is a tie
    agreeing: list[str]
    disagreeing: list[str]


def compare(outputs: dict[str, list[DocumentFacts]], source: list[DocumentFacts] | None) -> dict[str, list[Finding]]:
    """Findings per format name: each difference blamed on the format(s) that differ from the source, or from the
    majority of formats when there is no source."""
    return _Comparison(outputs, source).run()


class _Comparison:
    def __init__(self, outputs: dict[str, list[DocumentFacts]], source: list[DocumentFacts] | None) -> None:
        self.outputs = outputs
        self.source = source
        self.findings: dict[str, list[Finding]] = {name: [] for name in outputs}

    def run(self) -> dict[str, list[Finding]]:
        counts = {name: len(found) for name, found in self.outputs.items()}
        vote = self.compare_field(counts, len(self.source) if self.source is not None else None, "articles", "",
                                  exact=_always, article=None, noun="article(s)")
        if vote.reference is None:
            return self.findings
        aligned = [name for name in self.outputs if name not in vote.disagreeing]
        total = len(self.source) if vote.reference == SOURCE else counts[vote.reference]
        first_figure = 1
        for index in range(total):
            first_figure += self.compare_article(index, aligned, total > 1, first_figure)
        return self.findings

    def compare_article(self, index: int, names: list[str], many: bool, first_figure: int) -> int:
        """Compare article `index`; returns how many figures it has (for the numbering of the next one)."""
        article = index + 1 if many else None
        here = {name: self.outputs[name][index] for name in names}
        there = self.source[index] if self.source is not None else None
        prefix = f"article {article}: " if article else ""
        exact = self.exactness(here, there)
        for field in DOCUMENT_FIELDS:
            self.compare_field({name: getattr(facts, field) for name, facts in here.items()},
                               getattr(there, field) if there is not None else None, field, prefix, exact=exact,
                               article=article)
        counts = {name: len(facts.figures) for name, facts in here.items()}
        vote = self.compare_field(counts, len(there.figures) if there is not None else None, "figures", prefix,
                                  exact=_always, article=article, noun="figure(s)")
        if vote.reference is None:
            return max(counts.values(), default=0)
        aligned = [name for name in names if name not in vote.disagreeing]
        total = len(there.figures) if vote.reference == SOURCE else counts[vote.reference]
        for position in range(total):
            number = first_figure + position
            figures = {name: here[name].figures[position] for name in aligned}
            expected = there.figures[position] if there is not None else None
            self.compare_figure(figures, expected, f"{prefix}figure {number}: ", exact, article=article,
                                figure=number)
        return total

    def compare_figure(self, figures: dict[str, FigureFacts], expected: FigureFacts | None, prefix: str,
                       exact: Callable[[str], bool], *, article: int | None, figure: int) -> None:
        for field in FIGURE_FIELDS:
            self.compare_field({name: getattr(facts, field) for name, facts in figures.items()},
                               getattr(expected, field) if expected is not None else None, field, prefix, exact=exact,
                               article=article, figure=figure)
        split = {name: facts for name, facts in figures.items() if facts.split}
        for field in SPLIT_FIELDS:
            self.compare_field({name: getattr(facts, field) for name, facts in split.items()},
                               getattr(expected, field) if expected is not None else None, field, prefix, exact=exact,
                               article=article, figure=figure)
        # Title and caption together, which every format has; the formats that have them apart were judged above.
        self.compare_field({name: facts.title_and_caption() for name, facts in figures.items()},
                           expected.title_and_caption() if expected is not None else None, COMBINED, prefix,
                           exact=exact, article=article, figure=figure, blame=[n for n in figures if n not in split])

    # ------------------------------------------------------------ voting

    def exactness(self, here: dict[str, DocumentFacts], there: DocumentFacts | None) -> Callable[[str], bool]:
        exact = {name: facts.exact_spacing for name, facts in here.items()}
        exact[SOURCE] = there.exact_spacing if there is not None else True
        return lambda name: exact.get(name, True)

    def vote(self, values: dict[str, object], expected: object, exact: Callable[[str], bool]) -> Vote:
        """Who is right: the source when given, else the value most formats share (no tie)."""

        def same(first: str, second: str) -> bool:
            a = expected if first == SOURCE else values[first]
            b = expected if second == SOURCE else values[second]
            return _same(a, b, exact(first) and exact(second))

        names = list(values)
        if self.source is not None:
            agreeing = [name for name in names if same(name, SOURCE)]
            return Vote(SOURCE, agreeing, [name for name in names if name not in agreeing])
        support = {name: [other for other in names if same(name, other)] for name in names}
        # Among equally supported values, an exactly spaced reading is the better reference.
        best = max(names, key=lambda name: (len(support[name]), exact(name)))
        rivals = [name for name in names if name not in support[best] and len(support[name]) >= len(support[best])]
        if rivals:
            return Vote(None, [], names)
        return Vote(best, support[best], [name for name in names if name not in support[best]])

    def compare_field(self, values: dict[str, object], expected: object, field: str, prefix: str, *,
                      exact: Callable[[str], bool], article: int | None, figure: int | None = None,
                      blame: list[str] | None = None, noun: str | None = None) -> Vote:
        """Vote on one field and blame who differs (only those in `blame`, when given, unless nobody can be
        right). `noun` makes it a count ("3 figure(s)") instead of a value ("credit is 'X'")."""
        if not values or (self.source is None and len(values) < 2):
            return Vote(next(iter(values), None), list(values), [])
        vote = self.vote(values, expected, exact)
        shown = {"source_url": "source URL"}.get(field, field.replace("_", " "))

        def said(value: object) -> str:
            return f"{value} {noun}" if noun else f"{shown} is {value!r}"

        for name in vote.disagreeing:
            if vote.reference is not None and blame is not None and name not in blame:
                continue
            got = values[name]
            if vote.reference is None:
                others = [other for other in values if not _same(values[other], got, exact(other) and exact(name))]
                rival = values[others[0]] if others else None
                holders = [other for other in others if _same(values[other], rival, True)]
                message = (f"{name}: {prefix}{said(got)}; {_names(holders)} {_have(holders)} "
                           f"{rival if noun else repr(rival)}: no majority tells which is right "
                           "(check with --against SOURCE)")
                code = "FACT-NO-MAJORITY"
            else:
                want = expected if vote.reference == SOURCE else values[vote.reference]
                holders = [SOURCE] if vote.reference == SOURCE else vote.agreeing
                message = f"{name}: {prefix}{said(got)}, {_names(holders)} {_have(holders)} " + (
                    str(want) if noun else repr(want))
                code = "FACT-COUNT" if noun else "FACT-DIFFERS"
            self.findings[name].append(Finding(code, message, article=article, figure=figure, field=field))
        return vote


def _always(_name: str) -> bool:
    return True


def _same(want: object, got: object, exact: bool) -> bool:
    if not exact and isinstance(want, str) and isinstance(got, str):
        return "".join(want.split()) == "".join(got.split())
    return want == got


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "nobody"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _have(names: list[str]) -> str:
    return "has" if len(names) == 1 else "have"

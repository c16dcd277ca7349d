"""`exporter check FILE...`: validate each file by its type, then prove the formats made from one source agree.

Per type: PDF (page-validation PDF/UA-1, PDF/A when claimed, structure checks), EPUB (EPUBCheck, DAISY Ace),
DOCX (our rule checker), HTML (structure checks, axe-core). Files that share a stem are compared with each other
and, with `--against SOURCE`, with the source model.
"""

from __future__ import annotations

import importlib
import zipfile
from collections import defaultdict
from pathlib import Path

from exporter.checks.consistency import compare
from exporter.checks.facts import DocumentFacts, facts_of_model
from exporter.checks.report import CheckResult

# Each format module has `validate(paths) -> dict[Path, list[CheckResult]]` and `facts(path) -> list[DocumentFacts]`.
FORMAT_CHECKS: dict[str, str] = {
    ".html": "exporter.checks.html_format",
    ".htm": "exporter.checks.html_format",
    ".epub": "exporter.checks.epub_format",
    ".pdf": "exporter.checks.pdf_format",
    ".docx": "exporter.checks.docx_format",
}


class UnreadableFile(Exception):
    """The file is not what its extension says, or is damaged."""


def _module(path: Path):
    return importlib.import_module(FORMAT_CHECKS[path.suffix.lower()])


def check_files(
    paths: list[Path], against: Path | None = None, *, expected: list[DocumentFacts] | None = None
) -> list[CheckResult]:
    """Validate each file; compare files sharing a stem, and with the source (`against`) or its facts."""
    results: list[CheckResult] = []
    readable: list[Path] = []
    for path in paths:
        if not path.is_file():
            results.append(CheckResult("read", path, "unreadable", reason="no such file"))
        elif path.suffix.lower() not in FORMAT_CHECKS:
            results.append(CheckResult("read", path, "unreadable",
                                       reason=f"unknown file type {path.suffix!r} (pdf, epub, docx, html)"))
        elif path.suffix.lower() in (".epub", ".docx") and not zipfile.is_zipfile(path):
            results.append(CheckResult("read", path, "unreadable", reason="not a ZIP package: damaged or not "
                                                                          f"a {path.suffix[1:].upper()} file"))
        else:
            readable.append(path)

    by_module: dict[str, list[Path]] = defaultdict(list)
    for path in readable:
        by_module[FORMAT_CHECKS[path.suffix.lower()]].append(path)
    for module_name, group in by_module.items():
        module = importlib.import_module(module_name)
        for file_results in module.validate(group).values():
            results.extend(file_results)

    if expected is None and against is not None:
        expected = source_facts(against)
    results.extend(consistency_results(readable, expected))
    order = {path: index for index, path in enumerate(paths)}
    results.sort(key=lambda result: order.get(result.target, len(order)))
    return results


def consistency_results(paths: list[Path], expected: list[DocumentFacts] | None) -> list[CheckResult]:
    """Group outputs by stem; within each group, every format must say what the first says (and the source)."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        groups[path.stem].append(path)
    results: list[CheckResult] = []
    for group in groups.values():
        if len(group) < 2 and expected is None:
            continue
        extracted: dict[Path, list[DocumentFacts]] = {}
        for path in group:
            try:
                extracted[path] = _module(path).facts(path)
            except UnreadableFile as error:
                results.append(CheckResult("consistency", path, "unreadable", reason=str(error)))
        if not extracted:
            continue
        if expected is not None:
            reference_name, reference = "source", expected
            compared = list(extracted)
        else:
            first = next(iter(extracted))
            reference_name, reference = first.suffix[1:].upper(), extracted[first]
            compared = [path for path in extracted if path != first]
            others = ", ".join(path.suffix[1:].upper() for path in compared) or "nothing"
            results.append(CheckResult("consistency", first, "passed", notes=[f"reference; compared with {others}"]))
        for path in compared:
            problems = compare(reference_name, reference, path.suffix[1:].upper(), extracted[path])
            results.append(CheckResult.from_findings("consistency", path, problems))
    return results


def source_facts(source: Path) -> list[DocumentFacts]:
    from exporter.options import BuildOptions
    from exporter.pipeline import apply_overrides
    from exporter.readers import read_document

    document = apply_overrides(read_document(source, BuildOptions()).document, BuildOptions())
    return facts_of_model(document)

"""`exporter check FILE...`: validate each file by its type, then prove the formats made from one source agree.

Per type: PDF (page-validation PDF/UA-1, PDF/A when claimed, structure checks), EPUB (EPUBCheck, DAISY Ace,
structure checks), DOCX (our rule checker), HTML (structure checks, axe-core in an offline browser); for every
type the alt-text rules on the figures read back. Files that share a stem are compared with each other and, with
`--against SOURCE`, with the source model.

Paths are used as given in the report and made absolute for every validator, so a check runs the same from any
working directory.
"""

from __future__ import annotations

import importlib
import zipfile
from collections import defaultdict
from pathlib import Path

from exporter.checks.archive import UnreadableFile, open_package
from exporter.checks.consistency import consistency_results
from exporter.checks.facts import DocumentFacts, facts_of_model
from exporter.checks.report import CheckResult, Inspection

# Each format module has `inspect(paths) -> dict[Path, Inspection]`: its check results and the facts it read.
FORMAT_CHECKS: dict[str, str] = {
    ".html": "exporter.checks.html_format",
    ".htm": "exporter.checks.html_format",
    ".epub": "exporter.checks.epub_format",
    ".pdf": "exporter.checks.pdf_format",
    ".docx": "exporter.checks.docx_format",
}
PACKAGES = (".epub", ".docx")


def check_files(
    paths: list[Path], against: Path | None = None, *, expected: list[DocumentFacts] | None = None
) -> list[CheckResult]:
    """Validate each file; compare files sharing a stem, and with the source (`against`) or its facts."""
    results: list[CheckResult] = []
    readable: list[Path] = []
    paths = files_in_folders(paths)
    for path in paths:
        problem = unreadable_reason(path)
        if problem:
            results.append(CheckResult("read", path, "unreadable", reason=problem))
        else:
            readable.append(path)

    by_module: dict[str, list[Path]] = defaultdict(list)
    for path in readable:
        by_module[FORMAT_CHECKS[path.suffix.lower()]].append(path)
    inspections: dict[Path, Inspection] = {}
    for module_name, group in by_module.items():
        inspections.update(importlib.import_module(module_name).inspect(group))
    for path in readable:
        results.extend(inspections[path].results)

    if expected is None and against is not None:
        expected = source_facts(against)
    results.extend(consistency_results({path: inspections[path].facts for path in readable}, expected))
    order = {path: index for index, path in enumerate(paths)}
    results.sort(key=lambda result: order.get(result.target, len(order)))
    return results


def files_in_folders(paths: list[Path]) -> list[Path]:
    """A folder named among the files stands for the files in it that can be checked (an output folder: its
    PDF, EPUB, DOCX and HTML). An HTML page's own images folder (`<stem>_files`), named beside its page as
    `out/*` names them, is checked with the page."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
        elif not (path.name.endswith("_files") and path.with_name(path.name[: -len("_files")] + ".html") in paths):
            checkable = [child for child in path.iterdir() if child.suffix.lower() in FORMAT_CHECKS]
            files += sorted(child for child in checkable if child.is_file()) or [path]
    return files


def unreadable_reason(path: Path) -> str | None:
    """Why the file cannot be checked at all (missing, unknown type, not a package, refused), or None."""
    suffix = path.suffix.lower()
    if path.is_dir():
        return "a folder with no PDF, EPUB, DOCX or HTML file in it"
    if not path.is_file():
        return "no such file"
    if suffix not in FORMAT_CHECKS:
        return f"unknown file type {path.suffix!r} (pdf, epub, docx, html)"
    if suffix in PACKAGES:
        if not zipfile.is_zipfile(path):
            return f"not a ZIP package: damaged or not a {suffix[1:].upper()} file"
        try:
            open_package(path)
        except UnreadableFile as error:
            return str(error)
    return None


def source_facts(source: Path) -> list[DocumentFacts]:
    from exporter.options import BuildOptions
    from exporter.pipeline import apply_overrides
    from exporter.readers import read_document

    document = apply_overrides(read_document(source, BuildOptions()).document, BuildOptions())
    return facts_of_model(document)

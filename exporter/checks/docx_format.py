"""Checks of DOCX files: our rule checker (Word accessibility checker and Section 508 rules, including the shared
alt-text rules as DOCX-ALT-*); facts read back by the DOCX reader, the same code that imports edited drafts."""

from __future__ import annotations

from pathlib import Path

from exporter.checks.archive import UnreadableFile
from exporter.checks.facts import DocumentFacts, facts_of_model, normalize_space, notice_pattern
from exporter.checks.report import CheckResult, Finding, Inspection

FORMAT = "DOCX"


def inspect(paths: list[Path]) -> dict[Path, Inspection]:
    from exporter.checks.docx_rules import check_docx

    inspections: dict[Path, Inspection] = {}
    for path in paths:
        try:
            findings = [
                Finding(rule.rule, f"{rule.place}: {rule.message}", figure=rule.figure, field=rule.field,
                        location=rule.place)
                for rule in check_docx(path)
            ]
        except ValueError as error:
            inspections[path] = Inspection([CheckResult("DOCX rules", path, "unreadable", reason=str(error))], None)
            continue
        result = CheckResult.from_findings("DOCX rules", path, findings)
        try:
            found = facts(path)
        except UnreadableFile as error:
            inspections[path] = Inspection([result, CheckResult("facts", path, "unreadable", reason=str(error))],
                                           None)
            continue
        inspections[path] = Inspection([result], found)
    return inspections


def facts(path: Path) -> list[DocumentFacts]:
    """What the document says, read back by the DOCX reader (raises UnreadableFile)."""
    from exporter.errors import ExportError
    from exporter.options import BuildOptions
    from exporter.readers import read_document

    try:
        document = read_document(path, BuildOptions(input_format="docx")).document
    except ExportError as error:
        raise UnreadableFile(error.problem) from None
    found = facts_of_model(document)
    # Whether a notice is shown is read from the visible text, not derived from the source URL again.
    for article_facts, shown in zip(found, notices_shown(path, found), strict=False):
        article_facts.official_notice = shown
    return found


def notices_shown(path: Path, found: list[DocumentFacts]) -> list[bool]:
    """For each article (a Heading 1 section), whether its body shows the official notice sentence."""
    import docx

    sections: list[list[str]] = []
    for paragraph in docx.Document(str(path)).paragraphs:
        if paragraph.style is not None and paragraph.style.name == "Heading 1":
            sections.append([])
        elif sections:
            sections[-1].append(normalize_space(paragraph.text) or "")
    shown = []
    for index, texts in enumerate(sections):
        language = found[index].language if index < len(found) else None
        pattern = notice_pattern(language or "en")
        shown.append(any(pattern.search(text) for text in texts))
    return shown

"""Checks of DOCX files: our rule checker (Word accessibility checker and Section 508 rules, including the shared
alt-text rules as DOCX-ALT-*); facts read back by the DOCX reader, the same code that imports edited drafts."""

from __future__ import annotations

import re
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


SEQ_FIGURE = re.compile(r"^\s*SEQ\s+Figure\b", re.IGNORECASE)


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
    figure_numbers_shown(document, found, seq_figure_numbers(path))
    # Whether a notice is shown is read from the visible text, not derived from the source URL again.
    for article_facts, shown in zip(found, notices_shown(path, found), strict=False):
        article_facts.official_notice = shown
    return found


def seq_figure_numbers(path: Path) -> list[int | None]:
    """The result of every `SEQ Figure` field (Word's caption number), in document order."""
    import docx
    from docx.oxml.ns import qn

    numbers: list[int | None] = []
    for paragraph in docx.Document(str(path)).paragraphs:
        element = paragraph._p
        for simple in element.iter(qn("w:fldSimple")):
            if SEQ_FIGURE.match(simple.get(qn("w:instr"), "")):
                numbers.append(_number("".join(simple.itertext())))
        in_field, result = False, None
        for node in element.iter(qn("w:instrText"), qn("w:fldChar"), qn("w:t")):
            if node.tag == qn("w:instrText") and SEQ_FIGURE.match(node.text or ""):
                in_field, result = True, None
            elif node.tag == qn("w:fldChar") and in_field and node.get(qn("w:fldCharType")) == "separate":
                result = ""
            elif node.tag == qn("w:fldChar") and in_field and node.get(qn("w:fldCharType")) == "end":
                numbers.append(_number(result or ""))
                in_field = False
            elif node.tag == qn("w:t") and in_field and result is not None:
                result += node.text or ""
    return numbers


def _number(text: str) -> int | None:
    return int(text.strip()) if text.strip().isdigit() else None


def figure_numbers_shown(document, found: list[DocumentFacts], shown: list[int | None]) -> None:
    """Each figure's number as the document shows it: the n-th numbered block (model.is_numbered) of the document
    read back has the n-th caption number. When the counts differ no number can be placed: all are None."""
    from exporter.model import Media, Packet, is_numbered, walk_figure_blocks

    articles = document.articles if isinstance(document, Packet) else [document]
    numbered = [block for article in articles for block in walk_figure_blocks(article.body) if is_numbered(block)]
    by_block: dict[int, int | None] = {}
    if len(numbered) == len(shown):
        for block, number in zip(numbered, shown, strict=True):
            by_block[id(block)] = number
            if isinstance(block, Media) and block.poster is not None:
                by_block[id(block.poster)] = number
    for article, article_facts in zip(articles, found, strict=False):
        figures = [figure for figure in article.figures() if not figure.decorative]
        for figure, figure_facts in zip(figures, article_facts.figures, strict=False):
            figure_facts.number = by_block.get(id(figure))


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

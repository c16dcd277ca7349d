"""Alt-text quality of the figures read back from an output: the same rule set (`exporter.alt_text`) that build,
import and the DOCX rules apply, with codes per format (PDF-ALT-CAPTION, EPUB-ALT-FILENAME, HTML-ALT-GENERIC...)."""

from __future__ import annotations

from pathlib import Path

from exporter.alt_text import review
from exporter.checks.facts import DocumentFacts, numbered_figures
from exporter.checks.report import CheckResult, Finding

CHECK = "alt text"


def alt_text_result(path: Path, format_name: str, found: list[DocumentFacts]) -> CheckResult:
    findings = []
    for number, article, figure in numbered_figures(found):
        # The caption as the reader hears it after the picture: photo title and caption together (the PDF
        # does not tell them apart, and every format must get the same verdict).
        for problem in review(figure.alt or "", figure.title_and_caption() or ""):
            where = f"article {article}: figure {number}" if article else f"figure {number}"
            findings.append(Finding(f"{format_name}-{problem.code}", f"{where}: {problem.message}", article=article,
                                    figure=number, field="alt"))
    return CheckResult.from_findings(CHECK, path, findings)

"""The outcome of checking files: per file, each check that ran (or could not), its findings, and the exit code.

A check that could not run is "incomplete" and is never shown or counted as passed. Every finding has a stable
code (`exporter schema --check` lists them) and names, where they apply, the article, figure, field and page;
the file and its format come from the result it belongs to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from exporter.checks.facts import DocumentFacts
from exporter.errors import ExitCode

Status = Literal["passed", "failed", "not_installed", "crashed", "unreadable"]
REPORT_VERSION = 1
FORMAT_NAMES = {".pdf": "PDF", ".epub": "EPUB", ".docx": "DOCX", ".html": "HTML", ".htm": "HTML"}


def format_name(path: Path) -> str | None:
    """PDF, EPUB, DOCX or HTML, from the file's extension; None for a type `exporter check` does not know."""
    return FORMAT_NAMES.get(path.suffix.lower())


@dataclass(frozen=True)
class Finding:
    code: str  # stable: e.g. "PDF-CONTENT-UNREACHABLE", "FACT-DIFFERS", "EPUBCHECK-RSC-005"
    message: str  # one line for people; it already names the place
    article: int | None = None  # 1-based, when the file holds several articles (a packet)
    figure: int | None = None  # 1-based, counted through the whole file as every format numbers them
    field: str | None = None  # e.g. "alt", "credit", "language", "source_url"
    page: int | None = None  # PDF page, 1-based
    location: str | None = None  # a place inside the file the numbers above do not give (XHTML part, paragraph)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self, target: Path) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "file": str(target),
            "format": format_name(target),
            "article": self.article,
            "figure": self.figure,
            "field": self.field,
            "page": self.page,
            "location": self.location,
        }


@dataclass
class CheckResult:
    check: str  # e.g. "EPUBCheck 5.3.0", "page-validation PDF/UA-1", "structure", "consistency"
    target: Path
    status: Status
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str = ""

    @property
    def exit_code(self) -> ExitCode:
        return {
            "passed": ExitCode.OK,
            "failed": ExitCode.CHECK_FAILED,
            "unreadable": ExitCode.BAD_INPUT,
        }.get(self.status, ExitCode.INCOMPLETE)

    @classmethod
    def from_findings(cls, check: str, target: Path, findings: list[Finding], notes: list[str] | None = None):
        return cls(check, target, "failed" if findings else "passed", list(findings), notes or [])

    def as_dict(self) -> dict:
        return {
            "file": str(self.target),
            "format": format_name(self.target),
            "check": self.check,
            "status": self.status,
            "findings": [finding.as_dict(self.target) for finding in self.findings],
            "notes": self.notes,
            "reason": self.reason,
        }


@dataclass
class Inspection:
    """What one format module learned about one file: its check results, and the facts it read (None when the
    file could not be read; a result then says why)."""

    results: list[CheckResult]
    facts: list[DocumentFacts] | None


def overall_exit_code(results: list[CheckResult]) -> ExitCode:
    """The highest code any check earned (DESIGN.md's rule for batches): an incomplete check is never a pass."""
    return max((result.exit_code for result in results), default=ExitCode.OK)


STATUS_LABEL = {
    "passed": "passed",
    "failed": "FAILED",
    "not_installed": "NOT RUN (not installed)",
    "crashed": "NOT RUN (could not run)",
    "unreadable": "UNREADABLE",
}
VERDICT = {
    ExitCode.OK: "all checks passed",
    ExitCode.CHECK_FAILED: "some checks FAILED",
    ExitCode.BAD_INPUT: "some files could not be read",
    ExitCode.INCOMPLETE: "checks INCOMPLETE: some validators could not run",
}


def as_json(results: list[CheckResult]) -> str:
    """The report `exporter check --json` prints; its JSON Schema is `exporter schema --check`."""
    code = overall_exit_code(results)
    payload = {
        "report_version": REPORT_VERSION,
        "exit_code": int(code),
        "verdict": VERDICT[code],
        "results": [result.as_dict() for result in results],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def print_report(results: list[CheckResult]) -> None:
    """A table per person: one row per check, then one line per finding naming the file, the check and the code."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    table = Table(title="exporter check", show_lines=False)
    table.add_column("file")
    table.add_column("check")
    table.add_column("result")
    for result in results:
        style = {"passed": "green", "failed": "red", "unreadable": "red"}.get(result.status, "yellow")
        label = STATUS_LABEL[result.status]
        if result.findings:
            label += f" ({len(result.findings)})"
        table.add_row(str(result.target), result.check, f"[{style}]{label}[/{style}]")
    console.print(table)
    for result in results:
        for finding in result.findings:
            console.print(f"{result.target}: {result.check}: {finding}", markup=False)
        if result.status in ("not_installed", "crashed", "unreadable") and result.reason:
            console.print(f"{result.target}: {result.check}: {STATUS_LABEL[result.status]}: {result.reason}",
                          markup=False)
    console.print(VERDICT[overall_exit_code(results)], markup=False)

"""The outcome of checking files: per file, each check that ran (or could not), and the exit code.

A check that could not run is "incomplete" and is never shown or counted as passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from exporter.errors import ExitCode

Status = Literal["passed", "failed", "not_installed", "crashed", "unreadable"]


@dataclass
class CheckResult:
    check: str  # e.g. "EPUBCheck 5.3.0", "page-validation PDF/UA-1", "structure", "consistency"
    target: Path
    status: Status
    findings: list[str] = field(default_factory=list)
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
    def from_findings(cls, check: str, target: Path, findings: list[str], notes: list[str] | None = None):
        return cls(check, target, "failed" if findings else "passed", findings, notes or [])


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


def as_json(results: list[CheckResult]) -> str:
    payload = {
        "exit_code": int(overall_exit_code(results)),
        "results": [
            {
                "file": str(result.target),
                "check": result.check,
                "status": result.status,
                "findings": result.findings,
                "notes": result.notes,
                "reason": result.reason,
            }
            for result in results
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def print_report(results: list[CheckResult]) -> None:
    """A table per person: one row per check, then one line per finding naming the file and the place."""
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
    code = overall_exit_code(results)
    verdict = {ExitCode.OK: "all checks passed", ExitCode.CHECK_FAILED: "some checks FAILED",
               ExitCode.BAD_INPUT: "some files could not be read",
               ExitCode.INCOMPLETE: "checks INCOMPLETE: some validators could not run"}[code]
    console.print(verdict, markup=False)

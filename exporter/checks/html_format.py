"""Checks of HTML pages: structure (lang, title, one h1, alt on every img, labelled regions, no remote
resources), axe-core in an offline browser (every request outside the page's folder blocked and reported), the
alt-text rules, and the facts of each article."""

from __future__ import annotations

from pathlib import Path

from exporter.checks.alt_check import alt_text_result
from exporter.checks.facts import DocumentFacts
from exporter.checks.markup import page_facts, parse_page, structure_findings
from exporter.checks.report import CheckResult, Finding, Inspection

FORMAT = "HTML"


def inspect(paths: list[Path]) -> dict[Path, Inspection]:
    from exporter.checks.axe import run_axe

    inspections: dict[Path, Inspection] = {}
    for path in paths:
        try:
            root = parse_page(path.read_bytes())
        except (OSError, ValueError) as error:
            inspections[path] = Inspection([CheckResult("structure", path, "unreadable", reason=str(error))], None)
            continue
        found = page_facts(root)
        findings = structure_findings(root, page_name=path.name, prefix=FORMAT)
        inspections[path] = Inspection(
            [CheckResult.from_findings("structure", path, findings), alt_text_result(path, FORMAT, found)], found
        )
    pages = [path for path in paths if inspections[path].facts is not None]
    for path, outcome in run_axe(pages).items():
        inspections[path].results.insert(1, axe_result(path, outcome))
    return inspections


def facts(path: Path) -> list[DocumentFacts]:
    """What the page says, without validating it."""
    return page_facts(parse_page(path.read_bytes()))


def axe_result(path: Path, outcome) -> CheckResult:
    if not outcome.available:
        return CheckResult("axe-core", path, "not_installed", reason=outcome.reason)
    findings = [Finding(f"AXE-{v['id']}", f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}")
                for v in outcome.violations]
    findings += [Finding("HTML-REMOTE-REQUEST", f"the page tried to load {address[:120]!r} from outside its folder: "
                         "blocked (an output must not reference remote resources)") for address in outcome.remote]
    return CheckResult.from_findings("axe-core", path, findings, notes=outcome.notes)

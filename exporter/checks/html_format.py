"""Checks of HTML pages: structure (lang, title, one h1, alt on every img, labelled regions) and axe-core."""

from __future__ import annotations

from pathlib import Path

from exporter.checks.facts import DocumentFacts
from exporter.checks.markup import page_facts, parse_page, structure_findings
from exporter.checks.report import CheckResult


def validate(paths: list[Path]) -> dict[Path, list[CheckResult]]:
    from exporter.checks.axe import run_axe

    results: dict[Path, list[CheckResult]] = {}
    for path in paths:
        root = parse_page(path.read_bytes())
        results[path] = [CheckResult.from_findings("structure", path, structure_findings(root, page_name=path.name))]
    for path, outcome in run_axe(paths).items():
        if not outcome.available:
            results[path].append(CheckResult("axe-core", path, "not_installed", reason=outcome.reason))
        else:
            findings = [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in outcome.violations]
            results[path].append(CheckResult.from_findings("axe-core", path, findings))
    return results


def facts(path: Path) -> list[DocumentFacts]:
    return page_facts(parse_page(path.read_bytes()))

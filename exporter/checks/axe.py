"""axe-core in an offline headless Chromium (`browser.py`), for HTML pages. Reports "not available" distinctly
from "passed", and every request the page tried to make outside its own folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from exporter.checks.browser import OfflineBrowser, find_chromium
from exporter.resources import _PACKAGE


@dataclass
class AxeResult:
    available: bool
    violations: list[dict] = field(default_factory=list)
    reason: str = ""
    remote: list[str] = field(default_factory=list)  # requests outside the page's folder, blocked
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.available and not self.violations


def find_axe_script() -> Path | None:
    candidates = [
        os.environ.get("AXE_CORE_JS", ""),
        _PACKAGE.parent / "tools/node_modules/axe-core/axe.min.js",
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def run_axe(pages: list[Path]) -> dict[Path, AxeResult]:
    """Run axe-core on each page in one browser session."""
    script, browser_path = find_axe_script(), find_chromium()
    if script is None or browser_path is None:
        missing = "axe-core (npm)" if script is None else "Chromium"
        return {page: AxeResult(False, reason=f"{missing} is not installed") for page in pages}
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return {page: AxeResult(False, reason="playwright (Python) is not installed") for page in pages}
    source = script.read_text(encoding="utf-8")
    results: dict[Path, AxeResult] = {}
    try:
        with OfflineBrowser(browser_path) as browser:
            notes = [browser.sandbox_note] if browser.sandbox_note else []
            for path in pages:
                results[path] = _check_page(browser, path, source, notes)
    except Exception as error:  # noqa: BLE001 - any browser failure means "could not run", never "passed"
        reason = f"Chromium could not run ({(str(error).strip().splitlines() or [type(error).__name__])[0]})"
        return {page: results.get(page) or AxeResult(False, reason=reason) for page in pages}
    return results


def _check_page(browser: OfflineBrowser, path: Path, source: str, notes: list[str]) -> AxeResult:
    page, loaded = browser.open(path)
    try:
        # Evaluated through the DevTools protocol: it runs although the page's CSP allows no script at all.
        page.evaluate(source)
        report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        page.close()
    violations = [
        {"id": v["id"], "impact": v.get("impact"), "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
        for v in report["violations"]
    ]
    remote = list(dict.fromkeys([*loaded.blocked, *loaded.refused]))
    return AxeResult(True, violations, remote=remote, notes=list(notes))

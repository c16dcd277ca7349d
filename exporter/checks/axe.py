"""axe-core in headless Chromium, for HTML pages. Reports "not available" distinctly from "passed"."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from exporter.resources import _PACKAGE

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class AxeResult:
    available: bool
    violations: list[dict] = field(default_factory=list)
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.available and not self.violations


def find_axe_script() -> Path | None:
    candidates = [
        os.environ.get("AXE_CORE_JS", ""),
        _PACKAGE.parent / "tools/node_modules/axe-core/axe.min.js",
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def find_chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def run_axe(pages: list[Path]) -> dict[Path, AxeResult]:
    """Run axe-core on each page (file paths) in one browser session."""
    script, browser_path = find_axe_script(), find_chromium()
    if script is None or browser_path is None:
        missing = "axe-core (npm)" if script is None else "Chromium"
        return {page: AxeResult(False, reason=f"{missing} is not installed") for page in pages}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {page: AxeResult(False, reason="playwright (Python) is not installed") for page in pages}
    results: dict[Path, AxeResult] = {}
    source = script.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_FLAGS, headless=True)
        except Exception as error:  # noqa: BLE001 - any launch failure means "could not run", never "passed"
            reason = f"Chromium could not start ({str(error).splitlines()[0]})"
            return {page: AxeResult(False, reason=reason) for page in pages}
        try:
            context = browser.new_context()
            # Pages must not reach the network; their own files (images, fonts) are served from disk.
            context.route("http*://**", lambda route: route.abort())
            for page_path in pages:
                page = context.new_page()
                page.goto(page_path.resolve().as_uri(), wait_until="load")
                page.add_script_tag(content=source)
                report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                violations = [
                    {
                        "id": v["id"],
                        "impact": v.get("impact"),
                        "help": v["help"],
                        "targets": [n["target"] for n in v["nodes"]],
                    }
                    for v in report["violations"]
                ]
                results[page_path] = AxeResult(True, violations)
                page.close()
        finally:
            browser.close()
    return results

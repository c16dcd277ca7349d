"""axe-core in headless Chromium finds no violations on the HTML pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.checks.axe import run_axe
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_html_pages_have_no_axe_violations(tmp_path: Path, exporter_cli) -> None:
    sources = sorted(SAMPLES.glob("*.md")) + sorted(SAMPLES.glob("*.yaml"))
    result = exporter_cli("build", *sources, "--to", "html", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    pages = sorted(tmp_path.glob("*.html"))
    assert len(pages) == len(sources)
    results = run_axe(pages)
    for page, outcome in results.items():
        assert outcome.available, f"axe-core could not run: {outcome.reason}"
        assert outcome.violations == [], f"{page.name}: {outcome.violations}"

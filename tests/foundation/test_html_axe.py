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


def test_a_packet_of_articles_with_the_same_title_names_each_region_apart(tmp_path: Path, exporter_cli) -> None:
    """A correction and the story it corrects often share a title: each article's source and notes regions are
    named by their heading and the title, so the article's place in the packet tells them apart."""
    for name in ("first", "second"):
        (tmp_path / f"{name}.md").write_text(
            f"---\ntitle: Base opens its gates\nsource:\n  url: https://www.af.mil/{name}\n---\n\n"
            f"The {name} story.[^1]\n\n[^1]: A note on the {name} story.\n", encoding="utf-8")
    (tmp_path / "packet.yaml").write_text("title: Corrections\narticles:\n  - first.md\n  - second.md\n",
                                          encoding="utf-8")
    result = exporter_cli("build", tmp_path / "packet.yaml", "--to", "html", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = tmp_path / "out" / "packet.html"
    outcome = run_axe([page])[page]
    assert outcome.available, f"axe-core could not run: {outcome.reason}"
    assert outcome.violations == []
    assert '<span id="article-2-place" hidden>Article 2</span>' in page.read_text(encoding="utf-8")

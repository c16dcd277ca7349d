"""The PDF as pages (issue 19): every sample and the sample packet, rendered at low resolution.

- blank-page rule: no page but the last of an article (or of the packet's cover and contents) is more than 40%
  blank;
- lone-image rule: every page has text in its text area (a decorative image never stands alone on a page);
- font rule: Greek and Cyrillic stay in the family of their role (Noto Serif in serif text, Noto Sans in sans).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_ARTICLES, SAMPLES, run_exporter
from tests.layout.pages import mixed_script_spans, rendered_pages, unit_last_pages

pytestmark = pytest.mark.slow

MAX_BLANK_SHARE = 0.40
PACKET = SAMPLES / "press-packet.yaml"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("layout")
    sources = [*SAMPLE_ARTICLES, PACKET]
    result = run_exporter("build", *sources, "--to", "pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    return {source.stem: out / f"{source.stem}.pdf" for source in sources}


def outline_levels(name: str) -> int:
    return 2 if name == PACKET.stem else 1


@pytest.mark.parametrize("name", [*(path.stem for path in SAMPLE_ARTICLES), PACKET.stem])
def test_pages_are_filled_and_never_hold_only_an_image(pdfs, name):
    pdf = pdfs[name]
    exempt = unit_last_pages(pdf, outline_levels(name))
    for page in rendered_pages(pdf):
        assert page.text, f"{name} page {page.number} holds no text (an image alone)"
        if page.number not in exempt:
            assert page.blank_share <= MAX_BLANK_SHARE, f"{name} page {page.number} is {page.blank_share:.0%} blank"


@pytest.mark.parametrize("name", [*(path.stem for path in SAMPLE_ARTICLES), PACKET.stem])
def test_greek_and_cyrillic_keep_their_role_family(pdfs, name):
    assert mixed_script_spans(pdfs[name]) == []

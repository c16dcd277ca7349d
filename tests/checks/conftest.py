"""Outputs to check, built once per session in-process (no validators run here): the torture sample, which
has every block (figures, a placeholder, media, links, tables, headings), in all four formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.options import BuildOptions
from exporter.pipeline import export
from tests.conftest import SAMPLES

FORMATS = ("html", "pdf", "epub", "docx")
TORTURE = "torture-every-block"


def build(source: Path, out: Path, formats: tuple[str, ...] = FORMATS, **options) -> dict[str, Path]:
    result = export(source, BuildOptions(formats=formats, out_dir=out, **options))
    assert result.error is None, result.error
    return {path.suffix[1:]: path for path in result.outputs}


@pytest.fixture(scope="session")
def torture(tmp_path_factory) -> dict[str, Path]:
    """format -> the torture sample in that format (do not modify: copy first)."""
    return build(SAMPLES / f"{TORTURE}.md", tmp_path_factory.mktemp("torture"))

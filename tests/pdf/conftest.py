"""PDF fixtures: every sample and the generated long article, built once per session through the CLI (as a
user would), in both profiles; plus plain WeasyPrint's rendering of the same HTML, to show each defect."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXED_EPOCH, SAMPLE_ARTICLES, run_exporter

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdf_long_article import write_long_article


def _build(sources: list[Path], out: Path, *extra: str) -> dict[str, Path]:
    result = run_exporter("build", *sources, "--to", "pdf", "--out", out, *extra)
    if result.returncode != 0:
        pytest.fail(f"exporter build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    outputs = {source.stem: out / f"{source.stem}.pdf" for source in sources}
    for path in outputs.values():
        assert path.is_file(), f"{path} was not written"
    return outputs


@pytest.fixture(scope="session")
def long_article_source(tmp_path_factory) -> Path:
    return write_long_article(tmp_path_factory.mktemp("long-article"))


@pytest.fixture(scope="session")
def pdf_sources(long_article_source) -> dict[str, Path]:
    return {path.stem: path for path in [*SAMPLE_ARTICLES, long_article_source]}


@pytest.fixture(scope="session")
def pdf_outputs(pdf_sources, tmp_path_factory) -> dict[str, Path]:
    """name -> PDF (profile ua, US Letter) for every sample and the long article."""
    return _build(list(pdf_sources.values()), tmp_path_factory.mktemp("pdf-ua"))


@pytest.fixture(scope="session")
def archive_outputs(pdf_sources, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf-archive")
    return _build(list(pdf_sources.values()), folder, "--pdf-profile", "archive")


@pytest.fixture(scope="session")
def render_context_for():
    """A RenderContext for one source, as the pipeline makes it (for in-process checks)."""
    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.options import BuildOptions
    from exporter.pipeline import prepare
    from exporter.readers import read_document
    from exporter.writers.base import RenderContext

    def make(source: Path, **option_values) -> RenderContext:
        options = BuildOptions(formats=("pdf",), **option_values)
        warnings = Warnings()
        document = prepare(read_document(source, options), source, options, warnings)
        confinement = Confinement.for_input(source.resolve().parent, allow_network=options.allow_network)
        return RenderContext(document, options, source, confinement, warnings, source.stem)

    return make


@pytest.fixture(scope="session")
def plain_weasyprint_outputs(pdf_sources, render_context_for, tmp_path_factory) -> dict[str, Path]:
    """The same print HTML rendered by WeasyPrint alone (pdf/ua-1, no repair pass)."""
    import weasyprint

    from exporter.writers.pdf import print_page
    from exporter.writers.pdf.render import confined_fetcher

    folder = tmp_path_factory.mktemp("pdf-plain")
    outputs = {}
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        for name in ("torture-every-block", "long-article"):
            context = render_context_for(pdf_sources[name])
            html, images = print_page(context)
            path = folder / f"{name}.pdf"
            base_url = context.base_dir.resolve().as_uri() + "/"
            fetcher = confined_fetcher(context.confinement, images)
            weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
                path, pdf_variant="pdf/ua-1"
            )
            outputs[name] = path
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return outputs

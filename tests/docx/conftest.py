"""Fixtures for the DOCX tests: each sample is built once per session, and LibreOffice and pandoc read the
results in batches."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from exporter.errors import Warnings
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.pipeline import export, prepare
from exporter.readers import read_document
from tests.conftest import FIXED_EPOCH, SAMPLE_ARTICLES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
PDF_UA_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)


@dataclass
class BuiltDocx:
    source: Path
    article: Article
    path: Path

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    def part(self, name: str) -> etree._Element:
        with zipfile.ZipFile(self.path) as archive:
            return etree.fromstring(archive.read(name))

    def names(self) -> list[str]:
        with zipfile.ZipFile(self.path) as archive:
            return archive.namelist()

    def image_at_hand(self, image: str) -> bool:
        return (self.source.parent / image).is_file()


def load_article(source: Path) -> Article:
    """The model the writer received: read and prepared exactly as the pipeline does."""
    options = BuildOptions(formats=("docx",))
    document = prepare(read_document(source, options), source, options, Warnings())
    assert isinstance(document, Article)
    return document


def build_docx(source: Path, out_dir: Path, **option_values) -> Path:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        result = export(source, BuildOptions(formats=("docx",), out_dir=out_dir, **option_values))
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    [path] = [p for p in result.outputs if p.suffix == ".docx"]
    return path


@pytest.fixture(scope="session")
def docx_builds(tmp_path_factory) -> dict[str, BuiltDocx]:
    out_dir = tmp_path_factory.mktemp("docx-samples")
    return {
        source.stem: BuiltDocx(source, load_article(source), build_docx(source, out_dir)) for source in SAMPLE_ARTICLES
    }


@pytest.fixture(scope="session")
def torture(docx_builds) -> BuiltDocx:
    return docx_builds["torture-every-block"]


@pytest.fixture(scope="session")
def official(docx_builds) -> BuiltDocx:
    return docx_builds["stoltenberg-ukraine-support"]


# ---------------------------------------------------------------- LibreOffice


def soffice_binary() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) is not installed: DOCX tests need it (.ci/run installs it)")
    return found


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Run LibreOffice headless with a private profile, so parallel sessions do not share one."""
    binary = soffice_binary()
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(files: list[Path], target: str, out_dir: Path) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        completed = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        extension = target.split(":", 1)[0]
        outputs = [out_dir / f"{f.stem}.{extension}" for f in files]
        missing = [p.name for p in outputs if not p.is_file()]
        if completed.returncode != 0 or missing:
            pytest.fail(f"LibreOffice did not convert {missing}: {completed.stdout}\n{completed.stderr}")
        return outputs

    return convert


@pytest.fixture(scope="session")
def libreoffice_pdfs(docx_builds, soffice, tmp_path_factory) -> dict[str, Path]:
    names = sorted(docx_builds)
    pdfs = soffice([docx_builds[n].path for n in names], PDF_UA_FILTER, tmp_path_factory.mktemp("lo-pdf"))
    return dict(zip(names, pdfs, strict=True))


@pytest.fixture(scope="session")
def libreoffice_resaved(docx_builds, soffice, tmp_path_factory) -> dict[str, Path]:
    names = sorted(docx_builds)
    saved = soffice([docx_builds[n].path for n in names], "docx", tmp_path_factory.mktemp("lo-docx"))
    return dict(zip(names, saved, strict=True))

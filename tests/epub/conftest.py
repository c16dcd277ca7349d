"""Fixtures for the EPUB tests: every sample is built once per session through the CLI, parsed here, and
validated by EPUBCheck and Ace in one batch."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from exporter.model import Article
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLE_ARTICLES, run_exporter

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CERTIFIER = "Example Accessibility Lab"


@dataclass
class Book:
    """An EPUB opened for inspection: the package document, the nav and the content documents."""

    path: Path
    data: bytes

    @property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.data))

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    @property
    def opf_path(self) -> str:
        container = etree.fromstring(self.read("META-INF/container.xml"))
        return container.find(".//c:rootfile", NS).get("full-path")

    @property
    def folder(self) -> str:
        return self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""

    @property
    def opf(self) -> etree._Element:
        return etree.fromstring(self.read(self.opf_path))

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.findall(f".//opf:metadata/opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.findall(f".//opf:metadata/dc:{name}", NS)]

    def manifest(self) -> list[etree._Element]:
        return self.opf.findall(".//opf:manifest/opf:item", NS)

    def document(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(self.folder + href))

    def spine_documents(self) -> list[tuple[str, etree._Element]]:
        items = {item.get("id"): item.get("href") for item in self.manifest()}
        hrefs = [items[ref.get("idref")] for ref in self.opf.findall(".//opf:spine/opf:itemref", NS)]
        return [(href, self.document(href)) for href in hrefs]

    def nav(self) -> etree._Element:
        href = next(i.get("href") for i in self.manifest() if "nav" in (i.get("properties") or "").split())
        return self.document(href)

    def articles(self) -> list[etree._Element]:
        """The content documents that hold articles (the nav document excluded)."""
        return [doc for _, doc in self.spine_documents() if doc.find(".//x:article", NS) is not None]


def load_article(path: Path) -> Article:
    document = read_document(path, BuildOptions()).document
    assert isinstance(document, Article)
    return document


def build(inputs: list[Path], out: Path, *extra: str) -> dict[str, Book]:
    """Build through the CLI, as a user would (SOURCE_DATE_EPOCH is fixed by run_exporter)."""
    result = run_exporter("build", *inputs, "--to", "epub", "--out", out, *extra)
    assert result.returncode == 0, result.stderr
    books = {}
    for path in inputs:
        epub = out / f"{path.stem}.epub"
        books[path.stem] = Book(epub, epub.read_bytes())
    return books


@pytest.fixture(scope="session")
def sample_books(tmp_path_factory) -> dict[str, Book]:
    return build(SAMPLE_ARTICLES, tmp_path_factory.mktemp("epub-samples"))


@pytest.fixture(scope="session")
def certified_torture_book(tmp_path_factory) -> Book:
    """The torture sample with a configured certifier and embedded fonts: the other metadata/font branch."""
    torture = next(p for p in SAMPLE_ARTICLES if p.stem.startswith("torture"))
    out = tmp_path_factory.mktemp("epub-certified")
    return build([torture], out, "--a11y-certifier", CERTIFIER, "--embed-fonts")[torture.stem]


SPANISH_ARTICLE = """---
title: Nota de prensa sobre el telescopio
dek: Una nota breve en español con una foto y una tabla.
byline: Oficina de Prensa
published: "2024-05-02"
language: es
source:
  url: https://www.usa.gov/es/nota-telescopio
  agency: Gobierno de los Estados Unidos
---

El telescopio espacial tomó esta imagen en 2012.

![Imagen de campo profundo publicada en 2012.](deep-field.jpg "Campo profundo"){FIGURE_ATTRIBUTES}

## Datos

| Año | Hecho |
|-----|-------|
| 2012 | Publicación |
""".replace(
    "{FIGURE_ATTRIBUTES}", '{alt="Miles de galaxias pequeñas sobre un fondo negro." credit="NASA, ESA"}'
)


@pytest.fixture(scope="session")
def spanish_book(tmp_path_factory) -> Book:
    """A Spanish article from a .gov source: fixed texts, nav and accessibility summary in Spanish."""
    folder = tmp_path_factory.mktemp("epub-es-input")
    image = next(SAMPLE_ARTICLES[0].parent.glob("images/*deep-field*.jpg"))
    (folder / "deep-field.jpg").write_bytes(image.read_bytes())
    source = folder / "nota.md"
    source.write_text(SPANISH_ARTICLE, encoding="utf-8")
    return build([source], tmp_path_factory.mktemp("epub-es"))["nota"]


@pytest.fixture(scope="session")
def models() -> dict[str, Article]:
    return {path.stem: load_article(path) for path in SAMPLE_ARTICLES}

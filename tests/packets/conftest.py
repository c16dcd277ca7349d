"""Fixtures for the press-packet tests (EPUB and DOCX halves of issue 7).

Each packet is built once per session through the CLI, as a user would (SOURCE_DATE_EPOCH fixed by
run_exporter): the sample packet `samples/press-packet.yaml`, and a multilingual packet (an English packet
holding a Spanish article) written here from the samples. Validators run on them in batches.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from exporter.model import Article, Figure, Packet
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLES, run_exporter
from tests.epub.conftest import Book

SAMPLE_PACKET = SAMPLES / "press-packet.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}

SPANISH_ARTICLE = """---
title: Nota de prensa sobre el telescopio
dek: Una nota breve en español con una foto.
byline: Oficina de Prensa
published: "2024-05-02"
language: es
source:
  url: https://www.usa.gov/es/nota-telescopio
  agency: Gobierno de los Estados Unidos
---

El telescopio espacial tomó esta imagen en 2012.

![Imagen de campo profundo publicada en 2012.](images/nasa-hubble-extreme-deep-field.jpg "Campo"){ATTRS}

## Datos

Una sección breve.
""".replace("{ATTRS}", '{alt="Miles de galaxias pequeñas sobre un fondo negro." credit="NASA, ESA" '
            'virin="120925-O-XD123-001"}')

MULTILINGUAL_PACKET = """title: Multilingual Packet
subtitle: An English packet with an article in Spanish
office: Test Desk
date: "2024-06-01"
language: en
articles:
  - eileen-collins.md
  - nota.md
  - torture-every-block.md
"""


@dataclass
class BuiltPacket:
    source: Path
    packet: Packet
    epub: Book
    docx_path: Path

    @property
    def docx(self) -> bytes:
        return self.docx_path.read_bytes()

    def docx_part(self, name: str = "word/document.xml") -> etree._Element:
        with zipfile.ZipFile(self.docx_path) as archive:
            return etree.fromstring(archive.read(name))

    def image_at_hand(self, figure: Figure) -> bool:
        return (self.source.parent / figure.image).is_file()


def load_packet(path: Path) -> Packet:
    document = read_document(path, BuildOptions()).document
    assert isinstance(document, Packet)
    return document


def copy_samples(folder: Path) -> Path:
    """The sample articles and their images in a folder of their own, so a test packet can list them."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in SAMPLES.glob("*.md"):
        shutil.copy(article, folder / article.name)
    shutil.copytree(SAMPLES / "images", folder / "images", dirs_exist_ok=True)
    return folder


def build_packet(source: Path, out: Path) -> BuiltPacket:
    result = run_exporter("build", source, "--to", "epub,docx", "--out", out)
    assert result.returncode == 0, result.stderr
    epub = out / f"{source.stem}.epub"
    docx = out / f"{source.stem}.docx"
    return BuiltPacket(source, load_packet(source), Book(epub, epub.read_bytes()), docx)


@pytest.fixture(scope="session")
def sample_packet(tmp_path_factory) -> BuiltPacket:
    return build_packet(SAMPLE_PACKET, tmp_path_factory.mktemp("packet-sample"))


@pytest.fixture(scope="session")
def multilingual_packet(tmp_path_factory) -> BuiltPacket:
    folder = copy_samples(tmp_path_factory.mktemp("packet-multilingual-input"))
    (folder / "nota.md").write_text(SPANISH_ARTICLE, encoding="utf-8")
    source = folder / "multilingual.yaml"
    source.write_text(MULTILINGUAL_PACKET, encoding="utf-8")
    return build_packet(source, tmp_path_factory.mktemp("packet-multilingual"))


@pytest.fixture(scope="session", params=["sample", "multilingual"])
def any_packet(request, sample_packet, multilingual_packet) -> BuiltPacket:
    return {"sample": sample_packet, "multilingual": multilingual_packet}[request.param]


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def article_of(packet: Packet, language: str) -> tuple[int, Article]:
    return next((index, a) for index, a in enumerate(packet.articles) if a.language == language)


# ---------------------------------------------------------------- reading the DOCX body


def docx_paragraphs(document: etree._Element) -> list[etree._Element]:
    """Body paragraphs in reading order, the TOC building block's included."""
    return list(document.find("w:body", NS).iter(f"{{{W}}}p"))


def docx_text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))


def docx_style(paragraph: etree._Element) -> str | None:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return style.get(f"{{{W}}}val") if style is not None else None


def docx_article_ranges(document: etree._Element) -> list[list[etree._Element]]:
    """The paragraphs of each article: from its Heading 1 up to the next one."""
    ranges: list[list[etree._Element]] = []
    for paragraph in docx_paragraphs(document):
        if docx_style(paragraph) == "Heading1":
            ranges.append([])
        if ranges:
            ranges[-1].append(paragraph)
    return ranges

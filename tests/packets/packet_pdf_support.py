"""Helpers for the press-packet PDF tests (tests/packets/test_packet_pdf.py): building packets through the
CLI, and reading a finished packet PDF back independently of the writer: the structure tree and marked-content
text through outloud (tests/pdf/pdf_inspect.py); the outline, link annotations and named destinations through
pikepdf.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from outloud.model import StructElem

from exporter.model import Packet
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLES, run_exporter
from tests.pdf.pdf_inspect import TaggedPdf, squash

SAMPLE_PACKET = SAMPLES / "press-packet.yaml"

# A Spanish article for a packet whose language is English: its Art must carry /Lang es, its English phrase
# /Lang en (it differs from the Spanish it sits in, though not from the packet's language).
SPANISH_ARTICLE = """---
title: La biblioteca del puerto abre un archivo de fotografías
dek: Una nota breve en español con una foto y una sección.
byline:
  organization: Oficina de Prensa del Puerto
published: "2024-05-02"
language: es
source:
  url: https://www.usa.gov/es/archivo-del-puerto
  agency: Gobierno de los Estados Unidos
---

El archivo reúne imágenes del puerto desde 1950. El nombre en inglés es [Harbor Photo Archive]{lang=en}.

![Vista de campo profundo del telescopio espacial.](images/{IMAGE} "Campo profundo"){ATTRS}

## Horario

El archivo abre de martes a sábado.
""".replace("{IMAGE}", "nasa-hubble-extreme-deep-field.jpg").replace(
    "{ATTRS}",
    '{alt="Miles de galaxias pequeñas sobre un fondo negro." credit="NASA, ESA" virin="120925-O-XD123-001"}',
)

MULTILINGUAL_PACKET = """title: Harbor and Space Packet
subtitle: An English packet that holds an article in Spanish
office: Packet Test Desk
date: "2024-06-01"
language: en
articles:
  - eileen-collins.md
  - archivo.md
  - stoltenberg-ukraine-support.md
"""


@dataclass
class BuiltPdfPacket:
    source: Path
    pdf_path: Path
    packet: Packet

    def tagged(self) -> TaggedPdf:
        return TaggedPdf(self.pdf_path)

    def image_at_hand(self, image: str) -> bool:
        return (self.source.parent / image).is_file()


def load_packet(path: Path) -> Packet:
    document = read_document(path, BuildOptions()).document
    assert isinstance(document, Packet)
    return document


def build_pdf_packet(source: Path, out: Path) -> BuiltPdfPacket:
    """`exporter build PACKET --to pdf` in a fresh process (SOURCE_DATE_EPOCH fixed by run_exporter)."""
    result = run_exporter("build", source, "--to", "pdf", "--out", out)
    assert result.returncode == 0, f"{result.returncode}\n{result.stdout}\n{result.stderr}"
    path = out / f"{source.stem}.pdf"
    assert path.is_file(), f"{path} was not written"
    return BuiltPdfPacket(source, path, load_packet(source))


def write_multilingual_packet(folder: Path) -> Path:
    """The sample articles and their images, a Spanish article, and a packet listing some of them."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in SAMPLES.glob("*.md"):
        shutil.copy(article, folder / article.name)
    shutil.copytree(SAMPLES / "images", folder / "images", dirs_exist_ok=True)
    (folder / "archivo.md").write_text(SPANISH_ARTICLE, encoding="utf-8")
    source = folder / "multilingual.yaml"
    source.write_text(MULTILINGUAL_PACKET, encoding="utf-8")
    return source


# ---------------------------------------------------------------- reading the structure tree


def document_element(pdf: TaggedPdf) -> StructElem:
    (root,) = [element for element in pdf.elements if element.type_raw == "Document"]
    return root


def articles(pdf: TaggedPdf) -> list[StructElem]:
    """The Art elements, in structure-tree order."""
    return pdf.of_type("Art")


def headings(element: StructElem) -> list[StructElem]:
    return [node for node in element.descendants() if node.is_heading]


def first_page(pdf: TaggedPdf, element: StructElem) -> int:
    """0-based index of the first page the element's content is drawn on."""
    pages = pdf.pages_of(element)
    assert pages, f"{element.type_raw} has no content"
    return min(pages)


def headline(element: StructElem) -> StructElem:
    """An article's headline: the first heading inside its Art."""
    found = headings(element)
    assert found, "an article without a heading"
    return found[0]


@dataclass
class TocEntry:
    title: str  # the link's text
    page_label: str  # the page number printed beside the link
    link: StructElem
    language: str | None  # /Lang of the link element


def toc_entries(pdf: TaggedPdf, contents_label: str = "Contents") -> list[TocEntry]:
    """The contents list: the L after the heading that reads `contents_label`; per item, its Link and the
    text of the item outside the link (the page number)."""
    (heading,) = [h for h in pdf.elements if h.is_heading and squash(pdf.text(h)) == contents_label]
    container = heading.parent
    (listing,) = [child for child in container.children if child.type_raw == "L"]
    entries = []
    for item in listing.children:
        assert item.type_raw == "LI", item.type_raw
        (link,) = [node for node in item.descendants() if node.type_raw == "Link"]
        outside = [
            pdf.own_text(node) for node in item.descendants() if node is not link and not _inside(node, link)
        ]
        entries.append(TocEntry(squash(pdf.text(link)), squash(" ".join(outside)), link, link.lang))
    return entries


def _inside(node: StructElem, ancestor: StructElem) -> bool:
    parent = node.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


def drawn_content(page: pikepdf.Page) -> bytes:
    """Everything a page draws: its content streams and, in a merged packet, the form XObjects they draw (the
    page furniture laid under each article page)."""
    content = b"\n".join(stream.read_bytes() for stream in _streams(page.obj.Contents))
    return content + b"".join(_form_content(xobject) for xobject in page.Resources.get("/XObject", {}).values())


def _streams(contents) -> list:
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _form_content(xobject) -> bytes:
    if xobject.get("/Subtype") != "/Form":
        return b""
    inner = xobject.get("/Resources", {}).get("/XObject", {})
    return b"\n" + xobject.read_bytes() + b"".join(_form_content(child) for child in inner.values())


# ---------------------------------------------------------------- outline, links, destinations


def page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def destination_page(pdf: pikepdf.Pdf, destination: pikepdf.Object) -> int:
    """The 0-based page of an explicit destination array, or of a named destination (Names/Dests)."""
    if isinstance(destination, pikepdf.String | pikepdf.Name):
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        destination = names[str(destination).lstrip("/")]
        if isinstance(destination, pikepdf.Dictionary):
            destination = destination.D
    return page_index(pdf)[destination[0].objgen]


@dataclass
class Bookmark:
    title: str
    page: int
    children: list[Bookmark]


def bookmarks(pdf: pikepdf.Pdf) -> list[Bookmark]:
    def convert(item) -> Bookmark:
        destination = item.destination
        if destination is None and item.action is not None:
            destination = item.action.D
        children = [convert(kid) for kid in item.children]
        return Bookmark(item.title, destination_page(pdf, destination), children)

    with pdf.open_outline() as outline:
        return [convert(item) for item in outline.root]


def link_annotation_destination(pdf: TaggedPdf, link: StructElem) -> int:
    """The page the link annotation(s) of a Link structure element lead to (all of them must agree)."""
    pages = set()
    for objgen in link.objrs:
        annotation = pdf.pdf.get_object(objgen)
        destination = annotation.get("/Dest")
        if destination is None:
            action = annotation.A
            assert action.S == "/GoTo", f"not an internal link: {action}"
            destination = action.D
        pages.add(destination_page(pdf.pdf, destination))
    assert len(pages) == 1, f"link annotations disagree or are missing: {pages}"
    return pages.pop()

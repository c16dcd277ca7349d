"""One small input of each kind the exporter reads, in two versions, for the tests that build every kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


def _markdown(folder: Path, words: str) -> Path:
    path = folder / "article.md"
    path.write_text(f"---\ntitle: Article {words}\n---\n\nThe body says {words}.\n\n> Quoted {words}.\n", "utf-8")
    return path


def _json(folder: Path, words: str) -> Path:
    path = folder / "article.json"
    body = [{"type": "paragraph", "children": f"The body says {words}."}]
    path.write_text(json.dumps({"title": f"Article {words}", "body": body}), "utf-8")
    return path


def _yaml(folder: Path, words: str) -> Path:
    path = folder / "article.yaml"
    path.write_text(f"title: Article {words}\nbody:\n  - type: paragraph\n    children: The body says {words}.\n")
    return path


def _html(folder: Path, words: str) -> Path:
    path = folder / "page.html"
    path.write_text(
        f"<html lang=en><head><title>Article {words}</title></head><body><article><h1>Article {words}</h1>"
        f"<p>The body says {words}.</p></article></body></html>",
        "utf-8",
    )
    return path


def _text(folder: Path, words: str) -> Path:
    path = folder / "capture.txt"
    path.write_text(f"Article {words}\n\nThe body says {words}.\n\nAnother paragraph.\n", "utf-8")
    return path


def _docx(folder: Path, words: str) -> Path:
    import docx

    path = folder / "draft.docx"
    document = docx.Document()
    document.add_heading(f"Article {words}", 1)
    document.add_paragraph(f"The body says {words}.")
    document.save(path)
    return path


def _packet(folder: Path, words: str) -> Path:
    _markdown(folder, words)
    path = folder / "packet.yaml"
    path.write_text(f"title: Packet {words}\narticles:\n  - article.md\n", "utf-8")
    return path


# kind -> writes the input into a folder, saying `words`, and returns its path
INPUT_KINDS: dict[str, Callable[[Path, str], Path]] = {
    "markdown": _markdown,
    "json": _json,
    "yaml": _yaml,
    "html": _html,
    "text": _text,
    "docx": _docx,
    "packet": _packet,
}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path (temporaries included: they would make states differ)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def temporaries(folder: Path) -> list[str]:
    """Hidden files a build left (the incremental-build manifest is no temporary: it stays by design)."""
    from exporter.run.manifest import MANIFEST_NAME

    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != MANIFEST_NAME)


def output_text(path: Path) -> str:
    """The text a reader gets from an output, in any format, with the link and image attributes it carries
    (href, src, alt, title): what the input's words must all reach."""
    import zipfile

    from lxml import etree, html

    def markup_text(data: bytes, parse) -> str:
        root = parse(data)
        attributes = [
            value for element in root.iter() if isinstance(element.tag, str)
            for name, value in element.attrib.items()
            if etree.QName(name).localname in ("href", "src", "alt", "title", "descr")
        ]
        return " ".join(["".join(root.itertext()), *attributes])

    suffix = path.suffix.lower()
    if suffix == ".html":
        return markup_text(path.read_bytes(), html.document_fromstring)
    if suffix == ".pdf":
        import pymupdf

        with pymupdf.open(path) as document:
            return " ".join(page.get_text() for page in document)
    with zipfile.ZipFile(path) as package:
        names = [n for n in package.namelist() if n.endswith((".xhtml", ".xml")) and "META-INF" not in n]
        return " ".join(markup_text(package.read(name), etree.fromstring) for name in names)

"""DOCX reader: drafts we exported, edited in Word or LibreOffice (or written by pandoc), back into the model.

    exporter import edited.docx -o article.md     # images land in article_files/<VIRIN>.jpg
    exporter build edited.docx --to pdf,epub,docx # images rendered straight from the DOCX, nothing extracted

The file is untrusted: `package` bounds the ZIP and parses XML without DTDs or entities; `media` refuses
decompression bombs. `scan` flattens WordprocessingML, `blocks` rebuilds the body (headings, paragraphs,
quotes, lists, tables, figures with their caption paragraphs, media), `metadata` reconciles the visible header
and provenance block with the custom document properties the DOCX writer stored.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.readers import ReadResult
from exporter.readers.docx.blocks import BodyReader
from exporter.readers.docx.media import extract_images, relocate_images
from exporter.readers.docx.metadata import (
    MetadataReader,
    core_properties,
    custom_properties,
    document_language,
)
from exporter.readers.docx.package import Package
from exporter.readers.docx.scan import Scanner
from exporter.readers.docx.styles import Numbering, Styles, w

__all__ = ["read", "relocate_images"]


def read(path: Path, options: BuildOptions) -> ReadResult:
    if path.is_dir():
        raise ExportError("is a folder, not a file", file=path)
    package = Package(path)
    main = package.main_document()
    related_parts = {rel.type.rsplit("/", 1)[-1]: rel.target for rel in package.relationships(main).values()}
    styles = Styles.parse(_optional_xml(package, related_parts.get("styles")))
    numbering = Numbering(_optional_xml(package, related_parts.get("numbering")))
    stored = custom_properties(package)
    core = core_properties(package)
    language = document_language(stored, core, styles.default_language)

    root = package.xml(main)
    body_element = root.find(w("body"))
    if body_element is None:
        raise ExportError("refused: not a Word document (the main part has no body)", file=path)
    items = Scanner(package, main, styles).body_items(body_element)
    body = BodyReader(items, numbering, language).read()
    metadata = MetadataReader(body.header, stored, core, language).read()
    if not metadata.title:
        raise ExportError(
            "the DOCX has no headline: no Heading 1 or Title paragraph at the top and no title property",
            file=path,
        )
    warnings = body.warnings + metadata.warnings
    images = extract_images(package, body.figures, warnings, metadata.decorative_digests)
    try:
        article = Article(
            id=metadata.article_id,
            title=metadata.title,
            dek=metadata.dek,
            byline=metadata.byline,
            published=metadata.published,
            updated=metadata.updated,
            language=metadata.language,
            source=metadata.source,
            rights=metadata.rights,
            keywords=metadata.keywords,
            body=body.blocks,
            related=body.related,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise ExportError(
            f"the DOCX does not make a valid article: {where}: {first.get('msg')}", file=path
        ) from None
    result = ReadResult(article, [], [f"{path}: {message}" for message in warnings])
    # Embedded pictures travel in memory with the model (see `media`); `ReadResult.images` once the shared
    # dataclass has the field, an attribute until then.
    result.images = images  # type: ignore[attr-defined]
    return result


def _optional_xml(package: Package, name: str | None):
    if name is None or not package.has(name):
        return None
    return package.xml(name)

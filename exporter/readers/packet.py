"""A press packet file (YAML or JSON with `articles:`): packet metadata and an ordered list of sources.

Each article entry is a path relative to the packet file (any readable source) or an inline article.
Relative image paths of each article are rebased on the packet's folder so writers resolve them there.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exporter.confine import Confinement, is_remote
from exporter.errors import ExportError
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.locate import validation_error, yaml_line


def read(path: Path, options: BuildOptions) -> ReadResult:
    from exporter.readers.canonical import parse_data

    text = read_text(path)
    data = parse_data(path, text)
    if not isinstance(data, dict) or "articles" not in data:
        raise ExportError("a packet needs an 'articles:' list", file=path, line=1)
    return from_data(data, path, text, options)


def from_data(data: dict[str, Any], path: Path, text: str, options: BuildOptions) -> ReadResult:
    from exporter.readers import read_document
    from exporter.readers.canonical import article_from_data

    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        raise ExportError(
            "'articles' must be a non-empty list", file=path, line=yaml_line(text, ("articles",))
        )
    folder = path.parent
    confinement = Confinement.for_input(folder, options.images_dir)
    articles: list[Article] = []
    figure_lines: list[int | None] = []
    inline_image_lines: list[int | None] = []
    warnings: list[str] = []
    images: dict[str, bytes] = {}
    inputs: list[Path] = []
    article_files: list[Path | None] = []
    for index, entry in enumerate(entries):
        line = yaml_line(text, ("articles", index))
        if isinstance(entry, dict) and "title" in entry:
            articles.append(article_from_data(entry, path, text, prefix=("articles", index)))
            figure_lines += [line] * len(articles[-1].figures())
            inline_image_lines += [line] * len(articles[-1].inline_images())
            article_files.append(None)
            continue
        reference = entry.get("source") if isinstance(entry, dict) else entry
        if not isinstance(reference, str):
            raise ExportError(f"articles[{index}]: expected a file path or an article", file=path, line=line)
        try:
            source = confinement.local_path(reference, folder)
        except ExportError as error:
            raise error.located(path, line) from None
        if source.resolve() == path.resolve():
            raise ExportError(f"articles[{index}]: a packet cannot include itself", file=path, line=line)
        if source.is_dir():
            raise ExportError(f"articles[{index}]: {reference} is a folder: list the article files in it",
                              file=path, line=line)
        try:
            # --source-url names one article's source; in a packet each article keeps its own.
            result = read_document(source, replace(options, input_format=None, source_url=None))
        except ExportError as error:  # said at the packet's line too: which entry it was
            raise ExportError(f"articles[{index}]: {error}", file=path, line=line, code=error.code) from None
        if isinstance(result.document, Packet):
            raise ExportError(
                f"articles[{index}]: {reference} is a packet; packets do not nest", file=path, line=line
            )
        images.update(_claim_embedded_images(result, index))
        articles.append(_rebase_images(result.document, source.parent, folder))
        figure_lines += _aligned(result.figure_lines, len(result.document.figures()))
        inline_image_lines += _aligned(result.inline_image_lines, len(result.document.inline_images()))
        article_files.append(folder / reference)  # as the packet names it, for messages
        warnings += result.warnings
        inputs += result.inputs
    fields = {key: value for key, value in data.items() if key != "articles"}
    try:
        packet = Packet.model_validate({**fields, "articles": [a.model_dump() for a in articles]})
    except ValidationError as error:
        raise validation_error(error, file=path, text=text) from None
    return ReadResult(packet, figure_lines=figure_lines, inline_image_lines=inline_image_lines, warnings=warnings,
                      images=images, inputs=inputs, article_files=article_files)


def _aligned(lines: list[int | None], count: int) -> list[int | None]:
    """One line (or None) for each of `count` pictures, whatever the reader knew."""
    return [*lines[:count], *[None] * (count - len(lines))]


def _claim_embedded_images(result: ReadResult, index: int) -> dict[str, bytes]:
    """Pictures an article carries inside itself (DOCX media) get names unique in the packet; its figures
    are pointed at them (and are then left alone by the rebasing below)."""
    claimed: dict[str, bytes] = {}
    if not result.images or isinstance(result.document, Packet):
        return claimed
    for figure in result.document.figures():
        if figure.image in result.images:
            name = f"embedded:{index + 1}/{figure.image}"
            claimed[name] = result.images[figure.image]
            figure.image = name
    return claimed


def _rebase_images(article: Article, article_dir: Path, packet_dir: Path) -> Article:
    relative_dir = posixpath.relpath(article_dir.resolve().as_posix(), packet_dir.resolve().as_posix())
    if relative_dir == ".":
        return article
    for figure in article.figures():
        if not is_remote(figure.image) and not figure.image.startswith(("/", "file:", "embedded:")):
            figure.image = posixpath.normpath(posixpath.join(relative_dir, figure.image))
    return article

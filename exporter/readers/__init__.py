"""Readers turn a source file into the canonical model. None of them knows any writer.

Each reader module has `read(path: Path, options: BuildOptions) -> ReadResult`.
The input kind comes from the file's extension and documented keys (a YAML file with `articles:` is a
packet); `--from` overrides it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from exporter.confine import read_regular_file
from exporter.errors import ExportError
from exporter.limits import check_model_limits
from exporter.model import Article, Packet
from exporter.options import BuildOptions

READERS: dict[str, str] = {
    "markdown": "exporter.readers.markdown",
    "json": "exporter.readers.canonical",
    "yaml": "exporter.readers.canonical",
    "packet": "exporter.readers.packet",
    "html": "exporter.readers.html_page",
    "text": "exporter.readers.text_capture",
    "dvids": "exporter.readers.dvids",
    "docx": "exporter.readers.docx",
}

EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".docx": "docx",
}

MAX_TEXT_INPUT_BYTES = 64 * 1024 * 1024


@dataclass
class ReadResult:
    document: Article | Packet
    # Line in the source file of each figure, in `Article.figures()` order, where the reader knows it.
    figure_lines: list[int | None] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Pictures the input carries inside itself (DOCX media), by the `Figure.image` reference naming them.
    images: dict[str, bytes] = field(default_factory=dict)
    # Every local file the document was read from (the input, a packet's entries): no output may replace one.
    inputs: list[Path] = field(default_factory=list)
    # Line of each picture inside running text, in `Article.inline_images()` order, where the reader knows it.
    inline_image_lines: list[int | None] = field(default_factory=list)
    # A packet's: the file each article was read from, whose lines its pictures' lines are (None: the article
    # is written in the packet itself).
    article_files: list[Path | None] = field(default_factory=list)


def read_text(path: Path) -> str:
    """Read a text source as UTF-8 (a BOM is allowed); anything else is one clear error."""
    data = read_regular_file(path, MAX_TEXT_INPUT_BYTES, "text input")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportError("is not valid UTF-8 text", file=path, line=line) from None


def detect_kind(path: Path, options: BuildOptions) -> str:
    if options.input_format:
        kind = options.input_format
        if kind not in READERS:
            raise ExportError(f"--from {kind}: unknown input kind (known: {', '.join(sorted(READERS))})")
        return kind
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise ExportError(
            f"cannot tell the input kind from the extension {path.suffix!r}; use --from "
            f"({', '.join(sorted(READERS))})",
            file=path,
        )
    return kind


def read_document(path: Path, options: BuildOptions) -> ReadResult:
    if not path.exists():
        raise ExportError("no such file", file=path)
    kind = detect_kind(path, options)
    module = importlib.import_module(READERS[kind])
    try:
        result: ReadResult = module.read(path, options)
        check_model_limits(result.document)
    except ExportError as error:
        raise error.located(path) from None
    result.inputs.insert(0, path)
    return result

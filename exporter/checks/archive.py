"""EPUB and DOCX files are ZIP packages from anywhere: before any validator or reader opens one, it is read with
the importers' limits (entry count, expanded size, compression ratio, names that stay inside the package), so a
ZIP bomb is refused in one line instead of filling the memory or the disk of the machine that checks it."""

from __future__ import annotations

from pathlib import Path

from exporter.errors import ExportError
from exporter.readers.docx.package import Package


class UnreadableFile(Exception):
    """The file is not what its extension says, is damaged, or is refused (a one-line reason)."""


def open_package(path: Path) -> Package:
    """Every part of the package, read within the limits; raises UnreadableFile with the refusal."""
    try:
        return Package(path)
    except ExportError as error:
        raise UnreadableFile(error.problem) from None

"""A DOCX opened as untrusted input: the ZIP container and its XML parts, with limits on everything.

A DOCX is a ZIP of XML parts linked by relationship files (Open Packaging Conventions). Anyone can send one,
sobefore any byte is parsed: entry count, declared and actual uncompressed sizes and compression ratios are
bounded (zip bombs), part names may not climb out of the package (path traversal), relationship targets are
resolved inside the package only, and XML is parsed without DTDs, entities or network access (entity
expansion, external entities). Every refusal is one `ExportError` naming the problem.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from exporter.confine import read_regular_file
from exporter.errors import ExportError
from exporter.readers.docx.compat import resolve_alternate_content, to_transitional, transitional_name

MAX_ENTRIES = 2_000
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # one part, uncompressed (a 2000-pixel photo is a few MB)
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # the whole package, uncompressed
MAX_XML_PART_BYTES = 32 * 1024 * 1024
# Text XML compresses well (about 10:1, rarely 50:1); a bomb compresses 1000:1. Small entries are exempt:
# a ratio says nothing about a 20 kB part.
MAX_RATIO = 200
RATIO_CHECK_FROM_BYTES = 1024 * 1024
READ_CHUNK = 64 * 1024
XML_DEPTH_LIMIT = 256  # libxml2's own limit without huge-tree mode

PACKAGE_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "/officeDocument"
_DRIVE = re.compile(r"^[A-Za-z]:")
_DOCTYPE_MARKERS = (b"<!doctype", "<!doctype".encode("utf-16-le"), "<!doctype".encode("utf-16-be"))


def _refuse(path: Path, problem: str) -> ExportError:
    return ExportError(f"refused: {problem}", file=path)


def xml_parser() -> etree.XMLParser:
    """No DTD, no entity substitution, no network, no huge-tree mode (libxml2's depth and size limits)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def safe_part_name(name: str) -> bool:
    """A ZIP entry name that stays inside the package: relative, no `..`, no drive, no backslash, no NUL."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        return False
    return all(segment not in ("..", ".") for segment in name.split("/"))


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool


class Package:
    """The checked parts of one DOCX, read into memory (limits above keep that small)."""

    def __init__(self, source: Path | bytes) -> None:
        """`source`: the DOCX file, or its bytes already read (a checker holding the file under check)."""
        self.path = source if isinstance(source, Path) else Path("<docx>")
        self.parts: dict[str, bytes] = {}
        self.strict = False  # some part was Strict OOXML (read under its Transitional names)
        self._open(source if isinstance(source, bytes) else None)

    # ------------------------------------------------------------ container

    def _open(self, data: bytes | None) -> None:
        path = self.path
        if data is None:
            data = read_regular_file(path, MAX_TOTAL_BYTES, "DOCX files")
        elif len(data) > MAX_TOTAL_BYTES:
            raise _refuse(path, f"the package is larger than {MAX_TOTAL_BYTES} bytes")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise _refuse(path, "not a DOCX (not a ZIP package)") from None
        with archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise _refuse(
                    path, f"the package has {len(entries)} entries (more than {MAX_ENTRIES}): zip bomb?"
                )
            declared_total = 0
            seen: set[str] = set()
            for info in entries:
                name = info.filename
                if not safe_part_name(name):
                    raise _refuse(path, f"part name {name!r} points outside the package (path traversal)")
                if name.lower() in seen:
                    raise _refuse(path, f"part name {name!r} occurs twice")
                seen.add(name.lower())
                if info.flag_bits & 0x1:
                    raise _refuse(path, f"part {name!r} is encrypted")
                declared_total += info.file_size
                if info.file_size > MAX_ENTRY_BYTES:
                    raise _refuse(
                        path,
                        f"part {name!r} declares {info.file_size} bytes uncompressed: too large (zip bomb?)",
                    )
                self._check_ratio(info)
            if declared_total > MAX_TOTAL_BYTES:
                raise _refuse(
                    path, f"the package declares {declared_total} bytes uncompressed: too large (zip bomb?)"
                )
            actual_total = 0
            for info in entries:
                if info.is_dir():
                    continue
                data = self._read_entry(archive, info)
                actual_total += len(data)
                if actual_total > MAX_TOTAL_BYTES:
                    raise _refuse(path, "the package expands beyond its limit: zip bomb?")
                self.parts[info.filename] = data

    def _check_ratio(self, info: zipfile.ZipInfo) -> None:
        if info.file_size < RATIO_CHECK_FROM_BYTES:
            return
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            raise _refuse(
                self.path,
                f"part {info.filename!r} compresses {ratio:.0f}:1 (more than {MAX_RATIO}:1): zip bomb?",
            )

    def _read_entry(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """Stream the entry and stop at its declared size: a forged header cannot make it expand further."""
        limit = min(info.file_size, MAX_ENTRY_BYTES)
        chunks: list[bytes] = []
        size = 0
        try:
            with archive.open(info) as stream:
                while True:
                    chunk = stream.read(READ_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise _refuse(
                            self.path, f"part {info.filename!r} expands beyond its declared size: zip bomb?"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as error:
            raise _refuse(self.path, f"part {info.filename!r} is damaged ({error})") from None
        return b"".join(chunks)

    # ------------------------------------------------------------ parts

    def has(self, name: str) -> bool:
        return name in self.parts

    def xml(self, name: str) -> etree._Element:
        """A part parsed as XML; a DOCTYPE anywhere is refused before parsing (entity-expansion attacks).
        Strict OOXML names come back as Transitional ones, alternate content as the one branch read."""
        data = self.parts[name]
        if len(data) > MAX_XML_PART_BYTES:
            raise _refuse(self.path, f"XML part {name!r} is {len(data)} bytes: too large")
        lowered = data.lower()
        if any(marker in lowered for marker in _DOCTYPE_MARKERS) or b"<!entity" in lowered:
            raise _refuse(self.path, f"XML part {name!r} has a DOCTYPE or entity declarations")
        try:
            root = etree.fromstring(data, xml_parser())
        except etree.XMLSyntaxError as error:
            if "Excessive depth" in str(error):
                # libxml2 (without huge-tree mode) stops at this depth rather than recurse further.
                raise _refuse(
                    self.path, f"XML part {name!r}: elements nested more than {XML_DEPTH_LIMIT} levels deep (the limit)"
                ) from None
            raise _refuse(self.path, f"XML part {name!r} is not well-formed ({error})") from None
        if root is None:
            raise _refuse(self.path, f"XML part {name!r} is empty")
        self.strict = to_transitional(root) or self.strict
        resolve_alternate_content(root)
        return root

    def relationships(self, part_name: str) -> dict[str, Relationship]:
        """The relationships of a part (`""` for the package itself), targets resolved inside the package."""
        folder, base = posixpath.split(part_name)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels") if part_name else "_rels/.rels"
        if rels_name not in self.parts:
            return {}
        found: dict[str, Relationship] = {}
        for element in self.xml(rels_name).iter(f"{{{PACKAGE_RELATIONSHIPS_NS}}}Relationship"):
            rel_id, target = element.get("Id"), element.get("Target", "")
            rel_type = transitional_name(element.get("Type", ""))
            if not rel_id:
                continue
            external = element.get("TargetMode", "").lower() == "external"
            if not external:
                target = self.resolve(folder, target)
            found[rel_id] = Relationship(rel_id, rel_type, target, external)
        return found

    def resolve(self, folder: str, target: str) -> str:
        """An internal target relative to its source part's folder (or absolute from the package root)."""
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        normalized = posixpath.normpath(joined)
        if normalized.startswith("../") or normalized == ".." or not safe_part_name(normalized):
            raise _refuse(
                self.path, f"relationship target {target!r} points outside the package (path traversal)"
            )
        return normalized

    def main_document(self) -> str:
        for rel in self.relationships("").values():
            if rel.type.endswith(OFFICE_DOCUMENT) and not rel.external:
                if rel.target not in self.parts:
                    raise _refuse(self.path, f"the main document part {rel.target!r} is missing")
                return rel.target
        if "word/document.xml" in self.parts:
            return "word/document.xml"
        raise _refuse(self.path, "not a Word document (no main document part)")

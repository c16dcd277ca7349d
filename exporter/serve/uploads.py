"""Uploads are untrusted: they land in the job's own input folder under names that cannot leave it, within the
size limits, and a zip of a folder is unpacked with the limits the DOCX reader puts on its packages (entry count,
expanded size, compression ratio, names that stay inside, no links). Every refusal is an `UploadError` naming the
file and the problem; nothing of a refused upload is kept (the caller removes the job folder)."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from exporter.readers import EXTENSIONS
from exporter.readers.docx.package import MAX_ENTRIES, MAX_RATIO, RATIO_CHECK_FROM_BYTES, safe_part_name

COPY_CHUNK = 1024 * 1024
MAX_ENTRY_DEPTH = 32  # folders in a zip: an article's folder is a few deep; thousands end in a RecursionError
# What Pillow reads (an SVG would be offered and then refused by every build).
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff"})
ACCEPTED_EXTENSIONS = frozenset({*EXTENSIONS, *IMAGE_EXTENSIONS, ".zip"})


class UploadError(Exception):
    """One line for the person who uploaded: which file, what is wrong."""


class UploadTooLarge(UploadError):
    """Over the size limit (HTTP 413)."""


@dataclass
class Upload:
    name: str  # as the browser sent it
    stream: BinaryIO


def save_uploads(uploads: Iterable[Upload], folder: Path, max_bytes: int) -> None:
    """Write each upload into `folder` (unpacking zips); at most `max_bytes` in all, unpacked bytes included."""
    budget = [max_bytes]  # what is left, shared by every file and zip entry of this upload
    for upload in uploads:
        name = plain_file_name(upload.name)
        if Path(name).suffix.lower() == ".zip":
            unpack_zip(upload.stream, name, folder, budget)
        else:
            _write_new(folder / name, upload.stream, name, budget)


def plain_file_name(name: str) -> str:
    """A browser sends a bare file name; anything with a folder, a leading dot, a control character or an
    extension the exporter does not read is refused, never cleaned up into something else."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or name.startswith("."):
        raise UploadError(f"{name!r}: not a plain file name (no folders, no leading dot); refused")
    if not printable_and_short(name):
        raise UploadError(f"{name!r}: control characters or an over-long name; refused")
    if Path(name).suffix.lower() not in ACCEPTED_EXTENSIONS:
        raise UploadError(
            f"{name}: not a kind of file the exporter reads ({', '.join(sorted(ACCEPTED_EXTENSIONS))})"
        )
    return name


def printable_and_short(name: str) -> bool:
    """A file or folder name without control characters, of at most 200 bytes: one a page can link to."""
    return not any(ord(char) < 32 or ord(char) == 127 for char in name) and len(name.encode()) <= 200


def unpack_zip(stream: BinaryIO, name: str, folder: Path, budget: list[int]) -> None:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise UploadError(f"{name}: not a readable zip file") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UploadError(f"{name}: {len(entries)} entries (more than {MAX_ENTRIES}): zip bomb?; refused")
        for info in entries:
            _check_entry(info, name, budget[0])
        for info in entries:
            if info.is_dir():
                continue
            target = folder / info.filename
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as member:
                    _write_new(target, member, f"{name}: {info.filename}", budget, ratio_of=info)
            except OSError as error:  # a file and a folder of one name ("a", then "a/b.md")
                raise UploadError(f"{name}: entry {info.filename!r} cannot be written ({error.strerror})") from None
            except zipfile.BadZipFile as error:  # found while reading the entry: a bad CRC
                raise UploadError(f"{name}: entry {info.filename!r} is damaged ({error})") from None


def _check_entry(info: zipfile.ZipInfo, name: str, budget: int) -> None:
    entry = info.filename
    if not safe_part_name(entry.rstrip("/")) or any(part.startswith(".") for part in entry.split("/") if part):
        raise UploadError(f"{name}: entry {entry!r} points outside the folder (path traversal); refused")
    parts = [part for part in entry.split("/") if part]
    if len(parts) - 1 > MAX_ENTRY_DEPTH or not all(printable_and_short(part) for part in parts):
        raise UploadError(f"{name}: entry {entry!r}: control characters, an over-long name or folders more than "
                          f"{MAX_ENTRY_DEPTH} deep; refused")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadError(f"{name}: entry {entry!r} is a symbolic link; refused")
    if info.flag_bits & 0x1:
        raise UploadError(f"{name}: entry {entry!r} is encrypted; refused")
    if info.file_size > budget:
        raise UploadTooLarge(f"{name}: entry {entry!r} expands past the upload size limit (zip bomb?); refused")


def _write_new(
    target: Path, source: BinaryIO, label: str, budget: list[int], ratio_of: zipfile.ZipInfo | None = None
) -> None:
    """Copy with the byte budget counted as bytes arrive (a zip's declared sizes are not trusted); a file that
    already exists (the same name twice) is refused."""
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise UploadError(f"{label}: uploaded twice (names must be unique)") from None
    written = 0
    with os.fdopen(handle, "wb") as out:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise UploadTooLarge(f"{label}: the upload goes past the size limit; refused")
            if (
                ratio_of is not None
                and written > RATIO_CHECK_FROM_BYTES
                and written > MAX_RATIO * max(ratio_of.compress_size, 1)
            ):
                raise UploadError(f"{label}: compressed more than {MAX_RATIO}:1 (zip bomb?); refused")
            out.write(chunk)


def find_sources(folder: Path) -> list[Path]:
    """What to build from an upload folder: its packets if it has any (their articles are built as part of
    them), else every article source. Files inside a saved page's `*_files` folder are the page's parts."""
    candidates = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in EXTENSIONS
        and not any(part.endswith("_files") for part in path.relative_to(folder).parts[:-1])
    )
    packets = [path for path in candidates if is_packet(path)]
    return packets or candidates


def is_packet(path: Path) -> bool:
    """A YAML or JSON file with `articles:`: the canonical reader's own rule."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    from exporter.errors import ExportError
    from exporter.readers import read_text
    from exporter.readers.canonical import parse_data

    try:
        data = parse_data(path, read_text(path))
    except ExportError:
        return False  # the build reports what is wrong with it
    return isinstance(data, dict) and "articles" in data

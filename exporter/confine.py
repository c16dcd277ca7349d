"""Confinement: what readers and renderers may read. Regular files only, under the allowed folders, with a
size cap; the network only with --allow-network (`exporter.network`: https, public addresses, size and time
limits)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter.errors import ExportError

READ_CHUNK = 1024 * 1024
# Local images: the same cap as a downloaded one (exporter.network.MAX_DOWNLOAD_BYTES).
MAX_IMAGE_FILE_BYTES = 50 * 1024 * 1024


def is_remote(reference: str) -> bool:
    return urlsplit(reference).scheme.lower() in ("http", "https", "ftp")


@dataclass(frozen=True)
class Confinement:
    roots: tuple[Path, ...]
    allow_network: bool = False

    @classmethod
    def for_input(
        cls, input_dir: Path, images_dir: Path | None = None, *, allow_network: bool = False
    ) -> Confinement:
        from exporter.resources import fonts_dir, templates_dir

        roots = [input_dir, templates_dir(), fonts_dir()]
        if images_dir is not None:
            roots.append(images_dir)
        return cls(tuple(root.resolve() for root in roots), allow_network)

    def allows(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def local_path(self, reference: str, base: Path) -> Path:
        """The file a relative path or file: URL names, refused when it leaves the allowed folders."""
        parts = urlsplit(reference)
        scheme = parts.scheme.lower()
        if scheme == "file" or scheme == "":
            candidate = Path(unquote(parts.path))
        else:
            raise ExportError(f"{_shown(reference)}: {scheme}: references are not allowed")
        if any(ord(char) < 32 for char in str(candidate)):
            raise ExportError(f"{_shown(reference)}: a control character in a file name; refused")
        if not candidate.is_absolute():
            candidate = base / candidate
        if not self.allows(candidate):
            raise ExportError(
                f"{_shown(reference)} is outside the allowed folders (the input's folder and --images); refused"
            )
        return candidate.resolve()

    def fetch(self, url: str) -> bytes:
        """Download with limits (`exporter.network`); only with --allow-network."""
        if not self.allow_network:
            raise ExportError("network access is off (use --allow-network to fetch it)", file=url)
        from exporter.network import Fetcher

        return Fetcher().fetch(url)

    def read(self, path: Path, limit: int, what: str) -> bytes:
        """A file inside the allowed folders, read as `read_regular_file` reads it."""
        if not self.allows(path):
            raise ExportError(f"{path} is outside the allowed folders (the input's folder and --images); refused")
        return read_regular_file(path, limit, what)


def _shown(reference: str) -> str:
    """A reference as an error line quotes it: a long one (a data: URL's payload) cut short."""
    return repr(reference if len(reference) <= 100 else reference[:100] + "...")


def read_regular_file(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file, at most `limit` of them.

    A FIFO, a device or a socket could block for ever or never end, so only regular files are opened (checked
    before opening and again on the open file). The size the file system reports is not trusted either
    (files under /proc report 0, a growing file grows): reading stops one byte past the limit."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _not_regular(path)
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ExportError("no such file", file=path) from None
    except OSError as error:
        raise ExportError(f"cannot read ({error.strerror or error})", file=path) from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise _not_regular(path)
        os.set_blocking(handle, True)
        chunks: list[bytes] = []
        received = 0
        while chunk := os.read(handle, min(READ_CHUNK, limit + 1 - received)):
            received += len(chunk)
            if received > limit:
                raise ExportError(f"larger than the {_size(limit)} limit for {what}; refused", file=path)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise ExportError(f"cannot read ({error.strerror or error})", file=path) from None
    finally:
        os.close(handle)


def _not_regular(path: Path) -> ExportError:
    if path.is_dir():
        return ExportError("is a folder, not a file", file=path)
    return ExportError("is not a regular file (a device, pipe or socket); refused", file=path)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def inside_folder(path: Path, folder: Path) -> bool:
    """Whether `path`, symbolic links followed, is inside `folder`: the rule for a folder given as an input and
    for a packet's entries alike."""
    return Confinement((folder.resolve(),)).allows(path)

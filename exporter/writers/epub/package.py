"""Deterministic re-pack of the OCF container.

ebooklib stamps every ZIP entry with the current local time. The re-pack keeps ebooklib's entries and their
order, puts `mimetype` first and stored (OCF requires it uncompressed, with no extra field, at offset 0),
deflates the rest at fixed levels (base.zip_method), and gives every entry the same timestamp and attributes,
so the same input and SOURCE_DATE_EPOCH give a byte-identical file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from exporter.writers.base import zip_method

MIMETYPE = b"application/epub+zip"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry
_ZIP_LAST = (2107, 12, 31, 23, 59, 58)
_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
_UNIX = 3


def zip_timestamp(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """The build time in the range a ZIP entry can hold (seconds are stored in steps of two)."""
    even_second = moment.second - moment.second % 2
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, even_second)
    return max(_ZIP_EPOCH, min(_ZIP_LAST, stamp))


def repack(data: bytes, moment: datetime) -> bytes:
    stamp = zip_timestamp(moment)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    names = [name for name, _ in entries]
    if len(set(names)) != len(names):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"duplicate entries in the EPUB container: {duplicates}")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        target.writestr(_entry("mimetype", stamp, zipfile.ZIP_STORED), MIMETYPE)
        for name, content in entries:
            if name == "mimetype":
                continue
            compression, level = zip_method(name)
            target.writestr(_entry(name, stamp, compression), content, compresslevel=level)
    return output.getvalue()


def _entry(name: str, stamp: tuple[int, int, int, int, int, int], compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = compression
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE
    return info

"""Camera metadata removed from JPEG and PNG files without touching the compressed pixels.

An image that needs no resizing, rotation or colour conversion is passed on as its own compressed data less
everything but what decodes and colours it: re-encoding would cost time and lose quality (JPEG) for nothing.
Only files whose every segment or chunk is understood are stripped; anything else returns None and is
re-encoded by the caller."""

from __future__ import annotations

import struct
import zlib

# JPEG markers kept before the image data: JFIF (APP0), the Adobe colour transform (APP14), quantisation and
# Huffman tables, restart interval, and the frame headers of Huffman-coded baseline, extended and progressive
# JPEG (what every PDF reader, browser and word processor decodes). APP2 is kept only for ICC profile parts.
_JPEG_TABLES = {0xDB, 0xC4, 0xDD}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2}
_JPEG_APP0, _JPEG_APP2, _JPEG_APP14, _JPEG_COM = 0xE0, 0xE2, 0xEE, 0xFE
_JPEG_SOS, _JPEG_EOI = 0xDA, 0xD9
_ICC_SIGNATURE = b"ICC_PROFILE\x00"
# JFIF 1.01, no density, no thumbnail: some readers (python-docx among them) recognise a JPEG only by a JFIF or
# EXIF segment right after the start, and EXIF is what is being removed.
_JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"

# PNG chunks that decode the pixels or describe their colours; text, time, EXIF and private chunks are dropped.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_PIXELS = {b"IHDR", b"IDAT", b"IEND"}
_PNG_COLOUR = {b"sRGB", b"gAMA", b"cHRM", b"cICP", b"sBIT"}
_PNG_ICC = b"iCCP"


def strip_jpeg(data: bytes, *, keep_icc: bool) -> bytes | None:
    """The JPEG with only its decoding segments (and the ICC profile when `keep_icc`), or None when it holds
    something this does not understand (arithmetic coding, lossless or hierarchical frames, damage)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    out: list[bytes] = []
    position, frame_seen, jfif, rgb = 2, False, False, False
    while True:
        marker, position = _next_marker(data, position)
        if marker is None:
            return None
        if marker == _JPEG_EOI:
            if not frame_seen or (rgb and not jfif):
                return None  # a JFIF segment would make readers take the RGB samples for YCbCr
            return b"\xff\xd8" + (b"" if jfif else _JFIF) + b"".join(out) + b"\xff\xd9"
        if 0xD0 <= marker <= 0xD7:  # a restart marker outside scan data: damaged
            return None
        if position + 2 > len(data):
            return None
        (length,) = struct.unpack(">H", data[position : position + 2])
        end = position + length
        if length < 2 or end > len(data):
            return None
        segment = data[position - 2 : end]
        body = data[position + 2 : end]
        if marker in _JPEG_FRAMES:
            frame_seen = True
            out.append(segment)
        elif marker == _JPEG_APP0 and body.startswith(b"JFIF\x00") and not out:
            jfif = True
            out.append(segment)
        elif marker == _JPEG_APP14 and body.startswith(b"Adobe") and len(body) >= 12:
            rgb = body[11] == 0  # colour transform 0: the samples are RGB (or CMYK), not YCbCr
            out.append(segment)
        elif marker in _JPEG_TABLES:
            out.append(segment)
        elif marker == _JPEG_APP2:
            if keep_icc and body.startswith(_ICC_SIGNATURE):
                out.append(segment)
        elif marker == _JPEG_SOS:
            if not frame_seen:
                return None
            scan_end = _scan_end(data, end)
            if scan_end is None:
                return None
            out.append(data[position - 2 : scan_end])
            end = scan_end
        elif not (0xE0 <= marker <= 0xEF or marker == _JPEG_COM):
            return None  # another frame type or a marker this does not know
        position = end


def _next_marker(data: bytes, position: int) -> tuple[int | None, int]:
    """The marker at `position` (fill bytes 0xFF skipped) and where its segment starts."""
    if position >= len(data) or data[position] != 0xFF:
        return None, position
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data) or data[position] == 0x00:
        return None, position
    return data[position], position + 1


def _scan_end(data: bytes, position: int) -> int | None:
    """Where the entropy-coded data starting at `position` ends: the first 0xFF that is neither a stuffed
    zero nor a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return None
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


def strip_png(data: bytes, *, keep_icc: bool) -> bytes | None:
    """The PNG with only its pixel and colour chunks (and the ICC profile when `keep_icc`), or None when it is
    not a plain PNG (damaged, or animated: an APNG's frames would be lost)."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            return None
        chunk = data[position:end]
        if zlib.crc32(chunk[4:-4]) != struct.unpack(">I", chunk[-4:])[0]:
            return None
        if kind == b"acTL":
            return None
        if kind in _PNG_PIXELS or kind in _PNG_COLOUR or (kind == _PNG_ICC and keep_icc):
            out.append(chunk)
        if kind == b"IEND":
            return b"".join(out)
        position = end
    return None

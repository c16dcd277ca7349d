"""Pictures held inside a source as `data:` URIs (pandoc's `--embed-resources`, pages saved by SingleFile): decoded
to bytes that go with the article, as a DOCX's pictures do; never a file, never fetched."""

from __future__ import annotations

import base64
import binascii
import re

from exporter.confine import MAX_IMAGE_FILE_BYTES

DATA_IMAGE = re.compile(r"data:image/(?P<kind>png|jpeg|jpg|gif|webp|tiff|bmp);base64,(?P<data>[A-Za-z0-9+/=\s]*)\Z",
                        re.IGNORECASE)


def is_data_uri(reference: str | None) -> bool:
    return reference is not None and reference.strip().lower().startswith("data:")


def decode_picture(uri: str) -> tuple[bytes, str]:
    """The bytes of a base64 `data:image/...` URI and the file suffix of their kind. ValueError says why not."""
    match = DATA_IMAGE.match(uri.strip())
    if match is None:
        raise ValueError(f"a data: URL that is not a base64 picture ({uri.strip()[:40]}...)")
    text = re.sub(r"\s+", "", match.group("data"))
    if len(text) * 3 // 4 > MAX_IMAGE_FILE_BYTES:
        raise ValueError(f"a data: picture larger than {MAX_IMAGE_FILE_BYTES // (1024 * 1024)} MB; refused")
    try:
        data = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("a data: picture whose base64 text is damaged") from None
    return data, match.group("kind").lower().replace("jpeg", "jpg")

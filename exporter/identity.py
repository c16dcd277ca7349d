"""Time and identity: no output depends on the clock or on chance."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

from exporter.errors import ExportError
from exporter.model import Article, Packet

# Used when neither SOURCE_DATE_EPOCH nor the document gives a date.
FIXED_BUILD_TIME = datetime(2000, 1, 1, tzinfo=UTC)
CONTENT_NAMESPACE = uuid.UUID("6f1c5a52-3d4b-5e0e-9a57-3c1ad5b8e2a4")


def _parse(value: str) -> datetime:
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build_time(document: Article | Packet) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the document's own date, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ExportError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a time in whole seconds since 1970 (for example 1700000000)"
            ) from None
    own = document.date if isinstance(document, Packet) else (document.updated or document.published)
    if own is None and isinstance(document, Packet):
        dates = [a.updated or a.published for a in document.articles if a.updated or a.published]
        own = max(dates, key=_parse) if dates else None
    return _parse(own) if own else FIXED_BUILD_TIME


def document_uuid(document: Article | Packet) -> uuid.UUID:
    """UUID v5 of the source URL, or of the canonical content when there is no URL."""
    if isinstance(document, Article) and document.source.url:
        return uuid.uuid5(uuid.NAMESPACE_URL, document.source.url)
    canonical = document.model_dump_json(exclude_none=True)
    return uuid.uuid5(CONTENT_NAMESPACE, canonical)

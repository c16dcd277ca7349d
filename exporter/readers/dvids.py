"""DVIDS API records (the `/asset` response: `{"results": {...}}`, or the inner object alone).

Documented keys used: `id` ("image:366678"), `title`, `description` (the caption), `credit` (list of
`{name, rank, url}`), `virin`, `image` (the file URL), `date_published`, `date` (when shot), `unit_name`,
`keywords`. A record has no alt text: the figure is imported without it and building needs alt text added or
--alt-from-caption.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.model import Article, Figure, Media, Source, Text, is_virin
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.profiles.base import clean_virin, iso_date, squash

_ASSET_ID = re.compile(r"^(?P<kind>image|video|audio|news|graphic|publication):(?P<number>\d+)$")
_MEDIA_KINDS = {"video": "video", "audio": "audio"}


def record_of(data: Any) -> dict[str, Any] | None:
    """The asset object if `data` is a DVIDS record, else None (other JSON goes to the canonical reader)."""
    if not isinstance(data, dict):
        return None
    record = data.get("results") if isinstance(data.get("results"), dict) else data
    if not isinstance(record, dict):
        return None
    asset_id = str(record.get("id") or "")
    has_dvids_id = bool(_ASSET_ID.match(asset_id))
    has_virin = isinstance(record.get("virin"), str) and is_virin(record["virin"])
    has_credit_list = isinstance(record.get("credit"), list)
    if (has_dvids_id or has_virin) and has_credit_list and "title" in record and "body" not in record:
        return record
    return None


def is_dvids_record(data: Any) -> bool:
    return record_of(data) is not None


def read(path: Path, options: BuildOptions) -> ReadResult:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(f"malformed JSON: {error.msg}", file=path, line=error.lineno) from None
    return from_data(data, options, name=str(path))


def credit_text(credits: Any) -> str | None:
    names = []
    for entry in credits if isinstance(credits, list) else []:
        if isinstance(entry, dict):
            name = " ".join(part for part in (squash(entry.get("rank")), squash(entry.get("name"))) if part)
            if name:
                names.append(name)
        elif isinstance(entry, str) and squash(entry):
            names.append(squash(entry))
    return ", ".join(names) or None


def from_data(data: Any, options: BuildOptions, *, name: str) -> ReadResult:
    record = record_of(data)
    if record is None:
        raise ExportError("not a DVIDS API record (expected id, title, credit and virin keys)", file=name)
    title = squash(record.get("title"))
    if not title:
        raise ExportError("the DVIDS record has no title", file=name)
    caption = squash(record.get("description"))
    credit = credit_text(record.get("credit"))
    virin = clean_virin(record.get("virin")) if isinstance(record.get("virin"), str) else None
    match = _ASSET_ID.match(str(record.get("id") or ""))
    page_url = f"https://www.dvidshub.net/{match.group('kind')}/{match.group('number')}" if match else None
    image_url = record.get("image") if isinstance(record.get("image"), str) else None
    if image_url and not image_url.lower().startswith("https://"):
        image_url = None
    keywords = [squash(k) for k in str(record.get("keywords") or "").split(",") if squash(k)]
    warnings: list[str] = []

    kind = match.group("kind") if match else "image"
    block: Figure | Media
    if kind in _MEDIA_KINDS:
        block = Media(
            kind=_MEDIA_KINDS[kind],
            url=page_url,
            title=title,
            caption=[Text(text=caption)] if caption else [],
            credit=credit,
            virin=virin,
        )
    else:
        if not image_url:
            raise ExportError("the DVIDS record has no https image URL", file=name)
        block = Figure(
            image=image_url,
            alt=None,
            title=title,
            caption=[Text(text=caption)] if caption else [],
            credit=credit,
            virin=virin,
        )
        warnings.append(
            f"{name}: the DVIDS record has no alt text for its photo: add alt text to the imported file "
            "or build "
            "with --alt-from-caption"
        )
    source = Source(
        url=options.source_url or page_url,
        agency=squash(record.get("unit_name")) or None,
        site_name="DVIDS" if page_url else None,
    )
    try:
        article = Article(
            title=title,
            published=iso_date(record.get("date_published"))
            if isinstance(record.get("date_published"), str)
            else None,
            source=source,
            keywords=keywords,
            body=[block],
        )
    except ValidationError as error:
        raise ExportError(
            f"the DVIDS record gave an invalid article: {error.errors()[0]['msg']}", file=name
        ) from None
    figures = article.figures()
    return ReadResult(article, figure_lines=[None] * len(figures), warnings=warnings)

"""The model written back as a source: canonical JSON, YAML or Markdown (what `exporter import` writes)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from exporter.errors import ExportError, Warnings
from exporter.model import Article, Packet


def to_data(document: Article | Packet) -> dict:
    return document.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def to_json(document: Article | Packet) -> str:
    return json.dumps(to_data(document), indent=2, ensure_ascii=False) + "\n"


def to_yaml(document: Article | Packet) -> str:
    return yaml.safe_dump(to_data(document), allow_unicode=True, sort_keys=False, width=100)


def serialize(document: Article | Packet, output: Path, warnings: Warnings) -> bytes:
    """The document as `output`'s kind of source; what that kind cannot carry is said in `warnings`."""
    suffix = output.suffix.lower()
    if suffix == ".json":
        return to_json(document).encode("utf-8")
    if suffix in (".yaml", ".yml"):
        return to_yaml(document).encode("utf-8")
    if suffix in (".md", ".markdown"):
        if isinstance(document, Packet):
            raise ExportError(
                "a packet cannot be written as one Markdown file; use .json or .yaml", file=output
            )
        from exporter.markdown_source import not_carried, to_markdown

        for message in not_carried(document):
            warnings.warn(message)
        return to_markdown(document).encode("utf-8")
    raise ExportError("unknown output kind: use .md, .json or .yaml", file=output)

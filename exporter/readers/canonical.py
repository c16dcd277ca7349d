"""The model's own serialization, as JSON or YAML (field names as in the model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.locate import validation_error


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Any:
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise ExportError(f"malformed YAML: {error.problem or error}", file=path, line=line) from None
    except yaml.YAMLError as error:
        raise ExportError(f"malformed YAML: {error}", file=path) from None


def parse_data(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ExportError(f"malformed JSON: {error.msg}", file=path, line=error.lineno) from None
    return parse_yaml(text, path)


def read(path: Path, options: BuildOptions) -> ReadResult:
    text = read_text(path)
    data = parse_data(path, text)
    if isinstance(data, dict) and "articles" in data:
        from exporter.readers import packet

        return packet.from_data(data, path, text, options)
    if not isinstance(data, dict):
        raise ExportError("expected an article object (a mapping with title, body, ...)", file=path, line=1)
    return ReadResult(article_from_data(data, path, text))


def article_from_data(
    data: dict[str, Any], path: Path, text: str | None, prefix: tuple[Any, ...] = ()
) -> Article:
    try:
        return Article.model_validate(data)
    except ValidationError as error:
        raise validation_error(error, file=path, text=text, prefix=prefix) from None

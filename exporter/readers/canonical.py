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


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without the traps: duplicate keys are errors, and anchors/aliases (the "billion laughs"
    expansion) are refused."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(problem="YAML aliases (*name) are not supported", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(problem=f"duplicate key {key_node.value!r}",
                                               problem_mark=key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Any:
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise ExportError(f"malformed YAML: {error.problem or error}", file=path, line=line) from None
    except yaml.YAMLError as error:
        raise ExportError(f"malformed YAML: {error}", file=path) from None


def parse_data(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as error:
            raise ExportError(f"malformed JSON: {error.msg}", file=path, line=error.lineno) from None
        except ValueError as error:
            key = str(error).removeprefix("duplicate key ")
            rows = [n for n, row in enumerate(text.splitlines(), 1) if f"{key[1:-1]}\"" in row]
            line = rows[1] if len(rows) > 1 else None
            raise ExportError(f"malformed JSON: {error}", file=path, line=line) from None
    return parse_yaml(text, path)


def read(path: Path, options: BuildOptions) -> ReadResult:
    text = read_text(path)
    data = parse_data(path, text)
    from exporter.readers import dvids

    if dvids.is_dvids_record(data):  # a DVIDS API record is JSON too: its documented keys tell it apart
        return dvids.from_data(data, options, name=str(path))
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

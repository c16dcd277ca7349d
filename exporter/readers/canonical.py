"""The model's own serialization, as JSON or YAML (field names as in the model)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.limits import MAX_DATA_DEPTH, data_depth
from exporter.model import Article
from exporter.options import BuildOptions
from exporter.readers import ReadResult, read_text
from exporter.readers.locate import validation_error

# No field of the model holds a number this long; Python refuses to read numbers past 4300 digits anyway.
MAX_NUMBER_DIGITS = 30


class _NumberTooLong(ValueError):
    pass


def _too_many_digits() -> str:
    return f"a number with more than {MAX_NUMBER_DIGITS} digits (the limit)"


def _bounded_int(text: str) -> int:
    """JSON's integers, refused past MAX_NUMBER_DIGITS before Python converts them."""
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(_too_many_digits())
    return int(text)


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without the traps: duplicate keys are errors, anchors/aliases (the "billion laughs" expansion)
    are refused, nesting is bounded, numbers are bounded, and dates stay text (the model checks them, so
    `published: 2023-02-30` is reported on its line instead of failing inside the YAML library)."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(problem="YAML aliases (*name) are not supported", problem_mark=event.start_mark)
        if self._depth >= MAX_DATA_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"nested more than {MAX_DATA_DEPTH} levels deep (the limit)",
                problem_mark=self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(problem=f"duplicate key {key_node.value!r}",
                                               problem_mark=key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        if len(node.value) > MAX_NUMBER_DIGITS:
            raise yaml.MarkedYAMLError(problem=_too_many_digits(), problem_mark=node.start_mark)
        return super().construct_yaml_int(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_str)
# Implicit resolvers are per class: copy them before removing the timestamp one, so PyYAML's own stay intact.
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

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
    if path.suffix.lower() != ".json":
        return parse_yaml(text, path)
    too_deep = False
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        raise ExportError(f"malformed JSON: {error.msg}", file=path, line=error.lineno) from None
    except _NumberTooLong as error:
        raise ExportError(f"malformed JSON: {error}", file=path) from None
    except RecursionError:  # deeper than the parser can go: reported below, with the line past the limit
        data, too_deep = None, True
    except ValueError as error:
        key = str(error).removeprefix("duplicate key ")
        rows = [n for n, row in enumerate(text.splitlines(), 1) if f"{key[1:-1]}\"" in row]
        line = rows[1] if len(rows) > 1 else None
        raise ExportError(f"malformed JSON: {error}", file=path, line=line) from None
    if too_deep or data_depth(data) > MAX_DATA_DEPTH:
        raise ExportError(
            f"nested more than {MAX_DATA_DEPTH} levels deep (the limit); refused",
            file=path,
            line=_line_past_depth(text, MAX_DATA_DEPTH),
        )
    return data


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _line_past_depth(text: str, limit: int) -> int | None:
    """The line where JSON nesting first goes past `limit` (only run when it does)."""
    depth, line = 0, 1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > limit:
                return line
        elif token in "]}":
            depth -= 1
        else:
            line += token.count("\n")
    return None


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

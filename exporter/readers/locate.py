"""Turn a validation error's field path into the line of the source file that holds it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from pydantic import ValidationError

from exporter.errors import ExportError

# Discriminator values pydantic puts in an error's path after a list index.
UNION_TAGS = frozenset(
    [
        "text",
        "emphasis",
        "strong",
        "link",
        "line_break",
        "code",
        "span",
        "heading",
        "paragraph",
        "blockquote",
        "list",
        "figure",
        "media",
        "table",
    ]
)


@lru_cache(maxsize=4)
def _composed(text: str) -> yaml.Node | None:
    """The document's node tree, None when it does not parse. Kept for the next call: a packet asks for the
    line of each of its entries (re-parsing per entry made reading a packet quadratic)."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def yaml_line(text: str, path: tuple[Any, ...]) -> int | None:
    """1-based line of the node at `path` in a YAML (or JSON) document, or of its nearest parent."""
    node = _composed(text)
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            key_node = next(k for k, v in node.value if v is match)
            node, line = match, key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def describe(error: ValidationError) -> tuple[tuple[Any, ...], str]:
    """The first problem as (field path, message) in words a person can act on."""
    first = error.errors()[0]
    location: list[Any] = []
    for part in first["loc"]:
        is_union_tag = location and isinstance(location[-1], int) and part in UNION_TAGS
        if not is_union_tag and not (isinstance(part, str) and part[:1].isupper()):
            location.append(part)
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if first["type"] == "union_tag_invalid":
        message = (
            f"unknown type {first['input'].get('type')!r}" if isinstance(first["input"], dict) else message
        )
        expected = first.get("ctx", {}).get("expected_tags")
        if expected:
            message += f" (expected one of {expected})"
    elif first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] == "missing":
        message = "required field is missing"
    if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
        location.append("type")  # point at the offending `type:` line; the message names the block already
        dotted_location = location[:-1]
    else:
        dotted_location = location
    dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in dotted_location).replace(".[", "[")
    return tuple(location), f"{dotted}: {message}" if dotted else message


def validation_error(
    error: ValidationError,
    *,
    file: Any,
    text: str | None,
    line_offset: int = 0,
    prefix: tuple[Any, ...] = (),
    aliases: dict[str, str] | None = None,
) -> ExportError:
    """The error at its line; `aliases` (model field -> the key the source wrote, `lastmod` for `updated`) name
    the key as written."""
    location, message = describe(error)
    if aliases and location and location[0] in aliases:
        written = aliases[location[0]]
        message = written + message[len(str(location[0])):]
        location = (written, *location[1:])
    line = yaml_line(text, prefix + location) if text is not None else None
    return ExportError(message, file=file, line=None if line is None else line + line_offset)

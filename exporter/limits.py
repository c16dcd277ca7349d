"""How deep an input may nest: one limit for the model every reader produces, and the parser limits that protect
it. Every writer renders a model within these limits completely; anything deeper is refused with one line that
names the limit (README, "Security and limits"), never cut short and never a crash."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from exporter.errors import ExportError
from exporter.model import Article, Packet

# Blocks and inline markup inside each other (a paragraph in a quote in a list item...). Real articles nest a
# handful of levels; the writers are proven at this depth in every format.
MAX_NESTING = 32
# JSON/YAML arrays and mappings inside each other: a model level takes at most three (`items: [[{...}]]`).
MAX_DATA_DEPTH = 3 * MAX_NESTING + 4


def nesting_error(found: str, limit: int, *, line: int | None = None) -> ExportError:
    return ExportError(f"{found} nested more than {limit} levels deep (the limit); refused", line=line)


def model_depth(node: BaseModel) -> int:
    """How deep the content of an article or packet nests: a block of the body is level 1, its inline
    content level 2, and so on. Iterative, so it cannot itself run out of stack."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, list):
            stack.extend((item, depth) for item in value)
        elif isinstance(value, BaseModel):
            deepest = max(deepest, depth)
            for name in type(value).model_fields:
                child = getattr(value, name)
                if isinstance(child, list | BaseModel):
                    stack.append((child, depth + 1))
    return deepest


def check_model_depth(document: Article | Packet) -> None:
    # Depth counts from the article (its body blocks are level 1); a packet's articles sit one level lower.
    allowed = MAX_NESTING + (1 if isinstance(document, Packet) else 0)
    if model_depth(document) > allowed:
        raise nesting_error("the content is", MAX_NESTING)


def data_depth(value: Any) -> int:
    """How deep parsed JSON/YAML nests (a scalar is 0, `[]` is 1). Iterative."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in item)
    return deepest

"""The model written as canonical Markdown with YAML front matter, in the syntax the Markdown reader reads."""

from __future__ import annotations

import re
from contextvars import ContextVar

import yaml

from exporter.errors import ExportError
from exporter.model import (
    Article,
    Block,
    BlockQuote,
    Code,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Media,
    Paragraph,
    Span,
    Strong,
    Subscript,
    Superscript,
    Table,
    Text,
)

_ALWAYS_ESCAPE = re.compile(r"([\\`*_\[\]{}<>|&^~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def escape_text(text: str) -> str:
    escaped = _ALWAYS_ESCAPE.sub(r"\\\1", text)
    escaped = escaped.replace("!", "\\!") if "![" in text else escaped
    return escaped


# The footnote definitions of the document being written (`to_markdown`), in the order they are referenced.
_notes: ContextVar[list[str] | None] = ContextVar("markdown_notes", default=None)


def scripted(nodes: list[Inline], mark: str) -> str:
    """Superscript (`^`) or subscript (`~`) text. Pandoc and the reader take no markup inside the marks and no
    unescaped space, so formatting goes outside them (`*^a^*`) and spaces are escaped (`^a\\ b^`)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text | Code):
            # Spaces at the edges go outside the marks (the marks may not open or close on a space).
            lead = " " if node.text[:1].isspace() else ""
            trail = " " if node.text[-1:].isspace() and node.text.strip() else ""
            text = " ".join(node.text.split())
            core = mark + escape_text(text).replace(" ", "\\ ") + mark if text else ""
            out.append(lead + core + trail)
        elif isinstance(node, Emphasis):
            out.append(f"*{scripted(node.children, mark)}*")
        elif isinstance(node, Strong):
            out.append(f"**{scripted(node.children, mark)}**")
        elif isinstance(node, Span):
            out.append(f"[{scripted(node.children, mark)}]{{lang={node.lang}}}")
        elif isinstance(node, Link):
            title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
            out.append(f"[{scripted(node.children, mark)}](<{node.href.replace('>', '%3E')}>{title})")
        elif isinstance(node, Superscript | Subscript):
            out.append(scripted(node.children, "^" if isinstance(node, Superscript) else "~"))
        else:
            out.append(inlines([node]))
    return "".join(out)


def footnote(node: Footnote) -> str:
    """`[^N]` here, the definition after the body; without a document being written, an inline note."""
    notes = _notes.get()
    paragraphs = [_paragraph_text(paragraph.children) for paragraph in node.children]
    if notes is None:
        return "^[" + " ".join(paragraphs) + "]"
    notes.append("\n\n".join(paragraphs))
    return f"[^{len(notes)}]"


def inlines(nodes: list[Inline]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Superscript | Subscript):
            out.append(scripted(node.children, "^" if isinstance(node, Superscript) else "~"))
        elif isinstance(node, Footnote):
            out.append(footnote(node))
        elif isinstance(node, Text):
            out.append(escape_text(node.text))
        elif isinstance(node, Emphasis):
            out.append(f"*{inlines(node.children)}*")
        elif isinstance(node, Strong):
            out.append(f"**{inlines(node.children)}**")
        elif isinstance(node, Code):
            fence = "`" * (max((len(m) for m in re.findall(r"`+", node.text)), default=0) + 1)
            pad = " " if node.text.startswith("`") or node.text.endswith("`") else ""
            out.append(f"{fence}{pad}{node.text}{pad}{fence}")
        elif isinstance(node, LineBreak):
            out.append("\\\n")
        elif isinstance(node, Span):
            out.append(f"[{inlines(node.children)}]{{lang={node.lang}}}")
        elif isinstance(node, Link):
            title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
            out.append(f"[{inlines(node.children)}](<{node.href.replace('>', '%3E')}>{title})")
    return "".join(out)


def _paragraph_text(nodes: list[Inline]) -> str:
    text = inlines(nodes)
    return _LINE_START.sub(
        lambda m: (
            m.group(1) + "\\" + m.group(2)
            if not m.group(2)[0].isdigit()
            else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1]
        ),
        text,
    )


def attribute(name: str, value: str | None) -> str:
    if value is None:
        return ""
    if "{" in value or "}" in value:
        raise ExportError(
            f"the {name} text contains a brace, which Markdown attributes cannot hold: {value!r}"
        )
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f' {name}="{escaped}"'


def figure(node: Figure) -> str:
    title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
    attrs = attribute("alt", node.alt)
    if node.decorative:
        attrs += " decorative=true"
    attrs += (
        attribute("credit", node.credit) + attribute("virin", node.virin) + attribute("rights", node.rights)
    )
    return f"![{inlines(node.caption)}](<{node.image}>{title}){{{attrs.strip()}}}"


def media(node: Media) -> str:
    title = f' "{node.title.replace(chr(34), chr(92) + chr(34))}"' if node.title else ""
    attrs = f"media={node.kind}" + attribute("credit", node.credit) + attribute("virin", node.virin)
    attrs += attribute("duration", node.duration)
    if node.poster is not None:
        attrs += attribute("poster", node.poster.image) + attribute("poster-alt", node.poster.alt)
    return f"![{inlines(node.caption)}](<{node.url or ''}>{title}){{{attrs}}}"


def table(node: Table) -> str:
    def row(cells) -> str:
        return "| " + " | ".join(inlines(cell.children).replace("\n", " ") for cell in cells) + " |"

    head = node.head[0].cells if node.head else [type(node.rows[0].cells[0])() for _ in node.rows[0].cells]
    lines = [row(head), "|" + "|".join(_align(cell.align) for cell in head) + "|"]
    lines += [row(r.cells) for r in node.rows]
    row_headers = all(r.cells[0].header for r in node.rows)
    if node.caption or row_headers:
        attrs = " {row-headers=true}" if row_headers else ""
        lines += ["", f": {inlines(node.caption)}{attrs}"]
    return "\n".join(lines)


def _align(align: str | None) -> str:
    return {"left": ":---", "center": ":---:", "right": "---:"}.get(align or "", "---")


def _indent(text: str, prefix: str, first: str) -> str:
    lines = text.split("\n")
    return "\n".join((first if i == 0 else (prefix if line else "")) + line for i, line in enumerate(lines))


def block(node: Block) -> str:
    if isinstance(node, Heading):
        return "#" * node.level + " " + inlines(node.children)
    if isinstance(node, Paragraph):
        return _paragraph_text(node.children)
    if isinstance(node, Figure):
        return figure(node)
    if isinstance(node, Media):
        return media(node)
    if isinstance(node, Table):
        return table(node)
    if isinstance(node, BlockQuote):
        inner = blocks(node.children)
        if node.attribution:
            inner += "\n\n— " + inlines(node.attribution)
        return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
    if isinstance(node, ListBlock):
        items = []
        start = node.start if node.start is not None else 1
        for index, item in enumerate(node.items):
            marker = f"{start + index}. " if node.ordered else "- "
            items.append(_indent(blocks(item) or "", " " * len(marker), marker))
        return "\n\n".join(items)
    raise TypeError(f"unknown block {type(node).__name__}")


def blocks(nodes: list[Block]) -> str:
    return "\n\n".join(block(node) for node in nodes)


def to_markdown(article: Article) -> str:
    front = article.model_dump(mode="json", exclude_none=True, exclude={"body"})
    for key in ("keywords", "related"):
        if not front.get(key):
            front.pop(key, None)
    if front.get("source") == {}:
        front.pop("source")
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    notes: list[str] = []
    token = _notes.set(notes)
    try:
        body = blocks(article.body)
    finally:
        _notes.reset(token)
    definitions = "".join(
        f"\n\n{_indent(text, '    ', f'[^{number}]: ')}" for number, text in enumerate(notes, start=1)
    )
    return f"---\n{header}---\n\n{body}{definitions}\n"

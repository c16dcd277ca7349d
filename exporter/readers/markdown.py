"""Markdown with YAML front matter (CommonMark via markdown-it-py), in syntax pandoc reads the same way.

- The front matter holds the article's metadata (title, dek, byline, published, language, source, related...).
- A figure is an image alone in its paragraph: `![Caption](path "Photo title"){alt="..." credit="..." virin="..."}`;
  `decorative=true` instead of `alt` for decorative images; `media=video|audio` makes it a media block.
  An image inside running text stays there, part of the sentence: `the ![NASA](meatball.png) logo`.
- A span in another language: `[Київ]{lang=uk}`; superscript `m^2^`, subscript `H~2~O` and
  strikeout `~~struck~~`, as pandoc writes them.
- Footnotes: `text[^1]` with `[^1]: The note.` (further paragraphs indented), or inline `^[The note.]`.
- A block quote whose last paragraph starts with an em dash takes that paragraph as its attribution.
- pandoc's simple and multiline tables are tables too (`pandoc_tables`), its line blocks (`| a line`) paragraphs
  of lines (`line_blocks`) and its lists numbered with letters and Roman numerals such lists (`fancy_lists`).
- A pipe table may be followed by a caption paragraph `: Caption` (or `Table: Caption`); `{row-headers=true}` at
  its end makes the first cell of each body row a row header.
- Pandoc's fenced divs (`::: note` ... `:::`) are read as their content (in their `lang`, if they have one); a
  definition list as each term in bold followed by its definitions, with a warning (the model has no definition
  list). Task items (`- [x] done`) start with their ballot box.
- TeX math (`$x^2$`, `$$...$$`, where pandoc finds it) is its linear text (`tex_math`), with one warning.
- Raw HTML is not markup here: it stays literal text. An HTML comment (`<!-- ... -->`) is left out, as every
  Markdown renderer hides it (unless it holds a blank line, which ends the paragraph it began in).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode
from pydantic import ValidationError

from exporter.errors import ExportError
from exporter.limits import MAX_NESTING, nesting_error
from exporter.model import (
    TASK_DONE,
    TASK_OPEN,
    Article,
    Block,
    BlockQuote,
    Code,
    Emphasis,
    Figure,
    Footnote,
    Heading,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Media,
    NumberStyle,
    Paragraph,
    Span,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
    inline_lists,
    is_task,
    plain_text,
)
from exporter.options import BuildOptions
from exporter.readers import ReadResult, example_lists, fancy_lists, hugo, read_text
from exporter.readers.canonical import parse_yaml
from exporter.readers.data_uri import decode_picture, is_data_uri
from exporter.readers.locate import validation_error
from exporter.readers.tex_math import TooDeep, linear_math
from exporter.urls import safe_href

FIGURE_ATTRIBUTES = {"alt", "credit", "virin", "decorative", "rights", "id", "class"}
# pandoc writes a picture's size on every figure it exports; the writers size figures to the page themselves.
SIZE_ATTRIBUTES = {"width", "height"}
MEDIA_ATTRIBUTES = {"media", "credit", "virin", "duration", "poster", "poster-alt", "id", "class"}
# Pandoc's heading attributes, `## Methods {#methods .unnumbered}`: an id, classes, key=value pairs, "-".
HEADING_ATTRIBUTES = re.compile(r"\s*(?<!\\)\{((?:\s*(?:#[^\s{}#]+|\.[\w-]+|[\w-]+=(?:\"[^\"]*\"|\S+)|-))+)\s*\}\s*$")
TABLE_CAPTION = re.compile(r"^(?:Table)?:\s*(?P<text>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$", re.DOTALL)
ATTRIBUTION_DASHES = ("—", "--", "―")
# Pandoc's grid table: a paragraph that opens with a +---+ rule line, followed by rule and | cell lines.
GRID_RULE = re.compile(r"\+[-=:+]*-[-=:+]*\+[ \t]*")
DIV_LANGUAGE = re.compile(r"""(?<![\w:-])lang=("[^"]*"|'[^']*'|[^\s}]+)""")
_MAX_TOKEN_LEVEL = 2 * MAX_NESTING + 2


def parser() -> MarkdownIt:
    from mdit_py_plugins.attrs import attrs_plugin
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    from exporter.readers.fenced_divs import fenced_divs_plugin
    from exporter.readers.html_comments import html_comments_plugin
    from exporter.readers.hugo import hugo_shortcodes_plugin
    from exporter.readers.line_blocks import line_blocks_plugin
    from exporter.readers.pandoc_tables import pandoc_tables_plugin

    md = (
        # markdown-it silently drops whatever nests deeper than maxNesting. A model level takes at most two
        # token levels (list, item), so this is past the model's limit, and `read` refuses any cut.
        # Inline HTML is recognised only so that comments can be left out (inlines(): any other tag stays
        # literal text, as it was); HTML blocks stay off, so a line such as `<div>` starts a paragraph as before.
        MarkdownIt(
            "commonmark", {"html": True, "linkify": False, "typographer": False, "maxNesting": _MAX_TOKEN_LEVEL}
        )
        .enable(["table", "strikethrough"])
        .disable("html_block")
        .use(front_matter_plugin)
        .use(fenced_divs_plugin)
        .use(html_comments_plugin)
        .use(deflist_plugin)
        .use(attrs_plugin, spans=True)
        .use(footnote_plugin)
        .use(pandoc_tables_plugin)
        .use(line_blocks_plugin)
        .use(hugo_shortcodes_plugin)
        # pandoc's TeX math: `$` opens before a non-space and closes after one, not before a digit ($5 and $6).
        .use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False, allow_blank_lines=False,
             double_inline=True)
        .use(superscript_plugin)
        .use(sub_plugin)
    )
    # Every link and image reference reaches the model, so its scheme is judged in one place each: links by
    # `safe_href` below, images by the confinement rules at build time (markdown-it would silently turn a
    # `file:` image into text instead).
    md.validateLink = lambda url: True
    md.inline.ruler.before("escape", "escaped_space", _escaped_space)
    return md


def _escaped_space(state: StateInline, silent: bool) -> bool:
    r"""pandoc's `\ `, a space that does not break (`Mr.\ Smith`): CommonMark escapes no space, and the
    backslash would stay in the text. (An escaped backslash before a space, `\\ `, is the escape rule's.)"""
    if not state.src.startswith("\\ ", state.pos):
        return False
    if not silent:
        state.push("text", "", 0).content = "\u00a0"
    state.pos += 2
    return True


class _Converter:
    def __init__(self, path: Path, *, strict: bool = False) -> None:
        self.path = path
        # Without --strict, what pandoc reads and whose intent is clear is read with a warning, not refused.
        self.strict = strict
        self.figure_lines: list[int | None] = []
        self.inline_image_lines: dict[int, int | None] = {}  # by id(): the model orders them (footnotes last)
        # The number style of the lines that start a list item with a letter or a Roman numeral (fancy_lists).
        self.list_styles: dict[int, NumberStyle | None] = {}
        self.source_lines: list[str] = []
        self.images: dict[str, bytes] = {}  # pictures given as data: URLs, by the names the model gives them
        self.warnings: list[str] = []
        # Added to every heading level when the body uses `#` for its sections.
        self.level_shift = 0
        self._last_level = 1
        self.notes: dict[int, list[SyntaxTreeNode]] = {}  # footnote id -> its block nodes
        self._in_note = False
        self._block_line: int | None = None  # the line of the block being read (inline nodes have none)
        self.formula_lines: list[int | None] = []  # where each TeX formula is
        self.unknown_commands: list[str] = []  # TeX commands the formulas' linear text keeps as written
        self.span_classes: Counter[str] = Counter()  # `[text]{.underline}`: looks the model has no place for
        self.span_class_line: int | None = None
        self.raw_lines: list[int | None] = []  # pandoc's raw passages for one format (`x`{=html}, ```{=latex})
        self.open_comment_lines: list[int | None] = []  # `<!--` left as text: its comment ran past a blank line
        # Body nodes that stood in a div in a language of its own: the language, and the div (for its line).
        self.div_languages: dict[int, tuple[str, SyntaxTreeNode]] = {}
        self.aliased: dict[str, str] = {}  # a model field -> the front-matter key that gave it (`lastmod`)
        self.shortcodes: dict[str, int | None] = {}  # Hugo shortcodes kept as text, by name: the first one's line

    def fail(self, problem: str, node: SyntaxTreeNode | None) -> ExportError:
        return ExportError(problem, file=self.path, line=_line(node))

    def lenient(self, problem: str, node: SyntaxTreeNode | None, reading: str) -> None:
        """Refuse with --strict; otherwise warn, saying how the source is read."""
        if self.strict:
            raise self.fail(problem, node)
        self.warnings.append(f"{self.path}:{_line(node)}: {problem}; {reading}")

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        result: list[Block] = []
        index = 0
        while index < len(nodes):
            start = len(result)
            following = self.step(nodes, index, result)
            div = next(filter(None, (self.div_languages.get(id(node)) for node in nodes[index:following])), None)
            if div:  # the node stood in a div in a language of its own (`_without_divs`)
                self.in_language(result[start:], *div)
            index = following
        return result

    def step(self, nodes: list[SyntaxTreeNode], index: int, result: list[Block]) -> int:
        """The blocks `nodes[index]` makes (with a caption, the one after it), added to `result`; the index of
        the next node to read."""
        node = nodes[index]
        if node.type == "container_div":
            result.extend(self.div(node))
            return index + 1
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        # As pandoc reads it, a caption paragraph just before a table is its caption; else the one after it.
        if following is not None and following.type == "table" and (
            caption := self.caption_before(node, result)
        ) is not None:
            table = self.table(following)
            self.table_caption(table, caption)
            result.append(table)
            return index + 2
        if node.type == "dl":
            result.extend(self.definition_list(node))
            return index + 1
        converted = self.block(node)
        if isinstance(converted, Table) and _is_caption(nodes, index + 1):
            self.table_caption(converted, _source_text(nodes[index + 1]))
            index += 1
        if converted is not None:
            result.append(converted)
        return index + 1

    def div(self, node: SyntaxTreeNode) -> list[Block]:
        """A fenced div is its content; in a language of its own (`::: {lang=fr}`), all the text in it is."""
        blocks = self.blocks(node.children)
        if lang := _div_language(node):
            self.in_language(blocks, lang, node)
        return blocks

    def in_language(self, blocks: list[Block], lang: str, node: SyntaxTreeNode) -> None:
        """All the text of the blocks in the language (a span in another one inside keeps its own; a task's box
        stays first, outside it)."""
        lang = self.build(Span, node, lang=lang, children=[]).lang
        for children in inline_lists(blocks):
            box: list[Inline] = []
            rest = list(children)
            if is_task([Paragraph(children=children)]):
                text = children[0].text  # type: ignore[union-attr]
                box = [Text(text=text[:2])]
                rest = [Text(text=text[2:]), *children[1:]] if text[2:] else children[1:]
            if rest and not (len(rest) == 1 and isinstance(rest[0], Span)):
                children[:] = [*box, Span(lang=lang, children=rest)]

    def caption_before(self, node: SyntaxTreeNode, result: list[Block]) -> str | None:
        """Pandoc's caption above a table, ": Caption" (or "Table: Caption") just before it. After a paragraph,
        markdown-it reads ": Caption" as that paragraph's definition (a list of one term): the paragraph goes to
        `result`, a paragraph again. A longer definition list keeps its last definition, as in pandoc."""
        if _is_caption([node], 0):
            return _source_text(node)
        if node.type != "dl" or [pair.type for pair in node.children] != ["dt", "dd"]:
            return None
        term, definition = node.children
        if len(definition.children) != 1 or definition.children[0].type != "paragraph":
            return None
        result.append(self.build(Paragraph, term, children=self.inline_of(term)))
        return ": " + _source_text(definition.children[0])

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        self._block_line = _line(node)
        if kind == "hugo_shortcode":
            return self.shortcode(node)
        if kind == "math_block":
            return Paragraph(children=self.formula(node.content)) if node.content.strip() else None
        if kind == "heading":
            return self.heading(node)
        if kind == "paragraph":
            return self.paragraph(node)
        if kind == "blockquote":
            return self.blockquote(node)
        if kind in ("bullet_list", "ordered_list"):
            items = [_task_box(item, self.blocks(item.children)) for item in node.children]
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else None
            style = self.list_styles.get(node.map[0]) if kind == "ordered_list" and node.map else None
            return self.build(ListBlock, node, ordered=kind == "ordered_list", start=start, items=items,
                              number_style=style)
        if kind == "table":
            return self.table(node)
        if kind == "fence" and RAW_ATTRIBUTE.fullmatch(node.info.strip()):
            # pandoc's raw block for one output format (```{=html}, {=latex}): passed to that format's output
            # alone. These outputs take no raw markup (raw HTML stays text here), so it is left out and said.
            self.raw_lines.append(self._block_line)
            return None
        if kind in ("fence", "code_block"):
            lines = node.content.rstrip("\n").split("\n")
            children: list[Inline] = []
            for number, text in enumerate(lines):
                if number:
                    children.append(LineBreak())
                children.append(Code(text=text))
            return Paragraph(children=children)
        if kind in ("hr", "html_comment"):
            return None
        raise self.fail(f"unsupported Markdown element: {kind}", node)

    def formula(self, tex: str) -> list[Inline]:
        """TeX math (`$x^2$`, `$$...$$`) as its linear text; counted for one warning (`math_warning`)."""
        try:
            linear = linear_math(tex)
        except TooDeep as error:
            raise ExportError(str(error), file=self.path, line=self._block_line) from None
        self.formula_lines.append(self._block_line)
        self.unknown_commands += linear.unknown
        return linear.inlines

    def math_warning(self) -> str | None:
        if not self.formula_lines:
            return None
        message = (f"{self.path}:{self.formula_lines[0]}: {len(self.formula_lines)} formula(s) in TeX ($...$) "
                   "kept as their linear text (superscripts, subscripts and symbols kept)")
        if self.unknown_commands:
            names = ", ".join("\\" + name for name in sorted(set(self.unknown_commands)))
            message += f"; {len(self.unknown_commands)} command(s) not known here kept as written ({names})"
        return message

    def definition_list(self, node: SyntaxTreeNode) -> list[Block]:
        self.lenient(
            "a definition list: the article model has no definition list",
            node,
            "each term is read in bold at the start of its definition (\"Term: definition\")",
        )
        result: list[Block] = []
        term: list[Inline] | None = None
        for child in node.children:
            if child.type == "dt":
                term = [Strong(children=self.inline_of(child))]
                continue
            blocks = self.blocks(child.children)
            if term is not None:
                # One paragraph, not a bold line above the definition: a short bold paragraph reads as a
                # heading made by hand (Word's checker and ours report it), and a screen reader hears it so.
                if blocks and isinstance(blocks[0], Paragraph):
                    blocks[0].children[:0] = [*term, Text(text=": ")]
                else:  # a list or a quotation: the term leads into it, as a line ending in a colon does
                    result.append(Paragraph(children=[*term, Text(text=":")]))
                term = None
            result.extend(blocks)
        return result

    def heading(self, node: SyntaxTreeNode) -> Heading | None:
        children = _trimmed(self.inline_of(node))
        if not children:
            self.lenient("an empty heading (nothing but a comment, or nothing)", node, "left out")
            return None
        written = int(node.tag[1])
        level = min(written + self.level_shift, 6)
        if level < 2:  # a `#` heading inside a quote or a list, which the body-wide shift did not see
            self.lenient("a level-1 heading in the body: the title comes from the front matter", node,
                         "read as level 2")
            level = 2
        if level > self._last_level + 1:
            self.lenient(
                f"heading level {written} follows level {self._last_level - self.level_shift}: heading levels "
                "may not be skipped",
                node,
                f"read as level {self._last_level + 1 - self.level_shift}",
            )
            level = self._last_level + 1
        self._last_level = level
        children, anchor = _heading_attributes(children, node.children[0].content if node.children else "")
        return self.build(Heading, node, level=level, children=children, anchor=anchor)

    def build(self, model: type, node: SyntaxTreeNode, **fields: Any) -> Any:
        try:
            return model(**fields)
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise self.fail(message, node) from None

    def paragraph(self, node: SyntaxTreeNode) -> Block | None:
        inline = node.children[0]
        content = [
            child for child in inline.children
            if not (child.type == "text" and not child.content.strip()) and not _is_comment(child)
        ]
        if _is_grid_table(_source_text(node)):
            self.lenient(
                "a grid table (+---+ lines), which this reader does not read as a table",
                node,
                "read as text: write it as a pipe table (| a | b |) to keep its rows and columns",
            )
        if len(content) == 1 and content[0].type == "image":
            return self.figure(content[0], node)
        for name in hugo.names_in(_source_text(node)):
            self.shortcodes.setdefault(name, _line(node))
        if (
            len(content) >= 2
            and content[0].type == "image"
            and content[1].type == "text"
            and content[1].content.lstrip().startswith("{")
        ):
            # mdit's attributes take unquoted values of letters, digits, `_`, `:` and `-` only; pandoc's take any
            # but spaces and braces (`width=50%`, as Quarto writes it).
            braces = re.search(r"\{[^{}]*\}\s*\Z", _source_text(node)) if len(content) == 2 else None
            written = _pandoc_attributes(braces.group()) if braces else None  # as written: escapes kept
            if written is not None:
                content[0].attrs.update(written)
                return self.figure(content[0], node)
            raise self.fail(
                'cannot read the {...} attributes after the image: write key="value" pairs, '
                "values in double quotes, without { or } inside",
                node,
            )
        if self.strict and any(child.type == "image" for child in _descendants(inline)):
            raise self.fail("an image inside running text (a figure stands alone in its paragraph)", node)
        children = _trimmed(self.inlines(inline.children))
        if not children:
            return None  # nothing to show: only comments, or an empty span (`[]{.class}`)
        return self.build(Paragraph, node, children=children)

    def figure(self, image: SyntaxTreeNode, paragraph: SyntaxTreeNode) -> Block:
        attrs = {
            key: _unescape(value) for key, value in image.attrs.items() if key not in ("src", "alt", "title")
        }
        # markdown-it leaves `alt` empty and keeps the bracketed text as children: only `{alt=...}` sets it.
        explicit_alt = _unescape(image.attrs.get("alt") or "")
        caption = self.inlines(image.children)
        if "media" in attrs:
            return self.media(image, paragraph, attrs, caption)
        unknown = set(attrs) - FIGURE_ATTRIBUTES - SIZE_ATTRIBUTES
        if unknown:
            raise self.fail(
                f"unknown figure attribute {sorted(unknown)[0]!r} (known: {', '.join(sorted(FIGURE_ATTRIBUTES))})",
                paragraph,
            )
        if sizes := sorted(set(attrs) & SIZE_ATTRIBUTES):
            self.warnings.append(
                f"{self.path}:{_line(paragraph)}: the figure's {' and '.join(sizes)} left out: "
                "every format sizes a figure to its page or screen"
            )
        decorative = attrs.get("decorative", "false").lower() in ("true", "yes", "1")
        self.figure_lines.append(_line(paragraph))
        return self.build(
            Figure,
            paragraph,
            image=self.image_reference(str(image.attrs["src"]), paragraph),
            alt=explicit_alt or None,
            decorative=decorative,
            title=str(image.attrs.get("title") or "") or None,
            caption=caption,
            credit=attrs.get("credit") or None,
            virin=attrs.get("virin") or None,
            rights=attrs.get("rights") or None,
        )

    def shortcode(self, node: SyntaxTreeNode) -> Block | None:
        """A Hugo shortcode on lines of its own: the figure shortcode is a figure; any other stays as its text,
        named in the reader's warning."""
        shortcode = hugo.parse(node.content)
        assert shortcode is not None
        if shortcode.name == "figure":
            return self.hugo_figure(shortcode.parameters, node)
        self.shortcodes.setdefault(shortcode.name.lstrip("/"), _line(node))
        return Paragraph(children=[Text(text=" ".join(node.content.split()))])

    def hugo_figure(self, values: dict[str, str], paragraph: SyntaxTreeNode) -> Block:
        """Hugo's figure shortcode, `{{< figure src="..." alt="..." caption="..." attr="credit" >}}`: a figure as
        `![caption](src){alt=... credit=...}` makes one."""
        if not values.get("src"):
            raise self.fail("a Hugo figure shortcode without src", paragraph)
        unused = sorted(set(values) - {"src", "alt", "title", "caption", "attr"})
        if unused:
            self.warnings.append(f"{self.path}:{_line(paragraph)}: the figure shortcode's {', '.join(unused)} left "
                                 "out: every format sizes and links figures itself")
        self.figure_lines.append(_line(paragraph))
        caption = self.inline_markdown(values["caption"]) if values.get("caption") else []
        return self.build(
            Figure,
            paragraph,
            image=self.image_reference(values["src"], paragraph),
            alt=values.get("alt") or None,
            title=values.get("title") or None,
            caption=caption,
            credit=values.get("attr") or None,
        )

    def image_reference(self, source: str, node: SyntaxTreeNode) -> str:
        """The image a reference names; a `data:` URL's picture is kept with the article under a name of its
        own (as pandoc's --embed-resources writes pictures)."""
        if not is_data_uri(source):
            return source
        try:
            data, suffix = decode_picture(source)
        except ValueError as error:
            raise self.fail(str(error), node) from None
        name = f"embedded-{len(self.images) + 1}.{suffix}"
        self.images[name] = data
        return name

    def media(
        self, image: SyntaxTreeNode, paragraph: SyntaxTreeNode, attrs: dict[str, str], caption: list[Inline]
    ):
        unknown = set(attrs) - MEDIA_ATTRIBUTES
        if unknown:
            raise self.fail(
                f"unknown media attribute {sorted(unknown)[0]!r} (known: {', '.join(sorted(MEDIA_ATTRIBUTES))})",
                paragraph,
            )
        poster = None
        if attrs.get("poster"):
            self.figure_lines.append(_line(paragraph))
            poster = self.build(Figure, paragraph, image=attrs["poster"], alt=attrs.get("poster-alt") or None)
        return self.build(
            Media,
            paragraph,
            kind=attrs["media"],
            url=str(image.attrs["src"]) or None,
            title=str(image.attrs.get("title") or "") or None,
            caption=caption,
            credit=attrs.get("credit") or None,
            virin=attrs.get("virin") or None,
            duration=attrs.get("duration") or None,
            poster=poster,
        )

    def blockquote(self, node: SyntaxTreeNode) -> Block:
        children = self.blocks(node.children)
        attribution: list[Inline] = []
        last = children[-1] if children else None
        if isinstance(last, Paragraph) and last.children and isinstance(last.children[0], Text):
            first = last.children[0]
            dash = next((d for d in ATTRIBUTION_DASHES if first.text.startswith(d)), None)
            if dash:
                stripped = first.text[len(dash) :].lstrip()
                attribution = ([Text(text=stripped)] if stripped else []) + list(last.children[1:])
                children = children[:-1]
        return self.build(BlockQuote, node, children=children, attribution=attribution)

    def table(self, node: SyntaxTreeNode) -> Table:
        head: list[TableRow] = []
        rows: list[TableRow] = []
        for section in node.children:
            for row in section.children:
                self.extra_cells(row, len(node.children[0].children[0].children))
                cells = []
                for cell in row.children:
                    style = str(cell.attrs.get("style", ""))
                    align = next((a for a in ("left", "center", "right") if f"text-align:{a}" in style), None)
                    cells.append(
                        TableCell(header=cell.type == "th", children=self.inline_of(cell), align=align)
                    )
                (head if section.type == "thead" else rows).append(TableRow(cells=cells))
        if all(not cell.children for row in head for cell in row.cells):
            head = []  # a header row of empty cells: a table without a header, as pandoc reads it
        elif not rows:  # a header alone: a table of one row
            head, rows = [], [TableRow(cells=[cell.model_copy(update={"header": False}) for cell in head[0].cells])]
        return self.build(Table, node, head=head, rows=rows)

    def extra_cells(self, row: SyntaxTreeNode, columns: int) -> None:
        """markdown-it drops a pipe-table row's cells past the header's: say so (a pandoc table has none)."""
        if row.map is None or row.map[0] >= len(self.source_lines):
            return
        line = self.source_lines[row.map[0]].strip()
        if "|" not in line:
            return  # a pandoc table's row (readers/pandoc_tables): cut by columns, nothing dropped
        found = len(re.split(r"(?<!\\)\|", line.removeprefix("|").removesuffix("|")))
        if found > columns:
            self.warnings.append(f"{self.path}:{row.map[0] + 1}: a table row of {found} cells under a header of "
                                 f"{columns}: the last {found - columns} left out")

    def table_caption(self, table: Table, source: str) -> None:
        """`source`: the caption paragraph's Markdown, ": Caption {row-headers=true}"."""
        match = TABLE_CAPTION.match(source)
        assert match is not None
        attributes = match.group("attrs") or ""
        caption_source = match.group("text")
        table.caption = self.inline_markdown(caption_source)
        if re.search(r"\brow-headers(?:\s*=\s*\"?(?:true|yes|1)\"?)?(?=\s|$)", attributes):
            for row in table.rows:
                row.cells[0].header = True

    # ------------------------------------------------------------ inlines

    def inline_markdown(self, source: str) -> list[Inline]:
        """Markdown text found outside the block structure (a caption given as an attribute) as inlines."""
        return self.inlines(parser().parseInline(source)[0].children or [], raw=True)

    def inline_of(self, node: SyntaxTreeNode) -> list[Inline]:
        return self.inlines(node.children[0].children) if node.children else []

    def inlines(self, nodes: list[Any], raw: bool = False) -> list[Inline]:
        if raw:
            nodes = SyntaxTreeNode(nodes).children if nodes else []
        result: list[Inline] = []
        after_comment = False
        raw_before = False
        for index, node in enumerate(nodes):
            kind = node.type
            if kind == "text":
                text = node.content
                if raw_before:  # the `{=html}` after a raw passage left out
                    text = RAW_ATTRIBUTE.sub("", text, count=1)
                    raw_before = False
                    if not text:
                        continue  # the line may end here: spaced as after a comment
                if after_comment and result and isinstance(result[-1], Text) and result[-1].text.endswith(" "):
                    text = text.lstrip(" ")  # "a <!-- note --> b" reads "a b"
                if "<!--" in text:
                    self.open_comment_lines.append(self._block_line)
                _append_text(result, text)
            elif kind == "softbreak":
                at_space = not result or (isinstance(result[-1], Text) and result[-1].text.endswith(" "))
                if not (after_comment and at_space):
                    _append_text(result, " ")
                continue  # a comment on a line of its own leaves one space, not two
            elif kind == "hardbreak":
                result.append(LineBreak())
            elif kind == "code_inline":
                following = nodes[index + 1] if index + 1 < len(nodes) else None
                if following is not None and following.type == "text" and RAW_ATTRIBUTE.match(following.content):
                    self.raw_lines.append(self._block_line)  # `<b>x</b>`{=html}: left out, as a comment is
                    raw_before = after_comment = True
                    continue
                result.append(Code(text=node.content))
            elif kind in ("math_inline", "math_inline_double"):
                result.extend(self.formula(node.content))
            elif kind == "html_inline" and _is_comment(node):
                after_comment = True
                continue
            elif kind == "html_inline":
                _append_text(result, re.sub(r"\s*\n\s*", " ", node.content))  # raw HTML stays literal text
            elif kind in ("em", "strong"):
                children = self.inlines(node.children)
                if children:  # emphasis of nothing but a comment is nothing
                    result.append((Emphasis if kind == "em" else Strong)(children=children))
            elif kind in ("sup", "sub"):
                model = Superscript if kind == "sup" else Subscript
                result.append(model(children=self.inlines(node.children)))
            elif kind == "s":
                result.append(Strikeout(children=self.inlines(node.children)))
            elif kind == "footnote_ref":
                result.append(self.footnote(node))
            elif kind == "link" and any(child.type == "footnote_ref" for child in _descendants(node)):
                raise self.fail("a footnote inside a link's text: put the footnote after the link", node)
            elif kind == "link" and safe_href(str(node.attrs["href"])) is None:
                self.warnings.append(
                    f"{self.path}:{_line(node)}: link to {str(node.attrs['href'])[:60]!r} dropped (only web, mail "
                    "and telephone links are kept); its text stays"
                )
                _extend(result, self.inlines(node.children))
            elif kind == "link":
                title = node.attrs.get("title")
                result.append(
                    Link(
                        href=str(node.attrs["href"]),
                        title=str(title) if title else None,
                        children=self.inlines(node.children),
                    )
                )
            elif kind == "span":
                children = self.inlines(node.children)
                lang = node.attrs.get("lang")
                classes = str(node.attrs.get("class") or "").split()
                if classes and not self.span_classes:
                    self.span_class_line = self._block_line
                self.span_classes.update(classes)
                if lang and children:
                    result.append(self.build(Span, node, lang=str(lang), children=children))
                else:
                    _extend(result, children)
            elif kind == "image":
                # Inside running text: part of the sentence, not a figure (a figure stands alone in its paragraph).
                alt = _unescape(node.attrs.get("alt") or "") or plain_text(self.inlines(node.children))
                title = str(node.attrs.get("title") or "") or None
                image = self.image_reference(str(node.attrs["src"]), node)
                result.append(self.build(InlineImage, node, image=image, alt=alt, title=title))
                self.inline_image_lines[id(result[-1])] = self._block_line
            else:
                _append_text(result, node.content)
            after_comment = False
        return result


    def footnote(self, reference: SyntaxTreeNode) -> Footnote:
        """The note a `[^label]` (or `^[...]`) refers to; a note holds paragraphs (and code lines) only."""
        if self._in_note:
            # Checked before the note is read: a note that refers to itself would be read without end.
            raise self.fail("a footnote inside a footnote: notes cannot nest", reference)
        paragraphs = []
        self._in_note = True
        citing_line = self._block_line  # the note's blocks have their own lines; the citing text goes on after
        try:
            for node in self.notes.get(int(reference.meta["id"]), []):
                for block in self.blocks([node]):
                    if not isinstance(block, Paragraph):
                        kind = block.type.replace("_", " ")
                        raise self.fail(f"a footnote holds paragraphs only, not a {kind}", node)
                    paragraphs.append(block)
        finally:
            self._in_note = False
            self._block_line = citing_line
        if not paragraphs:
            raise self.fail("a footnote reference whose note is empty", reference)
        return Footnote(children=paragraphs)


def _append_text(result: list[Inline], text: str) -> None:
    if result and isinstance(result[-1], Text):
        result[-1] = Text(text=result[-1].text + text)
    elif text:
        result.append(Text(text=text))


def _extend(result: list[Inline], children: list[Inline]) -> None:
    """`children` added to `result` in place of their container, a text joining the text before it."""
    for child in children:
        if isinstance(child, Text):
            _append_text(result, child.text)
        else:
            result.append(child)


def _without_divs(
    nodes: list[SyntaxTreeNode],
    languages: dict[int, tuple[str, SyntaxTreeNode]],
    language: tuple[str, SyntaxTreeNode] | None = None,
) -> list[SyntaxTreeNode]:
    """Fenced divs replaced by what they hold, so that a `#` heading in one is seen as the body's (or the title);
    what a div in a language of its own holds is noted in `languages` (by node), for `_Converter.blocks`."""
    result: list[SyntaxTreeNode] = []
    for node in nodes:
        if node.type == "container_div":
            lang = _div_language(node)
            result.extend(_without_divs(node.children, languages, (lang, node) if lang else language))
            continue
        if language:
            languages[id(node)] = language
        result.append(node)
    return result


def _div_language(div: SyntaxTreeNode) -> str | None:
    written = DIV_LANGUAGE.search(div.info)
    return written.group(1).strip("\"'") if written else None


def _trimmed(children: list[Inline]) -> list[Inline]:
    """Without line breaks or spaces at either end (where a comment was left out, or a break breaks nothing)."""
    children = list(children)
    while children and isinstance(children[0], LineBreak):
        children.pop(0)
    while children and isinstance(children[-1], LineBreak):
        children.pop()
    if children and isinstance(children[0], Text):
        children[0] = Text(text=children[0].text.lstrip(" "))
    if children and isinstance(children[-1], Text):
        children[-1] = Text(text=children[-1].text.rstrip(" "))
    return [child for child in children if not (isinstance(child, Text) and not child.text)]


def _is_grid_table(text: str) -> bool:
    lines = text.split("\n")
    return len(lines) >= 2 and bool(GRID_RULE.fullmatch(lines[0])) and all(line[:1] in ("+", "|") for line in lines)


def _is_caption(nodes: list[SyntaxTreeNode], index: int) -> bool:
    """Whether nodes[index] is a paragraph that reads as a table caption (": Caption", "Table: Caption")."""
    return index < len(nodes) and nodes[index].type == "paragraph" and bool(
        TABLE_CAPTION.match(_source_text(nodes[index]))
    )


def _is_comment(node: SyntaxTreeNode) -> bool:
    return node.type == "html_inline" and node.content.startswith("<!--")


def _unescape(value: object) -> str:
    """Attribute values may escape quotes and backslashes (`\\"`), as pandoc reads them."""
    return re.sub(r"\\(.)", r"\1", str(value))


def _line(node: SyntaxTreeNode | None) -> int | None:
    while node is not None and not node.is_root:  # a root (of an inline note's tree) has no line
        if node.map:
            return node.map[0] + 1
        node = node.parent
    return None


def _descendants(node: SyntaxTreeNode):
    for child in node.children:
        yield child
        yield from _descendants(child)


def _source_text(paragraph: SyntaxTreeNode) -> str:
    return paragraph.children[0].content if paragraph.children else ""


# Front-matter keys pandoc templates and static-site generators use, and the model field each stands for.
FRONT_MATTER_ALIASES = {
    "author": "byline",
    "authors": "byline",
    "date": "published",
    "lastmod": "updated",  # Hugo's
    "modified": "updated",
    "lang": "language",
    "subtitle": "dek",
    "description": "dek",
    "slug": "id",
}
# Lists of subjects that static-site generators (Hugo, Jekyll) and pandoc templates give: the model's keywords.
KEYWORD_KEYS = ("keywords", "tags", "categories")


def _aliases(front: dict[str, Any], converter: _Converter, token: Any) -> dict[str, Any]:
    """`author`/`authors` (a name or a list of names), `date`, `lastmod`, `lang`, `subtitle`, `description` and
    `slug` mean the model's byline, published, updated, language, dek and id; `tags` and `categories` are
    keywords. What else other tools write there (Hugo's `draft`, `weight`, Jekyll's `layout`...) is left out,
    named in one warning. With --strict they all stay unknown fields (refused)."""
    if converter.strict:
        return front
    line = token.map[0] + 1 if token is not None and token.map else 1
    result = dict(front)
    subjects = [_subjects(key, result.pop(key)) for key in KEYWORD_KEYS if key in result]
    if subjects:
        result["keywords"] = list(dict.fromkeys(subject for found in subjects for subject in found))
    for alias, field_name in FRONT_MATTER_ALIASES.items():
        if alias not in result:
            continue
        value = result.pop(alias)
        converter.aliased.setdefault(field_name, alias)
        if field_name in result:
            converter.warnings.append(
                f"{converter.path}:{line}: front matter has both '{alias}' and '{field_name}': '{alias}' is ignored"
            )
            continue
        if field_name == "byline":
            names = [value] if isinstance(value, str | dict) else value
            if isinstance(names, list):
                names = _author_names(names, converter, line)
            if isinstance(names, list) and all(isinstance(name, str) for name in names):
                value = {"people": [name.strip() for name in names if name.strip()]}
        elif field_name == "published" and not isinstance(value, str):
            value = str(value)  # YAML reads an unquoted 2023-02-14 as a date
        result[field_name] = value
    unused = [key for key in result if key not in Article.model_fields]
    if unused:
        for key in unused:
            result.pop(key)
        first = next((number for number, text in enumerate(converter.source_lines, start=1)
                      if text.startswith(f"{unused[0]}:")), line)
        converter.warnings.append(f"{converter.path}:{first}: front matter keys this reader has no use for, left "
                                  f"out: {', '.join(str(key) for key in unused)}")
    return result


def _subjects(key: str, value: Any, *, listed: bool = False) -> list[str]:
    """The subjects a keywords, tags or categories entry names: a list's items (nested lists flattened), or text
    alone (a comma-separated list for keywords, as pandoc writes them; space-separated for tags and categories, as
    Jekyll reads them). Mappings and nothing name none."""
    if isinstance(value, list):
        return [subject for item in value for subject in _subjects(key, item, listed=True)]
    if isinstance(value, dict) or value is None:
        return []
    text = str(value)
    parts = [text] if listed else text.split(",") if key == "keywords" else text.split()
    return [part.strip() for part in parts if part.strip()]


def _author_names(authors: list[Any], converter: _Converter, line: int | None) -> list[Any]:
    """Authors as pandoc's templates write them (`- name: Jane Doe` with `affiliation:` and more) are their names;
    what else they say is named in a warning."""
    names: list[Any] = []
    others: set[str] = set()
    for author in authors:
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            names.append(author["name"])
            others.update(str(key) for key in author if key != "name")
        else:
            names.append(author)
    if others:
        converter.warnings.append(f"{converter.path}:{line}: the authors' {', '.join(sorted(others))} left out: "
                                  "the byline holds their names")
    return names


def _toml_front_matter(text: str, path: Path) -> tuple[dict[str, Any] | None, str]:
    """Hugo's TOML front matter (`+++` lines around it, what `hugo new` writes), parsed, and the text with blank
    lines in its place (so every line keeps its number); (None, text) when there is none."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "+++":
        return None, text
    end = next((number for number in range(1, len(lines)) if lines[number].rstrip() == "+++"), None)
    if end is None:
        raise ExportError("the TOML front matter that the first line's +++ opens has no closing +++ line", file=path,
                          line=1)
    try:
        data = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+)", str(error))
        raise ExportError(f"the TOML front matter cannot be read: {str(error).split(' (at ')[0]}", file=path,
                          line=int(found.group(1)) + 1 if found else 1) from None
    return _dates_as_text(data), "\n" * (end + 1) + "\n".join(lines[end + 1:])


def _dates_as_text(value: Any) -> Any:
    """TOML's dates and times as the ISO 8601 text the model holds (YAML's are read as text already)."""
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def read(path: Path, options: BuildOptions) -> ReadResult:
    text = read_text(path)
    toml_front, text = _toml_front_matter(text, path)
    md = parser()
    text = example_lists.rewrite(text, md)
    text, list_styles = fancy_lists.rewrite(text, md)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    deepest = max(tokens, key=lambda token: token.level, default=None)
    if deepest is not None and deepest.level >= _MAX_TOKEN_LEVEL - 1:
        error = nesting_error("Markdown blocks are", MAX_NESTING, line=deepest.map[0] + 1 if deepest.map else None)
        raise error.located(path)
    front: dict[str, Any] = toml_front or {}
    body_tokens = tokens
    front_lines = 0
    if toml_front is None and tokens and tokens[0].type == "front_matter":
        front_lines = 1
        data = parse_yaml(tokens[0].content, path, line_offset=front_lines)
        if data is not None and not isinstance(data, dict):
            raise ExportError("the front matter must be a YAML mapping (key: value lines)", file=path, line=2)
        front = data or {}
        body_tokens = tokens[1:]
    if "body" in front:
        raise ExportError(
            "'body' may not be set in the front matter: the body is the Markdown text", file=path
        )

    converter = _Converter(path, strict=options.strict)
    converter.list_styles = list_styles
    converter.source_lines = text.split("\n")
    for label in _unreferenced_notes(env):
        line = next((number for number, row in enumerate(converter.source_lines, start=1)
                     if row.lstrip().startswith(f"[^{label}]:")), None)
        converter.warnings.append(f"{path}:{line}: footnote [^{label}] is referred to nowhere in the text: left out")
    front = _aliases(front, converter, tokens[0] if front_lines else None)
    root = SyntaxTreeNode(body_tokens)
    nodes = []
    for node in root.children:
        if node.type == "footnote_block":
            for note in node.children:
                blocks = [child for child in note.children if child.type != "footnote_anchor"]
                converter.notes[int(note.meta["id"])] = blocks
        else:
            nodes.extend(_without_divs([node], converter.div_languages))
    if "title" not in front and nodes and nodes[0].type == "heading" and nodes[0].tag == "h1":
        front["title"] = plain_text(_trimmed(converter.inline_of(nodes[0])))
        nodes = nodes[1:]
    first_h1 = next((node for node in nodes if node.type == "heading" and node.tag == "h1"), None)
    if first_h1 is not None:
        converter.lenient(
            "a level-1 heading in the body: the title comes from the front matter; use ## for sections",
            first_h1,
            "every heading is read one level lower (# as ##)",
        )
        converter.level_shift = 1
    body = converter.blocks(nodes)
    if (math := converter.math_warning()) is not None:
        converter.warnings.append(math)
    if converter.shortcodes:
        first = min(line or 0 for line in converter.shortcodes.values()) or None
        names = ", ".join(sorted(converter.shortcodes))
        converter.warnings.append(f"{path}:{first}: site generator tags (Hugo shortcodes, Liquid) kept as text "
                                  f"({names}): the site generator fills them in (a Hugo figure shortcode on lines "
                                  "of its own is read as a figure)")
    if converter.raw_lines:
        lines = converter.raw_lines
        converter.warnings.append(f"{path}:{lines[0]}: {len(lines)} raw passage(s) for one output format "
                                  "({=html}, {=latex}) left out: these outputs take no raw markup")
    if converter.open_comment_lines:
        lines = converter.open_comment_lines
        converter.warnings.append(f"{path}:{lines[0]}: {len(lines)} '<!--' kept as text (an HTML comment begun "
                                  "inside a paragraph ends with it, at a blank line: start the comment on a line of "
                                  "its own to leave it out whole)")
    if converter.span_classes:
        classes = ", ".join(f".{name} ({count})" for name, count in sorted(converter.span_classes.items()))
        converter.warnings.append(f"{path}:{converter.span_class_line}: spans with a class kept as their text, "
                                  f"without the look pandoc gives some of them: {classes}")
    try:
        article = Article.model_validate({**front, "body": body})
    except ValidationError as error:
        raise validation_error(
            error, file=path, text=tokens[0].content if front_lines else None, line_offset=front_lines,
            aliases=converter.aliased,
        ) from None
    inline_lines = [converter.inline_image_lines.get(id(image)) for image in article.inline_images()]
    return ReadResult(article, figure_lines=converter.figure_lines, inline_image_lines=inline_lines,
                      warnings=converter.warnings, images=converter.images)


def _unreferenced_notes(env: dict[str, Any]) -> list[str]:
    """The labels of footnotes defined and never referred to (markdown-it drops them)."""
    return [label[1:] for label, used in env.get("footnotes", {}).get("refs", {}).items() if used == -1]


RAW_ATTRIBUTE = re.compile(r"\{=[\w-]+\}")
PANDOC_ATTRIBUTE = re.compile(
    r'\s*(?:#(?P<id>[^\s{}#]+)|\.(?P<cls>[\w-]+)|(?P<key>[\w-]+)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"{}]+)))'
)


def _pandoc_attributes(text: str) -> dict[str, str] | None:
    """`{#id .class key=value key="value"}` as pandoc reads it, or None when the text is not only that."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    inner, position = text[1:-1].rstrip(), 0
    found: dict[str, str] = {}
    classes: list[str] = []
    while position < len(inner):
        match = PANDOC_ATTRIBUTE.match(inner, position)
        if match is None:
            return None
        if match.group("id"):
            found["id"] = match.group("id")
        elif match.group("cls"):
            classes.append(match.group("cls"))
        else:
            value = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
            found[match.group("key")] = value
        position = match.end()
    if classes:
        found["class"] = " ".join(classes)
    return found


def _heading_attributes(children: list[Inline], source: str) -> tuple[list[Inline], str | None]:
    """The heading's text without the attributes written after it, and the id they give (None when none). The
    classes and pairs style the heading in pandoc's outputs; ours style every heading alike. Braces escaped in
    the source (`\\{`) are text."""
    last = children[-1] if children else None
    if HEADING_ATTRIBUTES.search(source) is None:
        return children, None
    match = HEADING_ATTRIBUTES.search(last.text) if isinstance(last, Text) else None
    if match is None or (len(children) == 1 and not last.text[: match.start()].strip()):  # "{#x}" alone is text
        return children, None
    anchor = next((token[1:] for token in match.group(1).split() if token.startswith("#")), None)
    rest = last.text[: match.start()].rstrip()
    return [*children[:-1], Text(text=rest)] if rest else children[:-1], anchor


_TASK_MARK = re.compile(r"\[([ xX])\][ \t]")


def _task_box(node: SyntaxTreeNode, item: list[Block]) -> list[Block]:
    """A task item (`- [ ] open`, `- [x] done`, as GitHub and pandoc read them; not `\\[ ]`) starts with its
    box."""
    source = node.children[0] if node.children and node.children[0].type == "paragraph" else None
    written = _TASK_MARK.match(source.children[0].content) if source and source.children else None
    first = item[0] if item else None
    if written and isinstance(first, Paragraph) and first.children and isinstance(first.children[0], Text):
        read = _TASK_MARK.match(first.children[0].text)  # not when `[x]` is a link to a reference
        if read:
            box = TASK_OPEN if read.group(1) == " " else TASK_DONE
            first.children[0] = Text(text=box + " " + first.children[0].text[read.end():])
    return item

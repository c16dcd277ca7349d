"""pandoc's Markdown where CommonMark has none, read as pandoc reads it: its own tables (simple, multiline,
headerless: what `pandoc -t markdown` writes for pipe tables; pandoc writes them here when the tests run), with the
same cells, header rows and alignments as pandoc's reading of the same text; and lists numbered with letters and
Roman numerals, with the same starts, styles and nesting."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from exporter.model import Table, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.docx.corpus.build import pandoc_binary

LONG = "a cell long enough that pandoc has to wrap it over several lines of its multiline table, " * 2

PIPE_TABLES = {
    "simple": "| Unit | Base | Sorties |\n|---|:-:|--:|\n| 1st Fighter Wing | Langley | 12 |\n"
              "| 2nd Bomb Wing | Barksdale | 7 |\n",
    "aligned": "| Left | Centre | Right | Default |\n|:---|:---:|---:|---|\n| a | b | c | d |\n",
    "multiline": f"| Name | Notes |\n|:--|--:|\n| Alpha | {LONG} |\n| Bravo | short |\n\n: Units and notes\n",
    "headerless multiline": f"|   |   |\n|---|---|\n| Alpha | {LONG} |\n| Bravo | short |\n",
    "headerless": "|   |   |\n|---|---|\n| one | two |\n| three | four |\n",
    "code and emphasis": "| Term | Meaning |\n|---|---|\n| `sortie` | one *mission* by one aircraft |\n",
}


def pandoc(text: str, *args: str) -> str:
    return subprocess.run([pandoc_binary(), "-f", "markdown", *args], input=text, capture_output=True, text=True,
                          check=True).stdout


def stringify(inlines: list) -> str:
    words = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            words.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            words.append(" ")
        elif kind == "Code":
            words.append(content[1])
        elif isinstance(content, list):
            words.append(stringify(content if kind not in ("Link", "Span") else content[1]))
    return "".join(words)


def pandoc_tables(text: str) -> list[dict]:
    found = []
    for block in json.loads(pandoc(text, "-t", "json"))["blocks"]:
        if block["t"] != "Table":
            continue
        _, caption, colspecs, head, bodies, _ = block["c"]

        def rows(rows) -> list[list[str]]:
            return [[" ".join(stringify(b["c"]) for b in cell[4]).strip() for cell in row[1]] for row in rows]

        alignments = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center", "AlignDefault": None}
        found.append({
            "head": [row for row in rows(head[1]) if any(row)],
            "rows": [row for body in bodies for row in rows(body[3])],
            "align": [alignments[spec[0]["t"]] for spec in colspecs],
            "caption": " ".join(stringify(b["c"]) for b in caption[1]).strip(),
        })
    return found


def our_tables(path: Path) -> list[dict]:
    tables = [block for block in read_document(path, BuildOptions()).document.body if isinstance(block, Table)]
    return [{
        "head": [[plain_text(cell.children) for cell in row.cells] for row in table.head],
        "rows": [[plain_text(cell.children) for cell in row.cells] for row in table.rows],
        "align": [cell.align for cell in (table.head or table.rows)[0].cells],
        "caption": plain_text(table.caption),
    } for table in tables]


@pytest.mark.parametrize("name", PIPE_TABLES)
def test_pandocs_markdown_tables_read_as_pandoc_reads_them(tmp_path, name):
    written = pandoc(PIPE_TABLES[name], "-t", "markdown-pipe_tables-grid_tables")
    assert "|" not in written  # pandoc wrote a simple or multiline table
    path = tmp_path / "tables.md"
    path.write_text(f"---\ntitle: Tables\n---\n\nBefore.\n\n{written}\nAfter.\n", encoding="utf-8")
    expected = pandoc_tables(written)
    assert len(expected) == 1
    assert our_tables(path) == expected


def test_a_line_between_two_rules_and_a_setext_heading_are_no_table(tmp_path):
    path = tmp_path / "rules.md"
    path.write_text("---\ntitle: Rules\n---\n\n- - -\n\nBetween rules.\n\n- - -\n\nHeading\n-------\n\nAfter.\n",
                    encoding="utf-8")
    body = read_document(path, BuildOptions()).document.body
    assert [block.type for block in body] == ["paragraph", "heading", "paragraph"]


FANCY_LISTS = {
    "letters": "a. First\nb. Second\nc. Third\n",
    "letters then roman": "a. First\nb. Second\n\ni. Roman one\n\nii. Roman two\n\niii. Roman three\n",
    "ninth letter": "h. Eighth\ni. Ninth\nj. Tenth\n",
    "upper and a name": "A.  Upper one\nB.  Upper two\n\nB. Smith wrote this sentence.\n",
    "parentheses and start": "c) Third\nd) Fourth\n\nIV) Four\nV) Five\n",
    "hash": "#. One\n#. Two\n",
    "nested": "a. Outer\n\n    i. Inner one\n    ii. Inner two\n\nb. Outer again\n",
    "code stays code": "```\na. not a list\n```\n",
}
STYLES = {"LowerAlpha": "lower-alpha", "UpperAlpha": "upper-alpha", "LowerRoman": "lower-roman",
          "UpperRoman": "upper-roman", "Decimal": None, "DefaultStyle": None}


def pandoc_lists(blocks: list) -> list:
    found = []
    for block in blocks:
        if block["t"] == "OrderedList":
            (start, style, _), items = block["c"]
            found.append(("list", start, STYLES[style["t"]], [pandoc_lists(item) for item in items]))
        elif block["t"] in ("Para", "Plain"):
            found.append(("text", stringify(block["c"])))
        elif block["t"] == "CodeBlock":
            found.append(("code", block["c"][1]))
    return found


def our_lists(blocks) -> list:
    from exporter.model import Code, ListBlock, Paragraph

    found = []
    for block in blocks:
        if isinstance(block, ListBlock):
            found.append(("list", block.start or 1, block.number_style, [our_lists(item) for item in block.items]))
        elif isinstance(block, Paragraph) and all(isinstance(node, Code) for node in block.children):
            found.append(("code", plain_text(block.children)))
        elif isinstance(block, Paragraph):
            found.append(("text", plain_text(block.children)))
    return found


@pytest.mark.parametrize("name", FANCY_LISTS)
def test_lists_numbered_with_letters_and_roman_numerals_read_as_pandoc_reads_them(tmp_path, name):
    path = tmp_path / "lists.md"
    path.write_text(f"---\ntitle: Lists\n---\n\n{FANCY_LISTS[name]}", encoding="utf-8")
    expected = pandoc_lists(json.loads(pandoc(FANCY_LISTS[name], "-t", "json"))["blocks"])
    assert our_lists(read_document(path, BuildOptions()).document.body) == expected


def test_lists_numbered_with_letters_and_roman_numerals_are_written_so(tmp_path):
    from exporter.markdown_source import to_markdown

    path = tmp_path / "lists.md"
    path.write_text("---\ntitle: Lists\n---\n\n" + "\nA paragraph between.\n\n".join(FANCY_LISTS.values()),
                    encoding="utf-8")
    article = read_document(path, BuildOptions()).document
    written = to_markdown(article)
    assert "a. First" in written and "iii) Roman three" in written and "A.  Upper one" in written
    again = tmp_path / "again.md"
    again.write_text(written, encoding="utf-8")
    assert read_document(again, BuildOptions()).document.body == article.body


LINE_BLOCKS = {
    "verse": "| The limerick packs laughs **anatomical**\n|     In space that is quite economical.\n|\n"
             "| But the good ones I've seen\n  so seldom are clean\n",
    "address": "| 1600 Pennsylvania Avenue NW\n| Washington, DC 20500\n",
}


def test_line_blocks_keep_their_lines_as_pandoc_reads_them(tmp_path):
    from exporter.model import LineBreak, Paragraph

    for name, source in LINE_BLOCKS.items():
        [block] = [b for b in json.loads(pandoc(source, "-f", "markdown-smart", "-t", "json"))["blocks"]
                   if b["t"] == "LineBlock"]
        expected = [stringify(line) for line in block["c"]]
        path = tmp_path / f"{name.replace(' ', '-')}.md"
        path.write_text(f"---\ntitle: Lines\n---\n\n{source}\nAfter.\n", encoding="utf-8")
        paragraph = read_document(path, BuildOptions()).document.body[0]
        assert isinstance(paragraph, Paragraph)
        lines = [[]]
        for node in paragraph.children:
            lines.append([]) if isinstance(node, LineBreak) else lines[-1].append(node)
        assert [plain_text(line) for line in lines] == expected, name


def test_task_lists_keep_their_boxes_from_markdown_and_word_and_back(tmp_path):
    """`- [x] done` and `- [ ] open` (GitHub's and pandoc's task lists) start with their ballot box, as pandoc's
    plain text shows them; pandoc's Word file of the same list (a ballot-box bullet per item) reads the same, as
    one list; the Markdown written back is a task list again to pandoc. An escaped `\\[ ]` stays text."""
    from exporter.markdown_source import to_markdown
    from exporter.model import ListBlock

    tasks = "- [x] done *item*\n- [ ] open item\n\n1. [X] numbered\n"
    expected = [line.strip("-1. ") for line in pandoc(tasks, "-t", "plain").splitlines() if line.strip()]
    source = tmp_path / "tasks.md"
    source.write_text(f"---\ntitle: Tasks\n---\n\n{tasks}\nText.\n\n- \\[ ] literal\n", encoding="utf-8")
    article = read_document(source, BuildOptions()).document
    lists = [block for block in article.body if isinstance(block, ListBlock)]
    items = [plain_text(item[0].children) for block in lists for item in block.items]
    assert items == [*expected, "[ ] literal"]

    draft = tmp_path / "tasks.docx"
    subprocess.run([pandoc_binary(), "-f", "markdown", "-o", str(draft)], input=tasks.split("\n\n")[0],
                   text=True, check=True)
    [word_list] = [block for block in read_document(draft, BuildOptions()).document.body
                   if isinstance(block, ListBlock)]
    assert [plain_text(item[0].children) for item in word_list.items] == expected[:2]
    assert word_list.items == lists[0].items  # the same nodes: one text with its box, the emphasis after

    # Our Word file makes the box the item's bullet, as pandoc does: pandoc and our reader read tasks back.
    from tests.conftest import run_exporter

    built = run_exporter("build", source, "--to", "docx,html", "-o", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "- [x] done *item*" in subprocess.run([pandoc_binary(), str(tmp_path / "out" / "tasks.docx"), "-t",
                                                  "markdown"], capture_output=True, text=True, check=True).stdout
    again = read_document(tmp_path / "out" / "tasks.docx", BuildOptions()).document
    assert [block.items for block in again.body if isinstance(block, ListBlock)] == [block.items for block in lists]
    assert (tmp_path / "out" / "tasks.html").read_text(encoding="utf-8").count('<li class="task">') == 3

    written = to_markdown(article)
    assert "- [x] done *item*\n\n- [ ] open item" in written and "- \\[ \\] literal" in written
    assert [line.strip("-1. ") for line in pandoc(written.split("Text.")[0].split("---")[-1], "-t", "plain")
            .splitlines() if line.strip()] == expected


def test_a_fenced_div_in_a_language_of_its_own_keeps_it_for_all_its_text(tmp_path):
    """`::: {lang=fr}` (pandoc's Div with a lang attribute): every paragraph, list item and caption in it is in
    that language; a span in another language inside keeps its own; a bad tag is refused at the div's line."""
    from exporter.errors import ExportError
    from exporter.model import Paragraph, Span, inline_lists

    source = tmp_path / "div.md"
    body = "English.\n\n::: {.quote lang=fr}\nBonjour *le monde*.\n\n- un\n- [zwei]{lang=de}\n:::\n\nAfter.\n"
    source.write_text(f"---\ntitle: Div\n---\n\n{body}", encoding="utf-8")
    article = read_document(source, BuildOptions()).document
    languages = [(children[0].lang if len(children) == 1 and isinstance(children[0], Span) else None,
                  plain_text(children)) for children in inline_lists(article.body)]
    assert languages == [(None, "English."), ("fr", "Bonjour le monde."), ("fr", "un"), ("de", "zwei"),
                         (None, "After.")]
    div = [block for block in json.loads(pandoc(body, "-t", "json"))["blocks"] if block["t"] == "Div"]
    assert dict(div[0]["c"][0][2])["lang"] == "fr"
    assert isinstance(article.body[1], Paragraph)

    source.write_text("---\ntitle: Div\n---\n\n::: {lang=en-@@}\nText.\n:::\n", encoding="utf-8")
    with pytest.raises(ExportError, match="is not a valid BCP 47 language tag") as refused:
        read_document(source, BuildOptions())
    assert refused.value.line == 5


DOLLARS = ("Energy $E = mc^2$ costs $5 and $6 today, not \\$x here; $ 5$ is text, $a_1$, and $$\\frac{a}{b}$$ "
           "inline.\n\n"
           "$$\n\\sum_{i=1}^{n} \\alpha_i \\foo\n$$\n")


def test_tex_math_is_read_where_pandoc_reads_it_and_kept_as_linear_text(tmp_path):
    """pandoc's `$...$` and `$$...$$`: a formula where pandoc finds one (not `$5 and $6`, not `\\$`, not `$ 5$`),
    as its linear text with the model's superscripts and subscripts; one warning counts them and names the
    commands left as written. Written back, a `$` of the text is escaped, so it is not read as a formula."""
    from exporter.markdown_source import to_markdown
    from exporter.model import Paragraph, Subscript, Superscript, walk_inlines

    pandoc_math = json.dumps(json.loads(pandoc(DOLLARS, "-t", "json"))).split('"t": "Math"')[1:]
    source = tmp_path / "math.md"
    source.write_text(f"---\ntitle: Math\n---\n\n{DOLLARS}", encoding="utf-8")
    result = read_document(source, BuildOptions())
    first, second = [block for block in result.document.body if isinstance(block, Paragraph)]
    assert plain_text(first.children) == ("Energy E = mc2 costs $5 and $6 today, not $x here; $ 5$ is text, a1, and "
                                          "a/b inline.")
    assert plain_text(second.children) == "∑i=1n αi \\foo"
    scripts = [(type(node).__name__, plain_text(node.children))
               for node in walk_inlines(first.children + second.children) if isinstance(node, Superscript | Subscript)]
    assert scripts == [("Superscript", "2"), ("Subscript", "1"), ("Subscript", "i=1"), ("Superscript", "n"),
                       ("Subscript", "i")]
    [warning] = [message for message in result.warnings if "formula" in message]
    assert f"{len(pandoc_math)} formula(s) in TeX" in warning and "1 command(s) not known here" in warning
    assert warning.startswith(f"{source}:5:") and "\\foo" in warning

    written = to_markdown(result.document)
    assert "costs \\$5 and \\$6 today, not \\$x here" in written
    again = tmp_path / "again.md"
    again.write_text(written, encoding="utf-8")
    assert plain_text(read_document(again, BuildOptions()).document.body[0].children) == plain_text(first.children)


@pytest.mark.parametrize(("tex", "linear"), [
    ("x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}", "x = (-b ± √(b^2-4ac))/2a"),  # as the DOCX reader's equations read
    ("\\text{speed limit} = \\frac{d}{t}", "speed limit = d/t"),
    ("\\sqrt[3]{x} \\cdot \\left( y \\right)", "^3√x ⋅ ( y )"),
    ("10^{-3}\\,\\mathrm{m}", "10^-3\u2009m"),
    ("\\sin\\theta \\leq 1 + \\log(x)", "sin θ ≤ 1 + log(x)"),
    # Scripts in scripts are linear text in the script: the model's do not nest (nor do Markdown's).
    ("x^{2^{3}} + a_{i_j}", "x^2^3 + ai_j"),
    ("\\|v\\| \\geq 0", "‖v‖ ≥ 0"),
])
def test_tex_formulas_read_as_linear_text(tex, linear):
    from exporter.model import Superscript
    from exporter.readers.tex_math import linear_math

    def shown(nodes) -> str:
        return "".join(("^" + shown(node.children)) if isinstance(node, Superscript) else plain_text([node])
                       for node in nodes)

    result = linear_math(tex)
    assert shown(result.inlines) == linear and result.unknown == []


def test_tex_commands_not_known_are_kept_as_written_and_deep_groups_refused(tmp_path):
    """Found in review: `\\begin{pmatrix}` lost its braces though the warning said it was kept as written, and
    600 nested braces ended in a RecursionError; the groups are kept, and the nesting limit refuses in one line."""
    from exporter.errors import ExportError
    from exporter.readers.tex_math import linear_math

    result = linear_math("\\begin{pmatrix} a & b \\end{pmatrix} + \\foo{x}{y}")
    assert plain_text(result.inlines) == "\\begin{pmatrix} a & b \\end{pmatrix} + \\foo{x}{y}"
    assert result.unknown == ["begin", "end", "foo"]
    source = tmp_path / "deep.md"
    source.write_text("---\ntitle: Deep\n---\n\nA $" + "{" * 600 + "x" + "}" * 600 + "$ b.\n", encoding="utf-8")
    with pytest.raises(ExportError, match="nested more than 32 levels deep") as refused:
        read_document(source, BuildOptions())
    assert refused.value.line == 5


def test_spans_with_a_class_keep_their_text_and_are_named_in_a_warning(tmp_path):
    """pandoc's `[text]{.underline}`, `{.smallcaps}`, `{.mark}`: the model has no such looks; the text stays, and
    one warning names each class with its count and the line of the first."""
    source = tmp_path / "spans.md"
    source.write_text("---\ntitle: Spans\n---\n\nPlain.\n\nA [under]{.underline} and [caps]{.smallcaps}, "
                      "[marked]{.mark lang=fr} and [more]{.underline}.\n", encoding="utf-8")
    result = read_document(source, BuildOptions())
    assert plain_text(result.document.body[1].children) == "A under and caps, marked and more."
    assert [message for message in result.warnings if "class" in message] == [
        f"{source}:7: spans with a class kept as their text, without the look pandoc gives some of them: "
        ".mark (1), .smallcaps (1), .underline (2)"]


def test_a_language_div_may_hold_the_title_and_tasks(tmp_path):
    """Found in review: a whole article in `::: {lang=fr}` lost its title (the `#` heading inside was not seen),
    and a task item in such a div was written back as `[☒ fait]{lang=fr}`. The title is read, the rest of the div
    is French, and a task's box stays first, outside the language span (a tab after `[x]` marks a task too, as
    in pandoc)."""
    from exporter.markdown_source import to_markdown
    from exporter.model import ListBlock, Span, is_task

    source = tmp_path / "french.md"
    source.write_text("::: {lang=fr}\n# Mon titre\n\nBonjour.\n\n- [x] fait\n- [ ]\tà faire\n:::\n\nAfter.\n",
                      encoding="utf-8")
    article = read_document(source, BuildOptions()).document
    assert article.title == "Mon titre"
    [items] = [block.items for block in article.body if isinstance(block, ListBlock)]
    assert all(is_task(item) for item in items)
    assert [(item[0].children[0].text, item[0].children[1].lang) for item in items] == [("☒ ", "fr"), ("☐ ", "fr")]
    assert isinstance(article.body[0].children[0], Span) and article.body[0].children[0].lang == "fr"
    written = to_markdown(article)
    assert "- [x] [fait]{lang=fr}" in written
    again = tmp_path / "again.md"
    again.write_text(written, encoding="utf-8")
    assert read_document(again, BuildOptions()).document.body == article.body


def test_fenced_divs_nest_as_pandoc_nests_them(tmp_path):
    """Divs inside divs with fences of the same length (`:::` in `:::`), the outer one in French and the inner
    in German: each paragraph is in the language of the innermost div pandoc puts it in; colons in a fenced code
    block are code, and no fence shows as text."""
    from exporter.model import Code, Paragraph, Span, walk_inlines

    body = ("::: {lang=fr}\nAvant.\n\n::: {lang=de}\nInnen.\n:::\n\nAprès.\n\n```text\n:::\n```\n:::\n\n"
            "After.\n\n::::: outer\n::: {lang=es}\nDentro.\n:::\n:::::\n")

    def languages(blocks, lang=None):
        for block in blocks:
            if block["t"] == "Div":
                own = dict(block["c"][0][2]).get("lang")
                yield from languages(block["c"][1], own or lang)
            elif block["t"] == "Para":
                yield lang

    expected = list(languages(json.loads(pandoc(body, "-t", "json"))["blocks"]))
    source = tmp_path / "divs.md"
    source.write_text(f"---\ntitle: Divs\n---\n\n{body}", encoding="utf-8")
    body_read = read_document(source, BuildOptions()).document.body
    code = [block for block in body_read if any(isinstance(node, Code) for node in walk_inlines(block.children))]
    paragraphs = [block for block in body_read if isinstance(block, Paragraph) and block not in code]
    ours = [block.children[0].lang if isinstance(block.children[0], Span) else None for block in paragraphs]
    assert ours == expected == ["fr", "de", "fr", None, "es"]
    assert [plain_text(block.children) for block in code] == [":::"]  # the code block's, in the French div
    assert ":::" not in " ".join(plain_text(block.children) for block in paragraphs)


COMMENTS = ("Para one.\n\n<!--\nTODO: draft notes, not for publication.\n\nSecret second paragraph.\n-->\n\n"
            "Para two.\n\n<!--\na\n\nb\n--> tail text\n\n- item\n\n  <!--\n  in a list\n\n  still\n  -->\n\n"
            "- item two\n\n> quote\n>\n> <!--\n> hidden\n>\n> -->\n\nLead\n<!--\nhidden\n\ntoo\n-->\n\n"
            "<!--\nOld Section\n-----------\n\nOld draft.\n-->\n\n<!--\n---\n\nOlder draft.\n-->\n\n"
            "<!-- a\n\nb -->    not code\n")


def test_html_comments_over_several_paragraphs_are_left_out_as_pandoc_leaves_them(tmp_path):
    """A comment that starts a line hides its paragraphs (draft notes must not reach the outputs); text after its
    `-->` goes on. pandoc's plain text of the same Markdown has the same words; a comment begun inside a paragraph
    ends at the blank line (its `<!--` stays text) and is said."""
    path = tmp_path / "notes.md"
    path.write_text(f"---\ntitle: Notes\n---\n\n{COMMENTS}", encoding="utf-8")
    result = read_document(path, BuildOptions())
    ours = [plain_text(paragraph.children) for block in result.document.body
            for paragraph in ([block] if block.type == "paragraph" else
                              [p for item in block.items for p in item] if block.type == "list" else block.children)]
    theirs = [word for word in pandoc(COMMENTS, "-t", "plain").split() if word != "-"]  # its bullets
    assert " ".join(ours).split() == theirs
    assert not result.warnings
    path.write_text("---\ntitle: Notes\n---\n\nText <!-- a note\n\nstill the note --> and on.\n", encoding="utf-8")
    assert "1 '<!--' kept as text" in read_document(path, BuildOptions()).warnings[0]


def test_looking_for_pandoc_tables_reads_each_line_a_bounded_number_of_times(tmp_path, monkeypatch):
    """The table rule runs at every block's start; it made every line to the end of the file each time, so a
    1 MB article took 21 s and a 2 MB one 67 s. Counted, not timed: the lines it makes grow with the file."""
    from exporter.readers import pandoc_tables

    made = []
    original = pandoc_tables._line
    monkeypatch.setattr(pandoc_tables, "_line", lambda state, number: made.append(number) or original(state, number))

    def lines_made(paragraphs: int) -> int:
        made.clear()
        path = tmp_path / f"long-{paragraphs}.md"
        body = "".join(f"Paragraph {n} with a note.[^{n}]\n\n[^{n}]: Note {n}.\n\n" for n in range(paragraphs))
        path.write_text(f"---\ntitle: Long\n---\n\n{body}", encoding="utf-8")
        read_document(path, BuildOptions())
        return len(made)

    small, large = lines_made(100), lines_made(400)
    assert large <= 5 * small, (small, large)  # four times the text; all lines each time made it 16 times


def test_an_escaped_space_is_a_space_that_does_not_break_as_in_pandoc(tmp_path):
    """`Mr.\\ Smith` showed its backslash in every output; an escaped backslash before a space stays one."""
    source = "Non-breaking\\ space and Mr.\\ Smith, a \\\\ backslash.\n"
    path = tmp_path / "spaces.md"
    path.write_text(f"---\ntitle: T\n---\n\n{source}", encoding="utf-8")
    [paragraph] = read_document(path, BuildOptions()).document.body
    [theirs] = json.loads(pandoc(source, "-t", "json"))["blocks"]
    assert plain_text(paragraph.children) == stringify(theirs["c"]) == (
        "Non-breaking\u00a0space and Mr.\u00a0Smith, a \\ backslash.")


def test_figure_attributes_with_unquoted_values_read_as_pandoc_reads_them(tmp_path):
    """`{#fig-x width=50%}` (Quarto writes it so) was refused: mdit's attributes take no `%` unquoted."""
    source = '![Harbor map](map.png){#fig-x .wide width=50% alt="The \\"new\\" harbor" credit=NASA}\n'
    path = tmp_path / "quarto.md"
    path.write_text(f"---\ntitle: T\n---\n\n{source}", encoding="utf-8")
    result = read_document(path, BuildOptions())
    [figure] = result.document.figures()
    [block] = json.loads(pandoc(source, "-t", "json"))["blocks"]
    (identifier, _, _), _, [plain] = block["c"]
    (_, classes, pairs), alt, _ = plain["c"][0]["c"]
    assert (identifier, classes, dict(pairs)) == ("fig-x", ["wide"], {"width": "50%", "credit": "NASA"})
    assert (figure.alt, figure.credit) == (stringify(alt), "NASA") == ('The "new" harbor', "NASA")
    assert any("width left out" in warning for warning in result.warnings)


def test_raw_passages_for_one_format_are_left_out_as_pandoc_leaves_them_out_of_text(tmp_path):
    """`<b>x</b>`{=html} kept a literal "{=html}" and ```{=html} blocks became code; pandoc passes them to that
    format's output alone, and its plain text (like these outputs, which take no raw markup) leaves them out."""
    source = ("Text `<b>x</b>`{=html} more and `\\newpage`{=latex}. Code `kept`{.py} stays.\n\n"
              "```{=html}\n<div>raw</div>\n```\n\nAfter.\n")
    path = tmp_path / "raw.md"
    path.write_text(f"---\ntitle: T\n---\n\n{source}", encoding="utf-8")
    result = read_document(path, BuildOptions())
    ours = " ".join(plain_text(block.children) for block in result.document.body)
    assert ours.split() == pandoc(source, "-t", "plain").split()
    assert any(":5: 3 raw passage(s) for one output format" in warning for warning in result.warnings)
    path.write_text("---\ntitle: T\n---\n\nAlpha `<b>x</b>`{=html}\nbeta.\n", encoding="utf-8")  # found in review
    assert plain_text(read_document(path, BuildOptions()).document.body[0].children) == "Alpha beta."


def test_example_lists_number_on_through_the_document_as_pandoc_numbers_them(tmp_path):
    """`(@)` and `(@label)` items ran into one paragraph with their markers as text; a label's reference stayed
    "(@good)". pandoc numbers them through the document and reads a reference as its item's number."""
    source = ("Intro.\n\n(@) First example.\n(@good) Second example,\n    its second line.\n\n"
              "As (@good) shows, mail a@good.com.\n\n(@) Third example.\n\n```\n(@) code stays\n```\n")
    path = tmp_path / "examples.md"
    path.write_text(f"---\ntitle: T\n---\n\n{source}", encoding="utf-8")
    body = read_document(path, BuildOptions()).document.body
    lists = [block for block in body if block.type == "list"]
    assert [(block.ordered, block.start, len(block.items)) for block in lists] == [(True, 1, 2), (True, 3, 1)]
    assert [plain_text(paragraph.children) for item in lists[0].items for paragraph in item] == [
        "First example.", "Second example, its second line."]
    blocks = json.loads(pandoc(source, "-t", "json"))["blocks"]
    theirs = [stringify(block["c"]) for block in blocks if block["t"] == "Para"]
    ours = [plain_text(block.children) for block in body if block.type == "paragraph"]
    # pandoc also reads the "@good" of an e-mail address as the reference ("a2.com"): the address stays here.
    assert ours[:2] == [*theirs[:1], theirs[1].replace("a2.com", "a@good.com")] == [
        "Intro.", "As (2) shows, mail a@good.com."]
    assert ours[2] == "(@) code stays"

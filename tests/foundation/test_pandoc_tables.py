"""pandoc's own Markdown tables (simple, multiline, headerless: what `pandoc -t markdown` writes for pipe tables)
read as pandoc reads them: the same cells, header rows and column alignments as pandoc's reading of the same
text. pandoc writes the tables here from pipe tables when the tests run."""

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

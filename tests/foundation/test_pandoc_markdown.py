"""pandoc reads our Markdown samples and sees the same figures (alt, caption) and language spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporter.model import Figure, Span, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLE_ARTICLES

pytestmark = pytest.mark.slow

QUOTES = {"DoubleQuote": '"', "SingleQuote": "'"}


def stringify(nodes) -> str:
    out = []
    for node in nodes:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("\n")
        elif kind == "Code":
            out.append(content[1])
        elif kind == "Quoted":
            mark = QUOTES[content[0]["t"]]
            out.append(mark + stringify(content[1]) + mark)
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps"):
            out.append(stringify(content))
        elif kind in ("Span", "Link", "Image"):
            out.append(stringify(content[1]))
        elif kind in ("Plain", "Para"):
            out.append(stringify(content))
    return "".join(out)


def walk(value, found: dict) -> None:
    if isinstance(value, dict):
        kind = value.get("t")
        if kind == "Figure":
            caption_blocks = value["c"][1][1]
            image = _first_image(value["c"][2])
            found["figures"].append((stringify(image["c"][1]), stringify(caption_blocks), image["c"][2][0]))
        elif kind == "Span":
            attrs = dict(value["c"][0][2])
            if "lang" in attrs:
                found["spans"].append((stringify(value["c"][1]), attrs["lang"]))
        for child in value.values():
            walk(child, found)
    elif isinstance(value, list):
        for child in value:
            walk(child, found)


def _first_image(blocks):
    for block in blocks:
        for inline in block.get("c", []):
            if isinstance(inline, dict) and inline.get("t") == "Image":
                return inline
    raise AssertionError("figure without an image")


def normalize(text: str) -> str:
    return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").split())


@pytest.mark.parametrize("sample", SAMPLE_ARTICLES, ids=lambda p: p.stem)
def test_pandoc_sees_the_same_figures_and_spans(sample: Path) -> None:
    import pypandoc

    ast = json.loads(pypandoc.convert_file(str(sample), "json", format="markdown"))
    found: dict = {"figures": [], "spans": []}
    walk(ast["blocks"], found)

    article = read_document(sample, BuildOptions()).document
    expected_figures = [
        (figure.alt, plain_text(figure.caption), figure.image)
        for figure in article.body
        if isinstance(figure, Figure) and figure.caption and not figure.decorative
    ]
    assert [
        (normalize(a), normalize(c), src) for a, c, src in found["figures"] if not src.startswith("http")
    ] == [(normalize(a), normalize(c), src) for a, c, src in expected_figures]
    expected_spans: list[tuple[str, str]] = []

    def collect(nodes) -> None:
        for node in nodes:
            if isinstance(node, Span):
                expected_spans.append((plain_text(node.children), node.lang))
            if hasattr(node, "children") and isinstance(node.children, list):
                collect([c for c in node.children if not isinstance(c, list)])

    for block in article.body:
        if hasattr(block, "children"):
            collect(block.children)
    assert found["spans"] == expected_spans
    if sample.stem == "torture-every-block":
        assert ("Київ", "uk") in found["spans"] and ("Αθήνα", "el") in found["spans"]
        assert found["figures"], "pandoc saw no figures"

"""`exporter import -o x.md` writes Markdown that reads back as the same model: emphasis always closes (spaces
or punctuation at its edges included), and no `*`, `_` or `\\` is left over as text."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.markdown_source import tidy_inlines, to_markdown
from exporter.model import Article, Emphasis, Paragraph, Strong, Text, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document

# Text that stresses the delimiter rules: spaces, punctuation next to letters, the delimiter characters
# themselves, backslashes, entity look-alikes, line-start markers and non-ASCII letters, punctuation and spaces.
EDGY_TEXT = st.text(st.sampled_from(list(" aZ9*_\\&#;-.,\"'!([)]:1+>=`é—“”\u00a0\t")), min_size=1, max_size=8)


def inline_content():
    leaf = st.one_of(
        st.builds(lambda t: {"type": "text", "text": t}, EDGY_TEXT),
        st.builds(lambda t: {"type": "code", "text": t}, EDGY_TEXT),
        st.just({"type": "line_break"}),
    )
    return st.recursive(
        leaf,
        lambda children: st.one_of(
            st.builds(lambda c: {"type": "emphasis", "children": c}, st.lists(children, max_size=3)),
            st.builds(lambda c: {"type": "strong", "children": c}, st.lists(children, max_size=3)),
            st.builds(
                lambda c: {"type": "link", "href": "https://example.org/a", "children": c},
                st.lists(children, max_size=2),
            ),
            st.builds(lambda c: {"type": "span", "lang": "uk", "children": c}, st.lists(children, max_size=2)),
        ),
        max_leaves=8,
    )


def read_back(tmp_path: Path, article: Article) -> Article:
    path = tmp_path / "article.md"
    path.write_text(to_markdown(article), encoding="utf-8")
    document = read_document(path, BuildOptions()).document
    assert isinstance(document, Article)
    return document


@settings(max_examples=400)
@given(paragraphs=st.lists(st.lists(inline_content(), min_size=1, max_size=5), min_size=1, max_size=3))
def test_any_inline_content_reads_back_as_written(tmp_path_factory, paragraphs) -> None:
    article = Article.model_validate(
        {"title": "T", "body": [{"type": "paragraph", "children": children} for children in paragraphs]}
    )
    expected = [
        Paragraph(children=tidy_inlines(block.children))
        for block in article.body
        if tidy_inlines(block.children)
    ]
    again = read_back(tmp_path_factory.mktemp("md"), article)
    assert again.body == expected, to_markdown(article)


@given(children=st.lists(inline_content(), min_size=1, max_size=5))
def test_tidying_keeps_the_text(children) -> None:
    paragraph = Paragraph.model_validate({"children": children})
    tidy = tidy_inlines(paragraph.children)
    text = plain_text(paragraph.children).strip("\n")
    assert plain_text(tidy).strip("\n") == (text if text.strip() else "")  # white space alone is nothing
    assert tidy_inlines(tidy) == tidy


def test_afmil_dateline_closes(tmp_path: Path) -> None:
    """The af.mil print view's bold dateline ends in a space: the Markdown must still close the bold."""
    article = Article(
        title="T",
        body=[
            Paragraph(
                children=[
                    Strong(children=[Text(text="SOTO CANO AIR BASE, Honduras (AFNS) -- ")]),
                    Text(text="On my flight"),
                ]
            ),
            Paragraph(children=[Text(text="a "), Emphasis(children=[Text(text="“quoted”")]), Text(text="s")]),
        ],
    )
    written = to_markdown(article)
    again = read_back(tmp_path, article)
    assert again.body == article.body
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(written.split("---\n", 2)[2])
    assert "<strong>SOTO CANO AIR BASE, Honduras (AFNS) -- </strong>On my flight" in html
    assert "*" not in html and "\\" not in html


def test_a_paragraph_of_white_space_alone_is_nothing_to_write(tmp_path) -> None:
    """Found by the property test above: a paragraph of one space was written as `&#32;`, which every reader
    (ours, pandoc, CommonMark) takes for no paragraph at all."""
    article = Article.model_validate({"title": "T", "body": [
        {"type": "paragraph", "children": [{"type": "text", "text": " \u00a0 "}, {"type": "line_break"},
                                           {"type": "text", "text": " "}]},
        {"type": "paragraph", "children": [{"type": "text", "text": "Text."}]}]})
    assert "&#" not in to_markdown(article)
    assert [plain_text(block.children) for block in read_back(tmp_path, article).body] == ["Text."]


def test_a_note_of_white_space_alone_is_nothing_to_write(tmp_path) -> None:
    """Found in review: a footnote whose paragraph is a space was written as `[^1]: `, which our own reader
    refuses ("a footnote reference whose note is empty"); such a note says nothing and is left out."""
    article = Article.model_validate({"title": "T", "body": [{"type": "paragraph", "children": [
        {"type": "text", "text": "Text"},
        {"type": "footnote", "children": [{"type": "paragraph", "children": [{"type": "text", "text": " "}]}]},
        {"type": "text", "text": "."}]}]})
    assert "[^" not in to_markdown(article)
    assert [plain_text(block.children) for block in read_back(tmp_path, article).body] == ["Text."]


def test_tables_a_pipe_table_cannot_hold_keep_every_cell_and_say_what_changed(tmp_path) -> None:
    """Found probing LibreOffice's DOCX of a fact sheet: a second header row was dropped, rows with merged cells
    came out with fewer or more cells than the header (cells lost on reading back), and a line break in a cell
    read back as a literal backslash. Every cell's text now has its own column; what a pipe table cannot say is
    named."""
    from exporter.markdown_source import not_carried
    from exporter.model import Table

    def cell(text: str, **spans) -> dict:
        return {"children": [{"type": "text", "text": text}], **spans}

    article = Article.model_validate({"title": "T", "body": [{
        "type": "table",
        "head": [{"cells": [cell("Program", rowspan=2), cell("Fiscal year", colspan=2)]},
                 {"cells": [cell("2023"), cell("2024")]}],
        "rows": [{"cells": [cell("Alpha"), {"children": [{"type": "text", "text": "Plan approved"},
                                                          {"type": "line_break"},
                                                          {"type": "text", "text": "Funding secured"}]},
                            cell("2")]},
                 {"cells": [cell("Total", colspan=3)]}]}]})
    assert [message.split(" ", 2)[1] for message in not_carried(article)] == ["table(s)", "table(s)"]
    [table] = read_back(tmp_path, article).body
    assert isinstance(table, Table)
    rows = [[plain_text(cell.children) for cell in row.cells] for row in [*table.head, *table.rows]]
    assert rows == [["Program", "Fiscal year", ""], ["", "2023", "2024"],
                    ["Alpha", "Plan approved Funding secured", "2"], ["Total", "", ""]]

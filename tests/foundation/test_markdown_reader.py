"""Markdown with YAML front matter into the model, and back out as canonical Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import ExportError
from exporter.markdown_source import to_markdown
from exporter.model import (
    BlockQuote,
    Figure,
    ListBlock,
    Media,
    Paragraph,
    Span,
    Table,
    TableCell,
    TableRow,
    plain_text,
)
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLE_ARTICLES


def read(tmp_path: Path, text: str):
    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    return read_document(path, BuildOptions()).document


def test_figure_attributes(tmp_path: Path) -> None:
    article = read(
        tmp_path,
        '---\ntitle: T\n---\n\n![Caption with *emphasis*](images/p.jpg "Photo title")'
        '{alt="Two \\"quoted\\" people" credit="Jane Doe" virin="230214-D-TT977-0483.JPG"}\n',
    )
    figure = article.body[0]
    assert isinstance(figure, Figure)
    assert figure.alt == 'Two "quoted" people'
    assert figure.title == "Photo title"
    assert plain_text(figure.caption) == "Caption with emphasis"
    assert figure.caption[1].type == "emphasis"
    assert figure.credit == "Jane Doe"
    assert figure.virin == "230214-D-TT977-0483"


def test_figure_without_alt_is_kept_without_alt(tmp_path: Path) -> None:
    figure = read(tmp_path, "---\ntitle: T\n---\n\n![Only a caption](p.jpg)\n").body[0]
    assert figure.alt is None and plain_text(figure.caption) == "Only a caption"


def test_a_figures_size_as_pandoc_writes_it_is_left_out_in_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text('---\ntitle: T\n---\n\n![Launch](p.jpg){alt="The launch" width="3.5in" height=2in}\n',
                    encoding="utf-8")
    result = read_document(path, BuildOptions())
    figure = result.document.body[0]
    assert isinstance(figure, Figure) and figure.alt == "The launch"
    assert result.warnings == [f"{path}:5: the figure's height and width left out: every format sizes a figure "
                               "to its page or screen"]


def test_strikeout_as_pandoc_writes_it_beside_subscript(tmp_path: Path) -> None:
    paragraph = read(tmp_path, "---\ntitle: T\n---\n\nThe ~~old~~ new plan for H~2~O.\n").body[0]
    assert [node.type for node in paragraph.children] == ["text", "strikeout", "text", "subscript", "text"]
    assert plain_text(paragraph.children) == "The old new plan for H2O."


def test_a_number_where_text_goes_is_that_text(tmp_path: Path) -> None:
    article = read(tmp_path, "---\ntitle: 1984\ndek: 2.5\n---\n\nText.\n")
    assert (article.title, article.dek) == ("1984", "2.5")


def test_tables_of_a_header_alone_or_an_empty_header(tmp_path: Path) -> None:
    """pandoc reads an empty header row as no header, and a header alone as a table of one row."""
    alone, headerless = read(
        tmp_path, "---\ntitle: T\n---\n\n| A | B |\n|---|---|\n\n|   |   |\n|---|---|\n| 1 | 2 |\n").body
    assert alone.head == [] and [plain_text(cell.children) for cell in alone.rows[0].cells] == ["A", "B"]
    assert headerless.head == [] and [plain_text(cell.children) for cell in headerless.rows[0].cells] == ["1", "2"]


def test_a_picture_in_a_data_url_is_kept_with_the_article(tmp_path: Path) -> None:
    """pandoc's --embed-resources writes pictures as data: URLs; a data: URL of anything else is refused in a
    line that does not quote the whole payload."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    path = tmp_path / "article.md"
    path.write_text(f'---\ntitle: T\n---\n\nA ![dot]({url}) here.\n\n![Cap]({url}){{alt="A red square"}}\n',
                    encoding="utf-8")
    result = read_document(path, BuildOptions())
    figure = result.document.body[1]
    assert figure.image == "embedded-2.png" and result.images[figure.image] == buffer.getvalue()
    assert result.document.body[0].children[1].image == "embedded-1.png"
    path.write_text("---\ntitle: T\n---\n\n![Cap](data:text/html;base64," + "A" * 5000 + '){alt="x"}\n',
                    encoding="utf-8")
    with pytest.raises(ExportError, match="not a base64 picture") as error:
        read_document(path, BuildOptions())
    assert len(str(error.value)) < 200


def test_a_footnote_referred_to_nowhere_is_named_in_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text("---\ntitle: T\n---\n\nText[^1].\n\n[^1]: Used.\n\n[^spare]: Never used.\n", encoding="utf-8")
    assert read_document(path, BuildOptions()).warnings == [
        f"{path}:9: footnote [^spare] is referred to nowhere in the text: left out"]


def test_authors_as_pandoc_templates_write_them_are_the_byline(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text("---\ntitle: T\nauthor:\n  - name: Jane Doe\n    affiliation: NASA\n  - John Roe\n---\n\nText.\n",
                    encoding="utf-8")
    result = read_document(path, BuildOptions())
    assert result.document.byline.people == ["Jane Doe", "John Roe"]
    assert result.warnings == [f"{path}:1: the authors' affiliation left out: the byline holds their names"]


def test_a_table_rows_cells_past_the_header_are_named_in_a_warning(tmp_path: Path) -> None:
    """markdown-it (like GFM) keeps a row's cells up to the header's count; the rest are said to be left out."""
    path = tmp_path / "article.md"
    path.write_text("---\ntitle: T\n---\n\n| A | B |\n|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 |\n", encoding="utf-8")
    result = read_document(path, BuildOptions())
    assert result.warnings == [f"{path}:7: a table row of 3 cells under a header of 2: the last 1 left out"]


def test_decorative_and_media(tmp_path: Path) -> None:
    article = read(
        tmp_path,
        "---\ntitle: T\n---\n\n![](d.jpg){decorative=true}\n\n"
        '![About it](https://example.org/v "Clip"){media=video duration=PT1M}\n',
    )
    assert article.body[0].decorative and article.body[0].alt is None
    media = article.body[1]
    assert isinstance(media, Media) and media.kind == "video" and media.title == "Clip"


def test_language_spans_lists_quotes_tables(tmp_path: Path) -> None:
    article = read(
        tmp_path,
        "---\ntitle: T\nlanguage: en\n---\n\nIn [Київ]{lang=uk} today.\n\n1. one\n2. two\n   - nested\n\n"
        "> Quoted words.\n>\n> — Someone *Important*\n\n| A | B |\n|---|---|\n| x | y |\n\n"
        ": The caption {row-headers=true}\n",
    )
    span = article.body[0].children[1]
    assert isinstance(span, Span) and span.lang == "uk" and plain_text(span.children) == "Київ"
    assert isinstance(article.body[1], ListBlock) and article.body[1].ordered
    assert isinstance(article.body[1].items[1][1], ListBlock)
    quote = article.body[2]
    assert isinstance(quote, BlockQuote) and plain_text(quote.attribution) == "Someone Important"
    table = article.body[3]
    assert isinstance(table, Table) and plain_text(table.caption) == "The caption"
    assert (
        table.head[0].cells[0].header and table.rows[0].cells[0].header and not table.rows[0].cells[1].header
    )
    assert len(article.body) == 4


def test_raw_html_stays_text(tmp_path: Path) -> None:
    article = read(tmp_path, "---\ntitle: T\n---\n\n<script>alert(1)</script>\n\nHi <b>there</b>\n")
    texts = [plain_text(b.children) for b in article.body if isinstance(b, Paragraph)]
    assert "<script>alert(1)</script>" in texts[0]
    assert "<b>there</b>" in texts[1]


def test_html_comments_are_left_out_and_other_raw_html_stays_text(tmp_path: Path) -> None:
    """Every Markdown renderer hides a comment; an author's note in one must not reach the PDF."""
    article = read(tmp_path, "---\ntitle: T\n---\n\n<!-- editor: check the date -->\n\n"
                             "Before <!-- inline note --> after <b>bold</b>.\n\n<!--\nlonger\nnote\n-->\n\nEnd.\n")
    texts = [plain_text(block.children) for block in article.body]
    assert texts == ["Before after <b>bold</b>.", "End."]


def test_fenced_divs_are_their_content_and_definition_lists_terms_in_bold(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text("---\ntitle: T\n---\n\n::: note\nInside the *div*.\n:::\n\n"
                    "Term\n: Its definition.\n\nSecond term\n: Second definition.\n", encoding="utf-8")
    result = read_document(path, BuildOptions())
    body = result.document.body
    assert [plain_text(block.children) for block in body] == [
        "Inside the div.", "Term: Its definition.", "Second term: Second definition."]
    assert body[1].children[0].type == "strong"
    assert [message for message in result.warnings if "definition list" in message] == [
        f"{path}:9: a definition list: the article model has no definition list; each term is read in bold at "
        'the start of its definition ("Term: definition")']
    with pytest.raises(ExportError, match="definition list"):
        read_document(path, BuildOptions(strict=True))


def test_a_glossary_from_a_definition_list_passes_the_docx_rules(tmp_path: Path) -> None:
    """A term as a bold paragraph of its own was reported by the DOCX rules as a heading made by hand."""
    from exporter.checks.docx_rules import check_docx
    from tests.conftest import run_exporter

    source = tmp_path / "glossary.md"
    source.write_text("---\ntitle: Glossary\n---\n\nTerms used here.\n\nVIRIN\n:   Visual Information Record "
                      "Identification Number.\n\nDVIDS\n:   Defense Visual Information Distribution Service.\n\n"
                      "    A second paragraph of it.\n\nSteps\n:   - first step\n    - second step\n", encoding="utf-8")
    built = run_exporter("build", source, "--to", "docx", "--out", tmp_path)
    assert built.returncode == 0, built.stderr
    assert check_docx(tmp_path / "glossary.docx") == []


@pytest.mark.parametrize("text", [": a colon first", "::: three colons", "~ a tilde first", "<!-- not a comment -->"])
def test_text_that_would_read_as_markup_is_written_to_read_back_as_text(tmp_path: Path, text: str) -> None:
    """A paragraph after a paragraph that starts with ":" would read back as a definition, ":::" as a fenced div."""
    article = read(tmp_path, "---\ntitle: T\n---\n\nTerm\n")
    article.body.append(Paragraph(children=text))
    path = tmp_path / "again.md"
    path.write_text(to_markdown(article), encoding="utf-8")
    again = read_document(path, BuildOptions()).document
    assert [plain_text(block.children) for block in again.body] == ["Term", text]


def test_adjacent_lists_and_a_note_before_a_colon_read_back_as_written(tmp_path: Path) -> None:
    """Two lists in a row (a Word draft's list that restarts at 1) were written with the same marker, which
    CommonMark reads as one list; a note right before ':' or '(' read back as a note definition or a link; a
    paragraph "Table: ..." above a table, as that table's caption."""
    def items(*texts: str) -> list:
        return [[Paragraph(children=text)] for text in texts]

    article = read(tmp_path, "---\ntitle: T\n---\n\nText^[The note.]: after, ^[Second.](not a link)\n")
    article.body += [
        Paragraph(children="Table: the sorties below."),
        Table(head=[TableRow(cells=[TableCell(header=True, children="Month")])],
              rows=[TableRow(cells=[TableCell(children="1")])]),
        ListBlock(ordered=False, items=items("a")), ListBlock(ordered=False, items=items("b")),
        ListBlock(ordered=False, items=items("c")), ListBlock(ordered=True, start=1, items=items("1", "2")),
        ListBlock(ordered=True, start=1, items=items("1 again")),
    ]
    path = tmp_path / "again.md"
    path.write_text(to_markdown(article), encoding="utf-8")
    again = read_document(path, BuildOptions()).document
    assert again.body == article.body


def test_a_caption_above_a_table_is_its_caption_as_pandoc_reads_it(tmp_path: Path) -> None:
    """": Caption" after a paragraph would read as that paragraph's definition: just above a table it is the
    table's caption (before one below it), and the paragraph stays a paragraph; pandoc reads the same."""
    article = read(tmp_path, "---\ntitle: T\n---\n\nIntro.\n\n: Above\n\n| a |\n|---|\n| 1 |\n\n"
                             "Table: Also above {row-headers=true}\n\n| b |\n|---|\n| 2 |\n\n"
                             "Lead.\n\n: Above too\n\n| c |\n|---|\n| 3 |\n\n: Below\n")
    tables = [block for block in article.body if isinstance(block, Table)]
    assert [plain_text(table.caption) for table in tables] == ["Above", "Also above", "Above too"]
    assert tables[1].rows[0].cells[0].header
    assert plain_text(article.body[0].children) == "Intro." and article.body[0].children[0].type == "text"
    assert plain_text(article.body[-1].children) == ": Below"


def test_a_grid_table_is_named_in_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text("---\ntitle: T\n---\n\n+-----+-----+\n| a   | b   |\n+=====+=====+\n| 1   | 2   |\n"
                    "+-----+-----+\n", encoding="utf-8")
    result = read_document(path, BuildOptions())
    assert any(":5: a grid table" in message and "pipe table" in message for message in result.warnings)
    # Followed by a line of text, a grid table once sent a pattern into exponential backtracking (minutes for
    # three rows); it is plain text, read at once.
    rows = "".join(f"| {n}    | x    | y    |\n+------+------+------+\n" for n in range(3))
    path.write_text("---\ntitle: T\n---\n\n+------+------+------+\n| a    | b    | c    |\n+======+======+======+\n"
                    + rows + "Table: Sales by region\n", encoding="utf-8")
    assert not any("grid table" in message for message in read_document(path, BuildOptions()).warnings)


def test_edges_of_comments_and_divs_as_pandoc_reads_them(tmp_path: Path) -> None:
    article = read(tmp_path, "---\ntitle: T\n---\n\n<!-- note -->\nText here.\n<!-- note -->\n\n"
                             "line1\n<!-- c -->\nline2\n\n## <!-- only a comment -->\n\n## Title <!-- x -->\n\n"
                             "::: Warning: do not stop the engine.\n\na <span\nclass=x>b</span> c\n\n"
                             "::: {.note}\n# Inside\n:::\n\n> # Quoted\n")
    texts = [plain_text(block.children) for block in article.body]
    assert texts == ["Text here.", "line1 line2", "Title", "::: Warning: do not stop the engine.",
                     "a <span class=x>b</span> c", "Inside", "Quoted"]
    assert [block.level for block in article.body if block.type == "heading"] == [2, 2]
    assert read(tmp_path, "# Title <!-- draft -->\n\nBody.\n").title == "Title"


def test_an_inline_note_inside_an_inline_note_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: T\n---\n\nText^[outer ^[inner]] end.\n", encoding="utf-8")
    with pytest.raises(ExportError, match="a footnote inside a footnote"):  # was an AttributeError
        read_document(path, BuildOptions())


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: [unclosed\n---\n\nBody\n", 2, "malformed YAML"),
        ('---\ntitle: T\n---\n\n![c](p.jpg){alt="a" virin="12-X"}\n', 5, "not a VIRIN"),
        ("---\ntitle: T\n---\n\n# Second title\n", 5, "level-1 heading"),
        ("---\ntitle: T\n---\n\n## A\n\n#### C\n", 7, "may not be skipped"),
        ("---\ntitle: T\n---\n\nText ![inline](p.jpg) more\n", 5, "inside running text"),
        ("---\ntitle: T\nlanguage: klingon-x\n---\n\nBody\n", 3, "language tag"),
        ("---\ntitle: T\npublished: 14.02.2023\n---\n\nBody\n", 3, "ISO 8601"),
        ('---\ntitle: T\n---\n\n![c](p.jpg){alt="a" credt="x"}\n', 5, "unknown figure attribute 'credt'"),
        # A note that calls itself was read without end (RecursionError); one that calls another, a traceback.
        ("---\ntitle: T\n---\n\nText[^1]\n\n[^1]: A note[^1]\n", 7, "footnote inside a footnote"),
        ("---\ntitle: T\n---\n\nText[^1]\n\n[^1]: A note[^2]\n\n[^2]: Inner\n", 7, "footnote inside a footnote"),
    ],
)
def test_bad_markdown_names_line_and_problem(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "bad.md"
    path.write_text(text, encoding="utf-8")
    # --strict keeps every refusal (without it, headings and inline images are read with a warning).
    with pytest.raises(ExportError) as caught:
        read_document(path, BuildOptions(strict=True))
    assert caught.value.line == line, str(caught.value)
    assert message in caught.value.problem
    assert str(caught.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("sample", SAMPLE_ARTICLES, ids=lambda p: p.stem)
def test_samples_survive_markdown_round_trip(sample: Path, tmp_path: Path) -> None:
    original = read_document(sample, BuildOptions()).document
    again_path = tmp_path / sample.name
    again_path.write_text(to_markdown(original), encoding="utf-8")
    again = read_document(again_path, BuildOptions()).document
    assert again == original

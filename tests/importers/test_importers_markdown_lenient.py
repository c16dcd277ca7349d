"""Markdown that pandoc reads is read, with a warning where the exporter's own syntax differs; --strict refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import ExportError
from exporter.model import Article, Heading, Paragraph, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import run_exporter

PANDOC_STYLE = """---
title: Pandoc Style
author: [Jane Doe, John Roe]
date: 2023-02-14
lang: en-US
subtitle: The dek
---

# First section

Text with ![a tiny seal](seal.png) in it.

### Skipped to three

# Second section
"""


def read(tmp_path: Path, text: str, **options: object):
    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    return read_document(path, BuildOptions(**options))


def test_pandoc_style_markdown_is_read_with_warnings(tmp_path: Path) -> None:
    result = read(tmp_path, PANDOC_STYLE)
    article = result.document
    assert isinstance(article, Article)
    assert article.byline is not None and article.byline.people == ["Jane Doe", "John Roe"]
    assert (article.published, article.language, article.dek) == ("2023-02-14", "en-US", "The dek")
    headings = [(block.level, plain_text(block.children)) for block in article.body if isinstance(block, Heading)]
    # `#` sections shift one level down; the skipped level is kept as the next level down.
    assert headings == [(2, "First section"), (3, "Skipped to three"), (2, "Second section")]
    paragraph = next(block for block in article.body if isinstance(block, Paragraph))
    assert plain_text(paragraph.children) == "Text with a tiny seal in it."
    assert not article.figures()
    # The picture in the sentence stays one, read as its alt text; the intent is clear, so nothing is said.
    assert len(article.inline_images()) == 1
    warnings = "\n".join(result.warnings)
    assert ":9: a level-1 heading in the body" in warnings
    assert "running text" not in warnings
    assert ":13: heading level 3 follows level 1" in warnings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: T\n---\n\n# Section\n", "level-1 heading"),
        ("---\ntitle: T\n---\n\n## A\n\n#### C\n", "may not be skipped"),
        ("---\ntitle: T\n---\n\nText ![inline](p.jpg) more\n", "inside running text"),
        ("---\ntitle: T\nauthor: Jane Doe\n---\n\nBody\n", "unknown field"),
    ],
)
def test_strict_keeps_the_refusals(tmp_path: Path, text: str, message: str) -> None:
    read(tmp_path, text)  # read without --strict
    with pytest.raises(ExportError, match=message):
        read(tmp_path, text, strict=True)


def test_alias_beside_its_field_is_ignored_with_a_warning(tmp_path: Path) -> None:
    result = read(tmp_path, "---\ntitle: T\ndek: Kept\ndescription: Dropped\n---\n\nBody\n")
    assert result.document.dek == "Kept"
    assert any("'description' is ignored" in warning for warning in result.warnings)


def test_cli_import_and_build_warn_and_strict_refuses(tmp_path: Path) -> None:
    source = tmp_path / "article.md"
    source.write_text(PANDOC_STYLE.replace("![a tiny seal](seal.png) ", ""), encoding="utf-8")
    built = run_exporter("build", source, "--to", "html", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "level-1 heading in the body" in built.stderr
    refused = run_exporter("import", source, "-o", tmp_path / "again.md", "--strict")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith(f"error: {source}:9: a level-1 heading")
    assert not (tmp_path / "again.md").exists()


HUGO_STYLE = """---
title: "Plain language tips"
date: 2024-03-05
lastmod: 2024-04-01
draft: false
tags: ["plain language", "writing"]
categories: [guides, writing]
slug: plain-language-tips
weight: 10
---

Text.
"""


def test_static_site_front_matter_is_read_and_what_it_cannot_use_is_named(tmp_path: Path) -> None:
    """Hugo's and Jekyll's front matter: tags and categories are keywords, slug the id, lastmod the update; keys
    with no place in the model (draft, weight) are left out in one warning at the first one's line, not refused.
    --strict refuses them still."""
    result = read(tmp_path, HUGO_STYLE)
    article = result.document
    assert article.keywords == ["plain language", "writing", "guides"]
    assert (article.id, article.published, article.updated) == ("plain-language-tips", "2024-03-05", "2024-04-01")
    assert [warning.split(": ", 1)[1] for warning in result.warnings] == [
        "front matter keys this reader has no use for, left out: draft, weight"]
    assert result.warnings[0].startswith(f"{tmp_path / 'article.md'}:5:")
    with pytest.raises(ExportError, match="unknown field"):
        read(tmp_path, HUGO_STYLE, strict=True)


def test_hugo_figure_shortcodes_are_figures_and_other_shortcodes_are_named(tmp_path: Path) -> None:
    """A Hugo site's post: `{{< figure >}}` on lines of its own (one, or several as Hugo's docs write it) is a
    figure (src, alt, title, a Markdown caption, `attr` as the credit; its size is left out with a warning); two on
    consecutive lines are two figures; one inside a sentence, and any other shortcode, stays text, named in one
    warning at the first one's line."""
    from exporter.model import Emphasis, Figure

    text = ('---\ntitle: T\n---\n\nSee {{< ref "other.md" >}} first.\n\n'
            '{{< figure src="images/deep-field.jpg" alt="Galaxies in deep space" caption="The *deepest* view" '
            'attr="NASA" width="600" >}}\n{{< figure src="b.png" alt="A bridge" >}}\n\n'
            '{{< figure\n  src="c.png"\n  alt="A river"\n  caption="Upstream > downstream"\n>}}\n\n'
            '{{< figure src="d.png" alt="Dawn" >}} The river at dawn.\n\n{{% note %}}\nA note.\n{{% /note %}}\n')
    result = read(tmp_path, text)
    body = result.document.body
    figures = [block for block in body if isinstance(block, Figure)]
    assert [(figure.image, figure.alt) for figure in figures] == [
        ("images/deep-field.jpg", "Galaxies in deep space"), ("b.png", "A bridge"), ("c.png", "A river")]
    assert figures[0].credit == "NASA" and isinstance(figures[0].caption[1], Emphasis)
    assert plain_text(figures[0].caption) == "The deepest view"
    assert plain_text(figures[2].caption) == "Upstream > downstream"
    assert [plain_text(block.children) for block in body if isinstance(block, Paragraph)] == [
        'See {{< ref "other.md" >}} first.', '{{< figure src="d.png" alt="Dawn" >}} The river at dawn.',
        "{{% note %}}", "A note.", "{{% /note %}}"]
    path = tmp_path / "article.md"
    assert f"{path}:7: the figure shortcode's width left out: every format sizes and links figures itself" in (
        result.warnings)
    assert f"{path}:5: site generator tags (Hugo shortcodes, Liquid) kept as text (figure, note, ref): the site " \
           "generator fills them in (a Hugo figure shortcode on lines of its own is read as a figure)" in (
               result.warnings)
    jekyll = read(tmp_path, '---\ntitle: T\n---\n\nSee {% include note.html text="x" %} at {{ site.baseurl }}/a.\n')
    assert [plain_text(block.children) for block in jekyll.document.body] == [
        'See {% include note.html text="x" %} at {{ site.baseurl }}/a.']
    assert any(":5: site generator tags (Hugo shortcodes, Liquid) kept as text (include, site.baseurl)" in warning
               for warning in jekyll.warnings)


def test_hugos_toml_front_matter_is_read(tmp_path: Path) -> None:
    """`hugo new` writes TOML between +++ lines: read like YAML front matter (dates as ISO 8601 text); lines keep
    their numbers; a TOML mistake is refused at its line."""
    result = read(tmp_path, '+++\ntitle = "Toml post"\ndate = 2024-03-05T10:00:00-05:00\ntags = ["a", "b"]\n'
                            "draft = true\n+++\n\n# Heading\n\nBody.\n")
    article = result.document
    assert (article.title, article.published, article.keywords) == ("Toml post", "2024-03-05T10:00:00-05:00",
                                                                     ["a", "b"])
    assert any(":8: a level-1 heading in the body" in warning for warning in result.warnings)
    assert any("left out: draft" in warning for warning in result.warnings)
    with pytest.raises(ExportError, match="the TOML front matter cannot be read") as refused:
        read(tmp_path, '+++\ntitle = "T"\ndate = = 3\n+++\n\nBody.\n')
    assert refused.value.line == 3


def test_front_matter_keys_named_as_written_and_subjects_as_lists(tmp_path: Path) -> None:
    """Found in review: an alias's bad value was named by the model's field and the front matter's first line
    (`updated`, line 2, for `lastmod` on line 3); nested lists and Jekyll's space-separated tags made keywords
    such as "['a', 'b']"."""
    with pytest.raises(ExportError, match=":3: lastmod: 'last week' is not an ISO 8601 date") as refused:
        read(tmp_path, "---\ntitle: T\nlastmod: last week\n---\n\nText.\n")
    assert refused.value.line == 3
    article = read(tmp_path, "---\ntitle: T\ncategories: [[a, b], c]\ntags: news army\nkeywords: x, y\n"
                             "---\n\nText.\n").document
    assert article.keywords == ["x", "y", "news", "army", "a", "b", "c"]


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("2023-01-15 10:00:00 -0500", "2023-01-15T10:00:00-05:00"),  # Jekyll's default form
        ('"20230115"', "2023-01-15"),
        ("2023-W03-1", "2023-01-16"),
        ("2023-01-15T10", "2023-01-15T10:00:00"),
        ("2023-01-15T10:00:00.123456789Z", "2023-01-15T10:00:00.123Z"),
        ("2023-01-15T10:00:00+00:00", "2023-01-15T10:00:00+00:00"),
        ("2023-01-15", "2023-01-15"),
        ('"2024-01-15T10:00:00+05:30:15"', "2024-01-15T04:29:45+00:00"),  # an offset in seconds: in UTC
    ],
)
def test_front_matter_dates_are_written_in_the_form_every_output_takes(tmp_path: Path, written, kept) -> None:
    """Python reads many ISO 8601 forms that HTML's <time datetime> and EPUB's dates refuse (EPUBCheck RSC-005 and
    OPF-053 on Jekyll's date): the model keeps the same instant in the one form they all take."""
    assert read(tmp_path, f"---\ntitle: T\ndate: {written}\n---\n\nText.\n").document.published == kept


@pytest.mark.slow
def test_a_jekyll_date_makes_an_epub_epubcheck_passes(tmp_path: Path) -> None:
    from exporter.checks.epub_validators import run_epubcheck

    source = tmp_path / "post.md"
    source.write_text("---\ntitle: T\ndate: 2023-01-15 10:00:00 -0500\nupdated: 20230116\n---\n\nText.\n",
                      encoding="utf-8")
    result = run_exporter("build", source, "--to", "epub", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    checked = run_epubcheck(tmp_path / "post.epub")
    assert checked.passed, checked.findings

"""In-text links to headings: a fragment made by pandoc's or GitHub's rules, or given with `{#id}`, reaches its
heading in every output; one that names no heading is no link, and says so."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest

from exporter.anchors import heading_targets
from exporter.model import Heading, Link, inline_lists, plain_text, walk_inlines
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.conftest import SAMPLES, run_exporter

HEADINGS = [
    "Heading identifiers in HTML", "Maître d'hôtel", "*Dogs*?--in *my* house?", "[HTML], [S5], or [RTF]?",
    "3. Applications", "33", "`url.href`", "Class: `Worker`", "new Worker(filename[, options])",
    "Événement — «Lancement»", "Twice", "Twice", "C++ & C# in 2024", "数据 处理", "Émigré_Files v2.1",
]


@pytest.fixture(scope="module")
def headings_source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("anchors") / "headings.md"
    path.write_text("---\ntitle: Anchors\n---\n\n" + "".join(f"## {text}\n\nText.\n\n" for text in HEADINGS),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("dialect", ["markdown", "gfm"])
def test_the_ids_pandoc_and_github_give_headings_name_those_headings(headings_source, dialect):
    """The ids come from pandoc itself: its Markdown's auto_identifiers, and GitHub's rules as its gfm reader
    applies them."""
    made = subprocess.run([pypandoc.get_pandoc_path(), "-f", dialect, "-t", "json", str(headings_source)],
                          capture_output=True, text=True, check=True)
    ids = [block["c"][1][0] for block in json.loads(made.stdout)["blocks"] if block["t"] == "Header"]
    article = read_document(headings_source, BuildOptions()).document
    headings = [block for block in article.body if isinstance(block, Heading)]
    targets = heading_targets(article)
    assert len(ids) == len(headings) == len(HEADINGS)
    found = [next((index for index, heading in enumerate(headings) if heading is targets.get(name)), name)
             for name in ids]
    assert found == list(range(len(ids)))


def test_links_reach_their_headings_in_every_format_and_a_link_to_no_heading_is_text(tmp_path):
    source = tmp_path / "links.md"
    source.write_text(
        "---\ntitle: Links\n---\n\nSee [the method](#method), [`url.href`](#urlhref), [the API](#the-api-v2) "
        "and [nothing](#nowhere) or [nothing again](#nowhere).\n\n## How we measured {#method .unnumbered}\n\n"
        "Text.\n\n## `url.href`\n\nText.\n\n## The API v2\n\nBack to [the method](#method).[^1]\n\n"
        "[^1]: As [the API](#the-api-v2) says.\n",
        encoding="utf-8",
    )
    result = read_document(source, BuildOptions())
    method = result.document.body[1]
    assert isinstance(method, Heading) and method.anchor == "method"
    assert [node.text for node in walk_inlines(method.children)] == ["How we measured"]
    built = run_exporter("build", source, "--to", "html,epub,pdf,docx", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "link to '#nowhere' (2 links) names no heading of the article: its text stays" in built.stderr
    assert "No anchor" not in built.stderr  # WeasyPrint found every link's target
    html = (tmp_path / "out" / "links.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "out" / "links.epub") as epub:
        xhtml = epub.read("EPUB/article.xhtml").decode()
    for page in (html, xhtml):
        for anchor, links in (("how-we-measured", 2), ("url-href", 1), ("the-api-v2", 2)):  # one in the note
            assert f'id="{anchor}"' in page and page.count(f'href="#{anchor}"') == links
        assert "#nowhere" not in page and "nothing again" in page
    # The DOCX: a bookmark on each heading a link names, internal hyperlinks to them; read back, each link
    # names the same heading again.
    with zipfile.ZipFile(tmp_path / "out" / "links.docx") as package:
        document = package.read("word/document.xml").decode()
    assert document.count("<w:bookmarkStart") == 3 and document.count('w:anchor="method"') == 2
    # The footnote's link lives in footnotes.xml; the bookmark it names, in document.xml.
    again = read_document(tmp_path / "out" / "links.docx", BuildOptions()).document
    targets = heading_targets(again)
    links = [node for inlines in inline_lists(again.body) for node in walk_inlines(inlines) if isinstance(node, Link)]
    notes = [node for note in again.footnotes() for paragraph in note.children
             for node in walk_inlines(paragraph.children) if isinstance(node, Link)]
    named = [plain_text(targets[node.href[1:]].children) for node in [*links, *notes] if node.href.startswith("#")]
    assert named == ["How we measured", "url.href", "The API v2", "How we measured", "The API v2"]


def test_a_bare_hash_names_no_heading_not_even_one_of_punctuation(tmp_path):
    source = tmp_path / "stars.md"
    source.write_text("---\ntitle: T\n---\n\n## ★★★\n\nBack to [top](#).\n", encoding="utf-8")
    built = run_exporter("build", source, "--to", "html", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    assert "link to '#' names no heading of the article" in built.stderr
    assert 'href="#section"' not in (tmp_path / "out" / "stars.html").read_text(encoding="utf-8")


def test_escaped_braces_after_a_heading_are_its_text(tmp_path):
    source = tmp_path / "braces.md"
    source.write_text("---\ntitle: T\n---\n\n## Config \\{key=value\\}\n\nText.\n", encoding="utf-8")
    [heading, _] = read_document(source, BuildOptions()).document.body
    assert plain_text(heading.children) == "Config {key=value}" and heading.anchor is None


def test_docx_bookmarks_stay_apart_from_word_s_matching_and_the_packet_contents(tmp_path):
    """Word matches bookmark names whatever their case, and a packet's contents link to `Article_NN`."""
    for name, text in (("one.md", "## Methods {#Article_01}\n\nSee [it](#Article_01) and [this](#methods-2).\n\n"
                                  "## methods\n\nText.\n\n## Methods\n\nText.\n"),
                       ("two.md", "## Other\n\nText.\n")):
        (tmp_path / name).write_text(f"---\ntitle: {name}\n---\n\n{text}", encoding="utf-8")
    (tmp_path / "packet.yaml").write_text("title: P\ndate: \"2025-01-01\"\narticles:\n  - one.md\n  - two.md\n",
                                          encoding="utf-8")
    built = run_exporter("build", tmp_path / "packet.yaml", "--to", "docx", "--out", tmp_path / "out")
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(tmp_path / "out" / "packet.docx") as package:
        document = package.read("word/document.xml").decode()
    names = re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', document)
    assert len({name.lower() for name in names}) == len(names), names
    assert {"Article_01", "Article_02"} <= set(names)


def test_a_headings_id_survives_export_to_markdown(tmp_path):
    source = tmp_path / "anchored.md"
    source.write_text("---\ntitle: T\n---\n\nSee [below](#later).\n\n## Later on {#later}\n\nText.\n",
                      encoding="utf-8")
    out = tmp_path / "again.md"
    exported = run_exporter("import", source, "-o", out)
    assert exported.returncode == 0, exported.stderr
    assert "## Later on {#later}" in out.read_text(encoding="utf-8")
    again = read_document(out, BuildOptions()).document
    [link] = [node for node in walk_inlines(again.body[0].children) if isinstance(node, Link)]
    assert heading_targets(again)[link.href[1:]] is again.body[1]


def test_a_heading_never_takes_an_id_the_templates_use(tmp_path):
    """Headings called "Main", "Title" or "Figure 1" slugged to the skip link's target, the title's, a figure's:
    duplicate ids (EPUBCheck RSC-005, an ambiguous aria-labelledby, links that land elsewhere)."""
    from lxml import etree
    from lxml import html as lxml_html

    headings = ["Main", "Title", "Figure 1", "Fn 1", "Provenance heading", "Notes heading", "Article 1"]
    body = "".join(f"## {text}\n\nText.\n\n" for text in headings)
    source = tmp_path / "names.md"
    source.write_text(f"---\ntitle: T\n---\n\nSee [the title section](#title).[^1]\n\n![A photo](p.png)\n\n{body}"
                      "[^1]: A note.\n", encoding="utf-8")
    (tmp_path / "p.png").write_bytes((SAMPLES / "images" / "nasa-eileen-collins.png").read_bytes())
    built = run_exporter("build", source, "--to", "html,epub", "--out", tmp_path / "out", "--alt-from-caption")
    assert built.returncode == 0, built.stderr
    page = lxml_html.fromstring((tmp_path / "out" / "names.html").read_bytes())
    with zipfile.ZipFile(tmp_path / "out" / "names.epub") as epub:
        xhtml = etree.fromstring(epub.read("EPUB/article.xhtml"))
    for tree in (page, xhtml):
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    [link] = page.xpath("//a[text()='the title section']")
    assert page.xpath(f"//*[@id='{link.get('href')[1:]}']")[0].text_content() == "Title"

"""A saved page's own address: read from the file (canonical link, og:url, HTTrack's note, the page's own
post-back form), recorded as found "saved page", shown as such in the provenance, and never more trusted than a
given URL: the official notice still follows the host alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model import Article
from exporter.options import BuildOptions
from exporter.readers import read_document
from tests.importers.conftest import PAGES, corpus_root

PLATFORMS = ("afmil_", "nasa_", "mil_igphoto_")


def source_of(path: Path, **options: object):
    article = read_document(path, BuildOptions(**options)).document
    assert isinstance(article, Article)
    return article.source


def recovery_rate(folder: Path) -> float:
    pages = [p for p in sorted(folder.glob("*.html")) if p.name.startswith(PLATFORMS)]
    assert pages
    found = [p for p in pages if source_of(p).url]
    return len(found) / len(pages)


def test_saved_afmil_nasa_and_dnn_pages_get_their_url() -> None:
    assert recovery_rate(PAGES) >= 0.9


@pytest.mark.corpus
def test_saved_pages_of_the_full_corpus_get_their_url() -> None:
    root = corpus_root()
    assert root is not None
    assert recovery_rate(root / "html") >= 0.9


PAGE = """<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{extra}
<form method="post" action="{action}" id="Form"><article><h1>Headline</h1><p>Body text.</p>
<a href="https://www.army.mil/News/Other-Story/">other</a><a href="https://example.org/News/x/">off-site</a>
<a href="https://www.army.mil/News/Third/">third</a></article></form></body></html>"""


@pytest.mark.parametrize(
    ("extra", "action", "expected"),
    [
        ("", "/News/Article/123/", "https://www.army.mil/News/Article/123/"),
        ("", "https://www.navy.mil/Press-Office/News-Stories/Article/9/", "https://www.navy.mil/Press-Office/News-Stories/Article/9/"),
        ("<!-- Mirrored from www.marines.mil/News/Article/7/ by HTTrack Website Copier/3.x -->", "/x", "http://www.marines.mil/News/Article/7/"),
        ('<link rel="canonical" href="https://www.state.gov/a/">', "/News/1/", "https://www.state.gov/a/"),
        ("", "Print.aspx?Article=5", None),  # a relative action on an unknown platform: its folder is unknown
    ],
)
def test_signals_in_order(tmp_path: Path, extra: str, action: str, expected: str | None) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(extra=extra, action=action), encoding="utf-8")
    source = source_of(page)
    assert source.url == expected
    assert source.url_from == ("saved page" if expected else None)


def test_given_and_fetched_urls_say_so(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(extra="", action="/News/Article/123/"), encoding="utf-8")
    given = source_of(page, source_url="https://www.defense.gov/News/1/")
    assert (given.url, given.url_from) == ("https://www.defense.gov/News/1/", "given")


def test_every_format_says_the_url_was_recorded_in_the_saved_page(tmp_path: Path) -> None:
    import zipfile

    import pikepdf

    from tests.conftest import run_exporter

    out = tmp_path / "out"
    page = PAGES / "afmil_14_gulf-war-created-need-for-better-critical-care.html"
    result = run_exporter("build", page, "--to", "html,docx,epub,pdf", "--alt-from-caption", "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / f"{page.stem}.html").read_text(encoding="utf-8")
    assert "(as recorded in the saved page)" in html
    assert '<meta name="exporter.source-url-from" content="saved page">' in html
    # The host is www.af.mil: the notice follows the host rule, whatever way the URL was found.
    assert "an official website of the United States government" in html
    with zipfile.ZipFile(out / f"{page.stem}.docx") as package:
        document = package.read("word/document.xml").decode("utf-8")
        custom = package.read("docProps/custom.xml").decode("utf-8")
    assert "as recorded in the saved page" in document
    assert "exporter.source_url_from" in custom and "saved page" in custom
    with zipfile.ZipFile(out / f"{page.stem}.epub") as book:
        opf = next(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".opf"))
        xhtml = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml"))
    assert '<meta property="dcterms:provenance">source URL as recorded in the saved page</meta>' in opf
    assert "(as recorded in the saved page)" in xhtml
    with pikepdf.open(out / f"{page.stem}.pdf") as pdf:
        assert str(pdf.trailer.Info.SourceURLFound) == "source URL as recorded in the saved page"

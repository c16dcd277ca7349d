"""Hostile pages: nothing a page contains can run, load anything, or claim official status in an output.

Pages are built with `python -m exporter build ... --to html` (a fresh process, as a user runs it) and the
written files are inspected; network use is checked in-process with the socket layer patched to fail."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

import pytest

from exporter.errors import ExportError
from exporter.model import Article, plain_text
from exporter.options import BuildOptions
from exporter.readers import read_document
from exporter.readers.html_page import MAX_PAGE_BYTES, read_url
from tests.conftest import run_exporter

NOTICE = "an official website of the United States government."

HOSTILE_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<base href="https://evil.example/assets/">
<link rel="canonical" href="https://www.evil.example/news/story">
<meta property="og:site_name" content="U.S. Department of Defense">
<meta name="dcterms.publisher" content="defense.gov">
<script>alert('head script')</script>
<style>body { background: url(https://evil.example/bg.png) }</style>
<link rel="stylesheet" href="https://evil.example/evil.css">
</head>
<body onload="steal()">
<div class="header_banner_container"><div class="header_banner_flag">An official website of the United States
government</div><div class="header_banner_accordion">Here's how you know</div></div>
<nav><a href="/">Home</a> <a href="#main">Skip to main content</a></nav>
<article>
<h1 onclick="evil()">Hostile Headline</h1>
<p onmouseover="alert(1)">Intro with <a href="javascript:alert(1)">a script link</a>,
<a href="JaVaScRiPt:alert(2)">a mixed-case script link</a>,
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">a data link</a>,
<a href="file:///etc/passwd">a file link</a>, <a href="vbscript:msgbox">a vbscript link</a>,
<a href=" java&#x09;script:alert(3)">an obfuscated link</a> and
<a href="https://example.org/ok" onclick="evil()">a real link</a>.</p>
<p>Text with <img src="x" onerror="alert(1)"> an inline image handler.</p>
<figure><img src="photo.jpg" alt="A relative photo resolved against the page URL, never the base element">
<figcaption>Relative photo caption. (Photo by Someone)</figcaption></figure>
<figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="data image">
<figcaption>Data image</figcaption></figure>
<figure><img src="file:///etc/passwd" alt="file image"><figcaption>File image</figcaption></figure>
<figure><img src="javascript:alert(1)" alt="script image"></figure>
<iframe src="https://evil.example/frame"></iframe>
<object data="https://evil.example/flash.swf"></object>
<embed src="https://evil.example/embed.swf">
<svg><script>alert('svg')</script><a href="javascript:alert(4)"><text>svg link</text></a></svg>
<form action="https://evil.example/post"><input name="q"><button>Go</button></form>
<p style="background:url(https://evil.example/p.png)">Styled paragraph survives as text.</p>
<template><p>template content</p></template>
<noscript><img src="https://evil.example/pixel.gif" alt="pixel"></noscript>
<p>Markup in text: &lt;script&gt;alert('escaped')&lt;/script&gt; stays text.</p>
</article>
<footer>Privacy Policy</footer>
<script src="https://evil.example/tracker.js"></script>
</body></html>
"""

# Anything in an output that would run code or make a reader load something.
ACTIVE = re.compile(
    r"<script|javascript:|vbscript:|data:text|file:|\son[a-z]+\s*=|<iframe|<object|<embed|<form|<base\b"
    r"|srcdoc",
    re.IGNORECASE,
)
# References a browser or reading system loads by itself (rel=canonical is an identifier, not a load).
LOADED_REFERENCE = re.compile(
    r"""(?:\ssrc|\ssrcset|\sposter|\sdata|\sbackground)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import"""
    r"""|<link(?![^>]*rel=["']?canonical)[^>]+href\s*=\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    folder = tmp_path_factory.mktemp("hostile")
    page = folder / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    out = folder / "out"
    result = run_exporter("build", page, "--to", "html", "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / "hostile.html").read_text(encoding="utf-8")
    return page, html, result.stderr


def test_hostile_page_model_keeps_only_safe_content(hostile_build: tuple[Path, str, str]) -> None:
    page, _, _ = hostile_build
    article = read_document(page, BuildOptions()).document
    assert isinstance(article, Article)
    assert article.title == "Hostile Headline"
    figures = article.figures()
    # file: and javascript: images are dropped; the relative one resolves against the page URL; a data: image is
    # never decoded: its figure keeps a stand-in name made of its alt text, resolved against nothing.
    assert [figure.image for figure in figures] == [
        "https://www.evil.example/news/photo.jpg", "placeholder-data-image.jpg"]
    assert figures[0].credit == "Photo by Someone"
    dumped = article.model_dump_json()
    # Markup written as text on the page (&lt;script&gt;) stays text in the model; writers escape it.
    escaped_text = "<script>alert('escaped')</script>"
    assert escaped_text in dumped
    dumped = dumped.replace(escaped_text, "")
    assert not ACTIVE.search(dumped), ACTIVE.search(dumped)
    assert "evil.example/assets" not in dumped  # <base> never resolves anything
    assert (
        "template content" not in dumped and "Privacy Policy" not in dumped and "Skip to main" not in dumped
    )
    assert "Styled paragraph survives as text." in dumped
    hrefs = re.findall(r'"href":"([^"]*)"', dumped)
    assert hrefs == ["https://example.org/ok"]
    # The banner and meta tags are recorded as a claim only.
    assert article.source.page_claims_official is True
    assert article.source.url == "https://www.evil.example/news/story"


def test_hostile_page_html_output_has_no_code_or_remote_loads(hostile_build: tuple[Path, str, str]) -> None:
    _, html, _ = hostile_build
    assert not ACTIVE.search(html), ACTIVE.search(html)
    assert not LOADED_REFERENCE.search(html), LOADED_REFERENCE.search(html)
    assert "Hostile Headline" in html
    assert "&lt;script&gt;alert(" in html


def test_page_pretending_to_be_gov_gets_no_official_notice(hostile_build: tuple[Path, str, str]) -> None:
    _, html, _ = hostile_build
    assert NOTICE not in html
    assert 'class="provenance official"' not in html


def test_gov_canonical_claim_is_overridden_by_source_url(tmp_path: Path) -> None:
    page = tmp_path / "claims-gov.html"
    page.write_text(
        HOSTILE_PAGE.replace(
            "https://www.evil.example/news/story", "https://www.defense.gov/News/Article/1/"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    other_host = run_exporter(
        "build",
        page,
        "--to",
        "html",
        "--out",
        out / "a",
        "--source-url",
        "https://www.defense.gov.evil.example/story",
    )
    assert other_host.returncode == 0, other_host.stderr
    assert NOTICE not in (out / "a" / "claims-gov.html").read_text(encoding="utf-8")
    # Control: the same page with a real .gov source URL does get the notice, so the check above can fail.
    real = run_exporter(
        "build",
        page,
        "--to",
        "html",
        "--out",
        out / "b",
        "--source-url",
        "https://www.defense.gov/News/Article/1/",
    )
    assert real.returncode == 0, real.stderr
    assert NOTICE in (out / "b" / "claims-gov.html").read_text(encoding="utf-8")


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise NetworkUsed(f"network used: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def test_nothing_is_fetched_without_allow_network(tmp_path: Path, no_network: list[str]) -> None:
    from exporter.pipeline import export

    page = tmp_path / "hostile.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    result = export(page, BuildOptions(formats=("html",), out_dir=tmp_path / "out"))
    assert no_network == []
    assert any("--allow-network is off" in warning for warning in result.warnings)
    with pytest.raises(ExportError, match="network access is off"):
        read_url("https://www.defense.gov/News/", BuildOptions())
    with pytest.raises(ExportError, match="only https"):
        read_url("http://www.defense.gov/News/", BuildOptions(allow_network=True))
    assert no_network == []


def test_fifty_megabyte_page_fails_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    chunk = b"<p>" + b"filler text " * 1000 + b"</p>\n"
    with page.open("wb") as handle:
        handle.write(b"<html><body><article><h1>Huge</h1>")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
        handle.write(b"</article></body></html>")
    assert page.stat().st_size > MAX_PAGE_BYTES
    out = tmp_path / "out"
    result = run_exporter("build", page, "--to", "html", "--out", out, timeout=60)
    assert result.returncode == 2
    assert "limit" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_large_page_under_the_limit_imports(tmp_path: Path) -> None:
    page = tmp_path / "large.html"
    paragraphs = "".join(f"<p>Paragraph {number} of a long report.</p>\n" for number in range(40_000))
    page.write_text(f"<html><body><article><h1>Long report</h1>{paragraphs}</article></body></html>")
    article = read_document(page, BuildOptions()).document
    assert len(article.body) == 40_000


def test_pathologically_deep_markup_fails_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body><article><h1>Deep</h1>"
        + "<div>" * 100_000
        + "<p>bottom</p>"
        + "</div>" * 100_000
        + "<p>after</p></article></body></html>"
    )
    out = tmp_path / "out"
    result = run_exporter("build", page, "--to", "html", "--out", out, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "nested" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_deep_but_parseable_markup_imports_without_recursion_errors(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    # Deeper than the converter's block (120) and inline (12) limits, shallower than the parser's (255).
    inline = "<span><em>" * 15 + "deep inline" + "</em></span>" * 15
    page.write_text(
        "<html><body><article><h1>Deep</h1>"
        + "<div>" * 200
        + f"<p>bottom {inline}</p>"
        + "</div>" * 200
        + "<p>after</p></article></body></html>"
    )
    out = tmp_path / "out"
    result = run_exporter("build", page, "--to", "html", "--out", out, timeout=120)
    assert result.returncode == 0, result.stderr
    html = (out / "deep.html").read_text(encoding="utf-8")
    assert "bottom" in html and "deep inline" in html and "after" in html
    article = read_document(page, BuildOptions()).document
    assert "deep inline" in " ".join(plain_text(b.children) for b in article.body if hasattr(b, "children"))


def test_undecodable_and_control_bytes_are_handled(tmp_path: Path) -> None:
    page = tmp_path / "latin.html"
    page.write_bytes(
        b'<html><head><meta charset="windows-1252"></head><body><article><h1>Caf\xe9 \x93news\x94</h1>'
        b"<p>Null\x00 byte and \x92smart\x92 quotes.</p></article></body></html>"
    )
    article = read_document(page, BuildOptions()).document
    assert article.title == "Café “news”"
    assert plain_text(article.body[0].children) == "Null byte and ’smart’ quotes."

"""Structure checks of HTML pages and EPUB content documents: findings carry the format's code and the figure
number the facts use (decorative images are not figures), and remote references are found in the markup."""

from __future__ import annotations

import pytest

from exporter.checks.epub_format import content_documents
from exporter.checks.markup import parse_page, remote_references, structure_findings


def html_root(torture):
    return parse_page(torture["html"].read_bytes())


@pytest.mark.parametrize("repeat", range(5))  # lxml proxies come and go: numbering must not depend on them
def test_the_torture_sample_has_no_finding_in_either_format(torture, repeat):
    assert structure_findings(html_root(torture), page_name="page.html", prefix="HTML") == []
    for name, root in content_documents(torture["epub"]):
        assert structure_findings(root, page_name=name, prefix="EPUB") == []


def test_an_emptied_alt_names_its_figure_by_the_facts_numbering(torture):
    root = html_root(torture)
    # figure 1 is the portrait; then a decorative image (no figure number); figure 2 is the video's poster
    [poster] = root.xpath("//figure[contains(@class, 'media')]/img")
    poster.set("alt", "")
    [finding] = structure_findings(root, page_name="page.html", prefix="HTML")
    assert (finding.code, finding.figure, finding.field) == ("HTML-IMG-ALT-EMPTY", 2, "alt")
    assert finding.message.startswith("page.html: figure 2: image (")


def test_remote_references_are_found_wherever_a_page_fetches():
    root = parse_page(b"""<html><head><link rel="stylesheet" href="https://cdn.example/x.css">
<link rel="canonical" href="https://example.org/story"><style>@import "//fonts.example/f.css";</style></head>
<body><img src="images/own.png" srcset="images/own-2x.png 2x, https://img.example/big.png 3x" alt="a">
<a href="https://example.org/">a link is not a resource</a><img src="data:image/png;base64,AAAA" alt="b">
<video poster="file:///etc/poster.png"></video><div style="background:url('http://127.0.0.1:9/x')"></div>
</body></html>""")
    assert set(remote_references(root)) == {"https://img.example/big.png", "file:///etc/poster.png",
                                            "http://127.0.0.1:9/x", "https://cdn.example/x.css",
                                            "//fonts.example/f.css"}

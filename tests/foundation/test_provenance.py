"""The official notice: only for hosts that really are .gov or .mil, whatever the page claims."""

from __future__ import annotations

import pytest

from exporter.model import Article
from exporter.provenance import US_GOVERNMENT_WORK, is_official_source, normalized_host, rights_statement


@pytest.mark.parametrize(
    "url",
    [
        "https://www.defense.gov/News/Article/1/",
        "http://www.af.mil/News/x.aspx",
        "https://WWW.NASA.GOV/image-article/x/",
        "https://user:pw@www.defense.gov:8443/path",
        "https://www.defense.gov./x",
        "https://gov/x",
    ],
)
def test_official_hosts(url: str) -> None:
    assert is_official_source(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://defense.gov.example.com/",
        "https://www.defense.gov@evil.example/",
        "https://evil.example\\@www.army.mil/x",
        "https://evil.example\t@www.army.mil/x",
        "https://www.army.mil\n.evil.example/",
        "https://www.example.org/newsletter",
        "https://notgov/x",
        "https://example.com/defense.gov",
        "ftp://www.defense.gov/file",
        "javascript:alert('www.defense.gov')",
        "file:///etc/www.defense.gov",
        "https://xn--gov-xyz.example/",
        "//www.defense.gov/path",
        "www.defense.gov",
        "",
        None,
    ],
)
def test_pretenders_are_not_official(url: str | None) -> None:
    assert not is_official_source(url)


def test_idna_host_is_normalised() -> None:
    assert normalized_host("https://BÜCHER.example/x") == "xn--bcher-kva.example"


def test_rights_default_only_for_official_sources() -> None:
    official = Article(title="t", source={"url": "https://www.defense.gov/a"})
    other = Article(title="t", source={"url": "https://www.example.org/a"})
    own = Article(
        title="t", source={"url": "https://www.defense.gov/a"}, rights="Courtesy photo rights reserved"
    )
    assert rights_statement(official) == US_GOVERNMENT_WORK
    assert "17 U.S.C. 105" in US_GOVERNMENT_WORK
    assert rights_statement(other) is None
    assert rights_statement(own) == "Courtesy photo rights reserved"

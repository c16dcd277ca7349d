"""Provenance rules: the official-website notice only for hosts that really are .gov or .mil."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from exporter.model import Article, Source

# How an article's source URL was found (`Source.url_from`), in words, for the outputs' metadata.
URL_FOUND = {
    "given": "source URL given",
    "fetched": "source URL fetched",
    "saved page": "source URL as recorded in the saved page",
}

# The official-website notice (a message id: each output translates it into the article's language).
OFFICIAL_NOTICE = "This article was published on %(host)s, an official website of the United States government."
US_GOVERNMENT_WORK = (
    "A work of the United States Government, not subject to copyright in the United States (17 U.S.C. 105)."
)


def normalized_host(url: str | None) -> str | None:
    """The URL's host, IDNA-normalised and lower-cased, without userinfo or port; None if there is none."""
    if not url:
        return None
    url = url.strip()
    # Browsers read "\" as "/" and drop tabs and newlines, so such a URL's real host is not what urlsplit
    # sees (https://evil.example\@www.army.mil/ goes to evil.example): it has no trustworthy host.
    authority = re.split(r"[/?#]", url.partition("//")[2], maxsplit=1)[0]
    if "\\" in url or any(ord(character) < 32 for character in url) or any(c.isspace() for c in authority):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = parts.hostname  # drops userinfo and port, lower-cases
    if not host:
        return None
    host = host.rstrip(".")
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        return None


def is_official_source(url: str | None) -> bool:
    """True only for http(s) URLs whose host is gov/mil or ends in .gov/.mil."""
    host = normalized_host(url)
    if host is None:
        return False
    return host in ("gov", "mil") or host.endswith((".gov", ".mil"))


def effective_source(source: Source, source_url: str | None) -> Source:
    """`--source-url` overrides whatever the input says."""
    if source_url is None:
        return source
    return source.model_copy(update={"url": source_url, "url_from": "given"})


def rights_statement(article: Article) -> str | None:
    """The input's own rights line wins; official sources default to the US-government-work statement."""
    if article.rights:
        return article.rights
    if is_official_source(article.source.url):
        return US_GOVERNMENT_WORK
    return None


@dataclass
class ProvenanceView:
    official: bool
    host: str | None
    url: str | None
    # Shown beside the URL when it was read from a saved copy rather than given or fetched.
    url_recorded: bool
    agency: str | None
    retrieved: str | None
    rights: str | None
    anchor_prefix: str
    # In a packet where another article has the same title: its place ("2"), which its regions' names then say,
    # so that no two landmarks share a name.
    place: str | None = None
    rights_language: str | None = None  # "en" for the US-government-work statement, which is not translated


def provenance_view(article: Article, anchor_prefix: str = "", place: str | None = None) -> ProvenanceView:
    source = article.source
    host = normalized_host(source.url)
    rights = rights_statement(article)
    return ProvenanceView(
        official=is_official_source(source.url),
        host=host,
        url=source.url,
        url_recorded=bool(source.url) and source.url_from == "saved page",
        agency=source.agency or source.site_name,
        retrieved=source.retrieved,
        rights=rights,
        anchor_prefix=anchor_prefix,
        place=place,
        rights_language="en" if rights == US_GOVERNMENT_WORK else None,
    )

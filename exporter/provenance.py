"""Provenance rules: the official-website notice only for hosts that really are .gov or .mil."""

from __future__ import annotations

from urllib.parse import urlsplit

import idna

from exporter.model import Article, Source

# The official-website notice (a message id: each output translates it into the article's language).
OFFICIAL_NOTICE = "This article was published on %(host)s, an official website of the United States government."
US_GOVERNMENT_WORK = (
    "A work of the United States Government, not subject to copyright in the United States (17 U.S.C. 105)."
)


def normalized_host(url: str | None) -> str | None:
    """The URL's host, IDNA-normalised and lower-cased, without userinfo or port; None if there is none."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
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
    return source.model_copy(update={"url": source_url})


def rights_statement(article: Article) -> str | None:
    """The input's own rights line wins; official sources default to the US-government-work statement."""
    if article.rights:
        return article.rights
    if is_official_source(article.source.url):
        return US_GOVERNMENT_WORK
    return None

"""The URL a saved web page records about itself, for pages saved without `--source-url`.

In order of trust: the canonical link or `og:url`; a mirroring tool's note (HTTrack writes
`<!-- Mirrored from HOST/PATH by HTTrack ... -->`); the page's own post-back form, whose action is the page's
address (DNN sites: `<form method="post" action="/News/Photos/igphoto/2003094707/">`, the af.mil print view:
`action="Print.aspx?PortalId=1&ModuleId=850&Article=643334"`). A form action without a host takes the host the
page links to for its own pages (links whose path starts like the action's, or that the profile's platform
recognises as its own). Only absolute http(s) URLs with a host are returned; nothing here is trusted: the
official notice still follows the URL's host.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from exporter.readers.profiles.base import squash

_MIRRORED_FROM = re.compile(r"<!--\s*Mirrored from\s+(\S+)\s+by HTTrack", re.IGNORECASE)
_SEARCH = re.compile(r"search", re.IGNORECASE)


def absolute(value: str | None) -> str | None:
    text = squash(value)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def declared_url(root: HtmlElement) -> str | None:
    """The page's canonical link, else og:url."""
    candidates = [
        link.get("href") for link in root.iter("link") if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [
        meta.get("content") or meta.get("value")
        for meta in root.iter("meta")
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url"
    ]
    return next((url for url in map(absolute, candidates) if url), None)


def mirrored_url(text: str) -> str | None:
    """HTTrack's note at the top or bottom of a mirrored page (it leaves out the scheme of http pages)."""
    for part in (text[:20_000], text[-20_000:]):
        match = _MIRRORED_FROM.search(part)
        if match:
            value = match.group(1)
            return absolute(value if "://" in value else "http://" + value)
    return None


def form_url(root: HtmlElement, *, folder: str | None, own_paths: re.Pattern[str] | None) -> str | None:
    """The page's post-back form action as an absolute URL, where the page shows which site it belongs to."""
    form = next(
        (
            form
            for form in root.iter("form")
            if (form.get("method") or "").lower() == "post"
            and (form.get("action") or "").strip()
            and not _SEARCH.search(f"{form.get('action')} {form.get('id') or ''} {form.get('class') or ''}")
        ),
        None,
    )
    if form is None:
        return None
    action = squash(form.get("action"))
    if absolute(action):
        return action
    if not action.startswith("/"):
        if folder is None:
            return None
        action = urljoin(folder, action)
    origin = site_origin(root, action, own_paths)
    return absolute(origin + action) if origin else None


def site_origin(root: HtmlElement, path: str, own_paths: re.Pattern[str] | None) -> str | None:
    """The scheme and host of the page's links to its own site: the most frequent host among absolute links
    whose path starts with the same folder as `path`, or that `own_paths` recognises."""
    first = path.strip("/").split("/", 1)[0].lower()
    hosts: Counter[str] = Counter()
    for anchor in root.iter("a"):
        url = absolute(anchor.get("href"))
        if not url:
            continue
        parts = urlsplit(url)
        link_first = parts.path.strip("/").split("/", 1)[0].lower()
        if (first and link_first == first and "/" in path.strip("/")) or (own_paths and own_paths.search(parts.path)):
            hosts[f"{parts.scheme.lower()}://{parts.netloc}"] += 1
    return hosts.most_common(1)[0][0] if hosts else None


def saved_page_url(
    root: HtmlElement, text: str, *, folder: str | None = None, own_paths: re.Pattern[str] | None = None
) -> str | None:
    return declared_url(root) or mirrored_url(text) or form_url(root, folder=folder, own_paths=own_paths)

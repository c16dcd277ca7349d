"""Which heading an in-text link names (`[see below](#methods)`).

Authors link to the id they gave a heading (Markdown `## Methods {#methods}`, a Word bookmark on it), or to the
one their tool derived from its text: GitHub's and pandoc's rules differ from each other and from ours
(`url.href` is "urlhref" to both, "url-href" to us), so a fragment is looked up under each. Writers then point the
link at the anchor they gave the heading; a fragment that names no heading is no link (`pipeline`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from urllib.parse import unquote

from exporter.model import (
    Article,
    Heading,
    Link,
    inline_lists,
    plain_text,
    walk_blocks,
    walk_inlines,
)


def slugify(text: str) -> str:
    """Our anchor for a heading's text: ASCII letters and digits, runs of anything else one hyphen."""
    normalized = unicodedata.normalize("NFKD", text)
    ascii_text = normalized.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "section"


def github_slug(text: str) -> str:
    """GitHub's (and markdown-it-anchor's, GitLab's): lower case, only letters, digits, "_", "-" and spaces kept,
    each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def pandoc_slug(text: str) -> str:
    """Pandoc's auto_identifiers: letters, digits, "_", "-" and "." kept, spaces hyphens, lower case, nothing
    before the first letter. Its Markdown reads "--" and "---" as dashes, which are not kept either."""
    kept = re.sub(r"\s+", "-", re.sub(r"[^\w\-.\s]|-{2,3}", "", text.strip())).lower()
    start = next((index for index, char in enumerate(kept) if char.isalpha()), len(kept))
    return kept[start:] or "section"


# How each tool tells apart headings with the same text: GitHub and pandoc "-1", "-2", ...; we "-2", "-3", ...
CONVENTIONS = ((github_slug, 0), (pandoc_slug, 0), (slugify, 1))


def heading_targets(article: Article) -> dict[str, Heading]:
    """Every fragment that names one of the article's headings: the ids authors gave first, then the ones each
    tool derives, the first heading to claim a name keeping it."""
    headings = [block for block in walk_blocks(article.body) if isinstance(block, Heading)]
    targets = {heading.anchor: heading for heading in reversed(headings) if heading.anchor}
    seen: list[Counter[str]] = [Counter() for _ in CONVENTIONS]
    for heading in headings:
        text = plain_text(heading.children)
        for (derive, offset), counts in zip(CONVENTIONS, seen, strict=True):
            slug = derive(text)
            if not slug:
                continue  # a heading of punctuation alone has no id by GitHub's rule; "#" names no heading
            repeat = counts[slug]
            counts[slug] += 1
            targets.setdefault(f"{slug}-{repeat + offset}" if repeat else slug, heading)
    return targets


def fragment(link: Link) -> str | None:
    """The fragment an in-page link names ("#caf%C3%A9" names "café"); None for any other link."""
    return unquote(link.href.strip()[1:]) if link.href.strip().startswith("#") else None


def article_links(article: Article) -> Iterator[Link]:
    """The article's links, those in its footnotes too."""
    notes = [paragraph.children for note in article.footnotes() for paragraph in note.children]
    for inlines in [*inline_lists(article.body), *notes]:
        for node in walk_inlines(inlines):
            if isinstance(node, Link):
                yield node
